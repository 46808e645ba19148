// What a good snapshot loads into: the model's fields, the order, the drift
// the loader normalises, and the text it echoes.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "verdict/ip_address.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::SnapshotDir;

std::string Dump(const IssueList& issues) {
  std::string out;
  for (const Issue& i : issues) out += "  " + i.code + " " + i.ToString() + "\n";
  return out;
}

// `files` completed into a well-formed snapshot directory: a test about zones
// or apps states no policies/ (an empty one is added), one whose policies come
// without rules gets an empty rules/ (so each policy simply has none).
std::map<std::string, std::string> Complete(std::map<std::string, std::string> files) {
  bool policies = false, rules = false;
  for (const auto& [path, content] : files) {
    policies = policies || path.rfind("policies/", 0) == 0;
    rules = rules || path.rfind("rules/", 0) == 0;
  }
  if (!policies) files.emplace("policies/", "");
  if (!rules) files.emplace("rules/", "");
  return files;
}

// Loads `files`, expecting success; returns the snapshot (empty on failure).
Snapshot Load(const std::map<std::string, std::string>& files, IssueList* issues = nullptr) {
  SnapshotDir dir;
  dir.WriteAll(Complete(files));
  IssueList local;
  IssueList* out = issues != nullptr ? issues : &local;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), out);
  EXPECT_TRUE(s.ok()) << s.status() << "\n" << Dump(*out);
  return s.ok() ? *std::move(s) : Snapshot{};
}

std::vector<std::string> PolicyIds(const Snapshot& s) {
  std::vector<std::string> ids;
  for (const Policy& p : s.policies) ids.push_back(p.id);
  return ids;
}

std::vector<std::string> RuleIds(const Policy& p) {
  std::vector<std::string> ids;
  for (const Rule& r : p.rules) ids.push_back(r.id);
  return ids;
}

TEST(SnapshotLoaderTest, EmbeddedRulesFormLoads) {
  IssueList issues;
  const Snapshot s = Load({{"zones.json", "[]"}, {"policies/OKTA_SIGN_ON.json", R"([{
    "id": "00p1", "type": "OKTA_SIGN_ON", "priority": 1, "status": "ACTIVE",
    "_embedded": {"rules": [
      {"id": "0prB", "type": "SIGN_ON", "priority": 2, "actions": {"signon": {"access": "DENY"}}},
      {"id": "0prA", "type": "SIGN_ON", "priority": 1, "conditions": null,
       "actions": {"signon": {"access": "ALLOW"}}}]}}])"}},
                          &issues);
  EXPECT_TRUE(issues.empty()) << Dump(issues);
  ASSERT_EQ(s.policies.size(), 1u);
  const Policy& p = s.policies[0];
  EXPECT_THAT(RuleIds(p), ElementsAre("0prA", "0prB"));
  EXPECT_EQ(p.rules[0].file, "policies/OKTA_SIGN_ON.json");
  EXPECT_EQ(p.rules[0].pointer, "/0/_embedded/rules/1");
  EXPECT_TRUE(p.rules[0].conditions_null);
  EXPECT_TRUE(p.rules[1].conditions_null);  // absent, too
  ASSERT_TRUE(p.rules[1].signon.has_value());
  EXPECT_EQ(p.rules[1].signon->access, Access::kDeny);
}

