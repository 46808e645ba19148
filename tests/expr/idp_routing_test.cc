// IDP_DISCOVERY dynamic routing: matchCriteria[].providerExpression evaluated
// against the context and matched to the providers' propertyName. Both
// engines must choose the same provider; the JSON line and the trace show it.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "tests/support/model_builder.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/expression.h"
#include "verdict/reference_evaluator.h"

namespace verdict {
namespace {

using ::verdict::testing::MakePolicy;
using ::verdict::testing::MakeRule;
using ::verdict::testing::UserContext;

IdpAction Dynamic(std::vector<IdpMatchCriterion> criteria, bool fallback = false) {
  IdpAction a;
  a.selection_type = "DYNAMIC";
  a.providers = {{"SAML2", "0oaAcme", "acme.example"}, {"OIDC", "0oaBeta", "beta.example"}};
  a.match_criteria = std::move(criteria);
  a.fall_back_to_okta = fallback;
  return a;
}

Snapshot WithIdpRule(IdpAction action) {
  Rule routed = MakeRule("0prRoute", 1);
  routed.idp = std::move(action);
  routed.actions_json = "{}";
  Snapshot s;
  s.policies = {MakePolicy("00pIdp", PolicyType::kIdpDiscovery, 1, {},
                           {routed, MakeRule("0prDefault", 99)}, /*system=*/true)};
  return s;
}

// The reference decision, after checking the compiled engine agrees; the
// --explain text in `explain`.
Decision Route(const Snapshot& s, const std::string& login, std::string* explain = nullptr) {
  SignOnContext ctx = UserContext({});
  ctx.login_identifier = login;
  Trace trace;
  const Decision ref = ReferenceEvaluator(s).Evaluate(ctx, PolicyType::kIdpDiscovery, &trace);
  auto compiled = Compile(s);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (compiled.ok()) {
    const Decision fast = (*compiled)->Evaluate(ctx, PolicyType::kIdpDiscovery);
    EXPECT_EQ(fast.idp_provider ? fast.idp_provider->id : "-",
              ref.idp_provider ? ref.idp_provider->id : "-")
        << "engines disagree for " << login;
    EXPECT_EQ(fast.idp_fallback_to_okta, ref.idp_fallback_to_okta);
    EXPECT_EQ(fast.rule ? fast.rule->id : "-", ref.rule ? ref.rule->id : "-");
  }
  if (explain != nullptr) *explain = TraceToText(trace);
  return ref;
}

const IdpMatchCriterion kDomainToName = {"login.identifier.substringAfter('@')", "name"};

TEST(IdpDynamicRouting, DomainPicksTheProviderByName) {
  const Snapshot s = WithIdpRule(Dynamic({kDomainToName}));
  std::string explain;
  const Decision acme = Route(s, "ann@acme.example", &explain);
  ASSERT_NE(acme.idp_provider, nullptr);
  EXPECT_EQ(acme.idp_provider->id, "0oaAcme");
  EXPECT_NE(explain.find("login.identifier.substringAfter('@') → 'acme.example'; matches provider "
                         "acme.example (0oaAcme) by name"),
            std::string::npos)
      << explain;
  EXPECT_NE(
      DecisionToJsonLine("c1", acme)
          .find(R"("idpProvider": {"type": "SAML2", "id": "0oaAcme", "name": "acme.example"})"),
      std::string::npos)
      << DecisionToJsonLine("c1", acme);
  // Case-insensitive, as domains are.
  const Decision beta = Route(s, "bob@BETA.Example");
  ASSERT_NE(beta.idp_provider, nullptr);
  EXPECT_EQ(beta.idp_provider->id, "0oaBeta");
}

TEST(IdpDynamicRouting, NoMatchIsNullOrOktaFallback) {
  // Decisions point into their snapshot: keep it alive.
  const Snapshot no_fallback = WithIdpRule(Dynamic({kDomainToName}));
  const Decision none = Route(no_fallback, "eve@other.example");
  EXPECT_EQ(none.idp_provider, nullptr);
  EXPECT_FALSE(none.idp_fallback_to_okta);
  EXPECT_EQ(none.rule->id, "0prRoute");  // the rule still wins; it routes nowhere
  EXPECT_NE(DecisionToJsonLine("c", none).find(R"("idpProvider": null)"), std::string::npos);
  std::string explain;
  const Snapshot okta_snapshot = WithIdpRule(Dynamic({kDomainToName}, /*fallback=*/true));
  const Decision okta = Route(okta_snapshot, "eve@other.example", &explain);
  EXPECT_EQ(okta.idp_provider, nullptr);
  EXPECT_TRUE(okta.idp_fallback_to_okta);
  EXPECT_NE(
      DecisionToJsonLine("c", okta).find(R"("idpProvider": {"type": "OKTA", "fallback": true})"),
      std::string::npos);
  EXPECT_NE(explain.find("falls back to Okta"), std::string::npos) << explain;
}

TEST(IdpDynamicRouting, CriteriaInOrderByIdOrType) {
  const Snapshot by_id_snapshot = WithIdpRule(Dynamic({{"'nobody'", "name"}, {"'0oaBeta'", "id"}}));
  const Decision by_id = Route(by_id_snapshot, "ann@acme.example");
  ASSERT_NE(by_id.idp_provider, nullptr);
  EXPECT_EQ(by_id.idp_provider->id, "0oaBeta");
  const Snapshot by_type_snapshot = WithIdpRule(Dynamic({{"'oidc'", "type"}}));
  const Decision by_type = Route(by_type_snapshot, "ann@acme.example");
  ASSERT_NE(by_type.idp_provider, nullptr);
  EXPECT_EQ(by_type.idp_provider->id, "0oaBeta");
  // A property the provider model does not carry never matches.
  EXPECT_EQ(Route(WithIdpRule(Dynamic({{"'x'", "issuer"}})), "a@b").idp_provider, nullptr);
  // Non-string results never match.
  EXPECT_EQ(Route(WithIdpRule(Dynamic({{"1 == 1", "name"}})), "a@b").idp_provider, nullptr);
}

TEST(IdpDynamicRouting, MalformedExpressionIsAWarningAndNeverMatches) {
  Snapshot s = WithIdpRule(Dynamic({{"login.identifier.substringAfter('@'", "name"}}));
  EXPECT_EQ(Route(s, "ann@acme.example").idp_provider, nullptr);
  s.policies[0].rules[0].file = "policies/IDP_DISCOVERY.json";
  s.policies[0].rules[0].pointer = "/0/_embedded/rules/0";
  IssueList issues;
  ASSERT_TRUE(Compile(s, &issues).ok());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].pointer,
            "/0/_embedded/rules/0/actions/idp/matchCriteria/0/providerExpression");
  EXPECT_NE(issues[0].message.find("col "), std::string::npos) << issues[0].message;
}

