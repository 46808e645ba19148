// WriteContextJson: the docs/interfaces.md §2 form, read back by ParseContext.
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "verdict/context.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(const std::string& text) { return *IpAddress::Parse(text); }

absl::Time Time(const std::string& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &err)) << err;
  return t;
}

SignOnContext FullContext() {
  SignOnContext c;
  c.id = "case-17";
  c.policy_types = {PolicyType::kOktaSignOn, PolicyType::kAccessPolicy};
  c.app_id = "0oa1";
  c.user.id = "00u1";
  c.user.login = "ann@acme.example";
  c.user.status = "ACTIVE";
  c.user.type = "oty1";
  c.user.provider = "ACTIVE_DIRECTORY";
  c.user.provider_id = "0oad1";
  c.user.groups = {"00g1", "00g2"};
  c.user.profile = {{"department", "Sales"}, {"costCenter", "42"}};
  c.ip_chain = {Ip("203.0.113.7"), Ip("2001:db8::1")};
  c.geo = ContextGeo{"US", "US-CA"};
  c.asn = 13335;
  c.proxy_type = ProxyType::kTor;
  c.ip_service_categories = {"ALL_ANONYMIZERS"};
  c.device.platform_type = "MOBILE";
  c.device.os_type = "IOS";
  c.device.registered = true;
  c.device.managed = false;
  c.device.remembered = false;
  c.device.rooted = false;
  c.device.trust_level = "TRUSTED";
  c.device.assurance = {"dae1"};
  c.risk_level = RiskLevel::kHigh;
  c.behaviors = {"New IP", "bhv0000000000000001"};
  c.auth_type = "RADIUS";
  c.identity_provider_type = "IDP";
  c.identity_provider_id = "0oa9";
  c.client_id = "0oaClient";
  c.grant_type = "authorization_code";
  c.scopes = {"openid", "profile"};
  c.login_identifier = "ann";
  c.session.created_at = Time("2026-11-28T09:00:00Z");
  c.session.last_activity = Time("2026-11-28T11:58:00.250Z");
  c.session.last_factor_verification = Time("2026-11-28T11:50:00Z");
  c.session.amr = {"pwd", "mfa"};
  c.time = Time("2026-11-28T12:00:00Z");
  c.threat_suspected = true;
  return c;
}

void ExpectSame(const SignOnContext& a, const SignOnContext& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.policy_types, b.policy_types);
  EXPECT_EQ(a.app_id, b.app_id);
  EXPECT_EQ(a.has_user(), b.has_user());
  EXPECT_EQ(a.zones, b.zones);
  EXPECT_EQ(a.user.id, b.user.id);
  EXPECT_EQ(a.user.login, b.user.login);
  EXPECT_EQ(a.user.status, b.user.status);
  EXPECT_EQ(a.user.type, b.user.type);
  EXPECT_EQ(a.user.provider, b.user.provider);
  EXPECT_EQ(a.user.provider_id, b.user.provider_id);
  EXPECT_EQ(a.user.groups, b.user.groups);
  EXPECT_EQ(a.user.profile, b.user.profile);
  EXPECT_EQ(a.ip_chain, b.ip_chain);
  EXPECT_EQ(a.geo.has_value(), b.geo.has_value());
  if (a.geo && b.geo) {
    EXPECT_EQ(a.geo->country, b.geo->country);
    EXPECT_EQ(a.geo->region, b.geo->region);
  }
  EXPECT_EQ(a.asn, b.asn);
  EXPECT_EQ(a.proxy_type, b.proxy_type);
  EXPECT_EQ(a.ip_service_categories, b.ip_service_categories);
  EXPECT_EQ(a.device.platform_type, b.device.platform_type);
  EXPECT_EQ(a.device.os_type, b.device.os_type);
  EXPECT_EQ(a.device.registered, b.device.registered);
  EXPECT_EQ(a.device.managed, b.device.managed);
  EXPECT_EQ(a.device.remembered, b.device.remembered);
  EXPECT_EQ(a.device.rooted, b.device.rooted);
  EXPECT_EQ(a.device.trust_level, b.device.trust_level);
  EXPECT_EQ(a.device.assurance, b.device.assurance);
  EXPECT_EQ(a.risk_level, b.risk_level);
  EXPECT_EQ(a.behaviors, b.behaviors);
  EXPECT_EQ(a.auth_type, b.auth_type);
  EXPECT_EQ(a.identity_provider_type, b.identity_provider_type);
  EXPECT_EQ(a.identity_provider_id, b.identity_provider_id);
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.grant_type, b.grant_type);
  EXPECT_EQ(a.scopes, b.scopes);
  EXPECT_EQ(a.login_identifier, b.login_identifier);
  EXPECT_EQ(a.session.created_at, b.session.created_at);
  EXPECT_EQ(a.session.last_activity, b.session.last_activity);
  EXPECT_EQ(a.session.last_factor_verification, b.session.last_factor_verification);
  EXPECT_EQ(a.session.amr, b.session.amr);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.threat_suspected, b.threat_suspected);
}

