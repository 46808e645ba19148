// Small helpers shared by policy-sim subcommands: exit codes, reading JSON
// Lines from a file or stdin, and an aligned text table for people.
#ifndef VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_
#define VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_

#include <cstdint>
#include <fstream>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "verdict/context.h"
#include "verdict/context_stream.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
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

  // After Next() returned false: OK at the end of the input, an error when
  // reading failed (getline stops alike at both; only badbit tells them
  // apart).
  absl::Status status() const;

  // The number of the line last returned by Next().
  int line_number() const { return line_number_; }
  bool is_stdin() const { return in_ == nullptr || is_stdin_; }

 private:
  std::ifstream file_;
  std::istream* in_ = nullptr;
  std::string name_;
  bool is_stdin_ = false;
  int line_number_ = 0;
  uint64_t bytes_ = 0;  // read so far, terminators included
};

// True when `text` holds only spaces, tabs and line terminators.
bool IsBlank(std::string_view text);

// Splits "a,b,,c" into {"a", "b", "c"}, trimming spaces around each item.
std::vector<std::string> SplitList(std::string_view text);

bool StdoutIsTerminal();

// An output file written beside its target and renamed over it only by
// Commit(): a command that fails or is interrupted leaves the target as it
// was (never truncated, never half-written). "-" writes to stdout directly.
class AtomicOutputFile {
 public:
  AtomicOutputFile() = default;
  ~AtomicOutputFile();  // removes the temporary file unless committed
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  // Creates the temporary file (TARGET.tmp-XXXXXX, same directory, so the
  // rename stays on one file system); the error names the target.
  absl::Status Open(const std::string& target);
  std::ostream& stream() { return temp_path_.empty() ? std::cout : file_; }
  // Flushes, checks every write succeeded, and renames onto the target (or
  // flushes stdout for "-").
  absl::Status Commit();

 private:
  std::string target_;
  std::string temp_path_;
  std::ofstream file_;
  bool committed_ = false;
};

// A JSON string literal for `text` (invalid UTF-8 replaced, never throws).
std::string JsonQuote(std::string_view text);

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

// ---------------------------------------------------------------- replay, diff, test, explain,
// contexts

bool StderrIsTerminal();

// For a command that may print a line per input (eval's decisions and
// warnings): gives stdout and stderr a 64 KiB buffer each when they are not
// terminals, so 100,000 warnings cost a few dozen write calls instead of one
// each (std::cerr flushes after every insertion otherwise). Both are flushed
// at exit and by an explicit flush(); a terminal keeps line-at-a-time output.
// Call before anything is printed.
void BufferStreamsUnlessTerminals();

// Prints loader warnings and errors to stderr, each prefixed by `prefix`
// ("--before: "); true when there were no errors.
bool PrintIssues(const IssueList& issues, std::string_view prefix = "");

// Loads and compiles a snapshot (LoadAndCompile), printing every issue of
// both; null (already reported) when it is unusable. `strict` (--strict):
// warnings are errors.
std::shared_ptr<const CompiledPolicySet> LoadSnapshotOrReport(const std::string& directory,
                                                              std::string_view prefix = "",
                                                              bool strict = false);

// The help text of --strict, the same in every command that has it.
inline constexpr char kStrictHelp[] =
    "  --strict              warnings are errors: a snapshot warning (dangling\n"
    "                        zone, group or behavior id, ...) exits 2; a context\n"
    "                        warning (unknown field, group given by name, unknown\n"
    "                        behavior, zone or app) makes that context unusable\n";

// Prints the warnings of one context given on the command line (eval,
// explain, test): "warning: SOURCE: WHERE: /pointer: message".
void PrintContextWarnings(const IssueList& warnings, std::string_view source,
                          std::string_view where);

// `usage` with its "{strict}" placeholder replaced by kStrictHelp.
std::string WithStrictHelp(std::string_view usage);

// Reports a context's warning on stderr: "warning: FILE: line 3: /ipaddress:
// unknown field ...".
void ReportWarning(const InputWarning& warning);

// Loads --memberships FILE into `out` (nothing for an empty path); false,
// reported on stderr, when it is unusable.
bool LoadMembershipsOrReport(const std::string& path, MembershipMap* out);

// "read 10: 8 evaluated, 2 skipped (not sign-on events), 0 malformed", and
// how many contexts had no group memberships when some had none.
std::string TotalsText(const ContextStreamTotals& totals);

// Reports a malformed input item on stderr, where it is and why:
// "error: FILE: line 3: ... (skipped)".
void ReportMalformed(const MalformedInput& malformed);

// A progress line on stderr, redrawn at most ~10 times a second, only when
// stderr is a terminal: items, items/s and, when the input size is known,
// percent and ETA. Give Callback() to ContextStreamOptions::progress.
class ProgressLine {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws the line (the callback does this; valid while this object lives).
  void Update(const ContextStreamProgress& progress);
  std::function<void(const ContextStreamProgress&)> Callback() {
    return [this](const ContextStreamProgress& p) { Update(p); };
  }
  // Clears the line, once, before anything else is printed.
  void Finish();
  // ReportMalformed for a stream this line follows: clears the line first
  // (the next Update draws it again below the message), so a message never
  // lands in the middle of a half-drawn progress line.
  std::function<void(const MalformedInput&)> ReportMalformedAbove() {
    return [this](const MalformedInput& m) {
      Clear();
      ReportMalformed(m);
    };
  }
  std::function<void(const InputWarning&)> ReportWarningAbove() {
    return [this](const InputWarning& w) {
      Clear();
      ReportWarning(w);
    };
  }

 private:
  // Erases the drawn line, if any.
  void Clear();

  std::string label_;
  bool enabled_;
  bool finished_ = false;
  bool drawn_ = false;
  int64_t start_ns_;
  int64_t last_ns_ = 0;
};

// When some contexts came without group memberships (System Log events whose
// user --memberships and the snapshot's users/ folder do not list) and a
// snapshot's conditions read memberships, those contexts cannot be decided
// faithfully: the error to print (naming the conditions and the options that
// supply memberships), unless `assume_no_groups`. Empty when there is none.
std::string MissingMembershipsError(uint64_t contexts_without_memberships,
                                    const std::vector<const CompiledPolicySet*>& sets,
                                    bool assume_no_groups);

// Why the rule `rule_id` (of `policy_id`; either may be empty when unknown)
// did not decide `context` for `type` under `set`: the first condition that
// did not hold, of the policy or of the rule ("rule Catch-all (0pr2):
// network.include does not hold: ..."), or what came first ("not reached:
// ..."). The compiled engine's DecisionReasons say which item that is (the
// policy passed over and why, or the rule before the winner); `details`, a
// ReferenceEvaluator of the same set, gives that one item's condition
// verdicts and their text. Empty when the type has no such policy or rule.
// Allocates: for reports, once per group, not per decision.
std::string FirstConditionThatDiffers(const CompiledPolicySet& set,
                                      const ReferenceEvaluator& details,
                                      const SignOnContext& context, PolicyType type,
                                      std::string_view policy_id, std::string_view rule_id);

// Permissiveness of a decision that has an access level: DENY (and blocked)
// < CHALLENGE < ALLOW. nullopt for decisions without an outcome.
std::optional<int> PermissivenessRank(const Decision& decision);

// "Sales (00p1) / Catch-all (0pr2) / CHALLENGE", "blocked by zone X (nzo1)",
// "no matching policy".
std::string DescribeDecision(const Decision& decision);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_CLI_UTIL_H_
