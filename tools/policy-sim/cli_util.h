// Small helpers shared by policy-sim subcommands: exit codes, reading JSON
// Lines from a file or stdin, and an aligned text table for people.
#ifndef VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_
#define VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_

#include <cstdint>
#include <fstream>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"
#include "verdict/system_log.h"

namespace verdict::cli {

// Debian's Abseil has its own string_view type; absl::StrCat and friends
// take std::string_view only through this.
inline absl::string_view Sv(std::string_view text) { return {text.data(), text.size()}; }

// Exit statuses of every subcommand (docs/interfaces.md §3).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // internal failure
inline constexpr int kExitUnusable = 2;     // snapshot or arguments unusable
inline constexpr int kExitBadContexts = 3;  // some input lines were unusable

// Reads a text file, or stdin for "-", one line at a time. Line numbers are
// 1-based physical lines, so blank lines count: they are what an editor shows.
class LineReader {
 public:
  // Opens `path` ("-" = stdin). NotFound/PermissionDenied-style errors name
  // the path.
  absl::Status Open(const std::string& path);

  // The next line without its terminator ("\n" or "\r\n"); false at the end.
  bool Next(std::string* line);

  // The number of the line last returned by Next().
  int line_number() const { return line_number_; }
  bool is_stdin() const { return in_ == nullptr || is_stdin_; }

 private:
  std::ifstream file_;
  std::istream* in_ = nullptr;
  bool is_stdin_ = false;
  int line_number_ = 0;
};

// True when `text` holds only spaces, tabs and line terminators.
bool IsBlank(std::string_view text);

// Splits "a,b,,c" into {"a", "b", "c"}, trimming spaces around each item.
std::vector<std::string> SplitList(std::string_view text);

bool StdoutIsTerminal();

// A JSON string literal for `text` (invalid UTF-8 replaced, never throws).
std::string JsonQuote(std::string_view text);

// Consumes "--name value" or "--name=value" at args[*i]. Returns nullopt when
// args[*i] is not this flag; sets *missing when the value is absent.
std::optional<std::string> TakeFlagValue(const std::vector<std::string>& args, size_t* i,
                                         std::string_view name, bool* missing);

// Columns padded to their widest cell (width counted in UTF-8 code points).
// A row may carry free text printed below it, unpadded (traces, errors).
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

  void AddRow(std::vector<std::string> cells, std::string below = "");
  // A line of free text that is not a row (e.g. an input error).
  void AddText(std::string text);

  void Print(std::ostream& out) const;

 private:
  struct Entry {
    std::vector<std::string> cells;  // empty for text entries
    std::string below;
  };
  std::vector<std::string> header_;
  std::vector<Entry> entries_;
};

// ---------------------------------------------------------------- replay, diff, test, explain

bool StderrIsTerminal();

// Prints loader warnings and errors to stderr, each prefixed by `prefix`
// ("--before: "); true when there were no errors.
bool PrintIssues(const IssueList& issues, std::string_view prefix = "");

// Loads a snapshot, printing every issue; nullopt (already reported) when it
// is unusable.
std::optional<Snapshot> LoadSnapshotOrReport(const std::string& directory,
                                             std::string_view prefix = "");

// One context from a contexts file or a System Log, with where it came from.
// A System Log event's whole conversion is kept (what Okta recorded, whether
// memberships were found); a context line fills only `context`.
struct SourcedContext : LogEventConversion {
  SourcedContext() = default;
  SourcedContext(const SourcedContext&) = default;
  SourcedContext(SourcedContext&&) = default;
  SourcedContext& operator=(const SourcedContext&) = default;
  SourcedContext& operator=(SourcedContext&&) = default;
  // Virtual: the reader owns commands' derived items (ContextHandlers::
  // make_item) through pointers to this base.
  virtual ~SourcedContext() = default;

  std::string where;  // "line 3" or the log position
};

