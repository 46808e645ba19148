// System Log event → context and recorded outcome, for every sign-on event
// type in fixtures/logs, plus the whole-input totals and Okta's own examples.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/log_events.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

fs::path FixtureDir() { return fs::path(VERDICT_SOURCE_DIR) / "fixtures" / "logs"; }

fs::path SharedDir() {
  if (const char* env = std::getenv("VERDICT_SHARED_DIR")) return env;
  return fs::path(VERDICT_SOURCE_DIR) / ".." / "shared";
}

constexpr char kUuidPrefix[] = "6d1f0a10-7b1c-11ef-9a01-0f4a1b2c3d";

// The fixture array's events by the last two digits of their uuid.
const std::map<std::string, LogEvent>& FixtureEvents() {
  static const auto* const events = [] {
    auto* out = new std::map<std::string, LogEvent>;
    auto reader = LogReader::Open((FixtureDir() / "signon-events.json").string());
    if (!reader.ok()) return out;
    RawLogEvent raw;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&raw);
      if (!more.ok() || !*more) break;
      absl::StatusOr<LogEvent> e = ParseLogEvent(raw.text, raw.position);
      if (e.ok()) (*out)[e->uuid.substr(e->uuid.size() - 2)] = *e;
    }
    return out;
  }();
  return *events;
}

LogEventConversion Convert(const std::string& suffix, const LogConversionOptions& options = {}) {
  const auto it = FixtureEvents().find(suffix);
  EXPECT_NE(it, FixtureEvents().end()) << "fixture event " << suffix;
  if (it == FixtureEvents().end()) return {};
  return ContextFromLogEvent(it->second, options);
}

std::vector<std::string> Ips(const SignOnContext& c) {
  std::vector<std::string> out;
  for (const IpAddress& ip : c.ip_chain) out.push_back(ip.ToString());
  return out;
}

absl::Time Time(const std::string& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &err)) << err;
  return t;
}

TEST(LogContext, FixtureHasTenEvents) { EXPECT_EQ(FixtureEvents().size(), 10u); }

TEST(LogContext, EventTypes) {
  EXPECT_TRUE(IsSignOnEventType("policy.evaluate_sign_on"));
  EXPECT_TRUE(IsSignOnEventType("user.session.start"));
  EXPECT_TRUE(IsSignOnEventType("user.authentication.sso"));
  EXPECT_TRUE(IsSignOnEventType("user.authentication.auth_via_mfa"));
  EXPECT_TRUE(IsSignOnEventType("user.authentication.verify"));
  EXPECT_FALSE(IsSignOnEventType("user.lifecycle.activate"));
  EXPECT_FALSE(IsSignOnEventType("user.session.end"));
  EXPECT_FALSE(IsSignOnEventType(""));
}

TEST(LogContext, ClassicEvaluateSignOnAllow) {
  const LogEventConversion r = Convert("01");
  const SignOnContext& c = r.context;
  EXPECT_EQ(c.id, absl::StrCat(kUuidPrefix, "01"));
  EXPECT_TRUE(c.has_user());
  EXPECT_EQ(c.user.id, "00u1lgfx00000000a1x7");
  EXPECT_EQ(c.user.login, "ann.lee@acme.example");
  EXPECT_EQ(c.user.provider, "OKTA");
  EXPECT_THAT(Ips(c), ElementsAre("203.0.113.10"));
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->country, "US");
  EXPECT_EQ(c.geo->region, "US-CA");
  EXPECT_EQ(c.asn, 64500u);
  EXPECT_EQ(c.proxy_type, ProxyType::kNone);
  EXPECT_FALSE(c.risk_level.has_value());
  EXPECT_THAT(c.behaviors, IsEmpty());
  EXPECT_EQ(c.threat_suspected, false);
  EXPECT_EQ(c.device.os_type, "MACOS");
  EXPECT_EQ(c.device.platform_type, "DESKTOP");
  EXPECT_FALSE(c.device.managed.has_value());
  EXPECT_EQ(c.app_id, "");
  EXPECT_EQ(c.time, Time("2024-09-23T08:15:02.114Z"));
  EXPECT_THAT(c.policy_types, IsEmpty());

  const RecordedOutcome& o = r.recorded;
  EXPECT_EQ(o.event_type, "policy.evaluate_sign_on");
  EXPECT_EQ(o.result, "ALLOW");
  EXPECT_EQ(o.access, Access::kAllow);
  ASSERT_EQ(o.decisions.size(), 1u);
  const RecordedDecision& d = o.decisions[0];
  EXPECT_EQ(d.policy_type, PolicyType::kOktaSignOn);
  EXPECT_FALSE(d.policy_type_inferred);
  EXPECT_EQ(d.policy_id, "00p1lgfx00000000p1x7");
  EXPECT_EQ(d.policy_name, "Default Policy");
  EXPECT_EQ(d.rule_id, "0pr1lgfx00000000r1x7");
  EXPECT_EQ(d.rule_name, "Default Rule");
  EXPECT_FALSE(d.redacted);
  EXPECT_THAT(r.notes, IsEmpty());
}

