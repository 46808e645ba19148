// IDP_DISCOVERY routing: a DYNAMIC rule's matchCriteria[].providerExpression
// evaluated against the context and matched to the propertyName of the org's
// IdPs (idps.json), never the rule's own providers; and a SPECIFIC rule with a
// userIdentifier condition and an OKTA provider, which Okta handles alone.
// Both engines must choose the same IdP; the JSON line and the trace show it.
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

IdentityProvider Idp(std::string type, std::string id, std::string name, bool active = true) {
  IdentityProvider idp;
  idp.type = std::move(type);
  idp.id = std::move(id);
  idp.name = std::move(name);
  idp.active = active;
  idp.file = "idps.json";
  return idp;
}

IdpAction Dynamic(std::vector<IdpMatchCriterion> criteria, bool fallback = false) {
  IdpAction a;
  a.selection_type = "DYNAMIC";
  a.match_criteria = std::move(criteria);
  a.fall_back_to_okta = fallback;
  return a;
}

// The org's IdPs: two ACTIVE ones and an INACTIVE one.
std::vector<IdentityProvider> OrgIdps() {
  return {Idp("SAML2", "0oaAcme", "acme.example"), Idp("OIDC", "0oaBeta", "beta.example"),
          Idp("SAML2", "0oaOld", "old.example", /*active=*/false)};
}

Snapshot WithIdpRule(IdpAction action, Conditions conditions = {},
                     std::vector<IdentityProvider> idps = OrgIdps()) {
  Rule routed = MakeRule("0prRoute", 1, std::move(conditions));
  routed.idp = std::move(action);
  routed.actions_json = "{}";
  Rule fallback = MakeRule("0prDefault", 99);
  fallback.idp = IdpAction{{{"OKTA", "", ""}}, "SPECIFIC", {}, false};
  Snapshot s;
  s.has_idps_file = true;
  s.idps = std::move(idps);
  s.policies = {
      MakePolicy("00pIdp", PolicyType::kIdpDiscovery, 1, {}, {routed, fallback}, /*system=*/true)};
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
    EXPECT_EQ(fast.idp_provider ? fast.idp_provider->id + "/" + fast.idp_provider->type : "-",
              ref.idp_provider ? ref.idp_provider->id + "/" + ref.idp_provider->type : "-")
        << "engines disagree for " << login;
    EXPECT_EQ(fast.idp_fallback_to_okta, ref.idp_fallback_to_okta);
    EXPECT_EQ(fast.rule ? fast.rule->id : "-", ref.rule ? ref.rule->id : "-");
  }
  if (explain != nullptr) *explain = TraceToText(trace);
  return ref;
}

bool LineHas(const Decision& d, const std::string& text) {
  return DecisionToJsonLine("c", d).find(text) != std::string::npos;
}

const IdpMatchCriterion kDomainToName = {"login.identifier.substringAfter('@')", "name"};

TEST(IdpDynamicRouting, DomainPicksTheOrgsIdpByName) {
  const Snapshot s = WithIdpRule(Dynamic({kDomainToName}));
  std::string explain;
  const Decision acme = Route(s, "ann@acme.example", &explain);
  ASSERT_NE(acme.idp_provider, nullptr);
  EXPECT_EQ(acme.idp_provider, &s.idps[0]);  // the IdP of idps.json itself
  EXPECT_NE(explain.find("login.identifier.substringAfter('@') → 'acme.example'; matches IdP "
                         "acme.example (0oaAcme) by name"),
            std::string::npos)
      << explain;
  EXPECT_TRUE(
      LineHas(acme, R"("idpProvider": {"id": "0oaAcme", "name": "acme.example", "type": "SAML2"})"))
      << DecisionToJsonLine("c", acme);
  // Case-insensitive, as domains are.
  const Decision beta = Route(s, "bob@BETA.Example");
  ASSERT_NE(beta.idp_provider, nullptr);
  EXPECT_EQ(beta.idp_provider->id, "0oaBeta");
}

// Okta: "You can't define a provider if idpSelectionType is DYNAMIC". A
// stale providers list in the rule is not what routing matches.
TEST(IdpDynamicRouting, TheRulesOwnProvidersAreNotMatched) {
  IdpAction action = Dynamic({kDomainToName});
  action.providers = {{"SAML2", "0oaStale", "acme.example"}, {"OIDC", "0oaGone", "gone.example"}};
  const Snapshot s = WithIdpRule(action);
  const Decision acme = Route(s, "ann@acme.example");
  ASSERT_NE(acme.idp_provider, nullptr);
  EXPECT_EQ(acme.idp_provider->id, "0oaAcme");
  EXPECT_EQ(Route(s, "gus@gone.example").idp_provider, nullptr);
}

