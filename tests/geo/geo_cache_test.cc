// The per-thread lookup cache of GeoResolver (GeoOptions::cache): cached
// answers equal the databases' for many addresses (hits, misses and slot
// collisions alike), a reopened or replaced database is never answered from
// an older resolver's entries, and threads do not disturb one another.
#include "lib/geo/geo_cache.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lib/synth/random_org.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/model_builder.h"
#include "verdict/geo.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::verdict::testing::Ip;

const fs::path kFixtureDir = VERDICT_GEOIP_FIXTURE_DIR;

fs::path GeoTestData() {
  if (const char* env = std::getenv("VERDICT_SHARED_DIR")) return fs::path(env) / "geoip-test-data";
  return fs::path(VERDICT_SOURCE_DIR) / ".." / "shared" / "geoip-test-data";
}

std::unique_ptr<GeoResolver> Open(const fs::path& path, bool cache) {
  GeoOptions options;
  options.cache = cache;
  auto resolver = GeoResolver::Open(path.string(), nullptr, options);
  EXPECT_TRUE(resolver.ok()) << resolver.status();
  return resolver.ok() ? std::move(*resolver) : nullptr;
}

std::string Describe(const GeoAttributes& a) {
  std::string out = a.geo ? a.geo->country + "/" + a.geo->region : "-";
  out += " asn=" + (a.asn ? std::to_string(*a.asn) : std::string("-"));
  out += " proxy=" + (a.proxy_type ? std::to_string(static_cast<int>(*a.proxy_type)) : "-");
  return out;
}

// Addresses near `known` (same /24) and anywhere, each asked several times in
// a shuffled order, so the table sees hits, misses and evictions.
std::vector<IpAddress> Addresses(const std::vector<std::string>& known, uint64_t seed) {
  synth::Rng rng(seed);
  std::vector<IpAddress> distinct;
  for (int i = 0; i < 3 * static_cast<int>(kGeoCacheSlots); ++i) {
    if (i % 2 == 0) {
      const IpAddress base = Ip(known[rng.Below(known.size())]);
      distinct.push_back(IpAddress::FromV6((base.value() & ~absl::uint128(0xff)) | rng.Below(256)));
    } else if (i % 7 == 1) {
      distinct.push_back(IpAddress::FromV6(
          absl::MakeUint128(0x2001000000000000ULL | rng.Below(1 << 20), rng.Next())));
    } else {
      distinct.push_back(IpAddress::FromV4(static_cast<uint32_t>(rng.Next())));
    }
  }
  std::vector<IpAddress> stream;
  for (int round = 0; round < 4; ++round) {
    for (size_t i = 0; i < distinct.size(); ++i) {
      stream.push_back(distinct[(i * 7919 + round * 104729) % distinct.size()]);
      if (i % 3 == 0) stream.push_back(distinct[i % 64]);  // a hot set, asked often
    }
  }
  return stream;
}

void ExpectCachedEqualsUncached(const fs::path& databases, const std::vector<std::string>& known) {
  std::unique_ptr<GeoResolver> cached = Open(databases, true);
  std::unique_ptr<GeoResolver> uncached = Open(databases, false);
  ASSERT_NE(cached, nullptr);
  ASSERT_NE(uncached, nullptr);
  const internal::GeoCacheCounters before = internal::ThreadGeoCacheCounters();
  int found = 0;
  for (IpAddress ip : Addresses(known, 17)) {
    const std::string want = Describe(uncached->Lookup(ip));
    ASSERT_EQ(Describe(cached->Lookup(ip)), want) << ip.ToString();
    ASSERT_EQ(Describe(cached->LookupUncached(ip)), want) << ip.ToString();
    found += want.rfind("-", 0) != 0;
  }
  const internal::GeoCacheCounters& after = internal::ThreadGeoCacheCounters();
  // Both paths were exercised, and the uncached resolver never touched the table.
  EXPECT_GT(after.hits - before.hits, 1000u);
  EXPECT_GT(after.misses - before.misses, 1000u);
  EXPECT_GT(found, 1000);
}

TEST(GeoCache, CachedAndUncachedAgreeOnTheFixtureDatabases) {
  if (!fs::exists(kFixtureDir / "Verdict-City.mmdb")) GTEST_SKIP() << "fixture databases not built";
  ExpectCachedEqualsUncached(
      kFixtureDir, {"198.18.1.10", "198.18.2.20", "198.18.3.10", "198.18.3.200", "198.18.4.1",
                    "198.18.5.7", "198.18.6.9", "2001:db8:100::25"});
}

TEST(GeoCache, CachedAndUncachedAgreeOnMaxMindTestDatabases) {
  if (!fs::exists(GeoTestData() / "GeoIP2-City-Test.mmdb")) {
    GTEST_SKIP() << GeoTestData()
                 << " is absent: MaxMind's test databases live in the shared folder";
  }
  ExpectCachedEqualsUncached(GeoTestData(),
                             {"81.2.69.142", "89.160.20.112", "216.160.83.56", "2.125.160.216",
                              "175.16.199.1", "67.43.156.1", "1.2.0.1", "2001:218::1"});
}

