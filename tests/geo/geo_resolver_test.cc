// GeoResolver against real .mmdb files: the project's own fixture databases
// (written at build time from fixtures/geoip/*.json), MaxMind's published test
// databases and their JSON sources, and MaxMind's corrupt databases.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/model_builder.h"
#include "verdict/geo.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::verdict::testing::Ip;

fs::path SharedDir() {
  if (const char* env = std::getenv("VERDICT_SHARED_DIR")) return env;
  return fs::path(VERDICT_SOURCE_DIR) / ".." / "shared";
}

fs::path GeoTestData() { return SharedDir() / "geoip-test-data"; }

std::unique_ptr<GeoResolver> OpenOrDie(const fs::path& path) {
  IssueList issues;
  auto resolver = GeoResolver::Open(path.string(), &issues);
  EXPECT_TRUE(resolver.ok()) << resolver.status();
  return resolver.ok() ? std::move(*resolver) : nullptr;
}

// ------------------------------------------------------------ fixture databases

struct FixtureCase {
  std::string name;
  std::string ip;
  std::string country;  // "" = no location
  std::string region;
  std::optional<uint32_t> asn;
  ProxyType proxy;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.name; }

class FixtureDatabases : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(FixtureDatabases, Lookup) {
  if (!fs::exists(fs::path(VERDICT_GEOIP_FIXTURE_DIR) / "Verdict-City.mmdb")) {
    GTEST_SKIP() << "fixture databases were not built (libmaxmind-db-writer-perl missing)";
  }
  static std::unique_ptr<GeoResolver> resolver = OpenOrDie(VERDICT_GEOIP_FIXTURE_DIR);
  ASSERT_NE(resolver, nullptr);
  const FixtureCase& c = GetParam();
  const GeoAttributes a = resolver->Lookup(Ip(c.ip));
  if (c.country.empty()) {
    EXPECT_FALSE(a.geo.has_value());
  } else {
    ASSERT_TRUE(a.geo.has_value());
    EXPECT_EQ(a.geo->country, c.country);
    EXPECT_EQ(a.geo->region, c.region);
  }
  EXPECT_EQ(a.asn, c.asn);
  ASSERT_TRUE(a.proxy_type.has_value());  // the Anonymous-IP database is open
  EXPECT_EQ(*a.proxy_type, c.proxy);
}

// Expectations read off fixtures/geoip/*.json by hand.
INSTANTIATE_TEST_SUITE_P(
    Table, FixtureDatabases,
    ::testing::Values(
        FixtureCase{"California", "198.18.1.10", "US", "US-CA", 64501, ProxyType::kNone},
        FixtureCase{"NewYorkLastAddress", "198.18.2.255", "US", "US-NY", 64502, ProxyType::kNone},
        FixtureCase{"VpnHalf", "198.18.3.5", "DE", "DE-BE", 64503, ProxyType::kAnonymizer},
        FixtureCase{"NotVpnHalf", "198.18.3.200", "DE", "DE-BE", 64503, ProxyType::kNone},
        FixtureCase{"CountryWithoutRegion", "198.18.4.1", "KP", "", 64504, ProxyType::kNone},
        FixtureCase{"TorExit", "198.18.5.77", "NL", "NL-NH", 64505, ProxyType::kTor},
        FixtureCase{"HostingIsAnonymizer", "198.18.6.1", "GB", "GB-ENG", std::nullopt,
                    ProxyType::kAnonymizer},
        FixtureCase{"MappedIpv6IsIpv4", "::ffff:198.18.1.10", "US", "US-CA", 64501,
                    ProxyType::kNone},
        FixtureCase{"Ipv6", "2001:db8:100::1", "FR", "FR-IDF", 64506, ProxyType::kNone},
        FixtureCase{"Unknown", "203.0.113.1", "", "", std::nullopt, ProxyType::kNone}),
    [](const auto& info) { return info.param.name; });

TEST(GeoEnrich, ContextFieldsOverrideDatabasesAndClientIpSkipsProxies) {
  if (!fs::exists(fs::path(VERDICT_GEOIP_FIXTURE_DIR) / "Verdict-City.mmdb")) {
    GTEST_SKIP() << "fixture databases were not built";
  }
  auto resolver = OpenOrDie(VERDICT_GEOIP_FIXTURE_DIR);
  ASSERT_NE(resolver, nullptr);
  Snapshot snapshot;
  snapshot.zones = {testing::IpZone("nzoProxy", "Proxies", {}, {"198.18.2.0/24"})};
  SignOnContext ctx;
  ctx.ip_chain = {Ip("198.18.1.10"), Ip("198.18.2.3")};  // client, then a known proxy
  ctx.asn = 7;                                           // given: overrides the database
  resolver->Enrich(snapshot, &ctx);
  ASSERT_TRUE(ctx.geo.has_value());
  EXPECT_EQ(ctx.geo->region, "US-CA");  // from the client, not the proxy
  EXPECT_EQ(ctx.asn, 7u);
  EXPECT_EQ(ctx.proxy_type, ProxyType::kNone);
}