TEST(SnapshotLoaderTest, SortsByPriorityThenIdAbsentLast) {
  IssueList issues;
  const Snapshot s =
      Load({{"zones.json", "[]"},
            {"policies/PASSWORD.json", R"([{"id": "00pW", "type": "PASSWORD", "priority": 1}])"},
            {"policies/OKTA_SIGN_ON.json", R"([
          {"id": "00pNone", "type": "OKTA_SIGN_ON"},
          {"id": "00pC", "type": "OKTA_SIGN_ON", "priority": 2},
          {"id": "00pB", "type": "OKTA_SIGN_ON", "priority": 10},
          {"id": "00pA", "type": "OKTA_SIGN_ON", "priority": 2},
          {"id": "00pZ", "type": "OKTA_SIGN_ON", "priority": 0}])"},
            {"rules/00pA.json", R"([{"id": "r3", "priority": null}, {"id": "r2", "priority": 99},
                              {"id": "r1", "priority": 0}, {"id": "r0"}])"}},
           &issues);
  // OKTA_SIGN_ON comes before PASSWORD (enum order), then priority, then id.
  EXPECT_THAT(PolicyIds(s), ElementsAre("00pZ", "00pA", "00pC", "00pB", "00pNone", "00pW"));
  EXPECT_THAT(RuleIds(s.policies[1]), ElementsAre("r1", "r2", "r0", "r3"));
  EXPECT_THAT(s.Types(), ElementsAre(PolicyType::kOktaSignOn, PolicyType::kPassword));
  std::vector<std::string> of_type;
  for (const Policy* p : s.PoliciesOfType(PolicyType::kOktaSignOn)) of_type.push_back(p->id);
  EXPECT_THAT(of_type, ElementsAre("00pZ", "00pA", "00pC", "00pB", "00pNone"));
  ASSERT_NE(s.FindPolicy("00pW"), nullptr);
  EXPECT_EQ(s.FindPolicy("00pW")->type, PolicyType::kPassword);
  EXPECT_EQ(s.FindPolicy("nope"), nullptr);
  // Exactly one warning: 00pA and 00pC share priority 2.
  ASSERT_EQ(issues.size(), 1u) << Dump(issues);
  EXPECT_EQ(issues[0].code, "policy.duplicate_priority");
  EXPECT_EQ(issues[0].pointer, "/1/priority");  // 00pC, the later by id
}

TEST(SnapshotLoaderTest, ZonesAndEnumDrift) {
  IssueList issues;
  const Snapshot s = Load({{"zones.json", R"([
    {"id": "nzoIp", "name": "Office", "type": "IP", "status": "INACTIVE", "usage": "BLOCKLIST",
     "system": true,
     "gateways": [{"type": "CIDR", "value": "1.2.3.4/24"}, {"type": "range", "value": "1.1.1.16-1.1.1.16"}],
     "proxies": null},
    {"id": "nzoAny", "type": "DYNAMIC", "proxyType": "ANY", "asns": ["23457", 13335],
     "locations": [{"country": "us", "region": "CA"}, {"country": "AF", "region": "AF-BGL"},
                   {"country": "DE", "region": null}]},
    {"id": "nzoTor", "type": "DYNAMIC", "proxyType": "TorAnonymizer"},
    {"id": "nzoTor2", "type": "DYNAMIC", "proxyType": "Tor"},
    {"id": "nzoNot", "type": "DYNAMIC", "proxyType": "NotTorAnonymizer"},
    {"id": "nzoNull", "type": "DYNAMIC", "proxyType": null},
    {"id": "nzoEmpty", "type": "DYNAMIC", "proxyType": ""},
    {"id": "nzoV2", "type": "DYNAMIC_V2", "status": "ACTIVE", "usage": "BLOCKLIST",
     "create": "2024-05-13T16:33:44.000Z",
     "locations": {"include": [{"country": "US", "region": "US-NY"}], "exclude": []},
     "asns": {"include": ["1"], "exclude": ["2"]},
     "ipServiceCategories": {"include": ["all_anonymizers"], "exclue": ["ANONYMIZER_TOR"]}}
  ])"}},
                          &issues);
  ASSERT_EQ(s.zones.size(), 8u);
  const NetworkZone* ip = s.FindZone("nzoIp");
  ASSERT_NE(ip, nullptr);
  EXPECT_FALSE(ip->active);
  EXPECT_EQ(ip->usage, ZoneUsage::kBlocklist);
  EXPECT_TRUE(ip->system);
  ASSERT_EQ(ip->gateways.size(), 2u);
  EXPECT_EQ(ip->gateways[0], *ParseCidr("1.2.3.0/24"));
  EXPECT_EQ(ip->gateways[1].first, ip->gateways[1].last);
  EXPECT_TRUE(ip->proxies.empty());
  EXPECT_THAT(ip->raw_json, ::testing::HasSubstr("\"gateways\""));

  const NetworkZone* any = s.FindZone("nzoAny");
  EXPECT_EQ(any->proxy_type, ZoneProxyCriterion::kAny);
  EXPECT_THAT(any->asns, ElementsAre(23457u, 13335u));
  ASSERT_EQ(any->locations.size(), 3u);
  EXPECT_EQ(any->locations[0].country, "US");
  EXPECT_EQ(any->locations[0].region, "US-CA");
  EXPECT_EQ(any->locations[1].region, "AF-BGL");
  EXPECT_EQ(any->locations[2].region, "");

  EXPECT_EQ(s.FindZone("nzoTor")->proxy_type, ZoneProxyCriterion::kTor);
  EXPECT_EQ(s.FindZone("nzoTor2")->proxy_type, ZoneProxyCriterion::kTor);
  EXPECT_EQ(s.FindZone("nzoNot")->proxy_type, ZoneProxyCriterion::kNotTorAnonymizer);
  EXPECT_EQ(s.FindZone("nzoNull")->proxy_type, ZoneProxyCriterion::kNoConstraint);
  EXPECT_EQ(s.FindZone("nzoEmpty")->proxy_type, ZoneProxyCriterion::kNoConstraint);

  const NetworkZone* v2 = s.FindZone("nzoV2");
  EXPECT_EQ(v2->type, ZoneType::kDynamicV2);
  ASSERT_EQ(v2->locations.size(), 1u);
  EXPECT_EQ(v2->locations[0].region, "US-NY");
  EXPECT_THAT(v2->asns, ElementsAre(1u));
  EXPECT_THAT(v2->asns_exclude, ElementsAre(2u));
  EXPECT_THAT(v2->ip_service_categories, ElementsAre("ALL_ANONYMIZERS"));
  EXPECT_THAT(v2->ip_service_categories_exclude, ElementsAre("ANONYMIZER_TOR"));

  // The only issue is the "exclue" warning.
  ASSERT_EQ(issues.size(), 1u) << Dump(issues);
  EXPECT_EQ(issues[0].code, "zone.misspelled_exclude");
  EXPECT_EQ(issues[0].pointer, "/7/ipServiceCategories/exclue");
}

