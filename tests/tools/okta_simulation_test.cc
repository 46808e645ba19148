// Okta's policy simulation on a snapshot (tools/policy-sim/okta_simulation.h):
// the request body mapped onto a §2 context, Okta's error codes, and the
// response built from the reference evaluator's trace. Expected decisions
// come from the engine (the compiled set and the reference evaluator's
// trace) for the same context, not from constants: the fixture org may
// change, the mapping must not.
#include "tools/policy-sim/okta_simulation.h"

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"
#include "verdict/system_log.h"

namespace verdict::cli {
namespace {

using Json = nlohmann::json;

constexpr char kEngineering[] = "00gEngineering0000g7";
constexpr char kEveryone[] = "00gEveryone0000000g7";
constexpr char kOfficeHq[] = "nzoOfficeHq0000000g7";
constexpr char kWiki[] = "0oaWiki00000000000g7";

class OktaSimulationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    IssueList issues;
    absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
        LoadAndCompile(VERDICT_SOURCE_DIR "/fixtures/org", &issues);
    ASSERT_TRUE(set.ok()) << set.status();
    set_ = new std::shared_ptr<const CompiledPolicySet>(*std::move(set));
    reference_ = new ReferenceEvaluator(*set_);
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete set_;
  }

  static const Snapshot& snapshot() { return (*set_)->snapshot(); }

  // Parses `body`, expecting success.
  static SimulationRequest Parse(const std::string& body) {
    SimulationRequest request;
    OktaError error;
    EXPECT_TRUE(ParseSimulationRequest(body, snapshot(), &request, &error))
        << body << " -> " << error.code << " " << (error.causes.empty() ? "" : error.causes[0]);
    return request;
  }

  // Parses `body`, expecting an error.
  static OktaError ParseError(const std::string& body) {
    SimulationRequest request;
    OktaError error;
    EXPECT_FALSE(ParseSimulationRequest(body, snapshot(), &request, &error)) << body;
    return error;
  }

  static Json Respond(const SimulationRequest& request, SimulationExpand expand) {
    return Json::parse(SimulationResponseJson(**set_, *reference_, request, expand));
  }

  static std::shared_ptr<const CompiledPolicySet>* set_;
  static ReferenceEvaluator* reference_;
};

std::shared_ptr<const CompiledPolicySet>* OktaSimulationTest::set_ = nullptr;
ReferenceEvaluator* OktaSimulationTest::reference_ = nullptr;

// An engineer in the office: groups and zones given, an OKTA_SIGN_ON request.
Json EngineerInOffice() {
  return Json{
      {"policyTypes", {"OKTA_SIGN_ON"}},
      {"policyContext",
       {{"groups", {{"ids", {kEngineering, kEveryone}}}}, {"zones", {{"ids", {kOfficeHq}}}}}}};
}

// ---------------------------------------------------------------- request

TEST_F(OktaSimulationTest, ObjectAndOneElementArrayGiveTheSameContext) {
  const Json body = EngineerInOffice();
  const SimulationRequest object = Parse(body.dump());
  const SimulationRequest array = Parse(Json::array({body}).dump());
  EXPECT_EQ(WriteContextJson(object.context), WriteContextJson(array.context));
  EXPECT_EQ(object.gives_user, array.gives_user);
  EXPECT_EQ(object.gives_network, array.gives_network);
}

TEST_F(OktaSimulationTest, ArrayOfTwoIsAValidationError) {
  const Json body = EngineerInOffice();
  const OktaError e = ParseError(Json::array({body, body}).dump());
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.code, "E0000001");
}

TEST_F(OktaSimulationTest, PolicyTypeIsAnAliasOfPolicyTypes) {
  const SimulationRequest plural = Parse(R"({"policyTypes": ["ACCESS_POLICY"]})");
  const SimulationRequest singular = Parse(R"({"policyType": ["ACCESS_POLICY"]})");
  const SimulationRequest string = Parse(R"({"policyType": "ACCESS_POLICY"})");
  const std::vector<PolicyType> want = {PolicyType::kAccessPolicy};
  EXPECT_EQ(plural.context.policy_types, want);
  EXPECT_EQ(singular.context.policy_types, want);
  EXPECT_EQ(string.context.policy_types, want);
}