TEST(LogContext, ClassicChallengeWithJavaMapBehaviorsAndRisk) {
  const LogEventConversion r = Convert("02");
  const SignOnContext& c = r.context;
  EXPECT_THAT(Ips(c), ElementsAre("198.51.100.7", "192.0.2.5"));
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->country, "DE");
  EXPECT_EQ(c.geo->region, "DE-BE");
  EXPECT_EQ(c.risk_level, RiskLevel::kHigh);
  // Only POSITIVE counts; BAD_REQUEST and UNKNOWN do not.
  EXPECT_THAT(c.behaviors, ElementsAre("New Device", "New IP"));
  EXPECT_EQ(c.threat_suspected, true);
  EXPECT_EQ(c.device.os_type, "WINDOWS");
  EXPECT_EQ(r.recorded.access, Access::kChallenge);
  ASSERT_EQ(r.recorded.decisions.size(), 1u);
  EXPECT_EQ(r.recorded.decisions[0].policy_id, "00p1lgfx00000000p2x7");
  EXPECT_EQ(r.recorded.decisions[0].rule_id, "0pr1lgfx00000000r2x7");
  EXPECT_EQ(r.recorded.decisions[0].policy_type, PolicyType::kOktaSignOn);
}

TEST(LogContext, IdentityEngineRedactedRuleIsUnknownNotWrong) {
  const LogEventConversion r = Convert("03");
  const SignOnContext& c = r.context;
  EXPECT_EQ(c.app_id, "0oa1lgfx00000000a1x7");
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->country, "GB");
  EXPECT_EQ(c.geo->region, "GB-ENG");
  // logOnlySecurityData (a JSON string) supplies risk and behaviors.
  EXPECT_EQ(c.risk_level, RiskLevel::kMedium);
  EXPECT_THAT(c.behaviors, ElementsAre("New City"));

  const RecordedOutcome& o = r.recorded;
  EXPECT_EQ(o.result, "ALLOW");
  EXPECT_EQ(o.reason, "Sign-on policy evaluation resulted in AUTHENTICATED");
  EXPECT_EQ(o.access, Access::kAllow);
  ASSERT_EQ(o.decisions.size(), 1u);
  const RecordedDecision& d = o.decisions[0];
  EXPECT_EQ(d.rule_id, "");  // "1" is a placeholder: never compared
  EXPECT_EQ(d.rule_name, "Catch-all Rule");
  EXPECT_EQ(d.policy_id, "");
  EXPECT_TRUE(d.redacted);
  EXPECT_EQ(d.policy_type, PolicyType::kAccessPolicy);
  EXPECT_TRUE(d.policy_type_inferred);
  EXPECT_THAT(r.notes, ElementsAre(HasSubstr("redacted")));
}

TEST(LogContext, IdentityEngineDenyFromTor) {
  const LogEventConversion r = Convert("04");
  const SignOnContext& c = r.context;
  EXPECT_EQ(c.proxy_type, ProxyType::kTor);
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->region, "CA-QC");
  EXPECT_EQ(c.device.os_type, "ANDROID");
  EXPECT_EQ(c.device.platform_type, "MOBILE");
  EXPECT_EQ(r.recorded.access, Access::kDeny);
  ASSERT_EQ(r.recorded.decisions.size(), 1u);
  EXPECT_EQ(r.recorded.decisions[0].rule_id, "rul1lgfx00000000r4x7");
  EXPECT_EQ(r.recorded.decisions[0].rule_name, "Block anonymizers");
  EXPECT_EQ(r.recorded.decisions[0].policy_type, PolicyType::kAccessPolicy);
  EXPECT_FALSE(r.recorded.decisions[0].redacted);
}

TEST(LogContext, SessionStartWithDeviceRiskAndUserBehaviors) {
  const LogEventConversion r = Convert("05");
  const SignOnContext& c = r.context;
  EXPECT_THAT(Ips(c), ElementsAre("2001:db8:10::7"));
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->country, "AU");
  EXPECT_EQ(c.geo->region, "AU-NSW");
  EXPECT_EQ(c.risk_level, RiskLevel::kHigh);
  // userBehaviors give the id (rules list ids); NEGATIVE ones are left out.
  EXPECT_THAT(c.behaviors, ElementsAre("bhv1lgfx00000000b1x7"));
  EXPECT_EQ(c.device.os_type, "MACOS");  // device.os_platform "OSX"
  EXPECT_EQ(c.device.platform_type, "DESKTOP");
  EXPECT_EQ(c.device.managed, true);
  EXPECT_EQ(c.device.registered, true);
  EXPECT_FALSE(c.device.rooted.has_value());
  EXPECT_EQ(c.app_id, "0oa1lgfx00000000adx7");
  EXPECT_FALSE(c.threat_suspected.has_value());
  EXPECT_EQ(r.recorded.result, "SUCCESS");
  EXPECT_FALSE(r.recorded.access.has_value());
  EXPECT_THAT(r.recorded.decisions, IsEmpty());
}

