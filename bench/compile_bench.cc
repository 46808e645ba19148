// How long does Compile() take, and how much memory does the result hold?
//
// BM_Compile/<rules>: the synthetic org of evaluate_bench.cc (10 CIDR entries
// per rule; /10000 has 100000). The snapshot copy Compile consumes is made
// with the timer paused. Counters: bytes of compiled structures (snapshot
// excluded) per CIDR entry.
#include <cstdint>
#include <memory>

#include "benchmark/benchmark.h"
#include "verdict/engine.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

void BM_Compile(benchmark::State& state) {
  const Snapshot org = synth::GenerateOrg(synth::BenchOrgOptions(static_cast<int>(state.range(0))));
  size_t cidrs = 0, rules = 0;
  for (const NetworkZone& z : org.zones) cidrs += z.gateways.size() + z.proxies.size();
  for (const Policy& p : org.policies) rules += p.rules.size();
  size_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Snapshot copy = org;
    state.ResumeTiming();
    auto set = Compile(std::move(copy));
    if (!set.ok()) {
      state.SkipWithError("compile failed");
      break;
    }
    bytes = (*set)->MemoryBytes();
    benchmark::DoNotOptimize(set);
    state.PauseTiming();
    set->reset();  // the destruction is not part of compiling
    state.ResumeTiming();
  }
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["cidrs"] = static_cast<double>(cidrs);
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_cidr"] = cidrs == 0 ? 0 : static_cast<double>(bytes) / cidrs;
}
BENCHMARK(BM_Compile)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace verdict