TEST_F(OktaSimulationTest, ZonesIdsBecomeTheContextsZones) {
  const SimulationRequest r = Parse(EngineerInOffice().dump());
  ASSERT_TRUE(r.context.zones.has_value());
  EXPECT_EQ(*r.context.zones, std::vector<std::string>{kOfficeHq});
  EXPECT_TRUE(r.context.ip_chain.empty());
  EXPECT_TRUE(r.gives_network);
  EXPECT_TRUE(r.gives_user);
  EXPECT_EQ(r.context.user.groups, (std::vector<std::string>{kEngineering, kEveryone}));
  EXPECT_FALSE(r.gives_platform);
  EXPECT_FALSE(r.gives_risk);
}

TEST_F(OktaSimulationTest, IpBecomesTheChain) {
  const SimulationRequest r = Parse(R"({"policyContext": {"ip": "192.0.2.99"}})");
  ASSERT_EQ(r.context.ip_chain.size(), 1u);
  EXPECT_EQ(r.context.ip_chain[0].ToString(), "192.0.2.99");
  EXPECT_FALSE(r.context.zones.has_value());
  EXPECT_TRUE(r.gives_network);
}

TEST_F(OktaSimulationTest, EveryOktaPlatformMapsOntoTypeAndOs) {
  struct Case {
    const char* okta;
    const char* type;
    const char* os;
  };
  for (const Case& c : std::vector<Case>{{"IOS", "MOBILE", "IOS"},
                                         {"ANDROID", "MOBILE", "ANDROID"},
                                         {"WINDOWS", "DESKTOP", "WINDOWS"},
                                         {"MACOS", "DESKTOP", "MACOS"},
                                         {"CHROMEOS", "DESKTOP", "CHROMEOS"},
                                         {"DESKTOP_OTHER", "DESKTOP", "OTHER"},
                                         {"MOBILE_OTHER", "MOBILE", "OTHER"}}) {
    SCOPED_TRACE(c.okta);
    const SimulationRequest r =
        Parse(Json{{"policyContext", {{"device", {{"platform", c.okta}}}}}}.dump());
    EXPECT_EQ(r.context.device.platform_type, c.type);
    EXPECT_EQ(r.context.device.os_type, c.os);
    EXPECT_TRUE(r.gives_platform);
  }
}

TEST_F(OktaSimulationTest, DeviceFlagsAndAssuranceAreGivenOnlyWhenPresent) {
  const SimulationRequest r = Parse(
      R"({"policyContext": {"device": {"managed": true, "assuranceId": "dae1"},
                            "risk": {"level": "HIGH"}}})");
  EXPECT_EQ(r.context.device.managed, std::optional<bool>(true));
  EXPECT_FALSE(r.context.device.registered.has_value());
  EXPECT_EQ(r.context.device.assurance, std::vector<std::string>{"dae1"});
  EXPECT_TRUE(r.gives_managed);
  EXPECT_FALSE(r.gives_registered);
  EXPECT_TRUE(r.gives_assurance);
  EXPECT_TRUE(r.gives_risk);
  EXPECT_EQ(r.context.risk_level, std::optional<RiskLevel>(RiskLevel::kHigh));
}

TEST_F(OktaSimulationTest, KnownAppBecomesTheContextsApp) {
  const SimulationRequest r = Parse(Json{{"appInstance", kWiki}}.dump());
  EXPECT_EQ(r.context.app_id, kWiki);
}

