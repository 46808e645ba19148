#include "verdict/session.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/model_builder.h"

namespace verdict {
namespace {

using ::verdict::testing::MakeRule;
using ::verdict::testing::Signon;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    policy_.id = "00pGsp";
    policy_.type = PolicyType::kOktaSignOn;
    ctx_.user.id = "00uAnn";
    ctx_.time = kNow;
  }
  SessionReport Compute(SignOnAction action, Outcome outcome = Outcome::kAllow) {
    rule_ = MakeRule("0prGsp", 1, {}, action);
    Decision d;
    d.type = PolicyType::kOktaSignOn;
    d.policy = &policy_;
    d.rule = &rule_;
    d.outcome = outcome;
    return ComputeSession(ctx_, d);
  }
  Policy policy_;
  Rule rule_;
  SignOnContext ctx_;
};

TEST_F(SessionTest, NewSessionExpiresAfterIdleDefault) {
  const SessionReport r = Compute(Signon(Access::kAllow));
  ASSERT_TRUE(r.applies);
  EXPECT_EQ(r.status, "ACTIVE");
  EXPECT_EQ(r.created_at, kNow);
  EXPECT_EQ(r.expires_at, kNow + absl::Minutes(kDefaultMaxSessionIdleMinutes));
  EXPECT_FALSE(r.existing_session_present);
  EXPECT_FALSE(r.mfa_active);
}

TEST_F(SessionTest, LifetimeCapsExpiry) {
  SignOnAction a = Signon(Access::kAllow);
  a.max_session_idle_minutes = 120;
  a.max_session_lifetime_minutes = 30;
  const SessionReport r = Compute(a);
  EXPECT_EQ(r.expires_at, kNow + absl::Minutes(30));
}

TEST_F(SessionTest, ExistingSessionWithinLimitsIsRefreshed) {
  SignOnAction a = Signon(Access::kAllow);
  a.max_session_idle_minutes = 60;
  a.max_session_lifetime_minutes = 480;
  ctx_.session.created_at = kNow - absl::Hours(3);
  ctx_.session.last_activity = kNow - absl::Minutes(59);
  SessionReport r = Compute(a);
  EXPECT_TRUE(r.existing_session_valid);
  EXPECT_EQ(r.created_at, kNow - absl::Hours(3));
  EXPECT_EQ(r.expires_at, kNow + absl::Minutes(60));
  // Past the idle limit: a new session.
  ctx_.session.last_activity = kNow - absl::Minutes(61);
  r = Compute(a);
  EXPECT_FALSE(r.existing_session_valid);
  EXPECT_EQ(r.created_at, kNow);
  // Past the lifetime: a new session even though recently active.
  ctx_.session.last_activity = kNow - absl::Minutes(1);
  ctx_.session.created_at = kNow - absl::Hours(9);
  r = Compute(a);
  EXPECT_FALSE(r.existing_session_valid);
}

TEST_F(SessionTest, SessionFactorModeReverifiesAfterFactorLifetime) {
  const SignOnAction a = Signon(Access::kAllow, true, FactorPromptMode::kSession, 15);
  ctx_.session.created_at = kNow - absl::Minutes(30);
  ctx_.session.last_factor_verification = kNow - absl::Minutes(10);
  SessionReport r = Compute(a);
  EXPECT_FALSE(r.factor_due);
  EXPECT_EQ(r.status, "ACTIVE");
  EXPECT_TRUE(r.mfa_active);
  ASSERT_TRUE(r.last_factor_verification.has_value());
  ctx_.session.last_factor_verification = kNow - absl::Minutes(16);
  r = Compute(a, Outcome::kChallenge);
  EXPECT_TRUE(r.factor_due);
  EXPECT_EQ(r.status, "MFA_REQUIRED");
  EXPECT_FALSE(r.mfa_active);
}

TEST_F(SessionTest, DeniedBlockedOrTimelessGivesNoSession) {
  EXPECT_FALSE(Compute(Signon(Access::kDeny), Outcome::kDeny).applies);
  ctx_.time.reset();
  const SessionReport r = Compute(Signon(Access::kAllow));
  EXPECT_FALSE(r.applies);
  EXPECT_NE(r.reason.find("time"), std::string::npos);
}

TEST_F(SessionTest, JsonUsesSessionObjectNames) {
  SignOnAction a = Signon(Access::kAllow);
  a.use_persistent_cookie = true;
  const std::string json = SessionToJson(ctx_, Compute(a));
  EXPECT_NE(json.find("\"status\":\"ACTIVE\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"expiresAt\":\"2027-01-15T10:00:00.000Z\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"persistentCookie\":true"), std::string::npos) << json;
}

// OLDPOLICY "Signon Session object": usePersistentCookie "doesn't impact Okta
// Administrator users who can *never* have persistent session cookies".
TEST_F(SessionTest, AdministratorsNeverGetAPersistentCookie) {
  SignOnAction a = Signon(Access::kAllow);
  a.use_persistent_cookie = true;
  SessionReport r = Compute(a);
  EXPECT_TRUE(r.use_persistent_cookie);
  EXPECT_TRUE(r.persistent_cookie);
  ctx_.user.admin = true;
  r = Compute(a);
  EXPECT_TRUE(r.use_persistent_cookie);
  EXPECT_FALSE(r.persistent_cookie);
  const std::string json = SessionToJson(ctx_, r);
  EXPECT_NE(json.find("\"persistentCookie\":false,\"usePersistentCookie\":true"), std::string::npos)
      << json;
  a.use_persistent_cookie.reset();  // Okta's default: false
  ctx_.user.admin = false;
  EXPECT_FALSE(Compute(a).persistent_cookie);
}

