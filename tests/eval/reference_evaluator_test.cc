// One or more tests per row of Part A (docs/semantics.md), against the
// reference evaluator. Test names carry the Part A paragraph they pin.
#include "verdict/reference_evaluator.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/model_builder.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

using ::verdict::testing::Cidr;
using ::verdict::testing::DynamicZone;
using ::verdict::testing::Ip;
using ::verdict::testing::IpZone;
using ::verdict::testing::MakePolicy;
using ::verdict::testing::MakeRule;
using ::verdict::testing::NetworkIn;
using ::verdict::testing::Signon;
using ::verdict::testing::UserContext;

constexpr PolicyType kSignOn = PolicyType::kOktaSignOn;

// The winning rule id, "" for none, "BLOCKED" when blocked.
std::string Winner(const Snapshot& s, const SignOnContext& ctx, PolicyType type = kSignOn) {
  Trace trace;
  const Decision d = ReferenceEvaluator(s).Evaluate(ctx, type, &trace);
  // The trace must never change the answer.
  const Decision untraced = ReferenceEvaluator(s).Evaluate(ctx, type);
  EXPECT_TRUE(d == untraced) << "trace changed the decision";
  if (d.blocked) return "BLOCKED";
  return d.rule ? d.rule->id : "";
}

Outcome OutcomeFor(const Snapshot& s, const SignOnContext& ctx, PolicyType type = kSignOn) {
  return ReferenceEvaluator(s).Evaluate(ctx, type).outcome;
}

// A default policy whose default rule allows; appended last.
Policy DefaultPolicy(PolicyType type = kSignOn) {
  return MakePolicy("00pDefault", type, 99, {}, {MakeRule("0prDefault", 99)}, /*system=*/true);
}

// ------------------------------------------------------------------ A1

TEST(A1_1_PolicyOrder, LowerPriorityNumberIsTriedFirst) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA", 1)}),
                MakePolicy("00pB", kSignOn, 2, {"00gA"}, {MakeRule("0prB", 1)}), DefaultPolicy()};
  EXPECT_EQ(Winner(s, UserContext({"00gA"})), "0prA");
}

TEST(A1_1_PolicyOrder, PrioritiesNeedNotStartAtOne) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 0, {"00gA"}, {MakeRule("0prA", 0)}),
                MakePolicy("00pB", kSignOn, 7, {"00gA"}, {MakeRule("0prB", 3)})};
  EXPECT_EQ(Winner(s, UserContext({"00gA"})), "0prA");
}

TEST(A1_2_Inactive, InactivePolicyIsSkipped) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA", 1)}), DefaultPolicy()};
  s.policies[0].active = false;
  EXPECT_EQ(Winner(s, UserContext({"00gA"})), "0prDefault");
}

TEST(A1_2_Inactive, InactiveRuleIsSkipped) {
  Snapshot s;
  s.policies = {
      MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA1", 1), MakeRule("0prA2", 2)})};
  s.policies[0].rules[0].active = false;
  EXPECT_EQ(Winner(s, UserContext({"00gA"})), "0prA2");
}

TEST(A1_2_Inactive, PolicyWithNoActiveRulesIsSkipped) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA", 1)}),
                MakePolicy("00pEmpty", kSignOn, 2, {"00gA"}, {}), DefaultPolicy()};
  s.policies[0].rules[0].active = false;
  Trace trace;
  const Decision d = ReferenceEvaluator(s).Evaluate(UserContext({"00gA"}), kSignOn, &trace);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->id, "0prDefault");
  ASSERT_EQ(trace.policies.size(), 3u);
  EXPECT_FALSE(trace.policies[0].evaluated);
  EXPECT_FALSE(trace.policies[1].evaluated);
}

TEST(A1_3_PolicyApplies, GroupIncludeMustIntersectUserGroups) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA", "00gB"}, {MakeRule("0prA", 1)}),
                DefaultPolicy()};
  EXPECT_EQ(Winner(s, UserContext({"00gX", "00gB"})), "0prA");
  EXPECT_EQ(Winner(s, UserContext({"00gX"})), "0prDefault");
}

TEST(A1_3_PolicyApplies, NonDefaultPolicyWithoutGroupIncludeAppliesToNobody) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {}, {MakeRule("0prA", 1)}), DefaultPolicy()};
  EXPECT_EQ(Winner(s, UserContext({"00gA"})), "0prDefault");
}

TEST(A1_3_PolicyApplies, DefaultPolicyAppliesToContextWithoutUser) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA", 1)}), DefaultPolicy()};
  SignOnContext ctx;
  EXPECT_EQ(Winner(s, ctx), "0prDefault");
}

TEST(A1_3_PolicyApplies, EveryoneGroupHoldsEveryUser) {
  Snapshot s;
  s.groups = {Group{"00gEveryone", "Everyone", "BUILT_IN"}};
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gEveryone"}, {MakeRule("0prA", 1)}),
                DefaultPolicy()};
  EXPECT_EQ(Winner(s, UserContext({})), "0prA");
  EXPECT_EQ(Winner(s, SignOnContext{}), "0prDefault");
  // A context that only names the user's groups (Okta's simulation may give
  // groups without a user id) has a user: Everyone holds it too.
  SignOnContext groups_only;
  groups_only.user.groups = {"00gOther"};
  EXPECT_EQ(Winner(s, groups_only), "0prA");
}

Policy PasswordPolicy(std::string id, int64_t priority, std::string provider,
                      std::vector<std::string> include = {}) {
  Policy p = MakePolicy(id, PolicyType::kPassword, priority, {"00gA"}, {MakeRule("0pr" + id, 1)});
  AuthProviderCondition a;
  a.provider = std::move(provider);
  a.include = std::move(include);
  p.conditions.auth_provider = a;
  return p;
}

TEST(A1_3_PasswordAuthProvider, ProviderMustEqualUsersCredentialProvider) {
  Snapshot s;
  s.policies = {PasswordPolicy("00pAd", 1, "ACTIVE_DIRECTORY"),
                PasswordPolicy("00pOkta", 2, "OKTA")};
  SignOnContext okta_user = UserContext({"00gA"});
  EXPECT_EQ(Winner(s, okta_user, PolicyType::kPassword), "0pr00pOkta");
  SignOnContext ad_user = UserContext({"00gA"});
  ad_user.user.provider = "ACTIVE_DIRECTORY";
  EXPECT_EQ(Winner(s, ad_user, PolicyType::kPassword), "0pr00pAd");
}

TEST(A1_3_PasswordAuthProvider, AnyMatchesAllAndIncludeNamesTheDirectory) {
  Snapshot s;
  s.policies = {PasswordPolicy("00pAd", 1, "ACTIVE_DIRECTORY", {"0oaDir1"}),
                PasswordPolicy("00pAny", 2, "ANY")};
  SignOnContext ad_user = UserContext({"00gA"});
  ad_user.user.provider = "ACTIVE_DIRECTORY";
  ad_user.user.provider_id = "0oaDir2";
  EXPECT_EQ(Winner(s, ad_user, PolicyType::kPassword), "0pr00pAny");
  ad_user.user.provider_id = "0oaDir1";
  EXPECT_EQ(Winner(s, ad_user, PolicyType::kPassword), "0pr00pAd");
}

