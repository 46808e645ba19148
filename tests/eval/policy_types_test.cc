// One or more tests per Part A / Part B §1.3–§1.4 row for the policy types
// beyond the global session, password and enrollment policies, and for the
// legacy device, mdmEnrollment, entity risk and DYNAMIC_V2 conditions. Each
// snapshot is written as the Management API's JSON and loaded with
// LoadSnapshot; each context is parsed from its JSON form; every answer is
// checked against the compiled engine too. Test names carry the row they pin.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/reference_evaluator.h"
#include "verdict/session.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A snapshot directory written from `files` (path → JSON text), loaded, and
// compiled.
class Org {
 public:
  explicit Org(const std::map<std::string, std::string>& files) {
    std::string pattern = (fs::temp_directory_path() / "policy_types_test.XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    for (const auto& [path, text] : files) {
      const fs::path full = dir_ / path;
      fs::create_directories(full.parent_path());
      std::ofstream(full) << text;
    }
    IssueList issues;
    absl::StatusOr<Snapshot> loaded = LoadSnapshot(dir_.string(), &issues);
    for (const Issue& issue : issues) {
      if (issue.is_error()) ADD_FAILURE() << issue.ToString();
    }
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      return;
    }
    snapshot_ = std::make_unique<Snapshot>(*std::move(loaded));
    auto compiled = Compile(*snapshot_);
    if (!compiled.ok()) {
      ADD_FAILURE() << compiled.status();
      return;
    }
    compiled_ = *std::move(compiled);
  }
  ~Org() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // The reference decision; the compiled engine must agree on blocked,
  // policy, rule and outcome.
  Decision Evaluate(const std::string& context_json, PolicyType type) const {
    absl::StatusOr<SignOnContext> ctx = ParseContext(context_json);
    if (!ctx.ok()) {
      ADD_FAILURE() << ctx.status() << " in " << context_json;
      return Decision{};
    }
    if (snapshot_ == nullptr) return Decision{};
    const Decision ref = ReferenceEvaluator(*snapshot_).Evaluate(*ctx, type);
    if (compiled_ != nullptr) {
      const Decision fast = compiled_->Evaluate(*ctx, type);
      EXPECT_EQ(IdOf(fast), IdOf(ref)) << "compiled engine differs for " << context_json;
      EXPECT_EQ(fast.outcome, ref.outcome) << "compiled outcome differs for " << context_json;
    }
    return ref;
  }

  // The winning rule id, "" for none, "BLOCKED" when blocked.
  std::string Winner(const std::string& context_json, PolicyType type) const {
    return IdOf(Evaluate(context_json, type));
  }

  static std::string IdOf(const Decision& d) {
    if (d.blocked) return "BLOCKED";
    return d.rule ? d.rule->id : "";
  }

 private:
  fs::path dir_;
  std::unique_ptr<Snapshot> snapshot_;
  std::shared_ptr<const CompiledPolicySet> compiled_;
};

// `{"id": "c", "user": {...groups}, <extra>}` as one context line.
std::string Ctx(const std::string& extra, const std::string& groups = R"(["00gA"])") {
  std::string json =
      R"({"id": "c", "user": {"id": "00u1", "login": "ann@acme.example", "groups": )" + groups +
      "}";
  if (!extra.empty()) json += ", " + extra;
  return json + "}";
}

constexpr char kZones[] = R"([
  {"id": "nzoOffice", "name": "Office", "type": "IP", "status": "ACTIVE", "usage": "POLICY",
   "gateways": [{"type": "CIDR", "value": "203.0.113.0/24"}], "proxies": null},
  {"id": "nzoV2", "name": "Benelux v2", "type": "DYNAMIC_V2", "status": "ACTIVE", "usage": "POLICY",
   "locations": {"include": [{"country": "NL"}, {"country": "BE"}],
                 "exclude": [{"country": "BE", "region": "BE-BRU"}]},
   "asns": {"include": [], "exclude": ["64512"]},
   "ipServiceCategories": {"include": [], "exclude": ["ALL_ANONYMIZERS"]}},
  {"id": "nzoV2Cat", "name": "Tor only v2", "type": "DYNAMIC_V2", "status": "ACTIVE",
   "usage": "POLICY", "locations": {"include": [], "exclude": []},
   "asns": {"include": [], "exclude": []},
   "ipServiceCategories": {"include": ["ANONYMIZER_TOR"], "exclude": []}}
])";

// A one-policy snapshot of `type` whose rules (a JSON array) are given.
std::map<std::string, std::string> OnePolicy(const std::string& type, const std::string& rules,
                                             const std::string& policy_conditions = "null") {
  return {{"zones.json", kZones},
          {"policies/" + type + ".json",
           R"([{"id": "00pP", "name": "P", "type": ")" + type +
               R"(", "status": "ACTIVE", "priority": 1, "system": false, "conditions": )" +
               policy_conditions + "}]"},
          {"rules/00pP.json", rules}};
}