// A database replaced at the same path and reopened, again and again
// (alternately a City and an ASN database): each new resolver must answer
// from its own file, also when it is allocated where an earlier one was —
// which the loop provokes (and counts): the cache keys on a generation, not
// on the resolver's address.
TEST(GeoCache, ReopenedDatabaseIsNotAnsweredFromTheOldOne) {
  if (!fs::exists(kFixtureDir / "Verdict-City.mmdb")) GTEST_SKIP() << "fixture databases not built";
  const fs::path dir = fs::path(::testing::TempDir()) / "geo_cache_reload";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path db = dir / "org.mmdb";
  // Rounds r and r + 2 ask the same address of different databases (City,
  // City, ASN, ASN, ...), and round r + 1 leaves that address's slot alone:
  // a resolver allocated where the one two rounds earlier was would be
  // answered from that one's entry, were the cache keyed by address.
  const IpAddress ips[2] = {Ip("198.18.1.10"), Ip("198.18.2.20")};
  std::set<const GeoResolver*> seen;
  int reused = 0;
  for (int round = 0; round < 32; ++round) {
    const bool city = (round / 2) % 2 == 0;
    const IpAddress ip = ips[round % 2];
    fs::remove(db);
    fs::copy_file(kFixtureDir / (city ? "Verdict-City.mmdb" : "Verdict-ASN.mmdb"), db);
    std::unique_ptr<GeoResolver> resolver = Open(db, true);
    ASSERT_NE(resolver, nullptr);
    reused += !seen.insert(resolver.get()).second;
    for (int i = 0; i < 3; ++i) {  // a miss, then hits
      const GeoAttributes a = resolver->Lookup(ip);
      ASSERT_EQ(a.geo.has_value(), city)
          << "stale answer from the replaced database, round " << round;
      ASSERT_EQ(a.asn.has_value(), !city) << "round " << round;
    }
  }
  std::cout << "resolvers allocated where an earlier one was: " << reused << " of 31\n";

  // Two live resolvers asked the same address in turn keep their own answers.
  fs::copy_file(kFixtureDir / "Verdict-City.mmdb", dir / "city.mmdb");
  std::unique_ptr<GeoResolver> city = Open(dir / "city.mmdb", true);
  std::unique_ptr<GeoResolver> asn = Open(db, true);  // the last round's ASN file
  ASSERT_NE(city, nullptr);
  ASSERT_NE(asn, nullptr);
  const IpAddress ip = ips[0];
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(city->Lookup(ip).geo.has_value());
    EXPECT_FALSE(asn->Lookup(ip).geo.has_value());
  }
  fs::remove_all(dir);
}

// A thread's table is allocated by its first lookup; after that, lookups
// allocate nothing (a hit copies the stored answer, whose country and region
// codes fit the strings' inline buffer).
TEST(GeoCache, NoAllocationAfterTheFirstLookupOfAThread) {
  if (!fs::exists(kFixtureDir / "Verdict-City.mmdb")) GTEST_SKIP() << "fixture databases not built";
  std::unique_ptr<GeoResolver> resolver = Open(kFixtureDir, true);
  ASSERT_NE(resolver, nullptr);
  std::vector<IpAddress> hot;
  for (const char* text : {"198.18.1.10", "198.18.3.10", "198.18.5.7", "2001:db8:100::25"}) {
    hot.push_back(Ip(text));
  }
  uint64_t first = 0;
  uint64_t after = 0;
  size_t with_region = 0;
  std::thread fresh([&] {  // counts are per thread: a thread with no table yet
    const uint64_t start = testing::AllocationCount();
    resolver->Lookup(hot[0]);
    first = testing::AllocationCount() - start;
    for (IpAddress ip : hot) resolver->Lookup(ip);
    const uint64_t warm = testing::AllocationCount();
    for (int round = 0; round < 100; ++round) {
      for (IpAddress ip : hot) with_region += !resolver->Lookup(ip).geo->region.empty();
    }
    after = testing::AllocationCount() - warm;
  });
  fresh.join();
  EXPECT_GT(first, 0u) << "the table is allocated on the thread's first lookup";
  EXPECT_EQ(after, 0u);
  EXPECT_EQ(with_region, 100 * hot.size());
}

TEST(GeoCache, ThreadsAgreeWithTheDatabases) {
  if (!fs::exists(kFixtureDir / "Verdict-City.mmdb")) GTEST_SKIP() << "fixture databases not built";
  std::unique_ptr<GeoResolver> cached = Open(kFixtureDir, true);
  std::unique_ptr<GeoResolver> uncached = Open(kFixtureDir, false);
  ASSERT_NE(cached, nullptr);
  ASSERT_NE(uncached, nullptr);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (IpAddress ip : Addresses({"198.18.1.10", "198.18.5.7", "2001:db8:100::25"}, 100 + t)) {
        wrong[t] += Describe(cached->Lookup(ip)) != Describe(uncached->Lookup(ip));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace verdict