// Issue 18 item 8 (OLDPOLICY "Password Policy": "Password Policies are
// enforced only for Okta and AD-sourced users"; SPEC's authProvider adds
// LDAP): other users get no PASSWORD policy, not even the default with ANY,
// in both engines. Other types do not look at the provider.
TEST(A1_3_PasswordAuthProvider, OnlyOktaDirectoryAndLdapUsersGetPasswordPolicies) {
  Snapshot s;
  s.policies = {PasswordPolicy("00pAny", 1, "ANY"),
                MakePolicy("00pSignOn", kSignOn, 1, {"00gA"}, {MakeRule("0prSignOn", 1)})};
  auto compiled = Compile(s);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  struct Case {
    const char* provider;
    const char* password_winner;
  };
  for (const Case& c :
       {Case{"OKTA", "0pr00pAny"}, Case{"ACTIVE_DIRECTORY", "0pr00pAny"}, Case{"LDAP", "0pr00pAny"},
        Case{"FEDERATION", ""}, Case{"SOCIAL", ""}, Case{"IMPORT", ""}}) {
    SignOnContext ctx = UserContext({"00gA"});
    ctx.user.provider = c.provider;
    EXPECT_EQ(Winner(s, ctx, PolicyType::kPassword), c.password_winner) << c.provider;
    const Decision d = (*compiled)->Evaluate(ctx, PolicyType::kPassword);
    EXPECT_EQ(d.rule ? d.rule->id : "", c.password_winner) << c.provider;
    EXPECT_EQ(Winner(s, ctx, kSignOn), "0prSignOn") << c.provider;
  }
}

TEST(A1_4_RuleOrder, FirstMatchingRuleWins) {
  Snapshot s;
  s.zones = {IpZone("nzoOffice", "Office", {"198.51.100.0/24"})};
  s.policies = {
      MakePolicy("00pA", kSignOn, 1, {"00gA"},
                 {MakeRule("0prOffice", 1, NetworkIn({"nzoOffice"})), MakeRule("0prAny", 2)})};
  EXPECT_EQ(Winner(s, UserContext({"00gA"}, {"198.51.100.9"})), "0prOffice");
  EXPECT_EQ(Winner(s, UserContext({"00gA"}, {"203.0.113.9"})), "0prAny");
}

TEST(A1_4_RuleOrder, NoMatchingRuleFallsThroughToNextPolicy) {
  Snapshot s;
  s.zones = {IpZone("nzoOffice", "Office", {"198.51.100.0/24"})};
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"},
                           {MakeRule("0prOffice", 1, NetworkIn({"nzoOffice"}))}),
                MakePolicy("00pB", kSignOn, 2, {"00gA"}, {MakeRule("0prB", 1)})};
  EXPECT_EQ(Winner(s, UserContext({"00gA"}, {"203.0.113.9"})), "0prB");
}

TEST(A1_4_RuleOrder, NothingMatchesGivesNoDecision) {
  Snapshot s;
  s.policies = {MakePolicy("00pA", kSignOn, 1, {"00gA"}, {MakeRule("0prA", 1)})};
  const Decision d = ReferenceEvaluator(s).Evaluate(UserContext({"00gB"}), kSignOn);
  EXPECT_EQ(d.policy, nullptr);
  EXPECT_EQ(d.rule, nullptr);
  EXPECT_EQ(d.outcome, Outcome::kNone);
}

Policy AccessPolicy(std::string id, int64_t priority, std::vector<std::string> apps,
                    Access access = Access::kAllow) {
  Rule r = MakeRule("rul" + id, 99);
  r.type = "ACCESS_POLICY";
  r.signon.reset();
  r.app_sign_on = AppSignOnAction{};
  r.app_sign_on->access = access;
  Policy p = MakePolicy(id, PolicyType::kAccessPolicy, priority, {}, {r});
  p.mapped_app_ids = std::move(apps);
  return p;
}

TEST(A1_5_AccessPolicy, ChosenByTheContextsApp) {
  Snapshot s;
  s.policies = {AccessPolicy("rstA", 1, {"0oaA"}), AccessPolicy("rstB", 2, {"0oaB"})};
  SignOnContext ctx = UserContext({});
  ctx.app_id = "0oaB";
  EXPECT_EQ(Winner(s, ctx, PolicyType::kAccessPolicy), "rulrstB");
  ctx.app_id = "0oaC";
  EXPECT_EQ(Winner(s, ctx, PolicyType::kAccessPolicy), "");
  ctx.app_id = "";
  EXPECT_EQ(Winner(s, ctx, PolicyType::kAccessPolicy), "");
}

// ------------------------------------------------------------------ A2 people

Conditions People(std::vector<std::string> users_in, std::vector<std::string> users_out,
                  std::vector<std::string> groups_in, std::vector<std::string> groups_out) {
  Conditions c;
  PeopleCondition p;
  p.users.include = std::move(users_in);
  p.users.exclude = std::move(users_out);
  p.groups.include = std::move(groups_in);
  p.groups.exclude = std::move(groups_out);
  c.people = p;
  return c;
}

struct PeopleCase {
  std::string name;
  Conditions conditions;
  bool has_user;
  std::vector<std::string> groups;
  bool want_match;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const PeopleCase& c, std::ostream* os) { *os << c.name; }

class A2_People : public ::testing::TestWithParam<PeopleCase> {};

TEST_P(A2_People, Matches) {
  const PeopleCase& c = GetParam();
  Snapshot s;
  s.policies = {DefaultPolicy()};
  s.policies[0].rules = {MakeRule("0prPeople", 1, c.conditions), MakeRule("0prDefault", 99)};
  SignOnContext ctx = UserContext(c.groups);
  if (!c.has_user) ctx.user = ContextUser();
  EXPECT_EQ(Winner(s, ctx), c.want_match ? "0prPeople" : "0prDefault");
}

INSTANTIATE_TEST_SUITE_P(
    Table, A2_People,
    ::testing::Values(
        PeopleCase{"EmptyIncludesMatchEveryone", People({}, {}, {}, {}), true, {}, true},
        PeopleCase{"UserInclude", People({"00uTest"}, {}, {}, {}), true, {}, true},
        PeopleCase{"UserIncludeOther", People({"00uOther"}, {}, {}, {}), true, {}, false},
        PeopleCase{"GroupInclude", People({}, {}, {"00gA"}, {}), true, {"00gA"}, true},
        PeopleCase{
            "IncludesAreAUnion", People({"00uOther"}, {}, {"00gA"}, {}), true, {"00gA"}, true},
        PeopleCase{"UserExcludeWins", People({"00uTest"}, {"00uTest"}, {}, {}), true, {}, false},
        PeopleCase{
            "GroupExcludeWins", People({}, {}, {"00gA"}, {"00gB"}), true, {"00gA", "00gB"}, false},
        PeopleCase{"NoUserFailsInclude", People({}, {}, {"00gA"}, {}), false, {}, false},
        PeopleCase{"NoUserHoldsExclude", People({}, {"00uTest"}, {}, {"00gA"}), false, {}, true}),
    [](const auto& info) { return info.param.name; });