std::string Rule(const std::string& id, int priority, const std::string& conditions,
                 const std::string& actions = "{}", const std::string& type = "") {
  return R"({"id": ")" + id + R"(", "name": ")" + id + R"(", "status": "ACTIVE", "priority": )" +
         std::to_string(priority) + R"(, "system": false, )" +
         (type.empty() ? "" : R"("type": ")" + type + R"(", )") + R"("conditions": )" + conditions +
         R"(, "actions": )" + actions + "}";
}

// ------------------------------------------------------------ ACCESS_POLICY

constexpr char kAccessPolicies[] = R"([
  {"id": "rstPay", "name": "Payroll", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 1, "system": false, "conditions": null},
  {"id": "rstDef", "name": "Default Policy", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 2, "system": true, "conditions": null}
])";

constexpr char kPayRules[] = R"([
  {"id": "rulCatchAll", "name": "Catch-all Rule", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 99, "system": true, "conditions": null,
   "actions": {"appSignOn": {"access": "DENY", "verificationMethod": {"factorMode": "2FA",
               "type": "ASSURANCE", "reauthenticateIn": "PT2H"}}}},
  {"id": "rulManaged", "name": "Managed", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 1, "system": false,
   "conditions": {"device": {"managed": true, "registered": true},
                  "platform": {"include": [{"type": "DESKTOP", "os": {"type": "OSX"}}]}},
   "actions": {"appSignOn": {"access": "ALLOW", "verificationMethod": {"factorMode": "1FA",
               "type": "ASSURANCE", "reauthenticateIn": "PT12H"}}}},
  {"id": "rulRisky", "name": "High risk", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 2, "system": false, "conditions": {"riskScore": {"level": "HIGH"}},
   "actions": {"appSignOn": {"access": "DENY"}}}
])";

constexpr char kDefRules[] = R"([
  {"id": "rulDefCatchAll", "name": "Catch-all Rule", "type": "ACCESS_POLICY", "status": "ACTIVE",
   "priority": 99, "system": true, "conditions": null,
   "actions": {"appSignOn": {"access": "ALLOW"}}}
])";

std::map<std::string, std::string> AccessOrg() {
  return {
      {"zones.json", kZones},
      {"policies/ACCESS_POLICY.json", kAccessPolicies},
      {"rules/rstPay.json", kPayRules},
      {"rules/rstDef.json", kDefRules},
      {"policy-mappings/rstPay.json",
       R"([{"id": "rpm1", "_links": {"application": {"href": "https://x/api/v1/apps/0oaPay"}}}])"},
      {"policy-mappings/rstDef.json", R"([{"id": "rpm2", "target": {"id": "0oaWiki"}}])"}};
}

constexpr PolicyType kAccess = PolicyType::kAccessPolicy;

TEST(A1_5_AccessPolicy, ChosenThroughPolicyMappingsFiles) {
  const Org org(AccessOrg());
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaWiki"}, "ip": "198.51.100.1")"), kAccess),
            "rulDefCatchAll");
  // Unmapped app or no app: no decision for the type.
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaOther"}, "ip": "198.51.100.1")"), kAccess), "");
  EXPECT_EQ(org.Winner(Ctx(R"("ip": "198.51.100.1")"), kAccess), "");
}

// AccessOrg() plus apps.json: 0oaHr reaches rstPay only through its
// `_links.accessPolicy`; 0oaOld likewise, INACTIVE; 0oaWiki's link contradicts
// its mapping to rstDef; 0oaGone and 0oaSignOn link to a missing policy and to
// a policy of another type.
std::map<std::string, std::string> AccessOrgWithApps() {
  std::map<std::string, std::string> files = AccessOrg();
  files["policies/OKTA_SIGN_ON.json"] =
      R"([{"id": "00pGs", "name": "GS", "type": "OKTA_SIGN_ON", "status": "ACTIVE",
           "priority": 1, "system": true, "conditions": null}])";
  files["apps.json"] = R"([
  {"id": "0oaHr", "name": "oidc_client", "label": "HR", "status": "ACTIVE",
   "_links": {"accessPolicy": {"href": "https://x.okta.com/api/v1/policies/rstPay"}}},
  {"id": "0oaOld", "label": "Old HR", "status": "INACTIVE",
   "_links": {"accessPolicy": {"href": "https://x.okta.com/api/v1/policies/rstPay"}}},
  {"id": "0oaWiki", "label": "Wiki", "status": "ACTIVE",
   "_links": {"accessPolicy": {"href": "https://x.okta.com/api/v1/policies/rstPay"}}},
  {"id": "0oaGone", "label": "Gone", "status": "ACTIVE",
   "_links": {"accessPolicy": {"href": "https://x.okta.com/api/v1/policies/rstGone"}}},
  {"id": "0oaSignOn", "label": "Odd", "status": "ACTIVE",
   "_links": {"accessPolicy": {"href": "https://x.okta.com/api/v1/policies/00pGs"}}}
])";
  return files;
}

