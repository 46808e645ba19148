// Small builders for hand-made snapshots and contexts in tests, so a test
// states only what it is about.
#ifndef VERDICT_TESTS_SUPPORT_MODEL_BUILDER_H_
#define VERDICT_TESTS_SUPPORT_MODEL_BUILDER_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "verdict/context.h"
#include "verdict/ip_address.h"
#include "verdict/snapshot.h"

namespace verdict::testing {

inline IpRange Cidr(const std::string& text) {
  auto range = text.find('-') != std::string::npos ? ParseIpRange(text) : ParseCidr(text);
  EXPECT_TRUE(range.ok()) << text << ": " << range.status();
  return range.ok() ? *range : IpRange{};
}

inline IpAddress Ip(const std::string& text) {
  auto ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << text << ": " << ip.status();
  return ip.ok() ? *ip : IpAddress{};
}

inline NetworkZone IpZone(std::string id, std::string name,
                          std::initializer_list<std::string> gateways,
                          std::initializer_list<std::string> proxies = {},
                          ZoneUsage usage = ZoneUsage::kPolicy) {
  NetworkZone z;
  z.id = std::move(id);
  z.name = std::move(name);
  z.type = ZoneType::kIp;
  z.usage = usage;
  for (const std::string& g : gateways) z.gateways.push_back(Cidr(g));
  for (const std::string& p : proxies) z.proxies.push_back(Cidr(p));
  return z;
}

inline NetworkZone DynamicZone(std::string id, std::string name,
                               std::vector<ZoneLocation> locations, std::vector<uint32_t> asns = {},
                               ZoneProxyCriterion proxy = ZoneProxyCriterion::kNoConstraint,
                               ZoneUsage usage = ZoneUsage::kPolicy) {
  NetworkZone z;
  z.id = std::move(id);
  z.name = std::move(name);
  z.type = ZoneType::kDynamic;
  z.usage = usage;
  z.locations = std::move(locations);
  z.asns = std::move(asns);
  z.proxy_type = proxy;
  return z;
}

inline SignOnAction Signon(Access access, bool require_factor = false,
                           FactorPromptMode mode = FactorPromptMode::kUnset,
                           std::optional<int64_t> lifetime = std::nullopt) {
  SignOnAction s;
  s.access = access;
  s.require_factor = require_factor;
  s.factor_prompt_mode = mode;
  s.factor_lifetime_minutes = lifetime;
  return s;
}

inline Rule MakeRule(std::string id, int64_t priority, Conditions conditions = {},
                     SignOnAction signon = Signon(Access::kAllow)) {
  Rule r;
  r.id = id;
  r.name = "rule " + id;
  r.type = "SIGN_ON";
  r.priority = priority;
  r.conditions = std::move(conditions);
  r.signon = signon;
  r.actions_json = std::string("{\"signon\":{\"access\":\"") +
                   (signon.access == Access::kDeny ? "DENY" : "ALLOW") + "\"}}";
  return r;
}

inline Policy MakePolicy(std::string id, PolicyType type, int64_t priority,
                         std::vector<std::string> groups, std::vector<Rule> rules,
                         bool system = false) {
  Policy p;
  p.id = id;
  p.name = "policy " + id;
  p.type = type;
  p.priority = priority;
  p.system = system;
  if (!groups.empty()) {
    PeopleCondition people;
    people.groups.include = std::move(groups);
    p.conditions.people = std::move(people);
  }
  p.rules = std::move(rules);
  return p;
}

inline Conditions NetworkIn(std::vector<std::string> include,
                            std::vector<std::string> exclude = {}) {
  Conditions c;
  NetworkCondition n;
  n.connection = NetworkConnection::kZone;
  n.include = std::move(include);
  n.exclude = std::move(exclude);
  c.network = std::move(n);
  return c;
}

inline SignOnContext UserContext(std::vector<std::string> groups,
                                 std::initializer_list<std::string> chain = {}) {
  SignOnContext ctx;
  ctx.id = "ctx";
  ctx.user.id = "00uTest";
  ctx.user.login = "ann@acme.example";
  ctx.user.groups = std::move(groups);
  for (const std::string& ip : chain) ctx.ip_chain.push_back(Ip(ip));
  return ctx;
}

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SUPPORT_MODEL_BUILDER_H_
