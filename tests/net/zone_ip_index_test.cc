// ZoneIpIndex against a brute-force scan of its entries: random nested,
// overlapping, adjacent and repeated ranges in IPv4, IPv6 and across the edges
// of the IPv4-mapped block, probed at every range end and its neighbours; plus
// hand cases, the memory bound, and "Lookup never allocates".
#include "lib/net/zone_ip_index.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/alloc_counter.h"
#include "verdict/ip_address.h"

namespace verdict::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Entry = ZoneIpIndex::Entry;

constexpr absl::uint128 kAllOnes = ~absl::uint128{0};
constexpr uint64_t kMappedLow = uint64_t{0xffff} << 32;

IpAddress Ip(const std::string& text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << ip.status();
  return ip.ok() ? *ip : IpAddress{};
}

IpRange Range(const std::string& text) {
  absl::StatusOr<IpRange> range =
      text.find('/') != std::string::npos ? ParseCidr(text) : ParseIpRange(text);
  EXPECT_TRUE(range.ok()) << range.status();
  return range.ok() ? *range : IpRange{};
}

Entry Gateway(const std::string& range, uint32_t zone) {
  return Entry{Range(range), zone, ZoneIpRole::kGateway};
}
Entry Proxy(const std::string& range, uint32_t zone) {
  return Entry{Range(range), zone, ZoneIpRole::kProxy};
}

ZoneIpIndex BuildOrDie(std::vector<Entry> entries) {
  absl::StatusOr<ZoneIpIndex> index = ZoneIpIndex::Build(std::move(entries));
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? std::move(*index) : ZoneIpIndex();
}

std::vector<uint32_t> Vec(absl::Span<const uint32_t> s) { return {s.begin(), s.end()}; }