TEST(A1_5_AccessPolicy, ChosenThroughTheAppsAccessPolicyLink) {
  const Org org(AccessOrgWithApps());
  const std::string hr = R"("app": {"id": "0oaHr"}, "ip": "198.51.100.1")";
  EXPECT_EQ(org.Winner(Ctx(hr), kAccess), "rulCatchAll");
  EXPECT_EQ(org.Winner(Ctx(hr + R"(, "risk": {"level": "HIGH"})"), kAccess), "rulRisky");
  EXPECT_EQ(org.Evaluate(Ctx(hr), kAccess).outcome, Outcome::kDeny);
  // An INACTIVE app keeps its binding (docs/semantics.md).
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaOld"}, "ip": "198.51.100.1")"), kAccess),
            "rulCatchAll");
  // Policy-mappings/ still bind as before.
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaPay"}, "ip": "198.51.100.1")"), kAccess),
            "rulCatchAll");
}

TEST(A1_5_AccessPolicy, MappingWinsOverAContradictingLink) {
  const Org org(AccessOrgWithApps());
  // rstPay comes first by priority: were the link used, rulCatchAll would win.
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaWiki"}, "ip": "198.51.100.1")"), kAccess),
            "rulDefCatchAll");
}

TEST(A1_5_AccessPolicy, DanglingOrWrongTypeLinkGivesNoDecision) {
  const Org org(AccessOrgWithApps());
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaGone"}, "ip": "198.51.100.1")"), kAccess), "");
  EXPECT_EQ(org.Winner(Ctx(R"("app": {"id": "0oaSignOn"}, "ip": "198.51.100.1")"), kAccess), "");
}

TEST(A1_5_AccessPolicy, TraceSaysWhichSourceBoundTheApp) {
  std::map<std::string, std::string> files = AccessOrgWithApps();
  const fs::path dir = fs::temp_directory_path() / "policy_types_test_trace";
  fs::remove_all(dir);
  for (const auto& [path, text] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path) << text;
  }
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(dir.string(), nullptr);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const ReferenceEvaluator reference(*snapshot);
  auto trace_of = [&](const std::string& app) {
    absl::StatusOr<SignOnContext> ctx =
        ParseContext(Ctx(R"("app": {"id": ")" + app + R"("}, "ip": "198.51.100.1")"));
    EXPECT_TRUE(ctx.ok());
    Trace trace;
    reference.Evaluate(*ctx, kAccess, &trace);
    return TraceToText(trace);
  };
  EXPECT_THAT(trace_of("0oaHr"),
              HasSubstr("app 0oaHr is linked to this policy (apps.json _links.accessPolicy)"));
  EXPECT_THAT(trace_of("0oaPay"),
              HasSubstr("app 0oaPay is mapped to this policy (policy-mappings/)"));
  fs::remove_all(dir);
}

TEST(A1_5_AccessPolicy, DeviceAndPlatformWithOsxAliasThenCatchAllAtPriority99) {
  const Org org(AccessOrg());
  const std::string app = R"("app": {"id": "0oaPay"}, "ip": "198.51.100.1", )";
  EXPECT_EQ(org.Winner(Ctx(app + R"("device": {"managed": true, "registered": true,
                          "platform": {"type": "DESKTOP", "os": {"type": "MACOS"}}})"),
                       kAccess),
            "rulManaged");
  // Unknown `registered` fails the device check (Part A §A2 `device`).
  EXPECT_EQ(org.Winner(Ctx(app + R"("device": {"managed": true,
                          "platform": {"type": "DESKTOP", "os": {"type": "MACOS"}}})"),
                       kAccess),
            "rulCatchAll");
  EXPECT_EQ(org.Winner(Ctx(app + R"("risk": {"level": "HIGH"})"), kAccess), "rulRisky");
  EXPECT_EQ(org.Winner(Ctx(app + R"("risk": {"level": "LOW"})"), kAccess), "rulCatchAll");
}

TEST(A3_AccessPolicyOutcome, AppSignOnAccessGivesOutcomeAndVerificationMethodIsEchoed) {
  const Org org(AccessOrg());
  const Decision deny =
      org.Evaluate(Ctx(R"("app": {"id": "0oaPay"}, "ip": "198.51.100.1")"), kAccess);
  EXPECT_EQ(deny.outcome, Outcome::kDeny);
  const std::string line = DecisionToJsonLine("c", deny);
  EXPECT_THAT(line, HasSubstr("\"appSignOn\""));
  EXPECT_THAT(line, HasSubstr("PT2H"));
  const Decision allow =
      org.Evaluate(Ctx(R"("app": {"id": "0oaWiki"}, "ip": "198.51.100.1")"), kAccess);
  EXPECT_EQ(allow.outcome, Outcome::kAllow);
}