TEST_F(OktaSimulationTest, ErrorsUseOktasCodes) {
  struct Case {
    const char* name;
    std::string body;
    int status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"not JSON", "{policyTypes", 400, "E0000003"},
      {"empty", "", 400, "E0000003"},
      {"a number", "42", 400, "E0000003"},
      {"an array of a string", R"(["x"])", 400, "E0000003"},
      {"unknown app", R"({"appInstance": "0oaNoSuchApp000000g7"})", 404, "E0000007"},
      {"app not a string", R"({"appInstance": 7})", 400, "E0000001"},
      {"policyContext not an object", R"({"policyContext": []})", 400, "E0000001"},
      {"zones without ids", R"({"policyContext": {"zones": {}}})", 400, "E0000001"},
      {"zone id not a string", R"({"policyContext": {"zones": {"ids": [1]}}})", 400, "E0000001"},
      {"groups without ids", R"({"policyContext": {"groups": {"id": "x"}}})", 400, "E0000001"},
      {"unknown platform", R"({"policyContext": {"device": {"platform": "BEOS"}}})", 400,
       "E0000001"},
      {"bad ip", R"({"policyContext": {"ip": "300.1.1.1"}})", 400, "E0000001"},
      {"unknown policy type", R"({"policyTypes": ["NOPE"]})", 400, "E0000001"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const OktaError e = ParseError(c.body);
    EXPECT_EQ(e.status, c.status);
    EXPECT_EQ(e.code, c.code);
    EXPECT_FALSE(e.summary.empty());
  }
}

TEST_F(OktaSimulationTest, ErrorBodyIsOktasShape) {
  const OktaError e = ParseError(R"({"appInstance": "0oaNoSuchApp000000g7"})");
  const Json body = Json::parse(OktaErrorJson(e, "vrd1"));
  EXPECT_EQ(body["errorCode"], "E0000007");
  EXPECT_EQ(body["errorId"], "vrd1");
  EXPECT_TRUE(body["errorSummary"].is_string());
  EXPECT_TRUE(body["errorLink"].is_string());
  EXPECT_TRUE(body["errorCauses"].is_array());
}

// ---------------------------------------------------------------- response

// Walks every policy and rule of a response entry, calling `f(policy, rule
// or null, condition)`.
template <typename F>
void ForEachCondition(const Json& entry, F f) {
  for (const char* list : {"result", "evaluated", "undefined"}) {
    for (const Json& p : entry[list]["policies"]) {
      for (const Json& c : p["conditions"]) f(p, static_cast<const Json*>(nullptr), c);
      for (const Json& r : p["rules"]) {
        for (const Json& c : r["conditions"]) f(p, &r, c);
      }
    }
  }
}

TEST_F(OktaSimulationTest, ResultIsTheEnginesDecisionForTheSameContext) {
  for (const Json& body :
       {EngineerInOffice(),
        Json{{"policyTypes", {"OKTA_SIGN_ON"}},
             {"policyContext", {{"groups", {{"ids", {kEveryone}}}}, {"ip", "203.0.113.7"}}}},
        Json{{"appInstance", kWiki}, {"policyContext", {{"device", {{"platform", "IOS"}}}}}},
        Json{{"appInstance", kWiki}, {"policyContext", {{"device", {{"platform", "WINDOWS"}}}}}}}) {
    SCOPED_TRACE(body.dump());
    const SimulationRequest request = Parse(body.dump());
    const Json response = Respond(request, {});
    ASSERT_TRUE(response["evaluation"].is_array());
    // TypesToEvaluate may return a view of its second argument: keep it.
    const std::vector<PolicyType> snapshot_types = snapshot().Types();
    const absl::Span<const PolicyType> types = TypesToEvaluate(request.context, snapshot_types);
    ASSERT_EQ(response["evaluation"].size(), types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      const Json& entry = response["evaluation"][i];
      EXPECT_EQ(entry["policyType"], std::string(PolicyTypeName(types[i])));
      for (const char* list : {"result", "evaluated", "undefined"}) {
        EXPECT_TRUE(entry[list]["policies"].is_array()) << list;
      }
      // Without expand, neither the policies that did not decide nor their
      // other rules are listed.
      EXPECT_TRUE(entry["evaluated"]["policies"].empty());
      EXPECT_TRUE(entry["undefined"]["policies"].empty());
      const Decision want = (*set_)->Evaluate(request.context, types[i]);
      const Json& result = entry["result"]["policies"];
      if (want.policy == nullptr) {
        EXPECT_TRUE(result.empty());
        continue;
      }
      ASSERT_EQ(result.size(), 1u);
      EXPECT_EQ(result[0]["id"], want.policy->id);
      EXPECT_EQ(result[0]["status"], "MATCH");
      if (want.rule != nullptr) {
        ASSERT_EQ(result[0]["rules"].size(), 1u);
        EXPECT_EQ(result[0]["rules"][0]["id"], want.rule->id);
        EXPECT_EQ(result[0]["rules"][0]["status"], "MATCH");
      }
    }
  }
}

