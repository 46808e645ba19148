// What does resolving a context's client IP with MaxMind databases cost, next
// to evaluating the context? (issue 4: "resolved once per context; cached ...
// or shown to be cheap enough not to need it — measure").
//
// Databases: the fixture databases the build writes to <build>/geoip (City,
// ASN, Anonymous-IP from fixtures/geoip/*.json) and MaxMind's own test
// databases from ../shared/geoip-test-data (skipped when absent; override with
// VERDICT_SHARED_DIR). Each lookup asks all three kinds, as Enrich does.
//
// BM_GeoLookup/<databases>_<addresses>_<cached|uncached>:
//   random   — uniformly random addresses (95% IPv4, 5% IPv6): nearly every
//              lookup is a different address, the cache's worst case;
//   repeated — 20000 distinct addresses (half inside the databases' networks)
//              drawn Zipf-distributed (s = 1.1): a few egress IPs (offices,
//              VPN concentrators, mobile carriers' NAT) make most sign-ins.
// BM_GeoEnrichFixture/<cached|uncached>: GeoResolver::Enrich on the fixture
//   org's contexts that leave geo, ASN or proxy type to the databases (client
//   IP from the chain against the org's proxies, then the lookup), i.e. the
//   whole per-context cost of --geoip. 19 contexts in rotation: all hits once
//   warm, so "cached" is the best case here.
// BM_FixtureEvaluateCompiled: the compiled engine's Evaluate on the same
//   contexts (already enriched), one (context, policy type) pair per iteration
//   in rotation: the cost the lookup is compared with.
//
// Files are found from the benchmark binary's directory (<build>/geoip and
// <build>/../fixtures), or VERDICT_SOURCE_DIR / VERDICT_GEOIP_DIR.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/geo/geo_cache.h"
#include "lib/synth/random_org.h"
#include "verdict/context.h"
#include "verdict/engine.h"
#include "verdict/geo.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;

fs::path BinaryDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

fs::path FromEnv(const char* name, const fs::path& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? fs::path(value) : fallback;
}

fs::path SourceDir() { return FromEnv("VERDICT_SOURCE_DIR", VERDICT_SOURCE_DIR); }
fs::path FixtureGeoDir() { return FromEnv("VERDICT_GEOIP_DIR", BinaryDir() / "geoip"); }
fs::path SharedGeoDir() {
  return FromEnv("VERDICT_SHARED_DIR", SourceDir().parent_path() / "shared") / "geoip-test-data";
}

enum Databases { kFixture, kMaxMind };
enum Addresses { kRandom, kRepeated };

