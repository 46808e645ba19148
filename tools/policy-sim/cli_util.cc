#include "tools/policy-sim/cli_util.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace verdict::cli {

absl::Status LineReader::Open(const std::string& path) {
  line_number_ = 0;
  if (path == "-") {
    in_ = &std::cin;
    is_stdin_ = true;
    return absl::OkStatus();
  }
  file_.open(path, std::ios::in | std::ios::binary);
  if (!file_.is_open()) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  in_ = &file_;
  return absl::OkStatus();
}

bool LineReader::Next(std::string* line) {
  if (in_ == nullptr || !std::getline(*in_, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  ++line_number_;
  return true;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(Sv(text), ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

std::string JsonQuote(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> TakeFlagValue(const std::vector<std::string>& args, size_t* i,
                                         std::string_view name, bool* missing) {
  const std::string& arg = args[*i];
  if (arg == name) {
    if (*i + 1 >= args.size()) {
      *missing = true;
      return std::string();
    }
    ++*i;
    return args[*i];
  }
  if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
      arg[name.size()] == '=') {
    return arg.substr(name.size() + 1);
  }
  return std::nullopt;
}

namespace {

// Display width: UTF-8 continuation bytes do not take a column.
size_t Width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void PrintRow(std::ostream& out, const std::vector<std::string>& cells,
              const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    line += cells[c];
    if (c + 1 < cells.size()) line.append(widths[c] - Width(cells[c]) + 2, ' ');
  }
  out << line << '\n';
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> cells, std::string below) {
  cells.resize(header_.size());
  entries_.push_back({std::move(cells), std::move(below)});
}

void TextTable::AddText(std::string text) { entries_.push_back({{}, std::move(text)}); }

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = Width(header_[c]);
  for (const Entry& e : entries_) {
    for (size_t c = 0; c < e.cells.size(); ++c) widths[c] = std::max(widths[c], Width(e.cells[c]));
  }
  PrintRow(out, header_, widths);
  std::vector<std::string> rule(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) {
    for (size_t k = 0; k < widths[c]; ++k) rule[c] += "─";
  }
  PrintRow(out, rule, widths);
  for (const Entry& e : entries_) {
    if (!e.cells.empty()) PrintRow(out, e.cells, widths);
    if (!e.below.empty()) {
      out << e.below;
      if (e.below.back() != '\n') out << '\n';
    }
  }
}

// ---------------------------------------------------------------- replay, diff, test, explain

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

bool PrintIssues(const IssueList& issues, std::string_view prefix) {
  bool ok = true;
  for (const Issue& issue : issues) {
    std::cerr << (issue.is_error() ? "error: " : "warning: ") << prefix << issue.ToString() << '\n';
    if (issue.is_error()) ok = false;
  }
  return ok;
}

std::optional<Snapshot> LoadSnapshotOrReport(const std::string& directory,
                                             std::string_view prefix) {
  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(directory, &issues);
  const bool issues_ok = PrintIssues(issues, prefix);
  if (!snapshot.ok()) {
    if (issues_ok) std::cerr << "error: " << prefix << snapshot.status().message() << '\n';
    return std::nullopt;
  }
  return *std::move(snapshot);
}

std::string InputTotals::ToString() const {
  std::string out = absl::StrCat("read ", read, ": ", evaluated, " evaluated, ", skipped,
                                 " skipped (not sign-on events), ", malformed, " malformed");
  if (without_memberships > 0) {
    absl::StrAppend(&out, "; ", without_memberships,
                    " evaluated without group memberships (group conditions cannot match)");
  }
  return out;
}

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t FileSize(const std::string& path) {
  if (path == "-") return 0;
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

absl::Status ReadContextLines(const ContextInput& input, const ContextBatchCallback& on_batch,
                              InputTotals* totals, size_t batch_size, Progress* progress) {
  LineReader reader;
  if (absl::Status s = reader.Open(input.contexts_path); !s.ok()) return s;
  std::vector<SourcedContext> batch;
  std::string line;
  uint64_t bytes = 0;
  while (reader.Next(&line)) {
    bytes += line.size() + 1;
    if (IsBlank(line)) continue;
    ++totals->read;
    absl::StatusOr<SignOnContext> context = ParseContext(line);
    if (!context.ok()) {
      ++totals->malformed;
      std::cerr << "error: " << input.contexts_path << ": line " << reader.line_number() << ": "
                << context.status().message() << " (skipped)\n";
      continue;
    }
    ++totals->evaluated;
    SourcedContext item;
    item.context = *std::move(context);
    item.where = absl::StrCat("line ", reader.line_number());
    if (item.context.id.empty()) item.context.id = item.where;
    batch.push_back(std::move(item));
    if (batch.size() >= batch_size) {
      on_batch(batch);
      batch.clear();
      progress->Update(totals->read, bytes);
    }
  }
  if (!batch.empty()) on_batch(batch);
  return absl::OkStatus();
}

// The same accounting as ConvertLogEvents(), but the reader only slices raw
// events on this thread; parsing and conversion of each batch run on all
// cores (ParallelFor), and results are reported in input order.
absl::Status ReadLogContexts(const ContextInput& input, const ContextBatchCallback& on_batch,
                             InputTotals* totals, size_t batch_size, Progress* progress) {
  absl::StatusOr<std::unique_ptr<LogReader>> opened = LogReader::Open(input.logs_path);
  if (!opened.ok()) return opened.status();
  LogReader& reader = **opened;
  LogConversionOptions options;
  options.memberships = input.memberships;
  options.snapshot = input.snapshot;

  enum class Kind { kContext, kSkipped, kMalformed };
  struct Slot {
    Kind kind = Kind::kContext;
    std::string error;
    LogEventConversion conversion;
  };
  std::vector<RawLogEvent> raws;
  std::vector<SourcedContext> batch;
  auto flush = [&] {
    std::vector<Slot> slots(raws.size());
    ParallelFor(raws.size(), [&](size_t i) {
      const RawLogEvent& raw = raws[i];
      Slot& slot = slots[i];
      if (raw.truncated) {
        slot.kind = Kind::kMalformed;
        slot.error = "the input ends inside this event (or it exceeds the size limit)";
        return;
      }
      absl::StatusOr<LogEvent> event = ParseLogEvent(raw, input.json_parser);
      if (!event.ok()) {
        slot.kind = Kind::kMalformed;
        slot.error = std::string(event.status().message());
        return;
      }
      if (!IsSignOnEventType(event->event_type)) {
        slot.kind = Kind::kSkipped;
        return;
      }
      slot.conversion = ContextFromLogEvent(*event, options);
    });
    for (size_t i = 0; i < raws.size(); ++i) {
      ++totals->read;
      Slot& slot = slots[i];
      switch (slot.kind) {
        case Kind::kMalformed:
          ++totals->malformed;
          std::cerr << "error: " << reader.name() << ": " << raws[i].position.ToString() << ": "
                    << slot.error << " (skipped)\n";
          break;
        case Kind::kSkipped:
          ++totals->skipped;
          break;
        case Kind::kContext: {
          ++totals->evaluated;
          if (!slot.conversion.memberships_found) ++totals->without_memberships;
          SourcedContext item;
          item.context = std::move(slot.conversion.context);
          item.where = raws[i].position.ToString();
          item.recorded = std::move(slot.conversion.recorded);
          item.memberships_found = slot.conversion.memberships_found;
          batch.push_back(std::move(item));
          break;
        }
      }
    }
    const uint64_t offset = raws.empty() ? 0 : raws.back().position.byte_offset;
    raws.clear();
    if (!batch.empty()) on_batch(batch);
    batch.clear();
    progress->Update(totals->read, reader.compressed() ? 0 : offset);
  };
  while (true) {
    RawLogEvent raw;
    absl::StatusOr<bool> more = reader.Next(&raw);
    if (!more.ok()) {
      flush();
      return more.status();
    }
    if (!*more) break;
    raws.push_back(std::move(raw));
    if (raws.size() >= batch_size) flush();
  }
  flush();
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadContextsInBatches(const ContextInput& input, const ContextBatchCallback& on_batch,
                                   InputTotals* totals, size_t batch_size) {
  const bool logs = !input.logs_path.empty();
  Progress progress(input.progress_label, FileSize(logs ? input.logs_path : input.contexts_path));
  absl::Status status = logs ? ReadLogContexts(input, on_batch, totals, batch_size, &progress)
                             : ReadContextLines(input, on_batch, totals, batch_size, &progress);
  progress.Finish();
  return status;
}

namespace {
std::atomic<size_t> max_threads{0};
}  // namespace

void SetMaxThreads(size_t n) { max_threads = n; }

void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  const size_t cores = max_threads > 0 ? max_threads.load()
                                       : std::max<size_t>(1, std::thread::hardware_concurrency());
  const size_t workers = std::min(cores, (n + 255) / 256);
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    constexpr size_t kChunk = 64;
    while (true) {
      const size_t begin = next.fetch_add(kChunk);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + kChunk);
      for (size_t i = begin; i < end; ++i) fn(i);
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

Progress::Progress(std::string label, uint64_t total_bytes)
    : label_(std::move(label)),
      total_bytes_(total_bytes),
      enabled_(!label_.empty() && StderrIsTerminal()),
      start_ns_(NowNs()) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t events, uint64_t bytes_done) {
  if (!enabled_ || finished_) return;
  const int64_t now = NowNs();
  if (now - last_ns_ < 100'000'000) return;
  last_ns_ = now;
  const double seconds = static_cast<double>(now - start_ns_) / 1e9;
  const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
  std::string line = absl::StrCat("\r", label_, ": ", events, " events, ",
                                  static_cast<int64_t>(rate), " events/s");
  if (total_bytes_ > 0 && bytes_done > 0 && bytes_done <= total_bytes_) {
    const double fraction = static_cast<double>(bytes_done) / static_cast<double>(total_bytes_);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    const double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    absl::StrAppend(&line, " [", std::string(filled, '#'), std::string(kWidth - filled, ' '), "] ",
                    static_cast<int>(fraction * 100), "% ETA ", static_cast<int64_t>(eta), "s");
  }
  absl::StrAppend(&line, "\033[K");
  std::cerr << line << std::flush;
}

void Progress::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (last_ns_ != 0) std::cerr << "\r\033[K" << std::flush;
}

std::optional<int> PermissivenessRank(const Decision& decision) {
  if (decision.blocked) return 0;
  switch (decision.outcome) {
    case Outcome::kDeny:
      return 0;
    case Outcome::kChallenge:
      return 1;
    case Outcome::kAllow:
      return 2;
    case Outcome::kNone:
      break;
  }
  return std::nullopt;
}

std::string DescribeDecision(const Decision& decision) {
  if (decision.blocked) {
    if (decision.blocking_zone == nullptr) return "blocked";
    return absl::StrCat("blocked by zone ", decision.blocking_zone->name, " (",
                        decision.blocking_zone->id, ")");
  }
  if (decision.policy == nullptr) return "no matching policy";
  std::string out = absl::StrCat(decision.policy->name, " (", decision.policy->id, ") / ");
  if (decision.rule == nullptr) {
    absl::StrAppend(&out, "no matching rule");
  } else {
    absl::StrAppend(&out, decision.rule->name, " (", decision.rule->id, ")");
  }
  const std::string_view outcome = OutcomeName(decision.outcome);
  if (!outcome.empty()) absl::StrAppend(&out, " / ", Sv(outcome));
  return out;
}

std::string DecisionJson(const Decision& decision) {
  nlohmann::json j;
  j["blocked"] = decision.blocked;
  if (decision.blocking_zone != nullptr) j["blockingZone"] = decision.blocking_zone->id;
  j["policy"] = decision.policy ? nlohmann::json(decision.policy->id) : nlohmann::json(nullptr);
  if (decision.policy) j["policyName"] = decision.policy->name;
  j["rule"] = decision.rule ? nlohmann::json(decision.rule->id) : nlohmann::json(nullptr);
  if (decision.rule) j["ruleName"] = decision.rule->name;
  const std::string_view outcome = OutcomeName(decision.outcome);
  j["outcome"] = outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(outcome));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace verdict::cli