TEST(A1_6_CombinedOutcome, DenyIfEitherDeniesElseChallengeElseAllow) {
  Decision gs, app;
  gs.outcome = Outcome::kAllow;
  app.outcome = Outcome::kDeny;
  EXPECT_EQ(CombineIdentityEngineOutcome(gs, app), Outcome::kDeny);
  gs.outcome = Outcome::kChallenge;
  app.outcome = Outcome::kAllow;
  EXPECT_EQ(CombineIdentityEngineOutcome(gs, app), Outcome::kChallenge);
  gs.outcome = Outcome::kAllow;
  EXPECT_EQ(CombineIdentityEngineOutcome(gs, app), Outcome::kAllow);
  app.outcome = Outcome::kNone;
  EXPECT_EQ(CombineIdentityEngineOutcome(gs, app), Outcome::kNone);
}

// ------------------------------------------------------------ IDP_DISCOVERY

constexpr PolicyType kIdp = PolicyType::kIdpDiscovery;

std::map<std::string, std::string> IdpOrg() {
  const std::string idp = R"({"idp": {"providers": [{"type": "SAML2", "id": "0oaIdp"}]}})";
  return OnePolicy(
      "IDP_DISCOVERY",
      "[" +
          Rule(
              "0prEquals", 1,
              R"({"userIdentifier": {"type": "IDENTIFIER", "patterns": [{"matchType": "EQUALS", "value": "Guest@Acme.Example"}]}})",
              idp) +
          "," +
          Rule(
              "0prStarts", 2,
              R"({"userIdentifier": {"type": "IDENTIFIER", "patterns": [{"matchType": "STARTS_WITH", "value": "ext-"}]}})",
              idp) +
          "," +
          Rule(
              "0prSuffix", 3,
              R"({"userIdentifier": {"type": "IDENTIFIER", "patterns": [{"matchType": "SUFFIX", "value": "@partner.example"}]}})",
              idp) +
          "," +
          Rule(
              "0prContains", 4,
              R"({"userIdentifier": {"type": "IDENTIFIER", "patterns": [{"matchType": "CONTAINS", "value": ".sso."}]}})",
              idp) +
          "," +
          Rule(
              "0prOfficeMac", 5,
              R"({"network": {"connection": "ZONE", "include": ["nzoOffice"]}, "platform": {"include": [{"type": "DESKTOP", "os": {"type": "OSX"}}], "exclude": []}})",
              idp) +
          "," +
          Rule("0prApp", 6,
               R"({"app": {"include": [{"type": "APP", "id": "0oaPay"}], "exclude": []}})", idp) +
          "," +
          Rule("0prDefault", 7, R"({"network": {"connection": "ANYWHERE"}})",
               R"({"idp": {"providers": [{"type": "OKTA"}]}})") +
          "]");
}

std::string Login(const std::string& login, const std::string& extra = "") {
  return R"({"id": "c", "user": {"id": "00u1", "login": ")" + login +
         R"("}, "ip": "198.51.100.1")" + (extra.empty() ? "" : ", " + extra) + "}";
}

TEST(B1_4_IdpDiscovery, UserIdentifierMatchTypesAreCaseInsensitive) {
  const Org org(IdpOrg());
  EXPECT_EQ(org.Winner(Login("guest@acme.example"), kIdp), "0prEquals");
  EXPECT_EQ(org.Winner(Login("guest@acme.example.org"), kIdp), "0prDefault");
  EXPECT_EQ(org.Winner(Login("EXT-bob@acme.example"), kIdp), "0prStarts");
  EXPECT_EQ(org.Winner(Login("bob@Partner.Example"), kIdp), "0prSuffix");
  EXPECT_EQ(org.Winner(Login("bob@partner.example.evil"), kIdp), "0prDefault");
  EXPECT_EQ(org.Winner(Login("bob.SSO.x@acme.example"), kIdp), "0prContains");
  // loginIdentifier (what was typed) wins over user.login.
  EXPECT_EQ(org.Winner(Login("bob@acme.example", R"("loginIdentifier": "ext-bob")"), kIdp),
            "0prStarts");
}

TEST(B1_4_IdpDiscovery, NetworkAndPlatformWithOsxEqualsMacos) {
  const Org org(IdpOrg());
  const std::string mac = R"("device": {"platform": {"type": "DESKTOP", "os": {"type": "MACOS"}}})";
  const std::string osx = R"("device": {"platform": {"type": "DESKTOP", "os": "OSX"}})";
  const std::string win = R"("device": {"platform": {"type": "DESKTOP", "os": "WINDOWS"}})";
  auto at = [](const std::string& ip, const std::string& device) {
    return R"({"id": "c", "user": {"id": "00u1", "login": "a@acme.example"}, "ip": ")" + ip +
           R"(", )" + device + "}";
  };
  EXPECT_EQ(org.Winner(at("203.0.113.9", mac), kIdp), "0prOfficeMac");
  EXPECT_EQ(org.Winner(at("203.0.113.9", osx), kIdp), "0prOfficeMac");
  EXPECT_EQ(org.Winner(at("203.0.113.9", win), kIdp), "0prDefault");
  EXPECT_EQ(org.Winner(at("198.51.100.1", mac), kIdp), "0prDefault");
}

