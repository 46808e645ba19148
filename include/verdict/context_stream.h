// Contexts read from a file of them (JSON Lines, docs/interfaces.md §2) or
// from a System Log export, converted and handed on in parallel, in input
// order, with bounded memory: what `policy-sim replay`, `diff` and `contexts`
// run on.
//
//   ContextStreamOptions options;
//   options.threads = 0;  // every core
//   absl::StatusOr<std::unique_ptr<ContextStream>> stream =
//       ContextStream::Open(ContextSource::kSystemLog, "export.jsonl.gz", options);
//   ContextHandlers<Decision> handlers;
//   handlers.on_context = [&](StreamedContext& c, Decision& d) {  // on a worker
//     d = engine.Evaluate(c.conversion.context, PolicyType::kOktaSignOn);
//   };
//   handlers.in_order = [&](StreamedContext& c, Decision& d) { ... };  // input order
//   absl::Status status = (*stream)->Run(handlers);
//
// Each context's work runs on the worker that read and converted it, while it
// is in that core's cache; the results come back to the calling thread in
// input order, so what a command prints does not depend on the thread count.
#ifndef VERDICT_CONTEXT_STREAM_H_
#define VERDICT_CONTEXT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "verdict/snapshot.h"
#include "verdict/system_log.h"

namespace verdict {

// What a stream reads.
enum class ContextSource {
  // One context (docs/interfaces.md §2) per line; blank lines are skipped
  // (their numbers still count). "-" is standard input.
  kContextLines,
  // A System Log export (JSON array, JSON Lines or a stream of objects, gzip
  // or plain; see LogReader); its sign-on events become contexts, the other
  // events are skipped. "-" is standard input.
  kSystemLog,
};

// Where a stream stands, for a progress display.
struct ContextStreamProgress {
  uint64_t items_read = 0;   // input items (non-blank lines, events) so far
  uint64_t bytes_read = 0;   // input bytes consumed; 0 when not known (gzip)
  uint64_t total_bytes = 0;  // the input's size; 0 when not known (stdin)
};

struct ContextStreamOptions {
  // Threads that read, convert and run ContextHandlers::on_context, the
  // calling thread included. 0 (the default): one per core
  // (std::thread::hardware_concurrency()); 1: the calling thread alone. The
  // stream starts its threads when it opens and joins them when destroyed.
  size_t threads = 0;
  // Input items read ahead of the ones being processed. Memory is bounded by
  // it, whatever the input's size. Default 4096. Items are processed in parts
  // of at most 128 per thread (fewer when the batch is smaller; context lines
  // go through a ring of that many slots), so an event's text and context
  // are still in cache when its work runs.
  size_t batch_size = 4096;
  // kSystemLog: how the export is read — its format, the event size limit,
  // and whether a plain file is mapped into memory (map_plain_files, default
  // true; false reads it in chunks, for files that may be truncated while
  // they are read). Defaults: LogReaderOptions's.
  LogReaderOptions log_reader;
  // kSystemLog: this many malformed events in a row, none usable between
  // them, end the read with DataLoss naming where the run began: the input
  // is garbage from there on (a gzip stream corrupted in its middle
  // decompresses into garbage that zlib may only catch at its checksum, at
  // the end) or not a System Log export at all. Default 1000; 0: no limit.
  uint64_t max_malformed_in_a_row = 1000;
  // kSystemLog: where the users' group memberships come from. Default: none
  // (group conditions then cannot match).
  LogConversionOptions conversion;
  // Optional (default: none). Called on the calling thread as the stream
  // goes (after each part of at most `batch_size` items), for a progress
  // display; the stream itself writes nothing anywhere.
  std::function<void(const ContextStreamProgress&)> progress;
  // kContextLines: the snapshot the contexts are checked against
  // (CheckContext, verdict/context_check.h) besides the parser's own
  // unknown-field check; may be null (then only the parser's).
  const Snapshot* check_against = nullptr;
  // kContextLines: a context with a warning is malformed (reported through
  // on_malformed with its warnings, then skipped), for --strict.
  bool warnings_are_errors = false;
  // kContextLines: a context line without an id gets StreamedContext::Where()
  // as its id (default true), so that reports can name it; false leaves it
  // empty (policy-sim eval prints the id the context gave).
  bool name_unnamed_contexts = true;
};

// One input item that became a context.
struct StreamedContext {
  // A System Log event's whole conversion (context, what Okta recorded,
  // whether memberships were found, notes). A context line fills `context`
  // only, and memberships_found is true (the context lists its groups). A
  // context line without an id gets Where() as its id (unless
  // options.name_unnamed_contexts is false), so that reports can
  // name it.
  LogEventConversion conversion;
  // Where it came from: the event's position, or for a context line its
  // line, byte offset and ordinal among the non-blank lines. Context lines
  // are read on the calling thread and parsed on the workers.
  LogEventPosition position;
  ContextSource source = ContextSource::kContextLines;