TEST_F(OktaSimulationTest, ConditionsCarryOktasTypeNames) {
  const SimulationRequest request = Parse(EngineerInOffice().dump());
  const Json response = Respond(request, {.evaluated = true, .rules = true});
  std::set<std::string> seen;
  for (const Json& entry : response["evaluation"]) {
    ForEachCondition(entry, [&](const Json&, const Json*, const Json& c) {
      seen.insert(c["type"].get<std::string>());
    });
  }
  // Verdict's own names for the people condition and for "not set" entries
  // never reach Okta's format: people.include becomes people.groups.include
  // or people.users.include, riskScore.level riskScore, and a condition that
  // is not set is left out.
  for (const char* internal : {"people", "people.include", "riskScore.level"}) {
    EXPECT_FALSE(seen.count(internal)) << internal;
  }
  // The engineering policy lists a group; its rules list zones.
  EXPECT_TRUE(seen.count("people.groups.include"));
  EXPECT_TRUE(seen.count("network.include"));
}

// The Wiki app's policy has a rule for iPhones and iPads: its platform
// condition is the trace's verdict (MATCH for IOS, NOT_MATCH for WINDOWS)
// when the request names a platform, UNDEFINED when it names none.
TEST_F(OktaSimulationTest, PlatformConditionFollowsTheGivenPlatform) {
  struct Case {
    Json device;
    const char* want;
  };
  for (const Case& c : std::vector<Case>{{Json{{"platform", "IOS"}}, "MATCH"},
                                         {Json{{"platform", "WINDOWS"}}, "NOT_MATCH"},
                                         {Json::object(), "UNDEFINED"}}) {
    SCOPED_TRACE(c.device.dump());
    const SimulationRequest request = Parse(Json{
        {"policyTypes", {"ACCESS_POLICY"}},
        {"appInstance", kWiki},
        {"policyContext",
         {{"device", c.device}}}}.dump());
    const Json response = Respond(request, {.evaluated = true, .rules = true});
    ASSERT_EQ(response["evaluation"].size(), 1u);
    Trace trace;
    const Decision want = reference_->Evaluate(request.context, PolicyType::kAccessPolicy, &trace);
    std::map<std::string, bool> traced;  // rule id -> its platform condition held
    for (const PolicyTrace& pt : trace.policies) {
      for (const RuleTrace& rt : pt.rules) {
        for (const ConditionVerdict& v : rt.conditions) {
          if (rt.rule != nullptr && v.condition.starts_with("platform")) {
            traced[rt.rule->id] = v.matched;
          }
        }
      }
    }
    std::set<std::string> statuses;
    ForEachCondition(response["evaluation"][0],
                     [&](const Json&, const Json* rule, const Json& cond) {
                       if (rule == nullptr) return;
                       if (!cond["type"].get<std::string>().starts_with("platform")) return;
                       const std::string id = (*rule)["id"];
                       ASSERT_TRUE(traced.count(id)) << id;
                       const std::string status = cond["status"];
                       statuses.insert(status);
                       if (c.device.contains("platform")) {
                         EXPECT_EQ(status, traced[id] ? "MATCH" : "NOT_MATCH") << id;
                       } else {
                         EXPECT_EQ(status, "UNDEFINED") << id;
                       }
                     });
    EXPECT_TRUE(statuses.count(c.want));
    // The decision is the engine's for the same context.
    ASSERT_NE(want.rule, nullptr);
    const Json& result = response["evaluation"][0]["result"]["policies"];
    ASSERT_EQ(result.size(), 1u);
    // With expand=RULE every evaluated rule is listed; the deciding one is
    // MATCH.
    int deciding = 0;
    for (const Json& rule : result[0]["rules"]) {
      if (rule["id"] != want.rule->id) continue;
      ++deciding;
      EXPECT_EQ(rule["status"], "MATCH");
    }
    EXPECT_EQ(deciding, 1);
  }
}