// ------------------------------------------------------------ MaxMind test data

// Converts a network of MaxMind's source JSON ("::1.2.0.0/112" is IPv4
// 1.2.0.0/16 in their IPv4-in-IPv6 layout) to an address inside it.
std::optional<IpAddress> FirstAddress(const std::string& network) {
  std::string text = network.substr(0, network.find('/'));
  int prefix = std::stoi(network.substr(network.find('/') + 1));
  if (text.rfind("::", 0) == 0 && text.find('.') != std::string::npos) {
    text = text.substr(2);
    prefix -= 96;
    if (prefix < 0) return std::nullopt;
  }
  auto ip = IpAddress::Parse(text);
  if (!ip.ok()) return std::nullopt;
  return *ip;
}

// Every record of a MaxMind test database, looked up at its first address,
// must give what the source JSON says — unless a more specific record
// covers that same address, which the check then skips.
void CheckAgainstSource(const std::string& db_name,
                        const std::function<void(const nlohmann::json&, const GeoAttributes&,
                                                 const std::string&)>& check) {
  const fs::path dir = GeoTestData();
  if (!fs::exists(dir / (db_name + ".mmdb"))) {
    GTEST_SKIP() << dir << " is absent: MaxMind's test databases live in the shared folder";
  }
  auto resolver = OpenOrDie(dir / (db_name + ".mmdb"));
  ASSERT_NE(resolver, nullptr);
  std::ifstream in(dir / (db_name + ".json"));
  const nlohmann::json source = nlohmann::json::parse(in);
  std::map<std::string, int> starts;  // first address -> records starting there
  for (const auto& record : source) {
    for (const auto& [network, data] : record.items()) {
      if (auto ip = FirstAddress(network)) ++starts[ip->ToString()];
    }
  }
  int checked = 0;
  for (const auto& record : source) {
    for (const auto& [network, data] : record.items()) {
      const std::optional<IpAddress> ip = FirstAddress(network);
      if (!ip || starts[ip->ToString()] > 1) continue;
      check(data, resolver->Lookup(*ip), network);
      ++checked;
    }
  }
  EXPECT_GT(checked, 5);
}

TEST(MaxMindTestData, CountryMatchesSource) {
  CheckAgainstSource("GeoIP2-Country-Test", [](const nlohmann::json& data, const GeoAttributes& a,
                                               const std::string& net) {
    if (!data.contains("country")) return;
    ASSERT_TRUE(a.geo.has_value()) << net;
    EXPECT_EQ(a.geo->country, data["country"]["iso_code"].get<std::string>()) << net;
  });
}

TEST(MaxMindTestData, CityRegionMatchesSource) {
  CheckAgainstSource("GeoIP2-City-Test", [](const nlohmann::json& data, const GeoAttributes& a,
                                            const std::string& net) {
    if (!data.contains("country")) return;
    ASSERT_TRUE(a.geo.has_value()) << net;
    const std::string country = data["country"]["iso_code"].get<std::string>();
    EXPECT_EQ(a.geo->country, country) << net;
    if (data.contains("subdivisions")) {
      EXPECT_EQ(a.geo->region,
                country + "-" + data["subdivisions"][0]["iso_code"].get<std::string>())
          << net;
    } else {
      EXPECT_EQ(a.geo->region, "") << net;
    }
  });
}

TEST(MaxMindTestData, AsnMatchesSource) {
  CheckAgainstSource("GeoLite2-ASN-Test", [](const nlohmann::json& data, const GeoAttributes& a,
                                             const std::string& net) {
    ASSERT_TRUE(a.asn.has_value()) << net;
    EXPECT_EQ(*a.asn, data["autonomous_system_number"].get<uint32_t>()) << net;
  });
}

