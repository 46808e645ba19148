// "Can the user satisfy the rule?" (docs/semantics.md): each case is a
// verificationMethod as Okta's API writes it, loaded through LoadSnapshot, and
// a user's enrollments; the expectation is derived by hand from the documented
// semantics — one constraint object suffices, every part of it must hold
// ("((1A && 1B) || (2A && 2B))"), factorMode counts distinct factor classes —
// and the authenticator table of docs/semantics.md.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "verdict/authenticators.h"
#include "verdict/context.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/enrollment.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A snapshot directory written from `files`, loaded; issues kept.
class TempSnapshot {
 public:
  explicit TempSnapshot(const std::map<std::string, std::string>& files) {
    std::string pattern =
        (fs::temp_directory_path() / "authenticator_satisfaction_test.XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    for (const auto& [path, text] : files) {
      const fs::path full = dir_ / path;
      fs::create_directories(full.parent_path());
      std::ofstream(full) << text;
    }
    loaded_ = LoadSnapshot(dir_.string(), &issues_);
  }
  ~TempSnapshot() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  const absl::StatusOr<Snapshot>& loaded() const { return loaded_; }
  const IssueList& issues() const { return issues_; }

 private:
  fs::path dir_;
  IssueList issues_;
  absl::StatusOr<Snapshot> loaded_ = absl::UnknownError("not loaded");
};

// An ACCESS_POLICY snapshot whose one rule allows with `verification_method`.
std::map<std::string, std::string> AppPolicy(const std::string& verification_method) {
  return {{"policies/ACCESS_POLICY.json",
           R"([{"id": "rstApp", "type": "ACCESS_POLICY", "name": "App", "status": "ACTIVE",
            "priority": 1}])"},
          {"rules/rstApp.json",
           R"([{"id": "rulApp", "name": "Rule", "priority": 0, "status": "ACTIVE",
            "type": "ACCESS_POLICY", "conditions": null,
            "actions": {"appSignOn": {"access": "ALLOW", "verificationMethod": )" +
               verification_method + "}}}]"},
          {"policy-mappings/rstApp.json", R"([{"id": "0oaApp", "type": "APP"}])"}};
}

struct Case {
  std::string name;
  std::string verification_method;
  std::vector<std::string> enrolled;
  bool satisfiable;
  std::vector<std::string> missing;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class AppSignOnSatisfaction : public ::testing::TestWithParam<Case> {};

TEST_P(AppSignOnSatisfaction, HandDerived) {
  const Case& c = GetParam();
  TempSnapshot snap(AppPolicy(c.verification_method));
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  const Rule& rule = snap.loaded()->policies.at(0).rules.at(0);
  ASSERT_TRUE(rule.app_sign_on.has_value());
  const std::optional<SatisfactionReport> report = CheckAppSignOn(*rule.app_sign_on, c.enrolled);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->satisfiable, c.satisfiable);
  EXPECT_EQ(report->missing, c.missing);
}

// Okta's own examples: create-auth-policy-rule-condition (password 2FA),
// twofa-enabled-disallow-password-allow-phishing (passwordless), amc-two-chain.
const char kPassword2fa[] = R"({"factorMode": "2FA", "type": "ASSURANCE", "reauthenticateIn":
    "PT2H", "constraints": [{"knowledge": {"reauthenticateIn": "PT2H", "types": ["password"]}}]})";
const char kPhishingResistant[] = R"({"factorMode": "2FA", "type": "ASSURANCE",
    "constraints": [{"possession": {"phishingResistant": "REQUIRED"}}]})";
const char kTwoObjects[] = R"({"factorMode": "2FA", "type": "ASSURANCE", "constraints": [
    {"knowledge": {"types": ["SECURITY_QUESTION"]}, "possession": {"phishingResistant": "REQUIRED"}},
    {"possession": {"deviceBound": "REQUIRED"}}]})";
const char kPasswordless[] = R"({"factorMode": "2FA", "type": "ASSURANCE",
    "constraints": {"knowledge": {"excludedAuthenticationMethods": {"key": "okta_password"}},
                    "possession": {"deviceBound": "REQUIRED"}}})";
