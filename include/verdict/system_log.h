// Tool header (verdict::verdict, not verdict::core: needs simdjson and zlib).
//
// Okta System Log events (`GET /api/v1/logs`) → sign-on contexts, and the
// decision Okta recorded for each, for replay.
//
// Three stages, each usable on its own:
//   LogReader        slices a JSON array / JSON Lines / JSON sequence input
//                    (gzip or plain) into one raw event at a time, streaming;
//   ParseLogEvent    raw event text → LogEvent (the fields Verdict reads, typed);
//   ContextFromLogEvent  LogEvent → SignOnContext + RecordedOutcome (cannot fail).
// LogEventParser does the last two for many events with reused buffers;
// ConvertLogEvents() runs all three over a whole input on the calling thread,
// and ContextStream (verdict/context_stream.h) on all cores.
// The field mapping and what is inferred rather than documented is in
// docs/semantics.md ("System Log → context") and lib/logs/log_context.cc.
#ifndef VERDICT_SYSTEM_LOG_H_
#define VERDICT_SYSTEM_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "verdict/context.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/snapshot.h"

namespace verdict {

// ---------------------------------------------------------------- reading

// Where one event starts in the input (after decompression).
struct LogEventPosition {
  uint64_t ordinal = 0;      // 1-based: the n-th event of the input
  uint64_t byte_offset = 0;  // 0-based offset of the event's first byte
  uint64_t line = 0;         // 1-based line of the event's first byte
  // "line 17" (JSON Lines) or "line 3, byte 812, event 2" (arrays, sequences).
  std::string ToString() const;
  // The same text appended to *out (no allocation when *out has room).
  void AppendTo(std::string* out) const;
  friend bool operator==(const LogEventPosition&, const LogEventPosition&) = default;
};

enum class LogFormat {
  kAuto,        // decide from the first bytes (see LogReader)
  kJsonArray,   // `[ {...}, {...} ]`; several arrays in a row are read in turn
  kJsonLines,   // one event per line; blank lines ignored
  kJsonStream,  // whitespace-separated JSON values (a pretty-printed object)
};

struct RawLogEvent {
  // The event's JSON text exactly as in the input. LogReader leaves room
  // (capacity) after it so LogEventParser reads it in place; text made
  // elsewhere is copied once.
  std::string text;
  LogEventPosition position;
  // The input ended inside this event (it cannot parse).
  bool truncated = false;
};

struct LogReaderOptions {
  // Default kAuto: '[' first → array; '{' whose value ends on its first line →
  // JSON Lines; otherwise a JSON stream (e.g. one pretty-printed event).
  LogFormat format = LogFormat::kAuto;
  // An event longer than this is an error that stops the read (a JSON array
  // cannot be resynchronised). JSON Lines skips to the next line instead and
  // reports the line as a truncated event. Default 64 MiB.
  size_t max_event_bytes = size_t{64} << 20;
  // Bytes per read from the file. Default 1 MiB.
  size_t read_chunk_bytes = size_t{1} << 20;
  // A plain (not gzip) regular file is mapped into memory and sliced in
  // place instead of being read chunk by chunk (a replay spent ~9% of its
  // time copying the file out of the kernel). Consumed pages are handed back
  // as it goes (every 8 MiB), so resident memory stays flat. As with any mapped file, it
  // must not be truncated while it is being read.
  bool map_plain_files = true;
};

// Streams events out of one input without holding more than the current event
// (plus one read chunk, or up to 8 MiB of a mapped file) in memory. Not thread-safe; one reader
// per input.
class LogReader {
 public:
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Opens `path` ("-" = standard input). gzip input is recognised by its magic
  // bytes (zlib's transparent gzread) and decompressed on the fly; anything
  // else is read as is. NotFound / PermissionDenied-style errors for a file
  // that cannot be opened.
  static absl::StatusOr<std::unique_ptr<LogReader>> Open(std::string_view path,
                                                         const LogReaderOptions& options = {});
  // Reads from memory (plain text only); `name` appears in messages.
  static std::unique_ptr<LogReader> FromString(std::string data, std::string name,
                                               const LogReaderOptions& options = {});

