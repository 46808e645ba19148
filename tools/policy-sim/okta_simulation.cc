// createPolicySimulation on a snapshot (okta_simulation.h).
//
// The request becomes a §2 context *as JSON* and goes through ParseContext,
// the one context parser, so a simulation decides exactly like `eval` on the
// same context. The compiled engine decides and its reasons say which
// policies and rules were walked; the verdicts of those the response shows
// come from the reference evaluator, one item at a time, in a Trace whose
// condition names are Verdict's, mapped here onto the `type` strings Okta's
// simulation reports.
#include "tools/policy-sim/okta_simulation.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/decision_reasons.h"
#include "verdict/policy_type.h"

namespace verdict::cli {
namespace {

using Json = nlohmann::json;

OktaError Malformed(std::string cause) {
  return OktaError{400, "E0000003", "The request body was not well-formed.", {std::move(cause)}};
}

OktaError Invalid(std::string cause) {
  return OktaError{400, "E0000001", "Api validation failed: policySimulation", {std::move(cause)}};
}

// Okta's device platforms (PolicyContextDevice.platform) as §2's
// device.platform {type, os}.
std::optional<std::pair<std::string_view, std::string_view>> Platform(std::string_view name) {
  static constexpr std::pair<std::string_view, std::pair<std::string_view, std::string_view>>
      kPlatforms[] = {
          {"IOS", {"MOBILE", "IOS"}},
          {"ANDROID", {"MOBILE", "ANDROID"}},
          {"WINDOWS", {"DESKTOP", "WINDOWS"}},
          {"MACOS", {"DESKTOP", "MACOS"}},
          {"CHROMEOS", {"DESKTOP", "CHROMEOS"}},
          {"DESKTOP_OTHER", {"DESKTOP", "OTHER"}},
          {"MOBILE_OTHER", {"MOBILE", "OTHER"}},
      };
  for (const auto& [okta, ours] : kPlatforms) {
    if (okta == name) return ours;
  }
  return std::nullopt;
}

// The `ids` array of policyContext.groups / .zones, validated.
bool Ids(const Json& holder, std::string_view field, Json* out, OktaError* error) {
  const Json& ids = holder.contains("ids") ? holder["ids"] : Json();
  if (!holder.is_object() || !ids.is_array()) {
    *error =
        Invalid(absl::StrCat("policyContext.", Sv(field), ".ids: an array of ids is required"));
    return false;
  }
  for (const Json& id : ids) {
    if (!id.is_string()) {
      *error = Invalid(absl::StrCat("policyContext.", Sv(field), ".ids: ids are strings"));
      return false;
    }
  }
  *out = ids;
  return true;
}

bool AppKnown(const Snapshot& snapshot, const std::string& app_id) {
  if (snapshot.FindApp(app_id) != nullptr) return true;
  for (const Policy& p : snapshot.policies) {
    if (std::find(p.mapped_app_ids.begin(), p.mapped_app_ids.end(), app_id) !=
        p.mapped_app_ids.end()) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- response

enum class Input {
  kNone,
  kUser,
  kNetwork,
  kPlatform,
  kRegistered,
  kManaged,
  kAssurance,
  kRisk,
  kNeverGiven
};

struct OktaCondition {
  std::string type;  // empty: the trace entry stands for an absent condition
  Input input = Input::kNone;
};

// A trace entry as Okta's simulation names it. `people_groups` says whether
// the rule's people condition lists groups (else it lists users).
OktaCondition ToOkta(const ConditionVerdict& c, bool people_groups) {
  const std::string& n = c.condition;
  // Entries that say "this condition is not set" are not conditions to Okta.
  if (n == "people" || (n == "network.connection" && c.detail == "ANYWHERE") ||
      (n == "riskScore.level" && c.detail == "ANY") ||
      (n == "risk.behaviors" && c.detail == "no behaviors listed") ||
      (n == "authContext.authType" && absl::StartsWith(c.detail, "rule ANY"))) {
    return {};
  }
  if (n == "people.include") {
    const bool users = absl::StrContains(c.detail, " is listed") || !people_groups;
    return {users ? "people.users.include" : "people.groups.include", Input::kUser};
  }
  if (absl::StartsWith(n, "people.") || absl::StartsWith(n, "groups") ||
      absl::StartsWith(n, "users") || absl::StartsWith(n, "userType") || n == "userStatus" ||
      n == "elCondition" || absl::StartsWith(n, "userIdentifier")) {
    return {n, Input::kUser};
  }
  if (absl::StartsWith(n, "network")) return {n, Input::kNetwork};
  if (absl::StartsWith(n, "riskScore")) return {"riskScore", Input::kRisk};
  if (n == "risk.behaviors" || absl::StartsWith(n, "entityRisk") ||
      absl::StartsWith(n, "riskDetectionTypes")) {
    return {n, Input::kNeverGiven};  // the simulation API cannot say these
  }
  if (n == "device.platform.types" || absl::StartsWith(n, "platform")) {
    return {absl::StartsWith(n, "platform") ? n : "device.platform", Input::kPlatform};
  }
  if (n == "device.registered") return {n, Input::kRegistered};
  if (n == "device.managed") return {n, Input::kManaged};
  if (absl::StartsWith(n, "device.assurance")) return {"device.assurance", Input::kAssurance};
  return {n, Input::kNone};
}

bool Given(const SimulationRequest& r, Input input) {
  switch (input) {
    case Input::kNone:
      return true;
    case Input::kUser:
      return r.gives_user;
    case Input::kNetwork:
      return r.gives_network;
    case Input::kPlatform:
      return r.gives_platform;
    case Input::kRegistered:
      return r.gives_registered;
    case Input::kManaged:
      return r.gives_managed;
    case Input::kAssurance:
      return r.gives_assurance;
    case Input::kRisk:
      return r.gives_risk;
    case Input::kNeverGiven:
      return false;
  }
  return true;
}

struct OktaConditions {
  Json list = Json::array();
  bool any_undefined_failure = false;
};

OktaConditions ConditionsJson(const std::vector<ConditionVerdict>& verdicts, bool people_groups,
                              const SimulationRequest& request) {
  OktaConditions out;
  for (const ConditionVerdict& v : verdicts) {
    const OktaCondition c = ToOkta(v, people_groups);
    if (c.type.empty()) continue;
    std::string_view status = v.matched ? "MATCH" : "NOT_MATCH";
    if (!Given(request, c.input)) {
      status = "UNDEFINED";
      if (!v.matched) out.any_undefined_failure = true;
    }
    out.list.push_back(Json{{"type", c.type}, {"status", status}});
  }
  return out;
}

bool PeopleListsGroups(const verdict::Conditions& c) {
  return c.people.has_value() && !c.people->groups.include.empty();
}

Json Name(const std::string& name) { return name.empty() ? Json() : Json(name); }

}  // namespace

std::string OktaErrorJson(const OktaError& error, std::string_view error_id) {
  Json causes = Json::array();
  for (const std::string& c : error.causes) causes.push_back(Json{{"errorSummary", c}});
  Json body = {{"errorCode", error.code},
               {"errorSummary", error.summary},
               {"errorLink", error.code},
               {"errorId", std::string(error_id)},
               {"errorCauses", std::move(causes)}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool ParseSimulationRequest(std::string_view body, const Snapshot& snapshot,
                            SimulationRequest* request, OktaError* error) {
  Json parsed = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = Malformed("the body is not JSON");
    return false;
  }
  if (parsed.is_array()) {
    if (parsed.size() != 1) {
      *error = Invalid("the body is an array: it must hold exactly one simulation");
      return false;
    }
    parsed = std::move(parsed[0]);
  }
  if (!parsed.is_object()) {
    *error = Malformed("the body must be a JSON object");
    return false;
  }
  *request = SimulationRequest();
  Json context = Json::object();
  // policyType: the spelling of Okta's own request example.
  for (const char* field : {"policyTypes", "policyType"}) {
    if (!parsed.contains(field)) continue;
    Json types = parsed[field];
    if (types.is_string()) types = Json::array({types});
    context["policyTypes"] = std::move(types);
    break;
  }
  if (parsed.contains("appInstance") && !parsed["appInstance"].is_null()) {
    const Json& app = parsed["appInstance"];
    if (!app.is_string()) {
      *error = Invalid("appInstance: must be an app id");
      return false;
    }
    if (!AppKnown(snapshot, app.get<std::string>())) {
      *error = OktaError{
          404,
          "E0000007",
          absl::StrCat("Not found: Resource not found: ", app.get<std::string>(), " (AppInstance)"),
          {}};
      return false;
    }
    context["app"] = Json{{"id", app}};
  }
  const Json pc = parsed.contains("policyContext") ? parsed["policyContext"] : Json::object();
  if (!pc.is_object()) {
    *error = Invalid("policyContext: must be an object");
    return false;
  }
  Json user = Json::object();
  if (pc.contains("user") && pc["user"].is_object() && pc["user"].contains("id")) {
    user["id"] = pc["user"]["id"];
    request->gives_user = true;
  }
  if (pc.contains("groups")) {
    Json ids;
    if (!Ids(pc["groups"], "groups", &ids, error)) return false;
    user["groups"] = std::move(ids);
    request->gives_user = true;
  } else if (user.contains("id") && user["id"].is_string()) {
    const auto found = snapshot.user_groups.find(user["id"].get<std::string>());
    if (found != snapshot.user_groups.end()) user["groups"] = found->second;
  }
  if (!user.empty()) context["user"] = std::move(user);
  if (pc.contains("ip") && !pc["ip"].is_null()) {
    context["ip"] = pc["ip"];
    request->gives_network = true;
  }
  if (pc.contains("zones")) {
    Json ids;
    if (!Ids(pc["zones"], "zones", &ids, error)) return false;
    context["zones"] = std::move(ids);
    request->gives_network = true;
  }
  if (pc.contains("risk") && pc["risk"].is_object() && pc["risk"].contains("level")) {
    context["risk"] = Json{{"level", pc["risk"]["level"]}};
    request->gives_risk = true;
  }
  if (pc.contains("device") && pc["device"].is_object()) {
    const Json& d = pc["device"];
    Json device = Json::object();
    if (d.contains("platform") && !d["platform"].is_null()) {
      const auto platform =
          d["platform"].is_string() ? Platform(d["platform"].get<std::string>()) : std::nullopt;
      if (!platform.has_value()) {
        *error = Invalid(
            "policyContext.device.platform: one of IOS, ANDROID, WINDOWS, MACOS, CHROMEOS, "
            "DESKTOP_OTHER, MOBILE_OTHER");
        return false;
      }
      device["platform"] = Json{{"type", platform->first}, {"os", platform->second}};
      request->gives_platform = true;
    }
    for (const char* flag : {"registered", "managed"}) {
      if (d.contains(flag) && !d[flag].is_null()) device[flag] = d[flag];
    }
    request->gives_registered = device.contains("registered");
    request->gives_managed = device.contains("managed");
    if (d.contains("assuranceId") && !d["assuranceId"].is_null()) {
      device["assurance"] = Json::array({d["assuranceId"]});
      request->gives_assurance = true;
    }
    context["device"] = std::move(device);
  }
  absl::StatusOr<SignOnContext> ctx =
      ParseContext(context.dump(-1, ' ', false, Json::error_handler_t::replace));
  if (!ctx.ok()) {
    *error = Invalid(std::string(ctx.status().message()));
    return false;
  }
  request->context = *std::move(ctx);
  return true;
}

namespace {

// One rule as a Trace holds it: skipped when inactive, else its verdicts.
RuleTrace TraceRule(const ReferenceEvaluator& details, const SignOnContext& ctx, const Rule& rule) {
  RuleTrace rt;
  rt.rule = &rule;
  if (!rule.active) return rt;
  rt.evaluated = true;
  rt.matched = details.RuleConditionsHold(ctx, rule, &rt.conditions);
  return rt;
}

// One policy as a Trace holds it, evaluated: its verdicts, whether it applies.
PolicyTrace TracePolicy(const ReferenceEvaluator& details, const SignOnContext& ctx,
                        const Policy& policy) {
  PolicyTrace pt;
  pt.policy = &policy;
  pt.evaluated = true;
  pt.applies = details.PolicyApplies(ctx, policy, &pt.conditions);
  return pt;
}

}  // namespace

std::vector<SimulatedType> SimulateTypes(const CompiledPolicySet& set,
                                         const ReferenceEvaluator& details,
                                         const SimulationRequest& request,
                                         SimulationExpand expand) {
  const Snapshot& snapshot = set.snapshot();
  const SignOnContext& ctx = request.context;
  DecisionReasons reasons = ReasonsBufferFor(snapshot);  // no item dropped
  std::vector<SimulatedType> out;
  const std::vector<PolicyType> snapshot_types = snapshot.Types();
  for (PolicyType type : TypesToEvaluate(ctx, snapshot_types)) {
    SimulatedType& st = out.emplace_back();
    st.type = type;
    st.decision = set.Evaluate(ctx, type, &reasons);
    // Passed-over policies are shown only with expand=EVALUATED; a policy
    // that applied but whose rules all failed needs its rules' verdicts for
    // its status (UNDEFINED when one failed on an input not given).
    if (expand.evaluated) {
      for (const PassedOverPolicy& p : reasons.passed_over) {
        if (p.why == PassOver::kInactive || p.why == PassOver::kNoActiveRules) continue;
        PolicyTrace& pt = st.trace.policies.emplace_back(TracePolicy(details, ctx, *p.policy));
        if (!pt.applies) continue;
        for (const Rule& rule : p.policy->rules) pt.rules.push_back(TraceRule(details, ctx, rule));
      }
    }
    if (st.decision.rule == nullptr) continue;
    PolicyTrace& won =
        st.trace.policies.emplace_back(TracePolicy(details, ctx, *st.decision.policy));
    // Without expand=RULE only the rule that decided is shown.
    if (expand.rules) {
      for (const FailedRule& r : reasons.rules_before_winner) {
        won.rules.push_back(TraceRule(details, ctx, *r.rule));
      }
    }
    won.rules.push_back(TraceRule(details, ctx, *st.decision.rule));
  }
  return out;
}

std::string SimulationResponseJson(const std::vector<SimulatedType>& types,
                                   const SimulationRequest& request, SimulationExpand expand) {
  Json evaluation = Json::array();
  for (const SimulatedType& st : types) {
    const Decision& decision = st.decision;
    Json result = Json::array();
    Json evaluated = Json::array();
    Json undefined = Json::array();
    for (const PolicyTrace& pt : st.trace.policies) {
      if (!pt.evaluated || pt.policy == nullptr) continue;
      const bool won = decision.policy == pt.policy;
      const OktaConditions policy_conditions =
          ConditionsJson(pt.conditions, PeopleListsGroups(pt.policy->conditions), request);
      Json rules = Json::array();
      bool rule_undefined = false;
      for (const RuleTrace& rt : pt.rules) {
        if (!rt.evaluated || rt.rule == nullptr) continue;
        const bool rule_won = won && decision.rule == rt.rule;
        const OktaConditions rule_conditions =
            ConditionsJson(rt.conditions, PeopleListsGroups(rt.rule->conditions), request);
        std::string_view status = rt.matched ? "MATCH" : "NOT_MATCH";
        if (!rt.matched && rule_conditions.any_undefined_failure) {
          status = "UNDEFINED";
          rule_undefined = true;
        }
        // Without expand=RULE only the rule that decided is listed.
        if (rule_won || expand.rules) {
          rules.push_back(Json{{"id", rt.rule->id},
                               {"name", Name(rt.rule->name)},
                               {"status", status},
                               {"conditions", rule_conditions.list}});
        }
      }
      std::string_view status = won ? "MATCH" : "NOT_MATCH";
      if (!won && (policy_conditions.any_undefined_failure || (pt.applies && rule_undefined))) {
        status = "UNDEFINED";
      }
      Json policy = {{"id", pt.policy->id},
                     {"name", Name(pt.policy->name)},
                     {"status", status},
                     {"conditions", policy_conditions.list},
                     {"rules", std::move(rules)}};
      if (won) {
        result.push_back(std::move(policy));
      } else if (expand.evaluated) {
        (status == "UNDEFINED" ? undefined : evaluated).push_back(std::move(policy));
      }
    }
    evaluation.push_back(Json{{"status", nullptr},
                              {"policyType", std::string(PolicyTypeName(st.type))},
                              {"result", Json{{"policies", std::move(result)}}},
                              {"undefined", Json{{"policies", std::move(undefined)}}},
                              {"evaluated", Json{{"policies", std::move(evaluated)}}}});
  }
  return Json{{"evaluation", std::move(evaluation)}}.dump(-1, ' ', false,
                                                          Json::error_handler_t::replace);
}

std::string SimulationResponseJson(const CompiledPolicySet& set, const ReferenceEvaluator& details,
                                   const SimulationRequest& request, SimulationExpand expand) {
  return SimulationResponseJson(SimulateTypes(set, details, request, expand), request, expand);
}

}  // namespace verdict::cli
