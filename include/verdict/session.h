// Tool header: in verdict::core, but for reports (policy-sim --sessions), not
// for a gateway's decision path; its API may change within a major version.
//
// The Okta session a global-session (OKTA_SIGN_ON) decision creates or
// refreshes, shaped like the Sessions API's Session object, and the combined
// Identity Engine outcome of the global session and app sign-in decisions.
#ifndef VERDICT_SESSION_H_
#define VERDICT_SESSION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "verdict/context.h"
#include "verdict/decision.h"

namespace verdict {

// Okta's defaults when a rule does not say (SPEC#OktaSignOnPolicyRuleSignonSessionActions).
inline constexpr int64_t kDefaultMaxSessionIdleMinutes = 120;
inline constexpr int64_t kDefaultMaxSessionLifetimeMinutes = 0;  // 0 = no lifetime limit

struct SessionReport {
  // False when no session results (blocked, denied, no rule, not OKTA_SIGN_ON,
  // or no `time` in the context); `reason` says which.
  bool applies = false;
  std::string reason;
  // The context carried a session and it is still within its idle and
  // lifetime limits at `time`: it is refreshed rather than replaced.
  bool existing_session_present = false;
  bool existing_session_valid = false;
  // A factor must be (re-)verified on this sign-in (Part A §A3 "factor due").
  bool factor_due = false;
  std::string status;  // "ACTIVE" | "MFA_REQUIRED" (Sessions API SessionStatus)
  absl::Time created_at;
  absl::Time expires_at;
  std::optional<absl::Time> last_factor_verification;
  bool mfa_active = false;
  // `signon.primaryFactor` as the rule gives it ("" when absent), and whether
  // a password must be used to establish the session: PASSWORD_IDP yes;
  // PASSWORD_IDP_ANY_FACTOR no (any factor the app sign-in policy requires);
  // absent yes (docs/semantics.md, session report).
  std::string primary_factor;
  bool password_required = true;
  // `signon.session.usePersistentCookie` as the rule gives it (Okta's default
  // false), and the cookie the user gets: never persistent for an Okta
  // administrator (context `user.admin`).
  bool use_persistent_cookie = false;
  bool persistent_cookie = false;
  int64_t max_idle_minutes = kDefaultMaxSessionIdleMinutes;
  int64_t max_lifetime_minutes = kDefaultMaxSessionLifetimeMinutes;
  std::vector<std::string> amr;
};

// Computes the session for `decision` (must be an OKTA_SIGN_ON decision of
// `context`). Pure; never fails.
SessionReport ComputeSession(const SignOnContext& context, const Decision& decision);

// The report as a JSON object in the Session object's field names
// (status, createdAt, expiresAt, lastFactorVerification, mfaActive, amr,
// userId, login) plus Verdict's own: existingSessionValid, factorDue,
// persistentCookie, usePersistentCookie, primaryFactor, passwordRequired,
// maxIdleMinutes, maxLifetimeMinutes; {"applies": false,
// "reason": ...} when no session results.
std::string SessionToJson(const SignOnContext& context, const SessionReport& session);

// Whether the context carries an Okta session still valid at its `time`:
// `session.createdAt` at or before `time`, idle (since `lastActivity`, else
// `createdAt`) and lifetime within the limits of the global session rule
// `global_session` matched (Okta's defaults without one) — the judgement
// ComputeSession reports as `existingSessionValid`. False without `time` or
// `session.createdAt`. docs/semantics.md "Combined Identity Engine outcome".
bool OktaSessionValid(const SignOnContext& context, const Decision& global_session);

// Part A §A1.6: without a valid Okta session, Identity Engine evaluates both
// the global session policy and the app's sign-in policy; the combined
// outcome is DENY if either denies, else CHALLENGE if the global session
// challenges, else ALLOW (the app's verification requirement travels in its
// actions). With a valid Okta session (issue 18 item 4) the global session
// policy is not evaluated and the app's outcome alone decides. kNone when a
// side that decides has no decision.
Outcome CombineIdentityEngineOutcome(const Decision& global_session, const Decision& app,
                                     bool okta_session_valid);
// The same, the session's validity judged by OktaSessionValid(context, ...).
Outcome CombineIdentityEngineOutcome(const SignOnContext& context, const Decision& global_session,
                                     const Decision& app);
// The same without a valid Okta session.
Outcome CombineIdentityEngineOutcome(const Decision& global_session, const Decision& app);

}  // namespace verdict

#endif  // VERDICT_SESSION_H_