const char kTwoChains[] = R"({"type": "AUTH_METHOD_CHAIN", "chains": [
    {"authenticationMethods": [{"key": "okta_password", "method": "password"}],
     "next": [{"authenticationMethods": [{"key": "phone_number", "method": "sms"}]}]},
    {"authenticationMethods": [{"key": "okta_verify", "method": "signed_nonce",
                                "userVerification": "REQUIRED"}]}]})";

INSTANTIATE_TEST_SUITE_P(
    Cases, AppSignOnSatisfaction,
    ::testing::Values(
        // 2FA: the password (knowledge, as the constraint demands) and a
        // second class, which the password cannot be.
        Case{"PasswordAlone2faLacksASecondClass",
             kPassword2fa,
             {"okta_password"},
             false,
             {"possession|inherence"}},
        Case{"PasswordAndSms2fa", kPassword2fa, {"okta_password", "phone_number:sms"}, true, {}},
        // types [password]: a security question is knowledge but not a password.
        Case{"SecurityQuestionIsNotThePasswordTheTypeDemands",
             kPassword2fa,
             {"security_question", "phone_number"},
             false,
             {"knowledge"}},
        Case{"NoPasswordNoFactor", kPassword2fa, {}, false, {"knowledge", "possession|inherence"}},
        // Push is not phishing resistant; SMS neither.
        Case{"PushIsNotPhishingResistant",
             kPhishingResistant,
             {"okta_password", "phone_number:sms", "okta_verify:push"},
             false,
             {"possession+phishingResistant"}},
        Case{"FastPassIsPhishingResistant",
             kPhishingResistant,
             {"okta_password", "okta_verify:signed_nonce"},
             true,
             {}},
        // FastPass with biometrics is possession and inherence: 2FA alone.
        Case{"FastPassAloneIsTwoClasses",
             kPhishingResistant,
             {"okta_verify:signed_nonce"},
             true,
             {}},
        Case{"WebAuthnIsPhishingResistant",
             kPhishingResistant,
             {"okta_password", "webauthn"},
             true,
             {}},
        // Object 1 lacks two things (a security question, a phishing-resistant
        // possession factor), object 2 one (email is not device bound): the
        // closest is reported.
        Case{"ClosestConstraintObjectIsReported",
             kTwoObjects,
             {"okta_password", "okta_email"},
             false,
             {"possession+deviceBound"}},
        // ((1A && 1B) || (2A && 2B)): object 2 holds with password + Google
        // Authenticator (device bound) though object 1 does not.
        Case{"SecondConstraintObjectSuffices",
             kTwoObjects,
             {"okta_password", "google_otp"},
             true,
             {}},
        Case{"FirstConstraintObjectSuffices",
             kTwoObjects,
             {"security_question", "webauthn"},
             true,
             {}},
        // The password is excluded; phone is not device bound; nothing else
        // supplies a second class.
        Case{"PasswordlessExcludesThePassword",
             kPasswordless,
             {"okta_password", "phone_number"},
             false,
             {"possession+deviceBound", "knowledge|inherence"}},
        // Security question (knowledge, not excluded) + Okta Verify TOTP
        // (device bound).
        Case{"PasswordlessWithSecurityQuestionAndTotp",
             kPasswordless,
             {"okta_password", "security_question", "okta_verify:totp"},
             true,
             {}},
        Case{"NothingEnrolledAnyTwoClasses",
             R"({"type": "ASSURANCE", "factorMode": "2FA"})",
             {},
             false,
             {"knowledge|possession|inherence", "knowledge|possession|inherence"}},
        // No factorMode: 2FA (chosen); no type: ASSURANCE (chosen).
        Case{"AbsentFactorModeIsTwoFactors",
             R"({"constraints": [{"knowledge": {}}]})",
             {"okta_password"},
             false,
             {"possession|inherence"}},
        Case{"OneFactorPassword",
             R"({"type": "ASSURANCE", "factorMode": "1FA"})",
             {"okta_password"},
             true,
             {}},
        Case{"UnknownAuthenticatorSatisfiesNothing",
             R"({"type": "ASSURANCE", "factorMode": "1FA"})",
             {"carrier_pigeon"},
             false,
             {"knowledge|possession|inherence"}},
        Case{"UserVerificationRequiredRefusesTotp",
             R"({"type": "ASSURANCE", "factorMode": "2FA",
                 "constraints": [{"possession": {"userVerification": "REQUIRED"}}]})",
             {"security_question", "okta_verify:totp"},
             false,
             {"possession+userVerification"}},
        Case{"AuthenticationMethodsNameTheOnlyMethods",
             R"({"type": "ASSURANCE", "factorMode": "1FA", "constraints": [{"possession":
                 {"authenticationMethods": [{"key": "okta_verify", "method": "push"}]}}]})",
             {"phone_number", "okta_verify:totp"},
             false,
             {"possession"}},
        Case{"AuthenticationMethodsMatchAnEnrolledKey",
             R"({"type": "ASSURANCE", "factorMode": "1FA", "constraints": [{"possession":
                 {"authenticationMethods": [{"key": "okta_verify", "method": "push"}]}}]})",
             {"okta_verify"},
             true,
             {}},
        Case{"ChainPasswordThenSms", kTwoChains, {"okta_password", "phone_number:sms"}, true, {}},
        Case{"ChainFastPassWithUserVerification",
             kTwoChains,
             {"okta_verify:signed_nonce"},
             true,
             {}},
        Case{"ChainBrokenAfterThePassword",
             kTwoChains,
             {"okta_password", "phone_number:voice"},
             false,
             {"phone_number:sms"}},
        Case{"ChainBrokenAtTheStart",
             kTwoChains,
             {"okta_verify:totp"},
             false,
             {"okta_password:password"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(AppSignOnSatisfactionNotChecked, IdProofingAndMissingVerificationMethod) {
  AppSignOnAction action;
  action.access = Access::kAllow;
  EXPECT_FALSE(CheckAppSignOn(action, {"okta_password"}).has_value());
  action.has_verification_method = true;
  action.verification_method_type = "ID_PROOFING";
  EXPECT_FALSE(CheckAppSignOn(action, {"okta_password"}).has_value());
  action.verification_method_type = "AUTH_METHOD_CHAIN";  // without chains
  EXPECT_FALSE(CheckAppSignOn(action, {"okta_password"}).has_value());
}

TEST(AuthenticatorTable, KnownEnrollmentsAndFactorMapping) {
  EXPECT_TRUE(IsKnownEnrollment("okta_verify"));
  EXPECT_TRUE(IsKnownEnrollment("okta_verify:signed_nonce"));
  EXPECT_FALSE(IsKnownEnrollment("okta_verify:sms"));
  EXPECT_FALSE(IsKnownEnrollment("okta_verify:"));
  EXPECT_FALSE(IsKnownEnrollment("carrier_pigeon"));
  EXPECT_EQ(EnrollmentOfFactor("sms", "OKTA"), "phone_number:sms");
  EXPECT_EQ(EnrollmentOfFactor("call", "okta"), "phone_number:voice");
  EXPECT_EQ(EnrollmentOfFactor("token:software:totp", "GOOGLE"), "google_otp:otp");
  EXPECT_EQ(EnrollmentOfFactor("token:software:totp", "OKTA"), "okta_verify:totp");
  EXPECT_EQ(EnrollmentOfFactor("webauthn", "FIDO"), "webauthn:webauthn");
  EXPECT_FALSE(EnrollmentOfFactor("sms", "GOOGLE").has_value());
  // Every method of the table is in exactly one group of adjacent rows.
  for (const AuthenticatorMethodTraits& m : AuthenticatorMethods()) {
    bool found = false;
    for (const AuthenticatorMethodTraits& n : MethodsOfAuthenticator(m.key)) {
      found = found || (&n == &m);
    }
    EXPECT_TRUE(found) << m.key << ":" << m.method;
  }
}

TEST(EnrollmentPolicy, RequiredMissingAndNotAllowedEnrolled) {
  // mfa-enroll-policy-response (Okta's example) plus a REQUIRED phone.
  TempSnapshot snap(Files{{"rules/00pEnroll.json", "[]"},
                          {"policies/MFA_ENROLL.json",
                           R"([{"id": "00pEnroll", "type": "MFA_ENROLL", "name": "Enroll",
                           "status": "ACTIVE", "priority": 1, "system": true,
                           "settings": {"type": "AUTHENTICATORS", "authenticators": [
                             {"key": "okta_email", "enroll": {"self": "NOT_ALLOWED"}},
                             {"key": "okta_verify", "enroll": {"self": "OPTIONAL"}},
                             {"key": "okta_password", "enroll": {"self": "REQUIRED"}},
                             {"key": "phone_number", "enroll": {"self": "REQUIRED"}}]}}])"}});
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  const Policy& policy = snap.loaded()->policies.at(0);
  const std::optional<EnrollmentPolicyReport> r =
      CheckEnrollmentPolicy(policy, {"okta_password:password", "okta_email:email"});
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(r->missing_required, ElementsAre("phone_number"));
  EXPECT_THAT(r->enrolled_not_allowed, ElementsAre("okta_email"));
  const std::optional<EnrollmentPolicyReport> all =
      CheckEnrollmentPolicy(policy, {"okta_password", "phone_number:voice", "okta_verify"});
  ASSERT_TRUE(all.has_value());
  EXPECT_THAT(all->missing_required, IsEmpty());
  EXPECT_THAT(all->enrolled_not_allowed, IsEmpty());
}

TEST(EnrollmentPolicy, UnknownSelfValueIsAWarningAndLeftOut) {
  TempSnapshot snap(Files{{"rules/00pEnroll.json", "[]"},
                          {"policies/MFA_ENROLL.json",
                           R"([{"id": "00pEnroll", "type": "MFA_ENROLL", "name": "Enroll",
                           "status": "ACTIVE", "priority": 1,
                           "settings": {"authenticators": [
                             {"key": "okta_email", "enroll": {"self": "SOMETIMES"}}]}}])"}});
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  EXPECT_TRUE(snap.loaded()->policies.at(0).enrollment_settings.empty());
  bool warned = false;
  for (const Issue& issue : snap.issues()) {
    if (issue.code == "policy.bad_enrollment_setting") {
      warned = true;
      EXPECT_EQ(issue.file, "policies/MFA_ENROLL.json");
      EXPECT_EQ(issue.pointer, "/0/settings/authenticators/0/enroll/self");
    }
  }
  EXPECT_TRUE(warned);
}

TEST(VerificationMethodParsing, MisspeltCharacteristicIsAWarning) {
  // Okta's own example spells "phishingREsistant": not the documented name.
  TempSnapshot snap(AppPolicy(R"({"type": "ASSURANCE", "factorMode": "2FA", "constraints":
      {"possession": {"deviceBound": "REQUIRED", "phishingREsistant": "REQUIRED"}}})"));
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  bool warned = false;
  for (const Issue& issue : snap.issues()) {
    if (issue.code == "rule.bad_constraint") {
      warned = true;
      EXPECT_EQ(issue.file, "rules/rstApp.json");
      EXPECT_EQ(issue.pointer,
                "/0/actions/appSignOn/verificationMethod/constraints/possession/phishingREsistant");
    }
  }
  EXPECT_TRUE(warned);
}

// users/<id>/factors.json: ACTIVE factors as enrollments, the password added,
// an unknown factor type a warning naming file and pointer.
TEST(UserFactors, LoadedFromTheSnapshot) {
  TempSnapshot snap(
      Files{{"users/00uAnn/factors.json",
             R"([{"id": "mbl1", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE"},
                          {"id": "opf1", "factorType": "push", "provider": "OKTA",
                           "status": "PENDING_ACTIVATION"},
                          {"id": "uft1", "factorType": "token:software:totp", "provider": "GOOGLE",
                           "status": "ACTIVE"},
                          {"id": "zzz1", "factorType": "telepathy", "provider": "ACME",
                           "status": "ACTIVE"}])"}});
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  EXPECT_THAT(snap.loaded()->user_factors.at("00uAnn"),
              ElementsAre("okta_password:password", "phone_number:sms", "google_otp:otp"));
  bool warned = false;
  for (const Issue& issue : snap.issues()) {
    if (issue.code == "factor.unknown_type") {
      warned = true;
      EXPECT_FALSE(issue.is_error());
      EXPECT_EQ(issue.file, "users/00uAnn/factors.json");
      EXPECT_EQ(issue.pointer, "/3/factorType");
    }
  }
  EXPECT_TRUE(warned);
}

TEST(UserFactors, MalformedEntriesAreErrorsWithTheirPointer) {
  TempSnapshot not_array(Files{{"users/00uAnn/factors.json", R"({"factorType": "sms"})"}});
  EXPECT_FALSE(not_array.loaded().ok());
  TempSnapshot bad_entry(Files{{"users/00uAnn/factors.json", R"([{"provider": "OKTA"}, 5])"}});
  EXPECT_FALSE(bad_entry.loaded().ok());
  std::vector<std::string> pointers;
  for (const Issue& issue : bad_entry.issues()) {
    if (issue.is_error()) {
      EXPECT_EQ(issue.file, "users/00uAnn/factors.json");
      pointers.push_back(issue.pointer);
    }
  }
  EXPECT_THAT(pointers, ElementsAre("/0/factorType", "/1"));
}

// The eval line: the keys appear exactly when the user's enrollments are
// known — from the context, else from factors.json — and never otherwise.
TEST(EnrollmentKeys, OnTheAccessPolicyLineOnlyWhenEnrollmentsAreKnown) {
  std::map<std::string, std::string> files = AppPolicy(kPassword2fa);
  files["users/00uAnn/factors.json"] =
      R"([{"factorType": "sms", "provider": "OKTA", "status": "ACTIVE"}])";
  TempSnapshot snap(files);
  ASSERT_TRUE(snap.loaded().ok()) << snap.loaded().status();
  auto set = Compile(*snap.loaded());
  ASSERT_TRUE(set.ok()) << set.status();
  const std::vector<PolicyType> types = {PolicyType::kAccessPolicy};
  auto line = [&](const std::string& json) {
    absl::StatusOr<SignOnContext> ctx = ParseContext(json);
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    std::string out;
    AppendDecisionLines(**set, *ctx, types, &out);
    return out;
  };
  // factors.json: password (implied) + SMS.
  EXPECT_THAT(line(R"({"id": "a", "app": {"id": "0oaApp"}, "user": {"id": "00uAnn"}})"),
              HasSubstr(R"("satisfiable": true, "missing": [])"));
  // The context's list wins over the snapshot's.
  EXPECT_THAT(line(R"({"id": "b", "app": {"id": "0oaApp"}, "user": {"id": "00uAnn"},
                       "authenticators": ["okta_password"]})"),
              HasSubstr(R"("satisfiable": false, "missing": ["possession|inherence"])"));
  EXPECT_THAT(line(R"({"id": "c", "app": {"id": "0oaApp"}, "user": {"id": "00uBob"},
                       "authenticators": []})"),
              HasSubstr(R"("satisfiable": false)"));
  // Unknown enrollments: no keys at all.
  EXPECT_THAT(line(R"({"id": "d", "app": {"id": "0oaApp"}, "user": {"id": "00uBob"}})"),
              Not(HasSubstr("satisfiable")));
  EXPECT_THAT(line(R"({"id": "e", "app": {"id": "0oaApp"}})"), Not(HasSubstr("satisfiable")));
}

TEST(EnrollmentKeys, UnknownContextAuthenticatorIsAWarning) {
  IssueList warnings;
  absl::StatusOr<SignOnContext> ctx =
      ParseContext(R"({"authenticators": ["Okta_Verify:push", "carrier_pigeon"]})", &warnings);
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  ASSERT_TRUE(ctx->authenticators.has_value());
  EXPECT_THAT(*ctx->authenticators, ElementsAre("okta_verify:push", "carrier_pigeon"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "context.unknown_authenticator");
  EXPECT_EQ(warnings[0].pointer, "/authenticators/1");
  EXPECT_FALSE(ParseContext(R"({"authenticators": "okta_verify"})").ok());
  EXPECT_FALSE(ParseContext(R"({"authenticators": [3]})").ok());
}

}  // namespace
}  // namespace verdict
