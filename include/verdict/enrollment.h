// "Can the user satisfy the rule?": the user's enrolled authenticators
// against the winning app sign-in rule's `verificationMethod` (ASSURANCE
// constraints with factorMode, or AUTH_METHOD_CHAIN) and against an
// authenticator enrollment (MFA_ENROLL) policy's `settings.authenticators`.
// The one home of these rules (docs/semantics.md, "Can the user satisfy the
// rule?"); eval, the C API and serve print what they return.
//
// Not part of the evaluation: a Decision says which rule wins whatever the
// user has enrolled (Okta picks the rule first, then asks for factors), so
// both engines stay allocation-free and these run only when a line is
// printed. Every function here allocates and is thread-safe.
#ifndef VERDICT_ENROLLMENT_H_
#define VERDICT_ENROLLMENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/export.h"
#include "verdict/snapshot.h"

namespace verdict {

// The enrollments known for the context's user: the context's
// `authenticators` when given (even empty), else the snapshot's
// users/<user.id>/factors.json; nullptr when neither is known — the reports
// below are then not made (never guessed).
VERDICT_EXPORT const std::vector<std::string>* KnownEnrollments(const Snapshot& snapshot,
                                                                const SignOnContext& context);

// Whether some way to satisfy an app sign-in rule's verificationMethod is
// open to a user with `enrolled` (each "key" or "key:method",
// verdict/authenticators.h; unknown names satisfy nothing).
struct SatisfactionReport {
  bool satisfiable = false;
  // Empty when satisfiable. ASSURANCE: what the constraint object closest to
  // being satisfied (fewest missing; the first of equals) lacks, each a
  // factor class with the possession characteristics it must have
  // ("possession+phishingResistant+deviceBound"), or, when a second factor
  // class is lacking, the classes that could supply it joined by '|'
  // ("possession|inherence"). AUTH_METHOD_CHAIN: the authenticator methods of
  // the first chain's first link the user cannot complete, joined by '|'
  // ("phone_number:sms|okta_verify:push").
  std::vector<std::string> missing;
};

// nullopt when `action` has no verificationMethod, or one of another type
// (ID_PROOFING) or an AUTH_METHOD_CHAIN without chains: nothing to check.
// A verificationMethod without `type` is ASSURANCE; without `factorMode`,
// 2FA (docs/semantics.md).
VERDICT_EXPORT std::optional<SatisfactionReport> CheckAppSignOn(
    const AppSignOnAction& action, absl::Span<const std::string> enrolled);

// An MFA_ENROLL policy's `settings.authenticators` against `enrolled`: the
// REQUIRED authenticators not enrolled and the NOT_ALLOWED ones enrolled
// (keys, in the settings' order). nullopt when the policy has no
// authenticator settings.
struct EnrollmentPolicyReport {
  std::vector<std::string> missing_required;
  std::vector<std::string> enrolled_not_allowed;
};
VERDICT_EXPORT std::optional<EnrollmentPolicyReport> CheckEnrollmentPolicy(
    const Policy& policy, absl::Span<const std::string> enrolled);

// The keys eval adds to `decision`'s line, each preceded by ", " (nothing
// when there is nothing to report): on an ACCESS_POLICY line whose ALLOW
// rule has a checkable verificationMethod, `"satisfiable": true|false,
// "missing": [...]`; on an MFA_ENROLL line with a rule, `"missingRequired":
// [...], "enrolledNotAllowed": [...]` — both only when KnownEnrollments
// knows the user's enrollments.
VERDICT_EXPORT void AppendEnrollmentKeys(const Snapshot& snapshot, const SignOnContext& context,
                                         const Decision& decision, std::string* out);

}  // namespace verdict

#endif  // VERDICT_ENROLLMENT_H_
