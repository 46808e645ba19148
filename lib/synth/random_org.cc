#include "lib/synth/random_org.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "verdict/authenticators.h"

namespace verdict::synth {
namespace {

using Json = nlohmann::ordered_json;

std::string Id(std::string_view prefix, uint64_t n) {
  return absl::StrFormat("%s%017d", std::string(prefix), n);
}

template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[rng.Below(v.size())];
}

IpAddress V4(uint32_t v) { return IpAddress::FromV4(v); }

const std::vector<std::string> kCountries = {"US", "CA", "DE", "FR", "JP", "BR"};
const std::vector<std::string> kRegions = {"US-CA", "US-NY", "US-TX", "DE-BY", "CA-ON", "JP-13"};
const std::vector<uint32_t> kAsns = {13335, 15169, 16509, 8075, 3356, 7922, 64512};
const std::vector<std::string> kAuthTypes = {"ANY", "RADIUS", "LDAP_INTERFACE"};
const std::vector<std::string> kBehaviorNames = {"New IP",   "New Device", "New Country",
                                                 "New City", "New State",  "Velocity"};
const std::vector<std::string> kOsTypes = {"IOS",      "ANDROID", "MACOS", "WINDOWS",
                                           "CHROMEOS", "LINUX",   "OTHER"};

// Address blocks the zones' entries cluster in, so zones overlap and
// contexts hit them.
struct AddressPlan {
  std::vector<uint32_t> v4_blocks;       // /16 prefixes (upper 16 bits)
  std::vector<absl::uint128> v6_blocks;  // /48 prefixes
};

class OrgGenerator {
 public:
  explicit OrgGenerator(const OrgOptions& o) : o_(o), rng_(o.seed * 0x9e3779b97f4a7c15ULL + 7) {}

  Snapshot Run() {
    Snapshot s;
    s.directory = "synth";
    s.manifest.org = absl::StrCat("synth-", o_.seed);
    s.manifest.source = "synth";
    MakeGroups(s);
    MakeBehaviors(s);
    MakeZones(s);
    MakePolicies(s);
    MakeApps(s);
    MakeIdps(s);
    MakeSessionActions(s);
    MakeAuthenticatorRequirements(s);
    return s;
  }

 private:
  // ---------------------------------------------------------- vocabularies

  void MakeGroups(Snapshot& s) {
    s.has_groups_file = true;
    Group everyone{Id("00gEveryone", 0), "Everyone", "BUILT_IN"};
    everyone_ = everyone.id;
    s.groups.push_back(everyone);
    for (int i = 0; i < std::max(1, o_.groups); ++i) {
      Group g{Id("00g", i + 1), absl::StrCat("Group ", i + 1), "OKTA_GROUP"};
      groups_.push_back(g.id);
      s.groups.push_back(g);
    }
    for (int i = 0; i < std::max(8, o_.groups); ++i) users_.push_back(Id("00u", i + 1));
    for (int i = 0; i < 4; ++i) idps_.push_back(Id("0oaIdp", i + 1));
    for (int i = 0; i < 6; ++i) apps_.push_back(Id("0oaApp", i + 1));
  }

  // apps.json: every app of the vocabulary, one in ten INACTIVE (the binding
  // holds regardless). An app no policy-mappings/ entry binds is, two times in
  // three, bound to a random ACCESS_POLICY by its `_links.accessPolicy` only.
  // A mapped app gets a link that agrees or contradicts its mapping (or none):
  // the loader lets the mapping win, so the model binds it by the mapping only,
  // and a written snapshot exercises the loader's conflict rule. Its own
  // random stream, so the rest of an org is what it was before apps.json.
  void MakeApps(Snapshot& s) {
    Rng rng(o_.seed * 0x9e3779b97f4a7c15ULL + 11);
    std::vector<Policy*> access;
    for (Policy& p : s.policies) {
      if (p.type == PolicyType::kAccessPolicy) access.push_back(&p);
    }
    s.has_apps_file = true;
    for (const std::string& id : apps_) {
      Application app;
      app.id = id;
      // Catalog names for `app` conditions' APP_TYPE entries (issue 18 item 6).
      app.name = Pick(rng, std::vector<std::string>{"oidc_client", "salesforce", "bookmark"});
      app.label = absl::StrCat("App ", id);
      app.active = !rng.Chance(10);
      app.file = "apps.json";
      app.pointer = absl::StrCat("/", s.apps.size());
      app.raw_json = "{}";
      const Policy* mapped = nullptr;
      for (const Policy* p : access) {
        const auto& m = p->mapped_app_ids;
        if (std::find(m.begin(), m.end(), id) != m.end()) mapped = p;
      }
      Policy* link = access.empty() ? nullptr : access[rng.Below(access.size())];
      if (mapped == nullptr && link != nullptr && !rng.Chance(33)) {
        link->linked_app_ids.push_back(id);
      } else if (mapped != nullptr && rng.Chance(50)) {
        // agrees or (with another policy drawn) contradicts the mapping
      } else {
        link = nullptr;
      }
      if (link != nullptr) {
        app.access_policy_id = link->id;
        app.access_policy_href = absl::StrCat("https://synth.okta.com/api/v1/policies/", link->id);
      }
      s.apps.push_back(std::move(app));
    }
  }

  // idps.json and the IDP_DISCOVERY rules' routing (issue 18 items 1 and 7):
  // the IdP vocabulary named after the domains of the generated logins (one
  // in five INACTIVE); each IdP-discovery rule DYNAMIC (criteria by name, id
  // or type, sometimes with the stale providers Okta would refuse) or SPECIFIC
  // (an OKTA provider beside an IdP, often with a userIdentifier condition:
  // Okta alone then). Its own random stream, like MakeApps.
  void MakeIdps(Snapshot& s) {
    Rng rng(o_.seed * 0x9e3779b97f4a7c15ULL + 13);
    const std::vector<std::string> names = {"example.com", "acme.example", "Example.COM",
                                            "partner.example"};
    s.has_idps_file = true;
    for (size_t i = 0; i < idps_.size(); ++i) {
      IdentityProvider idp;
      idp.id = idps_[i];
      idp.name = names[i % names.size()];
      idp.type = rng.Chance(50) ? "SAML2" : "OIDC";
      idp.protocol_type = idp.type;
      idp.active = !rng.Chance(20);
      idp.file = "idps.json";
      idp.pointer = absl::StrCat("/", i);
      idp.raw_json = "{}";
      s.idps.push_back(std::move(idp));
    }
    const std::vector<IdpMatchCriterion> criteria = {
        {"login.identifier.substringAfter('@')", "name"},
        {"login.identifier.substringAfter('@')", "id"},
        {"'" + idps_[1] + "'", "id"},
        {"'oidc'", "type"},
        {"login.identifier", "issuer"}};
    for (Policy& p : s.policies) {
      if (p.type != PolicyType::kIdpDiscovery) continue;
      for (Rule& r : p.rules) {
        IdpAction a;
        const IdpProvider some_idp = {"SAML2", Pick(rng, idps_), ""};
        if (rng.Chance(40)) {
          a.selection_type = "DYNAMIC";
          for (uint64_t n = 1 + rng.Below(2); n > 0; --n) {
            a.match_criteria.push_back(Pick(rng, criteria));
          }
          a.fall_back_to_okta = rng.Chance(50);
          if (rng.Chance(20)) a.providers = {some_idp};
        } else {
          if (!rng.Chance(25)) a.providers.push_back({"OKTA", "", ""});
          if (rng.Chance(60)) a.providers.push_back(some_idp);
          if (!a.providers.empty() && a.providers.front().type == "OKTA" && rng.Chance(50) &&
              !r.conditions.user_identifier) {
            UserIdentifierCondition u;
            u.patterns.push_back({"SUFFIX", rng.Chance(50) ? "@EXAMPLE.com" : ".example"});
            r.conditions.user_identifier = u;
            r.conditions_null = false;
          }
        }
        r.idp = std::move(a);
        r.actions_json = ActionsJson(r).dump();
      }
    }
  }

  // The session settings of the ALLOW global session rules (issue 18 item 11):
  // primaryFactor PASSWORD_IDP, PASSWORD_IDP_ANY_FACTOR or absent, and
  // usePersistentCookie, which administrators never get. Its own random
  // stream, like MakeApps.
  void MakeSessionActions(Snapshot& s) {
    Rng rng(o_.seed * 0x9e3779b97f4a7c15ULL + 17);
    for (Policy& p : s.policies) {
      if (p.type != PolicyType::kOktaSignOn) continue;
      for (Rule& r : p.rules) {
        if (!r.signon || r.signon->access != Access::kAllow) continue;
        const uint64_t k = rng.Below(3);
        r.signon->primary_factor = k == 0   ? "PASSWORD_IDP"
                                   : k == 1 ? "PASSWORD_IDP_ANY_FACTOR"
                                            : "";
        if (rng.Chance(60)) r.signon->use_persistent_cookie = rng.Chance(50);
        r.actions_json = ActionsJson(r).dump();
      }
    }
  }

