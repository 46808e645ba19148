// The answer to "which policy and rule win for this context": a Decision, and
// optionally a Trace that says why, condition by condition.
//
// A Decision holds pointers into the Snapshot it was evaluated against; it is
// valid for as long as that snapshot (or the compiled set owning it) lives.
// Producing a Decision never allocates; producing a Trace does.
#ifndef VERDICT_DECISION_H_
#define VERDICT_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verdict/context.h"
#include "verdict/export.h"
#include "verdict/snapshot.h"

namespace verdict {

enum class Outcome { kNone, kAllow, kDeny, kChallenge };
VERDICT_EXPORT std::string_view OutcomeName(Outcome outcome);  // "ALLOW", "DENY", "CHALLENGE", ""

// True for the types whose decision carries an access outcome (Part A §A3).
VERDICT_EXPORT bool TypeHasOutcome(PolicyType type);

struct Decision {
  PolicyType type = PolicyType::kOktaSignOn;
  // Blocked by an ACTIVE BLOCKLIST zone before any policy (Part A §A2).
  bool blocked = false;
  const NetworkZone* blocking_zone = nullptr;
  const Policy* policy = nullptr;  // null: no applicable policy / no rule matched
  const Rule* rule = nullptr;
  // ALLOW/DENY/CHALLENGE for OKTA_SIGN_ON and ACCESS_POLICY (and DENY for
  // blocked contexts of every type); kNone otherwise.
  Outcome outcome = Outcome::kNone;
  // IDP_DISCOVERY routing (docs/semantics.md). `idpSelectionType: DYNAMIC`:
  // the IdP of the snapshot's idps.json the matchCriteria chose (an
  // IdentityProvider of Snapshot::idps), or none. A SPECIFIC rule with a
  // userIdentifier condition and an OKTA provider: that provider (into
  // rule->idp->providers) — Okta handles the sign-in exclusively. Otherwise
  // none. `idp_fallback_to_okta`: an IdP was chosen and shouldFallBackToOkta
  // lets Okta take over if authentication with it fails.
  const IdpProvider* idp_provider = nullptr;
  bool idp_fallback_to_okta = false;

  // The winning rule's actions, typed where a gateway acts on them. Each
  // reads the rule of this decision; without one (blocked, no policy, no
  // rule) they give the unset value — `outcome` is the verdict itself.

  // `signon.access` (OKTA_SIGN_ON) or `appSignOn.access` (ACCESS_POLICY).
  Access access() const {
    if (rule == nullptr) return Access::kUnset;
    if (rule->signon) return rule->signon->access;
    if (rule->app_sign_on) return rule->app_sign_on->access;
    return Access::kUnset;
  }
  // `signon.requireFactor`, `factorPromptMode`, `factorLifetime` (minutes).
  bool require_factor() const { return signon() != nullptr && signon()->require_factor; }
  FactorPromptMode factor_prompt_mode() const {
    return signon() != nullptr ? signon()->factor_prompt_mode : FactorPromptMode::kUnset;
  }
  std::optional<int64_t> factor_lifetime_minutes() const {
    return signon() != nullptr ? signon()->factor_lifetime_minutes : std::nullopt;
  }
  // `signon.session.maxSessionIdleMinutes` / `maxSessionLifetimeMinutes`
  // as the rule gives them (docs/semantics.md for Okta's defaults).
  std::optional<int64_t> max_session_idle_minutes() const {
    return signon() != nullptr ? signon()->max_session_idle_minutes : std::nullopt;
  }
  std::optional<int64_t> max_session_lifetime_minutes() const {
    return signon() != nullptr ? signon()->max_session_lifetime_minutes : std::nullopt;
  }
  // The typed actions themselves (null when the rule has none of that kind).
  const SignOnAction* signon() const {
    return rule != nullptr && rule->signon ? &*rule->signon : nullptr;
  }
  const AppSignOnAction* app_sign_on() const {
    return rule != nullptr && rule->app_sign_on ? &*rule->app_sign_on : nullptr;
  }
  // The rule's `actions` object exactly as received; "" without a rule.
  std::string_view actions_json() const {
    return rule != nullptr ? std::string_view(rule->actions_json) : std::string_view();
  }

  friend bool operator==(const Decision& a, const Decision& b) {
    return a.type == b.type && a.blocked == b.blocked && a.blocking_zone == b.blocking_zone &&
           a.policy == b.policy && a.rule == b.rule && a.outcome == b.outcome &&
           a.idp_provider == b.idp_provider && a.idp_fallback_to_okta == b.idp_fallback_to_okta;
  }
};

// One condition's verdict: `condition` is the dotted path Okta's simulation API
// uses ("people.groups.include", "network.include"); `detail` is the value
// that decided it, for people reading a trace.
struct ConditionVerdict {
  std::string condition;
  bool matched = false;
  std::string detail;
};

struct RuleTrace {
  const Rule* rule = nullptr;
  bool evaluated = false;  // false: skipped (inactive) — see `note`
  bool matched = false;
  std::string note;
  std::vector<ConditionVerdict> conditions;
};

struct PolicyTrace {
  const Policy* policy = nullptr;
  bool evaluated = false;  // false: skipped (inactive, no active rules) — see `note`
  bool applies = false;    // policy-level conditions held
  std::string note;
  std::vector<ConditionVerdict> conditions;
  std::vector<RuleTrace> rules;
};

struct Trace {
  std::vector<std::string> notes;  // blocklist check, client IP, context facts
  std::vector<PolicyTrace> policies;
};

// The JSON forms of a Decision, all written by DecisionToJson (strings
// escaped alike; invalid UTF-8 replaced, never an error).
enum class DecisionJsonForm {
  // One `policy-sim eval --output jsonl` line (docs/interfaces.md §3):
  // {"id": ..., "policyType": ..., "blocked": ..., "policy": {"id", "name"}
  // | null, "rule": ... | null, "outcome"?, "actions"?, "idpProvider"?};
  // `actions` is the winning rule's actions verbatim.
  kEvalLine,
  // The summary reports that compare decisions print (policy-sim diff,
  // replay), compact: {"blocked":false,"blockingZone"?:id,"outcome":"ALLOW"
  // |null,"policy":id|null,"policyName"?:..,"rule":id|null,"ruleName"?:..}.
  kSummary,
  // The ids alone (eval's combined outcome): {"policy": id|null, "rule":
  // id|null, "blocked": false, "outcome": "ALLOW"|null}.
  kIds,
};

// `decision` in `form`, without a trailing newline. `context_id` is the
// "id" of kEvalLine (unused by the other forms).
VERDICT_EXPORT std::string DecisionToJson(const Decision& decision, DecisionJsonForm form,
                                          std::string_view context_id = {});

// DecisionToJson(decision, DecisionJsonForm::kEvalLine, context_id).
VERDICT_EXPORT std::string DecisionToJsonLine(std::string_view context_id,
                                              const Decision& decision);

// A human-readable multi-line rendering of a trace, for --explain.
VERDICT_EXPORT std::string TraceToText(const Trace& trace);

}  // namespace verdict

#endif  // VERDICT_DECISION_H_