// ------------------------------------------------------------------ A2 network

// Part B §3.3, the published truth table of HELP-IPZ, row by row.
struct ChainCase {
  std::string name;
  std::vector<std::string> chain;
  std::vector<std::string> gateways;
  std::vector<std::string> proxies;
  bool want_in;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const ChainCase& c, std::ostream* os) { *os << c.name; }

class B3_3_ChainWalk : public ::testing::TestWithParam<ChainCase> {};

TEST_P(B3_3_ChainWalk, InZone) {
  const ChainCase& c = GetParam();
  Snapshot s;
  NetworkZone zone = IpZone("nzoZ", "Z", {});
  for (const std::string& g : c.gateways) zone.gateways.push_back(Cidr(g));
  for (const std::string& p : c.proxies) zone.proxies.push_back(Cidr(p));
  s.zones = {zone};
  s.policies = {DefaultPolicy()};
  s.policies[0].rules = {MakeRule("0prIn", 1, NetworkIn({"nzoZ"})), MakeRule("0prDefault", 99)};
  SignOnContext ctx = UserContext({});
  for (const std::string& ip : c.chain) ctx.ip_chain.push_back(Ip(ip));
  EXPECT_EQ(Winner(s, ctx), c.want_in ? "0prIn" : "0prDefault");
}

INSTANTIATE_TEST_SUITE_P(
    HelpIpzTable, B3_3_ChainWalk,
    ::testing::Values(
        ChainCase{"Row1_SingleGateway", {"1.1.1.1"}, {"1.1.1.1"}, {}, true},
        ChainCase{"Row2_SingleGatewayOtherProxy", {"1.1.1.1"}, {"1.1.1.1"}, {"2.2.2.2"}, true},
        ChainCase{"Row3_EmptyZone", {"1.1.1.1"}, {}, {}, false},
        ChainCase{"Row4_SingleIpIsOnlyProxy", {"1.1.1.1"}, {}, {"1.1.1.1"}, false},
        ChainCase{"Row5_LastHopGateway", {"1.1.1.1", "2.2.2.2"}, {"2.2.2.2"}, {}, true},
        ChainCase{"Row6_LastHopGatewayOtherProxy",
                  {"1.1.1.1", "2.2.2.2"},
                  {"2.2.2.2"},
                  {"3.3.3.3"},
                  true},
        ChainCase{"Row7_ProxyThenGateway", {"1.1.1.1", "2.2.2.2"}, {"1.1.1.1"}, {"2.2.2.2"}, true},
        ChainCase{"Row8_NeitherListed", {"1.1.1.1", "2.2.2.2"}, {}, {}, false},
        ChainCase{"Implied_ClientGatewayButUnknownLastHop",
                  {"1.1.1.1", "2.2.2.2"},
                  {"1.1.1.1"},
                  {},
                  false},
        ChainCase{"FourProxiesThenGatewayIsFiveIps",
                  {"1.1.1.1", "2.2.2.1", "2.2.2.2", "2.2.2.3", "2.2.2.4"},
                  {"1.1.1.1"},
                  {"2.2.2.0/24"},
                  true},
        ChainCase{"FiveProxiesThenGatewayExceedsFive",
                  {"1.1.1.1", "2.2.2.1", "2.2.2.2", "2.2.2.3", "2.2.2.4", "2.2.2.5"},
                  {"1.1.1.1"},
                  {"2.2.2.0/24"},
                  false},
        ChainCase{"WalkStopsAtForeignHop",
                  {"1.1.1.1", "9.9.9.9", "2.2.2.2"},
                  {"1.1.1.1"},
                  {"2.2.2.2"},
                  false},
        ChainCase{"CidrHostBitsMasked", {"1.2.3.200"}, {"1.2.3.4/24"}, {}, true},
        ChainCase{"RangeIsInclusiveFirst", {"10.0.0.5"}, {"10.0.0.5-10.0.0.9"}, {}, true},
        ChainCase{"RangeIsInclusiveLast", {"10.0.0.9"}, {"10.0.0.5-10.0.0.9"}, {}, true},
        ChainCase{"RangePastLast", {"10.0.0.10"}, {"10.0.0.5-10.0.0.9"}, {}, false},
        ChainCase{"SingleAddressRange", {"1.1.1.16"}, {"1.1.1.16-1.1.1.16"}, {}, true},
        ChainCase{"Ipv6Gateway", {"2001:db8::42"}, {"2001:db8::/64"}, {}, true},
        ChainCase{"Ipv6Outside", {"2001:db9::42"}, {"2001:db8::/64"}, {}, false},
        ChainCase{"Ipv4MappedIsIpv4", {"::ffff:1.2.3.4"}, {"1.2.3.0/24"}, {}, true},
        ChainCase{"Ipv4InMappedZone", {"1.2.3.4"}, {"::ffff:1.2.3.0/120"}, {}, true},
        ChainCase{"NoIpIsNotInZone", {}, {"0.0.0.0/0"}, {}, false}),
    [](const auto& info) { return info.param.name; });

class A2_Network : public ::testing::Test {
 protected:
  void SetUp() override {
    NetworkZone legacy = IpZone("nzoLegacy", "LegacyIpZone", {"192.0.2.0/24"});
    legacy.system = true;
    NetworkZone exempt = IpZone("nzoExempt", "DefaultExemptIpZone", {"203.0.113.0/24"});
    exempt.system = true;
    NetworkZone inactive = IpZone("nzoOff", "Inactive", {"198.51.100.0/24"});
    inactive.active = false;
    s_.zones = {IpZone("nzoOffice", "Office", {"198.51.100.0/25"}),
                IpZone("nzoLab", "Lab", {"198.51.100.128/25"}), legacy, exempt, inactive};
    s_.policies = {DefaultPolicy()};
  }
  std::string With(NetworkCondition n, std::initializer_list<std::string> chain) {
    Conditions c;
    c.network = n;
    s_.policies[0].rules = {MakeRule("0prNet", 1, c), MakeRule("0prDefault", 99)};
    return Winner(s_, UserContext({}, chain));
  }
  // The same, for a context that gives its zones by id (no IP); the
  // compiled engine must agree.
  std::string WithZones(NetworkCondition n, std::vector<std::string> zones) {
    Conditions c;
    c.network = n;
    s_.policies[0].rules = {MakeRule("0prNet", 1, c), MakeRule("0prDefault", 99)};
    SignOnContext ctx = UserContext({});
    ctx.zones = std::move(zones);
    const std::string reference = Winner(s_, ctx);
    auto compiled = Compile(s_);
    EXPECT_TRUE(compiled.ok());
    const Decision fast = (*compiled)->Evaluate(ctx, kSignOn);
    EXPECT_EQ(fast.rule != nullptr ? fast.rule->id : "", reference) << "engines disagree";
    return reference;
  }
  static NetworkCondition Zone(std::vector<std::string> in, std::vector<std::string> out = {}) {
    return NetworkIn(std::move(in), std::move(out)).network.value();
  }
  Snapshot s_;
};

