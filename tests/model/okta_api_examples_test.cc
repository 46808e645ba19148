// Okta's own API examples (../shared/okta-api-examples, from the published
// OpenAPI spec) through the loader: every policy, rule, zone and mapping
// example is wrapped into a snapshot directory and must load without errors.
// Nothing is copied into the repository; the test skips when the directory is
// absent.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/model/snapshot_dir.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

using Json = nlohmann::ordered_json;
using testing::SnapshotDir;

std::filesystem::path ExamplesDir() {
  const char* env = std::getenv("VERDICT_SHARED_DIR");
  const std::filesystem::path shared = env != nullptr && *env != '\0'
                                           ? std::filesystem::path(env)
                                           : std::filesystem::path(VERDICT_SOURCE_DIR "/../shared");
  return shared / "okta-api-examples";
}

std::optional<Json> ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

std::string Dump(const IssueList& issues) {
  std::string out;
  for (const Issue& i : issues) {
    out += std::string(i.is_error() ? "  E " : "  W ") + i.code + " " + i.ToString() + "\n";
  }
  return out;
}

enum class Kind { kPolicy, kRule, kZone, kMapping, kLog, kSession, kOther };

Kind Classify(const std::string& path) {
  if (path.rfind("/api/v1/policies", 0) == 0) {
    if (path.find("/simulate") != std::string::npos) return Kind::kOther;
    if (path.find("/rules") != std::string::npos) return Kind::kRule;
    if (path.find("/mappings") != std::string::npos) return Kind::kMapping;
    return Kind::kPolicy;
  }
  if (path.rfind("/api/v1/zones", 0) == 0) return Kind::kZone;
  if (path.rfind("/api/v1/logs", 0) == 0) return Kind::kLog;
  if (path.rfind("/api/v1/sessions", 0) == 0) return Kind::kSession;
  return Kind::kOther;
}

// Examples Okta publishes that no strict reader can take, each with the
// issue code the loader must give it. The test fails if one of them starts
// loading (fixed upstream, or the loader grew lax), so the list stays true.
const std::map<std::string, std::string>& KnownBroken() {
  static const std::map<std::string, std::string> broken = {
      // Every scalar is a string with a trailing comma ("priority": "99,",
      // "system": "true,", "conditions": "null,", "type": "PROFILE_ENROLLMENT,"):
      // a YAML-to-JSON accident in the spec.
      {"update-identifiers-in-user-profile-policy.json", "json.type"},
      {"update-identifiers-in-user-profile-policy-response.json", "json.type"},
      // "value": "1.2.3.4/24'" (a stray quote after the prefix length).
      {"CreateIPPolicyNetworkZoneResponse.json", "zone.bad_cidr"},
      // A RANGE written "15.5.6.7/24-15.5.6.9": a CIDR block as the start of a
      // range, which has no single meaning.
      {"ReplaceNetworkZone.json", "zone.bad_range"},
      {"ReplaceNetworkZoneResponse.json", "zone.bad_range"},
  };
  return broken;
}

// The policy type a rule example belongs to: its own `type` mapped back, or,
// for examples without one, the action it carries.
std::string PolicyTypeForRule(const Json& rule) {
  if (rule.contains("type") && rule["type"].is_string()) {
    const std::string t = rule["type"].get<std::string>();
    if (t == "SIGN_ON") return "OKTA_SIGN_ON";
    if (t == "RESOURCE_ACCESS") return "OAUTH_AUTHORIZATION_POLICY";
    if (ParsePolicyType(t).has_value()) return t;
  }
  static const std::map<std::string, std::string> by_action = {
      {"signon", "OKTA_SIGN_ON"},
      {"appSignOn", "ACCESS_POLICY"},
      {"passwordChange", "PASSWORD"},
      {"selfServicePasswordReset", "PASSWORD"},
      {"enroll", "MFA_ENROLL"},
      {"idp", "IDP_DISCOVERY"},
      {"profileEnrollment", "PROFILE_ENROLLMENT"},
  };
  if (rule.contains("actions") && rule["actions"].is_object()) {
    for (auto it = rule["actions"].begin(); it != rule["actions"].end(); ++it) {
      auto found = by_action.find(it.key());
      if (found != by_action.end()) return found->second;
    }
  }
  return "";
}