TEST(B1_4_IdpDiscovery, AppIncludeNeedsTheAppAndProvidersAreEchoed) {
  const Org org(IdpOrg());
  EXPECT_EQ(org.Winner(Login("a@acme.example", R"("app": {"id": "0oaPay"})"), kIdp), "0prApp");
  EXPECT_EQ(org.Winner(Login("a@acme.example", R"("app": {"id": "0oaOther"})"), kIdp),
            "0prDefault");
  const Decision d = org.Evaluate(Login("a@acme.example", R"("app": {"id": "0oaPay"})"), kIdp);
  EXPECT_EQ(d.outcome, Outcome::kNone);  // no access outcome for this type
  EXPECT_THAT(DecisionToJsonLine("c", d), HasSubstr("\"providers\""));
  EXPECT_THAT(DecisionToJsonLine("c", d), HasSubstr("0oaIdp"));
}

// Issue 18 item 6: an `app` entry {"type": "APP_TYPE", "name": ...} names the
// catalog `name` of apps.json's Application (SPEC#AppAndInstancePolicyRuleCondition:
// "include": [{"type": "APP_TYPE", "name": ...}]). 0oaHr is an oidc_client,
// 0oaWiki a bookmark; 0oaNew is not in apps.json, so no type is known for it.
TEST(B1_4_IdpDiscovery, AppTypeEntriesMatchTheAppsCatalogName) {
  std::map<std::string, std::string> files = OnePolicy(
      "IDP_DISCOVERY",
      "[" +
          Rule(
              "0prOidc", 1,
              R"({"app": {"include": [{"type": "APP_TYPE", "name": "oidc_client"}], "exclude": []}})",
              R"({"idp": {"providers": [{"type": "SAML2", "id": "0oaIdp"}]}})") +
          "," +
          Rule("0prNotBookmark", 2,
               R"({"app": {"include": [], "exclude": [{"type": "APP_TYPE", "name": "bookmark"}]}})",
               R"({"idp": {"providers": [{"type": "SAML2", "id": "0oaIdp2"}]}})") +
          "," +
          Rule("0prDefault", 3, R"({"network": {"connection": "ANYWHERE"}})",
               R"({"idp": {"providers": [{"type": "OKTA"}]}})") +
          "]");
  files["apps.json"] = R"([
  {"id": "0oaHr", "name": "oidc_client", "label": "HR", "status": "ACTIVE"},
  {"id": "0oaWiki", "name": "bookmark", "label": "Wiki", "status": "ACTIVE"}
])";
  const Org org(files);
  EXPECT_EQ(org.Winner(Login("a@acme.example", R"("app": {"id": "0oaHr"})"), kIdp), "0prOidc");
  // A bookmark: not an oidc_client, and excluded by type from the second rule.
  EXPECT_EQ(org.Winner(Login("a@acme.example", R"("app": {"id": "0oaWiki"})"), kIdp), "0prDefault");
  // Unknown to apps.json: no type, so the include fails and the exclude holds.
  EXPECT_EQ(org.Winner(Login("a@acme.example", R"("app": {"id": "0oaNew"})"), kIdp),
            "0prNotBookmark");
  // No app at all: likewise.
  EXPECT_EQ(org.Winner(Login("a@acme.example"), kIdp), "0prNotBookmark");
}

// ------------------------------------------------------------ other types

TEST(B1_4_ProfileEnrollment, NullConditionsMatchEveryoneAndActionIsEchoed) {
  const Org org(OnePolicy(
      "PROFILE_ENROLLMENT",
      "[" +
          Rule(
              "0prProfile", 1, "null",
              R"({"profileEnrollment": {"access": "ALLOW", "unknownUserAction": "REGISTER", "profileAttributes": [{"name": "email", "label": "Email", "required": true}]}})") +
          "]"));
  const Decision d =
      org.Evaluate(R"({"id": "c", "ip": "198.51.100.1"})", PolicyType::kProfileEnrollment);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->id, "0prProfile");
  EXPECT_THAT(DecisionToJsonLine("c", d), HasSubstr("REGISTER"));
}

TEST(B1_4_PostAuthSession, PeopleConditionDecides) {
  const Org org(OnePolicy(
      "POST_AUTH_SESSION",
      "[" +
          Rule("0prTerminate", 1,
               R"({"people": {"groups": {"include": ["00gA"], "exclude": ["00gVip"]}}})",
               R"({"postAuthSession": {"failureActions": [{"action": "TERMINATE_SESSION"}]}})") +
          "]"));
  constexpr PolicyType kType = PolicyType::kPostAuthSession;
  EXPECT_EQ(org.Winner(Ctx(R"("ip": "198.51.100.1")"), kType), "0prTerminate");
  EXPECT_EQ(org.Winner(Ctx(R"("ip": "198.51.100.1")", R"(["00gA", "00gVip"])"), kType), "");
  EXPECT_EQ(org.Winner(R"({"id": "c", "ip": "198.51.100.1"})", kType), "");
}