TEST(IdpDynamicRouting, InactiveIdpsAreNotRoutedTo) {
  const Snapshot s = WithIdpRule(Dynamic({kDomainToName}));
  std::string explain;
  const Decision old = Route(s, "olga@old.example", &explain);
  EXPECT_EQ(old.idp_provider, nullptr);
  EXPECT_NE(explain.find("no ACTIVE IdP's name matches"), std::string::npos) << explain;
}

// shouldFallBackToOkta is about failed authentication with a matched IdP:
// no match is a null route whatever it says; a match carries the flag.
TEST(IdpDynamicRouting, NoMatchIsNullEvenWithFallBackToOkta) {
  for (bool fallback : {false, true}) {
    const Snapshot s = WithIdpRule(Dynamic({kDomainToName}, fallback));
    std::string explain;
    const Decision none = Route(s, "eve@other.example", &explain);
    EXPECT_EQ(none.idp_provider, nullptr);
    EXPECT_FALSE(none.idp_fallback_to_okta);
    EXPECT_EQ(none.rule->id, "0prRoute");  // the rule still wins; it routes nowhere
    EXPECT_TRUE(LineHas(none, R"("idpProvider": null)")) << DecisionToJsonLine("c", none);
    EXPECT_NE(explain.find("routes to no IdP"), std::string::npos) << explain;
    const Decision acme = Route(s, "ann@acme.example", &explain);
    ASSERT_NE(acme.idp_provider, nullptr);
    EXPECT_EQ(acme.idp_fallback_to_okta, fallback);
    EXPECT_EQ(explain.find("Okta takes over") != std::string::npos, fallback) << explain;
  }
}

TEST(IdpDynamicRouting, WithoutIdpsJsonNothingMatches) {
  Snapshot s = WithIdpRule(Dynamic({kDomainToName}), {}, {});
  s.has_idps_file = false;
  std::string explain;
  EXPECT_EQ(Route(s, "ann@acme.example", &explain).idp_provider, nullptr);
  EXPECT_NE(explain.find("no idps.json"), std::string::npos) << explain;
}

