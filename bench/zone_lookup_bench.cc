// How long does "which zones hold this IP?" take as the zone data grows?
//
// BM_ZoneLookup: random CIDR blocks (3/4 IPv4 /16../32, 1/4 IPv6 /32../128)
// spread over 2000 zones, looked up at random addresses half of which are
// inside some entry. BM_ZoneLookupHotSet: the same with few distinct
// addresses. BM_ZoneIndexBuild: the one-off cost of building the index.
//
// On the 2-core development VM one dependent load from a random place in a
// 16 MB array costs ~150 ns, so at 10^6 entries (~35 MB of index) the random
// lookup is bound by the two or three cache misses it cannot avoid.
#include <chrono>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "benchmark/benchmark.h"
#include "lib/net/zone_ip_index.h"
#include "verdict/ip_address.h"

namespace verdict::internal {
namespace {

constexpr uint32_t kZones = 2000;

absl::uint128 V4(uint32_t v4) { return absl::MakeUint128(0, (uint64_t{0xffff} << 32) | v4); }

std::vector<ZoneIpIndex::Entry> RandomCidrs(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ZoneIpIndex::Entry> entries;
  entries.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    const bool v4 = rng() % 4 != 0;
    const int prefix = v4 ? 16 + static_cast<int>(rng() % 17) : 32 + static_cast<int>(rng() % 97);
    const int host_bits = (v4 ? 32 : 128) - prefix;
    // IPv6 blocks in 2000::/3, as real ones are.
    const absl::uint128 base = v4 ? V4(static_cast<uint32_t>(rng()))
                                  : absl::MakeUint128((rng() >> 3) | (uint64_t{1} << 61), rng());
    const absl::uint128 mask = (absl::uint128{1} << host_bits) - 1;
    entries.push_back({IpRange{IpAddress::FromV6(base & ~mask), IpAddress::FromV6(base | mask)},
                       static_cast<uint32_t>(rng() % kZones),
                       rng() % 4 == 0 ? ZoneIpRole::kProxy : ZoneIpRole::kGateway});
  }
  return entries;
}

// `probe_count` addresses (a power of two) are cycled through: 65536 spread
// the lookups over the whole index (every lookup misses the caches at 10^6
// entries), 256 model a gateway whose recent clients keep coming back.
void RunLookups(benchmark::State& state, size_t probe_count) {
  const std::vector<ZoneIpIndex::Entry> entries = RandomCidrs(state.range(0), 1);
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<ZoneIpIndex> index = ZoneIpIndex::Build(entries);
  const double build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!index.ok()) {
    state.SkipWithError("build failed");
    return;
  }
  // Even probes: an entry's first address (its zone must come back); odd
  // probes: uniformly random IPv4 addresses.
  std::mt19937_64 rng(2);
  struct Probe {
    IpAddress ip;
    uint32_t zone;  // kNoZone when not known
    bool gateway;
  };
  constexpr uint32_t kNoZone = UINT32_MAX;
  std::vector<Probe> probes;
  for (size_t i = 0; i < probe_count; ++i) {
    if (i % 2 == 0) {
      const ZoneIpIndex::Entry& e = entries[rng() % entries.size()];
      probes.push_back({e.range.first, e.zone, e.role == ZoneIpRole::kGateway});
    } else {
      probes.push_back({IpAddress::FromV4(static_cast<uint32_t>(rng())), kNoZone, true});
    }
  }
  size_t i = 0;
  int64_t misses = 0;
  for (auto _ : state) {
    const Probe& p = probes[i++ & (probe_count - 1)];
    const ZoneIpMatch m = index->Lookup(p.ip);
    benchmark::DoNotOptimize(m);
    if (p.zone != kNoZone) {
      const absl::Span<const uint32_t> zones = p.gateway ? m.gateway_zones : m.proxy_zones;
      bool found = false;
      for (uint32_t z : zones) found |= z == p.zone;
      misses += !found;
    }
  }
  if (misses != 0) state.SkipWithError("an entry's own address did not return its zone");
  // How the probes' answers are stored: the empty set (one pool slot every
  // lookup shares, always cached) and one gateway zone (inline in the
  // interval record) need no read of the pool; the rest read it once.
  int64_t empty = 0;
  int64_t single_gateway = 0;
  for (const Probe& p : probes) {
    const ZoneIpMatch m = index->Lookup(p.ip);
    empty += m.gateway_zones.empty() && m.proxy_zones.empty();
    single_gateway += m.gateway_zones.size() == 1 && m.proxy_zones.empty();
  }
  state.counters["probes_empty_set"] =
      static_cast<double>(empty) / static_cast<double>(probes.size());
  state.counters["probes_one_gateway"] =
      static_cast<double>(single_gateway) / static_cast<double>(probes.size());
  state.counters["bytes_per_entry"] =
      static_cast<double>(index->MemoryBytes()) / static_cast<double>(entries.size());
  state.counters["build_ms"] = build_ms;
  state.counters["intervals"] = static_cast<double>(index->IntervalCount());
  state.counters["zone_sets"] = static_cast<double>(index->ZoneSetCount());
}

void BM_ZoneLookup(benchmark::State& state) { RunLookups(state, 65536); }
BENCHMARK(BM_ZoneLookup)->Arg(100)->Arg(10000)->Arg(1000000);

void BM_ZoneLookupHotSet(benchmark::State& state) { RunLookups(state, 256); }
BENCHMARK(BM_ZoneLookupHotSet)->Arg(1000000);

// The bound on any lookup that misses the caches: one dependent load from a
// random place in an array of <MiB> (each step reads the index of the next
// 64-byte line; Sattolo's algorithm makes it one cycle over all lines, so the
// hardware cannot prefetch). Time per iteration = one dependent load, on
// ordinary 4 KiB pages (BM_PointerChase: a TLB miss and page walk too once the
// array passes the TLB's reach) and on the transparent huge pages the zone
// index asks for (BM_PointerChaseHugePages, lib/net/huge_page_array.h).
struct alignas(64) ChaseLine {
  uint64_t next;
};

template <typename Lines>
void RunPointerChase(benchmark::State& state) {
  const size_t lines = static_cast<size_t>(state.range(0)) * 1024 * 1024 / 64;
  Lines chain(lines);
  for (size_t i = 0; i < lines; ++i) chain[i].next = i;
  std::mt19937_64 rng(3);
  for (size_t i = lines - 1; i > 0; --i) std::swap(chain[i].next, chain[rng() % i].next);
  uint64_t at = 0;
  for (auto _ : state) {
    at = chain[at].next;
    benchmark::DoNotOptimize(at);
  }
}

void BM_PointerChase(benchmark::State& state) { RunPointerChase<std::vector<ChaseLine>>(state); }
BENCHMARK(BM_PointerChase)->Arg(1)->Arg(4)->Arg(32)->Arg(256);

void BM_PointerChaseHugePages(benchmark::State& state) {
  RunPointerChase<HugePageArray<ChaseLine>>(state);
}
BENCHMARK(BM_PointerChaseHugePages)->Arg(4)->Arg(32)->Arg(256);

void BM_ZoneIndexBuild(benchmark::State& state) {
  const std::vector<ZoneIpIndex::Entry> entries = RandomCidrs(state.range(0), 1);
  for (auto _ : state) {
    absl::StatusOr<ZoneIpIndex> index = ZoneIpIndex::Build(entries);
    if (!index.ok() || index->IntervalCount() < 2) state.SkipWithError("build failed");
    benchmark::DoNotOptimize(index);
  }
}
BENCHMARK(BM_ZoneIndexBuild)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace verdict::internal
