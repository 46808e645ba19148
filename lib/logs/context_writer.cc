// WriteContextJson: SignOnContext → docs/interfaces.md §2, one line.
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "verdict/system_log.h"

namespace verdict {
namespace {

using Json = nlohmann::ordered_json;

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

// A profile value back as the JSON value it was read from.
Json ProfileJson(const ProfileValue& v) {
  switch (v.type) {
    case ProfileValue::Type::kString:
      return v.text;
    case ProfileValue::Type::kArray: {
      Json array = Json::array();
      for (const ProfileValue& item : v.items) array.push_back(ProfileJson(item));
      return array;
    }
    default:
      // Numbers, booleans, null and objects keep their JSON text.
      return Json::parse(v.text, nullptr, /*allow_exceptions=*/false);
  }
}

Json Strings(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const std::string& v : values) out.push_back(v);
  return out;
}

}  // namespace

std::string WriteContextJson(const SignOnContext& c) {
  Json j = Json::object();
  if (!c.id.empty()) j["id"] = c.id;
  if (!c.policy_types.empty()) {
    Json types = Json::array();
    for (PolicyType t : c.policy_types) types.push_back(std::string(PolicyTypeName(t)));
    j["policyTypes"] = std::move(types);
  }
  if (!c.app_id.empty()) j["app"] = Json{{"id", c.app_id}};

  if (c.has_user()) {
    const ContextUser& u = c.user;
    Json user = Json::object();
    if (!u.id.empty()) user["id"] = u.id;
    if (!u.login.empty()) user["login"] = u.login;
    if (!u.status.empty()) user["status"] = u.status;
    if (!u.type.empty()) user["type"] = u.type;
    if (!u.provider.empty() && u.provider != "OKTA") user["provider"] = u.provider;
    if (!u.provider_id.empty()) user["providerId"] = u.provider_id;
    if (u.admin) user["admin"] = true;
    user["groups"] = Strings(u.groups);
    if (!u.profile.empty()) {
      Json profile = Json::object();
      for (const auto& [key, value] : u.profile) profile[key] = ProfileJson(value);
      user["profile"] = std::move(profile);
    }
    j["user"] = std::move(user);
  } else {
    j["user"] = nullptr;
  }

  if (!c.ip_chain.empty()) {
    Json chain = Json::array();
    for (const IpAddress& ip : c.ip_chain) chain.push_back(ip.ToString());
    j["ipChain"] = std::move(chain);
  }
  if (c.zones) j["zones"] = *c.zones;
  if (c.geo) {
    Json geo = Json::object();
    if (!c.geo->country.empty()) geo["country"] = c.geo->country;
    if (!c.geo->region.empty()) geo["region"] = c.geo->region;
    j["geo"] = std::move(geo);
  }
  if (c.asn) j["asn"] = *c.asn;
  if (c.proxy_type) {
    if (*c.proxy_type == ProxyType::kNone) {
      j["proxyType"] = nullptr;
    } else {
      j["proxyType"] = std::string(ProxyTypeName(*c.proxy_type));
    }
  }
  if (!c.ip_service_categories.empty()) {
    j["ipServiceCategories"] = Strings(c.ip_service_categories);
  }

  const ContextDevice& d = c.device;
  Json device = Json::object();
  if (!d.platform_type.empty() || !d.os_type.empty()) {
    Json platform = Json::object();
    if (!d.platform_type.empty()) platform["type"] = d.platform_type;
    if (!d.os_type.empty()) platform["os"] = d.os_type;
    device["platform"] = std::move(platform);
  }
  if (d.registered) device["registered"] = *d.registered;
  if (d.managed) device["managed"] = *d.managed;
  if (d.remembered) device["remembered"] = *d.remembered;
  if (d.rooted) device["rooted"] = *d.rooted;
  if (!d.trust_level.empty()) device["trustLevel"] = d.trust_level;
  if (!d.assurance.empty()) device["assurance"] = Strings(d.assurance);
  if (!device.empty()) j["device"] = std::move(device);

  if (c.risk_level) j["risk"] = Json{{"level", std::string(RiskLevelName(*c.risk_level))}};
  if (!c.behaviors.empty()) j["behaviors"] = Strings(c.behaviors);
  if (!c.auth_type.empty() && c.auth_type != "ANY") j["authType"] = c.auth_type;
  if (c.identity_provider_type != "OKTA" || !c.identity_provider_id.empty()) {
    Json idp = Json::object();
    idp["type"] = c.identity_provider_type;
    if (!c.identity_provider_id.empty()) idp["id"] = c.identity_provider_id;
    j["identityProvider"] = std::move(idp);
  }
  if (!c.client_id.empty()) j["client"] = Json{{"id", c.client_id}};
  if (!c.grant_type.empty()) j["grantType"] = c.grant_type;
  if (!c.scopes.empty()) j["scopes"] = Strings(c.scopes);
  if (!c.login_identifier.empty()) j["loginIdentifier"] = c.login_identifier;

  const ContextSession& s = c.session;
  Json session = Json::object();
  if (s.created_at) session["createdAt"] = TimeText(*s.created_at);
  if (s.last_activity) session["lastActivity"] = TimeText(*s.last_activity);
  if (s.last_factor_verification) {
    session["lastFactorVerification"] = TimeText(*s.last_factor_verification);
  }
  if (!s.amr.empty()) session["amr"] = Strings(s.amr);
  if (!session.empty()) j["session"] = std::move(session);

  if (c.time) j["time"] = TimeText(*c.time);
  if (c.threat_suspected) j["threatSuspected"] = *c.threat_suspected;
  if (c.authenticators) j["authenticators"] = Strings(*c.authenticators);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace verdict