TEST_F(A2_Network, AnywhereMatches) {
  EXPECT_EQ(With(NetworkCondition{}, {"8.8.8.8"}), "0prNet");
  EXPECT_EQ(With(NetworkCondition{}, {}), "0prNet");
}

TEST_F(A2_Network, IncludeIsAnyListedZone) {
  EXPECT_EQ(With(Zone({"nzoOffice", "nzoLab"}), {"198.51.100.200"}), "0prNet");
  EXPECT_EQ(With(Zone({"nzoOffice"}), {"198.51.100.200"}), "0prDefault");
}

TEST_F(A2_Network, ExcludeIsNoneOfTheZones) {
  EXPECT_EQ(With(Zone({}, {"nzoOffice"}), {"198.51.100.200"}), "0prNet");
  EXPECT_EQ(With(Zone({}, {"nzoOffice", "nzoLab"}), {"198.51.100.200"}), "0prDefault");
}

TEST_F(A2_Network, IncludeAndExcludeMustBothHold) {
  EXPECT_EQ(With(Zone({"nzoOffice"}, {"nzoLab"}), {"198.51.100.5"}), "0prNet");
  EXPECT_EQ(With(Zone({"ALL_ZONES"}, {"nzoOffice"}), {"198.51.100.5"}), "0prDefault");
}

TEST_F(A2_Network, AllZonesIsAnyActivePolicyZoneButTheExemptZone) {
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"198.51.100.5"}), "0prNet");
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"192.0.2.1"}), "0prNet");        // LegacyIpZone counts
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"203.0.113.1"}), "0prDefault");  // exempt zone does not
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"8.8.8.8"}), "0prDefault");
  EXPECT_EQ(With(Zone({}, {"ALL_ZONES"}), {"8.8.8.8"}), "0prNet");
}

TEST_F(A2_Network, AllZonesSkipsInactiveZones) {
  s_.zones[0].active = false;  // Office
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"198.51.100.5"}), "0prDefault");
}

TEST_F(A2_Network, OnNetworkIsLegacyIpZone) {
  NetworkCondition on;
  on.connection = NetworkConnection::kOnNetwork;
  NetworkCondition off;
  off.connection = NetworkConnection::kOffNetwork;
  EXPECT_EQ(With(on, {"192.0.2.7"}), "0prNet");
  EXPECT_EQ(With(on, {"198.51.100.5"}), "0prDefault");
  EXPECT_EQ(With(off, {"192.0.2.7"}), "0prDefault");
  EXPECT_EQ(With(off, {"198.51.100.5"}), "0prNet");
}

// Admins may rename system zones: they are found by what they are (system,
// type, usage, useAsExemptList), not by their names (docs/semantics.md,
// "System zones").
TEST_F(A2_Network, RenamedSystemZonesAreFoundByWhatTheyAre) {
  s_.zones[2].name = "Corporate IPs";  // LegacyIpZone
  s_.zones[3].name = "Never blocked";  // DefaultExemptIpZone
  s_.zones[3].use_as_exempt_list = true;
  NetworkCondition on;
  on.connection = NetworkConnection::kOnNetwork;
  EXPECT_EQ(With(on, {"192.0.2.7"}), "0prNet");
  EXPECT_EQ(With(on, {"198.51.100.5"}), "0prDefault");
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"203.0.113.1"}), "0prDefault");  // still the exempt zone
  // A user zone that merely carries a system zone's name is none of them.
  s_.zones[0].name = "LegacyIpZone";
  s_.zones[1].name = "DefaultExemptIpZone";
  EXPECT_EQ(With(on, {"198.51.100.5"}), "0prDefault");
  EXPECT_EQ(With(Zone({"ALL_ZONES"}), {"198.51.100.200"}), "0prNet");
}

// Okta's simulation gives "the client is in these zones" instead of an IP:
// exactly the listed ACTIVE zones hold the client.
TEST_F(A2_Network, ZonesGivenById) {
  EXPECT_EQ(WithZones(Zone({"nzoOffice"}), {"nzoOffice"}), "0prNet");
  EXPECT_EQ(WithZones(Zone({"nzoOffice"}), {"nzoLab"}), "0prDefault");
  EXPECT_EQ(WithZones(Zone({"nzoOffice"}), {}), "0prDefault");
  EXPECT_EQ(WithZones(Zone({"nzoOff"}), {"nzoOff"}), "0prDefault");  // INACTIVE holds nobody
  EXPECT_EQ(WithZones(Zone({}, {"nzoOffice"}), {"nzoLab", "nzoGone"}), "0prNet");
  EXPECT_EQ(WithZones(Zone({"ALL_ZONES"}), {"nzoLab"}), "0prNet");
  EXPECT_EQ(WithZones(Zone({"ALL_ZONES"}), {"nzoExempt"}), "0prDefault");
  NetworkCondition on;
  on.connection = NetworkConnection::kOnNetwork;
  EXPECT_EQ(WithZones(on, {"nzoLegacy"}), "0prNet");
  EXPECT_EQ(WithZones(on, {"nzoOffice"}), "0prDefault");
}

TEST_F(A2_Network, InactiveOrMissingZoneMatchesNothing) {
  EXPECT_EQ(With(Zone({"nzoOff"}), {"198.51.100.5"}), "0prDefault");
  EXPECT_EQ(With(Zone({"nzoMissing"}), {"198.51.100.5"}), "0prDefault");
  EXPECT_EQ(With(Zone({}, {"nzoOff"}), {"198.51.100.5"}), "0prNet");
}

// ------------------------------------------------------------------ A2 dynamic zones

struct DynamicCase {
  std::string name;
  NetworkZone zone;
  std::optional<ContextGeo> geo;
  std::optional<uint32_t> asn;
  std::optional<ProxyType> proxy;
  bool want_in;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const DynamicCase& c, std::ostream* os) { *os << c.name; }

class A2_DynamicZone : public ::testing::TestWithParam<DynamicCase> {};

TEST_P(A2_DynamicZone, InZone) {
  const DynamicCase& c = GetParam();
  Snapshot s;
  s.zones = {c.zone};
  s.policies = {DefaultPolicy()};
  s.policies[0].rules = {MakeRule("0prIn", 1, NetworkIn({c.zone.id})), MakeRule("0prDefault", 99)};
  SignOnContext ctx = UserContext({}, {"203.0.113.7"});
  ctx.geo = c.geo;
  ctx.asn = c.asn;
  ctx.proxy_type = c.proxy;
  EXPECT_EQ(Winner(s, ctx), c.want_in ? "0prIn" : "0prDefault");
}

NetworkZone V2Zone(std::vector<std::string> categories_in, std::vector<ZoneLocation> loc_out) {
  NetworkZone z = DynamicZone("nzoV2", "V2", {});
  z.type = ZoneType::kDynamicV2;
  z.ip_service_categories = std::move(categories_in);
  z.locations_exclude = std::move(loc_out);
  return z;
}

