// The flat dynamic-zone records (lib/compile/dynamic_zone_table.h) read by
// DynamicZoneClient (lib/eval/dynamic_zone_match.h) against the one statement
// of the semantics, ClientInDynamicZone (lib/eval/conditions.h): random zones
// × random contexts, with case differences, regions, ASNs, proxy types and
// service categories; and a vocabulary past 64 categories (the records then
// defer to the model).
#include "lib/eval/dynamic_zone_match.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/compile/dynamic_zone_table.h"
#include "lib/eval/conditions.h"
#include "verdict/context.h"
#include "verdict/snapshot.h"

namespace verdict::internal {
namespace {

// Small vocabularies so that zones and contexts meet often; each value in
// several spellings (the comparisons ignore ASCII case).
const std::vector<std::string> kCountries = {"US", "us", "Us", "DE", "de", "FR", "", "JP"};
const std::vector<std::string> kRegions = {"US-CA", "us-ca", "US-NY", "DE-BY", "de-by", "JP-13"};
const std::vector<uint32_t> kAsns = {13335, 15169, 16509, 0, 4294967295u, 64512};
const std::vector<std::string> kCategories = {
    "ALL_ANONYMIZERS", "ANONYMIZER_TOR",   "anonymizer_tor",  "ALL_ANONYMIZERS_EXCEPT_TOR",
    "VPN_PROVIDER",    "ALL_PROXIES_VPNS", "ALL_IP_SERVICES", "NORD_VPN",
    "nord_vpn",        "OXYLABS_PROXY",    "NOT_A_SERVICE"};

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::mt19937_64 rng_;
};

std::vector<ZoneLocation> RandomLocations(Random& r) {
  std::vector<ZoneLocation> out;
  for (uint64_t n = r.Below(4); n > 0; --n) {
    if (r.Chance(50)) {
      const std::string& region = r.Pick(kRegions);
      // Usually the region's own country, sometimes another (never matches).
      out.push_back({r.Chance(80) ? region.substr(0, 2) : r.Pick(kCountries), region});
    } else {
      out.push_back({r.Pick(kCountries), ""});
    }
  }
  return out;
}

std::vector<uint32_t> RandomAsns(Random& r) {
  std::vector<uint32_t> out;
  for (uint64_t n = r.Below(4); n > 0; --n) out.push_back(r.Pick(kAsns));
  return out;
}

std::vector<std::string> RandomCategories(Random& r, const std::vector<std::string>& vocabulary) {
  std::vector<std::string> out;
  if (r.Chance(50)) return out;
  for (uint64_t n = 1 + r.Below(3); n > 0; --n) out.push_back(r.Pick(vocabulary));
  return out;
}

std::vector<NetworkZone> RandomZones(Random& r, int count,
                                     const std::vector<std::string>& categories) {
  std::vector<NetworkZone> zones;
  for (int i = 0; i < count; ++i) {
    NetworkZone z;
    z.id = absl::StrCat("nzo", i);
    z.name = absl::StrCat("Zone ", i);
    z.type = r.Chance(50) ? ZoneType::kDynamic : ZoneType::kDynamicV2;
    if (r.Chance(70)) z.locations = RandomLocations(r);
    if (r.Chance(50)) z.asns = RandomAsns(r);
    if (r.Chance(40)) z.proxy_type = static_cast<ZoneProxyCriterion>(r.Below(4));
    // Filled for DYNAMIC zones too: ClientInDynamicZone must ignore them there.
    if (r.Chance(50)) z.locations_exclude = RandomLocations(r);
    if (r.Chance(40)) z.asns_exclude = RandomAsns(r);
    z.ip_service_categories = RandomCategories(r, categories);
    z.ip_service_categories_exclude = RandomCategories(r, categories);
    zones.push_back(std::move(z));
  }
  return zones;
}

SignOnContext RandomContext(Random& r) {
  SignOnContext ctx;
  if (r.Chance(80)) {
    ctx.geo = ContextGeo{r.Pick(kCountries), r.Chance(60) ? r.Pick(kRegions) : ""};
    if (r.Chance(10)) ctx.geo->country = "ZZ";  // named by no zone
    if (r.Chance(10)) ctx.geo->region = "ZZ-99";
  }
  if (r.Chance(70)) ctx.asn = r.Chance(90) ? r.Pick(kAsns) : 7;
  if (r.Chance(60)) ctx.proxy_type = static_cast<ProxyType>(r.Below(3));
  for (uint64_t n = r.Chance(50) ? r.Below(3) : 0; n > 0; --n) {
    ctx.ip_service_categories.push_back(r.Pick(kCategories));
  }
  return ctx;
}

// Every zone × every context: the record's answer is ClientInDynamicZone's.
void ExpectSameAnswers(const std::vector<NetworkZone>& zones, Random& r, int contexts,
                       bool expect_flat) {
  DynamicZoneTable table;
  for (uint32_t i = 0; i < zones.size(); ++i) {
    const uint32_t record = table.Add(zones[i], i);
    ASSERT_EQ(record, i);
    ASSERT_EQ(table.records[record].zone, i);
  }
  int matched = 0;
  int located = 0;
  bool all_flat = true;
  for (const DynamicZoneRecord& rec : table.records) all_flat &= rec.flat;
  EXPECT_EQ(all_flat, expect_flat);
  for (int c = 0; c < contexts; ++c) {
    const SignOnContext ctx = RandomContext(r);
    DynamicZoneClient client(table, ctx);
    for (uint32_t i = 0; i < zones.size(); ++i) {
      const bool want = ClientInDynamicZone(zones[i], ctx, nullptr);
      const bool got = client.InZone(table.records[i]);
      matched += want;
      // InZoneLocated, for a record filed where the context's location is.
      const DynamicZoneRecord& rec = table.records[i];
      for (uint32_t l = rec.locations_begin; l < rec.locations_end; ++l) {
        const LocationCode loc = table.locations[l];
        if (loc.country == client.country() &&
            (loc.region == kWholeCountry || loc.region == client.region())) {
          ASSERT_EQ(client.InZoneLocated(rec), want) << "zone " << i << " context " << c;
          ++located;
          break;
        }
      }
      ASSERT_EQ(got, want) << "zone " << i << " context " << c << " country "
                           << (ctx.geo ? ctx.geo->country : "-") << " region "
                           << (ctx.geo ? ctx.geo->region : "-") << " asn "
                           << (ctx.asn ? absl::StrCat(*ctx.asn) : "-");
    }
  }
  // The vocabularies are small enough that both answers are common.
  EXPECT_GT(matched, contexts * static_cast<int>(zones.size()) / 50);
  EXPECT_GT(located, contexts * static_cast<int>(zones.size()) / 50);
}

TEST(DynamicZoneMatch, FlatRecordsAnswerAsClientInDynamicZone) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    Random r(seed);
    const std::vector<NetworkZone> zones = RandomZones(r, 60, kCategories);
    ExpectSameAnswers(zones, r, 300, /*expect_flat=*/true);
  }
}

