// Every kind of condition object a policy or rule carries, and which of them
// the compiled engine answers with its indexes (bitset dimensions). The one
// list both the compiler (which rules need an exact check) and
// ConditionsHold's ConditionScope::kNotIndexed (which conditions that check
// covers) read, so a new condition cannot be indexed in one and forgotten in
// the other.
#ifndef VERDICT_LIB_COMPILE_CONDITION_KINDS_H_
#define VERDICT_LIB_COMPILE_CONDITION_KINDS_H_

#include "verdict/decision_reasons.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

// The kinds are public (verdict/decision_reasons.h names the failed one).
using ::verdict::ConditionKind;
using ::verdict::kConditionKindCount;

// Whether the compiled engine's masks answer this kind of condition.
constexpr bool IsIndexed(ConditionKind kind) {
  switch (kind) {
    case ConditionKind::kPeople:
    case ConditionKind::kNetwork:
    case ConditionKind::kAuthContext:
    case ConditionKind::kRiskBehaviors:
    case ConditionKind::kRiskScore:
    case ConditionKind::kIdentityProvider:
      return true;
    default:
      return false;
  }
}

// Whether `c` carries a condition of this kind.
inline bool Has(const Conditions& c, ConditionKind kind) {
  switch (kind) {
    case ConditionKind::kPeople:
      return c.people.has_value();
    case ConditionKind::kUsers:
      return c.users.has_value();
    case ConditionKind::kGroups:
      return c.groups.has_value();
    case ConditionKind::kNetwork:
      return c.network.has_value();
    case ConditionKind::kAuthContext:
      return c.auth_context.has_value();
    case ConditionKind::kRiskBehaviors:
      return c.risk.has_value();
    case ConditionKind::kRiskScore:
      return c.risk_score.has_value();
    case ConditionKind::kIdentityProvider:
      return c.identity_provider.has_value();
    case ConditionKind::kAuthProvider:
      return c.auth_provider.has_value();
    case ConditionKind::kUserStatus:
      return c.user_status.has_value();
    case ConditionKind::kUserType:
      return c.user_type.has_value();
    case ConditionKind::kApp:
      return c.app.has_value();
    case ConditionKind::kApps:
      return c.apps.has_value();
    case ConditionKind::kPlatform:
      return c.platform.has_value();
    case ConditionKind::kDevice:
      return c.device.has_value();
    case ConditionKind::kContext:
      return c.context.has_value();
    case ConditionKind::kUserIdentifier:
      return c.user_identifier.has_value();
    case ConditionKind::kGrantTypes:
      return c.grant_types.has_value();
    case ConditionKind::kScopes:
      return c.scopes.has_value();
    case ConditionKind::kClients:
      return c.clients.has_value();
    case ConditionKind::kElCondition:
      return c.el_condition.has_value();
    case ConditionKind::kMdmEnrollment:
      return c.mdm_enrollment.has_value();
    case ConditionKind::kEntityRisk:
      return c.entity_risk.has_value() || c.risk_detection_types.has_value();
    case ConditionKind::kUnknownKeys:
      return !c.unknown_keys.empty();
    case ConditionKind::kAppMapping:
      return false;  // a policy's binding, not a condition object
  }
  return false;
}

// Whether `c` carries a condition the masks do not answer (a rule with one
// gets an exact check for it).
inline bool HasUnindexedConditions(const Conditions& c) {
  for (int k = 0; k < kConditionKindCount; ++k) {
    const auto kind = static_cast<ConditionKind>(k);
    if (!IsIndexed(kind) && Has(c, kind)) return true;
  }
  return false;
}

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_CONDITION_KINDS_H_
