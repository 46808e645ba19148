// `policy-sim eval --sessions` and the combined Identity Engine outcome, run
// as a real subprocess (docs/interfaces.md §3 extended: "session" on
// OKTA_SIGN_ON lines, "combined" on ACCESS_POLICY lines).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

using verdict_test::Describe;
using verdict_test::Lines;
using verdict_test::ReadFile;
using verdict_test::RunPolicySim;
using verdict_test::RunResult;
using verdict_test::TempDir;
using verdict_test::WriteFile;

// A global session policy for everyone: office sign-ins need no factor;
// elsewhere a factor every 60 minutes (SESSION mode), sessions idle out after
// 30 minutes and live at most 8 hours. Contractors are denied. One app
// sign-in policy, mapped to 0oaPayroll, denies contractors' devices that are
// not managed and otherwise allows.
constexpr char kZones[] = R"([
  {"id": "nzoOffice", "name": "Office", "type": "IP", "status": "ACTIVE", "usage": "POLICY",
   "system": false, "gateways": [{"type": "CIDR", "value": "203.0.113.0/24"}], "proxies": null}
])";

constexpr char kSignOnPolicies[] = R"([
  {"id": "00pSignOn", "name": "Everyone", "type": "OKTA_SIGN_ON", "status": "ACTIVE",
   "priority": 1, "system": false,
   "conditions": {"people": {"groups": {"include": ["00gEveryone"]}}}}
])";

constexpr char kSignOnRules[] = R"([
  {"id": "0prDenyContractors", "name": "Contractors", "type": "SIGN_ON", "status": "ACTIVE",
   "priority": 1, "system": false,
   "conditions": {"people": {"groups": {"include": ["00gContractors"]}}},
   "actions": {"signon": {"access": "DENY"}}},
  {"id": "0prOffice", "name": "Office", "type": "SIGN_ON", "status": "ACTIVE", "priority": 2,
   "system": false,
   "conditions": {"network": {"connection": "ZONE", "include": ["nzoOffice"]}},
   "actions": {"signon": {"access": "ALLOW", "requireFactor": false,
                          "session": {"maxSessionIdleMinutes": 30,
                                      "maxSessionLifetimeMinutes": 480,
                                      "usePersistentCookie": false}}}},
  {"id": "0prAnywhere", "name": "Anywhere", "type": "SIGN_ON", "status": "ACTIVE", "priority": 3,
   "system": false, "conditions": {"network": {"connection": "ANYWHERE"}},
   "actions": {"signon": {"access": "ALLOW", "requireFactor": true,
                          "factorPromptMode": "SESSION", "factorLifetime": 60,
                          "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
                          "session": {"maxSessionIdleMinutes": 30,
                                      "maxSessionLifetimeMinutes": 480,
                                      "usePersistentCookie": true}}}}
])";

constexpr char kAccessPolicies[] = R"([
  {"id": "rstPayroll", "name": "Payroll app", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 1, "system": false, "conditions": null}
])";

constexpr char kAccessRules[] = R"([
  {"id": "rulUnmanaged", "name": "Unmanaged devices", "type": "ACCESS_POLICY",
   "status": "ACTIVE", "priority": 1, "system": false,
   "conditions": {"device": {"managed": false}},
   "actions": {"appSignOn": {"access": "DENY"}}},
  {"id": "rulCatchAll", "name": "Catch-all Rule", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 99, "system": true, "conditions": null,
   "actions": {"appSignOn": {"access": "ALLOW",
                             "verificationMethod": {"factorMode": "1FA", "type": "ASSURANCE",
                                                    "reauthenticateIn": "PT12H"}}}}
])";

constexpr char kMappings[] = R"([
  {"id": "0oaPayroll", "_links": {"application": {"href": "https://acme.example/api/v1/apps/0oaPayroll"}}}
])";

class PolicySimSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snapshot_ = (dir_.path() / "org").string();
    const fs::path org = snapshot_;
    WriteFile(org / "zones.json", kZones);
    WriteFile(org / "policies/OKTA_SIGN_ON.json", kSignOnPolicies);
    WriteFile(org / "rules/00pSignOn.json", kSignOnRules);
    WriteFile(org / "policies/ACCESS_POLICY.json", kAccessPolicies);
    WriteFile(org / "rules/rstPayroll.json", kAccessRules);
    WriteFile(org / "policy-mappings/rstPayroll.json", kMappings);
  }

  // Runs eval over `contexts` (JSON Lines) with `extra` flags.
  RunResult Eval(const std::string& contexts, std::vector<std::string> extra) {
    const fs::path path = dir_.path() / "contexts.jsonl";
    WriteFile(path, contexts);
    std::vector<std::string> args = {"eval", "--snapshot", snapshot_, "--contexts", path.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunPolicySim(args, dir_.path());
  }

  // The parsed stdout lines.
  static std::vector<Json> Parsed(const RunResult& r) {
    std::vector<Json> out;
    for (const std::string& line : Lines(r.out)) out.push_back(Json::parse(line));
    return out;
  }

  TempDir dir_;
  std::string snapshot_;
};

// From elsewhere, with a session whose factor was verified 20 minutes ago:
// the session is refreshed, no factor is due, expiry is idle-limited.
constexpr char kFreshSession[] =
    R"({"id": "s1", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u1", "login": "ann@acme.example", "groups": ["00gEveryone"]}, "ip": "198.51.100.9", "time": "2026-11-28T12:00:00Z", "session": {"createdAt": "2026-11-28T09:00:00Z", "lastActivity": "2026-11-28T11:50:00Z", "lastFactorVerification": "2026-11-28T11:40:00Z", "amr": ["pwd", "mfa"]}})"
    "\n";