TEST(SnapshotLoaderTest, ConditionsTypedWithDrift) {
  IssueList issues;
  const Snapshot s = Load({{"zones.json", R"([{"id": "nzo1", "type": "IP"}])"},
                           {"policies/ACCESS_POLICY.json",
                            R"([{"id": "00pA", "type": "ACCESS_POLICY", "priority": 1}])"},
                           {"rules/00pA.json", R"([{
    "id": "0pr1", "type": "ACCESS_POLICY", "priority": 0, "system": false,
    "conditions": {
      "people": {"users": {"include": ["00u1"], "exclude": ["00u2"]},
                 "groups": {"include": ["00g1"], "exclude": []}},
      "network": {"connection": "on_network"},
      "platform": {"include": [{"type": "desktop", "os": {"type": "OSX"}},
                               {"type": "MOBILE", "os": {"type": "MACOS"}},
                               {"type": "OTHER", "os": {"type": "OTHER",
                                 "expression": "device.platform == 'OTHER'",
                                 "version": {"matchType": "SEMVER", "value": "1.2"}}}],
                   "exclude": []},
      "riskScore": {"level": "ANY"},
      "risk": {"behaviors": ["New IP"]},
      "device": {"registered": true, "managed": false, "assurance": {"include": ["dae1"]}},
      "userType": {"include": [], "exclude": ["oty1"]},
      "elCondition": {"condition": "user.profile.x == 'y'"},
      "authContext": {"authType": "radius"},
      "identityProvider": {"provider": "SPECIFIC_IDP", "idpIds": ["0oa9"]},
      "userIdentifier": {"type": "ATTRIBUTE", "attribute": "email",
                         "patterns": [{"matchType": "SUFFIX", "value": "acme.example"}]},
      "app": {"include": [{"type": "APP", "id": "0oa1"}, {"type": "APP_TYPE", "name": "salesforce"}]},
      "scopes": {"include": ["*"]},
      "mdmEnrollment": {"enrollment": "OMM", "blockNonSafeAndroid": true},
      "entityRisk": {"level": "high"},
      "userStatus": {"value": "ACTIVE"},
      "groups": null
    },
    "actions": {"appSignOn": {"access": "ALLOW", "verificationMethod": {"type": "ASSURANCE",
      "factorMode": "2FA", "reauthenticateIn": "PT2H",
      "constraints": {"knowledge": {"types": ["password"]}}}}}}])"}},
                          &issues);
  EXPECT_TRUE(issues.empty()) << Dump(issues);
  ASSERT_EQ(s.policies.size(), 1u);
  ASSERT_EQ(s.policies[0].rules.size(), 1u);
  const Rule& r = s.policies[0].rules[0];
  EXPECT_EQ(r.priority, 0);
  EXPECT_FALSE(r.conditions_null);
  const Conditions& c = r.conditions;
  ASSERT_TRUE(c.people.has_value());
  EXPECT_THAT(c.people->users.include, ElementsAre("00u1"));
  EXPECT_THAT(c.people->users.exclude, ElementsAre("00u2"));
  EXPECT_THAT(c.people->groups.include, ElementsAre("00g1"));
  ASSERT_TRUE(c.network.has_value());
  EXPECT_EQ(c.network->connection, NetworkConnection::kOnNetwork);
  ASSERT_TRUE(c.platform.has_value());
  ASSERT_EQ(c.platform->include.size(), 3u);
  EXPECT_EQ(c.platform->include[0].type, "DESKTOP");
  EXPECT_EQ(c.platform->include[0].os_type, "MACOS");
  EXPECT_EQ(c.platform->include[1].os_type, "MACOS");
  EXPECT_EQ(c.platform->include[2].os_expression, "device.platform == 'OTHER'");
  EXPECT_EQ(c.platform->include[2].os_version_match_type, "SEMVER");
  EXPECT_EQ(c.platform->include[2].os_version_value, "1.2");
  ASSERT_TRUE(c.risk_score.has_value());
  EXPECT_FALSE(c.risk_score->level.has_value());
  EXPECT_THAT(c.risk->behaviors, ElementsAre("New IP"));
  EXPECT_EQ(c.device->registered, true);
  EXPECT_EQ(c.device->managed, false);
  EXPECT_THAT(c.device->assurance_include, ElementsAre("dae1"));
  EXPECT_THAT(c.user_type->exclude, ElementsAre("oty1"));
  EXPECT_EQ(c.el_condition->condition, "user.profile.x == 'y'");
  EXPECT_EQ(c.auth_context->auth_type, "RADIUS");
  EXPECT_EQ(c.identity_provider->provider, "SPECIFIC_IDP");
  EXPECT_THAT(c.identity_provider->idp_ids, ElementsAre("0oa9"));
  EXPECT_EQ(c.user_identifier->type, "ATTRIBUTE");
  EXPECT_EQ(c.user_identifier->patterns[0].match_type, "SUFFIX");
  ASSERT_EQ(c.app->include.size(), 2u);
  EXPECT_EQ(c.app->include[1].name, "salesforce");
  EXPECT_THAT(c.scopes->include, ElementsAre("*"));
  EXPECT_EQ(c.mdm_enrollment->block_non_safe_android, true);
  EXPECT_EQ(c.entity_risk->level, "HIGH");
  EXPECT_EQ(c.user_status->value, "ACTIVE");
  EXPECT_FALSE(c.groups.has_value());  // null condition object = absent
  EXPECT_THAT(c.unknown_keys, IsEmpty());
  ASSERT_TRUE(r.app_sign_on.has_value());
  EXPECT_EQ(r.app_sign_on->access, Access::kAllow);
  EXPECT_EQ(r.app_sign_on->verification_method_type, "ASSURANCE");
  EXPECT_EQ(r.app_sign_on->factor_mode, "2FA");
  EXPECT_EQ(r.app_sign_on->reauthenticate_in, "PT2H");
}