// The definition: every zone with an entry of that role containing `ip`.
void BruteForce(const std::vector<Entry>& entries, IpAddress ip, std::vector<uint32_t>* gateway,
                std::vector<uint32_t>* proxy) {
  gateway->clear();
  proxy->clear();
  for (const Entry& e : entries) {
    if (!e.range.Contains(ip)) continue;
    (e.role == ZoneIpRole::kGateway ? gateway : proxy)->push_back(e.zone);
  }
  for (std::vector<uint32_t>* v : {gateway, proxy}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
}

// ----------------------------------------------------------------- hand cases

TEST(ZoneIpIndex, DefaultAndEmptyIndexHoldNothing) {
  const ZoneIpIndex empty;
  const ZoneIpIndex built = BuildOrDie({});
  for (const ZoneIpIndex* index : {&empty, &built}) {
    for (const char* ip : {"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "2001:db8::1",
                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
      const ZoneIpMatch m = index->Lookup(Ip(ip));
      EXPECT_THAT(m.gateway_zones, IsEmpty()) << ip;
      EXPECT_THAT(m.proxy_zones, IsEmpty()) << ip;
    }
  }
}

TEST(ZoneIpIndex, OneGatewayRangeIsInclusive) {
  const ZoneIpIndex index = BuildOrDie({Gateway("10.0.0.1-10.0.0.5", 3)});
  EXPECT_THAT(index.Lookup(Ip("10.0.0.0")).gateway_zones, IsEmpty());
  EXPECT_THAT(index.Lookup(Ip("10.0.0.1")).gateway_zones, ElementsAre(3));
  EXPECT_THAT(index.Lookup(Ip("10.0.0.5")).gateway_zones, ElementsAre(3));
  EXPECT_THAT(index.Lookup(Ip("::ffff:10.0.0.3")).gateway_zones, ElementsAre(3));
  EXPECT_THAT(index.Lookup(Ip("10.0.0.6")).gateway_zones, IsEmpty());
  EXPECT_THAT(index.Lookup(Ip("10.0.0.3")).proxy_zones, IsEmpty());
  // The same low 32 bits outside the mapped block are another address.
  EXPECT_THAT(index.Lookup(Ip("::10.0.0.3")).gateway_zones, IsEmpty());
}

TEST(ZoneIpIndex, RolesAreSeparateAndZonesSortedAndUnique) {
  const ZoneIpIndex index = BuildOrDie({
      Gateway("10.0.0.0/8", 9),
      Gateway("10.1.0.0/16", 2),
      Gateway("10.1.2.0/24", 9),  // nested in zone 9's own /8: listed once
      Proxy("10.1.2.3", 2),
      Proxy("10.1.2.0-10.1.2.10", 5),
  });
  ZoneIpMatch m = index.Lookup(Ip("10.1.2.3"));
  EXPECT_THAT(m.gateway_zones, ElementsAre(2, 9));
  EXPECT_THAT(m.proxy_zones, ElementsAre(2, 5));
  m = index.Lookup(Ip("10.1.2.11"));
  EXPECT_THAT(m.gateway_zones, ElementsAre(2, 9));
  EXPECT_THAT(m.proxy_zones, IsEmpty());
  m = index.Lookup(Ip("10.2.0.0"));
  EXPECT_THAT(m.gateway_zones, ElementsAre(9));
  m = index.Lookup(Ip("11.0.0.0"));
  EXPECT_THAT(m.gateway_zones, IsEmpty());
}

TEST(ZoneIpIndex, SparseZoneIdsKeepTheirValuesAndOrder) {
  const ZoneIpIndex index = BuildOrDie({
      Gateway("10.0.0.0/8", 0xffffffffu),
      Gateway("10.0.0.0/16", 7),
      Proxy("2001:db8::/32", 1u << 30),
  });
  EXPECT_THAT(index.Lookup(Ip("10.0.0.1")).gateway_zones, ElementsAre(7, 0xffffffffu));
  EXPECT_THAT(index.Lookup(Ip("10.9.0.1")).gateway_zones, ElementsAre(0xffffffffu));
  EXPECT_THAT(index.Lookup(Ip("2001:db8::5")).proxy_zones, ElementsAre(1u << 30));
}

TEST(ZoneIpIndex, RangesAcrossTheMappedBlockEdges) {
  // ::fffe:ffff:ffff is just below ::ffff:0.0.0.0; ::1:0:0:0 just above
  // ::ffff:255.255.255.255.
  // ParseIpRange refuses such mixed-family ranges, but the index takes any
  // 128-bit range.
  const ZoneIpIndex index = BuildOrDie({
      Entry{IpRange{Ip("::fffe:ffff:fff0"), Ip("0.0.0.4")}, 1, ZoneIpRole::kGateway},
      Entry{IpRange{Ip("255.255.255.250"), Ip("::1:0:0:5")}, 2, ZoneIpRole::kGateway},
      Proxy("::/0", 3),
      Gateway("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124", 4),
  });
  EXPECT_THAT(index.Lookup(Ip("::fffe:ffff:ffff")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("0.0.0.0")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("0.0.0.4")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("0.0.0.5")).gateway_zones, IsEmpty());
  EXPECT_THAT(index.Lookup(Ip("255.255.255.249")).gateway_zones, IsEmpty());
  EXPECT_THAT(index.Lookup(Ip("255.255.255.255")).gateway_zones, ElementsAre(2));
  EXPECT_THAT(index.Lookup(Ip("::1:0:0:0")).gateway_zones, ElementsAre(2));
  EXPECT_THAT(index.Lookup(Ip("::1:0:0:5")).gateway_zones, ElementsAre(2));
  EXPECT_THAT(index.Lookup(Ip("::1:0:0:6")).gateway_zones, IsEmpty());
  EXPECT_THAT(index.Lookup(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).gateway_zones,
              ElementsAre(4));
  for (const char* ip :
       {"::", "1.2.3.4", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    EXPECT_THAT(index.Lookup(Ip(ip)).proxy_zones, ElementsAre(3)) << ip;
  }
}

TEST(ZoneIpIndex, AdjacentRangesOfOneZoneMerge) {
  const ZoneIpIndex index = BuildOrDie({
      Gateway("10.0.0.0-10.0.0.9", 1),
      Gateway("10.0.0.10-10.0.0.19", 1),
      Gateway("10.0.0.20-10.0.0.29", 2),
  });
  EXPECT_THAT(index.Lookup(Ip("10.0.0.9")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("10.0.0.10")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("10.0.0.19")).gateway_zones, ElementsAre(1));
  EXPECT_THAT(index.Lookup(Ip("10.0.0.20")).gateway_zones, ElementsAre(2));
  // Zone 1's two touching ranges are one interval; with zone 2's, the empty
  // interval before and the one after: four IPv4 intervals, plus IPv6's two
  // (below and above the mapped block, both empty and merged into one).
  EXPECT_EQ(index.IntervalCount(), 4u + 1u);
  EXPECT_EQ(index.ZoneSetCount(), 3u);  // {}, {1}, {2}
}

TEST(ZoneIpIndex, RejectsReversedRange) {
  Entry bad{IpRange{Ip("10.0.0.5"), Ip("10.0.0.1")}, 4, ZoneIpRole::kProxy};
  absl::StatusOr<ZoneIpIndex> index = ZoneIpIndex::Build({Gateway("10.0.0.0/8", 1), bad});
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(index.status().message()),
              HasSubstr("entry 1 (zone 4) has first address 10.0.0.5 after last address 10.0.0.1"));
}

TEST(ZoneIpIndex, SpansSurviveAMove) {
  ZoneIpIndex index = BuildOrDie({Gateway("10.0.0.0/8", 1), Proxy("10.0.0.0/8", 2)});
  const ZoneIpMatch before = index.Lookup(Ip("10.0.0.1"));
  const ZoneIpIndex moved = std::move(index);
  const ZoneIpMatch after = moved.Lookup(Ip("10.0.0.1"));
  EXPECT_EQ(before.gateway_zones.data(), after.gateway_zones.data());
  EXPECT_THAT(after.gateway_zones, ElementsAre(1));
  EXPECT_THAT(after.proxy_zones, ElementsAre(2));
}

// A set of one gateway zone is stored in the interval record and returned as
// a span into the index's zone-id array: the same answer, and it too stays
// valid when the index moves.
TEST(ZoneIpIndex, SingleGatewayZoneSpansSurviveAMove) {
  ZoneIpIndex index = BuildOrDie({Gateway("10.0.0.0/8", 5), Gateway("10.1.0.0/16", 4000),
                                  Gateway("10.2.0.0/16", 5000), Proxy("10.3.0.0/16", 6),
                                  Gateway("12.0.0.0/8", 5000)});
  const ZoneIpMatch before = index.Lookup(Ip("10.0.0.1"));
  const ZoneIpIndex moved = std::move(index);
  const ZoneIpMatch after = moved.Lookup(Ip("10.0.0.1"));
  EXPECT_EQ(before.gateway_zones.data(), after.gateway_zones.data());
  EXPECT_THAT(after.gateway_zones, ElementsAre(5));
  EXPECT_THAT(after.proxy_zones, IsEmpty());
  EXPECT_THAT(moved.Lookup(Ip("10.1.2.3")).gateway_zones, ElementsAre(5, 4000));
  // Zone 5000 is above the inline limit (max(4096, entries)): from the pool.
  EXPECT_THAT(moved.Lookup(Ip("10.2.2.3")).gateway_zones, ElementsAre(5, 5000));
  EXPECT_THAT(moved.Lookup(Ip("10.3.2.3")).gateway_zones, ElementsAre(5));
  EXPECT_THAT(moved.Lookup(Ip("10.3.2.3")).proxy_zones, ElementsAre(6));
  EXPECT_THAT(moved.Lookup(Ip("11.0.0.1")).gateway_zones, IsEmpty());
  EXPECT_THAT(moved.Lookup(Ip("12.0.0.1")).gateway_zones, ElementsAre(5000));
  // {}, {5}, {5, 4000}, {5, 5000}, {5 | 6 proxy}, {5000}
  EXPECT_EQ(moved.ZoneSetCount(), 6u);
}

// ------------------------------------------------------- randomized vs. scan

absl::uint128 V4(uint32_t v4) { return absl::MakeUint128(0, kMappedLow | v4); }

// Random entries crowded into small regions so that they nest, overlap, touch
// and repeat: 10.0.0.0/20, 2001:db8::/116 and the edges of the mapped block.
std::vector<Entry> RandomEntries(std::mt19937_64& rng, int n, uint32_t zones) {
  std::vector<Entry> entries;
  auto zone = [&] { return static_cast<uint32_t>(rng() % zones); };
  auto role = [&] { return rng() % 3 == 0 ? ZoneIpRole::kProxy : ZoneIpRole::kGateway; };
  auto cidr = [&](absl::uint128 base, int region_bits, int min_host_bits) {
    const int host_bits =
        min_host_bits + static_cast<int>(rng() % (region_bits - min_host_bits + 1));
    const absl::uint128 region_mask =
        region_bits == 128 ? kAllOnes : (absl::uint128{1} << region_bits) - 1;
    const absl::uint128 offset = absl::MakeUint128(rng(), rng()) & region_mask;
    const absl::uint128 mask = host_bits == 128 ? kAllOnes : (absl::uint128{1} << host_bits) - 1;
    const absl::uint128 first = (base + offset) & ~mask;
    return IpRange{IpAddress::FromV6(first), IpAddress::FromV6(first | mask)};
  };
  auto range = [&](absl::uint128 base, uint64_t region) {
    absl::uint128 a = base + rng() % region, b = base + rng() % region;
    if (b < a) std::swap(a, b);
    return IpRange{IpAddress::FromV6(a), IpAddress::FromV6(b)};
  };
  const absl::uint128 v6_base = absl::MakeUint128(0x20010db800000000, 0);
  const absl::uint128 below_mapped = absl::MakeUint128(0, kMappedLow) - 64;
  const absl::uint128 top_of_mapped = V4(0xffffffff) - 63;
  while (static_cast<int>(entries.size()) < n) {
    IpRange r;
    switch (rng() % 10) {
      case 0:
      case 1:
        r = cidr(V4(0x0a000000), 12, 0);
        break;
      case 2:
        r = range(V4(0x0a000000), 1 << 12);
        break;
      case 3:
        r = cidr(v6_base, 12, 0);
        break;
      case 4:
        r = range(v6_base, 1 << 12);
        break;
      case 5:  // straddles the bottom edge of the mapped block
        r = range(below_mapped, 128);
        break;
      case 6:  // straddles the top edge
        r = range(top_of_mapped, 128);
        break;
      case 7:  // adjacent to (or repeating) an earlier entry
        if (!entries.empty()) {
          const IpRange& prev = entries[rng() % entries.size()].range;
          if (rng() % 4 == 0) {
            r = prev;
          } else if (prev.last.value() < kAllOnes - 16) {
            const absl::uint128 start = prev.last.value() + 1;
            r = IpRange{IpAddress::FromV6(start), IpAddress::FromV6(start + rng() % 16)};
          } else {
            r = prev;
          }
        } else {
          r = cidr(V4(0x0a000000), 12, 0);
        }
        break;
      case 8:  // rare wide ranges, including the very ends of the space
        switch (rng() % 5) {
          case 0:
            r = Range("0.0.0.0/0");
            break;
          case 1:
            r = Range("::/0");
            break;
          case 2:
            r = Range("::/120");
            break;
          case 3:
            r = Range("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120");
            break;
          default:
            r = Range("10.0.0.0/8");
        }
        if (rng() % 4 != 0) continue;  // keep them rare
        break;
      default:  // anywhere in IPv4 or IPv6, mostly small
        if (rng() % 2 == 0) {
          r = cidr(V4(0), 32, static_cast<int>(rng() % 16));
        } else {
          r = cidr(0, 128, 0);
          if (r.last.value() - r.first.value() > absl::uint128(1) << 100) continue;
        }
    }
    entries.push_back(Entry{r, zone(), role()});
  }
  return entries;
}

std::vector<IpAddress> Probes(const std::vector<Entry>& entries, std::mt19937_64& rng) {
  std::vector<absl::uint128> values = {
      0,     1,     kAllOnes,       kAllOnes - 1,       absl::MakeUint128(0, kMappedLow) - 1,
      V4(0), V4(1), V4(0xffffffff), V4(0xffffffff) + 1, absl::MakeUint128(0, 0x0a000000)};
  for (const Entry& e : entries) {
    for (absl::uint128 v : {e.range.first.value(), e.range.last.value()}) {
      values.push_back(v);
      if (v != 0) values.push_back(v - 1);
      if (v != kAllOnes) values.push_back(v + 1);
    }
  }
  for (int i = 0; i < 1000; ++i) {
    values.push_back(absl::MakeUint128(rng(), rng()));
    values.push_back(V4(static_cast<uint32_t>(rng())));
    values.push_back(V4(0x0a000000 + static_cast<uint32_t>(rng() % (1 << 13))));
  }
  std::vector<IpAddress> probes;
  for (absl::uint128 v : values) probes.push_back(IpAddress::FromV6(v));
  return probes;
}

struct RandomCase {
  std::string name;
  uint64_t seed;
  int entries;
  uint32_t zones;
  friend void PrintTo(const RandomCase& c, std::ostream* os) { *os << c.name; }
};

class ZoneIpIndexVsScan : public ::testing::TestWithParam<RandomCase> {};

TEST_P(ZoneIpIndexVsScan, SameZonesEverywhere) {
  const RandomCase& c = GetParam();
  std::mt19937_64 rng(c.seed);
  const std::vector<Entry> entries = RandomEntries(rng, c.entries, c.zones);
  const ZoneIpIndex index = BuildOrDie(entries);
  std::vector<uint32_t> gateway, proxy;
  int mismatches = 0;
  for (IpAddress ip : Probes(entries, rng)) {
    BruteForce(entries, ip, &gateway, &proxy);
    const ZoneIpMatch m = index.Lookup(ip);
    if (Vec(m.gateway_zones) != gateway || Vec(m.proxy_zones) != proxy) {
      ADD_FAILURE() << "at " << ip.ToString() << ": gateway zones "
                    << ::testing::PrintToString(Vec(m.gateway_zones)) << " want "
                    << ::testing::PrintToString(gateway) << "; proxy zones "
                    << ::testing::PrintToString(Vec(m.proxy_zones)) << " want "
                    << ::testing::PrintToString(proxy);
      if (++mismatches == 10) break;
    }
  }
  EXPECT_LE(index.IntervalCount(), 2 * entries.size() + 3);
}

INSTANTIATE_TEST_SUITE_P(ZoneIpIndex, ZoneIpIndexVsScan,
                         ::testing::Values(RandomCase{"OneEntry", 1, 1, 1},
                                           RandomCase{"FewEntriesOneZone", 2, 8, 1},
                                           RandomCase{"FewEntriesManyZones", 3, 20, 1000},
                                           RandomCase{"HundredEntriesTenZones", 4, 100, 10},
                                           RandomCase{"CrowdedThreeZones", 5, 500, 3},
                                           RandomCase{"ThousandEntries", 6, 1000, 50},
                                           RandomCase{"ThousandEntriesManyZones", 7, 1000, 5000},
                                           RandomCase{"TwoThousandEntries", 8, 2000, 200}),
                         [](const ::testing::TestParamInfo<RandomCase>& info) {
                           return info.param.name;
                         });

// ------------------------------------------------------- allocation, memory

TEST(ZoneIpIndex, LookupNeverAllocates) {
  std::mt19937_64 rng(42);
  const std::vector<Entry> entries = RandomEntries(rng, 5000, 100);
  const ZoneIpIndex index = BuildOrDie(entries);
  const std::vector<IpAddress> probes = Probes(entries, rng);

  // The counter sees allocations at all (else the check below proves nothing).
  const uint64_t start = verdict::testing::AllocationCount();
  auto* probe_allocation = new std::vector<int>(3);
  EXPECT_GT(verdict::testing::AllocationCount(), start);
  delete probe_allocation;

  size_t zones_seen = 0;
  const uint64_t before = verdict::testing::AllocationCount();
  for (IpAddress ip : probes) {
    const ZoneIpMatch m = index.Lookup(ip);
    zones_seen += m.gateway_zones.size() + m.proxy_zones.size();
  }
  EXPECT_EQ(verdict::testing::AllocationCount() - before, 0u);
  EXPECT_GT(zones_seen, 0u);
}

TEST(ZoneIpIndex, MemoryStaysUnder64BytesPerEntry) {
  std::mt19937_64 rng(7);
  const int n = 100000;
  std::vector<Entry> entries;
  entries.reserve(n);
  for (int i = 0; i < n; ++i) {
    const bool v4 = rng() % 4 != 0;
    const int prefix = v4 ? 16 + static_cast<int>(rng() % 17) : 32 + static_cast<int>(rng() % 97);
    const absl::uint128 base =
        v4 ? V4(static_cast<uint32_t>(rng())) : absl::MakeUint128(rng(), rng());
    const int host_bits = (v4 ? 32 : 128) - prefix;
    const absl::uint128 mask = (absl::uint128{1} << host_bits) - 1;
    entries.push_back(
        Entry{IpRange{IpAddress::FromV6(base & ~mask), IpAddress::FromV6(base | mask)},
              static_cast<uint32_t>(rng() % 2000),
              rng() % 4 == 0 ? ZoneIpRole::kProxy : ZoneIpRole::kGateway});
  }
  const ZoneIpIndex index = BuildOrDie(entries);
  EXPECT_LE(index.MemoryBytes(), 64u * n) << index.MemoryBytes() / n << " bytes per entry";
  // Spot check: the first entry's ends hold its zone.
  for (IpAddress ip : {entries[0].range.first, entries[0].range.last}) {
    const ZoneIpMatch m = index.Lookup(ip);
    const absl::Span<const uint32_t> zones =
        entries[0].role == ZoneIpRole::kGateway ? m.gateway_zones : m.proxy_zones;
    EXPECT_TRUE(std::binary_search(zones.begin(), zones.end(), entries[0].zone));
  }
}

}  // namespace
}  // namespace verdict::internal