TEST(LogContext, SsoFallsBackToClientIpAddress) {
  const LogEventConversion r = Convert("06");
  const SignOnContext& c = r.context;
  EXPECT_THAT(Ips(c), ElementsAre("203.0.113.77"));
  EXPECT_EQ(c.app_id, "0oa1lgfx00000000w1x7");
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->region, "JP-13");
  EXPECT_EQ(c.device.os_type, "IOS");
  EXPECT_EQ(c.device.platform_type, "MOBILE");
  EXPECT_EQ(r.recorded.event_type, "user.authentication.sso");
  EXPECT_FALSE(r.recorded.access.has_value());
}

TEST(LogContext, FactorVerificationWithJavaMaps) {
  const LogEventConversion r = Convert("07");
  const SignOnContext& c = r.context;
  EXPECT_EQ(c.risk_level, RiskLevel::kLow);
  EXPECT_THAT(c.behaviors,
              ElementsAre("New Geo-Location", "New IP", "New State", "New Country", "New City"));
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->region, "BR-SP");
  EXPECT_EQ(r.recorded.event_type, "user.authentication.auth_via_mfa");
}

TEST(LogContext, VerifyWithRedactedActorAndUnknownCountry) {
  const LogEventConversion r = Convert("08");
  const SignOnContext& c = r.context;
  EXPECT_TRUE(c.has_user());
  EXPECT_EQ(c.user.id, "");
  EXPECT_EQ(c.user.login, "eve.ross@acme.example");
  EXPECT_EQ(c.user.provider, "ACTIVE_DIRECTORY");
  EXPECT_FALSE(c.geo.has_value());                  // "Atlantis": absent, not wrong
  EXPECT_EQ(c.proxy_type, ProxyType::kAnonymizer);  // proxyType "service"
  EXPECT_EQ(c.device.os_type, "LINUX");
  EXPECT_EQ(r.recorded.result, "FAILURE");
  EXPECT_THAT(r.notes, UnorderedElementsAre(HasSubstr("actor id is redacted"),
                                            HasSubstr("\"Atlantis\" is not in the ISO 3166")));
}

TEST(LogContext, MembershipsFromMapByIdOrLogin) {
  absl::StatusOr<MembershipMap> map = LoadMemberships((FixtureDir() / "memberships.json").string());
  ASSERT_TRUE(map.ok()) << map.status();
  LogConversionOptions options;
  options.memberships = &*map;

  LogEventConversion ann = Convert("01", options);
  EXPECT_TRUE(ann.memberships_found);
  EXPECT_THAT(ann.context.user.groups, ElementsAre("00g1lgfx00000000evry", "00g1lgfx00000000eng1"));
  // Bob is keyed by login, with group objects (the groups API shape).
  LogEventConversion bob = Convert("02", options);
  EXPECT_TRUE(bob.memberships_found);
  EXPECT_THAT(bob.context.user.groups, ElementsAre("00g1lgfx00000000evry", "00g1lgfx00000000ctr1"));
  // Carol has an empty list: found, no groups.
  LogEventConversion carol = Convert("03", options);
  EXPECT_TRUE(carol.memberships_found);
  EXPECT_THAT(carol.context.user.groups, IsEmpty());
  // Dan is not in the file.
  LogEventConversion dan = Convert("04", options);
  EXPECT_FALSE(dan.memberships_found);
}

TEST(LogContext, MembershipsFromSnapshot) {
  Snapshot snapshot;
  snapshot.user_groups["00u1lgfx00000000d4x7"] = {"00g1"};
  LogConversionOptions options;
  options.snapshot = &snapshot;
  LogEventConversion dan = Convert("04", options);
  EXPECT_TRUE(dan.memberships_found);
  EXPECT_THAT(dan.context.user.groups, ElementsAre("00g1"));
  // The explicit map wins over the snapshot.
  MembershipMap map = {{"00u1lgfx00000000d4x7", {"00g2"}}};
  options.memberships = &map;
  EXPECT_THAT(Convert("04", options).context.user.groups, ElementsAre("00g2"));
}

TEST(LogContext, MembershipFileShapes) {
  EXPECT_TRUE(ParseMemberships("{}").ok());
  EXPECT_FALSE(ParseMemberships("[]").ok());
  EXPECT_THAT(std::string(ParseMemberships("{\"u\": \"g\"}").status().message()), HasSubstr("/u"));
  EXPECT_THAT(std::string(ParseMemberships("{\"u\": [{\"name\": \"x\"}]}").status().message()),
              HasSubstr("/u/0"));
  EXPECT_FALSE(ParseMemberships("{").ok());
  EXPECT_EQ(LoadMemberships("/nonexistent/m.json").status().code(), absl::StatusCode::kNotFound);
}