TEST(SnapshotLoaderTest, SignOnActionTypedAndActionsEchoedVerbatim) {
  const std::string actions =
      R"({"signon":{"access":"CHALLENGE","requireFactor":true,"factorPromptMode":"SESSION",)"
      R"("factorLifetime":15,"rememberDeviceByDefault":true,"primaryFactor":"PASSWORD_IDP",)"
      R"("session":{"usePersistentCookie":false,"maxSessionIdleMinutes":120,)"
      R"("maxSessionLifetimeMinutes":0},"zzzFuture":{"b":1,"a":[true,null]}},"extra":"kept"})";
  IssueList issues;
  const Snapshot s = Load({{"zones.json", "[]"},
                           {"policies/OKTA_SIGN_ON.json",
                            R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "priority": 1,
                                 "settings": {"z": 1, "a": 2}}])"},
                           {"rules/00p1.json", R"([{"id": "0pr1", "type": "SIGN_ON",
                              "actions": )" + actions +
                                                   "}]"}},
                          &issues);
  EXPECT_TRUE(issues.empty()) << Dump(issues);
  ASSERT_EQ(s.policies.size(), 1u);
  EXPECT_EQ(s.policies[0].settings_json, R"({"z":1,"a":2})");
  const Rule& r = s.policies[0].rules.at(0);
  // Key order and unknown members survive.
  EXPECT_EQ(r.actions_json, actions);
  ASSERT_TRUE(r.signon.has_value());
  EXPECT_EQ(r.signon->access, Access::kChallenge);
  EXPECT_TRUE(r.signon->require_factor);
  EXPECT_EQ(r.signon->factor_prompt_mode, FactorPromptMode::kSession);
  EXPECT_EQ(r.signon->factor_lifetime_minutes, 15);
  EXPECT_TRUE(r.signon->remember_device_by_default);
  EXPECT_EQ(r.signon->primary_factor, "PASSWORD_IDP");
  EXPECT_EQ(r.signon->max_session_idle_minutes, 120);
  EXPECT_EQ(r.signon->max_session_lifetime_minutes, 0);
  EXPECT_EQ(r.signon->use_persistent_cookie, false);
  EXPECT_THAT(r.raw_json, ::testing::HasSubstr("zzzFuture"));
}

