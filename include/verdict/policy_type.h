// The Okta policy types and the small closed vocabularies shared by the model,
// the context and the decision. Parsing is tolerant of the enum drift seen in
// real payloads (case, "Tor"/"TorAnonymizer", "MACOS"/"OSX"); see
// docs/semantics.md.
#ifndef VERDICT_POLICY_TYPE_H_
#define VERDICT_POLICY_TYPE_H_

#include <optional>
#include <string_view>

#include "verdict/export.h"

namespace verdict {

enum class PolicyType {
  kOktaSignOn,                 // OKTA_SIGN_ON (global session policy), rules SIGN_ON
  kPassword,                   // PASSWORD
  kMfaEnroll,                  // MFA_ENROLL (authenticator enrollment)
  kAccessPolicy,               // ACCESS_POLICY (app sign-in policy)
  kIdpDiscovery,               // IDP_DISCOVERY
  kProfileEnrollment,          // PROFILE_ENROLLMENT
  kPostAuthSession,            // POST_AUTH_SESSION
  kEntityRisk,                 // ENTITY_RISK
  kSessionViolationDetection,  // SESSION_VIOLATION_DETECTION
  kDeviceSignalCollection,     // DEVICE_SIGNAL_COLLECTION
  kClientUpdate,               // CLIENT_UPDATE
  kIdentityClaimSourcing,      // IDENTITY_CLAIM_SOURCING
  kOAuthAuthorizationPolicy,   // OAUTH_AUTHORIZATION_POLICY (authorization servers)
  kUserLifecycle,              // USER_LIFECYCLE
};
inline constexpr int kPolicyTypeCount = 14;

// "OKTA_SIGN_ON" etc. Exact, upper case (the API never varies these).
VERDICT_EXPORT std::optional<PolicyType> ParsePolicyType(std::string_view name);
VERDICT_EXPORT std::string_view PolicyTypeName(PolicyType type);
// The rule `type` Okta uses for a policy type ("SIGN_ON" for OKTA_SIGN_ON,
// "RESOURCE_ACCESS" for OAUTH_AUTHORIZATION_POLICY, the policy type otherwise).
VERDICT_EXPORT std::string_view RuleTypeName(PolicyType type);

enum class RiskLevel { kLow, kMedium, kHigh };
// "LOW"/"MEDIUM"/"HIGH", case-insensitive.
VERDICT_EXPORT std::optional<RiskLevel> ParseRiskLevel(std::string_view text);
VERDICT_EXPORT std::string_view RiskLevelName(RiskLevel level);

// How the client IP connects: a Tor exit, another anonymizer, or neither.
enum class ProxyType { kNone, kTor, kAnonymizer };
VERDICT_EXPORT std::string_view ProxyTypeName(ProxyType type);  // "TOR", "ANONYMIZER", "NONE"

}  // namespace verdict

#endif  // VERDICT_POLICY_TYPE_H_
