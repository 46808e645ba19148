#include "verdict/policy_type.h"

#include <array>
#include <utility>

#include "absl/strings/match.h"

namespace verdict {
namespace {

struct TypeNames {
  PolicyType type;
  std::string_view policy_name;
  std::string_view rule_name;
};

constexpr std::array<TypeNames, kPolicyTypeCount> kTypeNames = {{
    {PolicyType::kOktaSignOn, "OKTA_SIGN_ON", "SIGN_ON"},
    {PolicyType::kPassword, "PASSWORD", "PASSWORD"},
    {PolicyType::kMfaEnroll, "MFA_ENROLL", "MFA_ENROLL"},
    {PolicyType::kAccessPolicy, "ACCESS_POLICY", "ACCESS_POLICY"},
    {PolicyType::kIdpDiscovery, "IDP_DISCOVERY", "IDP_DISCOVERY"},
    {PolicyType::kProfileEnrollment, "PROFILE_ENROLLMENT", "PROFILE_ENROLLMENT"},
    {PolicyType::kPostAuthSession, "POST_AUTH_SESSION", "POST_AUTH_SESSION"},
    {PolicyType::kEntityRisk, "ENTITY_RISK", "ENTITY_RISK"},
    {PolicyType::kSessionViolationDetection, "SESSION_VIOLATION_DETECTION",
     "SESSION_VIOLATION_DETECTION"},
    {PolicyType::kDeviceSignalCollection, "DEVICE_SIGNAL_COLLECTION", "DEVICE_SIGNAL_COLLECTION"},
    {PolicyType::kClientUpdate, "CLIENT_UPDATE", "CLIENT_UPDATE"},
    {PolicyType::kIdentityClaimSourcing, "IDENTITY_CLAIM_SOURCING", "IDENTITY_CLAIM_SOURCING"},
    {PolicyType::kOAuthAuthorizationPolicy, "OAUTH_AUTHORIZATION_POLICY", "RESOURCE_ACCESS"},
    {PolicyType::kUserLifecycle, "USER_LIFECYCLE", "USER_LIFECYCLE"},
}};

}  // namespace

std::optional<PolicyType> ParsePolicyType(std::string_view name) {
  for (const TypeNames& t : kTypeNames) {
    if (t.policy_name == name) return t.type;
  }
  return std::nullopt;
}

std::string_view PolicyTypeName(PolicyType type) {
  return kTypeNames[static_cast<size_t>(type)].policy_name;
}

std::string_view RuleTypeName(PolicyType type) {
  return kTypeNames[static_cast<size_t>(type)].rule_name;
}

std::optional<RiskLevel> ParseRiskLevel(std::string_view text_std) {
  const absl::string_view text(text_std.data(), text_std.size());
  if (absl::EqualsIgnoreCase(text, "LOW")) return RiskLevel::kLow;
  if (absl::EqualsIgnoreCase(text, "MEDIUM")) return RiskLevel::kMedium;
  if (absl::EqualsIgnoreCase(text, "HIGH")) return RiskLevel::kHigh;
  return std::nullopt;
}

std::string_view RiskLevelName(RiskLevel level) {
  switch (level) {
    case RiskLevel::kLow:
      return "LOW";
    case RiskLevel::kMedium:
      return "MEDIUM";
    case RiskLevel::kHigh:
      return "HIGH";
  }
  return "";
}

std::string_view ProxyTypeName(ProxyType type) {
  switch (type) {
    case ProxyType::kNone:
      return "NONE";
    case ProxyType::kTor:
      return "TOR";
    case ProxyType::kAnonymizer:
      return "ANONYMIZER";
  }
  return "";
}

}  // namespace verdict