// Every input item is exactly one of evaluated, skipped or malformed.
struct InputTotals {
  uint64_t read = 0;
  uint64_t evaluated = 0;  // contexts produced
  uint64_t skipped = 0;    // log events that are not sign-on events
  uint64_t malformed = 0;  // unparsable lines / events (reported on stderr)
  uint64_t without_memberships = 0;
  // "read 10: 8 evaluated, 2 skipped (not sign-on events), 0 malformed"
  std::string ToString() const;
};

struct ContextInput {
  std::string contexts_path;                   // JSON Lines of contexts, or
  std::string logs_path;                       // a System Log export (array, JSONL, gzip)
  const MembershipMap* memberships = nullptr;  // for logs
  const Snapshot* snapshot = nullptr;          // its users/ folder, for logs
  std::string progress_label;                  // shown on a terminal
  bool map_plain_files = true;                 // for logs: --no-mmap clears it
};

// The contexts of a batch, in input order. They are the reader's: kept (and
// refilled) from batch to batch, so a callback may change them but must not
// keep pointers to them.
using ContextBatchCallback = std::function<void(std::span<SourcedContext* const> batch)>;

// What a command does with the contexts it reads.
struct ContextHandlers {
  // Makes the storage of one context: a plain SourcedContext when unset. A
  // command that keeps results per context makes a type derived from
  // SourcedContext (and casts back to it in its handlers).
  std::function<std::unique_ptr<SourcedContext>()> make_item;
  // Optional. Runs on the worker threads for each context right after it is
  // read and converted, concurrently and in any order: a command's
  // per-context work (an evaluation) then runs on the core that built the
  // context, while it is in that core's cache, and in the same parallel pass.
  std::function<void(SourcedContext& item)> on_context;
  // Runs on the calling thread with a batch's contexts in input order, after
  // their on_context calls.
  ContextBatchCallback on_batch;
};

// Streams the input in batches (input order) to the handlers, so memory
// stays bounded by the batch size. Malformed items are reported on stderr
// with their line/offset and counted. Shows a progress bar on stderr when it
// is a terminal. An error only when the input cannot be opened or read to
// the end.
absl::Status ReadContextsInBatches(const ContextInput& input, const ContextHandlers& handlers,
                                   InputTotals* totals, size_t batch_size = 4096);
// The same with only an in-order batch callback.
absl::Status ReadContextsInBatches(const ContextInput& input, const ContextBatchCallback& on_batch,
                                   InputTotals* totals, size_t batch_size = 4096);

// Runs fn(0..n-1) over all cores (std::thread::hardware_concurrency()), or
// over SetMaxThreads(n) threads when set (--jobs N; 1 = the calling thread).
void ParallelFor(size_t n, const std::function<void(size_t)>& fn);
void SetMaxThreads(size_t n);

// A progress line on stderr, redrawn at most ~10 times a second, only when
// stderr is a terminal: events, events/s and, when the input size is known,
// percent and ETA.
class Progress {
 public:
  Progress(std::string label, uint64_t total_bytes);
  ~Progress();
  void Update(uint64_t events, uint64_t bytes_done);
  void Finish();

 private:
  std::string label_;
  uint64_t total_bytes_;
  bool enabled_;
  bool finished_ = false;
  int64_t start_ns_;
  int64_t last_ns_ = 0;
};

// Permissiveness of a decision that has an access level: DENY (and blocked)
// < CHALLENGE < ALLOW. nullopt for decisions without an outcome.
std::optional<int> PermissivenessRank(const Decision& decision);

// "Sales (00p1) / Catch-all (0pr2) / CHALLENGE", "blocked by zone X (nzo1)",
// "no matching policy".
std::string DescribeDecision(const Decision& decision);

// {"blocked":..,"policy":id|null,"policyName":..,"rule":..,"ruleName":..,"outcome":..|null}
std::string DecisionJson(const Decision& decision);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_