// Field-level cases on small synthetic events.
LogEventConversion ConvertText(const std::string& json) {
  absl::StatusOr<LogEvent> e = ParseLogEvent(json, LogEventPosition{7, 0, 7});
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? ContextFromLogEvent(*e) : LogEventConversion{};
}

TEST(LogContextFields, ProxyReadings) {
  auto proxy = [](const std::string& is_proxy, const std::string& proxy_type) {
    std::string debug =
        proxy_type.empty() ? "{}" : absl::StrCat("{\"proxyType\":\"", proxy_type, "\"}");
    return ConvertText(absl::StrCat("{\"eventType\":\"user.session.start\",\"securityContext\":{",
                                    "\"isProxy\":", is_proxy,
                                    "},\"debugContext\":{\"debugData\":", debug, "}}"))
        .context.proxy_type;
  };
  EXPECT_EQ(proxy("true", ""), ProxyType::kAnonymizer);
  EXPECT_EQ(proxy("true", "tor"), ProxyType::kTor);
  EXPECT_EQ(proxy("true", "TOR"), ProxyType::kTor);
  EXPECT_EQ(proxy("true", "service"), ProxyType::kAnonymizer);
  EXPECT_EQ(proxy("false", ""), ProxyType::kNone);
  EXPECT_EQ(proxy("null", ""), std::nullopt);
  EXPECT_EQ(proxy("null", "tor"), ProxyType::kTor);
  EXPECT_EQ(proxy("null", "service"), std::nullopt);
}

TEST(LogContextFields, RiskSourcesInOrder) {
  // securityContext.risk wins over logOnlySecurityData, which wins over debugData.risk.
  const LogEventConversion r = ConvertText(
      R"({"eventType":"user.session.start","securityContext":{"risk":{"level":"LOW"}},
          "debugContext":{"debugData":{"risk":"{level=HIGH}",
          "logOnlySecurityData":"{\"risk\":{\"level\":\"MEDIUM\"}}"}}})");
  EXPECT_EQ(r.context.risk_level, RiskLevel::kLow);
  const LogEventConversion r2 = ConvertText(
      R"({"eventType":"user.session.start","debugContext":{"debugData":{"risk":"{level=HIGH}",
          "logOnlySecurityData":"{\"risk\":{\"level\":\"MEDIUM\"}}"}}})");
  EXPECT_EQ(r2.context.risk_level, RiskLevel::kMedium);
  const LogEventConversion r3 = ConvertText(
      R"({"eventType":"user.session.start","debugContext":{"debugData":{
          "risk":"{reasons=Anomalous Device, Anomalous Location, level=HIGH}"}}})");
  EXPECT_EQ(r3.context.risk_level, RiskLevel::kHigh);
}

TEST(LogContextFields, MalformedDebugStringsAreNotesNotFailures) {
  const LogEventConversion r = ConvertText(
      R"({"eventType":"user.session.start","actor":{"id":"00u1","type":"User"},
          "debugContext":{"debugData":{"risk":"HIGH","behaviors":"New IP=POSITIVE",
          "logOnlySecurityData":"{not json"}}})");
  EXPECT_FALSE(r.context.risk_level.has_value());
  EXPECT_THAT(r.context.behaviors, IsEmpty());
  EXPECT_THAT(r.notes,
              UnorderedElementsAre(HasSubstr("logOnlySecurityData"), HasSubstr("debugData.risk"),
                                   HasSubstr("debugData.behaviors")));
  EXPECT_EQ(r.context.user.id, "00u1");
}

TEST(LogContextFields, LogOnlySecurityDataBehaviors) {
  const LogEventConversion r = ConvertText(
      R"({"eventType":"policy.evaluate_sign_on","debugContext":{"debugData":{"logOnlySecurityData":
      "{\"risk\":{\"level\":\"LOW\"},\"behaviors\":{\"New Geo-Location\":\"NEGATIVE\",\"New Device\":\"POSITIVE\",\"New IP\":\"POSITIVE\"}}"}}})");
  EXPECT_EQ(r.context.risk_level, RiskLevel::kLow);
  EXPECT_THAT(r.context.behaviors, ElementsAre("New Device", "New IP"));
}

TEST(LogContextFields, BehaviorsFromAllSourcesAreDeduplicated) {
  const LogEventConversion r = ConvertText(
      R"({"eventType":"user.session.start",
          "securityContext":{"userBehaviors":[{"id":"bhv1","name":"New IP","result":"POSITIVE"},
                                             {"name":"Velocity","result":"POSITIVE"}]},
          "debugContext":{"debugData":{"behaviors":"{New IP=POSITIVE, Velocity=POSITIVE}"}}})");
  EXPECT_THAT(r.context.behaviors, ElementsAre("bhv1", "Velocity", "New IP"));
}