std::map<std::string, std::string> EntityRiskOrg() {
  const std::string act = R"({"entityRisk": {"actions": [{"action": "TERMINATE_ALL_SESSIONS"}]}})";
  return OnePolicy(
      "ENTITY_RISK",
      "[" +
          Rule(
              "0prHighBrute", 1,
              R"({"entityRisk": {"level": "HIGH"}, "riskDetectionTypes": {"include": ["BRUTE_FORCE_ATTACK", "OKTA_THREAT_INTELLIGENCE"]}})",
              act) +
          "," + Rule("0prMedium", 2, R"({"entityRisk": {"level": "MEDIUM"}})", act) + "," +
          Rule(
              "0prNotAdminReported", 3,
              R"({"entityRisk": {"level": "ANY"}, "riskDetectionTypes": {"exclude": ["ADMIN_REPORTED_USER_RISK"]}})",
              R"({"entityRisk": {"actions": []}})") +
          "]");
}

TEST(B1_4_EntityRisk, LevelIsExactAndDetectionTypesIncludeAny) {
  const Org org(EntityRiskOrg());
  constexpr PolicyType kType = PolicyType::kEntityRisk;
  EXPECT_EQ(org.Winner(
                Ctx(R"("entityRisk": {"level": "high", "detectionTypes": ["brute_force_attack"]})"),
                kType),
            "0prHighBrute");
  // HIGH without a listed detection: not rule 1; HIGH is not MEDIUM (exact).
  EXPECT_EQ(
      org.Winner(
          Ctx(R"("entityRisk": {"level": "HIGH", "detectionTypes": ["SUSPICIOUS_APP_ACCESS"]})"),
          kType),
      "0prNotAdminReported");
  EXPECT_EQ(org.Winner(Ctx(R"("entityRisk": {"level": "MEDIUM"})"), kType), "0prMedium");
}

TEST(B1_4_EntityRisk, ExcludeListAndContextWithoutEntityRisk) {
  const Org org(EntityRiskOrg());
  constexpr PolicyType kType = PolicyType::kEntityRisk;
  EXPECT_EQ(
      org.Winner(
          Ctx(R"("entityRisk": {"level": "LOW", "detectionTypes": ["ADMIN_REPORTED_USER_RISK"]})"),
          kType),
      "");
  // No entityRisk: level rules fail, ANY + exclude-only holds.
  EXPECT_EQ(org.Winner(Ctx(""), kType), "0prNotAdminReported");
}

TEST(B1_4_EntityRisk, ContextParserReadsEntityRisk) {
  absl::StatusOr<SignOnContext> ctx = ParseContext(
      R"({"entityRisk": {"level": "medium", "detectionTypes": ["session_influenced_user_risk"]}})");
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  ASSERT_TRUE(ctx->entity_risk.has_value());
  EXPECT_EQ(ctx->entity_risk->level, RiskLevel::kMedium);
  EXPECT_EQ(ctx->entity_risk->detection_types,
            std::vector<std::string>{"SESSION_INFLUENCED_USER_RISK"});
  EXPECT_FALSE(ParseContext(R"({"entityRisk": {"level": "SEVERE"}})").ok());
  EXPECT_FALSE(ParseContext(R"({"id": "x"})")->entity_risk.has_value());
}

TEST(B1_4_SessionViolationDetection, MinRiskLevelIsAtLeast) {
  const Org org(OnePolicy(
      "SESSION_VIOLATION_DETECTION",
      "[" +
          Rule(
              "0prSvd", 1,
              R"({"network": {"connection": "ANYWHERE"}, "riskScore": {"minRiskLevel": "MEDIUM"}})",
              R"({"sessionViolationDetection": {"policyEvaluation": {"enabled": true}}})") +
          "]"));
  constexpr PolicyType kType = PolicyType::kSessionViolationDetection;
  EXPECT_EQ(org.Winner(Ctx(R"("risk": {"level": "HIGH"})"), kType), "0prSvd");
  EXPECT_EQ(org.Winner(Ctx(R"("risk": {"level": "MEDIUM"})"), kType), "0prSvd");
  EXPECT_EQ(org.Winner(Ctx(R"("risk": {"level": "LOW"})"), kType), "");
  EXPECT_EQ(org.Winner(Ctx(""), kType), "");
}