// The three MaxMind test databases the resolver understands (the folder also
// holds JSON sources and bad/ files, which Open would reject).
std::unique_ptr<GeoResolver> OpenMaxMind(bool cache) {
  const fs::path dir = SharedGeoDir();
  const fs::path staged =
      fs::temp_directory_path() / ("verdict-geo-bench-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(staged, ec);
  for (const char* name :
       {"GeoIP2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb", "GeoIP2-Anonymous-IP-Test.mmdb"}) {
    if (!fs::exists(dir / name)) return nullptr;
    fs::create_symlink(dir / name, staged / name, ec);
  }
  GeoOptions options;
  options.cache = cache;
  auto resolver = GeoResolver::Open(staged.string(), nullptr, options);
  fs::remove_all(staged, ec);
  return resolver.ok() ? *std::move(resolver) : nullptr;
}

// Resolvers are opened once (verification walks every node) and kept.
const GeoResolver* Resolver(Databases which, bool cache) {
  static std::unique_ptr<GeoResolver> resolvers[2][2];
  static bool opened[2][2] = {};
  std::unique_ptr<GeoResolver>& slot = resolvers[which][cache];
  if (!opened[which][cache]) {
    opened[which][cache] = true;
    if (which == kMaxMind) {
      slot = OpenMaxMind(cache);
    } else {
      GeoOptions options;
      options.cache = cache;
      auto opened_resolver = GeoResolver::Open(FixtureGeoDir().string(), nullptr, options);
      if (opened_resolver.ok()) slot = *std::move(opened_resolver);
    }
  }
  return slot.get();
}

// Networks the databases hold, to draw "known" addresses from.
std::vector<IpAddress> KnownAddresses(Databases which) {
  const std::vector<const char*> fixture = {"198.18.1.10",  "198.18.2.20",     "198.18.3.10",
                                            "198.18.3.200", "198.18.4.1",      "198.18.5.7",
                                            "198.18.6.9",   "2001:db8:100::25"};
  const std::vector<const char*> maxmind = {
      "81.2.69.142",   "81.2.69.160",  "89.160.20.112", "89.160.20.128", "216.160.83.56",
      "2.125.160.216", "175.16.199.1", "67.43.156.1",   "1.2.0.1",       "71.160.223.1",
      "186.30.236.1",  "2001:218::1",  "2a02:d280::1",  "2001:480::1"};
  std::vector<IpAddress> out;
  for (const char* text : which == kFixture ? fixture : maxmind) {
    if (auto ip = IpAddress::Parse(text); ip.ok()) out.push_back(*ip);
  }
  return out;
}

IpAddress RandomAddress(synth::Rng& rng) {
  if (rng.Chance(95)) return IpAddress::FromV4(static_cast<uint32_t>(rng.Next()));
  return IpAddress::FromV6(
      absl::MakeUint128(0x2000000000000000ULL | (rng.Next() >> 4), rng.Next()));
}

// 1 << 16 addresses in lookup order, deterministic.
std::vector<IpAddress> AddressStream(Databases which, Addresses kind) {
  synth::Rng rng(which * 2 + kind + 1);
  std::vector<IpAddress> stream;
  constexpr size_t kLength = 1 << 16;
  if (kind == kRandom) {
    for (size_t i = 0; i < kLength; ++i) stream.push_back(RandomAddress(rng));
    return stream;
  }
  // Pool: half near known networks (same /24 or /120), half anywhere.
  const std::vector<IpAddress> known = KnownAddresses(which);
  std::vector<IpAddress> pool;
  constexpr int kPool = 20000;
  for (int i = 0; i < kPool; ++i) {
    if (i % 2 == 0 && !known.empty()) {
      const IpAddress base = known[rng.Below(known.size())];
      pool.push_back(IpAddress::FromV6((base.value() & ~absl::uint128(0xff)) | rng.Below(256)));
    } else {
      pool.push_back(RandomAddress(rng));
    }
  }
  // Zipf(s) over pool ranks by inverse CDF.
  std::vector<double> cdf(kPool);
  double sum = 0;
  for (int r = 0; r < kPool; ++r) cdf[r] = sum += 1.0 / std::pow(r + 1, 1.1);
  for (size_t i = 0; i < kLength; ++i) {
    const double u = static_cast<double>(rng.Next() >> 11) / 9007199254740992.0 * sum;
    const size_t rank = std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
    stream.push_back(pool[std::min<size_t>(rank, kPool - 1)]);
  }
  return stream;
}

void CacheCounters(benchmark::State& state, const internal::GeoCacheCounters& before) {
  const internal::GeoCacheCounters& now = internal::ThreadGeoCacheCounters();
  const double hits = static_cast<double>(now.hits - before.hits);
  const double misses = static_cast<double>(now.misses - before.misses);
  if (hits + misses > 0) state.counters["hit_rate"] = hits / (hits + misses);
  state.SetItemsProcessed(state.iterations());
}

void BM_GeoLookup(benchmark::State& state, Databases which, Addresses kind, bool cache) {
  const GeoResolver* resolver = Resolver(which, cache);
  if (resolver == nullptr) {
    state.SkipWithError(which == kMaxMind ? "no MaxMind test databases (../shared/geoip-test-data)"
                                          : "no fixture databases (<build>/geoip)");
    return;
  }
  const std::vector<IpAddress> stream = AddressStream(which, kind);
  // Warm-up: the thread's table exists and holds this stream's hot addresses.
  for (size_t i = 0; i < 4096; ++i) benchmark::DoNotOptimize(resolver->Lookup(stream[i]));
  const internal::GeoCacheCounters before = internal::ThreadGeoCacheCounters();
  size_t i = 0;
  size_t found = 0;
  for (auto _ : state) {
    const GeoAttributes attrs = resolver->Lookup(stream[i]);
    found += attrs.geo.has_value() || attrs.asn.has_value();
    benchmark::DoNotOptimize(attrs);
    i = (i + 1) & (stream.size() - 1);
  }
  state.counters["found"] = static_cast<double>(found) / static_cast<double>(state.iterations());
  CacheCounters(state, before);
}
BENCHMARK_CAPTURE(BM_GeoLookup, fixture_random_uncached, kFixture, kRandom, false);
BENCHMARK_CAPTURE(BM_GeoLookup, fixture_random_cached, kFixture, kRandom, true);
BENCHMARK_CAPTURE(BM_GeoLookup, fixture_repeated_uncached, kFixture, kRepeated, false);
BENCHMARK_CAPTURE(BM_GeoLookup, fixture_repeated_cached, kFixture, kRepeated, true);
BENCHMARK_CAPTURE(BM_GeoLookup, maxmind_random_uncached, kMaxMind, kRandom, false);
BENCHMARK_CAPTURE(BM_GeoLookup, maxmind_random_cached, kMaxMind, kRandom, true);
BENCHMARK_CAPTURE(BM_GeoLookup, maxmind_repeated_uncached, kMaxMind, kRepeated, false);
BENCHMARK_CAPTURE(BM_GeoLookup, maxmind_repeated_cached, kMaxMind, kRepeated, true);

// The fixture org, compiled, and its contexts (with their policy types).
struct Fixture {
  std::shared_ptr<const CompiledPolicySet> set;
  std::vector<SignOnContext> contexts;  // as read: geo only where the line has it
  std::vector<std::pair<size_t, PolicyType>> pairs;
  bool ok = false;
};

const Fixture& LoadFixture() {
  static Fixture f = [] {
    Fixture out;
    auto snapshot = LoadSnapshot((SourceDir() / "fixtures/org").string(), nullptr);
    if (!snapshot.ok()) return out;
    auto set = Compile(*std::move(snapshot));
    if (!set.ok()) return out;
    out.set = *set;
    std::ifstream in(SourceDir() / "fixtures/contexts.jsonl");
    for (std::string line; std::getline(in, line);) {
      auto ctx = ParseContext(line);
      if (!ctx.ok()) continue;
      const std::vector<PolicyType> types =
          ctx->policy_types.empty() ? out.set->snapshot().Types() : ctx->policy_types;
      for (PolicyType t : types) out.pairs.emplace_back(out.contexts.size(), t);
      out.contexts.push_back(*std::move(ctx));
    }
    out.ok = !out.contexts.empty();
    return out;
  }();
  return f;
}

void BM_GeoEnrichFixture(benchmark::State& state, bool cache) {
  const Fixture& f = LoadFixture();
  const GeoResolver* resolver = Resolver(kFixture, cache);
  if (!f.ok || resolver == nullptr) {
    state.SkipWithError("fixture org or fixture databases absent");
    return;
  }
  // Only the contexts that leave something to the databases (cases 255-273):
  // the others return before any lookup.
  std::vector<SignOnContext> originals;
  for (const SignOnContext& c : f.contexts) {
    if (!c.geo.has_value() || !c.asn.has_value() || !c.proxy_type.has_value()) {
      originals.push_back(c);
    }
  }
  std::vector<SignOnContext> contexts = originals;
  for (const SignOnContext& c : contexts) {
    SignOnContext warm = c;
    resolver->Enrich(f.set->snapshot(), &warm);
  }
  const internal::GeoCacheCounters before = internal::ThreadGeoCacheCounters();
  size_t i = 0;
  for (auto _ : state) {
    SignOnContext& c = contexts[i];
    // What the line gave (short strings: no allocation to restore).
    c.geo = originals[i].geo;
    c.asn = originals[i].asn;
    c.proxy_type = originals[i].proxy_type;
    resolver->Enrich(f.set->snapshot(), &c);
    benchmark::DoNotOptimize(c.geo);
    i = (i + 1) % contexts.size();
  }
  state.counters["contexts"] = static_cast<double>(contexts.size());
  CacheCounters(state, before);
}
BENCHMARK_CAPTURE(BM_GeoEnrichFixture, uncached, false);
BENCHMARK_CAPTURE(BM_GeoEnrichFixture, cached, true);

void BM_FixtureEvaluateCompiled(benchmark::State& state) {
  const Fixture& f = LoadFixture();
  const GeoResolver* resolver = Resolver(kFixture, false);
  if (!f.ok || resolver == nullptr) {
    state.SkipWithError("fixture org or fixture databases absent");
    return;
  }
  std::vector<SignOnContext> contexts = f.contexts;
  for (SignOnContext& c : contexts) resolver->Enrich(f.set->snapshot(), &c);
  size_t i = 0;
  for (auto _ : state) {
    const auto& [index, type] = f.pairs[i];
    benchmark::DoNotOptimize(f.set->Evaluate(contexts[index], type));
    i = (i + 1) % f.pairs.size();
  }
  state.counters["pairs"] = static_cast<double>(f.pairs.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FixtureEvaluateCompiled);

}  // namespace
}  // namespace verdict
