#include "tools/policy-sim/cli_util.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <system_error>
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

// A new context's storage, as the handlers make it.
std::unique_ptr<SourcedContext> MakeItem(const ContextHandlers& handlers) {
  return handlers.make_item ? handlers.make_item() : std::make_unique<SourcedContext>();
}

absl::Status ReadContextLines(const ContextInput& input, const ContextHandlers& handlers,
                              InputTotals* totals, size_t batch_size, Progress* progress) {
  LineReader reader;
  if (absl::Status s = reader.Open(input.contexts_path); !s.ok()) return s;
  std::vector<std::unique_ptr<SourcedContext>> batch;
  std::vector<SourcedContext*> pointers;
  auto hand_on = [&] {
    if (handlers.on_context) {
      ParallelFor(batch.size(), [&](size_t i) { handlers.on_context(*batch[i]); });
    }
    pointers.clear();
    for (const std::unique_ptr<SourcedContext>& item : batch) pointers.push_back(item.get());
    if (handlers.on_batch) handlers.on_batch(pointers);
    batch.clear();
  };
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
    SourcedContext& item = *batch.emplace_back(MakeItem(handlers));
    item.context = *std::move(context);
    item.memberships_found = true;  // the context lists its groups
    item.where = absl::StrCat("line ", reader.line_number());
    if (item.context.id.empty()) item.context.id = item.where;
    if (batch.size() >= batch_size) {
      hand_on();
      progress->Update(totals->read, bytes);
    }
  }
  if (!batch.empty()) hand_on();
  return absl::OkStatus();
}

std::atomic<size_t> max_threads{0};

// The number of threads ParallelFor uses for a large enough batch.
size_t ThreadCount() {
  return max_threads > 0 ? max_threads.load()
                         : std::max<size_t>(1, std::thread::hardware_concurrency());
}

// Events a thread parses, converts and evaluates per part of a raw batch.
constexpr size_t kEventsPerPartPerThread = 128;

// Raw events as the reader slices them. A batch is recycled once processed:
// its events keep their strings' capacity, so steady-state reading does not
// allocate per event.
struct RawBatch {
  std::vector<RawLogEvent> events;
  size_t size = 0;  // events[0..size) belong to this batch
};

// An event text longer than this is not kept for reuse: one huge event must
// not pin its buffer for the rest of the run (memory stays flat).
constexpr size_t kMaxRecycledEventBytes = size_t{1} << 20;

// Fills `batch` with up to `batch_size` events. *more is false at the end of
// the input or after a read error (returned after the events read before it).
absl::Status FillRawBatch(LogReader& reader, size_t batch_size, RawBatch* batch, bool* more) {
  batch->size = 0;
  *more = true;
  if (batch->events.size() < batch_size) batch->events.resize(batch_size);
  absl::Status status;
  while (batch->size < batch_size) {
    RawLogEvent& raw = batch->events[batch->size];
    if (raw.text.capacity() > kMaxRecycledEventBytes) raw.text = std::string();
    absl::StatusOr<bool> next = reader.Next(&raw);
    if (!next.ok()) {
      status = next.status();
      *more = false;
      break;
    }
    if (!*next) {
      *more = false;
      break;
    }
    ++batch->size;
  }
  return status;
}

// A reader thread that slices the next batch while the caller parses and
// evaluates the current one (--jobs > 1), so the cores do not idle while the
// input is read. At most three batches exist at a time (one being filled, one
// ready, one being processed), so memory stays flat.
class RawBatchPipe {
 public:
  RawBatchPipe(LogReader* reader, size_t batch_size) : reader_(reader), batch_size_(batch_size) {
    thread_ = std::thread([this] { Run(); });
  }
  ~RawBatchPipe() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  RawBatchPipe(const RawBatchPipe&) = delete;
  RawBatchPipe& operator=(const RawBatchPipe&) = delete;

  // The next batch in input order; nullptr once the reader is done (then
  // status() says whether it reached the end).
  std::unique_ptr<RawBatch> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return ready_ != nullptr || done_; });
    std::unique_ptr<RawBatch> batch = std::move(ready_);
    lock.unlock();
    cv_.notify_all();
    return batch;
  }

  // Hands a processed batch back for reuse.
  void Recycle(std::unique_ptr<RawBatch> batch) {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_ == nullptr) free_ = std::move(batch);
  }

  absl::Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  void Run() {
    bool more = true;
    while (more) {
      std::unique_ptr<RawBatch> batch;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) break;
        batch = free_ != nullptr ? std::move(free_) : std::make_unique<RawBatch>();
      }
      absl::Status status = FillRawBatch(*reader_, batch_size_, batch.get(), &more);
      std::unique_lock<std::mutex> lock(mu_);
      if (!status.ok()) status_ = std::move(status);
      // Wait until the previous batch has been taken: order is kept because
      // there is a single slot.
      cv_.wait(lock, [this] { return ready_ == nullptr || stop_; });
      if (stop_) break;
      if (batch->size > 0) ready_ = std::move(batch);
      lock.unlock();
      cv_.notify_all();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
  }

  LogReader* reader_;
  size_t batch_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<RawBatch> ready_;
  std::unique_ptr<RawBatch> free_;
  absl::Status status_;
  bool done_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// The same accounting as ConvertLogEvents(), but the reader only slices raw
