// Why a compiled decision came out as it did, without the reference
// evaluator: the policies passed over and why, the rules of the winning
// policy tried before the winner and the first condition each failed, and
// the conditions the winner carries. CompiledPolicySet::Evaluate fills it on
// request into a buffer the caller owns and reuses, so that a gateway can
// log reasons with every decision without allocating.
//
// The content is that of the reference evaluator's Trace for the same items
// (tests/eval/decision_reasons_test.cc holds them equal on random orgs),
// reduced to what needs no string: a condition is named by its kind, not
// by the verdict text the Trace carries for people.
#ifndef VERDICT_DECISION_REASONS_H_
#define VERDICT_DECISION_REASONS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "verdict/export.h"
#include "verdict/snapshot.h"

namespace verdict {

// Every kind of condition object a policy or rule carries, in the order
// ConditionsHold checks them (the order of a Trace's verdicts), then the two
// checks of a policy's selection that are no condition object of their own.
enum class ConditionKind : uint8_t {
  kPeople,
  kUsers,
  kGroups,
  kNetwork,
  kAuthContext,
  kRiskBehaviors,
  kRiskScore,
  kIdentityProvider,
  kAuthProvider,
  kUserStatus,
  kUserType,
  kApp,
  kApps,
  kPlatform,
  kDevice,
  kContext,
  kUserIdentifier,
  kGrantTypes,
  kScopes,
  kClients,
  kElCondition,
  kMdmEnrollment,
  kEntityRisk,  // entityRisk and riskDetectionTypes
  // Not condition objects: a condition key Verdict does not know (the set
  // never holds), and an ACCESS_POLICY not bound to the context's app.
  kUnknownKeys,
  kAppMapping,
};

// The condition objects proper (kPeople .. kEntityRisk).
inline constexpr int kConditionKindCount = static_cast<int>(ConditionKind::kEntityRisk) + 1;

// The JSON key of the kind as Okta's payloads spell it ("people",
// "authContext", "riskScore", ...), the first component of the Trace's
// verdict names; "unknown" and "app.mapping" for the last two.
VERDICT_EXPORT std::string_view ConditionKindName(ConditionKind kind);

// Why a policy of the type was passed over.
enum class PassOver : uint8_t {
  kInactive,       // status INACTIVE
  kNoActiveRules,  // no ACTIVE rule
  kNotApplicable,  // its selection or own conditions failed: `condition` says which
  kNoRuleMatched,  // it applied, but none of its rules matched
};

struct PassedOverPolicy {
  const Policy* policy = nullptr;
  PassOver why = PassOver::kInactive;
  ConditionKind condition = ConditionKind::kPeople;  // meaningful for kNotApplicable
};

// A rule of the winning policy tried before the winner.
struct FailedRule {
  const Rule* rule = nullptr;
  bool inactive = false;                             // skipped, not evaluated
  ConditionKind condition = ConditionKind::kPeople;  // the first that failed, unless inactive
};

// The caller-owned buffer. Construct it once (that reserves the
// capacities) and pass it to every Evaluate that should explain itself:
// Evaluate clears it and appends up to the capacities without allocating;
// an item beyond them is dropped and sets `truncated`. Not thread-safe: one
// buffer per thread.
struct DecisionReasons {
  // Capacities: items kept per decision. A policy type with more policies
  // before its winner (or rules before the winner in its policy) than this
  // sets `truncated`.
  explicit DecisionReasons(size_t policy_capacity = 64, size_t rule_capacity = 256) {
    passed_over.reserve(policy_capacity);
    rules_before_winner.reserve(rule_capacity);
  }

  // False when the decision walked no policy: blocked, no app for
  // ACCESS_POLICY, or a type that does not cover the user.
  bool walked = false;
  bool truncated = false;
  // The policies of the type before the winning one, in evaluation order
  // (all of them when no rule won).
  std::vector<PassedOverPolicy> passed_over;
  // The winning policy's rules before the winner, in order.
  std::vector<FailedRule> rules_before_winner;
  // The winner's condition objects, in check order (all held). A `device`
  // or `context` object that sets no flag is listed too, though it
  // constrains nothing and the Trace shows no verdict for it.
  std::array<ConditionKind, kConditionKindCount> winner_conditions{};
  int winner_condition_count = 0;

  void Clear() {
    walked = false;
    truncated = false;
    passed_over.clear();
    rules_before_winner.clear();
    winner_condition_count = 0;
  }
};

// A buffer whose capacities hold every item of any decision of `snapshot`:
// its most policies of one type, its most rules in one policy. For tools that
// must never see `truncated` (eval --reasons, replay, the simulation); a
// gateway that logs reasons may prefer fixed, smaller capacities.
VERDICT_EXPORT DecisionReasons ReasonsBufferFor(const Snapshot& snapshot);

}  // namespace verdict

#endif  // VERDICT_DECISION_REASONS_H_
