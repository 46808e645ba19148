#include "verdict/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace verdict {
namespace {

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" in UTC, or nullopt for any other text
// (which absl::ParseTime then decides).
std::optional<absl::Time> ParseUtcShape(std::string_view s) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < kShape.size() + 1 || s.back() != 'Z') return std::nullopt;
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = s[i] >= '0' && s[i] <= '9';
    if (kShape[i] == 'd' ? !digit : s[i] != kShape[i]) return std::nullopt;
  }
  auto num = [s](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  // The fraction: none, or '.' and 1–9 digits (absl reads at most
  // nanoseconds; longer fractions go to it).
  int64_t nanos = 0;
  const std::string_view rest = s.substr(kShape.size(), s.size() - kShape.size() - 1);
  if (!rest.empty()) {
    if (rest.size() < 2 || rest.size() > 10 || rest[0] != '.') return std::nullopt;
    int64_t scale = 1000000000;
    for (size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] < '0' || rest[i] > '9') return std::nullopt;
      scale /= 10;
      nanos += (rest[i] - '0') * scale;
    }
  }
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  const int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  // 31 November and the like normalise to another day: absl rejects them.
  if (civil.month() != month || civil.day() != day) return std::nullopt;
  // UTC by civil-time arithmetic (FromCivil's time zone lookup is not free).
  const int64_t seconds = civil - absl::CivilSecond(1970, 1, 1, 0, 0, 0);
  return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
}

}  // namespace

bool ParseRfc3339(std::string_view text, absl::Time* out, std::string* err) {
  if (std::optional<absl::Time> fast = ParseUtcShape(text)) {
    *out = *fast;
    return true;
  }
  return absl::ParseTime(absl::RFC3339_full, absl::string_view(text.data(), text.size()), out, err);
}

}  // namespace verdict