  // Issue 18 item 10: ACCESS_POLICY verificationMethods (ASSURANCE
  // constraints, AUTH_METHOD_CHAIN), MFA_ENROLL authenticator settings and
  // users' factors.json, from a stream of their own (the main stream, and so
  // every org drawn before, is unchanged).
  void MakeAuthenticatorRequirements(Snapshot& s) {
    Rng rng(o_.seed * 0x9e3779b97f4a7c15ULL + 23);
    const absl::Span<const AuthenticatorMethodTraits> methods = AuthenticatorMethods();
    auto some_method = [&]() -> const AuthenticatorMethodTraits& {
      return methods[rng.Below(methods.size())];
    };
    auto refs = [&](uint64_t max) {
      std::vector<AuthenticationMethodRef> out;
      for (uint64_t n = 1 + rng.Below(max); n > 0; --n) {
        const AuthenticatorMethodTraits& m = some_method();
        AuthenticationMethodRef r{std::string(m.key), rng.Chance(70) ? std::string(m.method) : ""};
        r.user_verification_required = rng.Chance(15);
        out.push_back(std::move(r));
      }
      return out;
    };
    auto characteristic = [&]() -> std::string {
      const uint64_t k = rng.Below(10);
      return k < 3 ? "REQUIRED" : k < 5 ? "OPTIONAL" : "";
    };
    auto factor_constraint = [&](bool possession) {
      FactorConstraint f;
      if (rng.Chance(25)) {
        f.types = {std::string(some_method().type)};
      }
      if (rng.Chance(10)) f.authentication_methods = refs(2);
      if (rng.Chance(15)) f.excluded_authentication_methods = refs(1);
      f.required = f.excluded_authentication_methods.empty() || rng.Chance(20);
      if (rng.Chance(20)) f.reauthenticate_in = "PT2H";
      if (possession) {
        f.phishing_resistant = characteristic();
        f.hardware_protection = characteristic();
        f.device_bound = characteristic();
        f.user_presence = characteristic();
        f.user_verification = characteristic();
      }
      return f;
    };
    std::function<AuthMethodChain(int)> chain = [&](int depth) {
      AuthMethodChain c;
      c.methods = refs(2);
      if (depth < 2 && rng.Chance(50)) {
        for (uint64_t n = 1 + rng.Below(2); n > 0; --n) c.next.push_back(chain(depth + 1));
      }
      return c;
    };
    for (Policy& p : s.policies) {
      if (p.type == PolicyType::kMfaEnroll && rng.Chance(80)) {
        static const char* kSelf[] = {"REQUIRED", "OPTIONAL", "NOT_ALLOWED"};
        std::set<std::string_view> keys;
        for (uint64_t n = 1 + rng.Below(4); n > 0; --n) keys.insert(some_method().key);
        for (const std::string_view key : keys) {
          p.enrollment_settings.push_back({std::string(key), kSelf[rng.Below(3)]});
        }
      }
      if (p.type != PolicyType::kAccessPolicy) continue;
      for (Rule& r : p.rules) {
        if (!r.app_sign_on) continue;
        AppSignOnAction& a = *r.app_sign_on;
        a.has_verification_method = true;
        if (rng.Chance(20)) {
          a.verification_method_type = "AUTH_METHOD_CHAIN";
          a.factor_mode.clear();
          for (uint64_t n = 1 + rng.Below(2); n > 0; --n) a.chains.push_back(chain(0));
        } else {
          for (uint64_t n = rng.Below(3); n > 0; --n) {
            AssuranceConstraint c;
            if (rng.Chance(60)) c.knowledge = factor_constraint(false);
            if (rng.Chance(70)) c.possession = factor_constraint(true);
            a.constraints.push_back(std::move(c));
          }
        }
        r.actions_json = ActionsJson(r).dump();
      }
    }
    // factors.json for half the users, as the loader reads it: the
    // password first, then each ACTIVE factor once.
    for (const std::string& user : users_) {
      if (!rng.Chance(50)) continue;
      std::vector<std::string>& enrolled = s.user_factors[user];
      enrolled.push_back("okta_password:password");
      for (uint64_t n = rng.Below(4); n > 0; --n) {
        const absl::Span<const UserFactorType> rows = UserFactorTypes();
        const std::string_view e = rows[rng.Below(rows.size())].enrollment;
        if (std::find(enrolled.begin(), enrolled.end(), e) == enrolled.end()) {
          enrolled.emplace_back(e);
        }
      }
    }
  }

  void MakeBehaviors(Snapshot& s) {
    s.has_behaviors_file = true;
    for (size_t i = 0; i < kBehaviorNames.size(); ++i) {
      Behavior b{Id("abh", i + 1), kBehaviorNames[i], "ANOMALOUS_LOCATION", !rng_.Chance(10)};
      s.behaviors.push_back(b);
    }
  }

  // ---------------------------------------------------------- zones

  IpRange RandomRange(const AddressPlan& plan, bool small) {
    if (plan.v6_blocks.empty() || rng_.Chance(85)) {
      const uint32_t block = Pick(rng_, plan.v4_blocks) << 16;
      const uint32_t addr = block | static_cast<uint32_t>(rng_.Below(1 << 16));
      if (rng_.Chance(25)) {  // RANGE, sometimes a single address
        const uint32_t len =
            rng_.Chance(20) ? 0 : static_cast<uint32_t>(rng_.Below(small ? 16 : 4096));
        const uint32_t last = std::min<uint64_t>(uint64_t{addr} + len, block | 0xffff);
        return {V4(addr), V4(last)};
      }
      const int prefix =
          small ? 28 + static_cast<int>(rng_.Below(5)) : 20 + static_cast<int>(rng_.Below(13));
      const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
      return {V4(addr & mask), V4((addr & mask) | ~mask)};
    }
    const absl::uint128 block = Pick(rng_, plan.v6_blocks);
    const absl::uint128 addr = block | absl::MakeUint128(rng_.Below(1 << 16), rng_.Next());
    if (rng_.Chance(25)) {
      const absl::uint128 last = addr + rng_.Below(small ? 16 : 1 << 20);
      return {IpAddress::FromV6(addr), IpAddress::FromV6(last)};
    }
    const int prefix =
        small ? 120 + static_cast<int>(rng_.Below(9)) : 56 + static_cast<int>(rng_.Below(73));
    const absl::uint128 host = prefix == 128 ? 0 : (absl::uint128(1) << (128 - prefix)) - 1;
    return {IpAddress::FromV6(addr & ~host), IpAddress::FromV6((addr & ~host) | host)};
  }

  void MakeZones(Snapshot& s) {
    AddressPlan plan;
    const int hot = std::max(6, o_.cidrs / 150);
    for (int i = 0; i < hot; ++i) {
      plan.v4_blocks.push_back(static_cast<uint32_t>(0x0100 + rng_.Below(0xdf00)));
    }
    for (int i = 0; i < std::max(2, hot / 4); ++i) {
      plan.v6_blocks.push_back(
          absl::MakeUint128(0x20010db800000000ULL | (rng_.Below(1 << 16) << 16), 0));
    }
    const int zone_count = std::max(4, o_.zones);
    auto ip_zone = [&](std::string id, std::string name) {
      NetworkZone z;
      z.id = std::move(id);
      z.name = std::move(name);
      z.type = ZoneType::kIp;
      return z;
    };
    // Admins may rename system zones: one org in four has them renamed and
    // carries useAsExemptList, so the zones must be found by what they are.
    // (Decided by the seed, not the generator, so the rest of the org is the
    // same either way.)
    const bool renamed = o_.seed % 4 == 1;
    s.zones.push_back(ip_zone(Id("nzoLegacy", 0), renamed ? "Corporate IPs" : "LegacyIpZone"));
    s.zones.back().system = true;
    s.zones.push_back(ip_zone(Id("nzoBlocked", 0), "BlockedIpZone"));
    s.zones.back().system = true;
    s.zones.back().usage = ZoneUsage::kBlocklist;
    s.zones.push_back(
        ip_zone(Id("nzoExempt", 0), renamed ? "Never blocked" : "DefaultExemptIpZone"));
    s.zones.back().system = true;
    if (renamed) s.zones.back().use_as_exempt_list = true;
    s.zones.back().active = !rng_.Chance(10);
    for (int i = 3; i < zone_count; ++i) {
      NetworkZone z;
      z.id = Id("nzo", i);
      z.name = absl::StrCat("Zone ", i);
      const uint64_t kind = rng_.Below(100);
      z.type = kind < 78 ? ZoneType::kIp : kind < 94 ? ZoneType::kDynamic : ZoneType::kDynamicV2;
      z.active = !rng_.Chance(6);
      if (rng_.Chance(4)) z.usage = ZoneUsage::kBlocklist;
      if (z.type != ZoneType::kIp) MakeDynamic(z);
      s.zones.push_back(std::move(z));
    }
    // Distribute the address entries over the IP zones; the blocklist and
    // the exempt zone get a few, overlapping on purpose.
    std::vector<size_t> ip_zones;
    for (size_t i = 0; i < s.zones.size(); ++i) {
      if (s.zones[i].type == ZoneType::kIp) ip_zones.push_back(i);
    }
    const int blocked = std::max(1, o_.cidrs / 50);
    for (int i = 0; i < blocked; ++i) s.zones[1].gateways.push_back(RandomRange(plan, true));
    for (int i = 0; i < blocked; ++i) {
      // Exempt: half of them copies of blocklist entries.
      s.zones[2].gateways.push_back(rng_.Chance(50) ? Pick(rng_, s.zones[1].gateways)
                                                    : RandomRange(plan, true));
    }
    for (int i = 2 * blocked; i < o_.cidrs; ++i) {
      NetworkZone& z = s.zones[i < 2 * blocked + 3 ? 0 : Pick(rng_, ip_zones)];
      if (z.usage == ZoneUsage::kBlocklist && z.system) continue;
      const bool proxy = &z != &s.zones[0] && rng_.Chance(30);
      (proxy ? z.proxies : z.gateways).push_back(RandomRange(plan, proxy));
    }
  }

