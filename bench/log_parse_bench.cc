// System Log events per second through LogEventParser (simdjson's tape, the
// one production reading): parsing alone into a reused LogEvent, followed by
// the conversion to a context (ContextFromLogEvent), and Convert, a replay's
// path (the tape read into views and converted into one reused conversion,
// no LogEvent); over the events of the fixture export
// fixtures/logs/org-export.jsonl.gz (or $VERDICT_BENCH_LOGS). Items are
// events: see the items_per_second counter.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

// The well-formed events of the input, as LogReader slices them (with their
// padding, so the parser reads them in place).
const std::vector<RawLogEvent>& Events() {
  static const std::vector<RawLogEvent>* events = [] {
    auto* out = new std::vector<RawLogEvent>();
    const char* env = std::getenv("VERDICT_BENCH_LOGS");
    const std::string path = env != nullptr
                                 ? std::string(env)
                                 : (std::filesystem::path(VERDICT_SOURCE_DIR) / "fixtures" /
                                    "logs" / "org-export.jsonl.gz")
                                       .string();
    absl::StatusOr<std::unique_ptr<LogReader>> reader = LogReader::Open(path);
    if (!reader.ok()) return out;
    LogEventParser parser;
    LogEvent event;
    RawLogEvent raw;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&raw);
      if (!more.ok() || !*more) break;
      if (parser.Parse(raw, &event).ok()) out->push_back(std::move(raw));
    }
    return out;
  }();
  return *events;
}

// Runs `step` on the events in turn, one per iteration; false from it stops
// the benchmark with an error.
template <typename Step>
void RunOverEvents(benchmark::State& state, Step&& step) {
  const std::vector<RawLogEvent>& events = Events();
  if (events.empty()) {
    state.SkipWithError("no events (fixtures/logs/org-export.jsonl.gz or $VERDICT_BENCH_LOGS)");
    return;
  }
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const RawLogEvent& raw = events[i];
    i = i + 1 == events.size() ? 0 : i + 1;
    if (!step(raw)) {
      state.SkipWithError("an event did not parse");
      return;
    }
    bytes += static_cast<int64_t>(raw.text.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  state.counters["events"] = static_cast<double>(events.size());
}

void Run(benchmark::State& state, bool convert) {
  LogEventParser parser;  // one per thread, as a replay's worker keeps
  LogEvent event;         // reused
  RunOverEvents(state, [&](const RawLogEvent& raw) {
    if (!parser.Parse(raw, &event).ok()) return false;
    if (convert) {
      LogEventConversion conversion = ContextFromLogEvent(event);
      benchmark::DoNotOptimize(conversion);
    }
    benchmark::DoNotOptimize(event);
    return true;
  });
}

// Convert into one reused conversion, as a replay's worker does.
void BM_ConvertLogEvent(benchmark::State& state) {
  LogEventParser parser;
  LogEventConversion conversion;
  RunOverEvents(state, [&](const RawLogEvent& raw) {
    if (!parser.Convert(raw, {}, &conversion).ok()) return false;
    benchmark::DoNotOptimize(conversion);
    return true;
  });
}

void BM_ParseLogEvent(benchmark::State& state) { Run(state, false); }
void BM_ParseAndConvert(benchmark::State& state) { Run(state, true); }

BENCHMARK(BM_ParseLogEvent);
BENCHMARK(BM_ParseAndConvert);
BENCHMARK(BM_ConvertLogEvent);

}  // namespace
}  // namespace verdict
