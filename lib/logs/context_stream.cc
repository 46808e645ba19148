// ContextStream: input items → contexts on a pool of workers, handed back in
// input order. The shape, and why (docs/design.md, "The System Log path"):
//   * the calling thread only slices the input (LogReader for a log, lines for
//     contexts); parsing, conversion and the caller's per-context work run on
//     the workers, each event on one worker with that worker's LogEventParser;
//   * items go in parts of 128 per thread: an event's text, context and
//     result are still in that core's cache when its work runs (a 4096-event
//     batch is ~10 MB of text; the parts made a replay ~20% faster);
//   * a slot's context and result are refilled part after part, never
//     reallocated or moved: steady-state reading allocates next to nothing;
//   * for gzip or standard input with more than one thread, a reader thread
//     slices the next batch while the current one is processed; a mapped
//     file is sliced on the calling thread (there a reader thread only took a
//     core from the workers);
//   * context lines go through a ring of slots (LineRing) instead of parts:
//     the calling thread reads lines into free slots, hands on finished ones
//     in order and processes chunks like a helper in between, so neither the
//     reading nor the hand-on leaves the helpers idle, and a helper is woken
//     only when it ran out of lines, not once per part.
// ConvertLogEvents, the one-thread form for a caller's LogReader, is a stream
// too.
#include "verdict/context_stream.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/logs/worker_pool.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/context_reader.h"

namespace verdict {
namespace {

// Items a worker parses, converts and hands to on_context per part.
constexpr size_t kItemsPerPartPerThread = 128;

// Context lines a worker takes at a time (as WorkerPool's chunks): few enough
// that the workers stay balanced, many enough that taking them costs little.
constexpr size_t kItemsPerChunk = 16;

// An event text longer than this is not kept for reuse: one huge event must
// not pin its buffer for the rest of the run (memory stays flat).
constexpr size_t kMaxRecycledEventBytes = size_t{1} << 20;

// Raw events as the reader slices them. A batch is recycled once processed:
// its events keep their strings' capacity, so steady-state reading does not
// allocate per event.
struct RawBatch {
  std::vector<RawLogEvent> events;
  size_t size = 0;  // events[0..size) belong to this batch
};

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

// A reader thread that slices the next batch while the caller processes the
// current one, so the cores do not idle while the input is decompressed. At
// most three batches exist at a time (one being filled, one ready, one being
// processed), so memory stays flat.
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

uint64_t FileSize(std::string_view path) {
  if (path == "-") return 0;
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(std::filesystem::path(path), ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// The hand-off of context lines between the calling thread, which reads them
// into a ring of slots and hands them on in input order, and every worker
// (the calling thread too), which parses and processes them. Items are
// numbered from 0 in input order; item g lives in slot g % size(). The
// calling thread reads ahead while the helpers work, and takes chunks itself
// between reading and handing on, so no thread waits for a part to fill and
// the helpers are not woken per part (they sleep only when every item read so
// far is taken; measured in docs/performance.md, "`eval` and scaling").
//
// Why each slot is touched by one thread at a time:
//   * the calling thread fills slot g % size() for item g only after handing
//     on item g - size() (so the worker of that item is done with the slot),
//     then publishes g with a store to `published_`; a worker claims g only
//     after a load of `published_` that sees it, which orders the slot's
//     filling before the worker's reads (release/acquire);
//   * the worker of item g fills the slot, then sets its done flag; the
//     calling thread hands g on only after a load of the flag that sees it,
//     which orders the worker's writes before the hand-on (release/acquire);
//     it then clears the flag itself, before it fills and publishes g + size();
//   * `claim_` hands each item to exactly one worker (compare-and-swap).
// Sleeping and waking: a sleeper announces itself (idle_, caller_waiting_)
// under mu_ before it tests its condition; the waker stores what it changed,
// then reads the announcement, all sequentially consistent, so at least one
// of the two sees the other's store. A waker that sees a sleeper takes mu_
// before it notifies, so the sleeper is then waiting (or has seen the change).
class LineRing {
 public:
  LineRing(size_t size, size_t chunk)
      : size_(size), chunk_(std::max<size_t>(1, std::min(chunk, size))), done_(size) {}

  size_t size() const { return size_; }

  // Calling thread: items [0, end) are filled and may be claimed.
  void Publish(uint64_t end) {
    published_.store(end);
    if (idle_.load() > 0) Notify(work_cv_, /*all=*/true);
  }
  // Calling thread: the published items are all there will be; helpers return
  // once they are claimed.
  void EndInput() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      input_ended_ = true;
    }
    work_cv_.notify_all();
  }
  // Calling thread, on an exception: helpers return after their current
  // chunk, without claiming more.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_.store(true);
    }
    work_cv_.notify_all();
  }
  // Calling thread: whether item g (published) is processed, and making its
  // slot free again once handed on.
  bool Done(uint64_t g) const { return done_[g % size_].load(); }
  void Clear(uint64_t g) { done_[g % size_].store(false, std::memory_order_relaxed); }
  // Calling thread: blocks until item g (claimed by a helper) is processed.
  void WaitDone(uint64_t g) {
    std::unique_lock<std::mutex> lock(mu_);
    caller_waiting_.store(true);
    done_cv_.wait(lock, [&] { return Done(g); });
    caller_waiting_.store(false);
  }