TEST(SnapshotLoaderTest, AbsentActionsEchoAsEmptyObject) {
  const Snapshot s = Load({{"zones.json", "[]"},
                           {"policies/OKTA_SIGN_ON.json", R"([{"id": "00p1"}])"},
                           {"rules/00p1.json", R"([{"id": "0pr1"}])"}});
  ASSERT_EQ(s.policies.size(), 1u);
  EXPECT_EQ(s.policies[0].type, PolicyType::kOktaSignOn);  // from the file name
  EXPECT_EQ(s.policies[0].rules.at(0).actions_json, "{}");
  EXPECT_FALSE(s.policies[0].rules.at(0).signon.has_value());
}

TEST(SnapshotLoaderTest, UnknownConditionKeyIsKept) {
  IssueList issues;
  const Snapshot s = Load(
      {{"zones.json", "[]"},
       {"policies/OKTA_SIGN_ON.json", R"([{"id": "00p1"}])"},
       {"rules/00p1.json", R"([{"id": "0pr1", "conditions": {"beforeScheduledAction": {}}}])"}},
      &issues);
  EXPECT_THAT(s.policies.at(0).rules.at(0).conditions.unknown_keys,
              ElementsAre("beforeScheduledAction"));
}

TEST(SnapshotLoaderTest, MappingsGroupsBehaviorsUsersManifest) {
  IssueList issues;
  const Snapshot s = Load(
      {{"manifest.json", R"({"formatVersion": 1, "org": "acme", "pulledAt": "2026-11-28T09:00:00Z",
                             "source": "fixture", "extra": true})"},
       {"zones.json", "[]"},
       {"groups.json", R"([{"id": "00g1", "type": "OKTA_GROUP", "profile": {"name": "Sales"}}])"},
       {"behaviors.json",
        R"([{"id": "abc1", "name": "New IP", "type": "ANOMALOUS_LOCATION", "status": "INACTIVE"}])"},
       {"users/00u1/groups.json", R"([{"id": "00g1", "profile": {"name": "Sales"}}])"},
       {"users/00u2/groups.json", R"(["00g1", "00g2"])"},
       {"policies/ACCESS_POLICY.json", R"([{"id": "00pA", "type": "ACCESS_POLICY"}])"},
       {"policy-mappings/00pA.json", R"([
          {"id": "rulm1", "_links": {"application": {"href": "https://acme.okta.com/api/v1/apps/0oaHref"}}},
          {"id": "rulm2", "target": {"id": "0oaTarget"}},
          {"id": "0oaPlainId"},
          {"id": "rulm3", "_links": {"application": {"href": "https://acme.okta.com/api/v1/apps/0oaHref"}}}])"}},
      &issues);
  EXPECT_TRUE(issues.empty()) << Dump(issues);
  EXPECT_EQ(s.manifest.org, "acme");
  EXPECT_EQ(s.manifest.pulled_at, "2026-11-28T09:00:00Z");
  EXPECT_EQ(s.manifest.source, "fixture");
  EXPECT_TRUE(s.has_groups_file);
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].name, "Sales");
  EXPECT_TRUE(s.has_behaviors_file);
  ASSERT_EQ(s.behaviors.size(), 1u);
  EXPECT_FALSE(s.behaviors[0].active);
  EXPECT_THAT(s.user_groups.at("00u1"), ElementsAre("00g1"));
  EXPECT_THAT(s.user_groups.at("00u2"), ElementsAre("00g1", "00g2"));
  EXPECT_THAT(s.policies.at(0).mapped_app_ids, ElementsAre("0oaHref", "0oaTarget", "0oaPlainId"));
}