// OLDPOLICY "Signon Action object": PASSWORD_IDP "users must always use a
// password to establish a session"; PASSWORD_IDP_ANY_FACTOR "users can use any
// factor required by the app authentication policy".
TEST_F(SessionTest, PrimaryFactorSaysWhetherAPasswordIsRequired) {
  SignOnAction a = Signon(Access::kAllow);
  a.primary_factor = "PASSWORD_IDP";
  SessionReport r = Compute(a);
  EXPECT_EQ(r.primary_factor, "PASSWORD_IDP");
  EXPECT_TRUE(r.password_required);
  a.primary_factor = "PASSWORD_IDP_ANY_FACTOR";
  r = Compute(a);
  EXPECT_FALSE(r.password_required);
  std::string json = SessionToJson(ctx_, r);
  EXPECT_NE(json.find("\"primaryFactor\":\"PASSWORD_IDP_ANY_FACTOR\",\"passwordRequired\":false"),
            std::string::npos)
      << json;
  a.primary_factor.clear();  // a Classic Engine rule: the password signs in
  r = Compute(a);
  EXPECT_TRUE(r.password_required);
  json = SessionToJson(ctx_, r);
  EXPECT_NE(json.find("\"primaryFactor\":null,\"passwordRequired\":true"), std::string::npos)
      << json;
}

TEST(CombinedOutcome, DenyIfEitherDeniesElseChallengeElseAllow) {
  auto d = [](Outcome o) {
    Decision x;
    x.outcome = o;
    return x;
  };
  EXPECT_EQ(CombineIdentityEngineOutcome(d(Outcome::kAllow), d(Outcome::kDeny)), Outcome::kDeny);
  EXPECT_EQ(CombineIdentityEngineOutcome(d(Outcome::kDeny), d(Outcome::kAllow)), Outcome::kDeny);
  EXPECT_EQ(CombineIdentityEngineOutcome(d(Outcome::kChallenge), d(Outcome::kAllow)),
            Outcome::kChallenge);
  EXPECT_EQ(CombineIdentityEngineOutcome(d(Outcome::kAllow), d(Outcome::kAllow)), Outcome::kAllow);
  EXPECT_EQ(CombineIdentityEngineOutcome(d(Outcome::kAllow), d(Outcome::kNone)), Outcome::kNone);
}

// Issue 18 item 4: with a valid Okta session the global session policy is
// not evaluated; only the app sign-in policy decides.
TEST_F(SessionTest, ValidOktaSessionLeavesTheAppAlone) {
  SignOnAction a = Signon(Access::kDeny);
  a.max_session_idle_minutes = 60;
  a.max_session_lifetime_minutes = 0;
  rule_ = MakeRule("0prGsp", 1, {}, a);
  Decision gs;
  gs.type = PolicyType::kOktaSignOn;
  gs.policy = &policy_;
  gs.rule = &rule_;
  gs.outcome = Outcome::kDeny;
  Decision app;
  app.type = PolicyType::kAccessPolicy;
  app.outcome = Outcome::kAllow;

  // No session: both policies, the global session's DENY wins.
  EXPECT_FALSE(OktaSessionValid(ctx_, gs));
  EXPECT_EQ(CombineIdentityEngineOutcome(ctx_, gs, app), Outcome::kDeny);

  // Created 5 h ago, last active 59 min ago: within 60 idle minutes, no
  // lifetime limit — valid, so the app's ALLOW alone decides.
  ctx_.session.created_at = kNow - absl::Hours(5);
  ctx_.session.last_activity = kNow - absl::Minutes(59);
  EXPECT_TRUE(OktaSessionValid(ctx_, gs));
  EXPECT_EQ(CombineIdentityEngineOutcome(ctx_, gs, app), Outcome::kAllow);
  app.outcome = Outcome::kDeny;
  EXPECT_EQ(CombineIdentityEngineOutcome(ctx_, gs, app), Outcome::kDeny);
  app.outcome = Outcome::kNone;
  EXPECT_EQ(CombineIdentityEngineOutcome(ctx_, gs, app), Outcome::kNone);
  app.outcome = Outcome::kAllow;

  // Idle 61 min: expired, the global session policy is evaluated again.
  ctx_.session.last_activity = kNow - absl::Minutes(61);
  EXPECT_FALSE(OktaSessionValid(ctx_, gs));
  EXPECT_EQ(CombineIdentityEngineOutcome(ctx_, gs, app), Outcome::kDeny);

  // Without a time the session's validity is unknown: not valid.
  ctx_.session.last_activity = kNow - absl::Minutes(1);
  ctx_.time.reset();
  EXPECT_FALSE(OktaSessionValid(ctx_, gs));
}

TEST_F(SessionTest, WithoutAGlobalSessionRuleOktasDefaultIdleLimitJudges) {
  Decision gs;  // no policy applied: Okta's default 120 idle minutes
  gs.type = PolicyType::kOktaSignOn;
  ctx_.session.created_at = kNow - absl::Minutes(119);
  EXPECT_TRUE(OktaSessionValid(ctx_, gs));
  ctx_.session.created_at = kNow - absl::Minutes(121);
  EXPECT_FALSE(OktaSessionValid(ctx_, gs));
}

}  // namespace
}  // namespace verdict
