// Country and subdivision names as the System Log writes them ("United
// States", "California", "Land Berlin") → ISO 3166-1 alpha-2 and ISO 3166-2
// codes, which network zones use. A table in the project, no network calls.
#ifndef VERDICT_LIB_LOGS_ISO3166_H_
#define VERDICT_LIB_LOGS_ISO3166_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace verdict::logs {

// "US" for "United States", "United States of America", "USA", "us", "US".
// Matching ignores case, accents, punctuation and "St."/"Saint" spelling.
// Every ISO 3166-1 country by its English short name plus common variants,
// and XK (Kosovo, the user-assigned code geolocation databases use). "" for
// a name not in the table: unknown is left unknown, never guessed.
std::string CountryCode(std::string_view name_or_code);

// "US-CA" for ("US", "California"), ("US", "CA") or ("US", "US-CA"). Tables
// for US states + DC + outlying areas, Canadian provinces and territories,
// Australian states and territories, German Länder, the UK's nations,
// French regions, Japanese prefectures and Brazilian states. A code already
// in "CC-XXX" form with the right country is accepted for any country. ""
// when unknown.
std::string RegionCode(std::string_view country_code, std::string_view name_or_code);

// CountryCode and RegionCode with the answers kept: a log names a few hundred
// places at most, each thousands of times, and a lookup normalises the name
// and allocates. Bounded, so unusual input cannot grow it without limit. Not
// thread-safe: one per thread, owned by whoever converts events there
// (LogEventParser).
class PlaceCodeCache {
 public:
  // The same answers as CountryCode() and RegionCode().
  std::string Country(std::string_view name_or_code);
  std::string Region(std::string_view country_code, std::string_view name_or_code);

 private:
  class Memo {
   public:
    template <typename Compute>
    std::string Get(std::string_view key, Compute compute);

   private:
    absl::flat_hash_map<std::string, std::string> map_;
  };
  Memo countries_;
  Memo regions_;
  std::string key_;  // the region lookup's key, its buffer reused
};

// Lower case ASCII, Latin accents folded, punctuation as single spaces,
// "st" → "saint", "&" → "and". Exposed for tests.
std::string NormalizePlaceName(std::string_view name);

// Number of ISO 3166-1 entries in the table (tests check completeness).
int CountryTableSize();

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_ISO3166_H_