// apps.json: Application objects as GET /api/v1/apps returns them.
// `_links.accessPolicy` binds an app to its ACCESS_POLICY unless a
// policy-mappings/ entry already binds it (agreeing links add nothing); the
// whole object is kept, unknown fields included.
TEST(SnapshotLoaderTest, AppsBindTheirAccessPolicyThroughTheirLink) {
  IssueList issues;
  const Snapshot s = Load(
      {{"zones.json", "[]"},
       {"policies/ACCESS_POLICY.json", R"([
          {"id": "rstCrm", "type": "ACCESS_POLICY", "priority": 1},
          {"id": "rstDefault", "type": "ACCESS_POLICY", "priority": 2, "system": true}])"},
       {"policy-mappings/rstCrm.json",
        R"([{"id": "rsm1", "_links": {"application": {"href": "https://acme.okta.com/api/v1/apps/0oaCrm"}}}])"},
       {"apps.json", R"([
          {"id": "0oaCrm", "name": "oidc_client", "label": "CRM", "status": "ACTIVE",
           "signOnMode": "OPENID_CONNECT", "futureField": {"kept": true},
           "_links": {"accessPolicy": {"href": "https://acme.okta.com/api/v1/policies/rstCrm"},
                      "users": {"href": "https://acme.okta.com/api/v1/apps/0oaCrm/users"}}},
          {"id": "0oaWiki", "name": "bookmark", "label": "Wiki", "status": "ACTIVE",
           "_links": {"accessPolicy": {"href": "https://acme.okta.com/api/v1/policies/rstDefault?expand=rules"}}},
          {"id": "0oaOld", "label": "Old", "status": "INACTIVE",
           "_links": {"accessPolicy": {"href": "/api/v1/policies/rstCrm/"}}},
          {"id": "0oaService", "label": "Service", "status": "ACTIVE", "_links": {"self": {"href": "x"}}},
          {"id": "0oaBare"}])"}},
      &issues);
  EXPECT_TRUE(issues.empty()) << Dump(issues);
  EXPECT_TRUE(s.has_apps_file);
  ASSERT_EQ(s.apps.size(), 5u);
  const Application& crm = s.apps[0];
  EXPECT_EQ(crm.id, "0oaCrm");
  EXPECT_EQ(crm.name, "oidc_client");
  EXPECT_EQ(crm.label, "CRM");
  EXPECT_TRUE(crm.active);
  EXPECT_EQ(crm.access_policy_href, "https://acme.okta.com/api/v1/policies/rstCrm");
  EXPECT_EQ(crm.access_policy_id, "rstCrm");
  EXPECT_EQ(crm.file, "apps.json");
  EXPECT_EQ(crm.pointer, "/0");
  EXPECT_THAT(crm.raw_json, ::testing::HasSubstr(R"("futureField":{"kept":true})"));
  EXPECT_EQ(s.apps[1].access_policy_id, "rstDefault");  // query string ignored
  EXPECT_FALSE(s.apps[2].active);
  EXPECT_EQ(s.apps[2].access_policy_id, "rstCrm");  // relative href, trailing slash
  EXPECT_TRUE(s.apps[3].access_policy_id.empty());
  EXPECT_TRUE(s.apps[4].access_policy_id.empty());
  ASSERT_NE(s.FindApp("0oaWiki"), nullptr);
  EXPECT_EQ(s.FindApp("0oaNone"), nullptr);

  const Policy* crm_policy = s.FindPolicy("rstCrm");
  const Policy* default_policy = s.FindPolicy("rstDefault");
  ASSERT_NE(crm_policy, nullptr);
  ASSERT_NE(default_policy, nullptr);
  EXPECT_THAT(crm_policy->mapped_app_ids, ElementsAre("0oaCrm"));
  // 0oaCrm's link agrees with its mapping: listed once, as mapped. An INACTIVE
  // app keeps its binding.
  EXPECT_THAT(crm_policy->linked_app_ids, ElementsAre("0oaOld"));
  EXPECT_THAT(default_policy->linked_app_ids, ElementsAre("0oaWiki"));
}