// IP service categories (docs/semantics.md, "IP service categories"): a
// zone's category holds the client when it names one of the client IP's
// services or is an umbrella holding one; the context's proxyType stands for
// an unnamed service of its kind. Hand-derived from the table of the
// semantics page, not from the code.
struct CategoryCase {
  std::string zone_category;
  std::vector<std::string> services;  // the context's ipServiceCategories
  std::optional<ProxyType> proxy;
  bool want_in;
};

TEST(A2_IpServiceCategories, UmbrellasHoldTheirServices) {
  const std::vector<CategoryCase> cases = {
      // A service is in its own category, whatever the case of its spelling.
      {"NORD_VPN", {"NORD_VPN"}, std::nullopt, true},
      {"NORD_VPN", {"nord_vpn"}, std::nullopt, true},
      {"NORD_VPN", {"MULLVAD_VPN"}, std::nullopt, false},
      // ALL_PROXIES_VPNS: VPNs and proxies, not Tor.
      {"ALL_PROXIES_VPNS", {"NORD_VPN"}, std::nullopt, true},
      {"ALL_PROXIES_VPNS", {"OXYLABS_PROXY"}, std::nullopt, true},
      {"ALL_PROXIES_VPNS", {"ANONYMIZER_TOR"}, std::nullopt, false},
      {"ALL_PROXIES_VPNS", {}, ProxyType::kAnonymizer, true},
      {"ALL_PROXIES_VPNS", {}, ProxyType::kTor, false},
      // ALL_ANONYMIZERS: every VPN and proxy, and Tor.
      {"ALL_ANONYMIZERS", {"APPLE_ICLOUD_RELAY_PROXY"}, std::nullopt, true},
      {"ALL_ANONYMIZERS", {"ANONYMIZER_TOR"}, std::nullopt, true},
      {"ALL_ANONYMIZERS", {}, ProxyType::kTor, true},
      {"ALL_ANONYMIZERS", {"SOME_NEW_SERVICE"}, std::nullopt, false},
      // ALL_ANONYMIZERS_EXCEPT_TOR.
      {"ALL_ANONYMIZERS_EXCEPT_TOR", {"SURFSHARK_VPN"}, std::nullopt, true},
      {"ALL_ANONYMIZERS_EXCEPT_TOR", {"ANONYMIZER_TOR"}, std::nullopt, false},
      {"ALL_ANONYMIZERS_EXCEPT_TOR", {}, ProxyType::kAnonymizer, true},
      {"ALL_ANONYMIZERS_EXCEPT_TOR", {}, ProxyType::kTor, false},
      // ALL_IP_SERVICES: any service at all, known or not.
      {"ALL_IP_SERVICES", {"SOME_NEW_SERVICE"}, std::nullopt, true},
      {"ALL_IP_SERVICES", {"ANONYMIZER_TOR"}, std::nullopt, true},
      {"ALL_IP_SERVICES", {}, ProxyType::kAnonymizer, true},
      // Tor through proxyType alone.
      {"ANONYMIZER_TOR", {}, ProxyType::kTor, true},
      {"ANONYMIZER_TOR", {}, ProxyType::kAnonymizer, false},
      // No service and not a proxy: in no category.
      {"ALL_IP_SERVICES", {}, ProxyType::kNone, false},
      {"ALL_IP_SERVICES", {}, std::nullopt, false},
  };
  for (const CategoryCase& c : cases) {
    Snapshot s;
    NetworkZone z = DynamicZone("nzoV2", "V2", {});
    z.type = ZoneType::kDynamicV2;
    z.ip_service_categories = {c.zone_category};
    s.zones = {z};
    s.policies = {DefaultPolicy()};
    s.policies[0].rules = {MakeRule("0prIn", 1, NetworkIn({"nzoV2"})), MakeRule("0prDefault", 99)};
    SignOnContext ctx = UserContext({}, {"203.0.113.7"});
    ctx.ip_service_categories = c.services;
    ctx.proxy_type = c.proxy;
    const std::string where = c.zone_category + " vs " + ::testing::PrintToString(c.services);
    EXPECT_EQ(Winner(s, ctx), c.want_in ? "0prIn" : "0prDefault") << where;
    auto compiled = Compile(s);
    ASSERT_TRUE(compiled.ok());
    const Decision fast = (*compiled)->Evaluate(ctx, kSignOn);
    EXPECT_EQ(fast.rule != nullptr && fast.rule->id == "0prIn", c.want_in) << where;
  }
}

const ContextGeo kUsCa{"US", "US-CA"};
const ContextGeo kUsNy{"US", "US-NY"};
const ContextGeo kDe{"DE", ""};

INSTANTIATE_TEST_SUITE_P(
    Table, A2_DynamicZone,
    ::testing::Values(
        DynamicCase{
            "CountryCoversAllRegions", DynamicZone("nzoD", "D", {{"US", ""}}), kUsNy, {}, {}, true},
        DynamicCase{
            "RegionMustMatch", DynamicZone("nzoD", "D", {{"US", "US-CA"}}), kUsNy, {}, {}, false},
        DynamicCase{
            "RegionMatches", DynamicZone("nzoD", "D", {{"US", "US-CA"}}), kUsCa, {}, {}, true},
        DynamicCase{"LocationsAreOr",
                    DynamicZone("nzoD", "D", {{"DE", ""}, {"US", ""}}),
                    kUsCa,
                    {},
                    {},
                    true},
        DynamicCase{"OtherCountry", DynamicZone("nzoD", "D", {{"US", ""}}), kDe, {}, {}, false},
        DynamicCase{
            "NoGeoFailsLocation", DynamicZone("nzoD", "D", {{"US", ""}}), {}, {}, {}, false},
        DynamicCase{
            "AsnMatches", DynamicZone("nzoD", "D", {}, {13335, 64500}), {}, 64500, {}, true},
        DynamicCase{"AsnDiffers", DynamicZone("nzoD", "D", {}, {13335}), {}, 64500, {}, false},
        DynamicCase{"CriteriaAreAnd",
                    DynamicZone("nzoD", "D", {{"US", ""}}, {13335}),
                    kUsCa,
                    64500,
                    {},
                    false},
        DynamicCase{"CriteriaAreAndBothHold",
                    DynamicZone("nzoD", "D", {{"US", ""}}, {13335}),
                    kUsCa,
                    13335,
                    {},
                    true},
        DynamicCase{"ProxyAnyTakesTor",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kAny),
                    {},
                    {},
                    ProxyType::kTor,
                    true},
        DynamicCase{"ProxyAnyTakesAnonymizer",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kAny),
                    {},
                    {},
                    ProxyType::kAnonymizer,
                    true},
        DynamicCase{"ProxyAnyRejectsNone",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kAny),
                    {},
                    {},
                    ProxyType::kNone,
                    false},
        DynamicCase{"ProxyTorRejectsAnonymizer",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kTor),
                    {},
                    {},
                    ProxyType::kAnonymizer,
                    false},
        DynamicCase{"ProxyNotTorRejectsTor",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kNotTorAnonymizer),
                    {},
                    {},
                    ProxyType::kTor,
                    false},
        DynamicCase{"ProxyNotTorTakesAnonymizer",
                    DynamicZone("nzoD", "D", {}, {}, ZoneProxyCriterion::kNotTorAnonymizer),
                    {},
                    {},
                    ProxyType::kAnonymizer,
                    true},
        DynamicCase{"ZoneWithoutCriteriaMatchesNothing", DynamicZone("nzoD", "D", {}), kUsCa, 13335,
                    ProxyType::kTor, false},
        DynamicCase{"V2IncludeCategory",
                    V2Zone({"ALL_ANONYMIZERS"}, {}),
                    kUsCa,
                    {},
                    ProxyType::kAnonymizer,
                    true},
        DynamicCase{"V2ExcludeSubtracts",
                    V2Zone({"ALL_ANONYMIZERS"}, {{"US", ""}}),
                    kUsCa,
                    {},
                    ProxyType::kAnonymizer,
                    false},
        DynamicCase{"V2TorCategory",
                    V2Zone({"ANONYMIZER_TOR"}, {}),
                    kDe,
                    {},
                    ProxyType::kAnonymizer,
                    false}),
    [](const auto& info) { return info.param.name; });

