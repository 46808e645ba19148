// Country and region names of the System Log → ISO 3166 codes.
#include "lib/logs/iso3166.h"

#include <string>

#include "gtest/gtest.h"

namespace verdict::logs {
namespace {

struct Case {
  std::string name;
  std::string country;  // input
  std::string region;   // input
  std::string want_country;
  std::string want_region;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Iso3166Test : public ::testing::TestWithParam<Case> {};

TEST_P(Iso3166Test, Maps) {
  const Case& c = GetParam();
  const std::string country = CountryCode(c.country);
  EXPECT_EQ(country, c.want_country) << c.country;
  if (!c.region.empty()) {
    EXPECT_EQ(RegionCode(country, c.region), c.want_region) << c.region;
  }
}

// The cache a parser keeps gives the lookups' answers, the first time and
// when it answers from memory.
TEST_P(Iso3166Test, CachedAsLookedUp) {
  const Case& c = GetParam();
  PlaceCodeCache cache;
  for (int round = 0; round < 2; ++round) {
    const std::string country = cache.Country(c.country);
    EXPECT_EQ(country, c.want_country) << c.country << ", round " << round;
    if (!c.region.empty()) {
      EXPECT_EQ(cache.Region(country, c.region), c.want_region) << c.region << ", round " << round;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Iso3166Test,
    ::testing::Values(
        Case{"UnitedStates", "United States", "California", "US", "US-CA"},
        Case{"UnitedStatesOfAmerica", "United States of America", "New York", "US", "US-NY"},
        Case{"Usa", "USA", "Washington", "US", "US-WA"},
        Case{"DistrictOfColumbia", "United States", "District of Columbia", "US", "US-DC"},
        Case{"WashingtonDc", "United States", "Washington, D.C.", "US", "US-DC"},
        Case{"PuertoRicoAsUsState", "United States", "Puerto Rico", "US", "US-PR"},
        Case{"CodeInput", "US", "CA", "US", "US-CA"},
        Case{"LowerCaseCode", "us", "US-tx", "US", "US-TX"},
        Case{"FullRegionCodeInput", "DE", "DE-BE", "DE", "DE-BE"},
        Case{"LandBerlin", "Germany", "Land Berlin", "DE", "DE-BE"},
        Case{"FreistaatBayern", "Germany", "Freistaat Bayern", "DE", "DE-BY"},
        Case{"Bavaria", "Germany", "Bavaria", "DE", "DE-BY"},
        Case{"BadenWuerttembergUmlaut", "Germany", "Baden-Württemberg", "DE", "DE-BW"},
        Case{"NorthRhineWestphalia", "Germany", "North Rhine-Westphalia", "DE", "DE-NW"},
        Case{"Thueringen", "Deutschland", "Thüringen", "DE", "DE-TH"},
        Case{"UnitedKingdom", "United Kingdom", "England", "GB", "GB-ENG"},
        Case{"Uk", "UK", "Scotland", "GB", "GB-SCT"},
        Case{"Quebec", "Canada", "Québec", "CA", "CA-QC"},
        Case{"QuebecPlain", "Canada", "Quebec", "CA", "CA-QC"},
        Case{"BritishColumbia", "Canada", "British Columbia", "CA", "CA-BC"},
        Case{"Nsw", "Australia", "New South Wales", "AU", "AU-NSW"},
        Case{"Act", "Australia", "Australian Capital Territory", "AU", "AU-ACT"},
        Case{"Tokyo", "Japan", "Tokyo", "JP", "JP-13"},
        Case{"TokyoTo", "Japan", "Tokyo-to", "JP", "JP-13"},
        Case{"Osaka", "Japan", "Ōsaka", "JP", "JP-27"},
        Case{"SaoPaulo", "Brazil", "São Paulo", "BR", "BR-SP"},
        Case{"IleDeFrance", "France", "Île-de-France", "FR", "FR-IDF"},
        Case{"Corsica", "France", "Corsica", "FR", "FR-20R"},
        Case{"Russia", "Russia", "", "RU", ""},
        Case{"RussianFederation", "Russian Federation", "", "RU", ""},
        Case{"SouthKorea", "South Korea", "", "KR", ""},
        Case{"KoreaRepublicOf", "Korea, Republic of", "", "KR", ""},
        Case{"NorthKorea", "North Korea", "", "KP", ""},
        Case{"Czechia", "Czech Republic", "", "CZ", ""}, Case{"Turkey", "Turkey", "", "TR", ""},
        Case{"Turkiye", "Türkiye", "", "TR", ""}, Case{"IvoryCoast", "Côte d’Ivoire", "", "CI", ""},
        Case{"IvoryCoastAscii", "Cote d'Ivoire", "", "CI", ""},
        Case{"TheNetherlands", "The Netherlands", "", "NL", ""},
        Case{"Vietnam", "Vietnam", "", "VN", ""}, Case{"Aland", "Åland Islands", "", "AX", ""},
        Case{"SaintKitts", "St. Kitts and Nevis", "", "KN", ""},
        Case{"BosniaAmpersand", "Bosnia & Herzegovina", "", "BA", ""},
        Case{"HongKong", "Hong Kong", "", "HK", ""}, Case{"Kosovo", "Kosovo", "", "XK", ""},
        Case{"CaseAndSpace", "  united   STATES ", "", "US", ""},
        // Unknown is absent, never a guess.
        Case{"UnknownCountry", "Atlantis", "", "", ""},
        Case{"UnknownTwoLetterCode", "ZZ", "", "", ""}, Case{"EmptyCountry", "", "", "", ""},
        Case{"UnknownRegion", "United States", "Outer Ring", "US", ""},
        Case{"RegionOfCountryWithoutTable", "Italy", "Lazio", "IT", ""},
        Case{"RegionCodeOfOtherCountry", "United States", "DE-BE", "US", ""},
        Case{"LowerCaseNameIsNotACode", "Germany", "by", "DE", ""},
        Case{"StateOfOtherCountry", "Canada", "California", "CA", ""}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(Iso3166, TableHoldsEveryIsoCountry) { EXPECT_EQ(CountryTableSize(), 249); }

// Past its bound the cache starts over, and long names are looked up without
// being kept: the answers never change.
TEST(Iso3166, CacheStaysRightPastItsBounds) {
  PlaceCodeCache cache;
  for (int i = 0; i < 10000; ++i) {
    const std::string name = i % 2 == 0 ? "Germany" : "Place " + std::to_string(i);
    ASSERT_EQ(cache.Country(name), i % 2 == 0 ? "DE" : "") << name;
  }
  const std::string long_name = std::string(300, 'x') + " Germany";
  EXPECT_EQ(cache.Country(long_name), CountryCode(long_name));
  // One name in two countries is two entries.
  EXPECT_EQ(cache.Region("US", "California"), "US-CA");
  EXPECT_EQ(cache.Region("DE", "California"), "");
  EXPECT_EQ(cache.Region("US", "California"), "US-CA");
}

TEST(Iso3166, RegionWithoutCountryIsAbsent) { EXPECT_EQ(RegionCode("", "California"), ""); }

TEST(Iso3166, Normalize) {
  EXPECT_EQ(NormalizePlaceName("Baden-Württemberg"), "baden wurttemberg");
  EXPECT_EQ(NormalizePlaceName("St. Lucia"), "saint lucia");
  EXPECT_EQ(NormalizePlaceName("Trinidad & Tobago"), "trinidad and tobago");
}

}  // namespace
}  // namespace verdict::logs