TEST(SnapshotLoaderTest, MappingWinsOverAContradictingAppLink) {
  IssueList issues;
  const Snapshot s = Load(
      {{"zones.json", "[]"},
       {"policies/ACCESS_POLICY.json", R"([
          {"id": "rstA", "type": "ACCESS_POLICY", "priority": 1},
          {"id": "rstB", "type": "ACCESS_POLICY", "priority": 2}])"},
       {"policy-mappings/rstB.json", R"([{"id": "rsm1", "target": {"id": "0oa1"}}])"},
       {"apps.json",
        R"([{"id": "0oa1", "_links": {"accessPolicy": {"href": "https://a/api/v1/policies/rstA"}}}])"}},
      &issues);
  ASSERT_EQ(issues.size(), 1u) << Dump(issues);
  EXPECT_EQ(issues[0].code, "app.policy_conflict");
  EXPECT_EQ(issues[0].file, "apps.json");
  EXPECT_EQ(issues[0].pointer, "/0/_links/accessPolicy/href");
  EXPECT_THAT(s.FindPolicy("rstA")->linked_app_ids, IsEmpty());
  EXPECT_THAT(s.FindPolicy("rstB")->mapped_app_ids, ElementsAre("0oa1"));
  EXPECT_THAT(s.FindPolicy("rstB")->linked_app_ids, IsEmpty());
}

TEST(SnapshotLoaderTest, DanglingAppLinkBindsNothing) {
  IssueList issues;
  const Snapshot s =
      Load({{"zones.json", "[]"},
            {"policies/ACCESS_POLICY.json", R"([{"id": "rstA", "type": "ACCESS_POLICY"}])"},
            {"policies/OKTA_SIGN_ON.json", R"([{"id": "00pS", "type": "OKTA_SIGN_ON"}])"},
            {"apps.json", R"([
          {"id": "0oa1", "_links": {"accessPolicy": {"href": "https://a/api/v1/policies/rstGone"}}},
          {"id": "0oa2", "_links": {"accessPolicy": {"href": "https://a/api/v1/policies/00pS"}}}])"}},
           &issues);
  ASSERT_EQ(issues.size(), 2u) << Dump(issues);
  EXPECT_EQ(issues[0].code, "app.dangling_policy");
  EXPECT_EQ(issues[0].pointer, "/0/_links/accessPolicy/href");
  EXPECT_EQ(issues[1].code, "app.not_access_policy");
  EXPECT_EQ(issues[1].pointer, "/1/_links/accessPolicy/href");
  for (const Policy& p : s.policies) EXPECT_THAT(p.linked_app_ids, IsEmpty()) << p.id;
  EXPECT_EQ(s.apps.size(), 2u);
}

TEST(SnapshotLoaderTest, MalformedAppLinkFailsTheLoadWithItsPointer) {
  SnapshotDir dir;
  dir.WriteAll(
      Complete({{"zones.json", "[]"},
                {"policies/ACCESS_POLICY.json", R"([{"id": "rstA", "type": "ACCESS_POLICY"}])"},
                {"apps.json", R"([{"id": "0oa1"},
                   {"id": "0oa2", "_links": {"accessPolicy": {"href": "rstA"}}}])"}}));
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), &issues);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "apps.json: /1/_links/accessPolicy/href: not a policy URL: \"rstA\" (expected "
            ".../api/v1/policies/<policyId>)");
}