  // Any worker: claims the next published items not yet claimed, at most a
  // chunk: [*begin, *end). False when there are none (or after Stop()).
  bool Claim(uint64_t* begin, uint64_t* end) {
    uint64_t next = claim_.load();
    while (!stopped_.load()) {
      const uint64_t published = published_.load();
      if (next >= published) return false;
      const uint64_t chunk_end = std::min<uint64_t>(next + chunk_, published);
      if (claim_.compare_exchange_weak(next, chunk_end)) {
        *begin = next;
        *end = chunk_end;
        return true;
      }
    }
    return false;
  }
  // Any worker: items [begin, end), claimed by it, are processed.
  void MarkDone(uint64_t begin, uint64_t end) {
    for (uint64_t g = begin; g < end; ++g) done_[g % size_].store(true);
    if (caller_waiting_.load()) Notify(done_cv_, /*all=*/false);
  }
  // Helpers: blocks until there are items to claim (true), or none will come
  // again (false: the input ended and all are claimed, or Stop()).
  bool WaitForWork() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.fetch_add(1);
    auto claimable = [this] { return claim_.load() < published_.load(); };
    work_cv_.wait(lock, [&] { return stopped_.load() || input_ended_ || claimable(); });
    idle_.fetch_sub(1);
    return !stopped_.load() && claimable();
  }

 private:
  void Notify(std::condition_variable& cv, bool all) {
    { std::lock_guard<std::mutex> lock(mu_); }
    if (all) {
      cv.notify_all();
    } else {
      cv.notify_one();
    }
  }

  const size_t size_;
  const size_t chunk_;
  // Each on its own cache line: the calling thread writes published_, every
  // worker writes claim_.
  alignas(64) std::atomic<uint64_t> published_{0};
  alignas(64) std::atomic<uint64_t> claim_{0};
  std::vector<std::atomic<bool>> done_;  // by slot
  std::atomic<bool> stopped_{false};
  std::atomic<int> idle_{0};                 // helpers in WaitForWork
  std::atomic<bool> caller_waiting_{false};  // the calling thread in WaitDone
  std::mutex mu_;
  std::condition_variable work_cv_;  // helpers wait here
  std::condition_variable done_cv_;  // the calling thread waits here
  bool input_ended_ = false;         // guarded by mu_
};

}  // namespace

struct ContextStream::State {
  State(ContextStreamOptions options_in, size_t thread_count)
      : options(std::move(options_in)),
        part(std::max<size_t>(1,
                              std::min(options.batch_size, kItemsPerPartPerThread * thread_count))),
        pool(thread_count) {}

  ContextSource source = ContextSource::kContextLines;
  std::string name;  // MalformedInput::source
  ContextStreamOptions options;
  size_t part;  // items per part: the slots
  logs::WorkerPool pool;
  uint64_t total_bytes = 0;
  bool ran = false;
  ContextStreamTotals totals;
  // kSystemLog: the malformed events in a row so far, where that run began,
  // and the error that ends the read once it is too long
  // (max_malformed_in_a_row).
  uint64_t malformed_in_a_row = 0;
  std::string malformed_run_start;
  absl::Status garbage;