TEST(B1_4_DeviceSignalCollection, NetworkAndPlatform) {
  const Org org(OnePolicy(
      "DEVICE_SIGNAL_COLLECTION",
      "[" +
          Rule(
              "0prDsc", 1,
              R"({"network": {"connection": "ZONE", "exclude": ["nzoOffice"]}, "platform": {"include": [{"type": "MOBILE", "os": {"type": "ANY"}}]}})",
              R"({"deviceSignalCollection": {"deviceContextProviders": []}})") +
          "]"));
  constexpr PolicyType kType = PolicyType::kDeviceSignalCollection;
  EXPECT_EQ(
      org.Winner(Ctx(R"("ip": "198.51.100.1", "device": {"platform": {"os": "ANDROID"}})"), kType),
      "0prDsc");
  EXPECT_EQ(
      org.Winner(Ctx(R"("ip": "203.0.113.1", "device": {"platform": {"os": "ANDROID"}})"), kType),
      "");
  EXPECT_EQ(
      org.Winner(Ctx(R"("ip": "198.51.100.1", "device": {"platform": {"os": "WINDOWS"}})"), kType),
      "");
}

// ------------------------------------------------------------ authorization servers

std::map<std::string, std::string> OAuthOrg() {
  std::map<std::string, std::string> files = {
      {"zones.json", kZones},
      {"policies/OAUTH_AUTHORIZATION_POLICY.json", R"([
        {"id": "00pWeb", "name": "Web app", "type": "OAUTH_AUTHORIZATION_POLICY",
         "status": "ACTIVE", "priority": 1, "system": false,
         "conditions": {"clients": {"include": ["0oaWebClient"]}}},
        {"id": "00pAll", "name": "All clients", "type": "OAUTH_AUTHORIZATION_POLICY",
         "status": "ACTIVE", "priority": 2, "system": false,
         "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}}])"},
      {"rules/00pWeb.json",
       "[" +
           Rule(
               "0prWebCode", 1,
               R"({"people": {"groups": {"include": ["EVERYONE"]}}, "grantTypes": {"include": ["authorization_code"]}, "scopes": {"include": ["openid", "profile"]}})",
               R"({"token": {"accessTokenLifetimeMinutes": 60}})", "RESOURCE_ACCESS") +
           "]"},
      {"rules/00pAll.json",
       "[" +
           Rule(
               "0prAnyScope", 1,
               R"({"people": {"groups": {"include": ["EVERYONE"]}}, "grantTypes": {"include": ["client_credentials", "authorization_code"]}, "scopes": {"include": ["*"]}})",
               R"({"token": {"accessTokenLifetimeMinutes": 5}})", "RESOURCE_ACCESS") +
           "]"}};
  return files;
}

std::string OAuthCtx(const std::string& client, const std::string& grant,
                     const std::string& scopes) {
  return R"({"id": "c", "user": {"id": "00u1", "groups": []}, "client": {"id": ")" + client +
         R"("}, "grantType": ")" + grant + R"(", "scopes": )" + scopes + "}";
}

TEST(B1_4_AuthorizationServer, ClientsGrantTypesScopesAndEveryone) {
  const Org org(OAuthOrg());
  constexpr PolicyType kType = PolicyType::kOAuthAuthorizationPolicy;
  EXPECT_EQ(org.Winner(OAuthCtx("0oaWebClient", "authorization_code", R"(["openid"])"), kType),
            "0prWebCode");
  // A scope the web policy's rule does not list: falls through to ALL_CLIENTS and `*`.
  EXPECT_EQ(
      org.Winner(OAuthCtx("0oaWebClient", "authorization_code", R"(["payroll:read"])"), kType),
      "0prAnyScope");
  EXPECT_EQ(org.Winner(OAuthCtx("0oaService", "client_credentials", R"(["a", "b"])"), kType),
            "0prAnyScope");
  EXPECT_EQ(org.Winner(OAuthCtx("0oaService", "password", R"(["a"])"), kType), "");
}

// ------------------------------------------------------------ legacy device

std::map<std::string, std::string> MappedRules(const std::string& rules) {
  std::map<std::string, std::string> files = OnePolicy("ACCESS_POLICY", rules);
  files["policy-mappings/00pP.json"] = R"([{"id": "0oaApp"}])";
  return files;
}

TEST(B1_3_LegacyDevice, PlatformTypesRootedTrustLevel) {
  const Org mapped(MappedRules(
      "[" +
      Rule(
          "rulLegacy", 1,
          R"({"device": {"rooted": false, "trustLevel": "TRUSTED", "platform": {"types": ["IOS", "OSX"]}}})",
          R"({"appSignOn": {"access": "ALLOW"}})") +
      "]"));
  auto dev = [](const std::string& device) {
    return R"({"id": "c", "app": {"id": "0oaApp"}, "device": )" + device + "}";
  };
  EXPECT_EQ(mapped.Winner(
                dev(R"({"rooted": false, "trustLevel": "TRUSTED", "platform": {"os": "MACOS"}})"),
                kAccess),
            "rulLegacy");
  EXPECT_EQ(
      mapped.Winner(dev(R"({"rooted": false, "trustLevel": "trusted", "platform": {"os": "IOS"}})"),
                    kAccess),
      "rulLegacy");
  EXPECT_EQ(
      mapped.Winner(dev(R"({"rooted": true, "trustLevel": "TRUSTED", "platform": {"os": "IOS"}})"),
                    kAccess),
      "");
  // Unknown rooted fails, as every device flag the rule sets.
  EXPECT_EQ(mapped.Winner(dev(R"({"trustLevel": "TRUSTED", "platform": {"os": "IOS"}})"), kAccess),
            "");
  EXPECT_EQ(mapped.Winner(dev(R"({"rooted": false, "platform": {"os": "IOS"}})"), kAccess), "");
  EXPECT_EQ(mapped.Winner(
                dev(R"({"rooted": false, "trustLevel": "TRUSTED", "platform": {"os": "ANDROID"}})"),
                kAccess),
            "");
}

