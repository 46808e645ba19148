// System Log events per second: the tape parser (simdjson's DOM parser, the
// default), the on-demand parser (simdjson) and the DOM parser (nlohmann),
// alone and followed by the conversion to a context (ContextFromLogEvent), over the events of the
// fixture export fixtures/logs/org-export.jsonl.gz (or $VERDICT_BENCH_LOGS); and
// ConvertLogEvent, a replay's path (the tape read into views and converted
// into one reused conversion, no LogEvent). Items are events: see the
// items_per_second counter.
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
// padding, so the on-demand parser reads them in place).
const std::vector<RawLogEvent>& Events() {
  static const std::vector<RawLogEvent>* events = [] {
    auto* out = new std::vector<RawLogEvent>();
    const char* env = std::getenv("VERDICT_BENCH_LOGS");
    const std::string path = env != nullptr
                                 ? std::string(env)
                                 : (std::filesystem::path(__FILE__).parent_path().parent_path() /
                                    "fixtures" / "logs" / "org-export.jsonl.gz")
                                       .string();
    absl::StatusOr<std::unique_ptr<LogReader>> reader = LogReader::Open(path);
    if (!reader.ok()) return out;
    RawLogEvent raw;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&raw);
      if (!more.ok() || !*more) break;
      if (ParseLogEvent(raw).ok()) out->push_back(std::move(raw));
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

void Run(benchmark::State& state, LogJsonParser parser, bool convert) {
  LogEvent event;  // reused, as replay does (one per thread)
  RunOverEvents(state, [&](const RawLogEvent& raw) {
    if (!ParseLogEvent(raw, parser, &event).ok()) return false;
    if (convert) {
      LogEventConversion conversion = ContextFromLogEvent(event);
      benchmark::DoNotOptimize(conversion);
    }
    benchmark::DoNotOptimize(event);
    return true;
  });
}

// ConvertLogEvent into one reused conversion, as a replay's worker does.
void RunConvert(benchmark::State& state, LogJsonParser parser) {
  LogEventConversion conversion;
  RunOverEvents(state, [&](const RawLogEvent& raw) {
    if (!ConvertLogEvent(raw, {}, &conversion, parser).ok()) return false;
    benchmark::DoNotOptimize(conversion);
    return true;
  });
}

void BM_ConvertLogEventTape(benchmark::State& state) { RunConvert(state, LogJsonParser::kTape); }
void BM_ConvertLogEventOnDemand(benchmark::State& state) {
  RunConvert(state, LogJsonParser::kOnDemand);
}

void BM_ParseLogEventTape(benchmark::State& state) { Run(state, LogJsonParser::kTape, false); }
void BM_ParseAndConvertTape(benchmark::State& state) { Run(state, LogJsonParser::kTape, true); }
void BM_ParseLogEventOnDemand(benchmark::State& state) {
  Run(state, LogJsonParser::kOnDemand, false);
}
void BM_ParseLogEventDom(benchmark::State& state) { Run(state, LogJsonParser::kDom, false); }
void BM_ParseAndConvertOnDemand(benchmark::State& state) {
  Run(state, LogJsonParser::kOnDemand, true);
}
void BM_ParseAndConvertDom(benchmark::State& state) { Run(state, LogJsonParser::kDom, true); }

BENCHMARK(BM_ParseLogEventTape);
BENCHMARK(BM_ParseLogEventOnDemand);
BENCHMARK(BM_ParseLogEventDom);
BENCHMARK(BM_ParseAndConvertTape);
BENCHMARK(BM_ParseAndConvertOnDemand);
BENCHMARK(BM_ParseAndConvertDom);
BENCHMARK(BM_ConvertLogEventTape);
BENCHMARK(BM_ConvertLogEventOnDemand);

}  // namespace
}  // namespace verdict