  // kSystemLog: the reader (owned, or the caller's) and one parser per worker.
  std::unique_ptr<LogReader> owned_reader;
  LogReader* reader = nullptr;
  std::vector<LogEventParser> parsers;
  // kContextLines: one reader per worker (its parser and padded copy).
  std::vector<ContextReader> context_readers;
  // kContextLines: the file, or std::cin.
  std::ifstream file;
  std::istream* lines = nullptr;

  // What became of each item of a part: its context is read straight into
  // items[i], kept from part to part; a malformed item keeps its message.
  enum class Kind { kContext, kSkipped, kMalformed };
  struct Slot {
    Kind kind = Kind::kContext;
    std::string error;
    std::string where;   // a malformed item's Where()
    IssueList warnings;  // a context line's, or an event's unreadable `published`
    std::string text;    // a context line's text, until a worker parses it
  };
  std::vector<Slot> slots;
  std::vector<StreamedContext> items;

  absl::Status RunLines(const SlotHandlers& handlers);
  absl::Status RunLog(const SlotHandlers& handlers);
  // Runs on_context over the contexts of items[0, n) on the workers, then
  // hands every item on in input order.
  void HandOn(size_t n, const SlotHandlers& handlers);
  // Counts item i and gives it to the handler for its kind (on_malformed, or
  // on_warning and in_order); the calling thread, in input order.
  void HandOnItem(size_t i, const SlotHandlers& handlers);
  // kContextLines, on `worker`: parses slot i's text into items[i], then runs
  // on_context on it if it is a context.
  void ParseLine(size_t worker, size_t i, const ContextCheckOptions& check,
                 const SlotHandlers& handlers);
  // Follows the run of malformed events through item i; sets `garbage` when
  // the run reaches max_malformed_in_a_row (item i is still handed on).
  void CountMalformedRun(size_t i) {
    if (slots[i].kind != Kind::kMalformed) {
      malformed_in_a_row = 0;
      return;
    }
    if (malformed_in_a_row++ == 0) malformed_run_start = items[i].Where();
    if (options.max_malformed_in_a_row == 0 ||
        malformed_in_a_row < options.max_malformed_in_a_row) {
      return;
    }
    garbage = absl::DataLossError(absl::StrCat(
        name, ": ", malformed_in_a_row, " malformed events in a row from ", malformed_run_start,
        ": the input is corrupt from there on (or is not a System Log export); stopping"));
  }
  void Progress(uint64_t bytes_read) const {
    if (options.progress) options.progress({totals.read, bytes_read, total_bytes});
  }
};