  void MakeDynamic(NetworkZone& z) {
    const bool v2 = z.type == ZoneType::kDynamicV2;
    if (rng_.Chance(70)) {
      for (uint64_t n = 1 + rng_.Below(3); n > 0; --n) {
        if (rng_.Chance(50)) {
          const std::string& region = Pick(rng_, kRegions);
          z.locations.push_back({region.substr(0, 2), region});
        } else {
          z.locations.push_back({Pick(rng_, kCountries), ""});
        }
      }
    }
    if (rng_.Chance(40)) {
      for (uint64_t n = 1 + rng_.Below(3); n > 0; --n) z.asns.push_back(Pick(rng_, kAsns));
    }
    if (rng_.Chance(30)) {
      z.proxy_type = static_cast<ZoneProxyCriterion>(1 + rng_.Below(3));
    }
    if (v2) {
      if (rng_.Chance(40)) {
        z.ip_service_categories.push_back(
            Pick(rng_, std::vector<std::string>{"ALL_ANONYMIZERS", "ANONYMIZER_TOR",
                                                "ALL_ANONYMIZERS_EXCEPT_TOR", "VPN_PROVIDER",
                                                "ALL_PROXIES_VPNS", "ALL_IP_SERVICES", "NORD_VPN",
                                                "OXYLABS_PROXY"}));
      }
      if (rng_.Chance(30)) z.locations_exclude.push_back({Pick(rng_, kCountries), ""});
      if (rng_.Chance(20)) z.asns_exclude.push_back(Pick(rng_, kAsns));
    }
    // Some dynamic zones get no criterion at all (never match).
  }

  // ---------------------------------------------------------- policies

  std::vector<std::string> SomeGroups(uint64_t max) {
    std::vector<std::string> out;
    for (uint64_t n = 1 + rng_.Below(max); n > 0; --n) {
      out.push_back(rng_.Chance(4) ? everyone_ : Pick(rng_, groups_));
    }
    return out;
  }

  std::string SomeZoneId(const Snapshot& s) {
    if (rng_.Chance(6)) return std::string(kAllZones);
    if (rng_.Chance(3)) return "nzoMissing";
    return Pick(rng_, s.zones).id;
  }

  void AddRareConditions(Conditions& c, PolicyType type) {
    switch (rng_.Below(12)) {
      case 0: {
        PlatformCondition p;
        PlatformEntry e;
        e.type = Pick(rng_, std::vector<std::string>{"ANY", "MOBILE", "DESKTOP"});
        e.os_type = rng_.Chance(50) ? "ANY" : Pick(rng_, kOsTypes);
        // os.expression ("only with OTHER"), chosen from draws already made so
        // the random stream (and every org generated before) is unchanged;
        // one of them is malformed (the rule never matches).
        if (e.os_type == "OTHER") {
          e.os_expression = e.type == "ANY"      ? "device.platform == 'OTHER'"
                            : e.type == "MOBILE" ? "device.registered == true"
                                                 : "device.platform = 'OTHER'";
        }
        (rng_.Chance(70) ? p.include : p.exclude).push_back(e);
        c.platform = p;
        break;
      }
      case 1: {
        DeviceCondition d;
        if (rng_.Chance(60)) d.registered = rng_.Chance(50);
        if (rng_.Chance(60)) d.managed = rng_.Chance(50);
        if (rng_.Chance(30)) d.assurance_include = {Id("dae", rng_.Below(3))};
        c.device = d;
        break;
      }
      case 2: {
        UserIdentifierCondition u;
        if (rng_.Chance(30)) {
          u.type = "ATTRIBUTE";
          u.attribute = "department";
        }
        // No EXPRESSION here: RE2's lazy DFA allocates states the first time it
        // sees new input, which EngineAllocation (warmed on OKTA_SIGN_ON only)
        // counts. tests/expr/wiring_test.cc compares both engines on it.
        const std::vector<std::string> types = {"EQUALS", "STARTS_WITH", "SUFFIX", "CONTAINS"};
        for (uint64_t n = 1 + rng_.Below(2); n > 0; --n) {
          const std::string& t = Pick(rng_, types);
          std::string v = t == "SUFFIX" ? "@EXAMPLE.com" : t == "STARTS_WITH" ? "user1" : "Sales";
          if (t == "EQUALS") v = u.type == "ATTRIBUTE" ? "sales" : "USER1@example.com";
          u.patterns.push_back({t, v});
        }
        c.user_identifier = u;
        break;
      }
      case 3:
        c.user_type = IdList{{Id("oty", rng_.Below(2))}, {}};
        break;
      case 4:
        c.users = IdList{{}, {Pick(rng_, users_)}};
        break;
      case 5:
        c.groups = IdList{rng_.Chance(50) ? SomeGroups(2) : std::vector<std::string>{},
                          rng_.Chance(50) ? SomeGroups(1) : std::vector<std::string>{}};
        break;
      case 6:
        c.user_status = UserStatusCondition{rng_.Chance(70) ? "ACTIVE" : "suspended"};
        break;
      case 7: {
        AppCondition a;
        a.include.push_back({"APP", Pick(rng_, apps_), ""});
        if (rng_.Chance(30)) a.include.push_back({"APP_TYPE", "", "oidc_client"});
        if (rng_.Chance(20)) a.exclude.push_back({"APP_TYPE", "", "salesforce"});
        c.app = a;
        break;
      }
      case 8:
        if (rng_.Chance(50)) {
          const std::vector<std::string> expressions = {
              "user.profile.department == 'Sales'",
              "user.profile.department != null && "
              "user.profile.department.toLowerCase().startsWith('s') && "
              "security.risk.level != 'HIGH'",
              "user.isMemberOf({'group.profile.name': 'Sales'}) || session.amr.contains('mfa')",
              "device.managed != true || user.profile.department != 'Eng'",
              "user.isMemberof({'group.id': 'x'})",  // malformed: never matches
              // Decided by lint's solver (lib/lint/expression_cells.h).
              "user.profile.department != 'Eng'",
              // (guarded: an evaluation error allocates its message, engine.h)
              "user.profile.department == 'Sales' || (user.profile.department != null && "
              "user.profile.department.startsWith('E'))",
          };
          c.el_condition = ElCondition{Pick(rng_, expressions)};
        } else {
          c.unknown_keys.push_back("futureCondition");
        }
        break;
      case 9:
        c.apps = IdList{{Pick(rng_, apps_)}, {}};
        break;
      case 10:
        c.scopes = IdList{{rng_.Chance(30) ? "*" : "openid"}, {}};
        c.clients = IdList{{rng_.Chance(30) ? "ALL_CLIENTS" : "0oaClient1"}, {}};
        break;
      default: {
        AuthProviderCondition a;
        a.provider =
            Pick(rng_, std::vector<std::string>{"ANY", "OKTA", "ACTIVE_DIRECTORY", "LDAP"});
        if (a.provider == "ACTIVE_DIRECTORY" && rng_.Chance(50)) a.include = {"0oaAd1"};
        c.auth_provider = a;
        (void)type;
        break;
      }
    }
  }