TEST(WriteContextJson, InterfacesForm) {
  const std::string text = WriteContextJson(FullContext());
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["id"], "case-17");
  EXPECT_EQ(j["policyTypes"], nlohmann::json({"OKTA_SIGN_ON", "ACCESS_POLICY"}));
  EXPECT_EQ(j["app"]["id"], "0oa1");
  EXPECT_EQ(j["user"]["groups"], nlohmann::json({"00g1", "00g2"}));
  EXPECT_EQ(j["ipChain"], nlohmann::json({"203.0.113.7", "2001:db8::1"}));
  EXPECT_EQ(j["geo"]["region"], "US-CA");
  EXPECT_EQ(j["asn"], 13335);
  EXPECT_EQ(j["proxyType"], "TOR");
  EXPECT_EQ(j["device"]["platform"]["os"], "IOS");
  EXPECT_EQ(j["risk"]["level"], "HIGH");
  EXPECT_EQ(j["identityProvider"]["type"], "IDP");
  EXPECT_EQ(j["session"]["lastActivity"], "2026-11-28T11:58:00.25Z");
  EXPECT_EQ(j["time"], "2026-11-28T12:00:00Z");
  EXPECT_EQ(j["threatSuspected"], true);
}

TEST(WriteContextJson, DefaultsAreLeftOut) {
  SignOnContext c;
  c.id = "x";
  EXPECT_EQ(WriteContextJson(c), R"({"id":"x","user":null})");
  c.user.id = "00u1";
  c.proxy_type = ProxyType::kNone;
  EXPECT_EQ(WriteContextJson(c), R"({"id":"x","user":{"id":"00u1","groups":[]},"proxyType":null})");
}

TEST(WriteContextJson, InvalidUtf8DoesNotThrow) {
  SignOnContext c;
  c.id = "bad\xff";
  EXPECT_THAT(WriteContextJson(c), HasSubstr("\"id\":\"bad"));
}

TEST(WriteContextJson, RoundTripsThroughParseContext) {
  const SignOnContext original = FullContext();
  absl::StatusOr<SignOnContext> back = ParseContext(WriteContextJson(original));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(original, *back);
}

TEST(WriteContextJson, RoundTripsMinimalContexts) {
  SignOnContext none;
  none.id = "no-user";
  absl::StatusOr<SignOnContext> back = ParseContext(WriteContextJson(none));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(none, *back);

  SignOnContext not_proxy;
  not_proxy.user.login = "a@b.example";
  not_proxy.proxy_type = ProxyType::kNone;
  not_proxy.geo = ContextGeo{"DE", ""};
  back = ParseContext(WriteContextJson(not_proxy));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(not_proxy, *back);

  SignOnContext by_zone;
  by_zone.zones = std::vector<std::string>{"nzo1", "nzo2"};
  back = ParseContext(WriteContextJson(by_zone));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(by_zone, *back);
  by_zone.zones->clear();  // "in no zone" differs from "zones not given"
  back = ParseContext(WriteContextJson(by_zone));
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(by_zone, *back);
}

// Every fixture event's context survives writing and reading back.
TEST(WriteContextJson, FixtureContextsRoundTrip) {
  auto reader =
      LogReader::Open(std::string(VERDICT_SOURCE_DIR) + "/fixtures/logs/signon-events.json");
  ASSERT_TRUE(reader.ok()) << reader.status();
  int n = 0;
  absl::Status status = ConvertLogEvents(
      **reader, {},
      [&n](LogEventConversion&& c, const LogEventPosition&) {
        ++n;
        absl::StatusOr<SignOnContext> back = ParseContext(WriteContextJson(c.context));
        ASSERT_TRUE(back.ok()) << back.status();
        ExpectSame(c.context, *back);
      },
      nullptr, nullptr);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(n, 8);
}

}  // namespace
}  // namespace verdict
