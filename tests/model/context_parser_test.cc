#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "verdict/context.h"

namespace verdict {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

IpAddress Ip(const std::string& text) { return *IpAddress::Parse(text); }

absl::Time Rfc3339(const std::string& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &err)) << err;
  return t;
}

TEST(ContextParserTest, EveryFieldOfTheContract) {
  absl::StatusOr<SignOnContext> c = ParseContext(R"({
  "id": "case-17",
  "policyTypes": ["OKTA_SIGN_ON", "ACCESS_POLICY"],
  "app": {"id": "0oa1"},
  "user": {"id": "00u1", "login": "ann@acme.example", "status": "active", "type": "oty1",
           "provider": "active_directory", "providerId": "0oaAd", "groups": ["00g1", "00g2"],
           "admin": true, "profile": {"department": "Sales", "level": 3, "tags": ["a"]}},
  "ipChain": ["203.0.113.7", {"ip": "198.51.100.2", "geographicalContext": {}}],
  "geo": {"country": "us", "region": "CA"},
  "asn": 13335,
  "proxyType": "Tor",
  "ipServiceCategories": ["apple_icloud_relay_proxy"],
  "device": {"platform": {"type": "mobile", "os": "osx"}, "registered": true, "managed": false,
             "remembered": false, "rooted": true, "trustLevel": "trusted", "assurance": ["dae1"]},
  "risk": {"level": "high"},
  "behaviors": ["New IP", "bhv0000000000000001"],
  "authType": "radius",
  "identityProvider": {"type": "IDP", "id": "0oaIdp"},
  "client": {"id": "0oaClient"},
  "grantType": "authorization_code",
  "scopes": ["openid", "profile"],
  "loginIdentifier": "ann",
  "session": {"createdAt": "2026-11-28T09:00:00Z", "lastActivity": "2026-11-28T11:58:00Z",
              "lastFactorVerification": "2026-11-28T11:50:00+00:00", "amr": ["pwd", "mfa"]},
  "time": "2026-11-28T12:00:00.5Z",
  "threatSuspected": false,
  "somethingNew": {"ignored": true}
})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->id, "case-17");
  EXPECT_THAT(c->policy_types, ElementsAre(PolicyType::kOktaSignOn, PolicyType::kAccessPolicy));
  EXPECT_EQ(c->app_id, "0oa1");
  EXPECT_TRUE(c->has_user());
  EXPECT_EQ(c->user.id, "00u1");
  EXPECT_EQ(c->user.login, "ann@acme.example");
  EXPECT_EQ(c->user.status, "ACTIVE");
  EXPECT_EQ(c->user.type, "oty1");
  EXPECT_EQ(c->user.provider, "ACTIVE_DIRECTORY");
  EXPECT_EQ(c->user.provider_id, "0oaAd");
  EXPECT_TRUE(c->user.admin);
  EXPECT_THAT(c->user.groups, ElementsAre("00g1", "00g2"));
  EXPECT_EQ(c->user.profile.at("department"), "Sales");
  // Profile values keep their JSON types.
  EXPECT_TRUE(c->user.profile.at("level") == ProfileValue::Number("3"));
  EXPECT_TRUE(c->user.profile.at("tags") == ProfileValue::Array({"a"}, "[\"a\"]"));
  EXPECT_THAT(c->ip_chain, ElementsAre(Ip("203.0.113.7"), Ip("198.51.100.2")));
  ASSERT_TRUE(c->geo.has_value());
  EXPECT_EQ(c->geo->country, "US");
  EXPECT_EQ(c->geo->region, "US-CA");
  EXPECT_EQ(c->asn, 13335u);
  EXPECT_EQ(c->proxy_type, ProxyType::kTor);
  EXPECT_THAT(c->ip_service_categories, ElementsAre("APPLE_ICLOUD_RELAY_PROXY"));
  EXPECT_EQ(c->device.platform_type, "MOBILE");
  EXPECT_EQ(c->device.os_type, "MACOS");
  EXPECT_EQ(c->device.registered, true);
  EXPECT_EQ(c->device.managed, false);
  EXPECT_EQ(c->device.remembered, false);
  EXPECT_EQ(c->device.rooted, true);
  EXPECT_EQ(c->device.trust_level, "TRUSTED");
  EXPECT_THAT(c->device.assurance, ElementsAre("dae1"));
  EXPECT_EQ(c->risk_level, RiskLevel::kHigh);
  EXPECT_THAT(c->behaviors, ElementsAre("New IP", "bhv0000000000000001"));
  EXPECT_EQ(c->auth_type, "RADIUS");
  EXPECT_EQ(c->identity_provider_type, "IDP");
  EXPECT_EQ(c->identity_provider_id, "0oaIdp");
  EXPECT_EQ(c->client_id, "0oaClient");
  EXPECT_EQ(c->grant_type, "authorization_code");
  EXPECT_THAT(c->scopes, ElementsAre("openid", "profile"));
  EXPECT_EQ(c->login_identifier, "ann");
  EXPECT_EQ(c->session.created_at, Rfc3339("2026-11-28T09:00:00Z"));
  EXPECT_EQ(c->session.last_activity, Rfc3339("2026-11-28T11:58:00Z"));
  EXPECT_EQ(c->session.last_factor_verification, Rfc3339("2026-11-28T11:50:00Z"));
  EXPECT_THAT(c->session.amr, ElementsAre("pwd", "mfa"));
  EXPECT_EQ(c->time, Rfc3339("2026-11-28T12:00:00.5Z"));
  EXPECT_EQ(c->threat_suspected, false);
}

