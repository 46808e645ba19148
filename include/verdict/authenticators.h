// Okta's authenticators as data: which factor classes each authenticator
// method can satisfy and which possession characteristics it has
// (docs/semantics.md, "Can the user satisfy the rule?", with its sources), and
// how a `GET /api/v1/users/{id}/factors` entry names one. The rules that read
// the table — which assurance constraint an enrollment satisfies — live in
// verdict/enrollment.h; this header only describes authenticators.
#ifndef VERDICT_AUTHENTICATORS_H_
#define VERDICT_AUTHENTICATORS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/types/span.h"
#include "verdict/export.h"

namespace verdict {

// Factor classes (SPEC#AccessPolicyConstraint: knowledge, possession;
// inherence may supply the second class of 2FA). Bits of
// AuthenticatorMethodTraits::classes.
enum FactorClass : uint8_t {
  kKnowledgeClass = 1,
  kPossessionClass = 2,
  kInherenceClass = 4,
};
// "knowledge", "possession", "inherence" (one bit set), else "".
VERDICT_EXPORT std::string_view FactorClassName(uint8_t one_class);

// One method of one authenticator. Characteristics the method *can* have on a
// suitable device (Okta Verify's hardware protection depends on the device's
// secure enclave or TPM) are true: the table answers "can an enrollment of
// this method satisfy the requirement", not "will this device".
struct AuthenticatorMethodTraits {
  std::string_view key;     // authenticator key: okta_verify, phone_number, ...
  std::string_view method;  // method: push, sms, signed_nonce, ...
  // The authenticator type a constraint's `types` names (SPEC
  // AccessPolicyConstraint `types`): PASSWORD, SECURITY_QUESTION, PHONE,
  // EMAIL, APP, SECURITY_KEY, FEDERATED.
  std::string_view type;
  uint8_t classes = 0;  // FactorClass bits
  bool phishing_resistant = false;
  bool hardware_protection = false;
  bool device_bound = false;
  bool user_presence = false;
  bool user_verification = false;
};

// The whole table, grouped by key (each key's methods adjacent), in a fixed
// order. Static storage; never allocates.
VERDICT_EXPORT absl::Span<const AuthenticatorMethodTraits> AuthenticatorMethods();

// The methods of authenticator `key` (exact, lower-case keys), empty for a key
// the table does not know.
VERDICT_EXPORT absl::Span<const AuthenticatorMethodTraits> MethodsOfAuthenticator(
    std::string_view key);

// An enrollment as Verdict writes it: "key" (every method of the
// authenticator) or "key:method" (that method). Splits `enrollment` at its
// first ':'; views into it.
struct EnrollmentName {
  std::string_view key;
  std::string_view method;  // empty: every method of `key`
};
VERDICT_EXPORT EnrollmentName SplitEnrollment(std::string_view enrollment);

// Whether `enrollment` ("key" or "key:method") names a known authenticator
// (and method).
VERDICT_EXPORT bool IsKnownEnrollment(std::string_view enrollment);

// The enrollment ("key:method", static storage) a UserFactor of
// `GET /api/v1/users/{id}/factors` stands for, from its `factorType` and
// `provider` (compared ignoring ASCII case): sms/OKTA → "phone_number:sms",
// push/OKTA → "okta_verify:push", token:software:totp/GOOGLE →
// "google_otp:otp", … (docs/semantics.md). nullopt for a pair the table does
// not know.
VERDICT_EXPORT std::optional<std::string_view> EnrollmentOfFactor(std::string_view factor_type,
                                                                  std::string_view provider);

// The table EnrollmentOfFactor reads, one row per known UserFactor
// `factorType` + `provider` (upper-case provider, Okta's spelling).
struct UserFactorType {
  std::string_view factor_type;
  std::string_view provider;
  std::string_view enrollment;  // "key:method"
};
VERDICT_EXPORT absl::Span<const UserFactorType> UserFactorTypes();

}  // namespace verdict

#endif  // VERDICT_AUTHENTICATORS_H_