TEST(MaxMindTestData, AnonymousIpMatchesSource) {
  CheckAgainstSource(
      "GeoIP2-Anonymous-IP-Test",
      [](const nlohmann::json& data, const GeoAttributes& a, const std::string& net) {
        auto flag = [&](const char* key) { return data.value(key, false); };
        const ProxyType want =
            flag("is_tor_exit_node") ? ProxyType::kTor
            : (flag("is_anonymous") || flag("is_anonymous_vpn") || flag("is_hosting_provider") ||
               flag("is_public_proxy") || flag("is_residential_proxy"))
                ? ProxyType::kAnonymizer
                : ProxyType::kNone;
        ASSERT_TRUE(a.proxy_type.has_value()) << net;
        EXPECT_EQ(*a.proxy_type, want) << net;
      });
}

TEST(MaxMindTestData, DirectoryOpensAllFourKinds) {
  if (!fs::exists(GeoTestData())) GTEST_SKIP() << GeoTestData() << " is absent";
  // The directory also holds bad/ (a subdirectory, not scanned) and JSON files.
  IssueList issues;
  auto resolver = GeoResolver::Open(GeoTestData().string(), &issues);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  const std::string described = (*resolver)->Describe();
  EXPECT_NE(described.find("location"), std::string::npos);
  EXPECT_NE(described.find("asn"), std::string::npos);
  EXPECT_NE(described.find("anonymous-ip"), std::string::npos);
}

// ------------------------------------------------------------ corrupt databases

class CorruptDatabase : public ::testing::TestWithParam<std::string> {};

TEST_P(CorruptDatabase, FailsToOpenWithAClearError) {
  const fs::path file = GeoTestData() / "bad" / GetParam();
  if (!fs::exists(file)) GTEST_SKIP() << file << " is absent";
  IssueList issues;
  auto resolver = GeoResolver::Open(file.string(), &issues);
  ASSERT_FALSE(resolver.ok()) << "a corrupt database opened: " << GetParam();
  EXPECT_NE(resolver.status().message().find(GetParam()), std::string::npos)
      << "error does not name the file: " << resolver.status();
  ASSERT_FALSE(issues.empty());
  EXPECT_TRUE(HasErrors(issues));
}

INSTANTIATE_TEST_SUITE_P(
    SharedBad, CorruptDatabase,
    ::testing::Values(
        "GeoIP2-City-Test-Broken-Double-Format.mmdb", "GeoIP2-City-Test-Invalid-Node-Count.mmdb",
        "libmaxminddb-corrupt-search-tree.mmdb", "libmaxminddb-deep-array-nesting.mmdb",
        "libmaxminddb-deep-nesting.mmdb", "libmaxminddb-empty-array-last-in-metadata.mmdb",
        "libmaxminddb-empty-map-last-in-metadata.mmdb", "libmaxminddb-metadata-marker-only.mmdb",
        "libmaxminddb-offset-integer-overflow.mmdb", "libmaxminddb-oversized-array.mmdb",
        "libmaxminddb-oversized-map.mmdb", "libmaxminddb-separator-record-max-left.mmdb",
        "libmaxminddb-separator-record-min-left.mmdb",
        "libmaxminddb-separator-record-min-right.mmdb", "libmaxminddb-uint64-max-epoch.mmdb"),
    [](const auto& info) {
      std::string name = info.param.substr(0, info.param.size() - 5);
      for (char& ch : name) {
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST(CorruptDatabase, EveryFileInTheBadFolderIsCovered) {
  const fs::path dir = GeoTestData() / "bad";
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " is absent";
  for (const auto& entry : fs::directory_iterator(dir)) {
    IssueList issues;
    EXPECT_FALSE(GeoResolver::Open(entry.path().string(), &issues).ok()) << entry.path();
  }
}

TEST(GeoOpen, MissingPathAndEmptyDirectoryAreErrors) {
  IssueList issues;
  EXPECT_FALSE(GeoResolver::Open("/nonexistent/geo", &issues).ok());
  const fs::path empty = fs::temp_directory_path() / "verdict-geo-empty";
  fs::create_directories(empty);
  EXPECT_FALSE(GeoResolver::Open(empty.string(), &issues).ok());
}

TEST(GeoOpen, TruncatedFileIsAnError) {
  const fs::path good = GeoTestData() / "GeoIP2-City-Test.mmdb";
  if (!fs::exists(good)) GTEST_SKIP() << good << " is absent";
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path cut = fs::temp_directory_path() / "verdict-truncated.mmdb";
  std::ofstream(cut, std::ios::binary).write(bytes.data(), bytes.size() / 2);
  IssueList issues;
  auto resolver = GeoResolver::Open(cut.string(), &issues);
  EXPECT_FALSE(resolver.ok());
}

}  // namespace
}  // namespace verdict