  Conditions RuleConditions(const Snapshot& s, PolicyType type, bool catch_all) {
    Conditions c;
    if (catch_all) {
      if (rng_.Chance(50)) c.network = NetworkCondition{};
      return c;
    }
    if (rng_.Chance(45)) {
      PeopleCondition p;
      if (rng_.Chance(60)) p.groups.include = SomeGroups(3);
      if (rng_.Chance(15)) p.users.include = {Pick(rng_, users_), Pick(rng_, users_)};
      if (rng_.Chance(20)) p.groups.exclude = SomeGroups(2);
      if (rng_.Chance(10)) p.users.exclude = {Pick(rng_, users_)};
      c.people = p;
    }
    const uint64_t net = rng_.Below(100);
    if (net < 40) {
      NetworkCondition n;
      n.connection = NetworkConnection::kZone;
      if (rng_.Chance(80)) {
        for (uint64_t k = 1 + rng_.Below(3); k > 0; --k) n.include.push_back(SomeZoneId(s));
      }
      if (rng_.Chance(30)) {
        for (uint64_t k = 1 + rng_.Below(2); k > 0; --k) n.exclude.push_back(SomeZoneId(s));
      }
      // The loader rejects ZONE without a list, as Okta's API does.
      if (n.include.empty() && n.exclude.empty()) n.exclude.push_back(SomeZoneId(s));
      c.network = n;
    } else if (net < 50) {
      NetworkCondition n;
      n.connection =
          rng_.Chance(50) ? NetworkConnection::kOnNetwork : NetworkConnection::kOffNetwork;
      c.network = n;
    } else if (net < 65) {
      c.network = NetworkCondition{};
    }
    if (rng_.Chance(30)) {
      RiskScoreCondition r;
      if (rng_.Chance(85)) r.level = static_cast<RiskLevel>(rng_.Below(3));
      if (rng_.Chance(10)) r.min_risk_level = static_cast<RiskLevel>(rng_.Below(3));
      c.risk_score = r;
    }
    if (rng_.Chance(20)) {
      RiskBehaviorCondition b;
      for (uint64_t k = rng_.Below(3); k > 0; --k) {
        const Behavior& def = Pick(rng_, s.behaviors);
        b.behaviors.push_back(rng_.Chance(75) ? def.id : def.name);
      }
      c.risk = b;
    }
    if (rng_.Chance(20)) {
      std::string t = Pick(rng_, kAuthTypes);
      if (rng_.Chance(10)) t = "radius";
      c.auth_context = AuthContextCondition{t};
    }
    if (rng_.Chance(12)) {
      IdentityProviderCondition i;
      i.provider = Pick(rng_, std::vector<std::string>{"ANY", "OKTA", "SPECIFIC_IDP"});
      if (i.provider == "SPECIFIC_IDP") i.idp_ids = {Pick(rng_, idps_), Pick(rng_, idps_)};
      c.identity_provider = i;
    }
    if (rng_.Chance(o_.rare_condition_percent)) AddRareConditions(c, type);
    return c;
  }

  Rule MakeRule(const Snapshot& s, PolicyType type, const std::string& policy_id, int index,
                bool catch_all) {
    Rule r;
    r.id = absl::StrCat("0pr", policy_id.substr(3), absl::StrFormat("%03d", index));
    r.name = absl::StrCat("Rule ", index);
    r.type = std::string(RuleTypeName(type));
    r.priority = index + 1;
    r.active = !rng_.Chance(5);
    r.conditions = RuleConditions(s, type, catch_all);
    r.conditions_null = catch_all && !r.conditions.network;
    if (type == PolicyType::kOktaSignOn) {
      SignOnAction a;
      const uint64_t k = rng_.Below(100);
      a.access = k < 70   ? Access::kAllow
                 : k < 92 ? Access::kDeny
                 : k < 96 ? Access::kChallenge
                          : Access::kUnset;
      if (a.access == Access::kAllow && rng_.Chance(60)) {
        a.require_factor = true;
        a.factor_prompt_mode = static_cast<FactorPromptMode>(rng_.Below(4));
        if (rng_.Chance(85)) a.factor_lifetime_minutes = 15 * (1 + rng_.Below(16));
      }
      if (!rng_.Chance(2)) r.signon = a;
    } else if (type == PolicyType::kAccessPolicy) {
      AppSignOnAction a;
      a.access = rng_.Chance(80) ? Access::kAllow : Access::kDeny;
      a.verification_method_type = "ASSURANCE";
      a.factor_mode = rng_.Chance(50) ? "1FA" : "2FA";
      r.app_sign_on = a;
    }
    r.actions_json = ActionsJson(r).dump();
    return r;
  }

  void MakePolicies(Snapshot& s) {
    const std::vector<std::pair<PolicyType, int>> shares = {{PolicyType::kOktaSignOn, 50},
                                                            {PolicyType::kPassword, 15},
                                                            {PolicyType::kMfaEnroll, 15},
                                                            {PolicyType::kAccessPolicy, 17},
                                                            {PolicyType::kIdpDiscovery, 3}};
    int next_id = 1;
    for (const auto& [type, share] : shares) {
      int count = std::max(type == PolicyType::kIdpDiscovery ? 0 : 1, o_.policies * share / 100);
      if (type == PolicyType::kIdpDiscovery) count = std::min(count, 1);
      const bool group_type =
          type != PolicyType::kAccessPolicy && type != PolicyType::kIdpDiscovery;
      for (int i = 0; i < count; ++i) {
        Policy p;
        p.id = Id("00p", next_id++);
        p.name = absl::StrCat(std::string(PolicyTypeName(type)), " policy ", i + 1);
        p.type = type;
        p.priority = i + 1;
        p.active = !rng_.Chance(6);
        if (group_type) {
          PeopleCondition people;
          if (!rng_.Chance(3)) people.groups.include = SomeGroups(3);
          if (rng_.Chance(5)) people.users.exclude = {Pick(rng_, users_)};
          p.conditions.people = people;
          if (type == PolicyType::kPassword) {
            AuthProviderCondition a;
            a.provider = rng_.Chance(70) ? "OKTA" : rng_.Chance(50) ? "ANY" : "ACTIVE_DIRECTORY";
            p.conditions.auth_provider = a;
          }
          if (rng_.Chance(4)) {
            NetworkCondition n;
            n.connection = NetworkConnection::kZone;
            n.include = {SomeZoneId(s)};
            p.conditions.network = n;
          }
        } else if (type == PolicyType::kAccessPolicy) {
          for (uint64_t k = rng_.Below(3); k > 0; --k)
            p.mapped_app_ids.push_back(Pick(rng_, apps_));
          if (rng_.Chance(5)) p.conditions.risk_score = RiskScoreCondition{RiskLevel::kHigh, {}};
        }
        if (rng_.Chance(o_.rare_condition_percent / 2)) AddRareConditions(p.conditions, type);
        const int rules =
            std::max(1, 1 + static_cast<int>(rng_.Below(2 * o_.rules_per_policy - 1)));
        for (int k = 0; k < rules; ++k) {
          p.rules.push_back(MakeRule(s, type, p.id, k, k == rules - 1 && rng_.Chance(40)));
        }
        p.raw_json = "{}";
        s.policies.push_back(std::move(p));
      }
      if (group_type || type == PolicyType::kIdpDiscovery) {
        Policy d;
        d.id = Id("00pDefault", static_cast<int>(type));
        d.name = absl::StrCat("Default ", std::string(PolicyTypeName(type)));
        d.type = type;
        d.priority = count + 1;
        d.system = true;
        if (type == PolicyType::kPassword) {
          AuthProviderCondition a;
          a.provider = "OKTA";
          d.conditions.auth_provider = a;
        }
        const int rules = 1 + static_cast<int>(rng_.Below(3));
        for (int k = 0; k < rules; ++k)
          d.rules.push_back(MakeRule(s, type, d.id, k, k == rules - 1));
        d.rules.back().active = true;
        d.raw_json = "{}";
        s.policies.push_back(std::move(d));
      }
    }
  }

 public:
  static Json MethodRefsJson(const std::vector<AuthenticationMethodRef>& refs) {
    Json out = Json::array();
    for (const AuthenticationMethodRef& r : refs) {
      Json j = {{"key", r.key}};
      if (!r.method.empty()) j["method"] = r.method;
      if (r.user_verification_required) j["userVerification"] = "REQUIRED";
      out.push_back(j);
    }
    return out;
  }
  static Json FactorConstraintJson(const FactorConstraint& f) {
    Json j = Json::object();
    j["required"] = f.required;
    if (!f.types.empty()) j["types"] = f.types;
    if (!f.methods.empty()) j["methods"] = f.methods;
    if (!f.authentication_methods.empty()) {
      j["authenticationMethods"] = MethodRefsJson(f.authentication_methods);
    }
    if (!f.excluded_authentication_methods.empty()) {
      j["excludedAuthenticationMethods"] = MethodRefsJson(f.excluded_authentication_methods);
    }
    if (!f.reauthenticate_in.empty()) j["reauthenticateIn"] = f.reauthenticate_in;
    const std::pair<const char*, const std::string*> named[] = {
        {"deviceBound", &f.device_bound},
        {"hardwareProtection", &f.hardware_protection},
        {"phishingResistant", &f.phishing_resistant},
        {"userPresence", &f.user_presence},
        {"userVerification", &f.user_verification}};
    for (const auto& [name, value] : named) {
      if (!value->empty()) j[name] = *value;
    }
    return j;
  }
  static Json ChainsJson(const std::vector<AuthMethodChain>& chains) {
    Json out = Json::array();
    for (const AuthMethodChain& c : chains) {
      Json j = {{"authenticationMethods", MethodRefsJson(c.methods)}};
      if (!c.next.empty()) j["next"] = ChainsJson(c.next);
      out.push_back(j);
    }
    return out;
  }