// events; parsing and conversion of each batch run on all cores
// (ParallelFor), and results are reported in input order. With more than one
// thread the slicing runs on its own thread, one batch ahead.
absl::Status ReadLogContexts(const ContextInput& input, const ContextHandlers& handlers,
                             InputTotals* totals, size_t batch_size, Progress* progress) {
  LogReaderOptions reader_options;
  reader_options.map_plain_files = input.map_plain_files;
  absl::StatusOr<std::unique_ptr<LogReader>> opened =
      LogReader::Open(input.logs_path, reader_options);
  if (!opened.ok()) return opened.status();
  LogReader& reader = **opened;
  LogConversionOptions options;
  options.memberships = input.memberships;
  options.snapshot = input.snapshot;
  batch_size = std::max<size_t>(1, batch_size);

  enum class Kind { kContext, kSkipped, kMalformed };
  // What became of each event of a part. Its context is converted straight
  // into `items[i]`, kept from part to part: the contexts' strings and
  // vectors are refilled, not reallocated, and nothing is moved afterwards
  // (the batch handed on is a list of pointers to the contexts). The
  // handlers' per-context work runs in the same parallel pass.
  struct Slot {
    Kind kind = Kind::kContext;
    std::string error;
  };
  std::vector<Slot> slots;
  std::vector<std::unique_ptr<SourcedContext>> items;
  std::vector<SourcedContext*> contexts;
  // Events [begin, begin + n) of a raw batch: parsed and converted on all
  // cores, then handed on in input order.
  auto process_part = [&](const RawBatch& raws, size_t begin, size_t n) {
    if (slots.size() < n) slots.resize(n);
    while (items.size() < n) items.push_back(MakeItem(handlers));
    ParallelFor(n, [&](size_t i) {
      const RawLogEvent& raw = raws.events[begin + i];
      Slot& slot = slots[i];
      slot.kind = Kind::kContext;
      if (raw.truncated) {
        slot.kind = Kind::kMalformed;
        slot.error = "the input ends inside this event (or it exceeds the size limit)";
        return;
      }
      SourcedContext& item = *items[i];
      // One parser per thread (the stream that replaces this keeps one per
      // worker).
      thread_local LogEventParser parser;
      absl::StatusOr<bool> converted = parser.Convert(raw, options, &item);
      if (!converted.ok()) {
        slot.kind = Kind::kMalformed;
        slot.error = std::string(converted.status().message());
        return;
      }
      if (!*converted) {
        slot.kind = Kind::kSkipped;
        return;
      }
      item.where.clear();
      raw.position.AppendTo(&item.where);
      if (handlers.on_context) handlers.on_context(item);
    });
    contexts.clear();
    for (size_t i = 0; i < n; ++i) {
      ++totals->read;
      Slot& slot = slots[i];
      switch (slot.kind) {
        case Kind::kMalformed:
          ++totals->malformed;
          std::cerr << "error: " << reader.name() << ": "
                    << raws.events[begin + i].position.ToString() << ": " << slot.error
                    << " (skipped)\n";
          break;
        case Kind::kSkipped:
          ++totals->skipped;
          break;
        case Kind::kContext: {
          ++totals->evaluated;
          if (!items[i]->memberships_found) ++totals->without_memberships;
          contexts.push_back(items[i].get());
          break;
        }
      }
    }
    if (!contexts.empty() && handlers.on_batch) handlers.on_batch(contexts);
    progress->Update(totals->read,
                     reader.compressed() ? 0 : raws.events[begin + n - 1].position.byte_offset);
  };

  // A raw batch goes on in parts of a few hundred events: each event's text,
  // LogEvent and context are then still in the cache when it is evaluated
  // (a 4096-event batch is ~10 MB of text; the parts made a replay ~20%
  // faster, docs/performance.md).
  const size_t part = std::min(batch_size, kEventsPerPartPerThread * ThreadCount());
  auto process = [&](const RawBatch& raws) {
    for (size_t begin = 0; begin < raws.size; begin += part) {
      process_part(raws, begin, std::min(part, raws.size - begin));
    }
  };

  if (ThreadCount() <= 1 || reader.mapped()) {
    // One core, or a mapped file (slicing it is ~5% of the work): a reader
    // thread would only compete with the workers for the cores, and they
    // wait for each other at the end of every part (measured: two cores
    // 0.61 s with it, 0.55 s without, for 100,000 mapped events; for gzip
    // input, where reading is decompressing, 0.84 s with it, 1.05 s without).
    RawBatch raws;
    bool more = true;
    while (more) {
      absl::Status status = FillRawBatch(reader, part, &raws, &more);
      if (raws.size > 0) process(raws);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  RawBatchPipe pipe(&reader, batch_size);
  while (std::unique_ptr<RawBatch> raws = pipe.Pop()) {
    process(*raws);
    pipe.Recycle(std::move(raws));
  }
  return pipe.status();
}

}  // namespace

absl::Status ReadContextsInBatches(const ContextInput& input, const ContextHandlers& handlers,
                                   InputTotals* totals, size_t batch_size) {
  const bool logs = !input.logs_path.empty();
  Progress progress(input.progress_label, FileSize(logs ? input.logs_path : input.contexts_path));
  absl::Status status = logs ? ReadLogContexts(input, handlers, totals, batch_size, &progress)
                             : ReadContextLines(input, handlers, totals, batch_size, &progress);
  progress.Finish();
  return status;
}

absl::Status ReadContextsInBatches(const ContextInput& input, const ContextBatchCallback& on_batch,
                                   InputTotals* totals, size_t batch_size) {
  ContextHandlers handlers;
  handlers.on_batch = on_batch;
  return ReadContextsInBatches(input, handlers, totals, batch_size);
}

void SetMaxThreads(size_t n) { max_threads = n; }

namespace {

// The helper threads of ParallelFor, started once and kept: a replay calls
// it twice per few hundred events, and starting threads each time cost more
// than small batches save (see docs/performance.md).
class WorkerPool {
 public:
  explicit WorkerPool(size_t helpers) {
    for (size_t t = 0; t < helpers; ++t) {
      try {
        threads_.emplace_back([this] { HelperLoop(); });
      } catch (const std::system_error&) {
        break;  // fewer helpers than asked for: the work still gets done
      }
    }
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t helpers() const { return threads_.size(); }

  // Runs fn(0..n) on the calling thread and the helpers; returns when all
  // are done.
  void Run(size_t n, const std::function<void(size_t)>& fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = &fn;
      n_ = n;
      next_.store(0);
      pending_ = threads_.size();
      ++generation_;
    }
    work_cv_.notify_all();
    // Should fn throw here (out of memory), the helpers must still be done
    // with `fn` before it goes out of scope: hand out no more work, wait,
    // then let the exception go on.
    std::exception_ptr error;
    try {
      Work(fn, n);
    } catch (...) {
      error = std::current_exception();
      next_.store(n);
    }
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
    if (error) std::rethrow_exception(error);
  }

 private:
  void Work(const std::function<void(size_t)>& fn, size_t n) {
    constexpr size_t kChunk = 16;
    while (true) {
      const size_t begin = next_.fetch_add(kChunk);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + kChunk);
      for (size_t i = begin; i < end; ++i) fn(i);
    }
  }

  void HelperLoop() {
    uint64_t seen = 0;
    while (true) {
      const std::function<void(size_t)>* fn = nullptr;
      size_t n = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        fn = fn_;
        n = n_;
      }
      Work(*fn, n);
      {
        std::lock_guard<std::mutex> lock(mu_);
        --pending_;
      }
      done_cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  size_t pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

std::mutex pool_mu;
thread_local bool inside_parallel_for = false;

}  // namespace

void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  const size_t workers = std::min(ThreadCount(), (n + 15) / 16);
  if (workers <= 1 || inside_parallel_for) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  // One ParallelFor at a time; the pool follows SetMaxThreads.
  std::lock_guard<std::mutex> lock(pool_mu);
  static std::unique_ptr<WorkerPool> pool;
  if (pool == nullptr || pool->helpers() != ThreadCount() - 1) {
    pool.reset();
    pool = std::make_unique<WorkerPool>(ThreadCount() - 1);
  }
  struct InsideParallelFor {
    InsideParallelFor() { inside_parallel_for = true; }
    ~InsideParallelFor() { inside_parallel_for = false; }
  } inside;
  pool->Run(n, [&fn](size_t i) {
    inside_parallel_for = true;  // on the helpers: nested calls run inline
    fn(i);
  });
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
