#include "lib/logs/iso3166.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace verdict::logs {
namespace {

struct Entry {
  const char* code;
  const char* names;  // '|'-separated: the ISO English short name first
};

// ISO 3166-1 (249 entries) + XK. Variants are names seen in geolocation data
// (MaxMind, Okta's System Log) and everyday English.
constexpr Entry kCountries[] = {
    {"AD", "Andorra"},
    {"AE", "United Arab Emirates|UAE"},
    {"AF", "Afghanistan"},
    {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"},
    {"AL", "Albania"},
    {"AM", "Armenia"},
    {"AO", "Angola"},
    {"AQ", "Antarctica"},
    {"AR", "Argentina"},
    {"AS", "American Samoa"},
    {"AT", "Austria"},
    {"AU", "Australia"},
    {"AW", "Aruba"},
    {"AX", "Åland Islands|Aland"},
    {"AZ", "Azerbaijan"},
    {"BA", "Bosnia and Herzegovina|Bosnia"},
    {"BB", "Barbados"},
    {"BD", "Bangladesh"},
    {"BE", "Belgium"},
    {"BF", "Burkina Faso"},
    {"BG", "Bulgaria"},
    {"BH", "Bahrain"},
    {"BI", "Burundi"},
    {"BJ", "Benin"},
    {"BL", "Saint Barthélemy"},
    {"BM", "Bermuda"},
    {"BN", "Brunei Darussalam|Brunei"},
    {"BO", "Bolivia (Plurinational State of)|Bolivia|Plurinational State of Bolivia"},
    {"BQ",
     "Bonaire, Sint Eustatius and Saba|Bonaire, Saint Eustatius, and Saba|Caribbean "
     "Netherlands|Bonaire"},
    {"BR", "Brazil|Brasil"},
    {"BS", "Bahamas|The Bahamas|Bahamas, The"},
    {"BT", "Bhutan"},
    {"BV", "Bouvet Island"},
    {"BW", "Botswana"},
    {"BY", "Belarus"},
    {"BZ", "Belize"},
    {"CA", "Canada"},
    {"CC", "Cocos (Keeling) Islands|Cocos Islands"},
    {"CD",
     "Congo, Democratic Republic of the|Democratic Republic of the Congo|DR Congo|"
     "Congo (Kinshasa)|Congo, The Democratic Republic of the|DRC"},
    {"CF", "Central African Republic"},
    {"CG", "Congo|Republic of the Congo|Congo Republic|Congo (Brazzaville)"},
    {"CH", "Switzerland"},
    {"CI", "Côte d'Ivoire|Ivory Coast"},
    {"CK", "Cook Islands"},
    {"CL", "Chile"},
    {"CM", "Cameroon"},
    {"CN", "China|People's Republic of China"},
    {"CO", "Colombia"},
    {"CR", "Costa Rica"},
    {"CU", "Cuba"},
    {"CV", "Cabo Verde|Cape Verde"},
    {"CW", "Curaçao"},
    {"CX", "Christmas Island"},
    {"CY", "Cyprus"},
    {"CZ", "Czechia|Czech Republic"},
    {"DE", "Germany|Deutschland"},
    {"DJ", "Djibouti"},
    {"DK", "Denmark"},
    {"DM", "Dominica"},
    {"DO", "Dominican Republic"},
    {"DZ", "Algeria"},
    {"EC", "Ecuador"},
    {"EE", "Estonia"},
    {"EG", "Egypt"},
    {"EH", "Western Sahara"},
    {"ER", "Eritrea"},
    {"ES", "Spain"},
    {"ET", "Ethiopia"},
    {"FI", "Finland"},
    {"FJ", "Fiji"},
    {"FK", "Falkland Islands (Malvinas)|Falkland Islands"},
    {"FM", "Micronesia (Federated States of)|Micronesia|Federated States of Micronesia"},
    {"FO", "Faroe Islands|Faeroe Islands"},
    {"FR", "France"},
    {"GA", "Gabon"},
    {"GB",
     "United Kingdom of Great Britain and Northern Ireland|United Kingdom|UK|"
     "Great Britain|Britain"},
    {"GD", "Grenada"},
    {"GE", "Georgia"},
    {"GF", "French Guiana"},
    {"GG", "Guernsey"},
    {"GH", "Ghana"},
    {"GI", "Gibraltar"},
    {"GL", "Greenland"},
    {"GM", "Gambia|The Gambia|Gambia, The"},
    {"GN", "Guinea"},
    {"GP", "Guadeloupe"},
    {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"},
    {"GS", "South Georgia and the South Sandwich Islands"},
    {"GT", "Guatemala"},
    {"GU", "Guam"},
    {"GW", "Guinea-Bissau"},
    {"GY", "Guyana"},
    {"HK", "Hong Kong"},
    {"HM", "Heard Island and McDonald Islands"},
    {"HN", "Honduras"},
    {"HR", "Croatia"},
    {"HT", "Haiti"},
    {"HU", "Hungary"},
    {"ID", "Indonesia"},
    {"IE", "Ireland|Republic of Ireland"},
    {"IL", "Israel"},
    {"IM", "Isle of Man"},
    {"IN", "India"},
    {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"},
    {"IR", "Iran (Islamic Republic of)|Iran|Islamic Republic of Iran"},
    {"IS", "Iceland"},
    {"IT", "Italy"},
    {"JE", "Jersey"},
    {"JM", "Jamaica"},
    {"JO", "Jordan|Hashemite Kingdom of Jordan"},
    {"JP", "Japan"},
    {"KE", "Kenya"},
    {"KG", "Kyrgyzstan"},
    {"KH", "Cambodia"},
    {"KI", "Kiribati"},
    {"KM", "Comoros"},
    {"KN", "Saint Kitts and Nevis"},
    {"KP",
     "Korea (Democratic People's Republic of)|North Korea|"
     "Korea, Democratic People's Republic of|DPRK"},
    {"KR", "Korea, Republic of|South Korea|Republic of Korea|Korea (Republic of)|Korea"},
    {"KW", "Kuwait"},
    {"KY", "Cayman Islands"},
    {"KZ", "Kazakhstan"},
    {"LA", "Lao People's Democratic Republic|Laos"},
    {"LB", "Lebanon"},
    {"LC", "Saint Lucia"},
    {"LI", "Liechtenstein"},
    {"LK", "Sri Lanka"},
    {"LR", "Liberia"},
    {"LS", "Lesotho"},
    {"LT", "Lithuania|Republic of Lithuania"},
    {"LU", "Luxembourg"},
    {"LV", "Latvia"},
    {"LY", "Libya"},
    {"MA", "Morocco"},
    {"MC", "Monaco"},
    {"MD", "Moldova, Republic of|Moldova|Republic of Moldova"},
    {"ME", "Montenegro"},
    {"MF", "Saint Martin (French part)|Saint Martin"},
    {"MG", "Madagascar"},
    {"MH", "Marshall Islands"},
    {"MK", "North Macedonia|Macedonia"},
    {"ML", "Mali"},
    {"MM", "Myanmar|Burma"},
    {"MN", "Mongolia"},
    {"MO", "Macao|Macau"},
    {"MP", "Northern Mariana Islands"},
    {"MQ", "Martinique"},
    {"MR", "Mauritania"},
    {"MS", "Montserrat"},
    {"MT", "Malta"},
    {"MU", "Mauritius"},
    {"MV", "Maldives"},
    {"MW", "Malawi"},
    {"MX", "Mexico"},
    {"MY", "Malaysia"},
    {"MZ", "Mozambique"},
    {"NA", "Namibia"},
    {"NC", "New Caledonia"},
    {"NE", "Niger"},
    {"NF", "Norfolk Island"},
    {"NG", "Nigeria"},
    {"NI", "Nicaragua"},
    {"NL",
     "Netherlands|The Netherlands|Netherlands (Kingdom of the)|Kingdom of the "
     "Netherlands|Holland"},
    {"NO", "Norway"},
    {"NP", "Nepal"},
    {"NR", "Nauru"},
    {"NU", "Niue"},
    {"NZ", "New Zealand"},
    {"OM", "Oman"},
    {"PA", "Panama"},
    {"PE", "Peru"},
    {"PF", "French Polynesia"},
    {"PG", "Papua New Guinea"},
    {"PH", "Philippines|The Philippines"},
    {"PK", "Pakistan"},
    {"PL", "Poland"},
    {"PM", "Saint Pierre and Miquelon"},
    {"PN", "Pitcairn|Pitcairn Islands"},
    {"PR", "Puerto Rico"},
    {"PS",
     "Palestine, State of|Palestine|State of Palestine|Palestinian Territory|"
     "Palestinian Territories"},
    {"PT", "Portugal"},
    {"PW", "Palau"},
    {"PY", "Paraguay"},
    {"QA", "Qatar"},
    {"RE", "Réunion"},
    {"RO", "Romania"},
    {"RS", "Serbia"},
    {"RU", "Russian Federation|Russia"},
    {"RW", "Rwanda"},
    {"SA", "Saudi Arabia"},
    {"SB", "Solomon Islands"},
    {"SC", "Seychelles"},
    {"SD", "Sudan"},
    {"SE", "Sweden"},
    {"SG", "Singapore"},
    {"SH", "Saint Helena, Ascension and Tristan da Cunha|Saint Helena"},
    {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen"},
    {"SK", "Slovakia"},
    {"SL", "Sierra Leone"},
    {"SM", "San Marino"},
    {"SN", "Senegal"},
    {"SO", "Somalia"},
    {"SR", "Suriname"},
    {"SS", "South Sudan"},
    {"ST", "Sao Tome and Principe"},
    {"SV", "El Salvador"},
    {"SX", "Sint Maarten (Dutch part)|Sint Maarten"},
    {"SY", "Syrian Arab Republic|Syria"},
    {"SZ", "Eswatini|Swaziland"},
    {"TC", "Turks and Caicos Islands"},
    {"TD", "Chad"},
    {"TF", "French Southern Territories"},
    {"TG", "Togo"},
    {"TH", "Thailand"},
    {"TJ", "Tajikistan"},
    {"TK", "Tokelau"},
    {"TL", "Timor-Leste|East Timor"},
    {"TM", "Turkmenistan"},
    {"TN", "Tunisia"},
    {"TO", "Tonga"},
    {"TR", "Türkiye|Turkey"},
    {"TT", "Trinidad and Tobago"},
    {"TV", "Tuvalu"},
    {"TW", "Taiwan, Province of China|Taiwan"},
    {"TZ", "Tanzania, United Republic of|Tanzania|United Republic of Tanzania"},
    {"UA", "Ukraine"},
    {"UG", "Uganda"},
    {"UM", "United States Minor Outlying Islands|U.S. Minor Outlying Islands"},
    {"US", "United States of America|United States|USA|U.S.A.|U.S."},
    {"UY", "Uruguay"},
    {"UZ", "Uzbekistan"},
    {"VA", "Holy See|Vatican City|Vatican|Holy See (Vatican City State)"},
    {"VC", "Saint Vincent and the Grenadines"},
    {"VE", "Venezuela (Bolivarian Republic of)|Venezuela"},
    {"VG", "Virgin Islands (British)|British Virgin Islands"},
    {"VI", "Virgin Islands (U.S.)|U.S. Virgin Islands|US Virgin Islands"},
    {"VN", "Viet Nam|Vietnam"},
    {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna"},
    {"WS", "Samoa"},
    {"YE", "Yemen"},
    {"YT", "Mayotte"},
    {"ZA", "South Africa"},
    {"ZM", "Zambia"},
    {"ZW", "Zimbabwe"},
    // Not ISO 3166-1: the user-assigned code geolocation databases use.
    {"XK", "Kosovo"},
};
constexpr int kIsoCountryCount = static_cast<int>(std::size(kCountries)) - 1;

// Subdivisions: code (the part after "CC-") and names.
struct SubdivisionTable {
  const char* country;
  const Entry* entries;
  size_t size;
};

constexpr Entry kUs[] = {
    {"AL", "Alabama"},
    {"AK", "Alaska"},
    {"AZ", "Arizona"},
    {"AR", "Arkansas"},
    {"CA", "California"},
    {"CO", "Colorado"},
    {"CT", "Connecticut"},
    {"DE", "Delaware"},
    {"FL", "Florida"},
    {"GA", "Georgia"},
    {"HI", "Hawaii"},
    {"ID", "Idaho"},
    {"IL", "Illinois"},
    {"IN", "Indiana"},
    {"IA", "Iowa"},
    {"KS", "Kansas"},
    {"KY", "Kentucky"},
    {"LA", "Louisiana"},
    {"ME", "Maine"},
    {"MD", "Maryland"},
    {"MA", "Massachusetts"},
    {"MI", "Michigan"},
    {"MN", "Minnesota"},
    {"MS", "Mississippi"},
    {"MO", "Missouri"},
    {"MT", "Montana"},
    {"NE", "Nebraska"},
    {"NV", "Nevada"},
    {"NH", "New Hampshire"},
    {"NJ", "New Jersey"},
    {"NM", "New Mexico"},
    {"NY", "New York"},
    {"NC", "North Carolina"},
    {"ND", "North Dakota"},
    {"OH", "Ohio"},
    {"OK", "Oklahoma"},
    {"OR", "Oregon"},
    {"PA", "Pennsylvania"},
    {"RI", "Rhode Island"},
    {"SC", "South Carolina"},
    {"SD", "South Dakota"},
    {"TN", "Tennessee"},
    {"TX", "Texas"},
    {"UT", "Utah"},
    {"VT", "Vermont"},
    {"VA", "Virginia"},
    {"WA", "Washington"},
    {"WV", "West Virginia"},
    {"WI", "Wisconsin"},
    {"WY", "Wyoming"},
    {"DC", "District of Columbia|Washington, D.C.|Washington DC"},
    {"AS", "American Samoa"},
    {"GU", "Guam"},
    {"MP", "Northern Mariana Islands"},
    {"PR", "Puerto Rico"},
    {"UM", "United States Minor Outlying Islands|U.S. Minor Outlying Islands"},
    {"VI", "Virgin Islands|U.S. Virgin Islands"},
};

constexpr Entry kCa[] = {
    {"AB", "Alberta"},
    {"BC", "British Columbia"},
    {"MB", "Manitoba"},
    {"NB", "New Brunswick"},
    {"NL", "Newfoundland and Labrador|Newfoundland"},
    {"NS", "Nova Scotia"},
    {"NT", "Northwest Territories"},
    {"NU", "Nunavut"},
    {"ON", "Ontario"},
    {"PE", "Prince Edward Island"},
    {"QC", "Quebec|Québec"},
    {"SK", "Saskatchewan"},
    {"YT", "Yukon|Yukon Territory"},
};

constexpr Entry kAu[] = {
    {"NSW", "New South Wales"},   {"VIC", "Victoria"},
    {"QLD", "Queensland"},        {"SA", "South Australia"},
    {"WA", "Western Australia"},  {"TAS", "Tasmania"},
    {"NT", "Northern Territory"}, {"ACT", "Australian Capital Territory"},
};

// German Länder, English and German names; "Land Berlin", "Freistaat Bayern"
// etc. are handled by the prefix rule in RegionCode.
constexpr Entry kDe[] = {
    {"BW", "Baden-Württemberg|Baden-Wuerttemberg"},
    {"BY", "Bavaria|Bayern"},
    {"BE", "Berlin"},
    {"BB", "Brandenburg"},
    {"HB", "Bremen"},
    {"HH", "Hamburg"},
    {"HE", "Hesse|Hessen"},
    {"MV", "Mecklenburg-Vorpommern|Mecklenburg-Western Pomerania"},
    {"NI", "Lower Saxony|Niedersachsen"},
    {"NW", "North Rhine-Westphalia|Nordrhein-Westfalen"},
    {"RP", "Rhineland-Palatinate|Rheinland-Pfalz"},
    {"SL", "Saarland"},
    {"SN", "Saxony|Sachsen"},
    {"ST", "Saxony-Anhalt|Sachsen-Anhalt"},
    {"SH", "Schleswig-Holstein"},
    {"TH", "Thuringia|Thüringen|Thueringen"},
};

constexpr Entry kGb[] = {
    {"ENG", "England"},
    {"SCT", "Scotland"},
    {"WLS", "Wales|Cymru"},
    {"NIR", "Northern Ireland"},
};

// Metropolitan regions since 2016.
constexpr Entry kFr[] = {
    {"ARA", "Auvergne-Rhône-Alpes"},
    {"BFC", "Bourgogne-Franche-Comté|Burgundy-Franche-Comte"},
    {"BRE", "Bretagne|Brittany"},
    {"CVL", "Centre-Val de Loire|Centre"},
    {"20R", "Corse|Corsica"},
    {"GES", "Grand Est"},
    {"HDF", "Hauts-de-France"},
    {"IDF", "Île-de-France"},
    {"NOR", "Normandie|Normandy"},
    {"NAQ", "Nouvelle-Aquitaine"},
    {"OCC", "Occitanie|Occitania"},
    {"PDL", "Pays de la Loire"},
    {"PAC", "Provence-Alpes-Côte d'Azur|Provence"},
};

constexpr Entry kJp[] = {
    {"01", "Hokkaido"}, {"02", "Aomori"},    {"03", "Iwate"},     {"04", "Miyagi"},
    {"05", "Akita"},    {"06", "Yamagata"},  {"07", "Fukushima"}, {"08", "Ibaraki"},
    {"09", "Tochigi"},  {"10", "Gunma"},     {"11", "Saitama"},   {"12", "Chiba"},
    {"13", "Tokyo"},    {"14", "Kanagawa"},  {"15", "Niigata"},   {"16", "Toyama"},
    {"17", "Ishikawa"}, {"18", "Fukui"},     {"19", "Yamanashi"}, {"20", "Nagano"},
    {"21", "Gifu"},     {"22", "Shizuoka"},  {"23", "Aichi"},     {"24", "Mie"},
    {"25", "Shiga"},    {"26", "Kyoto"},     {"27", "Osaka"},     {"28", "Hyogo"},
    {"29", "Nara"},     {"30", "Wakayama"},  {"31", "Tottori"},   {"32", "Shimane"},
    {"33", "Okayama"},  {"34", "Hiroshima"}, {"35", "Yamaguchi"}, {"36", "Tokushima"},
    {"37", "Kagawa"},   {"38", "Ehime"},     {"39", "Kochi"},     {"40", "Fukuoka"},
    {"41", "Saga"},     {"42", "Nagasaki"},  {"43", "Kumamoto"},  {"44", "Oita"},
    {"45", "Miyazaki"}, {"46", "Kagoshima"}, {"47", "Okinawa"},
};

constexpr Entry kBr[] = {
    {"AC", "Acre"},
    {"AL", "Alagoas"},
    {"AP", "Amapá"},
    {"AM", "Amazonas"},
    {"BA", "Bahia"},
    {"CE", "Ceará"},
    {"DF", "Distrito Federal|Federal District"},
    {"ES", "Espírito Santo"},
    {"GO", "Goiás"},
    {"MA", "Maranhão"},
    {"MT", "Mato Grosso"},
    {"MS", "Mato Grosso do Sul"},
    {"MG", "Minas Gerais"},
    {"PA", "Pará"},
    {"PB", "Paraíba"},
    {"PR", "Paraná"},
    {"PE", "Pernambuco"},
    {"PI", "Piauí"},
    {"RJ", "Rio de Janeiro"},
    {"RN", "Rio Grande do Norte"},
    {"RS", "Rio Grande do Sul"},
    {"RO", "Rondônia"},
    {"RR", "Roraima"},
    {"SC", "Santa Catarina"},
    {"SP", "São Paulo|Sao Paulo State"},
    {"SE", "Sergipe"},
    {"TO", "Tocantins"},
};

constexpr SubdivisionTable kSubdivisions[] = {
    {"US", kUs, std::size(kUs)}, {"CA", kCa, std::size(kCa)}, {"AU", kAu, std::size(kAu)},
    {"DE", kDe, std::size(kDe)}, {"GB", kGb, std::size(kGb)}, {"FR", kFr, std::size(kFr)},
    {"JP", kJp, std::size(kJp)}, {"BR", kBr, std::size(kBr)},
};

// Words in front of (or after) a subdivision's name that do not change it:
// "Land Berlin", "Freistaat Bayern", "State of New York", "Tokyo-to".
constexpr std::string_view kRegionPrefixes[] = {
    "free and hanseatic city of ",
    "freie und hansestadt ",
    "free hanseatic city of ",
    "freie hansestadt ",
    "free state of ",
    "freistaat ",
    "land ",
    "state of ",
    "province of ",
    "estado de ",
    "estado do ",
    "region ",
    "prefecture of ",
};
constexpr std::string_view kRegionSuffixes[] = {
    " prefecture", " ken", " fu", " to", " state", " province", " region",
};

// Latin-1 Supplement and Latin Extended-A letters (U+00C0..U+017F) → ASCII.
constexpr std::string_view kFoldC0 =
    "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";
constexpr std::string_view kFold100 =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

struct Tables {
  absl::flat_hash_map<std::string, std::string> countries;  // normalized name → code
  absl::flat_hash_map<std::string, bool> country_codes;
  // "US" → normalized name → "US-CA"; "US" → "CA" → "US-CA".
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::string>> regions;
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, std::string>> region_codes;
};

const Tables& GetTables() {
  static const Tables* const tables = [] {
    auto* t = new Tables;
    for (const Entry& e : kCountries) {
      t->country_codes[e.code] = true;
      for (absl::string_view name : absl::StrSplit(e.names, '|')) {
        t->countries.emplace(NormalizePlaceName(std::string_view(name.data(), name.size())),
                             e.code);
      }
    }
    for (const SubdivisionTable& table : kSubdivisions) {
      auto& names = t->regions[table.country];
      auto& codes = t->region_codes[table.country];
      for (size_t i = 0; i < table.size; ++i) {
        const Entry& e = table.entries[i];
        const std::string full = std::string(table.country) + "-" + e.code;
        codes[e.code] = full;
        for (absl::string_view name : absl::StrSplit(e.names, '|')) {
          names.emplace(NormalizePlaceName(std::string_view(name.data(), name.size())), full);
        }
      }
    }
    return t;
  }();
  return *tables;
}

bool IsCodeChar(char c) { return absl::ascii_isupper(c) || absl::ascii_isdigit(c); }

}  // namespace

std::string NormalizePlaceName(std::string_view name) {
  std::string folded;
  folded.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) {
        folded.push_back(absl::ascii_tolower(c));
      } else if (c == '&') {
        folded += " and ";
      } else {
        folded.push_back(' ');
      }
      continue;
    }
    // Two-byte UTF-8 sequences for U+0080..U+07FF.
    if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
      const uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu);
      ++i;
      if (cp >= 0xC0 && cp < 0x100) {
        folded.push_back(kFoldC0[cp - 0xC0]);
      } else if (cp >= 0x100 && cp < 0x180) {
        folded.push_back(kFold100[cp - 0x100]);
      } else {
        folded.push_back(' ');
      }
      continue;
    }
    // Curly apostrophes and other punctuation: a separator. Other multi-byte
    // characters are kept so distinct non-Latin names stay distinct.
    if (c == 0xE2 && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80) {
      i += 2;
      folded.push_back(' ');
      continue;
    }
    folded.push_back(static_cast<char>(c));
  }
  // Apostrophes inside words join them ("d'Ivoire" → "d ivoire" either way).
  std::string out;
  for (absl::string_view word : absl::StrSplit(folded, ' ', absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    if (word == "st") {
      out += "saint";
    } else {
      out.append(word.data(), word.size());
    }
  }
  return out;
}

int CountryTableSize() { return kIsoCountryCount; }

namespace {

std::string CountryCodeUncached(std::string_view name_or_code) {
  const Tables& t = GetTables();
  const absl::string_view trimmed =
      absl::StripAsciiWhitespace(absl::string_view(name_or_code.data(), name_or_code.size()));
  if (trimmed.size() == 2) {
    const std::string upper = absl::AsciiStrToUpper(trimmed);
    if (t.country_codes.contains(upper)) return upper;
  }
  const auto it =
      t.countries.find(NormalizePlaceName(std::string_view(trimmed.data(), trimmed.size())));
  if (it != t.countries.end()) return it->second;
  // "The Netherlands"-style leading article.
  const std::string normalized =
      NormalizePlaceName(std::string_view(trimmed.data(), trimmed.size()));
  if (normalized.rfind("the ", 0) == 0) {
    const auto it2 = t.countries.find(normalized.substr(4));
    if (it2 != t.countries.end()) return it2->second;
  }
  return "";
}

std::string RegionCodeUncached(std::string_view country_code, std::string_view name_or_code) {
  const Tables& t = GetTables();
  const std::string country =
      absl::AsciiStrToUpper(absl::string_view(country_code.data(), country_code.size()));
  const std::string text(
      absl::StripAsciiWhitespace(absl::string_view(name_or_code.data(), name_or_code.size())));
  if (country.size() != 2 || text.empty()) return "";

  // Already "CC-XXX".
  const std::string upper = absl::AsciiStrToUpper(text);
  if (upper.size() >= 4 && upper.size() <= 6 && upper.compare(0, 2, country) == 0 &&
      upper[2] == '-') {
    bool ok = true;
    for (size_t i = 3; i < upper.size(); ++i) ok = ok && IsCodeChar(upper[i]);
    if (ok) return upper;
  }

  const auto codes = t.region_codes.find(country);
  const auto names = t.regions.find(country);
  if (names == t.regions.end()) return "";
  // A bare subdivision code ("CA" for California, "BE" for Berlin). Only an
  // upper-case input counts as a code: "Bayern" must not be read as "BY".
  if (text == upper && codes != t.region_codes.end()) {
    const auto it = codes->second.find(upper);
    if (it != codes->second.end()) return it->second;
  }
  const std::string normalized = NormalizePlaceName(text);
  if (const auto it = names->second.find(normalized); it != names->second.end()) {
    return it->second;
  }
  for (std::string_view prefix : kRegionPrefixes) {
    if (normalized.size() > prefix.size() && normalized.compare(0, prefix.size(), prefix) == 0) {
      const auto it = names->second.find(normalized.substr(prefix.size()));
      if (it != names->second.end()) return it->second;
    }
  }
  for (std::string_view suffix : kRegionSuffixes) {
    if (normalized.size() > suffix.size() &&
        normalized.compare(normalized.size() - suffix.size(), suffix.size(), suffix) == 0) {
      const auto it = names->second.find(normalized.substr(0, normalized.size() - suffix.size()));
      if (it != names->second.end()) return it->second;
    }
  }
  return "";
}

}  // namespace

std::string CountryCode(std::string_view name_or_code) { return CountryCodeUncached(name_or_code); }

std::string RegionCode(std::string_view country_code, std::string_view name_or_code) {
  return RegionCodeUncached(country_code, name_or_code);
}

template <typename Compute>
std::string PlaceCodeCache::Memo::Get(std::string_view key_view, Compute compute) {
  // Place names are short; an odd long one is looked up, not kept.
  constexpr size_t kMaxKeyBytes = 128;
  constexpr size_t kMaxEntries = 4096;
  const absl::string_view key(key_view.data(), key_view.size());
  if (const auto it = map_.find(key); it != map_.end()) return it->second;
  std::string value = compute();
  if (key.size() > kMaxKeyBytes) return value;
  if (map_.size() >= kMaxEntries) map_.clear();
  map_.emplace(std::string(key), value);
  return value;
}

std::string PlaceCodeCache::Country(std::string_view name_or_code) {
  return countries_.Get(name_or_code, [&] { return CountryCodeUncached(name_or_code); });
}

std::string PlaceCodeCache::Region(std::string_view country_code, std::string_view name_or_code) {
  // Length-prefixed, so no two (country, name) pairs share a key.
  key_.clear();
  absl::StrAppend(&key_, country_code.size(), ":",
                  absl::string_view(country_code.data(), country_code.size()),
                  absl::string_view(name_or_code.data(), name_or_code.size()));
  return regions_.Get(key_, [&] { return RegionCodeUncached(country_code, name_or_code); });
}

}  // namespace verdict::logs
