// What does checking a context's references against the snapshot cost?
//
// BM_CheckContext/<rules>: CheckContext (verdict/context_check.h) on the
// contexts of the synthetic org of lib/synth (BenchOrgOptions(<rules>), 512
// contexts of GenerateContexts, one per iteration in rotation), parsed
// outside the timed loop. Many of these contexts name a group the snapshot
// lacks (each gets a "did you mean" over every group id and name), so this
// is the check as `policy-sim eval` paid it on the synthetic input before the
// checker. Since the checker, CheckContext builds one per call (its cost
// grows with the snapshot; callers that check many contexts build one).
// BM_ContextChecker/<rules>: ContextChecker::Check, the checker built once
// outside the loop — what eval, ContextStream and serve now pay.
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "bench/input_cache.h"
#include "benchmark/benchmark.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

constexpr int kContexts = 512;

struct Inputs {
  Snapshot org;
  std::vector<SignOnContext> contexts;
};

void BuildInputs(int rules, Inputs& in) {
  in.org = synth::GenerateOrg(synth::BenchOrgOptions(rules));
  in.contexts = synth::GenerateContexts(in.org, kContexts, 7);
}

const Inputs& InputsFor(int rules) { return bench::CachedInputs<Inputs>(rules, BuildInputs); }

// Checks the contexts in rotation with `check(context, file, warnings)`.
template <typename Check>
void RunChecks(benchmark::State& state, const Inputs& in, Check check) {
  const std::string file = "bench";
  IssueList warnings;
  size_t i = 0;
  size_t warned = 0;
  for (auto _ : state) {
    warnings.clear();
    check(in.contexts[i], file, &warnings);
    warned += warnings.size();
    benchmark::DoNotOptimize(warnings.data());
    i = (i + 1) % in.contexts.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["warnings_per_context"] =
      state.iterations() == 0 ? 0 : static_cast<double>(warned) / state.iterations();
}

void BM_CheckContext(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  RunChecks(state, in, [&](const SignOnContext& c, const std::string& file, IssueList* w) {
    CheckContext(c, in.org, file, w);
  });
}
BENCHMARK(BM_CheckContext)->Arg(100)->Arg(2000);

void BM_ContextChecker(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  const ContextChecker checker(in.org);
  RunChecks(state, in, [&](const SignOnContext& c, const std::string& file, IssueList* w) {
    checker.Check(c, file, w);
  });
}
BENCHMARK(BM_ContextChecker)->Arg(100)->Arg(2000);

}  // namespace
}  // namespace verdict
