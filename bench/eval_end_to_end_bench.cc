// How many contexts per second does `policy-sim eval` answer, parse to
// printed line, and what does each stage cost?
//
// The synthetic org of lib/synth (BenchOrgOptions(<rules>)) and 512 of its
// contexts as JSON Lines (ContextToJson, the docs/interfaces.md §2 form),
// every policy type of the snapshot per context, as eval's default flags do.
//   BM_EvalEndToEnd/<rules>   one line per iteration: ContextReader::Read
//                             (against the snapshot, as eval does) +
//                             AppendDecisionLines (evaluation + the §3 lines)
//   BM_EvalParse/<rules>      ContextReader::Read alone (parse + check)
//   BM_EvalParseAndCheckContext/<rules>  the same with ParseAndCheckContext,
//                             eval's parse before the reader
//   BM_ContextReader/<rules>  ContextReader::Parse alone, into a reused
//                             context: the reader against ...
//   BM_ParseContext/<rules>   ... ParseContext (nlohmann), its definition
//   BM_EvalDecide/<rules>     AppendDecisionLines alone, on parsed contexts
//   BM_EvalStream/<rules>/<threads>  ContextStream over a file of 20,000
//                             lines (read, parse and evaluate on <threads>
//                             threads, lines handed on in input order), the
//                             path of `eval --jobs N`; real time, so
//                             items_per_second is the aggregate rate
// Inputs are built outside the timed loop.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/input_cache.h"
#include "benchmark/benchmark.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/context_reader.h"
#include "verdict/context_stream.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

constexpr int kContexts = 512;
constexpr int kStreamLines = 20000;

struct Inputs {
  std::shared_ptr<const CompiledPolicySet> set;
  std::vector<PolicyType> types;
  std::vector<std::string> lines;
  std::vector<SignOnContext> contexts;
  std::string file;  // kStreamLines lines, the contexts in rotation
  size_t rules = 0;
  // Built once, as eval builds it (CheckContext would rebuild it per line).
  std::unique_ptr<const ContextChecker> checker;
};

void BuildInputs(int rules, Inputs& in) {
  auto set = Compile(synth::GenerateOrg(synth::BenchOrgOptions(rules)));
  if (!set.ok()) std::abort();
  in.set = *set;
  const Snapshot& org = in.set->snapshot();
  in.types = org.Types();
  in.checker = std::make_unique<const ContextChecker>(org);
  for (const Policy& p : org.policies) in.rules += p.rules.size();
  in.contexts = synth::GenerateContexts(org, kContexts, 7);
  for (const SignOnContext& c : in.contexts) in.lines.push_back(synth::ContextToJson(c));
  in.file = (std::filesystem::temp_directory_path() /
             ("verdict_eval_bench_" + std::to_string(rules) + ".jsonl"))
                .string();
  std::ofstream out(in.file, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < kStreamLines; ++i) out << in.lines[i % kContexts] << '\n';
}

const Inputs& InputsFor(int rules) { return bench::CachedInputs<Inputs>(rules, BuildInputs); }

ContextCheckOptions CheckOptions(const Inputs& in) {
  ContextCheckOptions check;
  check.checker = in.checker.get();
  check.file = "bench";
  return check;
}

void BM_EvalEndToEnd(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  const ContextCheckOptions check = CheckOptions(in);
  ContextReader reader;
  SignOnContext context;
  IssueList warnings;
  std::string out;
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    warnings.clear();
    out.clear();
    if (!reader.Read(in.lines[i], check, &context, &warnings).ok()) {
      state.SkipWithError("a synthetic context does not parse");
    }
    AppendDecisionLines(*in.set, context, in.types, &out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % in.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(in.rules);
  state.counters["out_bytes_per_context"] =
      state.iterations() == 0 ? 0 : static_cast<double>(bytes) / state.iterations();
}
BENCHMARK(BM_EvalEndToEnd)->Arg(100)->Arg(2000);

void BM_EvalParse(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  const ContextCheckOptions check = CheckOptions(in);
  ContextReader reader;
  SignOnContext context;
  IssueList warnings;
  size_t i = 0;
  for (auto _ : state) {
    warnings.clear();
    if (!reader.Read(in.lines[i], check, &context, &warnings).ok()) {
      state.SkipWithError("a synthetic context does not parse");
    }
    benchmark::DoNotOptimize(context);
    i = (i + 1) % in.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["fallback_share"] =
      static_cast<double>(reader.counts().fallback) /
      static_cast<double>(std::max<uint64_t>(1, reader.counts().fast + reader.counts().fallback));
}
BENCHMARK(BM_EvalParse)->Arg(2000);

void BM_EvalParseAndCheckContext(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  const ContextCheckOptions check = CheckOptions(in);
  IssueList warnings;
  size_t i = 0;
  for (auto _ : state) {
    warnings.clear();
    absl::StatusOr<SignOnContext> context = ParseAndCheckContext(in.lines[i], check, &warnings);
    benchmark::DoNotOptimize(context);
    i = (i + 1) % in.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvalParseAndCheckContext)->Arg(2000);

void BM_ContextReader(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  ContextReader reader;
  SignOnContext context;
  size_t i = 0;
  for (auto _ : state) {
    if (!reader.Parse(in.lines[i], &context, nullptr).ok() || context.id.empty()) {
      state.SkipWithError("a synthetic context does not parse");
    }
    benchmark::DoNotOptimize(context);
    i = (i + 1) % in.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  if (reader.counts().fallback != 0) state.SkipWithError("the reader fell back to ParseContext");
}
BENCHMARK(BM_ContextReader)->Arg(2000);

void BM_ParseContext(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<SignOnContext> context = ParseContext(in.lines[i]);
    if (!context.ok() || context->id.empty()) {
      state.SkipWithError("a synthetic context does not parse");
    }
    benchmark::DoNotOptimize(context);
    i = (i + 1) % in.lines.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseContext)->Arg(2000);

void BM_EvalDecide(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    AppendDecisionLines(*in.set, in.contexts[i], in.types, &out);
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % in.contexts.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvalDecide)->Arg(2000);

void BM_EvalStream(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  ContextStreamOptions options;
  options.threads = static_cast<size_t>(state.range(1));
  options.check_against = &in.set->snapshot();
  options.name_unnamed_contexts = false;
  // The answer, checked inside the loop: each line's decisions, handed on in
  // input order (line k is context k % kContexts).
  std::vector<std::string> want(in.contexts.size());
  for (size_t i = 0; i < in.contexts.size(); ++i) {
    AppendDecisionLines(*in.set, in.contexts[i], in.types, &want[i]);
  }
  for (auto _ : state) {
    auto stream = ContextStream::Open(ContextSource::kContextLines, in.file, options);
    if (!stream.ok()) {
      state.SkipWithError("cannot open the contexts file");
      return;
    }
    size_t k = 0;
    bool right = true;
    ContextHandlers<std::string> handlers;
    handlers.on_context = [&](StreamedContext& c, std::string& lines) {
      lines.clear();
      AppendDecisionLines(*in.set, c.conversion.context, in.types, &lines);
    };
    handlers.in_order = [&](StreamedContext&, std::string& lines) {
      right = right && lines == want[k % want.size()];
      ++k;
    };
    if (!(*stream)->Run(handlers).ok()) state.SkipWithError("the stream failed");
    if (!right || k != static_cast<size_t>(kStreamLines)) {
      state.SkipWithError("wrong decisions, or not in input order");
    }
  }
  state.SetItemsProcessed(state.iterations() * kStreamLines);
}
BENCHMARK(BM_EvalStream)
    ->Args({2000, 1})
    ->Args({2000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace verdict