// ------------------------------------------------------------------ A2 blocklist (B §3.5)

struct BlockCase {
  std::string name;
  std::vector<std::string> chain;
  std::vector<std::string> blocklisted;
  std::vector<std::string> exempt;
  bool want_blocked;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const BlockCase& c, std::ostream* os) { *os << c.name; }

class B3_5_Exempt : public ::testing::TestWithParam<BlockCase> {};

TEST_P(B3_5_Exempt, Blocked) {
  const BlockCase& c = GetParam();
  Snapshot s;
  NetworkZone block = IpZone("nzoBlock", "BlockedIpZone", {}, {}, ZoneUsage::kBlocklist);
  for (const std::string& ip : c.blocklisted) block.gateways.push_back(Cidr(ip));
  NetworkZone exempt = IpZone("nzoExempt", "DefaultExemptIpZone", {});
  for (const std::string& ip : c.exempt) exempt.gateways.push_back(Cidr(ip));
  s.zones = {block, exempt};
  s.policies = {DefaultPolicy()};
  SignOnContext ctx = UserContext({});
  for (const std::string& ip : c.chain) ctx.ip_chain.push_back(Ip(ip));
  for (PolicyType type : {kSignOn, PolicyType::kPassword}) {
    const Decision d = ReferenceEvaluator(s).Evaluate(ctx, type);
    EXPECT_EQ(d.blocked, c.want_blocked) << PolicyTypeName(type);
    if (c.want_blocked) {
      EXPECT_EQ(d.outcome, Outcome::kDeny);  // A3: DENY on every type's line
      EXPECT_EQ(d.policy, nullptr);
      EXPECT_EQ(d.blocking_zone, &s.zones[0]);
    }
  }
}

// The exempt list is the system zone with useAsExemptList, whatever its name.
TEST(B3_5_ExemptZone, RenamedExemptZoneStillExempts) {
  Snapshot s;
  NetworkZone block = IpZone("nzoBlock", "Known bad", {"1.1.1.0/24"}, {}, ZoneUsage::kBlocklist);
  NetworkZone decoy = IpZone("nzoDecoy", "DefaultExemptIpZone", {});  // a user zone
  NetworkZone exempt = IpZone("nzoExempt", "Partners we trust", {"1.1.1.1/32"});
  exempt.system = true;
  exempt.use_as_exempt_list = true;
  s.zones = {block, decoy, exempt};
  s.policies = {DefaultPolicy()};
  const Decision exempted = ReferenceEvaluator(s).Evaluate(UserContext({}, {"1.1.1.1"}), kSignOn);
  EXPECT_FALSE(exempted.blocked);
  const Decision blocked = ReferenceEvaluator(s).Evaluate(UserContext({}, {"1.1.1.2"}), kSignOn);
  EXPECT_TRUE(blocked.blocked);
  auto compiled = Compile(s);
  ASSERT_TRUE(compiled.ok());
  EXPECT_FALSE((*compiled)->Evaluate(UserContext({}, {"1.1.1.1"}), kSignOn).blocked);
  EXPECT_TRUE((*compiled)->Evaluate(UserContext({}, {"1.1.1.2"}), kSignOn).blocked);
}

// A context giving its zones by id is blocked by a listed ACTIVE blocklist
// zone, unless it also lists the exempt zone.
TEST(B3_5_ExemptZone, ZonesGivenByIdBlockUnlessExempt) {
  Snapshot s;
  NetworkZone block = IpZone("nzoBlock", "Known bad", {"1.1.1.0/24"}, {}, ZoneUsage::kBlocklist);
  NetworkZone off = IpZone("nzoOldBlock", "Retired", {}, {}, ZoneUsage::kBlocklist);
  off.active = false;
  NetworkZone exempt = IpZone("nzoExempt", "DefaultExemptIpZone", {"1.1.1.1/32"});
  exempt.system = true;
  exempt.use_as_exempt_list = true;
  s.zones = {block, off, exempt};
  s.policies = {DefaultPolicy()};
  auto compiled = Compile(s);
  ASSERT_TRUE(compiled.ok());
  struct Case {
    std::vector<std::string> zones;
    bool blocked;
  };
  for (const Case& c :
       {Case{{"nzoBlock"}, true}, Case{{"nzoBlock", "nzoExempt"}, false},
        Case{{"nzoOldBlock"}, false}, Case{{"nzoExempt"}, false}, Case{{}, false}}) {
    SignOnContext ctx = UserContext({});
    ctx.zones = c.zones;
    const Decision ref = ReferenceEvaluator(s).Evaluate(ctx, kSignOn);
    EXPECT_EQ(ref.blocked, c.blocked) << ::testing::PrintToString(c.zones);
    if (c.blocked) {
      EXPECT_EQ(ref.blocking_zone, &s.zones[0]);
    }
    EXPECT_EQ((*compiled)->Evaluate(ctx, kSignOn).blocked, c.blocked);
  }
}

INSTANTIATE_TEST_SUITE_P(
    HelpExemptTable, B3_5_Exempt,
    ::testing::Values(
        BlockCase{"NothingBlocklisted", {"1.1.1.1", "2.2.2.2", "3.3.3.3"}, {}, {}, false},
        BlockCase{"NothingBlocklistedSomeExempt",
                  {"1.1.1.1", "2.2.2.2", "3.3.3.3"},
                  {},
                  {"1.1.1.1"},
                  false},
        BlockCase{"AllBlocklistedExempt",
                  {"1.1.1.1", "2.2.2.2", "3.3.3.3"},
                  {"1.1.1.1", "2.2.2.2"},
                  {"1.1.1.1", "2.2.2.2"},
                  false},
        BlockCase{"SecondHopBlocklistedExempt",
                  {"1.1.1.0", "1.1.1.1", "2.2.2.2", "3.3.3.3"},
                  {"1.1.1.1"},
                  {"1.1.1.1"},
                  false},
        BlockCase{"SecondHopBlocklistedNotExempt",
                  {"1.1.1.0", "1.1.1.1", "2.2.2.2", "3.3.3.3"},
                  {"1.1.1.1"},
                  {},
                  true},
        BlockCase{"MiddleHopBlocklisted", {"1.1.1.1", "2.2.2.2", "3.3.3.3"}, {"2.2.2.2"}, {}, true},
        BlockCase{"OneOfTwoExempt",
                  {"1.1.1.1", "2.2.2.2", "3.3.3.3"},
                  {"1.1.1.1", "2.2.2.2"},
                  {"1.1.1.1"},
                  true},
        BlockCase{"NoHopLimitForBlocklist",
                  {"9.9.9.9", "1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5", "1.1.1.6"},
                  {"9.9.9.9"},
                  {},
                  true}),
    [](const auto& info) { return info.param.name; });