TEST(DynamicZoneMatch, MoreThan64CategoriesDeferToTheModel) {
  std::vector<std::string> many = kCategories;
  for (int i = 0; i < 80; ++i) many.push_back(absl::StrCat("SERVICE_", i));
  Random r(7);
  std::vector<NetworkZone> zones = RandomZones(r, 200, many);
  for (NetworkZone& z : zones) z.type = ZoneType::kDynamicV2;
  ExpectSameAnswers(zones, r, 200, /*expect_flat=*/false);
}

TEST(DynamicZoneMatch, CodesIgnoreCase) {
  NetworkZone zone;
  zone.type = ZoneType::kDynamic;
  zone.locations = {{"us", "us-ca"}, {"De", ""}};
  DynamicZoneTable table;
  table.Add(zone, 0);
  struct Case {
    std::string country, region;
    bool want;
  };
  for (const Case& c : std::vector<Case>{{"US", "US-CA", true},
                                         {"US", "US-NY", false},
                                         {"US", "", false},
                                         {"de", "", true},
                                         {"DE", "DE-BY", true},
                                         {"FR", "", false}}) {
    SignOnContext ctx;
    ctx.geo = ContextGeo{c.country, c.region};
    DynamicZoneClient client(table, ctx);
    EXPECT_EQ(client.InZone(table.records[0]), c.want) << c.country << "/" << c.region;
    EXPECT_EQ(ClientInDynamicZone(zone, ctx, nullptr), c.want) << c.country << "/" << c.region;
  }
  SignOnContext no_geo;
  DynamicZoneClient client(table, no_geo);
  EXPECT_FALSE(client.InZone(table.records[0]));
}

}  // namespace
}  // namespace verdict::internal