TEST(IdpDynamicRouting, CriteriaInOrderByIdOrTypeNameByDefault) {
  const Snapshot by_id_snapshot = WithIdpRule(Dynamic({{"'nobody'", "name"}, {"'0oaBeta'", "id"}}));
  const Decision by_id = Route(by_id_snapshot, "ann@acme.example");
  ASSERT_NE(by_id.idp_provider, nullptr);
  EXPECT_EQ(by_id.idp_provider->id, "0oaBeta");
  const Snapshot by_type_snapshot = WithIdpRule(Dynamic({{"'oidc'", "type"}}));
  const Decision by_type = Route(by_type_snapshot, "ann@acme.example");
  ASSERT_NE(by_type.idp_provider, nullptr);
  EXPECT_EQ(by_type.idp_provider->id, "0oaBeta");
  // No propertyName: Okta's default, the IdP's name.
  IdpMatchCriterion unnamed;
  unnamed.provider_expression = "login.identifier.substringAfter('@')";
  const Snapshot default_snapshot = WithIdpRule(Dynamic({unnamed}));
  const Decision by_default = Route(default_snapshot, "ann@beta.example");
  ASSERT_NE(by_default.idp_provider, nullptr);
  EXPECT_EQ(by_default.idp_provider->id, "0oaBeta");
  // A property Verdict does not match on never matches.
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

Conditions WithUserIdentifier() {
  Conditions c;
  UserIdentifierCondition u;
  u.patterns.push_back({"SUFFIX", "@acme.example"});
  c.user_identifier = u;
  return c;
}

// OLDPOLICY: "If a User Identifier Condition is defined together with an OKTA
// provider, sign-in requests are handled by Okta exclusively."
TEST(IdpOktaExclusive, UserIdentifierWithAnOktaProviderRoutesToOkta) {
  IdpAction specific;
  specific.providers = {{"SAML2", "0oaAcme", "acme.example"}, {"OKTA", "", ""}};
  const Snapshot s = WithIdpRule(specific, WithUserIdentifier());
  std::string explain;
  const Decision d = Route(s, "ann@acme.example", &explain);
  ASSERT_EQ(d.rule->id, "0prRoute");
  ASSERT_NE(d.idp_provider, nullptr);
  EXPECT_EQ(d.idp_provider->type, "OKTA");
  EXPECT_FALSE(d.idp_fallback_to_okta);
  EXPECT_TRUE(LineHas(d, R"("idpProvider": {"id": null, "name": null, "type": "OKTA"})"))
      << DecisionToJsonLine("c", d);
  EXPECT_NE(explain.find("Okta handles the sign-in exclusively"), std::string::npos) << explain;
}

TEST(IdpOktaExclusive, OtherSpecificRulesKeepTheContractLine) {
  // An OKTA provider without a userIdentifier condition (the default rule).
  const Snapshot d_snapshot = WithIdpRule(Dynamic({kDomainToName}), WithUserIdentifier());
  const Decision fallback = Route(d_snapshot, "zed@zeta.example");
  ASSERT_EQ(fallback.rule->id, "0prDefault");
  EXPECT_EQ(fallback.idp_provider, nullptr);
  EXPECT_FALSE(LineHas(fallback, "idpProvider"));
  // A userIdentifier condition without an OKTA provider.
  IdpAction saml_only;
  saml_only.providers = {{"SAML2", "0oaAcme", "acme.example"}};
  const Snapshot saml_snapshot = WithIdpRule(saml_only, WithUserIdentifier());
  const Decision saml = Route(saml_snapshot, "ann@acme.example");
  ASSERT_EQ(saml.rule->id, "0prRoute");
  EXPECT_EQ(saml.idp_provider, nullptr);
  EXPECT_FALSE(LineHas(saml, "idpProvider"));
}

TEST(IdpDynamicRouting, LoadsActionsIdpAndIdpsJsonFromTheApiShape) {
  testing::SnapshotDir dir;
  dir.Write("policies/IDP_DISCOVERY.json", R"json([{
    "id": "00pIdp", "type": "IDP_DISCOVERY", "name": "Idp Discovery Policy", "status": "ACTIVE",
    "priority": 1, "system": true, "conditions": null,
    "_embedded": {"rules": [{
      "id": "0prDyn", "type": "IDP_DISCOVERY", "name": "Dynamic", "status": "ACTIVE",
      "priority": 1, "conditions": null,
      "actions": {"idp": {
        "providers": [],
        "idpSelectionType": "DYNAMIC",
        "matchCriteria": [{"providerExpression": "login.identifier.substringAfter('@')"}],
        "shouldFallBackToOkta": true}}}]}}])json");
  dir.Write("zones.json", "[]");
  dir.Write("idps.json", R"json([
    {"id": "0oaAcme", "type": "SAML2", "name": "acme.example", "status": "ACTIVE",
     "protocol": {"type": "SAML2"}, "issuerMode": "ORG_URL", "_links": {}},
    {"id": "0oaZeta", "type": "OIDC", "name": "zeta.example", "status": "INACTIVE"}])json");
  IssueList issues;
  auto s = LoadSnapshot(dir.path(), &issues);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(issues.empty()) << issues.front().ToString();
  ASSERT_EQ(s->idps.size(), 2u);
  EXPECT_EQ(s->idps[0].protocol_type, "SAML2");
  EXPECT_FALSE(s->idps[1].active);
  const Rule& rule = s->policies.at(0).rules.at(0);
  ASSERT_TRUE(rule.idp.has_value());
  EXPECT_EQ(rule.idp->selection_type, "DYNAMIC");
  ASSERT_EQ(rule.idp->match_criteria.size(), 1u);
  EXPECT_EQ(rule.idp->match_criteria[0].property_name, "name");  // absent: Okta's default
  EXPECT_TRUE(rule.idp->fall_back_to_okta);
  const Decision d = Route(*s, "ann@acme.example");
  ASSERT_NE(d.idp_provider, nullptr);
  EXPECT_EQ(d.idp_provider->id, "0oaAcme");
  EXPECT_TRUE(d.idp_fallback_to_okta);
  EXPECT_EQ(Route(*s, "ann@zeta.example").idp_provider, nullptr);
}

}  // namespace
}  // namespace verdict