namespace {

size_t ThreadCount(const ContextStreamOptions& options) {
  return options.threads > 0 ? options.threads
                             : std::max<size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

std::string StreamedContext::Where() const {
  if (source == ContextSource::kSystemLog) return position.ToString();
  return absl::StrCat("line ", position.line);
}

ContextStream::ContextStream(std::unique_ptr<State> state) : state_(std::move(state)) {
  state_->slots.resize(state_->part);
  state_->items.resize(state_->part);
  for (StreamedContext& item : state_->items) item.source = state_->source;
  if (state_->source == ContextSource::kSystemLog) {
    state_->parsers.resize(state_->pool.threads());
  } else {
    state_->context_readers.resize(state_->pool.threads());
  }
}

ContextStream::~ContextStream() = default;

absl::StatusOr<std::unique_ptr<ContextStream>> ContextStream::Open(
    ContextSource source, std::string_view path, const ContextStreamOptions& options) {
  auto state = std::make_unique<State>(options, ThreadCount(options));
  state->source = source;
  state->name = std::string(path);
  state->total_bytes = FileSize(path);
  if (source == ContextSource::kSystemLog) {
    absl::StatusOr<std::unique_ptr<LogReader>> opened = LogReader::Open(path, options.log_reader);
    if (!opened.ok()) return opened.status();
    state->owned_reader = *std::move(opened);
    state->reader = state->owned_reader.get();
    state->name = state->reader->name();
  } else if (path == "-") {
    state->lines = &std::cin;
  } else {
    // An ifstream opens a directory and then reads nothing from it: say so
    // instead of reading an empty input.
    if (std::error_code ec; std::filesystem::is_directory(state->name, ec)) {
      return absl::InvalidArgumentError(absl::StrCat(state->name, ": is a directory"));
    }
    state->file.open(state->name, std::ios::in | std::ios::binary);
    if (!state->file.is_open()) {
      return absl::NotFoundError(
          absl::StrCat(state->name, ": cannot open: ", std::strerror(errno)));
    }
    state->lines = &state->file;
  }
  return std::unique_ptr<ContextStream>(new ContextStream(std::move(state)));
}

std::unique_ptr<ContextStream> ContextStream::ForLogReader(LogReader& reader,
                                                           const ContextStreamOptions& options) {
  auto state = std::make_unique<State>(options, ThreadCount(options));
  state->source = ContextSource::kSystemLog;
  state->reader = &reader;
  state->name = reader.name();
  return std::unique_ptr<ContextStream>(new ContextStream(std::move(state)));
}

const ContextStreamTotals& ContextStream::totals() const { return state_->totals; }
size_t ContextStream::threads() const { return state_->pool.threads(); }
const std::string& ContextStream::source_name() const { return state_->name; }
size_t ContextStream::slots() const { return state_->part; }

absl::Status ContextStream::RunSlots(const SlotHandlers& handlers) {
  if (state_->ran) return absl::FailedPreconditionError("a ContextStream reads its input once");
  state_->ran = true;
  return state_->source == ContextSource::kSystemLog ? state_->RunLog(handlers)
                                                     : state_->RunLines(handlers);
}

void ContextStream::State::HandOn(size_t n, const SlotHandlers& handlers) {
  if (handlers.on_context) {
    pool.Run(n, [&](size_t, size_t i) {
      if (slots[i].kind == Kind::kContext) handlers.on_context(i, items[i]);
    });
  }
  for (size_t i = 0; i < n; ++i) {
    if (!garbage.ok()) return;  // the items after the run are not handed on
    HandOnItem(i, handlers);
  }
}

void ContextStream::State::HandOnItem(size_t i, const SlotHandlers& handlers) {
  ++totals.read;
  if (source == ContextSource::kSystemLog) CountMalformedRun(i);
  switch (slots[i].kind) {
    case Kind::kMalformed:
      ++totals.malformed;
      if (handlers.on_malformed) {
        slots[i].where = items[i].Where();
        handlers.on_malformed({name, slots[i].where, slots[i].error, items[i].position.line});
      }
      break;
    case Kind::kSkipped:
      ++totals.skipped;
      break;
    case Kind::kContext:
      ++totals.contexts;
      if (!items[i].conversion.memberships_found) ++totals.without_memberships;
      if (handlers.on_warning && !slots[i].warnings.empty()) {
        slots[i].where = items[i].Where();
        for (const Issue& w : slots[i].warnings) {
          handlers.on_warning({name, slots[i].where, w.code, w.pointer, w.message});
        }
      }
      if (handlers.in_order) handlers.in_order(i, items[i]);
      break;
  }
}

void ContextStream::State::ParseLine(size_t worker, size_t i, const ContextCheckOptions& check,
                                     const SlotHandlers& handlers) {
  StreamedContext& item = items[i];
  Slot& slot = slots[i];
  slot.warnings.clear();
  // Straight into the slot's context, whose room serves item after item.
  absl::Status status =
      context_readers[worker].Read(slot.text, check, &item.conversion.context, &slot.warnings);
  if (status.ok()) {
    slot.kind = Kind::kContext;
    item.conversion.memberships_found = true;  // the context lists its groups
    if (options.name_unnamed_contexts && item.conversion.context.id.empty()) {
      item.conversion.context.id = item.Where();
    }
    if (handlers.on_context) handlers.on_context(i, item);
  } else {
    slot.kind = Kind::kMalformed;
    slot.error = std::string(status.message());
  }
}

absl::Status ContextStream::State::RunLines(const SlotHandlers& handlers) {
  // One checker for the whole stream, shared by the workers (it is
  // immutable); CheckContext would rebuild its lookups for every line.
  std::optional<ContextChecker> checker;
  if (options.check_against != nullptr) checker.emplace(*options.check_against);
  ContextCheckOptions check;
  check.checker = checker ? &*checker : nullptr;
  check.warnings_are_errors = options.warnings_are_errors;
  check.file = name;
  LineRing ring(part, kItemsPerChunk);
  // Processes what it can claim; false when nothing was left to claim.
  auto process_some = [&](size_t worker) {
    uint64_t begin = 0;
    uint64_t end = 0;
    if (!ring.Claim(&begin, &end)) return false;
    for (uint64_t g = begin; g < end; ++g) ParseLine(worker, g % ring.size(), check, handlers);
    ring.MarkDone(begin, end);
    return true;
  };

  // The calling thread's share: read into the free slots, hand on what is
  // done in input order, and between the two take chunks like a helper.
  uint64_t published = 0;  // items read
  uint64_t handed = 0;     // items handed on
  uint64_t line_number = 0;
  uint64_t bytes = 0;
  bool input_ended = false;
  std::string line;
  auto read_free_slots = [&] {
    // Published a chunk at a time, so that a hungry helper can start early
    // without a wake-up per line.
    uint64_t unpublished = 0;
    while (published < handed + ring.size()) {
      if (!std::getline(*lines, line)) {
        input_ended = true;
        break;
      }
      ++line_number;
      const uint64_t offset = bytes;
      bytes += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (IsBlank(line)) continue;
      const size_t i = published % ring.size();
      items[i].position = {published + 1, offset, line_number};
      slots[i].text.swap(line);
      ++published;
      if (++unpublished == kItemsPerChunk) {
        ring.Publish(published);
        unpublished = 0;
      }
    }
    if (unpublished > 0) ring.Publish(published);
    if (input_ended) ring.EndInput();
  };
  auto calling_thread = [&] {
    SlotHandlers in_order_only = handlers;
    in_order_only.on_context = nullptr;  // run with the parsing, on the workers
    while (true) {
      while (handed < published && ring.Done(handed)) {
        HandOnItem(handed % ring.size(), in_order_only);
        ring.Clear(handed);
        if (++handed % ring.size() == 0) Progress(bytes);
      }
      if (!input_ended) read_free_slots();
      if (input_ended && handed == published) break;
      if (process_some(0)) continue;
      // Everything read is claimed and the slots are full (or the input has
      // ended): the next item to hand on is a helper's.
      if (handed < published) ring.WaitDone(handed);
    }
  };
  pool.RunOnEach([&](size_t worker) {
    if (worker != 0) {
      do {
        while (process_some(worker)) {
        }
      } while (ring.WaitForWork());
      return;
    }
    try {
      calling_thread();
    } catch (...) {
      ring.Stop();  // the helpers must be done with the slots before it goes on
      throw;
    }
  });
  Progress(bytes);
  // getline stops alike at the end and at a read error: only the stream's
  // badbit tells them apart, and a read error must not pass for the end.
  if (lines->bad()) {
    return absl::DataLossError(absl::StrCat(name == "-" ? "<stdin>" : name, ": read error after ",
                                            bytes, " bytes (line ", line_number, ")"));
  }
  return absl::OkStatus();
}

absl::Status ContextStream::State::RunLog(const SlotHandlers& handlers) {
  // Events [begin, begin + n) of a raw batch: parsed and converted into the
  // slots on the workers (with the caller's work on each), then handed on.
  auto process_part = [&](const RawBatch& raws, size_t begin, size_t n) {
    pool.Run(n, [&](size_t worker, size_t i) {
      const RawLogEvent& raw = raws.events[begin + i];
      Slot& slot = slots[i];
      StreamedContext& item = items[i];
      item.position = raw.position;
      if (raw.truncated) {
        slot.kind = Kind::kMalformed;
        slot.error = "the input ends inside this event (or it exceeds the size limit)";
        return;
      }
      absl::StatusOr<bool> converted =
          parsers[worker].Convert(raw, options.conversion, &item.conversion);
      if (!converted.ok()) {
        slot.kind = Kind::kMalformed;
        slot.error = std::string(converted.status().message());
      } else if (!*converted) {
        slot.kind = Kind::kSkipped;
      } else {
        slot.kind = Kind::kContext;
        slot.warnings.clear();
        if (!item.conversion.time_error.empty()) {
          Issue warning;
          warning.severity = Issue::Severity::kWarning;
          warning.code = "log.published";
          warning.file = name;
          warning.pointer = "/published";
          warning.message = item.conversion.time_error;
          slot.warnings.push_back(std::move(warning));
        }
        if (handlers.on_context) handlers.on_context(i, item);
      }
    });
    SlotHandlers in_order_only = handlers;
    in_order_only.on_context = nullptr;  // already run, in the pass above
    HandOn(n, in_order_only);
    Progress(reader->compressed() ? 0 : raws.events[begin + n - 1].position.byte_offset);
  };
  auto process = [&](const RawBatch& raws) {
    for (size_t begin = 0; begin < raws.size && garbage.ok(); begin += part) {
      process_part(raws, begin, std::min(part, raws.size - begin));
    }
  };

  // One thread, or a mapped file (slicing it is ~5% of the work): a reader
  // thread would only compete with the workers for the cores, and they wait
  // for each other at the end of every part (measured: two cores 0.61 s with
  // it, 0.55 s without, for 100,000 mapped events; for gzip input, where
  // reading is decompressing, 0.84 s with it, 1.05 s without).
  std::unique_ptr<RawBatchPipe> pipe;
  if (pool.threads() > 1 && !reader->mapped()) {
    try {
      pipe = std::make_unique<RawBatchPipe>(reader, std::max<size_t>(1, options.batch_size));
    } catch (const std::system_error&) {
      // No thread to spare: the calling thread slices, as for one thread.
    }
  }
  if (pipe == nullptr) {
    RawBatch raws;
    bool more = true;
    while (more) {
      absl::Status status = FillRawBatch(*reader, part, &raws, &more);
      if (raws.size > 0) process(raws);
      if (!garbage.ok()) return garbage;
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  while (std::unique_ptr<RawBatch> raws = pipe->Pop()) {
    process(*raws);
    if (!garbage.ok()) return garbage;
    pipe->Recycle(std::move(raws));
  }
  return pipe->status();
}

absl::Status ConvertLogEvents(LogReader& reader, const LogConversionOptions& options,
                              const LogContextCallback& on_context, IssueList* issues,
                              LogTotals* totals) {
  ContextStreamOptions stream_options;
  stream_options.threads = 1;
  stream_options.conversion = options;
  std::unique_ptr<ContextStream> stream = ContextStream::ForLogReader(reader, stream_options);
  ContextHandlers<NoResult> handlers;
  handlers.in_order = [&](StreamedContext& item, NoResult&) {
    if (on_context) on_context(std::move(item.conversion), item.position);
  };
  handlers.on_malformed = [&](const MalformedInput& malformed) {
    if (issues == nullptr) return;
    Issue issue;
    issue.severity = Issue::Severity::kError;
    issue.code = "log.malformed";
    issue.file = std::string(malformed.source);
    issue.message =
        absl::StrCat(std::string(malformed.where), ": ", std::string(malformed.message));
    issues->push_back(std::move(issue));
  };
  handlers.on_warning = [&](const InputWarning& warning) {
    if (issues == nullptr) return;
    Issue issue;
    issue.severity = Issue::Severity::kWarning;
    issue.code = std::string(warning.code);
    issue.file = std::string(warning.source);
    issue.pointer = std::string(warning.pointer);
    issue.message = absl::StrCat(std::string(warning.where), ": ", std::string(warning.message));
    issues->push_back(std::move(issue));
  };
  absl::Status status = stream->Run(handlers);
  if (totals != nullptr) {
    const ContextStreamTotals& t = stream->totals();
    totals->read += t.read;
    totals->converted += t.contexts;
    totals->skipped += t.skipped;
    totals->malformed += t.malformed;
    totals->without_memberships += t.without_memberships;
  }
  return status;
}

}  // namespace verdict
