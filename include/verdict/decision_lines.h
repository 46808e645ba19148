// What `policy-sim eval --output jsonl` prints for one context, as library
// functions, so every embedding (the C API's verdict_evaluate_json, the
// Python and Lua bindings over it) prints the same lines as the CLI.
#ifndef VERDICT_DECISION_LINES_H_
#define VERDICT_DECISION_LINES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/decision_reasons.h"
#include "verdict/engine.h"
#include "verdict/export.h"
#include "verdict/policy_type.h"

namespace verdict {

// DecisionToJson and DecisionToJsonLine (verdict/decision.h) appended to
// `out`: the same bytes, written straight into the caller's buffer (the two
// are built on these; the one writer of every JSON form of a Decision).
VERDICT_EXPORT void AppendDecisionJson(const Decision& decision, DecisionJsonForm form,
                                       std::string_view context_id, std::string* out);
VERDICT_EXPORT void AppendDecisionJsonLine(std::string_view context_id, const Decision& decision,
                                           std::string* out);

// The policy types evaluated for `context`: its `policyTypes` in their order,
// else `snapshot_types` (Snapshot::Types(): every type the snapshot has, in
// PolicyType order). A view of one of the two; allocates nothing.
VERDICT_EXPORT absl::Span<const PolicyType> TypesToEvaluate(
    const SignOnContext& context, absl::Span<const PolicyType> snapshot_types);

// Whether the combined Identity Engine outcome (Part A §A1.6) accompanies
// this context's decisions, and on which type's line: nullopt when not. It
// does when the context has an app and `types` holds both OKTA_SIGN_ON and
// ACCESS_POLICY — or, with `force` (eval --combined), either of them; it goes
// on the ACCESS_POLICY line when that is printed, else on OKTA_SIGN_ON's.
VERDICT_EXPORT std::optional<PolicyType> CombinedOutcomeLine(const SignOnContext& context,
                                                             absl::Span<const PolicyType> types,
                                                             bool force);

// The combined outcome as eval prints it: {"globalSession": {"policy", "rule",
// "blocked", "outcome"}, "app": {...}, "oktaSessionValid": true|false,
// "outcome": "ALLOW"|"DENY"|"CHALLENGE"|null}; with a valid Okta session in
// `context` the app's outcome alone decides (CombineIdentityEngineOutcome).
VERDICT_EXPORT std::string CombinedOutcomeJson(const SignOnContext& context,
                                               const Decision& global_session, const Decision& app);
// The same, appended to `out`.
VERDICT_EXPORT void AppendCombinedOutcomeJson(const SignOnContext& context,
                                              const Decision& global_session, const Decision& app,
                                              std::string* out);

// DecisionToJsonLine with extra keys after the contract's: `"session": ...`
// and `"combined": ...` (JSON objects; an empty view leaves the key out).
VERDICT_EXPORT std::string DecisionLineWithExtras(std::string_view context_id,
                                                  const Decision& decision,
                                                  std::string_view session_json,
                                                  std::string_view combined_json);
// The same, appended to `out` (no newline): the one writer of eval's lines.
VERDICT_EXPORT void AppendDecisionLineWithExtras(std::string_view context_id,
                                                 const Decision& decision,
                                                 std::string_view session_json,
                                                 std::string_view combined_json, std::string* out);
// The same with `enrollment_keys` (AppendEnrollmentKeys, verdict/enrollment.h:
// members each preceded by ", ") right after the contract's keys.
VERDICT_EXPORT void AppendDecisionLineWithExtras(std::string_view context_id,
                                                 const Decision& decision,
                                                 std::string_view enrollment_keys,
                                                 std::string_view session_json,
                                                 std::string_view combined_json, std::string* out);

// What eval prints after the contract's keys of a decision line. Each is
// JSON text; an empty view leaves its key out.
struct DecisionLineExtras {
  // Members, each preceded by ", " (AppendEnrollmentKeys,
  // verdict/enrollment.h), right after the contract's keys.
  std::string_view enrollment_keys;
  std::string_view session_json;   // "session": {...} (--sessions)
  std::string_view combined_json;  // "combined": {...}
  std::string_view reasons_json;   // "reasons": {...} (AppendDecisionReasonsJson)
};
// The one writer of eval's lines (no newline): the §3 line, then the extras
// in the order above. The AppendDecisionLineWithExtras overloads are this.
VERDICT_EXPORT void AppendDecisionLine(std::string_view context_id, const Decision& decision,
                                       const DecisionLineExtras& extras, std::string* out);

// The compiled engine's reasons for a decision (verdict/decision_reasons.h)
// as JSON, appended to `out` — what `eval --reasons` prints as "reasons":
// {"walked": bool, "passedOver": [{"policy": id, "why": "INACTIVE" |
// "NO_ACTIVE_RULES" | "NOT_APPLICABLE" | "NO_RULE_MATCHED", "condition":
// kind (NOT_APPLICABLE only)}], "rulesBeforeWinner": [{"rule": id, "why":
// "INACTIVE" | "CONDITION_FAILED", "condition": kind (CONDITION_FAILED
// only)}], "winnerConditions": [kind, ...], "truncated": bool}. A kind is
// ConditionKindName's key ("people", "network", "riskScore", ...).
// docs/interfaces.md §3 "reasons" is the contract. Appends without
// allocating once `out` has the room.
VERDICT_EXPORT void AppendDecisionReasonsJson(const DecisionReasons& reasons, std::string* out);

// Appends to `out` every line `policy-sim eval --output jsonl` prints for
// `context` with its default flags (compiled engine, no --types, --sessions,
// --combined or --geoip), each ending in '\n': one §3 line per type of
// TypesToEvaluate, with AppendEnrollmentKeys' keys, the combined outcome
// where CombinedOutcomeLine puts it.
// `snapshot_types` is set.snapshot().Types(), computed once by the caller.
// Thread-safe (the set is shared, `out` is the caller's).
VERDICT_EXPORT void AppendDecisionLines(const CompiledPolicySet& set, const SignOnContext& context,
                                        absl::Span<const PolicyType> snapshot_types,
                                        std::string* out);

}  // namespace verdict

#endif  // VERDICT_DECISION_LINES_H_
