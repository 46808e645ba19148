#include "lib/compile/condition_kinds.h"

#include <string_view>

#include "verdict/decision_reasons.h"

namespace verdict {

std::string_view ConditionKindName(ConditionKind kind) {
  switch (kind) {
    case ConditionKind::kPeople:
      return "people";
    case ConditionKind::kUsers:
      return "users";
    case ConditionKind::kGroups:
      return "groups";
    case ConditionKind::kNetwork:
      return "network";
    case ConditionKind::kAuthContext:
      return "authContext";
    case ConditionKind::kRiskBehaviors:
      return "risk";
    case ConditionKind::kRiskScore:
      return "riskScore";
    case ConditionKind::kIdentityProvider:
      return "identityProvider";
    case ConditionKind::kAuthProvider:
      return "authProvider";
    case ConditionKind::kUserStatus:
      return "userStatus";
    case ConditionKind::kUserType:
      return "userType";
    case ConditionKind::kApp:
      return "app";
    case ConditionKind::kApps:
      return "apps";
    case ConditionKind::kPlatform:
      return "platform";
    case ConditionKind::kDevice:
      return "device";
    case ConditionKind::kContext:
      return "context";
    case ConditionKind::kUserIdentifier:
      return "userIdentifier";
    case ConditionKind::kGrantTypes:
      return "grantTypes";
    case ConditionKind::kScopes:
      return "scopes";
    case ConditionKind::kClients:
      return "clients";
    case ConditionKind::kElCondition:
      return "elCondition";
    case ConditionKind::kMdmEnrollment:
      return "mdmEnrollment";
    case ConditionKind::kEntityRisk:
      return "entityRisk";
    case ConditionKind::kUnknownKeys:
      return "unknown";
    case ConditionKind::kAppMapping:
      return "app.mapping";
  }
  return "";
}

}  // namespace verdict