Json AsArray(const Json& value) {
  if (value.is_array()) return value;
  Json array = Json::array();
  array.push_back(value);
  return array;
}

struct Example {
  std::string file;
  std::string path;
  std::string part;
  Kind kind;
};

class OktaApiExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ExamplesDir();
    if (!std::filesystem::exists(dir_ / "index.json")) {
      GTEST_SKIP() << "Okta API examples not found at " << dir_
                   << " (set VERDICT_SHARED_DIR to the directory holding okta-api-examples/)";
    }
    std::optional<Json> index = ReadJson(dir_ / "index.json");
    ASSERT_TRUE(index.has_value() && index->is_array()) << "index.json unreadable";
    std::set<std::pair<std::string, Kind>> seen;
    for (const Json& entry : *index) {
      Example e{entry.value("file", ""), entry.value("path", ""), entry.value("part", ""),
                Kind::kOther};
      // Error bodies (response-4xx) are not payloads of the resource.
      if (e.part != "request" && e.part != "response-200") continue;
      e.kind = Classify(e.path);
      if (e.kind == Kind::kOther) continue;
      if (!seen.insert({e.file, e.kind}).second) continue;
      examples_.push_back(e);
    }
  }

  std::vector<Example> Of(Kind kind) const {
    std::vector<Example> out;
    for (const Example& e : examples_) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  Json Read(const std::string& file) {
    std::optional<Json> json = ReadJson(dir_ / file);
    EXPECT_TRUE(json.has_value()) << file << " is not valid JSON";
    return json.value_or(Json());
  }

  // Loads `files` in a fresh directory; records the issues.
  absl::StatusOr<Snapshot> LoadFiles(const std::map<std::string, std::string>& files,
                                     IssueList* issues) {
    SnapshotDir dir;
    dir.WriteAll(files);
    return LoadSnapshot(dir.path(), issues);
  }

  // The snapshot wrapping one example file, or nullopt if it is not one the
  // kind can wrap.
  std::map<std::string, std::string> Wrap(const Example& e, const Json& json) {
    // rules/ exists: the policy examples carry no rules of their own.
    std::map<std::string, std::string> files = {{"zones.json", "[]"}, {"rules/", ""}};
    switch (e.kind) {
      case Kind::kPolicy: {
        const Json list = AsArray(json);
        std::map<std::string, Json> by_type;
        for (const Json& p : list) {
          by_type[p.value("type", "UNTYPED")].push_back(p);
        }
        for (const auto& [type, policies] : by_type) {
          files["policies/" + type + ".json"] = policies.dump();
        }
        break;
      }
      case Kind::kRule: {
        const Json list = AsArray(json);
        const std::string type = list.empty() ? "" : PolicyTypeForRule(list[0]);
        Json stub = Json::array();
        stub.push_back({{"id", "00pStub"}, {"type", type}, {"priority", 1}});
        files["policies/" + (type.empty() ? std::string("UNKNOWN") : type) + ".json"] = stub.dump();
        files["rules/00pStub.json"] = list.dump();
        break;
      }
      case Kind::kZone:
        files["zones.json"] = AsArray(json).dump();
        break;
      case Kind::kMapping: {
        Json stub = Json::array();
        stub.push_back({{"id", "00pStub"}, {"type", "ACCESS_POLICY"}});
        files["policies/ACCESS_POLICY.json"] = stub.dump();
        files["policy-mappings/00pStub.json"] = AsArray(json).dump();
        break;
      }
      default:
        break;
    }
    return files;
  }

  void ExpectAllLoad(Kind kind, size_t want_at_least) {
    const std::vector<Example> examples = Of(kind);
    EXPECT_GE(examples.size(), want_at_least);
    for (const Example& e : examples) {
      SCOPED_TRACE(e.file + " (" + e.path + " " + e.part + ")");
      const Json json = Read(e.file);
      IssueList issues;
      absl::StatusOr<Snapshot> s = LoadFiles(Wrap(e, json), &issues);
      if (auto broken = KnownBroken().find(e.file); broken != KnownBroken().end()) {
        EXPECT_FALSE(s.ok()) << "known-broken example now loads; update KnownBroken()";
        bool saw = false;
        for (const Issue& i : issues) saw |= i.is_error() && i.code == broken->second;
        EXPECT_TRUE(saw) << "want " << broken->second << "\n" << Dump(issues);
        continue;
      }
      EXPECT_TRUE(s.ok()) << s.status() << "\n" << Dump(issues);
      if (!issues.empty()) {
        std::cout << "[ warnings ] " << e.file << "\n" << Dump(issues);
      }
    }
  }

  std::filesystem::path dir_;
  std::vector<Example> examples_;
};