TEST(IdpDynamicRouting, SpecificRulesKeepTheContractLine) {
  IdpAction specific = Dynamic({kDomainToName});
  specific.selection_type = "SPECIFIC";
  const Snapshot d_snapshot = WithIdpRule(specific);
  const Decision d = Route(d_snapshot, "ann@acme.example");
  EXPECT_EQ(d.idp_provider, nullptr);
  EXPECT_EQ(DecisionToJsonLine("c", d).find("idpProvider"), std::string::npos);
}

TEST(IdpDynamicRouting, LoadsActionsIdpFromTheApiShape) {
  testing::SnapshotDir dir;
  dir.Write("policies/IDP_DISCOVERY.json", R"json([{
    "id": "00pIdp", "type": "IDP_DISCOVERY", "name": "Idp Discovery Policy", "status": "ACTIVE",
    "priority": 1, "system": true, "conditions": null,
    "_embedded": {"rules": [{
      "id": "0prDyn", "type": "IDP_DISCOVERY", "name": "Dynamic", "status": "ACTIVE",
      "priority": 1, "conditions": null,
      "actions": {"idp": {
        "providers": [{"type": "SAML2", "id": "0oaAcme", "name": "acme.example"}],
        "idpSelectionType": "DYNAMIC",
        "matchCriteria": [{"providerExpression": "login.identifier.substringAfter('@')",
                           "propertyName": "name"}],
        "shouldFallBackToOkta": true}}}]}}])json");
  IssueList issues;
  auto s = LoadSnapshot(dir.path(), &issues);
  ASSERT_TRUE(s.ok()) << s.status();
  const Rule& rule = s->policies.at(0).rules.at(0);
  ASSERT_TRUE(rule.idp.has_value());
  EXPECT_EQ(rule.idp->selection_type, "DYNAMIC");
  ASSERT_EQ(rule.idp->match_criteria.size(), 1u);
  EXPECT_EQ(rule.idp->match_criteria[0].property_name, "name");
  EXPECT_TRUE(rule.idp->fall_back_to_okta);
  const Decision d = Route(*s, "ann@acme.example");
  ASSERT_NE(d.idp_provider, nullptr);
  EXPECT_EQ(d.idp_provider->id, "0oaAcme");
  EXPECT_TRUE(Route(*s, "ann@zeta.example").idp_fallback_to_okta);
}

}  // namespace
}  // namespace verdict
