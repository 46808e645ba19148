// The authenticator table of verdict/authenticators.h. Each row's sources
// and the choices made where Okta is silent are in docs/semantics.md ("Can
// the user satisfy the rule?"): the factor classes from Okta's "About MFA
// authenticators" table, device binding ("all possession authenticators
// except for Email and Phone"), phishing resistance (FIDO2 WebAuthn and Okta
// FastPass), hardware protection (WebAuthn, security keys, hardware tokens,
// Okta Verify on a device with a secure enclave or TPM).
#include "verdict/authenticators.h"

#include <array>
#include <optional>
#include <string_view>

#include "absl/strings/match.h"

namespace verdict {
namespace {

constexpr uint8_t K = kKnowledgeClass;
constexpr uint8_t P = kPossessionClass;
constexpr uint8_t I = kInherenceClass;

// {key, method, type, classes, phishingResistant, hardwareProtection,
//  deviceBound, userPresence, userVerification}; each key's rows adjacent.
constexpr std::array<AuthenticatorMethodTraits, 18> kMethods = {{
    {"okta_password", "password", "PASSWORD", K, false, false, false, false, false},
    {"security_question", "security_question", "SECURITY_QUESTION", K, false, false, false, false,
     false},
    {"okta_email", "email", "EMAIL", P, false, false, false, true, false},
    {"phone_number", "sms", "PHONE", P, false, false, false, true, false},
    {"phone_number", "voice", "PHONE", P, false, false, false, true, false},
    {"okta_verify", "push", "APP", P | I, false, true, true, true, true},
    {"okta_verify", "signed_nonce", "APP", P | I, true, true, true, true, true},
    {"okta_verify", "totp", "APP", P, false, false, true, true, false},
    {"google_otp", "otp", "APP", P, false, false, true, true, false},
    {"webauthn", "webauthn", "SECURITY_KEY", P | I, true, true, true, true, true},
    {"yubikey_token", "otp", "SECURITY_KEY", P, false, true, true, true, false},
    {"rsa_token", "otp", "SECURITY_KEY", P, false, true, true, true, false},
    {"symantec_vip", "otp", "APP", P, false, false, true, true, false},
    {"custom_otp", "otp", "APP", P, false, false, true, true, false},
    {"onprem_mfa", "otp", "SECURITY_KEY", P, false, false, true, true, false},
    {"duo", "duo", "APP", P, false, false, true, true, false},
    {"smart_card_idp", "cert", "SECURITY_KEY", P, true, true, true, true, true},
    {"external_idp", "idp", "FEDERATED", P, false, false, false, true, false},
}};

// UserFactor `factorType` + `provider` (SPEC#UserFactor) → enrollment.
constexpr std::array<UserFactorType, 16> kFactors = {{
    {"password", "OKTA", "okta_password:password"},
    {"question", "OKTA", "security_question:security_question"},
    {"email", "OKTA", "okta_email:email"},
    {"sms", "OKTA", "phone_number:sms"},
    {"call", "OKTA", "phone_number:voice"},
    {"push", "OKTA", "okta_verify:push"},
    {"signed_nonce", "OKTA", "okta_verify:signed_nonce"},
    {"token:software:totp", "OKTA", "okta_verify:totp"},
    {"token:software:totp", "GOOGLE", "google_otp:otp"},
    {"webauthn", "FIDO", "webauthn:webauthn"},
    {"u2f", "FIDO", "webauthn:webauthn"},
    {"token:hardware", "YUBICO", "yubikey_token:otp"},
    {"token", "RSA", "rsa_token:otp"},
    {"token", "SYMANTEC", "symantec_vip:otp"},
    {"token:hotp", "CUSTOM", "custom_otp:otp"},
    {"web", "DUO", "duo:duo"},
}};

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

std::string_view FactorClassName(uint8_t one_class) {
  switch (one_class) {
    case kKnowledgeClass:
      return "knowledge";
    case kPossessionClass:
      return "possession";
    case kInherenceClass:
      return "inherence";
    default:
      return "";
  }
}

absl::Span<const AuthenticatorMethodTraits> AuthenticatorMethods() {
  return absl::MakeConstSpan(kMethods);
}

absl::Span<const AuthenticatorMethodTraits> MethodsOfAuthenticator(std::string_view key) {
  size_t begin = 0;
  while (begin < kMethods.size() && kMethods[begin].key != key) ++begin;
  size_t end = begin;
  while (end < kMethods.size() && kMethods[end].key == key) ++end;
  return absl::MakeConstSpan(kMethods.data() + begin, end - begin);
}

EnrollmentName SplitEnrollment(std::string_view enrollment) {
  const size_t colon = enrollment.find(':');
  if (colon == std::string_view::npos) return {enrollment, {}};
  return {enrollment.substr(0, colon), enrollment.substr(colon + 1)};
}

bool IsKnownEnrollment(std::string_view enrollment) {
  const EnrollmentName name = SplitEnrollment(enrollment);
  const absl::Span<const AuthenticatorMethodTraits> methods = MethodsOfAuthenticator(name.key);
  if (methods.empty()) return false;
  if (name.method.empty()) return enrollment.find(':') == std::string_view::npos;
  for (const AuthenticatorMethodTraits& m : methods) {
    if (m.method == name.method) return true;
  }
  return false;
}

absl::Span<const UserFactorType> UserFactorTypes() { return absl::MakeConstSpan(kFactors); }

std::optional<std::string_view> EnrollmentOfFactor(std::string_view factor_type,
                                                   std::string_view provider) {
  for (const UserFactorType& row : kFactors) {
    if (absl::EqualsIgnoreCase(Av(row.factor_type), Av(factor_type)) &&
        absl::EqualsIgnoreCase(Av(row.provider), Av(provider))) {
      return row.enrollment;
    }
  }
  return std::nullopt;
}

}  // namespace verdict