TEST(A2_Blocklist, InactiveBlocklistZoneDoesNotBlock) {
  Snapshot s;
  s.zones = {IpZone("nzoBlock", "BlockedIpZone", {"1.1.1.1"}, {}, ZoneUsage::kBlocklist)};
  s.zones[0].active = false;
  s.policies = {DefaultPolicy()};
  EXPECT_EQ(Winner(s, UserContext({}, {"1.1.1.1"})), "0prDefault");
}

TEST(A2_Blocklist, DynamicBlocklistUsesClientAttributes) {
  Snapshot s;
  s.zones = {DynamicZone("nzoGeoBlock", "GeoBlock", {{"KP", ""}}, {},
                         ZoneProxyCriterion::kNoConstraint, ZoneUsage::kBlocklist)};
  s.policies = {DefaultPolicy()};
  SignOnContext ctx = UserContext({}, {"203.0.113.7"});
  ctx.geo = ContextGeo{"KP", ""};
  EXPECT_EQ(Winner(s, ctx), "BLOCKED");
  ctx.geo = ContextGeo{"US", "US-CA"};
  EXPECT_EQ(Winner(s, ctx), "0prDefault");
}

// ------------------------------------------------------------------ A2 other conditions

class A2_Conditions : public ::testing::Test {
 protected:
  std::string With(Conditions c, const SignOnContext& ctx) {
    s_.policies = {DefaultPolicy()};
    s_.policies[0].rules = {MakeRule("0prCond", 1, std::move(c)), MakeRule("0prDefault", 99)};
    return Winner(s_, ctx);
  }
  Snapshot s_;
};

TEST_F(A2_Conditions, RiskScoreAnyMatchesAll) {
  Conditions c;
  c.risk_score = RiskScoreCondition{};
  EXPECT_EQ(With(c, UserContext({})), "0prCond");
}

TEST_F(A2_Conditions, RiskScoreLevelIsExact) {
  Conditions c;
  c.risk_score = RiskScoreCondition{RiskLevel::kMedium, std::nullopt};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prDefault");  // no level: only ANY matches
  ctx.risk_level = RiskLevel::kHigh;
  EXPECT_EQ(With(c, ctx), "0prDefault");  // exact, not "at least"
  ctx.risk_level = RiskLevel::kMedium;
  EXPECT_EQ(With(c, ctx), "0prCond");
}

TEST_F(A2_Conditions, BehaviorsAreOrAndMapIdsToNames) {
  s_.behaviors = {Behavior{"bhvNewIp", "New IP", "ANOMALOUS_IP", true},
                  Behavior{"bhvNewDevice", "New Device", "ANOMALOUS_DEVICE", true}};
  Conditions c;
  c.risk = RiskBehaviorCondition{{"bhvNewIp", "bhvNewDevice"}};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prDefault");
  ctx.behaviors = {"New Device"};  // by name
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.behaviors = {"bhvNewIp"};  // by id
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.behaviors = {"Velocity"};
  EXPECT_EQ(With(c, ctx), "0prDefault");
  c.risk->behaviors.clear();  // empty list: no constraint
  EXPECT_EQ(With(c, ctx), "0prCond");
}

TEST_F(A2_Conditions, AuthTypeAnyOrEqual) {
  Conditions c;
  c.auth_context = AuthContextCondition{"RADIUS"};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prDefault");  // context default ANY matches only ANY rules
  ctx.auth_type = "RADIUS";
  EXPECT_EQ(With(c, ctx), "0prCond");
  c.auth_context = AuthContextCondition{"ANY"};
  EXPECT_EQ(With(c, ctx), "0prCond");
}

TEST_F(A2_Conditions, IdentityProvider) {
  Conditions c;
  c.identity_provider = IdentityProviderCondition{"OKTA", {}};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prCond");  // absent = OKTA
  c.identity_provider = IdentityProviderCondition{"SPECIFIC_IDP", {"0oaIdp1"}};
  EXPECT_EQ(With(c, ctx), "0prDefault");
  ctx.identity_provider_type = "IDP";
  ctx.identity_provider_id = "0oaIdp1";
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.identity_provider_id = "0oaIdp2";
  EXPECT_EQ(With(c, ctx), "0prDefault");
}

TEST_F(A2_Conditions, UserIdentifierPatternsAreCaseInsensitiveOr) {
  Conditions c;
  c.user_identifier = UserIdentifierCondition{
      "IDENTIFIER", "", {{"SUFFIX", "@ACME.example"}, {"EQUALS", "bob@other.example"}}};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.user.login = "Bob@Other.Example";
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.user.login = "eve@evil.example";
  EXPECT_EQ(With(c, ctx), "0prDefault");
}

TEST_F(A2_Conditions, PlatformIncludeExcludeAndMacosAlias) {
  Conditions c;
  PlatformEntry mobile;
  mobile.type = "MOBILE";
  PlatformEntry mac;
  mac.type = "DESKTOP";
  mac.os_type = "MACOS";
  c.platform = PlatformCondition{{mobile}, {}};
  SignOnContext ctx = UserContext({});
  ctx.device.os_type = "IOS";
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.device.os_type = "WINDOWS";
  EXPECT_EQ(With(c, ctx), "0prDefault");
  c.platform = PlatformCondition{{}, {mac}};
  ctx.device.os_type = "MACOS";
  EXPECT_EQ(With(c, ctx), "0prDefault");
}

TEST_F(A2_Conditions, DeviceFlagsMustBeKnownAndEqual) {
  Conditions c;
  DeviceCondition d;
  d.registered = true;
  d.managed = true;
  c.device = d;
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prDefault");  // unknown fails
  ctx.device.registered = true;
  ctx.device.managed = false;
  EXPECT_EQ(With(c, ctx), "0prDefault");
  ctx.device.managed = true;
  EXPECT_EQ(With(c, ctx), "0prCond");
}

// Issue 18 item 9: Okta offers "Device assurance policy is" only under
// "Device state is Registered", so a rule with assurance presumes a
// registered device even when it does not say `registered: true`.
TEST_F(A2_Conditions, DeviceAssurancePresumesARegisteredDevice) {
  Conditions c;
  DeviceCondition d;
  d.assurance_include = {"daeWin"};
  c.device = d;
  SignOnContext ctx = UserContext({});
  ctx.device.assurance = {"daeWin"};
  EXPECT_EQ(With(c, ctx), "0prDefault");  // registration unknown: fails
  ctx.device.registered = false;
  EXPECT_EQ(With(c, ctx), "0prDefault");  // not registered: fails
  ctx.device.registered = true;
  EXPECT_EQ(With(c, ctx), "0prCond");
  ctx.device.assurance = {"daeMac"};
  EXPECT_EQ(With(c, ctx), "0prDefault");  // registered, but the policy is not met
}