  // Fills `event` with the next event and returns true; false at the end of
  // the input. An error only for input that cannot be read further (I/O or
  // gzip corruption, an oversized event in an array). Syntax errors inside an
  // event are not detected here: ParseLogEvent() reports them.
  absl::StatusOr<bool> Next(RawLogEvent* event);

  const std::string& name() const;
  // The format in use (decided at the first Next() when kAuto).
  LogFormat format() const;
  // True when the input was gzip-compressed.
  bool compressed() const;
  // True when the input is a file mapped into memory (see
  // LogReaderOptions::map_plain_files): reading it costs no more than
  // slicing it.
  bool mapped() const;

 private:
  struct State;
  explicit LogReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// ---------------------------------------------------------------- one event

// A target of an event: `PolicyEntity`, `PolicyRule`, `Rule`, `AppInstance`...
struct LogTarget {
  std::string id;
  std::string type;
  std::string alternate_id;
  std::string display_name;
  // detailEntry: string values as they are, other values as JSON text.
  std::map<std::string, std::string, std::less<>> detail;
  friend bool operator==(const LogTarget&, const LogTarget&) = default;
};

struct LogBehavior {
  std::string id;
  std::string name;
  std::string result;  // POSITIVE | NEGATIVE | UNKNOWN | BAD_REQUEST
  friend bool operator==(const LogBehavior&, const LogBehavior&) = default;
};

// One entry of debugContext.debugData.securityConditions: an Expression
// Language condition Okta evaluated for this sign-on and its truth value.
struct SecurityCondition {
  std::string condition;  // as logged, e.g. "security.risk.level == 'MEDIUM'"
  bool result = false;
  friend bool operator==(const SecurityCondition&, const SecurityCondition&) = default;
};

// The fields of a LogEvent that the conversion reads, as received. Empty
// strings and nullopt stand for absent or JSON null.
struct LogEvent {
  LogEventPosition position;
  std::string uuid;
  std::string event_type;
  std::string published;  // ISO 8601 text
  std::string actor_id;
  std::string actor_type;
  std::string actor_alternate_id;
  // client.*
  std::string client_ip;
  std::string client_device;  // "Computer", "Mobile", ...
  std::string user_agent_os;  // client.userAgent.os: "Mac OS X", "Windows 10", ...
  std::string country;        // client.geographicalContext (else ipChain[0]'s)
  std::string state;
  std::vector<std::string> ip_chain;  // request.ipChain[].ip, client first
  // authenticationContext.authenticationProvider
  std::string authentication_provider;
  // securityContext.*
  std::optional<int64_t> as_number;
  std::optional<bool> is_proxy;
  std::string risk_level;  // securityContext.risk.level
  std::vector<LogBehavior> user_behaviors;
  std::vector<std::string> ip_service_categories;  // securityContext.ipDetails
  // debugContext.debugData: string values as they are, other values as JSON.
  std::map<std::string, std::string, std::less<>> debug_data;
  // device (Identity Engine, Okta Verify devices); has_device = object present.
  bool has_device = false;
  std::string device_os_platform;
  std::optional<bool> device_managed;
  std::optional<bool> device_registered;
  std::optional<bool> device_jailbreak;
  // outcome
  std::string outcome_result;
  std::string outcome_reason;
  std::vector<LogTarget> targets;
  // debug_data["securityConditions"] parsed (Java toString of a list of
  // maps); when that text cannot be parsed the list is empty and
  // security_conditions_error says why.
  std::vector<SecurityCondition> security_conditions;
  std::string security_conditions_error;
  friend bool operator==(const LogEvent&, const LogEvent&) = default;
};

// Parses one event. InvalidArgument (naming the JSON syntax error and, where
// it can be located, its byte offset within the event) when the text is not
// a JSON object, is not valid JSON (anywhere, including fields that are not
// read), or nests deeper than 256 levels. Field values of unexpected types are
// ignored rather than rejected: the System Log is "not a data contract".
// Never throws. Each call sets up a parser (a few hundred kB): a loop over
// many events keeps a LogEventParser instead.
absl::StatusOr<LogEvent> ParseLogEvent(std::string_view text,
                                       const LogEventPosition& position = {});
// The same for an event from LogReader.
absl::StatusOr<LogEvent> ParseLogEvent(const RawLogEvent& raw);

// True for the event types that become contexts: policy.evaluate_sign_on,
// user.session.start, user.authentication.sso, user.authentication.auth_via_mfa,
// user.authentication.verify.
bool IsSignOnEventType(std::string_view event_type);

// ---------------------------------------------------------------- conversion

// user id (or login) → group ids.
using MembershipMap = std::map<std::string, std::vector<std::string>, std::less<>>;

// Reads a memberships file: one JSON object whose keys are user ids (or
// logins) and whose values are either arrays of group ids or the body of
// `GET /api/v1/users/{id}/groups` (an array of group objects; `id` is read).
//   {"00u1": ["00g1", "00g2"], "ann@acme.example": [{"id": "00g3", ...}]}
// InvalidArgument naming the offending key for any other shape. Never throws.
absl::StatusOr<MembershipMap> LoadMemberships(std::string_view path);
absl::StatusOr<MembershipMap> ParseMemberships(std::string_view json_text,
                                               std::string_view name = "<memberships>");

struct LogConversionOptions {
  // Consulted first, by user id then by login. Not owned; may be null.
  const MembershipMap* memberships = nullptr;
  // Its `user_groups` (users/<id>/groups.json) consulted next, by user id.
  // Not owned; may be null.
  const Snapshot* snapshot = nullptr;
};

// One policy/rule pair Okta recorded. Ids that are absent or redacted are
// empty, so an unknown id never compares equal (or unequal) to a computed one:
// compare only when *_id is non-empty.
struct RecordedDecision {
  std::optional<PolicyType> policy_type;  // nullopt = not recorded, not mappable
  bool policy_type_inferred = false;      // from the event's shape, not stated
  std::string policy_id;                  // empty = unknown
  std::string policy_name;
  std::string rule_id;  // empty = unknown
  std::string rule_name;
  // An id was present but a placeholder ("unknown", "1", ...).
  bool redacted = false;
};

struct RecordedOutcome {
  std::string event_type;
  std::string result;  // outcome.result, upper case ("" when absent)
  std::string reason;  // outcome.reason
  // ALLOW / DENY / CHALLENGE of a policy.evaluate_sign_on event; nullopt for
  // the other results and event types (SUCCESS/FAILURE say nothing certain
  // about the policy's action).
  std::optional<Access> access;
  std::vector<RecordedDecision> decisions;
  // The Expression Language conditions Okta recorded with their truth values
  // (debugData.securityConditions), to be checked against the context.
  std::vector<SecurityCondition> security_conditions;
  // debugData.securityConditions was present but could not be parsed (the
  // conversion's notes say why).
  bool security_conditions_unreadable = false;
};

struct LogEventConversion {
  SignOnContext context;
  RecordedOutcome recorded;
  // Group memberships were found for the user (an explicit map or the
  // snapshot). False also when the event has no (known) user.
  bool memberships_found = false;
  // What could not be read, one short sentence each ("country \"Atlantis\" is
  // not in the ISO 3166 table", "actor id is redacted").
  std::vector<std::string> notes;
  // `published` is present but not a timestamp: why, as in `notes`. The
  // context then has no time (time-of-day and session conditions cannot
  // hold), so ContextStream reports it as a warning ("log.published").
  // Empty otherwise.
  std::string time_error;
};

// Maps one sign-on event to a context (see the header comment for where the
// mapping is documented). Meant for events IsSignOnEventType() accepts; other
// events convert too, with whatever fields they carry. Cannot fail.
LogEventConversion ContextFromLogEvent(const LogEvent& event,
                                       const LogConversionOptions& options = {});
// The same into *out, reusing the buffers of the conversion *out held before
// (its strings and vectors are refilled, not reallocated). The result is
// exactly that of the function above.
void ContextFromLogEvent(const LogEvent& event, const LogConversionOptions& options,
                         LogEventConversion* out);

// ---------------------------------------------------------------- many events

// Parses events and converts sign-on events one after another, keeping its
// buffers from one event to the next: simdjson's parser (validating, compiled
// for the CPU it runs on), the views of the fields the conversion reads, and
// the place-name lookups already made. A replay keeps one per worker thread.
// Setting one up costs a few hundred kB; after the first events a call
// allocates next to nothing.
//
// Not thread-safe: one per thread (it is movable, so a vector of them can be
// handed out, one per worker; a moved-from parser may only be assigned to or
// destroyed). Its results do not depend on what it read before: they are
// those of ParseLogEvent() and ContextFromLogEvent(). Never throws (but
// std::bad_alloc).
class LogEventParser {
 public:
  LogEventParser();
  ~LogEventParser();
  LogEventParser(LogEventParser&&) noexcept;
  LogEventParser& operator=(LogEventParser&&) noexcept;