TEST_F(PolicySimSessionsTest, SessionsAddsSessionObjectToSignOnLine) {
  const RunResult r = Eval(kFreshSession, {"--output", "jsonl", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  const Json& line = lines[0];
  // The contract's keys are untouched.
  EXPECT_EQ(line["policyType"], "OKTA_SIGN_ON");
  EXPECT_EQ(line["rule"]["id"], "0prAnywhere");
  EXPECT_EQ(line["outcome"], "ALLOW");
  ASSERT_TRUE(line.contains("session")) << r.out;
  const Json& s = line["session"];
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["userId"], "00u1");
  EXPECT_EQ(s["createdAt"], "2026-11-28T09:00:00.000Z");
  EXPECT_EQ(s["expiresAt"], "2026-11-28T12:30:00.000Z");  // now + 30 idle minutes
  EXPECT_EQ(s["lastFactorVerification"], "2026-11-28T11:40:00.000Z");
  EXPECT_EQ(s["existingSessionValid"], true);
  EXPECT_EQ(s["factorDue"], false);
  EXPECT_EQ(s["persistentCookie"], true);
  EXPECT_FALSE(line.contains("combined"));
}

// Issue 18 item 11: the rule's usePersistentCookie does not reach an Okta
// administrator, and PASSWORD_IDP_ANY_FACTOR lets the session start without a
// password (OLDPOLICY, "Signon Action object" and "Signon Session object").
TEST_F(PolicySimSessionsTest, AdministratorsGetNoPersistentCookieAndPrimaryFactorIsReported) {
  std::string admin = kFreshSession;
  const std::string user = R"("user": {"id": "00u1",)";
  ASSERT_NE(admin.find(user), std::string::npos);
  admin.replace(admin.find(user), user.size(), R"("user": {"id": "00u1", "admin": true,)");
  const RunResult r = Eval(kFreshSession + admin, {"--output", "jsonl", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const Json& line : lines) {
    EXPECT_EQ(line["session"]["usePersistentCookie"], true);
    EXPECT_EQ(line["session"]["primaryFactor"], "PASSWORD_IDP_ANY_FACTOR");
    EXPECT_EQ(line["session"]["passwordRequired"], false);
  }
  EXPECT_EQ(lines[0]["session"]["persistentCookie"], true);
  EXPECT_EQ(lines[1]["session"]["persistentCookie"], false);  // the administrator
}

TEST_F(PolicySimSessionsTest, WithoutSessionsFlagTheLineIsUnchanged) {
  const RunResult r = Eval(kFreshSession, {"--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].contains("session"));
}

TEST_F(PolicySimSessionsTest, StaleFactorMakesSessionMfaRequired) {
  // Factor verified 90 minutes ago, factorLifetime 60: MFA_REQUIRED, CHALLENGE.
  const std::string ctx =
      R"({"id": "s2", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "198.51.100.9", "time": "2026-11-28T12:00:00Z", "session": {"createdAt": "2026-11-28T10:00:00Z", "lastActivity": "2026-11-28T11:55:00Z", "lastFactorVerification": "2026-11-28T10:30:00Z"}})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["outcome"], "CHALLENGE");
  EXPECT_EQ(lines[0]["session"]["status"], "MFA_REQUIRED");
  EXPECT_EQ(lines[0]["session"]["factorDue"], true);
}

TEST_F(PolicySimSessionsTest, DeniedOrTimelessContextsReportWhyNoSession) {
  const std::string ctx =
      R"({"id": "d1", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u2", "groups": ["00gEveryone", "00gContractors"]}, "ip": "203.0.113.5", "time": "2026-11-28T12:00:00Z"})"
      "\n"
      R"({"id": "t1", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "203.0.113.5"})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["outcome"], "DENY");
  EXPECT_EQ(lines[0]["session"]["applies"], false);
  EXPECT_THAT(lines[0]["session"]["reason"].get<std::string>(), HasSubstr("denied"));
  EXPECT_EQ(lines[1]["session"]["applies"], false);
  EXPECT_THAT(lines[1]["session"]["reason"].get<std::string>(), HasSubstr("no time"));
}

TEST_F(PolicySimSessionsTest, CombinedOutcomeOnAccessPolicyLineWhenBothEvaluated) {
  // Office (global ALLOW) on an unmanaged device: the app denies → DENY.
  // Office on a managed device: both allow → ALLOW.
  const std::string ctx =
      R"({"id": "a1", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "203.0.113.5", "device": {"managed": false}})"
      "\n"
      R"({"id": "a2", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "203.0.113.5", "device": {"managed": true, "registered": true}})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 4u) << r.out;  // OKTA_SIGN_ON, ACCESS_POLICY per context
  EXPECT_EQ(lines[0]["policyType"], "OKTA_SIGN_ON");
  EXPECT_FALSE(lines[0].contains("combined"));
  EXPECT_EQ(lines[1]["policyType"], "ACCESS_POLICY");
  ASSERT_TRUE(lines[1].contains("combined")) << r.out;
  EXPECT_EQ(lines[1]["combined"]["globalSession"]["outcome"], "ALLOW");
  EXPECT_EQ(lines[1]["combined"]["globalSession"]["rule"], "0prOffice");
  EXPECT_EQ(lines[1]["combined"]["app"]["outcome"], "DENY");
  EXPECT_EQ(lines[1]["combined"]["app"]["rule"], "rulUnmanaged");
  EXPECT_EQ(lines[1]["combined"]["outcome"], "DENY");
  EXPECT_EQ(lines[3]["rule"]["id"], "rulCatchAll");
  EXPECT_EQ(lines[3]["combined"]["outcome"], "ALLOW");
}

// Issue 18 item 4: with a valid Okta session only the app sign-in policy
// decides. From elsewhere (0prAnywhere: CHALLENGE, sessions idle out after 30
// minutes, live 8 hours) on a managed device (app: catch-all ALLOW). v1: the
// session was created 3 h and last active 10 min before `time` — valid, so
// the global session policy is not evaluated: ALLOW. v2: last active 40 min
// before — idled out, both policies: CHALLENGE.
TEST_F(PolicySimSessionsTest, ValidOktaSessionLeavesTheCombinedOutcomeToTheApp) {
  const std::string ctx =
      R"({"id": "v1", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "198.51.100.9", "device": {"managed": true}, "time": "2026-11-28T12:00:00Z", "session": {"createdAt": "2026-11-28T09:00:00Z", "lastActivity": "2026-11-28T11:50:00Z"}})"
      "\n"
      R"({"id": "v2", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "198.51.100.9", "device": {"managed": true}, "time": "2026-11-28T12:00:00Z", "session": {"createdAt": "2026-11-28T09:00:00Z", "lastActivity": "2026-11-28T11:20:00Z"}})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0]["outcome"], "CHALLENGE");  // the type's own line is unchanged
  EXPECT_EQ(lines[1]["combined"]["globalSession"]["outcome"], "CHALLENGE");
  EXPECT_EQ(lines[1]["combined"]["oktaSessionValid"], true);
  EXPECT_EQ(lines[1]["combined"]["outcome"], "ALLOW");
  EXPECT_EQ(lines[3]["combined"]["oktaSessionValid"], false);
  EXPECT_EQ(lines[3]["combined"]["outcome"], "CHALLENGE");
}

TEST_F(PolicySimSessionsTest, GlobalChallengeMakesCombinedChallenge) {
  const std::string ctx =
      R"({"id": "c1", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "198.51.100.9", "device": {"managed": true}})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[1]["combined"]["globalSession"]["outcome"], "CHALLENGE");
  EXPECT_EQ(lines[1]["combined"]["app"]["outcome"], "ALLOW");
  EXPECT_EQ(lines[1]["combined"]["outcome"], "CHALLENGE");
}

TEST_F(PolicySimSessionsTest, CombinedFlagEvaluatesTheMissingSide) {
  // Only ACCESS_POLICY is asked for; --combined still reports the global side.
  const std::string ctx =
      R"({"id": "a3", "policyTypes": ["ACCESS_POLICY"], "app": {"id": "0oaPayroll"}, "user": {"id": "00u2", "groups": ["00gEveryone", "00gContractors"]}, "ip": "203.0.113.5", "device": {"managed": true}})"
      "\n";
  const RunResult without = Eval(ctx, {"--output", "jsonl"});
  ASSERT_EQ(without.exit_code, 0) << Describe(without);
  ASSERT_EQ(Parsed(without).size(), 1u);
  EXPECT_FALSE(Parsed(without)[0].contains("combined"));

  const RunResult r = Eval(ctx, {"--output", "jsonl", "--combined"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<Json> lines = Parsed(r);
  ASSERT_EQ(lines.size(), 1u) << r.out;  // the global side is not printed as a line
  EXPECT_EQ(lines[0]["policyType"], "ACCESS_POLICY");
  EXPECT_EQ(lines[0]["outcome"], "ALLOW");
  EXPECT_EQ(lines[0]["combined"]["globalSession"]["rule"], "0prDenyContractors");
  EXPECT_EQ(lines[0]["combined"]["outcome"], "DENY");
}

TEST_F(PolicySimSessionsTest, NoAppNoCombined) {
  const std::string ctx =
      R"({"id": "n1", "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "203.0.113.5"})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "jsonl", "--combined"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const Json& line : Parsed(r)) EXPECT_FALSE(line.contains("combined")) << line.dump();
}

TEST_F(PolicySimSessionsTest, TableShowsSessionAndCombinedLines) {
  const std::string ctx =
      R"({"id": "a1", "app": {"id": "0oaPayroll"}, "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "203.0.113.5", "device": {"managed": true}, "time": "2026-11-28T12:00:00Z"})"
      "\n";
  const RunResult r = Eval(ctx, {"--output", "table", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("session: {\"status\":\"ACTIVE\""));
  EXPECT_THAT(r.out, HasSubstr("combined: {\"globalSession\""));
}

TEST_F(PolicySimSessionsTest, JsonArrayCarriesTheSameExtras) {
  const RunResult r = Eval(kFreshSession, {"--output", "json", "--sessions"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const Json array = Json::parse(r.out);
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.size(), 1u);
  EXPECT_EQ(array[0]["session"]["status"], "ACTIVE");
}

TEST_F(PolicySimSessionsTest, HelpListsTheFlags) {
  const RunResult r = RunPolicySim({"eval", "--help"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--sessions"));
  EXPECT_THAT(r.out, HasSubstr("--combined"));
}

}  // namespace