TEST(ContextParserTest, DefaultsWhenAbsent) {
  absl::StatusOr<SignOnContext> c = ParseContext("{}");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->has_user());
  EXPECT_TRUE(c->policy_types.empty());
  EXPECT_TRUE(c->ip_chain.empty());
  EXPECT_FALSE(c->geo.has_value());
  EXPECT_FALSE(c->asn.has_value());
  EXPECT_FALSE(c->proxy_type.has_value());
  EXPECT_FALSE(c->risk_level.has_value());
  EXPECT_EQ(c->auth_type, "ANY");
  EXPECT_EQ(c->identity_provider_type, "OKTA");
  EXPECT_EQ(c->user.provider, "OKTA");
  EXPECT_FALSE(c->time.has_value());
  EXPECT_FALSE(c->threat_suspected.has_value());
}

// A user is present when the context names something about them; there is
// no separate flag that a caller could forget to set.
TEST(ContextParserTest, UserPresenceFollowsWhatTheContextSays) {
  struct Case {
    const char* json;
    bool has_user;
  };
  for (const Case& c :
       {Case{R"({"user": {}})", false}, Case{R"({"user": {"provider": "LDAP"}})", false},
        Case{R"({"user": {"id": "00u1"}})", true},
        Case{R"({"user": {"login": "ann@acme.example"}})", true},
        Case{R"({"user": {"groups": ["00g1"]}})", true},
        Case{R"({"user": {"profile": {"level": 3}}})", true}}) {
    absl::StatusOr<SignOnContext> ctx = ParseContext(c.json);
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    EXPECT_EQ(ctx->has_user(), c.has_user) << c.json;
  }
  // Built in code: setting the groups is enough for them to count.
  SignOnContext built;
  EXPECT_FALSE(built.has_user());
  built.user.groups = {"00g1"};
  EXPECT_TRUE(built.has_user());
}

TEST(ContextParserTest, ZonesGivenByIdInsteadOfAnIp) {
  absl::StatusOr<SignOnContext> c = ParseContext(R"({"zones": ["nzo1", "nzo2"]})");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->zones.has_value());
  EXPECT_THAT(*c->zones, ElementsAre("nzo1", "nzo2"));
  EXPECT_TRUE(c->ip_chain.empty());
  absl::StatusOr<SignOnContext> empty = ParseContext(R"({"zones": []})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->zones.has_value() && empty->zones->empty());
  EXPECT_FALSE(ParseContext("{}")->zones.has_value());
  absl::StatusOr<SignOnContext> both = ParseContext(R"({"zones": ["nzo1"], "ip": "10.0.0.1"})");
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(std::string(both.status().message()), HasSubstr("/zones: give the client's zones"));
  EXPECT_FALSE(ParseContext(R"({"zones": ["nzo1", 7]})").ok());
}