// A condition's status is the trace's verdict when the request gave the
// condition's input, UNDEFINED when it did not.
TEST_F(OktaSimulationTest, StatusesFollowTheTraceAndTheGivenInputs) {
  struct Case {
    const char* name;
    Json body;
    const char* type;  // a condition type the response must report
    bool given;        // the request carried that condition's input
  };
  const std::vector<Case> cases = {
      {"zones given", EngineerInOffice(), "network.include", true},
      {"groups given", EngineerInOffice(), "people.groups.include", true},
      {"no network",
       Json{{"policyTypes", {"OKTA_SIGN_ON"}},
            {"policyContext", {{"groups", {{"ids", {kEngineering, kEveryone}}}}}}},
       "network.include", false},
      {"no user",
       Json{{"policyTypes", {"OKTA_SIGN_ON"}}, {"policyContext", {{"ip", "203.0.113.7"}}}},
       "people.groups.include", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const SimulationRequest request = Parse(c.body.dump());
    const Json response = Respond(request, {.evaluated = true, .rules = true});
    // The trace of the same context, by (policy id, rule id or "").
    std::map<std::pair<std::string, std::string>, std::map<std::string, bool>> traced;
    const std::vector<PolicyType> snapshot_types = snapshot().Types();
    for (PolicyType type : TypesToEvaluate(request.context, snapshot_types)) {
      Trace trace;
      reference_->Evaluate(request.context, type, &trace);
      for (const PolicyTrace& pt : trace.policies) {
        if (pt.policy == nullptr) continue;
        for (const ConditionVerdict& v : pt.conditions) {
          traced[{pt.policy->id, ""}][v.condition] = v.matched;
        }
        for (const RuleTrace& rt : pt.rules) {
          if (rt.rule == nullptr) continue;
          for (const ConditionVerdict& v : rt.conditions) {
            traced[{pt.policy->id, rt.rule->id}][v.condition] = v.matched;
          }
        }
      }
    }
    int reported = 0;
    for (const Json& entry : response["evaluation"]) {
      ForEachCondition(entry, [&](const Json& p, const Json* r, const Json& cond) {
        if (cond["type"] != c.type) return;
        ++reported;
        const std::string status = cond["status"];
        if (!c.given) {
          EXPECT_EQ(status, "UNDEFINED") << p["id"];
          return;
        }
        // The trace names the condition as Verdict does; the Okta name is
        // a prefix-preserving or people.* mapping of it.
        const auto& conditions = traced[{p["id"], r != nullptr ? (*r)["id"] : ""}];
        bool any_match = false;
        bool any = false;
        for (const auto& [name, matched] : conditions) {
          const bool same_input = std::string(c.type).starts_with("network")
                                      ? name.starts_with("network")
                                      : name.starts_with("people");
          if (!same_input) continue;
          any = true;
          any_match |= matched;
        }
        ASSERT_TRUE(any) << p["id"];
        EXPECT_NE(status, "UNDEFINED");
        if (!any_match) {
          EXPECT_EQ(status, "NOT_MATCH") << p["id"];
        }
      });
    }
    EXPECT_GT(reported, 0);
  }
}

TEST_F(OktaSimulationTest, ExpandListsTheOtherPoliciesAndRules) {
  const SimulationRequest request = Parse(EngineerInOffice().dump());
  const Json plain = Respond(request, {});
  const Json expanded = Respond(request, {.evaluated = true, .rules = true});
  ASSERT_EQ(plain["evaluation"].size(), expanded["evaluation"].size());
  for (size_t i = 0; i < plain["evaluation"].size(); ++i) {
    const Json& p = plain["evaluation"][i];
    const Json& e = expanded["evaluation"][i];
    EXPECT_EQ(p["result"]["policies"].size(), e["result"]["policies"].size());
    if (e["result"]["policies"].empty()) continue;
    EXPECT_EQ(p["result"]["policies"][0]["id"], e["result"]["policies"][0]["id"]);
    EXPECT_GE(e["result"]["policies"][0]["rules"].size(),
              p["result"]["policies"][0]["rules"].size());
    // Policies that did not decide are listed only with expand=EVALUATED,
    // each NOT_MATCH or UNDEFINED.
    for (const char* list : {"evaluated", "undefined"}) {
      for (const Json& policy : e[list]["policies"]) {
        EXPECT_EQ(policy["status"], std::string(list) == "evaluated" ? "NOT_MATCH" : "UNDEFINED");
      }
    }
  }
}

// The response built from the compiled engine's reasons (each item it
// shows checked again alone) is the response built from the reference
// evaluator's full trace, on random orgs, for every expand and every mix of
// inputs given (which decides the UNDEFINED statuses).
TEST(OktaSimulationFromReasons, EqualsTheResponseFromFullTracesOnRandomOrgs) {
  int64_t responses = 0;
  int64_t evaluated_policies = 0;
  int64_t undefined_policies = 0;
  for (int64_t org = 0; org < 6; ++org) {
    synth::OrgOptions options = synth::DifferentialOrgOptions(/*seed=*/13, org);
    if (org % 2 == 1) options.rare_condition_percent = 40;
    auto set = Compile(synth::GenerateOrg(options));
    ASSERT_TRUE(set.ok()) << set.status();
    const Snapshot& snapshot = (*set)->snapshot();
    const ReferenceEvaluator reference(*set);
    const std::vector<PolicyType> snapshot_types = snapshot.Types();
    std::vector<SignOnContext> contexts = synth::GenerateContexts(snapshot, 50, 90 + org);
    for (size_t i = 0; i < contexts.size(); i += 4) {
      synth::ToZoneForm(snapshot, org + i, &contexts[i]);
    }
    uint64_t bits = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(org + 1);
    for (SignOnContext& ctx : contexts) {
      SimulationRequest request;
      request.context = ctx;
      bits = bits * 6364136223846793005ULL + 1442695040888963407ULL;
      request.gives_user = (bits >> 33) & 1;
      request.gives_network = (bits >> 34) & 1;
      request.gives_platform = (bits >> 35) & 1;
      request.gives_registered = (bits >> 36) & 1;
      request.gives_managed = (bits >> 37) & 1;
      request.gives_assurance = (bits >> 38) & 1;
      request.gives_risk = (bits >> 39) & 1;
      std::vector<SimulatedType> traced;
      for (PolicyType type : TypesToEvaluate(ctx, snapshot_types)) {
        SimulatedType& st = traced.emplace_back();
        st.type = type;
        st.decision = reference.Evaluate(ctx, type, &st.trace);
      }
      for (int e = 0; e < 4; ++e) {
        const SimulationExpand expand{(e & 1) != 0, (e & 2) != 0};
        const std::string want = SimulationResponseJson(traced, request, expand);
        const std::string got = SimulationResponseJson(**set, reference, request, expand);
        ASSERT_EQ(got, want) << "expand " << e << "\n" << synth::ContextToJson(ctx);
        ++responses;
        if (e == 1) {
          const Json j = Json::parse(got);
          for (const Json& t : j["evaluation"]) {
            evaluated_policies += static_cast<int64_t>(t["evaluated"]["policies"].size());
            undefined_policies += static_cast<int64_t>(t["undefined"]["policies"].size());
          }
        }
      }
    }
  }
  std::cout << responses << " responses, " << evaluated_policies << " evaluated and "
            << undefined_policies << " undefined policies listed\n";
  EXPECT_GT(evaluated_policies, 200);
  EXPECT_GT(undefined_policies, 50);
}

}  // namespace
}  // namespace verdict::cli