  // The position as reports give it: "line 3" (a context line) or
  // "line 3 (byte 812, event 2)" (an event). Written when asked for: most
  // contexts are never named.
  std::string Where() const;
};

// An input item that could not be used: reported in input order, then
// skipped. The views are valid during the call.
struct MalformedInput {
  std::string_view source;   // the input's name (its path; "<stdin>" for a log on stdin)
  std::string_view where;    // "line 3", or the event's position
  std::string_view message;  // what is wrong
  uint64_t line = 0;         // the line it is on (an event: its first line)
};

// A problem with a context that is still used (an unknown field, a group
// given by name; a System Log event whose `published` is not a timestamp,
// "log.published", so its context has no time): reported in input order
// before the context's in_order.
// The views are valid during the call.
struct InputWarning {
  std::string_view source;   // the input's name
  std::string_view where;    // "line 3", or the event's position
  std::string_view code;     // Issue::code ("context.unknown_field")
  std::string_view pointer;  // the JSON pointer in the context
  std::string_view message;
};

// Every input item is exactly one of contexts, skipped or malformed.
struct ContextStreamTotals {
  uint64_t read = 0;      // non-blank lines, or events
  uint64_t contexts = 0;  // handed to the handlers
  uint64_t skipped = 0;   // well-formed log events that are not sign-on events
  uint64_t malformed = 0;
  // System Log contexts whose user had no group memberships.
  uint64_t without_memberships = 0;
};

// What a caller does with each context. `Result` is the caller's per-context
// data: the stream keeps one per slot (a slot holds one context at a time and
// is refilled part after part), so a handler finds the result of *its*
// context without any cast, and a Result's buffers are reused from context
// to context (reset what you fill). Handlers must not throw: an exception
// from a worker ends the process (one from the calling thread goes on to
// Run()'s caller once the workers have stopped).
template <typename Result>
struct ContextHandlers {
  // Optional. On the worker threads, right after each context is read and
  // converted: concurrently and in any order. May change the context.
  std::function<void(StreamedContext& context, Result& result)> on_context;
  // Optional. On the calling thread, each context in input order, after its
  // on_context. The context and result may be changed, or moved from: both
  // are the stream's again once this returns.
  std::function<void(StreamedContext& context, Result& result)> in_order;
  // Optional. On the calling thread, each malformed item in input order
  // among the in_order calls.
  std::function<void(const MalformedInput& malformed)> on_malformed;
  // Optional. On the calling thread, each warning of a context (see
  // InputWarning) just before that context's in_order.
  std::function<void(const InputWarning& warning)> on_warning;
};

// For callers that keep nothing per context.
struct NoResult {};

// Reads one input once. Not thread-safe: one caller drives it (its own
// threads are internal).
class ContextStream {
 public:
  // Opens `path`. NotFound (naming the path) when it cannot be opened;
  // LogReader::Open's errors for a System Log.
  static absl::StatusOr<std::unique_ptr<ContextStream>> Open(
      ContextSource source, std::string_view path, const ContextStreamOptions& options = {});
  // Reads the System Log events of `reader`, which the caller owns and which
  // must outlive the stream (options.log_reader is not used).
  static std::unique_ptr<ContextStream> ForLogReader(LogReader& reader,
                                                     const ContextStreamOptions& options = {});

  ~ContextStream();
  ContextStream(const ContextStream&) = delete;
  ContextStream& operator=(const ContextStream&) = delete;

  // Reads the input to the end, calling the handlers; the totals then cover
  // every item read. An error only when the input cannot be read to the end
  // (the items before it have been handed on), or when the stream has run
  // before (FailedPrecondition). Malformed items are not errors.
  template <typename Result>
  absl::Status Run(const ContextHandlers<Result>& handlers);

  const ContextStreamTotals& totals() const;
  // The threads it runs on (options.threads, 0 resolved).
  size_t threads() const;
  // The input's name, as MalformedInput::source gives it.
  const std::string& source_name() const;

 private:
  struct State;
  // The handlers with the slot (an index below slots()) instead of a Result.
  struct SlotHandlers {
    std::function<void(size_t slot, StreamedContext& context)> on_context;
    std::function<void(size_t slot, StreamedContext& context)> in_order;
    std::function<void(const MalformedInput& malformed)> on_malformed;
    std::function<void(const InputWarning& warning)> on_warning;
  };

  explicit ContextStream(std::unique_ptr<State> state);
  size_t slots() const;
  absl::Status RunSlots(const SlotHandlers& handlers);

  std::unique_ptr<State> state_;
};

template <typename Result>
absl::Status ContextStream::Run(const ContextHandlers<Result>& handlers) {
  std::vector<Result> results(slots());
  SlotHandlers by_slot;
  if (handlers.on_context) {
    by_slot.on_context = [&](size_t slot, StreamedContext& context) {
      handlers.on_context(context, results[slot]);
    };
  }
  if (handlers.in_order) {
    by_slot.in_order = [&](size_t slot, StreamedContext& context) {
      handlers.in_order(context, results[slot]);
    };
  }
  by_slot.on_malformed = handlers.on_malformed;
  by_slot.on_warning = handlers.on_warning;
  return RunSlots(by_slot);
}

}  // namespace verdict

#endif  // VERDICT_CONTEXT_STREAM_H_