TEST(LogContextFields, NoUserAndRedactedIds) {
  const LogEventConversion r = ConvertText(
      R"({"uuid":"1","eventType":"policy.evaluate_sign_on",
          "actor":{"id":"0oa9","type":"PublicClientApp"},
          "target":[{"id":"unknown","type":"AppInstance"}]})");
  EXPECT_FALSE(r.context.has_user());
  EXPECT_FALSE(r.memberships_found);
  EXPECT_EQ(r.context.id, "event-7");  // uuid redacted: named by ordinal
  EXPECT_EQ(r.context.app_id, "");
  EXPECT_THAT(r.notes, ::testing::Contains(HasSubstr("not a User")));
  EXPECT_THAT(r.notes, ::testing::Contains(HasSubstr("AppInstance id is redacted")));
}

TEST(LogContextFields, ClassicPolicyRuleWithoutPolicyEntity) {
  const LogEventConversion r = ConvertText(
      R"({"eventType":"policy.evaluate_sign_on","outcome":{"result":"deny"},
          "target":[{"id":"0pr9abcdefghij000001","type":"PolicyRule","alternateId":"00p9abcdefghij000001",
                     "displayName":"Block"}]})");
  ASSERT_EQ(r.recorded.decisions.size(), 1u);
  const RecordedDecision& d = r.recorded.decisions[0];
  EXPECT_EQ(d.policy_id, "00p9abcdefghij000001");
  EXPECT_EQ(d.rule_id, "0pr9abcdefghij000001");
  EXPECT_EQ(d.policy_type, PolicyType::kOktaSignOn);
  EXPECT_TRUE(d.policy_type_inferred);
  EXPECT_EQ(r.recorded.result, "DENY");
  EXPECT_EQ(r.recorded.access, Access::kDeny);
}

TEST(LogContextFields, RulesWithStatedPolicyIdsAndTypes) {
  // One Identity Engine event with the global session rule and the app rule,
  // each naming its policy (catalog detail keys): no inference needed, and
  // none made when two rules share the event.
  const LogEventConversion r = ConvertText(
      R"({"eventType":"policy.evaluate_sign_on","outcome":{"result":"CHALLENGE"},
          "target":[{"id":"0oa1","type":"AppInstance"},
                    {"id":"rul1gsp","type":"Rule","detailEntry":{"policy_id":"00pGsp","policy_type":"OKTA_SIGN_ON"}},
                    {"id":"rul1app","type":"Rule","detailEntry":{"policyId":"rstApp"}}]})");
  ASSERT_EQ(r.recorded.decisions.size(), 2u);
  EXPECT_EQ(r.recorded.decisions[0].policy_id, "00pGsp");
  EXPECT_EQ(r.recorded.decisions[0].policy_type, PolicyType::kOktaSignOn);
  EXPECT_FALSE(r.recorded.decisions[0].policy_type_inferred);
  EXPECT_EQ(r.recorded.decisions[1].policy_id, "rstApp");
  EXPECT_EQ(r.recorded.decisions[1].policy_type, std::nullopt);
}

// detailEntry policyType spellings: Okta writes "OKTA_SIGN_ON" in some events
// and "OktaSignOn"-style names in others; compared ignoring case, '_', ' '
// and '-'. Anything else is no type (then inferred, or not compared).
TEST(LogContextFields, RecordedPolicyTypeSpellings) {
  auto type_of = [](const std::string& spelling) {
    const LogEventConversion r = ConvertText(absl::StrCat(
        R"({"eventType":"user.session.start","target":[{"id":"rul1","type":"Rule","detailEntry":{"policyId":"00p1","policyType":")",
        spelling, R"("}}]})"));
    EXPECT_EQ(r.recorded.decisions.size(), 1u) << spelling;
    return r.recorded.decisions.empty() ? std::nullopt : r.recorded.decisions[0].policy_type;
  };
  EXPECT_EQ(type_of("OKTA_SIGN_ON"), PolicyType::kOktaSignOn);
  EXPECT_EQ(type_of("OktaSignOn"), PolicyType::kOktaSignOn);
  EXPECT_EQ(type_of("okta-sign on"), PolicyType::kOktaSignOn);
  EXPECT_EQ(type_of("_Okta_Sign_On_"), PolicyType::kOktaSignOn);
  EXPECT_EQ(type_of("AccessPolicy"), PolicyType::kAccessPolicy);
  EXPECT_EQ(type_of("ACCESS_POLICY"), PolicyType::kAccessPolicy);
  EXPECT_EQ(type_of("PASSWORD"), PolicyType::kPassword);
  EXPECT_EQ(type_of("OktaSignOnX"), std::nullopt);
  EXPECT_EQ(type_of("OktaSign"), std::nullopt);
  EXPECT_EQ(type_of("___"), std::nullopt);
  EXPECT_EQ(type_of(""), std::nullopt);
}