TEST(SnapshotLoaderTest, PolicyIdFromHrefReadsOnlyPolicyUrls) {
  // Through the loader: each href alone in apps.json, the id it binds.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"https://acme.okta.com/api/v1/policies/rstA", "rstA"},
      {"https://acme.okta.com/api/v1/policies/rstA/", "rstA"},
      {"https://acme.okta.com/api/v1/policies/rstA#frag", "rstA"},
      {"/api/v1/policies/rstA", "rstA"},
  };
  for (const auto& [href, want] : cases) {
    const Snapshot s =
        Load({{"zones.json", "[]"},
              {"policies/ACCESS_POLICY.json", R"([{"id": "rstA", "type": "ACCESS_POLICY"}])"},
              {"apps.json",
               R"([{"id": "0oa1", "_links": {"accessPolicy": {"href": ")" + href + R"("}}}])"}});
    ASSERT_EQ(s.apps.size(), 1u) << href;
    EXPECT_EQ(s.apps[0].access_policy_id, want) << href;
    EXPECT_THAT(s.FindPolicy("rstA")->linked_app_ids, ElementsAre("0oa1")) << href;
  }
}

TEST(SnapshotLoaderTest, NullIssueListAndWarningsAsErrors) {
  SnapshotDir dir;
  dir.WriteAll({{"zones.json", "[]"}, {"rules/00pX.json", "[]"}});
  EXPECT_TRUE(LoadSnapshot(dir.path(), nullptr).ok());
  LoadOptions strict;
  strict.warnings_as_errors = true;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), nullptr, strict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "rules/00pX.json: rules for unknown policy \"00pX\" (no policies/*.json holds it); "
            "ignored");
}

TEST(SnapshotLoaderTest, IssuesAreAppendedNotReplaced) {
  SnapshotDir dir;
  dir.WriteAll(Complete({{"zones.json", "[]"}}));
  IssueList issues = {Issue{Issue::Severity::kWarning, "earlier", "x", "", "kept"}};
  EXPECT_TRUE(LoadSnapshot(dir.path(), &issues).ok());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "earlier");
}

// The project's own fixture org loads without errors.
TEST(SnapshotLoaderTest, FixtureOrgLoadsWithoutIssues) {
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadSnapshot(VERDICT_SOURCE_DIR "/fixtures/org", &issues);
  ASSERT_TRUE(s.ok()) << s.status() << "\n" << Dump(issues);
  // Its only findings are the deliberate priority ties (ordered by id).
  for (const Issue& i : issues) EXPECT_EQ(i.code, "policy.duplicate_priority") << Dump(issues);
  EXPECT_FALSE(s->policies.empty());
  EXPECT_FALSE(s->zones.empty());
}

}  // namespace
}  // namespace verdict