TEST(ContextParserTest, IpShorthandNullsAndDrift) {
  absl::StatusOr<SignOnContext> c = ParseContext(
      R"({"ip": "::ffff:10.1.2.3", "user": null, "proxyType": null, "geo": {"region": "us-ny"},
          "asn": "64500", "risk": {"level": "ANY"}, "identityProvider": {"type": "okta"}})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->ip_chain, ElementsAre(Ip("10.1.2.3")));
  EXPECT_FALSE(c->has_user());
  EXPECT_EQ(c->proxy_type, ProxyType::kNone);
  EXPECT_EQ(c->geo->country, "US");
  EXPECT_EQ(c->geo->region, "US-NY");
  EXPECT_EQ(c->asn, 64500u);
  EXPECT_FALSE(c->risk_level.has_value());
  EXPECT_EQ(c->identity_provider_type, "OKTA");

  for (const char* anonymizer : {"ANONYMIZER", "anonymizer", "NotTorAnonymizer"}) {
    c = ParseContext(std::string(R"({"proxyType": ")") + anonymizer + "\"}");
    ASSERT_TRUE(c.ok()) << anonymizer << ": " << c.status();
    EXPECT_EQ(c->proxy_type, ProxyType::kAnonymizer) << anonymizer;
  }
  c = ParseContext(R"({"proxyType": "TOR"})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->proxy_type, ProxyType::kTor);
  // ip and ipChain together must agree on the client.
  c = ParseContext(R"({"ip": "1.1.1.1", "ipChain": ["1.1.1.1", "2.2.2.2"]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ip_chain.size(), 2u);
}

// `"id": null` names nothing: it is reported (issue 17, item 10), not
// silently printed as an empty id; an absent id is no warning.
// serve's /v1/evaluate array: each context as its own bytes, the array never
// built; strings holding brackets, commas and quotes do not split it.
TEST(ContextParserTest, SplitContextArrayGivesEachElementsBytes) {
  const std::string body =
      " [ {\"id\": \"a],[{\\\"x\\\", \\\\\"}, \n\t{\"groups\": [\"g1\", \"g2\"]} ,7,\"s\",[] ,{} ] ";
  absl::StatusOr<std::vector<std::string_view>> elements = SplitContextArray(body);
  ASSERT_TRUE(elements.ok()) << elements.status();
  EXPECT_THAT(*elements,
              ElementsAre("{\"id\": \"a],[{\\\"x\\\", \\\\\"}", "{\"groups\": [\"g1\", \"g2\"]}",
                          "7", "\"s\"", "[]", "{}"));
  // Each span is a view into the body.
  EXPECT_EQ((*elements)[1].data(), body.data() + body.find("{\"groups"));

  elements = SplitContextArray("[]");
  ASSERT_TRUE(elements.ok());
  EXPECT_TRUE(elements->empty());
  EXPECT_EQ(SplitContextArray("[{}, ").status().message(), "the body is not JSON");
  EXPECT_EQ(SplitContextArray(" {} ").status().message(), "the body is not a JSON array");
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  EXPECT_THAT(SplitContextArray(deep).status().message(), HasSubstr("byte 257: JSON nested deeper"));
}

TEST(ContextParserTest, NullIdIsAWarning) {
  IssueList warnings;
  absl::StatusOr<SignOnContext> c = ParseContext(R"({"id": null, "ip": "192.0.2.1"})", &warnings);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->id, "");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "context.null_id");
  EXPECT_EQ(warnings[0].pointer, "/id");
  EXPECT_THAT(warnings[0].message, HasSubstr("id is null"));
  warnings.clear();
  ASSERT_TRUE(ParseContext(R"({"ip": "192.0.2.1"})", &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

struct BadContext {
  std::string name;
  std::string json;
  std::string want_prefix;  // the whole message starts with this
};

void PrintTo(const BadContext& c, std::ostream* os) { *os << c.name; }

class ContextBadInputTest : public ::testing::TestWithParam<BadContext> {};

TEST_P(ContextBadInputTest, NamesThePointer) {
  absl::StatusOr<SignOnContext> c = ParseContext(GetParam().json);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(c.status().message()), StartsWith(GetParam().want_prefix));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ContextBadInputTest,
    ::testing::ValuesIn(std::vector<BadContext>{
        {"MalformedJson", R"({"id": "x",})", "byte 12 (line 1, column 12): syntax error"},
        {"TrailingGarbage", R"({} {})", "byte 4 (line 1, column 4): syntax error"},
        {"Empty", "  \n", "empty input: expected a JSON value"},
        {"NotAnObject", "[]", "expected an object, got array"},
        {"BadIpInChain", R"({"ipChain": ["1.2.3.4", "1.2.3.999"]})",
         "/ipChain/1: invalid IPv4 address \"1.2.3.999\""},
        {"BadIpObjectInChain", R"({"ipChain": [{"ip": "zz::zz::1"}]})",
         "/ipChain/0/ip: invalid IPv6 address"},
        {"ChainObjectWithoutIp", R"({"ipChain": [{"geo": {}}]})",
         "/ipChain/0/ip: missing required field \"ip\""},
        {"ChainEntryNumber", R"({"ipChain": [7]})",
         "/ipChain/0: expected an IP address string or {\"ip\": ...}, got integer"},
        {"ChainNotArray", R"({"ipChain": "1.2.3.4"})", "/ipChain: expected an array, got string"},
        {"BadIp", R"({"ip": "1.2.3"})", "/ip: invalid IPv4 address"},
        {"IpDisagreesWithChain", R"({"ip": "9.9.9.9", "ipChain": ["1.1.1.1"]})",
         "/ip: \"ip\" 9.9.9.9 is not the client (first) IP 1.1.1.1"},
        {"UnknownPolicyType", R"({"policyTypes": ["OKTA_SIGN_ON", "SIGN_ON"]})",
         "/policyTypes/1: unknown policy type \"SIGN_ON\""},
        {"GroupsNotArray", R"({"user": {"id": "00u1", "groups": "00g1"}})",
         "/user/groups: expected an array, got string"},
        {"GroupEntryNotString", R"({"user": {"groups": ["00g1", {"id": "00g2"}]}})",
         "/user/groups/1: expected a string, got object"},
        {"UserNotObject", R"({"user": "00u1"})", "/user: expected an object, got string"},
        {"BadTime", R"({"time": "2026-11-28 12:00"})",
         "/time: invalid RFC 3339 time \"2026-11-28 12:00\""},
        {"TimeNotString", R"({"time": 1764331200})", "/time: expected a string, got integer"},
        {"BadSessionTime", R"({"session": {"lastFactorVerification": "yesterday"}})",
         "/session/lastFactorVerification: invalid RFC 3339 time"},
        {"BadProxyType", R"({"proxyType": "VPN"})", "/proxyType: unknown proxyType \"VPN\""},
        {"BadRiskLevel", R"({"risk": {"level": "EXTREME"}})",
         "/risk/level: unknown risk level \"EXTREME\""},
        {"AsnNotNumeric", R"({"asn": "AS13335"})", "/asn: invalid ASN \"AS13335\""},
        {"RegisteredString", R"({"device": {"registered": "yes"}})",
         "/device/registered: expected a boolean, got string"},
        {"GeoNotObject", R"({"geo": "US"})", "/geo: expected an object, got string"},
        {"IdBoolean", R"({"id": true})", "/id: expected a string, got boolean"},
    }),
    [](const ::testing::TestParamInfo<BadContext>& info) { return info.param.name; });

}  // namespace
}  // namespace verdict