TEST(LogContextFields, InvalidAddressesAreSkippedWithANote) {
  const LogEventConversion r = ConvertText(
      R"({"eventType":"user.session.start","client":{"ipAddress":"203.0.113.9"},
          "request":{"ipChain":[{"ip":"not-an-ip"},{"ip":"198.51.100.1"}]}})");
  EXPECT_THAT(Ips(r.context), ElementsAre("198.51.100.1"));
  EXPECT_THAT(r.notes, ::testing::Contains(HasSubstr("\"not-an-ip\" is not an IP address")));
}

TEST(LogContextFields, ParseErrors) {
  EXPECT_FALSE(ParseLogEvent("{\"a\":").ok());
  EXPECT_FALSE(ParseLogEvent("[1]").ok());
  EXPECT_FALSE(ParseLogEvent("").ok());
  // Wrong types inside a well-formed event are ignored, not fatal.
  absl::StatusOr<LogEvent> e = ParseLogEvent(
      R"({"eventType":"user.session.start","actor":"x","securityContext":{"asNumber":"x"},
          "target":"y","request":{"ipChain":{}}})");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->as_number.has_value());
}

// ------------------------------------------------------------ whole inputs

struct Collected {
  std::vector<LogEventConversion> conversions;
  std::vector<LogEventPosition> positions;
  IssueList issues;
  LogTotals totals;
  absl::Status status;
};

Collected ConvertFile(const fs::path& path, const LogConversionOptions& options = {}) {
  Collected out;
  auto reader = LogReader::Open(path.string());
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  out.status = ConvertLogEvents(
      **reader, options,
      [&out](LogEventConversion&& c, const LogEventPosition& p) {
        out.conversions.push_back(std::move(c));
        out.positions.push_back(p);
      },
      &out.issues, &out.totals);
  return out;
}

TEST(ConvertLogEvents, FixtureArray) {
  Collected c = ConvertFile(FixtureDir() / "signon-events.json");
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_EQ(c.totals.read, 10u);
  EXPECT_EQ(c.totals.converted, 8u);
  EXPECT_EQ(c.totals.skipped, 2u);
  EXPECT_EQ(c.totals.malformed, 0u);
  EXPECT_EQ(c.totals.without_memberships, 8u);
  EXPECT_THAT(c.issues, IsEmpty());
  ASSERT_EQ(c.conversions.size(), 8u);
  EXPECT_EQ(c.positions[0].ordinal, 1u);
  EXPECT_EQ(c.positions[0].line, 2u);
}

TEST(ConvertLogEvents, FixtureJsonLinesWithMalformedLines) {
  absl::StatusOr<MembershipMap> map = LoadMemberships((FixtureDir() / "memberships.json").string());
  ASSERT_TRUE(map.ok());
  LogConversionOptions options;
  options.memberships = &*map;
  Collected c = ConvertFile(FixtureDir() / "signon-events.jsonl", options);
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_EQ(c.totals.read, 8u);
  EXPECT_EQ(c.totals.converted, 4u);
  EXPECT_EQ(c.totals.skipped, 1u);
  EXPECT_EQ(c.totals.malformed, 3u);
  EXPECT_EQ(c.totals.read, c.totals.converted + c.totals.skipped + c.totals.malformed);
  // Ann (by id) and Bob (by login) have memberships; events 5 (Ann) too; 6 is Bob.
  EXPECT_EQ(c.totals.without_memberships, 0u);
  ASSERT_EQ(c.issues.size(), 3u);
  const std::string file = (FixtureDir() / "signon-events.jsonl").string();
  EXPECT_EQ(c.issues[0].code, "log.malformed");
  EXPECT_EQ(c.issues[0].file, file);
  EXPECT_THAT(c.issues[0].ToString(), HasSubstr(absl::StrCat(file, ": line 3 ")));
  EXPECT_THAT(c.issues[1].message, HasSubstr("line 6 "));
  EXPECT_THAT(c.issues[2].message, HasSubstr("line 8 "));
  EXPECT_THAT(c.issues[2].message, HasSubstr("JSON object"));
  ASSERT_EQ(c.positions.size(), 4u);
  EXPECT_EQ(c.positions[2].line, 4u);
  EXPECT_EQ(c.positions[3].line, 7u);
  EXPECT_EQ(c.conversions[3].context.id, "7e2a0b20-7b1c-11ef-9a01-0f4a1b2c3e04");
}

TEST(ConvertLogEvents, TruncatedArrayCountsTheLastEventMalformed) {
  auto reader = LogReader::FromString(
      R"([{"eventType":"user.session.start","uuid":"a"},{"eventType":"user.session.st)",
      "cut.json");
  IssueList issues;
  LogTotals totals;
  int n = 0;
  ASSERT_TRUE(ConvertLogEvents(
                  *reader, {}, [&n](LogEventConversion&&, const LogEventPosition&) { ++n; },
                  &issues, &totals)
                  .ok());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(totals.read, 2u);
  EXPECT_EQ(totals.malformed, 1u);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0].message, HasSubstr("ends inside"));
}