TEST(B1_3_LegacyDevice, SupportedMdmFrameworksNeverMatch) {
  const Org org(MappedRules(
      "[" + Rule("rulMdm", 1, R"({"device": {"platform": {"supportedMDMFrameworks": ["AFW"]}}})") +
      "]"));
  EXPECT_EQ(
      org.Winner(R"({"id": "c", "app": {"id": "0oaApp"}, "device": {"managed": true}})", kAccess),
      "");
}

TEST(B1_3_MdmEnrollment, AnyOrNoneMatchesOmmNeverAndNonSafeAndroidIsBlocked) {
  const Org org(MappedRules(
      "[" + Rule("rulOmm", 1, R"({"mdmEnrollment": {"enrollment": "OMM"}})") + "," +
      Rule("rulSafe", 2,
           R"({"mdmEnrollment": {"enrollment": "ANY_OR_NONE", "blockNonSafeAndroid": true}})") +
      "," + Rule("rulAny", 3, R"({"mdmEnrollment": {"enrollment": "ANY_OR_NONE"}})") + "]"));
  auto dev = [](const std::string& device) {
    return R"({"id": "c", "app": {"id": "0oaApp"}, "device": )" + device + "}";
  };
  EXPECT_EQ(org.Winner(dev(R"({"platform": {"os": "IOS"}})"), kAccess), "rulSafe");
  EXPECT_EQ(org.Winner(dev(R"({"platform": {"os": "ANDROID"}, "rooted": false})"), kAccess),
            "rulSafe");
  EXPECT_EQ(org.Winner(dev(R"({"platform": {"os": "ANDROID"}, "rooted": true})"), kAccess),
            "rulAny");
  EXPECT_EQ(org.Winner(dev(R"({"platform": {"os": "ANDROID"}})"), kAccess), "rulAny");
}

// ------------------------------------------------------------ DYNAMIC_V2

TEST(A2_DynamicV2, IncludeListsThenExcludeListsSubtract) {
  const Org org(MappedRules(
      "[" + Rule("rulV2", 1, R"({"network": {"connection": "ZONE", "include": ["nzoV2"]}})") + "," +
      Rule("rulTor", 2, R"({"network": {"connection": "ZONE", "include": ["nzoV2Cat"]}})") + "]"));
  auto at = [](const std::string& attrs) {
    return R"({"id": "c", "app": {"id": "0oaApp"}, "ip": "198.51.100.1", )" + attrs + "}";
  };
  EXPECT_EQ(org.Winner(at(R"("geo": {"country": "NL"}, "asn": 1136, "proxyType": null)"), kAccess),
            "rulV2");
  EXPECT_EQ(
      org.Winner(
          at(R"("geo": {"country": "BE", "region": "BE-VLG"}, "asn": 5432, "proxyType": null)"),
          kAccess),
      "rulV2");
  // Excluded region, excluded ASN, excluded category (any anonymizer), not included.
  EXPECT_EQ(
      org.Winner(
          at(R"("geo": {"country": "BE", "region": "BE-BRU"}, "asn": 5432, "proxyType": null)"),
          kAccess),
      "");
  EXPECT_EQ(org.Winner(at(R"("geo": {"country": "NL"}, "asn": 64512, "proxyType": null)"), kAccess),
            "");
  EXPECT_EQ(org.Winner(at(R"("geo": {"country": "NL"}, "asn": 1136, "proxyType": "ANONYMIZER")"),
                       kAccess),
            "");
  EXPECT_EQ(org.Winner(at(R"("geo": {"country": "DE"}, "asn": 1136, "proxyType": null)"), kAccess),
            "");
  // ipServiceCategories include ANONYMIZER_TOR: Tor yes, other anonymizer no.
  EXPECT_EQ(org.Winner(at(R"("geo": {"country": "NL"}, "asn": 1136, "proxyType": "TOR")"), kAccess),
            "rulTor");
  EXPECT_EQ(
      org.Winner(at(R"("geo": {"country": "DE"}, "asn": 1, "proxyType": "ANONYMIZER")"), kAccess),
      "");
}

}  // namespace
}  // namespace verdict