  // ParseLogEvent() into *event, reusing the buffers of the LogEvent it held.
  // Text from LogReader is read in place; other text is copied once. *event is unspecified after an
  // error.
  absl::Status Parse(const RawLogEvent& raw, LogEvent* event);

  // Parses `raw` and, when it is a sign-on event (IsSignOnEventType),
  // converts it into *out, reusing the buffers *out held: exactly
  // ParseLogEvent() then ContextFromLogEvent(), without a LogEvent in between
  // (the fields go from simdjson's tape into the conversion). True when
  // converted; false for a well-formed event of another type (*out is then
  // unspecified); ParseLogEvent()'s error for a malformed one.
  absl::StatusOr<bool> Convert(const RawLogEvent& raw, const LogConversionOptions& options,
                               LogEventConversion* out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// ---------------------------------------------------------------- whole input

// Every event read is exactly one of converted, skipped or malformed.
struct LogTotals {
  uint64_t read = 0;
  uint64_t converted = 0;  // sign-on events turned into contexts
  uint64_t skipped = 0;    // well-formed, not a sign-on event type
  uint64_t malformed = 0;  // not a JSON object (or truncated)
  // Converted events whose user had no memberships (groups conditions will
  // not match them).
  uint64_t without_memberships = 0;
};

using LogContextCallback =
    std::function<void(LogEventConversion&& conversion, const LogEventPosition& position)>;

// Reads `reader` to the end: converts each sign-on event and passes it to
// `on_context`; appends one error issue (code "log.malformed", file = the
// reader's name, message "line 17: ...") per malformed event, and one warning
// (code "log.published", pointer "/published") per event whose `published`
// is not a timestamp, to `issues` (may be null); keeps `totals` (may be null; added to, not reset).
// Returns the reader's error if the input cannot be read to the end; the totals then cover what was
// read.
absl::Status ConvertLogEvents(LogReader& reader, const LogConversionOptions& options,
                              const LogContextCallback& on_context, IssueList* issues,
                              LogTotals* totals);

// ---------------------------------------------------------------- writing

// The context as one line of docs/interfaces.md §2 JSON (no trailing newline),
// so contexts can be written as JSON Lines, edited, and read back with
// ParseContext(). Fields at their defaults are left out; a context without a
// user writes `"user": null`. Never throws.
std::string WriteContextJson(const SignOnContext& context);

}  // namespace verdict

#endif  // VERDICT_SYSTEM_LOG_H_