TEST_F(A2_Conditions, ElConditionIsEvaluatedAndMalformedNeverMatches) {
  Conditions c;
  c.el_condition = ElCondition{"user.profile.department == 'Sales'"};
  SignOnContext ctx = UserContext({});
  EXPECT_EQ(With(c, ctx), "0prDefault");  // missing attribute: false
  ctx.user.profile["department"] = "Sales";
  EXPECT_EQ(With(c, ctx), "0prCond");
  c.el_condition = ElCondition{"user.profile.department == "};  // malformed
  EXPECT_EQ(With(c, ctx), "0prDefault");
}

TEST_F(A2_Conditions, UnknownConditionNeverMatches) {
  Conditions c;
  c.unknown_keys = {"futureCondition"};
  EXPECT_EQ(With(c, UserContext({})), "0prDefault");
}

TEST_F(A2_Conditions, AbsentConditionsMatch) {
  EXPECT_EQ(With(Conditions{}, SignOnContext{}), "0prCond");
}

// ------------------------------------------------------------------ A3 outcome

class A3_Outcome : public ::testing::Test {
 protected:
  Outcome With(SignOnAction action, const SignOnContext& ctx) {
    s_.policies = {DefaultPolicy()};
    s_.policies[0].rules = {MakeRule("0prOnly", 1, {}, action)};
    return OutcomeFor(s_, ctx);
  }
  static SignOnContext At(std::optional<std::string> last_verification) {
    SignOnContext ctx = UserContext({});
    ctx.time = absl::FromUnixSeconds(1'800'000'000);
    if (last_verification == "10m") {
      ctx.session.last_factor_verification = *ctx.time - absl::Minutes(10);
    } else if (last_verification == "20m") {
      ctx.session.last_factor_verification = *ctx.time - absl::Minutes(20);
    } else if (last_verification == "15m") {
      ctx.session.last_factor_verification = *ctx.time - absl::Minutes(15);
    }
    return ctx;
  }
  Snapshot s_;
};

TEST_F(A3_Outcome, DenyAllowAndAlwaysChallenge) {
  EXPECT_EQ(With(Signon(Access::kDeny), At({})), Outcome::kDeny);
  EXPECT_EQ(With(Signon(Access::kAllow), At({})), Outcome::kAllow);
  EXPECT_EQ(With(Signon(Access::kAllow, true, FactorPromptMode::kAlways), At("10m")),
            Outcome::kChallenge);
  EXPECT_EQ(With(Signon(Access::kDeny, true, FactorPromptMode::kAlways), At({})), Outcome::kDeny);
}

TEST_F(A3_Outcome, SessionModeChallengesOnlyAfterFactorLifetime) {
  const SignOnAction session = Signon(Access::kAllow, true, FactorPromptMode::kSession, 15);
  EXPECT_EQ(With(session, At("10m")), Outcome::kAllow);
  EXPECT_EQ(With(session, At("15m")), Outcome::kAllow);  // "at most factorLifetime"
  EXPECT_EQ(With(session, At("20m")), Outcome::kChallenge);
  EXPECT_EQ(With(session, At({})), Outcome::kChallenge);  // no verification: due
  SignOnContext no_time = At("10m");
  no_time.time.reset();
  EXPECT_EQ(With(session, no_time), Outcome::kChallenge);
}

TEST_F(A3_Outcome, DeviceModeChallengesUnrememberedDevices) {
  const SignOnAction device = Signon(Access::kAllow, true, FactorPromptMode::kDevice);
  SignOnContext ctx = At({});
  EXPECT_EQ(With(device, ctx), Outcome::kChallenge);
  ctx.device.remembered = true;
  EXPECT_EQ(With(device, ctx), Outcome::kAllow);
}

TEST_F(A3_Outcome, NoFactorRequiredIsAllow) {
  EXPECT_EQ(With(Signon(Access::kAllow, false, FactorPromptMode::kAlways), At({})),
            Outcome::kAllow);
}

TEST(A3_OutcomeAccessPolicy, DenyOrAllow) {
  Snapshot s;
  s.policies = {AccessPolicy("rstA", 1, {"0oaA"}, Access::kDeny),
                AccessPolicy("rstB", 2, {"0oaB"}, Access::kAllow)};
  SignOnContext ctx = UserContext({});
  ctx.app_id = "0oaA";
  EXPECT_EQ(OutcomeFor(s, ctx, PolicyType::kAccessPolicy), Outcome::kDeny);
  ctx.app_id = "0oaB";
  EXPECT_EQ(OutcomeFor(s, ctx, PolicyType::kAccessPolicy), Outcome::kAllow);
}

TEST(A3_OutcomeOtherTypes, PasswordHasNoOutcome) {
  Snapshot s;
  s.policies = {DefaultPolicy(PolicyType::kPassword)};
  const Decision d = ReferenceEvaluator(s).Evaluate(UserContext({}), PolicyType::kPassword);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.outcome, Outcome::kNone);
}

TEST(A3_Output, JsonLineEchoesActionsVerbatim) {
  Snapshot s;
  s.policies = {DefaultPolicy()};
  s.policies[0].rules[0].actions_json =
      R"({"signon":{"access":"ALLOW","requireFactor":false},"futureAction":{"x":[1,2]}})";
  const Decision d = ReferenceEvaluator(s).Evaluate(UserContext({}), kSignOn);
  const std::string line = DecisionToJsonLine("case-1", d);
  EXPECT_NE(line.find(R"("futureAction":{"x":[1,2]})"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("policy": {"id": "00pDefault")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("outcome": "ALLOW")"), std::string::npos) << line;
}

TEST(Trace, ExplainsEveryConditionOfEveryRuleConsidered) {
  Snapshot s;
  s.zones = {IpZone("nzoOffice", "Office", {"198.51.100.0/24"})};
  s.policies = {DefaultPolicy()};
  s.policies[0].rules = {MakeRule("0prOffice", 1, NetworkIn({"nzoOffice"})),
                         MakeRule("0prDefault", 99)};
  Trace trace;
  ReferenceEvaluator(s).Evaluate(UserContext({}, {"203.0.113.1"}), kSignOn, &trace);
  ASSERT_EQ(trace.policies.size(), 1u);
  ASSERT_EQ(trace.policies[0].rules.size(), 2u);
  const RuleTrace& office = trace.policies[0].rules[0];
  EXPECT_FALSE(office.matched);
  ASSERT_EQ(office.conditions.size(), 1u);
  EXPECT_EQ(office.conditions[0].condition, "network.include");
  EXPECT_NE(office.conditions[0].detail.find("203.0.113.1"), std::string::npos);
  EXPECT_TRUE(trace.policies[0].rules[1].matched);
  const std::string text = TraceToText(trace);
  EXPECT_NE(text.find("Office"), std::string::npos) << text;
}

}  // namespace
}  // namespace verdict