TEST_F(OktaApiExamplesTest, EveryPolicyExampleLoads) { ExpectAllLoad(Kind::kPolicy, 20); }

TEST_F(OktaApiExamplesTest, EveryRuleExampleLoads) { ExpectAllLoad(Kind::kRule, 40); }

TEST_F(OktaApiExamplesTest, EveryZoneExampleLoads) { ExpectAllLoad(Kind::kZone, 8); }

TEST_F(OktaApiExamplesTest, EveryPolicyMappingExampleLoads) {
  ExpectAllLoad(Kind::kMapping, 2);
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadFiles(
      Wrap({"", "", "", Kind::kMapping}, Read("policy-mapping-list-response.json")), &issues);
  ASSERT_TRUE(s.ok()) << s.status();
  // The app id comes from _links.application.href, not from the mapping's id.
  EXPECT_THAT(s->policies.at(0).mapped_app_ids, ::testing::ElementsAre("{appId}"));
}

TEST_F(OktaApiExamplesTest, ConstraintsObjectInResponseParses) {
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadFiles(
      Wrap({"", "", "", Kind::kRule}, Read("create-auth-policy-rule-condition-response.json")),
      &issues);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << Dump(issues);
  const Rule& rule = s->policies.at(0).rules.at(0);
  ASSERT_TRUE(rule.app_sign_on.has_value());
  EXPECT_EQ(rule.app_sign_on->access, Access::kAllow);
  EXPECT_EQ(rule.app_sign_on->verification_method_type, "ASSURANCE");
  EXPECT_EQ(rule.app_sign_on->factor_mode, "2FA");
  EXPECT_EQ(rule.app_sign_on->reauthenticate_in, "PT2H");
  EXPECT_THAT(rule.actions_json, ::testing::HasSubstr("\"constraints\":{\"knowledge\""));
  EXPECT_EQ(rule.priority, 0);
  ASSERT_TRUE(rule.conditions.platform.has_value());
  EXPECT_EQ(rule.conditions.platform->include.at(2).os_type, "MACOS");
  ASSERT_TRUE(rule.conditions.risk_score.has_value());
  EXPECT_FALSE(rule.conditions.risk_score->level.has_value());  // "ANY"
}