  static Json ActionsJson(const Rule& r) {
    Json a = Json::object();
    if (r.signon) {
      const SignOnAction& s = *r.signon;
      Json j = Json::object();
      static const char* kAccess[] = {nullptr, "ALLOW", "DENY", "CHALLENGE"};
      if (s.access != Access::kUnset) j["access"] = kAccess[static_cast<int>(s.access)];
      j["requireFactor"] = s.require_factor;
      static const char* kModes[] = {nullptr, "ALWAYS", "DEVICE", "SESSION"};
      if (s.factor_prompt_mode != FactorPromptMode::kUnset) {
        j["factorPromptMode"] = kModes[static_cast<int>(s.factor_prompt_mode)];
      }
      if (s.factor_lifetime_minutes) j["factorLifetime"] = *s.factor_lifetime_minutes;
      if (!s.primary_factor.empty()) j["primaryFactor"] = s.primary_factor;
      if (s.use_persistent_cookie) {
        j["session"] = {{"usePersistentCookie", *s.use_persistent_cookie}};
      }
      a["signon"] = j;
    }
    if (r.idp) {
      Json providers = Json::array();
      for (const IdpProvider& p : r.idp->providers) {
        Json j = {{"type", p.type}};
        if (!p.id.empty()) j["id"] = p.id;
        if (!p.name.empty()) j["name"] = p.name;
        providers.push_back(j);
      }
      Json idp = {{"providers", providers}, {"idpSelectionType", r.idp->selection_type}};
      if (!r.idp->match_criteria.empty()) {
        Json criteria = Json::array();
        for (const IdpMatchCriterion& c : r.idp->match_criteria) {
          criteria.push_back(
              {{"providerExpression", c.provider_expression}, {"propertyName", c.property_name}});
        }
        idp["matchCriteria"] = criteria;
        idp["shouldFallBackToOkta"] = r.idp->fall_back_to_okta;
      }
      a["idp"] = idp;
    }
    if (r.app_sign_on) {
      const AppSignOnAction& app = *r.app_sign_on;
      Json vm = {{"type", app.verification_method_type}};
      if (!app.factor_mode.empty()) vm["factorMode"] = app.factor_mode;
      if (!app.constraints.empty()) {
        Json constraints = Json::array();
        for (const AssuranceConstraint& c : app.constraints) {
          Json j = Json::object();
          if (c.knowledge) j["knowledge"] = FactorConstraintJson(*c.knowledge);
          if (c.possession) j["possession"] = FactorConstraintJson(*c.possession);
          constraints.push_back(j);
        }
        vm["constraints"] = constraints;
      }
      if (!app.chains.empty()) vm["chains"] = ChainsJson(app.chains);
      a["appSignOn"] = {{"access", app.access == Access::kDeny ? "DENY" : "ALLOW"},
                        {"verificationMethod", vm}};
    }
    return a;
  }

 private:
  const OrgOptions o_;
  Rng rng_;
  std::string everyone_;
  std::vector<std::string> groups_, users_, idps_, apps_;
};

// ------------------------------------------------------------ contexts

class ContextGenerator {
 public:
  ContextGenerator(const Snapshot& org, uint64_t seed)
      : org_(org), rng_(seed ^ 0x5bd1e995), authenticator_rng_(seed * 0x9e3779b97f4a7c15ULL + 29) {
    for (const NetworkZone& z : org.zones) {
      if (z.type != ZoneType::kIp) continue;
      if (!z.gateways.empty() || !z.proxies.empty()) ip_zones_.push_back(&z);
    }
    for (const Group& g : org.groups) groups_.push_back(g.id);
    for (const Policy& p : org.policies) {
      for (const std::string& a : p.mapped_app_ids) apps_.push_back(a);
      for (const std::string& a : p.linked_app_ids) apps_.push_back(a);
      for (const Rule& r : p.rules) {
        if (r.conditions.people) {
          for (const std::string& u : r.conditions.people->users.include) users_.push_back(u);
          for (const std::string& u : r.conditions.people->users.exclude) users_.push_back(u);
        }
        if (r.conditions.identity_provider) {
          for (const std::string& i : r.conditions.identity_provider->idp_ids) idps_.push_back(i);
        }
      }
    }
    if (groups_.empty()) groups_.push_back("00gNone");
    if (apps_.empty()) apps_.push_back("0oaNone");
    users_.push_back("00uNobody");
    idps_.push_back("0oaIdpUnknown");
  }

  IpAddress EdgeOf(const IpRange& r) {
    const absl::uint128 first = r.first.value(), last = r.last.value();
    absl::uint128 v;
    switch (rng_.Below(6)) {
      case 0:
        v = first;
        break;
      case 1:
        v = last;
        break;
      case 2:
        v = first - 1;
        break;
      case 3:
        v = last + 1;
        break;
      default:
        v = first + (last > first ? absl::MakeUint128(0, rng_.Next()) % (last - first + 1) : 0);
    }
    return IpAddress::FromV6(v);
  }

  IpAddress RandomIp() {
    if (!ip_zones_.empty() && rng_.Chance(70)) {
      const NetworkZone& z = *ip_zones_[rng_.Below(ip_zones_.size())];
      const bool gw = z.proxies.empty() || (!z.gateways.empty() && rng_.Chance(60));
      return EdgeOf(Pick(rng_, gw ? z.gateways : z.proxies));
    }
    if (rng_.Chance(80)) return V4(static_cast<uint32_t>(rng_.Next()));
    return IpAddress::FromV6(
        absl::MakeUint128(0x20010db800000000ULL | rng_.Below(1 << 30), rng_.Next()));
  }

