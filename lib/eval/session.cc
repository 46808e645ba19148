#include "verdict/session.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/eval/conditions.h"
#include "nlohmann/json.hpp"

namespace verdict {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

// The one judgement of an existing session's validity (*chosen*: idle is
// measured from lastActivity, else createdAt; a lifetime of 0 is no limit).
bool SessionWithinLimits(const SignOnContext& ctx, absl::Time now, int64_t max_idle_minutes,
                         int64_t max_lifetime_minutes) {
  if (!ctx.session.created_at.has_value()) return false;
  const absl::Time created = *ctx.session.created_at;
  const absl::Time last_seen = ctx.session.last_activity.value_or(created);
  const bool idle_ok = now - last_seen <= absl::Minutes(max_idle_minutes);
  const bool lifetime_ok =
      max_lifetime_minutes <= 0 || now - created <= absl::Minutes(max_lifetime_minutes);
  return idle_ok && lifetime_ok && created <= now;
}

}  // namespace

SessionReport ComputeSession(const SignOnContext& ctx, const Decision& decision) {
  SessionReport r;
  if (decision.type != PolicyType::kOktaSignOn) {
    r.reason = "sessions come from OKTA_SIGN_ON decisions only";
    return r;
  }
  if (decision.blocked) {
    r.reason = "request blocked: no session";
    return r;
  }
  if (decision.rule == nullptr || !decision.rule->signon.has_value()) {
    r.reason = "no global session rule matched: no session";
    return r;
  }
  if (decision.outcome == Outcome::kDeny) {
    r.reason = "access denied: no session";
    return r;
  }
  if (!ctx.time.has_value()) {
    r.reason = "the context has no time: session times cannot be computed";
    return r;
  }
  const SignOnAction& s = *decision.rule->signon;
  const absl::Time now = *ctx.time;
  r.applies = true;
  r.max_idle_minutes = s.max_session_idle_minutes.value_or(kDefaultMaxSessionIdleMinutes);
  r.max_lifetime_minutes =
      s.max_session_lifetime_minutes.value_or(kDefaultMaxSessionLifetimeMinutes);
  // OLDPOLICY "Signon Session object": usePersistentCookie "doesn't impact Okta
  // Administrator users who can *never* have persistent session cookies".
  r.use_persistent_cookie = s.use_persistent_cookie.value_or(false);
  r.persistent_cookie = r.use_persistent_cookie && !ctx.user.admin;
  // OLDPOLICY "Signon Action object": PASSWORD_IDP "users must always use a
  // password to establish a session", PASSWORD_IDP_ANY_FACTOR "users can use
  // any factor required by the app authentication policy". Without the field
  // (Classic Engine rules) the password is the primary factor (*chosen*).
  r.primary_factor = s.primary_factor;
  r.password_required = !absl::EqualsIgnoreCase(s.primary_factor, "PASSWORD_IDP_ANY_FACTOR");
  r.amr = ctx.session.amr;

  // An existing session survives while within both limits.
  r.existing_session_present = ctx.session.created_at.has_value();
  r.existing_session_valid =
      SessionWithinLimits(ctx, now, r.max_idle_minutes, r.max_lifetime_minutes);
  r.created_at = r.existing_session_valid ? *ctx.session.created_at : now;
  r.expires_at = now + absl::Minutes(r.max_idle_minutes);
  if (r.max_lifetime_minutes > 0) {
    r.expires_at = std::min(r.expires_at, r.created_at + absl::Minutes(r.max_lifetime_minutes));
  }
  // Part A §A3's "factor due" (ctx.time is `now`).
  r.factor_due = internal::FactorDue(s, ctx, nullptr);
  if (r.factor_due) {
    r.status = "MFA_REQUIRED";
    r.mfa_active = false;
  } else {
    r.status = "ACTIVE";
    r.last_factor_verification = ctx.session.last_factor_verification;
    r.mfa_active = s.require_factor;
  }
  return r;
}

std::string SessionToJson(const SignOnContext& ctx, const SessionReport& r) {
  nlohmann::ordered_json j;
  if (!r.applies) {
    j["applies"] = false;
    j["reason"] = r.reason;
    return j.dump();
  }
  j["status"] = r.status;
  j["userId"] = ctx.user.id;
  j["login"] = ctx.user.login;
  j["createdAt"] = Rfc3339(r.created_at);
  j["expiresAt"] = Rfc3339(r.expires_at);
  j["lastFactorVerification"] = r.last_factor_verification
                                    ? nlohmann::ordered_json(Rfc3339(*r.last_factor_verification))
                                    : nlohmann::ordered_json(nullptr);
  j["mfaActive"] = r.mfa_active;
  j["amr"] = r.amr;
  j["existingSessionValid"] = r.existing_session_valid;
  j["factorDue"] = r.factor_due;
  j["persistentCookie"] = r.persistent_cookie;
  j["usePersistentCookie"] = r.use_persistent_cookie;
  j["primaryFactor"] = r.primary_factor.empty() ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(r.primary_factor);
  j["passwordRequired"] = r.password_required;
  j["maxIdleMinutes"] = r.max_idle_minutes;
  j["maxLifetimeMinutes"] = r.max_lifetime_minutes;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool OktaSessionValid(const SignOnContext& ctx, const Decision& global_session) {
  if (!ctx.time.has_value()) return false;
  int64_t max_idle = kDefaultMaxSessionIdleMinutes;
  int64_t max_lifetime = kDefaultMaxSessionLifetimeMinutes;
  if (global_session.rule != nullptr && global_session.rule->signon.has_value()) {
    const SignOnAction& s = *global_session.rule->signon;
    max_idle = s.max_session_idle_minutes.value_or(kDefaultMaxSessionIdleMinutes);
    max_lifetime = s.max_session_lifetime_minutes.value_or(kDefaultMaxSessionLifetimeMinutes);
  }
  return SessionWithinLimits(ctx, *ctx.time, max_idle, max_lifetime);
}

Outcome CombineIdentityEngineOutcome(const Decision& global_session, const Decision& app,
                                     bool okta_session_valid) {
  // A valid Okta session: the global session policy is not evaluated (GSP
  // changes reach only new sessions, GSPGUIDE); a blocked request is DENY on
  // the app's line too.
  if (okta_session_valid) return app.outcome;
  if (global_session.outcome == Outcome::kNone || app.outcome == Outcome::kNone) {
    return Outcome::kNone;
  }
  if (global_session.outcome == Outcome::kDeny || app.outcome == Outcome::kDeny) {
    return Outcome::kDeny;
  }
  if (global_session.outcome == Outcome::kChallenge || app.outcome == Outcome::kChallenge) {
    return Outcome::kChallenge;
  }
  return Outcome::kAllow;
}

Outcome CombineIdentityEngineOutcome(const SignOnContext& ctx, const Decision& global_session,
                                     const Decision& app) {
  return CombineIdentityEngineOutcome(global_session, app, OktaSessionValid(ctx, global_session));
}

Outcome CombineIdentityEngineOutcome(const Decision& global_session, const Decision& app) {
  return CombineIdentityEngineOutcome(global_session, app, false);
}

}  // namespace verdict