// Okta's own examples (the OpenAPI spec's ListLogs responses), when present.
TEST(ConvertLogEvents, SharedOktaExamples) {
  const fs::path dir = SharedDir() / "okta-api-examples";
  const fs::path list = dir / "ListLogs.json";
  const fs::path extended = dir / "ListLogsWithAdditionalSecurityContext.json";
  if (!fs::exists(list) || !fs::exists(extended)) {
    GTEST_SKIP() << "no shared examples under " << dir;
  }
  Collected a = ConvertFile(list);
  ASSERT_TRUE(a.status.ok()) << a.status;
  EXPECT_EQ(a.totals.malformed, 0u);
  ASSERT_GE(a.conversions.size(), 1u);
  const SignOnContext& c = a.conversions[0].context;
  EXPECT_EQ(c.user.id, "00uttidj01jqL21aM1d6");
  EXPECT_EQ(c.user.login, "john.doe@example.com");
  ASSERT_TRUE(c.geo.has_value());
  EXPECT_EQ(c.geo->country, "US");
  EXPECT_EQ(c.geo->region, "US-NY");
  EXPECT_EQ(c.asn, 394089u);
  EXPECT_EQ(c.proxy_type, ProxyType::kNone);
  EXPECT_THAT(Ips(c), ElementsAre("10.0.0.1"));
  EXPECT_EQ(c.app_id, "0oatxlef9sQvvqInq5d6");
  EXPECT_EQ(c.device.os_type, "MACOS");
  EXPECT_EQ(c.device.registered, true);
  EXPECT_EQ(c.device.managed, false);

  // One pretty-printed object, not an array: read as a JSON stream.
  Collected b = ConvertFile(extended);
  ASSERT_TRUE(b.status.ok()) << b.status;
  EXPECT_EQ(b.totals.read, 1u);
  ASSERT_EQ(b.conversions.size(), 1u);
  const SignOnContext& x = b.conversions[0].context;
  EXPECT_EQ(x.risk_level, RiskLevel::kHigh);
  EXPECT_THAT(x.behaviors, ElementsAre("bhvexm4UkQc71MgEw0g4"));  // New Geo-Location
  EXPECT_EQ(x.time, Time("2024-08-13T15:58:20.353Z"));
}