TEST_F(OktaApiExamplesTest, AllZonesQuirksParse) {
  IssueList issues;
  absl::StatusOr<Snapshot> s =
      LoadFiles(Wrap({"", "", "", Kind::kZone}, Read("RetrieveAllZones.json")), &issues);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << Dump(issues);
  bool saw_exclue = false;
  for (const Issue& i : issues) saw_exclue |= i.code == "zone.misspelled_exclude";
  EXPECT_TRUE(saw_exclue) << Dump(issues);
  const NetworkZone* dynamic = s->FindZone("nzoy0ox5xADOZtKrh0g6");
  ASSERT_NE(dynamic, nullptr);
  EXPECT_EQ(dynamic->proxy_type, ZoneProxyCriterion::kAny);  // "proxyType": "ANY"
  EXPECT_THAT(dynamic->asns, ::testing::ElementsAre(23457u));
  ASSERT_EQ(dynamic->locations.size(), 1u);
  EXPECT_EQ(dynamic->locations[0].region, "AF-BGL");
  const NetworkZone* ip = s->FindZone("nzowc1U5Jh5xuAK0o0g3");
  ASSERT_NE(ip, nullptr);
  ASSERT_EQ(ip->gateways.size(), 1u);
  EXPECT_EQ(ip->gateways[0], *ParseCidr("1.2.3.0/24"));  // "1.2.3.4/24", host bits masked
}

TEST_F(OktaApiExamplesTest, SignOnRulePriorityZero) {
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadFiles(
      Wrap({"", "", "", Kind::kRule}, Read("list-all-sign-on-policy-rule-response.json")), &issues);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << Dump(issues);
  const Policy& p = s->policies.at(0);
  EXPECT_EQ(p.type, PolicyType::kOktaSignOn);
  ASSERT_FALSE(p.rules.empty());
  EXPECT_EQ(p.rules[0].priority, 0);
  ASSERT_TRUE(p.rules[0].signon.has_value());
}

TEST_F(OktaApiExamplesTest, KnownBrokenExamplesAreReallyBroken) {
  for (const auto& [file, code] : KnownBroken()) {
    SCOPED_TRACE(file);
    const Json json = Read(file);
    ASSERT_TRUE(json.is_object());
    if (code == "json.type") {
      EXPECT_EQ(json.value("priority", Json()), Json("99,"));
    } else {
      EXPECT_TRUE(json.contains("gateways") || json.contains("proxies"));
    }
  }
  // Every entry is an example the index knows, so a renamed file is noticed.
  std::set<std::string> indexed;
  for (const Example& e : examples_) indexed.insert(e.file);
  for (const auto& [file, code] : KnownBroken()) EXPECT_EQ(indexed.count(file), 1u) << file;
}

// Log and session examples: later issues turn them into contexts; here they
// must at least be the JSON shapes that work will read.
TEST_F(OktaApiExamplesTest, LogExamplesAreLogEvents) {
  const std::vector<Example> logs = Of(Kind::kLog);
  EXPECT_GE(logs.size(), 3u);
  for (const Example& e : logs) {
    SCOPED_TRACE(e.file);
    const Json json = Read(e.file);
    ASSERT_TRUE(json.is_object() || json.is_array());
    if (json.is_object() && json.contains("from") && json.contains("to")) {
      // LogTargetChangeDetails: a fragment of a target's changeDetails.
      EXPECT_TRUE(json["from"].is_object());
      EXPECT_TRUE(json["to"].is_object());
      continue;
    }
    for (const Json& event : AsArray(json)) {
      ASSERT_TRUE(event.is_object());
      for (const char* key :
           {"uuid", "published", "eventType", "actor", "client", "outcome", "request", "target"}) {
        EXPECT_TRUE(event.contains(key)) << "missing " << key;
      }
      EXPECT_TRUE(event["request"].contains("ipChain"));
    }
  }
}

TEST_F(OktaApiExamplesTest, SessionExamplesAreSessions) {
  const std::vector<Example> sessions = Of(Kind::kSession);
  EXPECT_GE(sessions.size(), 2u);
  for (const Example& e : sessions) {
    SCOPED_TRACE(e.file);
    const Json json = Read(e.file);
    ASSERT_TRUE(json.is_object());
    for (const char* key :
         {"id", "userId", "login", "status", "createdAt", "lastFactorVerification", "amr"}) {
      EXPECT_TRUE(json.contains(key)) << "missing " << key;
    }
    EXPECT_TRUE(json["amr"].is_array());
  }
}

}  // namespace
}  // namespace verdict