  std::vector<IpAddress> Chain() {
    std::vector<IpAddress> chain;  // built right to left, reversed at the end
    const uint64_t kind = rng_.Below(100);
    if (kind < 8) return chain;
    if (kind < 55 || ip_zones_.empty()) {
      for (uint64_t n = 1 + rng_.Below(rng_.Chance(70) ? 2 : 7); n > 0; --n) {
        chain.push_back(RandomIp());
      }
    } else {
      // A walk through one zone: proxies of it on the right, then a gateway,
      // then clients; sometimes a foreign proxy in between.
      const NetworkZone& z = *ip_zones_[rng_.Below(ip_zones_.size())];
      const uint64_t proxies = z.proxies.empty() ? 0 : rng_.Below(6);
      for (uint64_t i = 0; i < proxies; ++i) {
        chain.push_back(rng_.Chance(90) ? EdgeOf(Pick(rng_, z.proxies)) : RandomIp());
      }
      if (!z.gateways.empty() && rng_.Chance(85)) chain.push_back(EdgeOf(Pick(rng_, z.gateways)));
      for (uint64_t n = rng_.Below(3); n > 0; --n) chain.push_back(RandomIp());
      if (chain.empty()) chain.push_back(RandomIp());
      if (chain.size() > 7) chain.resize(7);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  SignOnContext Next(int index) {
    SignOnContext c;
    c.id = absl::StrCat("ctx-", index);
    if (!rng_.Chance(8)) {
      c.user.id = rng_.Chance(40) ? Pick(rng_, users_) : absl::StrCat("00uRandom", rng_.Below(100));
      c.user.login =
          Pick(rng_, std::vector<std::string>{"user1@example.com", "USER1@Example.COM",
                                              "ann@acme.example", "sales-bob@example.com"});
      c.user.status = rng_.Chance(90) ? "ACTIVE" : "SUSPENDED";
      if (rng_.Chance(50)) c.user.type = Id("oty", rng_.Below(2));
      // Directory- and Okta-sourced users get PASSWORD policies, federated
      // and social ones none (issue 18 item 8).
      if (rng_.Chance(30)) {
        c.user.provider =
            Pick(rng_, std::vector<std::string>{"ACTIVE_DIRECTORY", "ACTIVE_DIRECTORY", "LDAP",
                                                "FEDERATION", "SOCIAL"});
      }
      if (rng_.Chance(20)) c.user.provider_id = "0oaAd1";
      for (uint64_t n = rng_.Below(6); n > 0; --n) c.user.groups.push_back(Pick(rng_, groups_));
      if (rng_.Chance(10)) c.user.groups.push_back("00gUnknownGroup");
      if (rng_.Chance(50)) c.user.profile["department"] = rng_.Chance(50) ? "Sales" : "Eng";
    }
    if (rng_.Chance(60)) c.app_id = rng_.Chance(85) ? Pick(rng_, apps_) : "0oaUnmapped";
    c.ip_chain = Chain();
    if (rng_.Chance(70)) {
      ContextGeo g;
      if (rng_.Chance(50)) {
        g.region = Pick(rng_, kRegions);
        g.country = g.region.substr(0, 2);
      } else {
        g.country = Pick(rng_, kCountries);
      }
      if (rng_.Chance(5)) g.country = "us";
      c.geo = g;
    }
    if (rng_.Chance(60)) c.asn = Pick(rng_, kAsns);
    if (rng_.Chance(40)) c.proxy_type = static_cast<ProxyType>(rng_.Below(3));
    if (rng_.Chance(10)) {
      c.ip_service_categories = {
          Pick(rng_, std::vector<std::string>{"VPN_PROVIDER", "NORD_VPN", "oxylabs_proxy",
                                              "ANONYMIZER_TOR", "APPLE_ICLOUD_RELAY_PROXY"})};
    }
    if (rng_.Chance(70)) c.risk_level = static_cast<RiskLevel>(rng_.Below(3));
    for (uint64_t n = rng_.Below(3); n > 0; --n) {
      const Behavior& b = Pick(rng_, org_.behaviors.empty() ? kNoBehaviors : org_.behaviors);
      const uint64_t form = rng_.Below(4);
      c.behaviors.push_back(form == 0   ? b.id
                            : form == 1 ? b.name
                            : form == 2 ? "new ip"
                                        : "Unknown");
    }
    if (rng_.Chance(30))
      c.auth_type = Pick(rng_, std::vector<std::string>{"RADIUS", "radius", "LDAP_INTERFACE"});
    if (rng_.Chance(25)) {
      c.identity_provider_type = "IDP";
      c.identity_provider_id = Pick(rng_, idps_);
    }
    if (rng_.Chance(60)) {
      c.device.platform_type =
          rng_.Chance(50) ? "" : Pick(rng_, std::vector<std::string>{"MOBILE", "DESKTOP", "OTHER"});
      c.device.os_type = Pick(rng_, kOsTypes);
    }
    if (rng_.Chance(50)) c.device.registered = rng_.Chance(50);
    if (rng_.Chance(50)) c.device.managed = rng_.Chance(50);
    if (rng_.Chance(50)) c.device.remembered = rng_.Chance(50);
    if (rng_.Chance(30)) c.device.assurance = {Id("dae", rng_.Below(3))};
    if (rng_.Chance(20)) {
      c.grant_type = "authorization_code";
      c.scopes = {"openid"};
      c.client_id = "0oaClient1";
    }
    // The first user of the vocabulary is an Okta administrator (no draw: the
    // rest of the stream is what it was before user.admin).
    c.user.admin = !users_.empty() && c.user.id == users_.front();
    // Enrolled authenticators (issue 18 item 10) from a stream of their own:
    // a third of the contexts list them; the others leave them to the org's
    // factors.json. (Unknown names, a warning, are the unit tests'.)
    if (authenticator_rng_.Chance(33)) {
      const absl::Span<const AuthenticatorMethodTraits> methods = AuthenticatorMethods();
      std::vector<std::string>& enrolled = c.authenticators.emplace();
      for (uint64_t n = authenticator_rng_.Below(4); n > 0; --n) {
        const AuthenticatorMethodTraits& m = methods[authenticator_rng_.Below(methods.size())];
        enrolled.push_back(authenticator_rng_.Chance(50)
                               ? std::string(m.key)
                               : std::string(m.key) + ":" + std::string(m.method));
      }
    }
    if (rng_.Chance(80)) {
      const absl::Time now =
          absl::FromUnixSeconds(1790000000 + static_cast<int64_t>(rng_.Below(1000000)));
      c.time = now;
      if (rng_.Chance(70)) {
        c.session.last_factor_verification =
            now - absl::Minutes(static_cast<int64_t>(rng_.Below(300)));
      }
    }
    return c;
  }

 private:
  static inline const std::vector<Behavior> kNoBehaviors = {Behavior{"abhNone", "None", "", true}};
  const Snapshot& org_;
  Rng rng_;
  Rng authenticator_rng_;
  std::vector<const NetworkZone*> ip_zones_;
  std::vector<std::string> groups_, apps_, users_, idps_;
};

// ------------------------------------------------------------ JSON

std::string V4Text(uint32_t v) {
  return absl::StrFormat("%d.%d.%d.%d", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

// An address entry: a CIDR when the range is an aligned block (with host
// bits sometimes set, which the loader masks), a RANGE otherwise.
Json AddressJson(const IpRange& r, Rng& rng) {
  const absl::uint128 first = r.first.value(), last = r.last.value();
  const absl::uint128 size = last - first + 1;
  const bool v4 = r.first.is_v4() && r.last.is_v4();
  const bool pow2 = size != 0 && (size & (size - 1)) == 0 && (first & (size - 1)) == 0;
  if (pow2) {
    int bits = 0;
    while ((absl::uint128(1) << bits) != size) ++bits;
    const absl::uint128 shown = rng.Chance(20) ? first + (size > 1 ? 1 : 0) : first;
    if (v4) {
      const uint32_t a = static_cast<uint32_t>(absl::Uint128Low64(shown));
      if (rng.Chance(10)) {
        return {{"type", "CIDR"}, {"value", absl::StrCat("::ffff:", V4Text(a), "/", 128 - bits)}};
      }
      return {{"type", "CIDR"}, {"value", absl::StrCat(V4Text(a), "/", 32 - bits)}};
    }
    return {{"type", "CIDR"},
            {"value", absl::StrCat(IpAddress::FromV6(shown).ToString(), "/", 128 - bits)}};
  }
  return {{"type", "RANGE"}, {"value", absl::StrCat(r.first.ToString(), "-", r.last.ToString())}};
}

Json IdListJson(const IdList& l) { return {{"include", l.include}, {"exclude", l.exclude}}; }

Json LocationsJson(const std::vector<ZoneLocation>& locs) {
  Json a = Json::array();
  for (const ZoneLocation& l : locs) {
    Json j = {{"country", l.country}};
    j["region"] = l.region.empty() ? Json(nullptr) : Json(l.region);
    a.push_back(j);
  }
  return a;
}

Json ZoneJson(const NetworkZone& z, Rng& rng) {
  Json j;
  j["type"] = z.type == ZoneType::kIp        ? "IP"
              : z.type == ZoneType::kDynamic ? "DYNAMIC"
                                             : "DYNAMIC_V2";
  j["id"] = z.id;
  j["name"] = z.name;
  j["status"] = z.active ? "ACTIVE" : "INACTIVE";
  j["usage"] = z.usage == ZoneUsage::kPolicy ? "POLICY" : "BLOCKLIST";
  j["system"] = z.system;
  if (z.use_as_exempt_list.has_value()) j["useAsExemptList"] = *z.use_as_exempt_list;
  if (z.type == ZoneType::kIp) {
    Json g = Json::array(), p = Json::array();
    for (const IpRange& r : z.gateways) g.push_back(AddressJson(r, rng));
    for (const IpRange& r : z.proxies) p.push_back(AddressJson(r, rng));
    j["gateways"] = g.empty() ? Json(nullptr) : g;
    j["proxies"] = p.empty() ? Json(nullptr) : p;
    return j;
  }
  static const char* kProxy[] = {nullptr, "Any", "TorAnonymizer", "NotTorAnonymizer"};
  const Json proxy = z.proxy_type == ZoneProxyCriterion::kNoConstraint
                         ? Json(nullptr)
                         : Json(kProxy[static_cast<int>(z.proxy_type)]);
  if (z.type == ZoneType::kDynamic) {
    j["locations"] = LocationsJson(z.locations);
    j["asns"] = z.asns;
    j["proxyType"] = proxy;
  } else {
    j["locations"] = {{"include", LocationsJson(z.locations)},
                      {"exclude", LocationsJson(z.locations_exclude)}};
    j["asns"] = {{"include", z.asns}, {"exclude", z.asns_exclude}};
    j["ipServiceCategories"] = {{"include", z.ip_service_categories},
                                {"exclude", z.ip_service_categories_exclude}};
  }
  return j;
}

Json PlatformEntriesJson(const std::vector<PlatformEntry>& entries) {
  Json a = Json::array();
  for (const PlatformEntry& e : entries) {
    Json os = {{"type", e.os_type}};
    if (!e.os_expression.empty()) os["expression"] = e.os_expression;
    a.push_back({{"type", e.type}, {"os", os}});
  }
  return a;
}

Json DeviceJson(const DeviceCondition& d) {
  Json j = Json::object();
  if (d.registered) j["registered"] = *d.registered;
  if (d.managed) j["managed"] = *d.managed;
  if (!d.assurance_include.empty()) j["assurance"] = {{"include", d.assurance_include}};
  return j;
}

Json ConditionsJson(const Conditions& c) {
  Json j = Json::object();
  if (c.people) {
    j["people"] = {{"users", IdListJson(c.people->users)},
                   {"groups", IdListJson(c.people->groups)}};
  }
  if (c.users) j["users"] = IdListJson(*c.users);
  if (c.groups) j["groups"] = IdListJson(*c.groups);
  if (c.network) {
    static const char* kConn[] = {"ANYWHERE", "ZONE", "ON_NETWORK", "OFF_NETWORK"};
    Json n = {{"connection", kConn[static_cast<int>(c.network->connection)]}};
    if (!c.network->include.empty()) n["include"] = c.network->include;
    if (!c.network->exclude.empty()) n["exclude"] = c.network->exclude;
    j["network"] = n;
  }
  if (c.auth_context) j["authContext"] = {{"authType", c.auth_context->auth_type}};
  if (c.risk) j["risk"] = {{"behaviors", c.risk->behaviors}};
  if (c.risk_score) {
    Json r = Json::object();
    r["level"] = c.risk_score->level ? std::string(RiskLevelName(*c.risk_score->level)) : "ANY";
    if (c.risk_score->min_risk_level) {
      r["minRiskLevel"] = std::string(RiskLevelName(*c.risk_score->min_risk_level));
    }
    j["riskScore"] = r;
  }
  if (c.identity_provider) {
    Json i = {{"provider", c.identity_provider->provider}};
    if (!c.identity_provider->idp_ids.empty()) i["idpIds"] = c.identity_provider->idp_ids;
    j["identityProvider"] = i;
  }
  if (c.auth_provider) {
    j["authProvider"] = {{"provider", c.auth_provider->provider},
                         {"include", c.auth_provider->include}};
  }
  if (c.user_status) j["userStatus"] = {{"value", c.user_status->value}};
  if (c.platform) {
    j["platform"] = {{"include", PlatformEntriesJson(c.platform->include)},
                     {"exclude", PlatformEntriesJson(c.platform->exclude)}};
  }
  if (c.device) j["device"] = DeviceJson(*c.device);
  if (c.user_identifier) {
    Json u = {{"type", c.user_identifier->type}};
    if (!c.user_identifier->attribute.empty()) u["attribute"] = c.user_identifier->attribute;
    Json p = Json::array();
    for (const auto& pat : c.user_identifier->patterns) {
      p.push_back({{"matchType", pat.match_type}, {"value", pat.value}});
    }
    u["patterns"] = p;
    j["userIdentifier"] = u;
  }
  if (c.app) {
    auto refs = [](const std::vector<AppRef>& v) {
      Json a = Json::array();
      for (const AppRef& r : v) {
        Json x = {{"type", r.type}};
        if (!r.id.empty()) x["id"] = r.id;
        if (!r.name.empty()) x["name"] = r.name;
        a.push_back(x);
      }
      return a;
    };
    j["app"] = {{"include", refs(c.app->include)}, {"exclude", refs(c.app->exclude)}};
  }
  if (c.apps) j["apps"] = IdListJson(*c.apps);
  if (c.user_type) j["userType"] = IdListJson(*c.user_type);
  if (c.el_condition) j["elCondition"] = {{"condition", c.el_condition->condition}};
  if (c.grant_types) j["grantTypes"] = IdListJson(*c.grant_types);
  if (c.scopes) j["scopes"] = IdListJson(*c.scopes);
  if (c.clients) j["clients"] = IdListJson(*c.clients);
  for (const std::string& k : c.unknown_keys) j[k] = {{"someField", true}};
  return j;
}

Json RuleJson(const Rule& r) {
  Json j;
  j["id"] = r.id;
  j["status"] = r.active ? "ACTIVE" : "INACTIVE";
  j["name"] = r.name;
  j["priority"] = r.priority ? Json(*r.priority) : Json(nullptr);
  j["system"] = r.system;
  j["type"] = r.type;
  j["conditions"] = r.conditions_null ? Json(nullptr) : ConditionsJson(r.conditions);
  Json actions = Json::parse(r.actions_json.empty() ? "{}" : r.actions_json, nullptr, false);
  j["actions"] = actions.is_discarded() ? Json::object() : actions;
  return j;
}

Json PolicyJson(const Policy& p, bool embed_rules) {
  Json j;
  j["type"] = std::string(PolicyTypeName(p.type));
  j["id"] = p.id;
  j["status"] = p.active ? "ACTIVE" : "INACTIVE";
  j["name"] = p.name;
  j["description"] = nullptr;
  j["priority"] = p.priority ? Json(*p.priority) : Json(nullptr);
  j["system"] = p.system;
  if (!p.enrollment_settings.empty()) {
    Json authenticators = Json::array();
    for (const EnrollmentSetting& e : p.enrollment_settings) {
      authenticators.push_back({{"key", e.key}, {"enroll", {{"self", e.self}}}});
    }
    j["settings"] = {{"type", "AUTHENTICATORS"}, {"authenticators", authenticators}};
  }
  const Json conditions = ConditionsJson(p.conditions);
  j["conditions"] = conditions.empty() ? Json(nullptr) : conditions;
  if (embed_rules) {
    Json rules = Json::array();
    for (const Rule& r : p.rules) rules.push_back(RuleJson(r));
    j["_embedded"] = {{"rules", rules}};
    if (!p.mapped_app_ids.empty()) j["mappedAppIds"] = p.mapped_app_ids;
    if (!p.linked_app_ids.empty()) j["linkedAppIds"] = p.linked_app_ids;
  }
  return j;
}

absl::Status WriteFile(const std::filesystem::path& path, const Json& j) {
  std::ofstream out(path);
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  out << j.dump(1) << "\n";
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

// apps.json: Application objects as GET /api/v1/apps returns them (the
// fields policy selection reads, and `_links.accessPolicy`).
Json AppsJson(const Snapshot& org) {
  Json apps = Json::array();
  for (const Application& a : org.apps) {
    Json j = {{"id", a.id},
              {"name", a.name},
              {"label", a.label},
              {"status", a.active ? "ACTIVE" : "INACTIVE"},
              {"signOnMode", "OPENID_CONNECT"}};
    Json links = Json::object();
    if (!a.access_policy_href.empty()) links["accessPolicy"] = {{"href", a.access_policy_href}};
    j["_links"] = links;
    apps.push_back(j);
  }
  return apps;
}

// idps.json: Identity Provider objects as GET /api/v1/idps returns them (the
// fields routing reads).
Json IdpsJson(const Snapshot& org) {
  Json idps = Json::array();
  for (const IdentityProvider& idp : org.idps) {
    idps.push_back({{"id", idp.id},
                    {"type", idp.type},
                    {"name", idp.name},
                    {"status", idp.active ? "ACTIVE" : "INACTIVE"},
                    {"protocol", {{"type", idp.protocol_type}}}});
  }
  return idps;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

OrgOptions BenchOrgOptions(int rules, uint64_t seed) {
  OrgOptions o;
  o.rules_per_policy = 5;
  o.policies = std::max(1, rules / 5 - 4);  // the default policies bring the rest
  o.cidrs = 10 * rules;
  o.zones = std::max(8, rules / 10);
  o.groups = std::max(4, rules / 20);
  o.seed = seed;
  return o;
}

Snapshot GenerateOrg(const OrgOptions& options) { return OrgGenerator(options).Run(); }

std::vector<SignOnContext> GenerateContexts(const Snapshot& org, int count, uint64_t seed) {
  ContextGenerator gen(org, seed);
  std::vector<SignOnContext> out;
  out.reserve(std::max(0, count));
  for (int i = 0; i < count; ++i) out.push_back(gen.Next(i));
  return out;
}

void ToZoneForm(const Snapshot& org, uint64_t seed, SignOnContext* context) {
  Rng rng(seed);
  context->ip_chain.clear();
  context->zones.emplace();
  for (uint64_t n = rng.Below(4); n > 0 && !org.zones.empty(); --n) {
    context->zones->push_back(org.zones[rng.Below(org.zones.size())].id);
  }
  if (rng.Chance(10)) context->zones->push_back("nzoNotInThisOrg");
}

absl::Status WriteSnapshotDir(const Snapshot& org, const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(directory) / "policies", ec);
  fs::create_directories(fs::path(directory) / "rules", ec);
  fs::create_directories(fs::path(directory) / "policy-mappings", ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot create ", directory, ": ", ec.message()));
  Rng rng(0x1234);
  const fs::path dir(directory);
  absl::Status s = WriteFile(dir / "manifest.json", Json{{"formatVersion", 1},
                                                         {"org", org.manifest.org},
                                                         {"pulledAt", "2026-01-01T00:00:00Z"},
                                                         {"source", "synth"}});
  if (!s.ok()) return s;
  Json zones = Json::array();
  for (const NetworkZone& z : org.zones) zones.push_back(ZoneJson(z, rng));
  if (s = WriteFile(dir / "zones.json", zones); !s.ok()) return s;
  std::map<std::string, Json> by_type;
  for (const Policy& p : org.policies) {
    Json& list = by_type[std::string(PolicyTypeName(p.type))];
    if (list.is_null()) list = Json::array();
    list.push_back(PolicyJson(p, false));
    Json rules = Json::array();
    for (const Rule& r : p.rules) rules.push_back(RuleJson(r));
    if (s = WriteFile(dir / "rules" / (p.id + ".json"), rules); !s.ok()) return s;
    if (!p.mapped_app_ids.empty()) {
      Json mappings = Json::array();
      for (const std::string& app : p.mapped_app_ids) {
        mappings.push_back(
            {{"id", absl::StrCat("rsm", app)},
             {"_links",
              {{"application",
                {{"name", app},
                 {"href", absl::StrCat("https://synth.okta.com/api/v1/apps/", app)}}}}}});
      }
      if (s = WriteFile(dir / "policy-mappings" / (p.id + ".json"), mappings); !s.ok()) return s;
    }
  }
  for (const auto& [type, list] : by_type) {
    if (s = WriteFile(dir / "policies" / (type + ".json"), list); !s.ok()) return s;
  }
  Json behaviors = Json::array();
  for (const Behavior& b : org.behaviors) {
    behaviors.push_back({{"id", b.id},
                         {"name", b.name},
                         {"type", b.type},
                         {"status", b.active ? "ACTIVE" : "INACTIVE"}});
  }
  if (s = WriteFile(dir / "behaviors.json", behaviors); !s.ok()) return s;
  if (org.has_apps_file) {
    if (s = WriteFile(dir / "apps.json", AppsJson(org)); !s.ok()) return s;
  }
  if (org.has_idps_file) {
    if (s = WriteFile(dir / "idps.json", IdpsJson(org)); !s.ok()) return s;
  }
  // users/<id>/factors.json as Okta lists factors (the password, implied by
  // the loader, is not listed).
  for (const auto& [user, enrolled] : org.user_factors) {
    Json factors = Json::array();
    for (const std::string& e : enrolled) {
      for (const UserFactorType& row : UserFactorTypes()) {
        if (row.enrollment != e || row.factor_type == "password") continue;
        factors.push_back({{"id", absl::StrCat("fac", factors.size())},
                           {"factorType", row.factor_type},
                           {"provider", row.provider},
                           {"status", "ACTIVE"}});
        break;
      }
    }
    fs::create_directories(dir / "users" / user, ec);
    if (s = WriteFile(dir / "users" / user / "factors.json", factors); !s.ok()) return s;
  }
  Json groups = Json::array();
  for (const Group& g : org.groups) {
    groups.push_back({{"id", g.id}, {"type", g.type}, {"profile", {{"name", g.name}}}});
  }
  return WriteFile(dir / "groups.json", groups);
}

std::string ContextToJson(const SignOnContext& c) {
  Json j;
  j["id"] = c.id;
  if (!c.app_id.empty()) j["app"] = {{"id", c.app_id}};
  if (c.has_user()) {
    Json u = {{"id", c.user.id},
              {"login", c.user.login},
              {"provider", c.user.provider},
              {"groups", c.user.groups}};
    if (!c.user.status.empty()) u["status"] = c.user.status;
    if (!c.user.type.empty()) u["type"] = c.user.type;
    if (!c.user.provider_id.empty()) u["providerId"] = c.user.provider_id;
    if (c.user.admin) u["admin"] = true;
    if (!c.user.profile.empty()) {
      Json profile = Json::object();
      for (const auto& [key, value] : c.user.profile) {
        profile[key] = value.type == ProfileValue::Type::kString
                           ? Json(value.text)
                           : Json::parse(value.text, nullptr, /*allow_exceptions=*/false);
      }
      u["profile"] = std::move(profile);
    }
    j["user"] = u;
  }
  Json chain = Json::array();
  for (size_t i = 0; i < c.ip_chain.size(); ++i) {
    const IpAddress ip = c.ip_chain[i];
    // Every third IPv4 address is written in its IPv4-mapped IPv6 form.
    chain.push_back(ip.is_v4() && i % 3 == 2 ? absl::StrCat("::ffff:", ip.ToString())
                                             : ip.ToString());
  }
  if (!chain.empty()) j["ipChain"] = chain;
  if (c.zones) j["zones"] = *c.zones;
  if (c.geo) {
    Json g = {{"country", c.geo->country}};
    if (!c.geo->region.empty()) g["region"] = c.geo->region;
    j["geo"] = g;
  }
  if (c.asn) j["asn"] = *c.asn;
  if (c.proxy_type) {
    j["proxyType"] = *c.proxy_type == ProxyType::kNone  ? Json(nullptr)
                     : *c.proxy_type == ProxyType::kTor ? Json("TOR")
                                                        : Json("ANONYMIZER");
  }
  Json device = Json::object();
  if (!c.device.platform_type.empty() || !c.device.os_type.empty()) {
    Json p = Json::object();
    if (!c.device.platform_type.empty()) p["type"] = c.device.platform_type;
    if (!c.device.os_type.empty()) p["os"] = c.device.os_type;
    device["platform"] = p;
  }
  if (c.device.registered) device["registered"] = *c.device.registered;
  if (c.device.managed) device["managed"] = *c.device.managed;
  if (c.device.remembered) device["remembered"] = *c.device.remembered;
  if (!c.device.assurance.empty()) device["assurance"] = c.device.assurance;
  if (!device.empty()) j["device"] = device;
  if (c.risk_level) j["risk"] = {{"level", std::string(RiskLevelName(*c.risk_level))}};
  if (!c.behaviors.empty()) j["behaviors"] = c.behaviors;
  j["authType"] = c.auth_type;
  if (c.identity_provider_type == "OKTA") {
    j["identityProvider"] = {{"type", "OKTA"}};
  } else {
    j["identityProvider"] = {{"type", c.identity_provider_type}, {"id", c.identity_provider_id}};
  }
  if (c.session.last_factor_verification) {
    j["session"] = {{"lastFactorVerification", TimeText(*c.session.last_factor_verification)}};
  }
  if (c.time) j["time"] = TimeText(*c.time);
  if (c.authenticators) j["authenticators"] = *c.authenticators;
  return j.dump();
}

std::string SnapshotToJson(const Snapshot& org) {
  Rng rng(0x1234);
  Json j;
  Json zones = Json::array();
  for (const NetworkZone& z : org.zones) zones.push_back(ZoneJson(z, rng));
  j["zones"] = zones;
  Json policies = Json::array();
  for (const Policy& p : org.policies) policies.push_back(PolicyJson(p, true));
  j["policies"] = policies;
  Json behaviors = Json::array();
  for (const Behavior& b : org.behaviors) {
    behaviors.push_back(
        {{"id", b.id}, {"name", b.name}, {"status", b.active ? "ACTIVE" : "INACTIVE"}});
  }
  j["behaviors"] = behaviors;
  Json groups = Json::array();
  for (const Group& g : org.groups)
    groups.push_back({{"id", g.id}, {"name", g.name}, {"type", g.type}});
  j["groups"] = groups;
  j["apps"] = AppsJson(org);
  j["idps"] = IdpsJson(org);
  return j.dump(1);
}

Snapshot ShrinkOrg(const Snapshot& org, const std::vector<std::string>& policy_ids,
                   const SignOnContext& context) {
  Snapshot out;
  out.directory = org.directory;
  out.manifest = org.manifest;
  out.behaviors = org.behaviors;
  out.groups = org.groups;
  out.has_behaviors_file = org.has_behaviors_file;
  out.has_groups_file = org.has_groups_file;
  out.has_apps_file = org.has_apps_file;
  out.idps = org.idps;
  out.has_idps_file = org.has_idps_file;
  std::set<std::string> zone_ids;
  auto note_zones = [&](const Conditions& c) {
    if (!c.network) return;
    for (const std::string& id : c.network->include) zone_ids.insert(id);
    for (const std::string& id : c.network->exclude) zone_ids.insert(id);
  };
  bool all_zones = false;
  for (const Policy& p : org.policies) {
    if (std::find(policy_ids.begin(), policy_ids.end(), p.id) == policy_ids.end()) continue;
    out.policies.push_back(p);
    note_zones(p.conditions);
    for (const Rule& r : p.rules) note_zones(r.conditions);
  }
  // A link that did not bind the app in `org` (a mapping won) or whose policy
  // is gone would bind it differently once the reproducer is loaded: dropped.
  for (Application app : org.apps) {
    const Policy* linked = out.FindPolicy(app.access_policy_id);
    if (linked == nullptr || std::find(linked->linked_app_ids.begin(), linked->linked_app_ids.end(),
                                       app.id) == linked->linked_app_ids.end()) {
      app.access_policy_id.clear();
      app.access_policy_href.clear();
    }
    out.apps.push_back(std::move(app));
  }
  all_zones = zone_ids.count(std::string(kAllZones)) > 0;
  for (const NetworkZone& z : org.zones) {
    bool keep = z.system || z.usage == ZoneUsage::kBlocklist || zone_ids.count(z.id) > 0 ||
                (all_zones && z.usage == ZoneUsage::kPolicy) || z.type != ZoneType::kIp;
    if (context.zones) {
      keep = keep ||
             std::find(context.zones->begin(), context.zones->end(), z.id) != context.zones->end();
    }
    for (const IpAddress& ip : context.ip_chain) {
      for (const auto* list : {&z.gateways, &z.proxies}) {
        for (const IpRange& r : *list) keep = keep || r.Contains(ip);
      }
    }
    if (keep) out.zones.push_back(z);
  }
  return out;
}

}  // namespace verdict::synth