// The conversion reads Okta's usual timestamp form without absl::ParseTime;
// every published value must give the time (or the note) ParseTime gives.
TEST(LogContext, PublishedTimeMatchesRfc3339Parsing) {
  for (const std::string published :
       {"2026-11-28T12:00:00.000Z", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00.001Z",
        "2026-11-28T12:00:00Z", "2026-11-28T12:00:00.123456Z", "2026-11-28T13:00:00.000+01:00",
        "2026-02-30T12:00:00.000Z", "2026-13-01T12:00:00.000Z", "2026-11-28T24:00:00.000Z",
        "2026-11-28T12:60:00.000Z", "2016-12-31T23:59:60.000Z", "2026-11-28 12:00:00.000Z",
        "2026-11-28T12:00:00.000z", "yesterday"}) {
    SCOPED_TRACE(published);
    LogEvent e;
    e.event_type = "user.session.start";
    e.published = published;
    const LogEventConversion conversion = ContextFromLogEvent(e, {});
    absl::Time want;
    std::string err;
    if (absl::ParseTime(absl::RFC3339_full, published, &want, &err)) {
      ASSERT_TRUE(conversion.context.time.has_value());
      EXPECT_EQ(*conversion.context.time, want);
    } else {
      EXPECT_FALSE(conversion.context.time.has_value());
    }
  }
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

using testing::DescribeConversion;

// A replay converts every event of a thread into one reused conversion: the
// result must be exactly a fresh conversion's, whatever came before. Every
// fixture event, forwards and backwards, alternately with and without the
// memberships (so group lists come and go).
TEST(LogContextReuse, ReusedConversionEqualsAFreshOne) {
  absl::StatusOr<MembershipMap> memberships =
      LoadMemberships((FixtureDir() / "org-memberships.json").string());
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  std::vector<LogEvent> events;
  for (const fs::directory_entry& entry : fs::directory_iterator(FixtureDir())) {
    const std::string name = entry.path().filename().string();
    if (name.find("memberships") != std::string::npos) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".json" && ext != ".jsonl" && ext != ".gz") continue;
    auto reader = LogReader::Open(entry.path().string());
    ASSERT_TRUE(reader.ok()) << reader.status();
    RawLogEvent raw;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&raw);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      absl::StatusOr<LogEvent> e = ParseLogEvent(raw);
      if (e.ok()) events.push_back(*std::move(e));
    }
  }
  ASSERT_GT(events.size(), 5000u);
  LogConversionOptions with;
  with.memberships = &*memberships;
  const LogConversionOptions without;
  LogEventConversion reused;
  size_t with_groups = 0;
  for (int round = 0; round < 2; ++round) {
    for (size_t k = 0; k < events.size(); ++k) {
      const size_t i = round == 0 ? k : events.size() - 1 - k;
      const LogConversionOptions& options = (i + round) % 2 == 0 ? with : without;
      const LogEventConversion fresh = ContextFromLogEvent(events[i], options);
      ContextFromLogEvent(events[i], options, &reused);
      ASSERT_EQ(DescribeConversion(reused), DescribeConversion(fresh))
          << events[i].position.ToString() << " round " << round;
      with_groups += fresh.context.user.groups.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(with_groups, 1000u);
}

// A replay hands its converted contexts to the caller, which may set any
// field (geolocation fills geo and asn) before the same conversion is reused
// for the next event: whatever was set, the next conversion is a fresh one's.
TEST(LogContextReuse, FieldsSetByTheCallerDoNotSurviveTheNextConversion) {
  LogEvent event;
  event.event_type = "policy.evaluate_sign_on";
  event.actor_type = "User";
  event.actor_id = "00u1";
  event.client_ip = "198.51.100.7";
  event.outcome_result = "ALLOW";
  const LogEventConversion fresh = ContextFromLogEvent(event);

  LogEventConversion reused;
  ContextFromLogEvent(event, {}, &reused);
  SignOnContext& c = reused.context;
  c.id = "caller";
  c.policy_types = {PolicyType::kAccessPolicy};
  c.app_id = "0oa1";
  c.user = {"id", "login", "ACTIVE", "oty1", "LDAP", "0oaLdap", {"00g1"}, {{"dept", "x"}}, true};
  c.ip_chain.push_back(*IpAddress::Parse("10.0.0.1"));
  c.geo = ContextGeo{"FR", "FR-75"};
  c.asn = 64500;
  c.proxy_type = ProxyType::kTor;
  c.ip_service_categories = {"VPN"};
  c.device = {"MOBILE", "IOS", true, true, true, true, "TRUSTED", {"dae1"}};
  c.risk_level = RiskLevel::kHigh;
  c.entity_risk = ContextEntityRisk{RiskLevel::kHigh, {"BRUTE_FORCE_ATTACK"}};
  c.behaviors = {"New IP"};
  c.auth_type = "RADIUS";
  c.identity_provider_type = "IDP";
  c.identity_provider_id = "0oaIdp";
  c.client_id = "client";
  c.grant_type = "password";
  c.scopes = {"openid"};
  c.login_identifier = "x@example.com";
  c.session = {absl::UnixEpoch(), absl::UnixEpoch(), absl::UnixEpoch(), {"pwd"}};
  c.time = absl::UnixEpoch();
  c.threat_suspected = true;
  reused.recorded.access = Access::kDeny;
  reused.recorded.reason = "caller";
  reused.recorded.security_conditions_unreadable = true;
  reused.memberships_found = true;
  reused.notes.push_back("caller");
  ASSERT_NE(DescribeConversion(reused), DescribeConversion(fresh));

  ContextFromLogEvent(event, {}, &reused);
  EXPECT_EQ(DescribeConversion(reused), DescribeConversion(fresh));
  // What WriteContextJson leaves out or cannot show:
  EXPECT_TRUE(reused.context.policy_types.empty());
  EXPECT_TRUE(reused.context.user.profile.empty());
  EXPECT_FALSE(reused.context.user.admin);
  EXPECT_EQ(reused.context.user.provider, fresh.context.user.provider);
  EXPECT_EQ(reused.context.auth_type, fresh.context.auth_type);
  EXPECT_EQ(reused.context.identity_provider_type, fresh.context.identity_provider_type);
  EXPECT_FALSE(reused.context.session.created_at.has_value());
  EXPECT_FALSE(reused.context.entity_risk.has_value());
  EXPECT_FALSE(reused.context.device.remembered.has_value());
  EXPECT_TRUE(reused.context.device.assurance.empty());
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

// Placeholder ids (sanitised exports, Okta's own "unknown") are never taken
// for real ones; anything else is an id, however close to a placeholder word.
TEST(LogContext, PlaceholderIdsAreRecognisedAndNothingElse) {
  for (const std::string id : {"unknown", "UNKNOWN", " null ", "None", "n/a", "N/A", "-", "1",
                               "12345678901234567890", "  "}) {
    LogEvent e;
    e.event_type = "user.session.start";
    e.actor_type = "User";
    e.actor_id = id;
    e.actor_alternate_id = "ann@example.com";
    const LogEventConversion c = ContextFromLogEvent(e);
    EXPECT_EQ(c.context.user.id, "") << "\"" << id << "\"";
    EXPECT_EQ(c.context.user.login, "ann@example.com");
  }
  for (const std::string id :
       {"00u1abcdEFGH23456789", "nulls", "unknown1", "n/ab", "--", "a", "nul", "0x1"}) {
    LogEvent e;
    e.event_type = "user.session.start";
    e.actor_type = "User";
    e.actor_id = id;
    const LogEventConversion c = ContextFromLogEvent(e);
    EXPECT_EQ(c.context.user.id, id);
  }
}

}  // namespace
}  // namespace verdict
