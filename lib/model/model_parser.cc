#include "lib/model/model_parser.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "verdict/ip_address.h"

namespace verdict::model_internal {
namespace {

using model_internal::Av;

std::string Upper(std::string_view s) {
  return absl::AsciiStrToUpper(absl::string_view(s.data(), s.size()));
}

bool IEquals(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// ---------------------------------------------------------------- zones

// `gateways` / `proxies`: [{"type": "CIDR"|"RANGE", "value": "..."}] or null.
void ParseAddresses(Walker& w, const Json& zone, std::string_view key, const std::string& ptr,
                    std::vector<IpRange>* out) {
  const Json* list = w.Array(zone, key, ptr);
  if (list == nullptr) return;
  const std::string base = Ptr(ptr, key);
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string p = Ptr(base, i);
    if (!w.ExpectObject(entry, p)) continue;
    std::string type;
    std::string value;
    const bool have_type = w.Require(entry, "type", p) && w.String(entry, "type", p, &type);
    const bool have_value = w.Require(entry, "value", p) && w.String(entry, "value", p, &value);
    if (!have_type || !have_value) continue;
    absl::StatusOr<IpRange> range;
    std::string_view code;
    if (IEquals(type, "CIDR")) {
      range = ParseCidr(value);
      code = "zone.bad_cidr";
    } else if (IEquals(type, "RANGE")) {
      range = ParseIpRange(value);
      code = "zone.bad_range";
    } else {
      w.Error("zone.bad_address_type", Ptr(p, "type"),
              absl::StrCat("unknown address type ", Quoted(type), " (expected CIDR or RANGE)"));
      continue;
    }
    if (!range.ok()) {
      w.Error(code, Ptr(p, "value"), std::string(range.status().message()));
      continue;
    }
    out->push_back(*range);
  }
}

bool IsAsciiAlpha2(std::string_view s) {
  return s.size() == 2 && absl::ascii_isalpha(static_cast<unsigned char>(s[0])) &&
         absl::ascii_isalpha(static_cast<unsigned char>(s[1]));
}

// {"country": "US", "region": "US-CA" | "CA" | null}
bool ParseLocation(Walker& w, const Json& value, const std::string& p, ZoneLocation* out) {
  if (!w.ExpectObject(value, p)) return false;
  std::string country;
  std::string region;
  if (!w.String(value, "country", p, &country) || !w.String(value, "region", p, &region)) {
    return false;
  }
  country = Upper(country);
  if (country.empty() && region.find('-') != std::string::npos) {
    country = Upper(region.substr(0, region.find('-')));
  }
  if (country.empty()) {
    w.Error("zone.bad_location", p, "a location needs a \"country\"");
    return false;
  }
  if (!IsAsciiAlpha2(country)) {
    w.Error("zone.bad_location", Ptr(p, "country"),
            absl::StrCat("invalid country code ", Quoted(country),
                         " (expected ISO 3166-1 alpha-2, e.g. \"US\")"));
    return false;
  }
  out->country = country;
  out->region = NormalizeRegion(country, region);
  if (!out->region.empty() && !absl::StartsWith(out->region, country + "-")) {
    w.Warning("zone.region_country_mismatch", Ptr(p, "region"),
              absl::StrCat("region ", Quoted(out->region), " is not in country ", Quoted(country)));
  }
  return true;
}

void ParseLocationList(Walker& w, const Json& list, const std::string& p,
                       std::vector<ZoneLocation>* out) {
  if (!w.ExpectArray(list, p)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    ZoneLocation loc;
    if (ParseLocation(w, list[i], Ptr(p, i), &loc)) out->push_back(std::move(loc));
  }
}

void ParseAsnList(Walker& w, const Json& list, const std::string& p, std::vector<uint32_t>* out) {
  if (!w.ExpectArray(list, p)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    uint32_t asn = 0;
    if (ParseAsn(w, list[i], Ptr(p, i), &asn)) out->push_back(asn);
  }
}

void ParseUpperStringList(Walker& w, const Json& list, const std::string& p,
                          std::vector<std::string>* out) {
  if (!w.ExpectArray(list, p)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string s;
    if (w.StringValue(list[i], Ptr(p, i), &s)) out->push_back(Upper(s));
  }
}

// DYNAMIC_V2 `{include: [...], exclude: [...]}`; Okta's own default zone
// spells the second key "exclue", which is read as "exclude" with a warning.
template <typename ParseList>
void ParseIncludeExclude(Walker& w, const Json& zone, std::string_view key, const std::string& ptr,
                         ParseList parse_list) {
  const Json* obj = w.Object(zone, key, ptr);
  if (obj == nullptr) return;
  const std::string p = Ptr(ptr, key);
  if (Walker::Has(*obj, "include")) parse_list(obj->at("include"), Ptr(p, "include"), true);
  if (Walker::Has(*obj, "exclude")) parse_list(obj->at("exclude"), Ptr(p, "exclude"), false);
  if (obj->contains("exclue")) {
    w.Warning("zone.misspelled_exclude", Ptr(p, "exclue"),
              "\"exclue\" read as \"exclude\" (a misspelling found in Okta's own payloads)");
    if (Walker::Has(*obj, "exclue")) parse_list(obj->at("exclue"), Ptr(p, "exclue"), false);
  }
}

void ParseProxyType(Walker& w, const Json& zone, const std::string& ptr, ZoneProxyCriterion* out) {
  std::string text;
  if (!w.String(zone, "proxyType", ptr, &text)) return;
  if (text.empty()) {
    *out = ZoneProxyCriterion::kNoConstraint;
  } else if (IEquals(text, "Any")) {
    *out = ZoneProxyCriterion::kAny;
  } else if (IEquals(text, "Tor") || IEquals(text, "TorAnonymizer")) {
    *out = ZoneProxyCriterion::kTor;
  } else if (IEquals(text, "NotTorAnonymizer")) {
    *out = ZoneProxyCriterion::kNotTorAnonymizer;
  } else {
    w.Error("zone.bad_proxy_type", Ptr(ptr, "proxyType"),
            absl::StrCat("unknown proxyType ", Quoted(text),
                         " (expected null, \"\", Any, Tor, TorAnonymizer or NotTorAnonymizer)"));
  }
}

// ---------------------------------------------------------------- conditions

void ParseIdList(Walker& w, const Json& obj, const std::string& p, IdList* out) {
  if (!w.ExpectObject(obj, p)) return;
  w.StringList(obj, "include", p, &out->include);
  w.StringList(obj, "exclude", p, &out->exclude);
}

void ParseDuration(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                   std::optional<DurationSpec>* out, std::string* status = nullptr) {
  const Json* d = w.Object(obj, key, p);
  if (d == nullptr) return;
  const std::string dp = Ptr(p, key);
  DurationSpec spec;
  std::optional<int64_t> number;
  w.Int(*d, "number", dp, &number);
  spec.number = number.value_or(0);
  w.String(*d, "unit", dp, &spec.unit);
  if (status != nullptr) w.String(*d, "lifecycleStatus", dp, status);
  *out = spec;
}

void ParsePeople(Walker& w, const Json& obj, const std::string& p, PeopleCondition* out) {
  if (!w.ExpectObject(obj, p)) return;
  if (const Json* users = w.Object(obj, "users", p)) {
    const std::string up = Ptr(p, "users");
    ParseIdList(w, *users, up, &out->users);
    UserLifecycleConditions& lc = out->lifecycle;
    ParseDuration(w, *users, "inactivity", up, &lc.inactivity);
    ParseDuration(w, *users, "passwordExpiration", up, &lc.password_expiration);
    ParseDuration(w, *users, "lifecycleExpiration", up, &lc.lifecycle_expiration,
                  &lc.lifecycle_expiration_status);
    if (const Json* attr = w.Object(*users, "userLifecycleAttribute", up)) {
      const std::string ap = Ptr(up, "userLifecycleAttribute");
      w.String(*attr, "attributeName", ap, &lc.user_lifecycle_attribute_name);
      w.String(*attr, "matchingValue", ap, &lc.user_lifecycle_attribute_value);
    }
  }
  if (const Json* groups = w.Object(obj, "groups", p)) {
    ParseIdList(w, *groups, Ptr(p, "groups"), &out->groups);
  }
}

void ParseNetwork(Walker& w, const Json& obj, const std::string& p, NetworkCondition* out) {
  if (!w.ExpectObject(obj, p)) return;
  const bool have_connection = Walker::Has(obj, "connection");
  w.Enum<NetworkConnection>(obj, "connection", p,
                            {{"ANYWHERE", NetworkConnection::kAnywhere},
                             {"ZONE", NetworkConnection::kZone},
                             {"ON_NETWORK", NetworkConnection::kOnNetwork},
                             {"OFF_NETWORK", NetworkConnection::kOffNetwork}},
                            /*ignore_case=*/true, &out->connection);
  w.StringList(obj, "include", p, &out->include);
  w.StringList(obj, "exclude", p, &out->exclude);
  const bool has_zones = !out->include.empty() || !out->exclude.empty();
  if (!have_connection && has_zones) {
    out->connection = NetworkConnection::kZone;
    w.Warning("condition.network_connection_missing", p,
              "\"connection\" is missing; read as ZONE because include/exclude are given");
  }
  if (out->connection == NetworkConnection::kZone && !has_zones) {
    w.Error("condition.zone_without_zones", p,
            "connection ZONE needs a non-empty \"include\" or \"exclude\" list");
  }
}

std::string OsType(std::string_view os) {
  std::string u = Upper(os);
  return u == "OSX" ? std::string("MACOS") : u;
}

void ParsePlatformEntries(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                          std::vector<PlatformEntry>* out) {
  const Json* list = w.Array(obj, key, p);
  if (list == nullptr) return;
  const std::string lp = Ptr(p, key);
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string ep = Ptr(lp, i);
    const Json& e = (*list)[i];
    if (!w.ExpectObject(e, ep)) continue;
    PlatformEntry entry;
    w.String(e, "type", ep, &entry.type);
    entry.type = Upper(entry.type);
    if (const Json* os = w.Object(e, "os", ep)) {
      const std::string op = Ptr(ep, "os");
      w.String(*os, "type", op, &entry.os_type);
      entry.os_type = OsType(entry.os_type);
      w.String(*os, "expression", op, &entry.os_expression);
      if (const Json* version = w.Object(*os, "version", op)) {
        const std::string vp = Ptr(op, "version");
        w.String(*version, "matchType", vp, &entry.os_version_match_type);
        w.String(*version, "value", vp, &entry.os_version_value);
      }
    }
    out->push_back(std::move(entry));
  }
}

void ParseDevice(Walker& w, const Json& obj, const std::string& p, DeviceCondition* out) {
  if (!w.ExpectObject(obj, p)) return;
  w.Bool(obj, "registered", p, &out->registered);
  w.Bool(obj, "managed", p, &out->managed);
  if (const Json* assurance = w.Object(obj, "assurance", p)) {
    w.StringList(*assurance, "include", Ptr(p, "assurance"), &out->assurance_include);
  }
  w.Bool(obj, "migrated", p, &out->migrated);
  w.Bool(obj, "rooted", p, &out->rooted);
  w.String(obj, "trustLevel", p, &out->trust_level);
  out->trust_level = Upper(out->trust_level);
  if (const Json* platform = w.Object(obj, "platform", p)) {
    const std::string pp = Ptr(p, "platform");
    w.StringList(*platform, "types", pp, &out->platform_types);
    w.StringList(*platform, "supportedMDMFrameworks", pp, &out->supported_mdm_frameworks);
  }
}

void ParseUserIdentifier(Walker& w, const Json& obj, const std::string& p,
                         UserIdentifierCondition* out) {
  if (!w.ExpectObject(obj, p)) return;
  w.String(obj, "type", p, &out->type);
  w.String(obj, "attribute", p, &out->attribute);
  const Json* patterns = w.Array(obj, "patterns", p);
  if (patterns == nullptr) return;
  const std::string lp = Ptr(p, "patterns");
  for (size_t i = 0; i < patterns->size(); ++i) {
    const std::string ep = Ptr(lp, i);
    if (!w.ExpectObject((*patterns)[i], ep)) continue;
    UserIdentifierPattern pattern;
    w.String((*patterns)[i], "matchType", ep, &pattern.match_type);
    w.String((*patterns)[i], "value", ep, &pattern.value);
    out->patterns.push_back(std::move(pattern));
  }
}

void ParseAppRefs(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                  std::vector<AppRef>* out) {
  const Json* list = w.Array(obj, key, p);
  if (list == nullptr) return;
  const std::string lp = Ptr(p, key);
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string ep = Ptr(lp, i);
    if (!w.ExpectObject((*list)[i], ep)) continue;
    AppRef ref;
    w.String((*list)[i], "type", ep, &ref.type);
    w.String((*list)[i], "id", ep, &ref.id);
    w.String((*list)[i], "name", ep, &ref.name);
    out->push_back(std::move(ref));
  }
}

// "ANY" (any case) → nullopt; LOW/MEDIUM/HIGH; anything else an error.
void ParseRiskLevelField(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                         std::optional<RiskLevel>* out) {
  std::string text;
  if (!w.String(obj, key, p, &text) || !Walker::Has(obj, key)) return;
  if (IEquals(text, "ANY")) {
    *out = std::nullopt;
    return;
  }
  *out = ParseRiskLevel(text);
  if (!out->has_value()) {
    w.Error("json.bad_value", Ptr(p, key),
            absl::StrCat("unknown risk level ", Quoted(text),
                         " (expected one of ANY, LOW, MEDIUM, HIGH)"));
  }
}

template <typename T, typename F>
void Typed(Walker& w, const Json& obj, const std::string& p, std::optional<T>* out, F parse) {
  if (!w.ExpectObject(obj, p)) return;
  T value;
  parse(value);
  *out = std::move(value);
}

// ---------------------------------------------------------------- actions

constexpr std::pair<std::string_view, Access> kAccessNames[] = {
    {"ALLOW", Access::kAllow}, {"DENY", Access::kDeny}, {"CHALLENGE", Access::kChallenge}};

void ParseSignOnAction(Walker& w, const Json& obj, const std::string& p, SignOnAction* out) {
  w.Enum<Access>(obj, "access", p, kAccessNames, /*ignore_case=*/true, &out->access);
  w.Bool(obj, "requireFactor", p, &out->require_factor);
  w.Enum<FactorPromptMode>(obj, "factorPromptMode", p,
                           {{"ALWAYS", FactorPromptMode::kAlways},
                            {"DEVICE", FactorPromptMode::kDevice},
                            {"SESSION", FactorPromptMode::kSession}},
                           /*ignore_case=*/true, &out->factor_prompt_mode);
  w.Int(obj, "factorLifetime", p, &out->factor_lifetime_minutes);
  w.Bool(obj, "rememberDeviceByDefault", p, &out->remember_device_by_default);
  w.String(obj, "primaryFactor", p, &out->primary_factor);
  if (const Json* session = w.Object(obj, "session", p)) {
    const std::string sp = Ptr(p, "session");
    w.Int(*session, "maxSessionIdleMinutes", sp, &out->max_session_idle_minutes);
    w.Int(*session, "maxSessionLifetimeMinutes", sp, &out->max_session_lifetime_minutes);
    w.Bool(*session, "usePersistentCookie", sp, &out->use_persistent_cookie);
  }
}

// IDP_DISCOVERY `actions.idp`: the providers, SPECIFIC or DYNAMIC selection
// and the dynamic-routing match criteria (docs/expressions.md).
void ParseIdpAction(Walker& w, const Json& obj, const std::string& p, IdpAction* out) {
  if (const Json* providers = w.Array(obj, "providers", p)) {
    const std::string pp = Ptr(p, "providers");
    for (size_t i = 0; i < providers->size(); ++i) {
      const std::string ip = Ptr(pp, i);
      if (!w.ExpectObject((*providers)[i], ip)) continue;
      IdpProvider provider;
      w.String((*providers)[i], "type", ip, &provider.type);
      w.String((*providers)[i], "id", ip, &provider.id);
      w.String((*providers)[i], "name", ip, &provider.name);
      out->providers.push_back(std::move(provider));
    }
  }
  w.Enum<std::string>(obj, "idpSelectionType", p,
                      {{"SPECIFIC", std::string("SPECIFIC")}, {"DYNAMIC", std::string("DYNAMIC")}},
                      /*ignore_case=*/true, &out->selection_type);
  if (const Json* criteria = w.Array(obj, "matchCriteria", p)) {
    const std::string cp = Ptr(p, "matchCriteria");
    for (size_t i = 0; i < criteria->size(); ++i) {
      const std::string ip = Ptr(cp, i);
      if (!w.ExpectObject((*criteria)[i], ip)) continue;
      IdpMatchCriterion c;
      w.String((*criteria)[i], "providerExpression", ip, &c.provider_expression);
      w.String((*criteria)[i], "propertyName", ip, &c.property_name);
      out->match_criteria.push_back(std::move(c));
    }
  }
  w.Bool(obj, "shouldFallBackToOkta", p, &out->fall_back_to_okta);
}

// `authenticationMethods` / `excludedAuthenticationMethods` entries:
// {key, method?, userVerification?} (SPEC#AuthenticationMethodObject).
// Okta's own examples also write a single object instead of the array
// (twofa-enabled-disallow-password-allow-phishing): both are read.
void ParseMethodRefs(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                     std::vector<AuthenticationMethodRef>* out) {
  if (!Walker::Has(obj, key)) return;
  const Json& value = obj.at(std::string(key));
  const std::string rp = Ptr(p, key);
  if (!value.is_array() && !value.is_object()) {
    w.Error("json.type", rp,
            absl::StrCat("expected an array or object, got ", Av(JsonTypeName(value))));
    return;
  }
  const size_t count = value.is_array() ? value.size() : 1;
  for (size_t i = 0; i < count; ++i) {
    const Json& r = value.is_array() ? value[i] : value;
    const std::string ip = value.is_array() ? Ptr(rp, i) : rp;
    if (!w.ExpectObject(r, ip)) continue;
    AuthenticationMethodRef ref;
    if (!w.Require(r, "key", ip) || !w.String(r, "key", ip, &ref.key)) continue;
    w.String(r, "method", ip, &ref.method);
    std::string uv;
    w.String(r, "userVerification", ip, &uv);
    ref.user_verification_required = absl::EqualsIgnoreCase(uv, "REQUIRED");
    out->push_back(std::move(ref));
  }
}

std::string UpperCopy(std::string s) {
  for (char& ch : s) ch = static_cast<char>(absl::ascii_toupper(static_cast<unsigned char>(ch)));
  return s;
}

void ParseFactorConstraint(Walker& w, const Json& obj, const std::string& p, bool possession,
                           FactorConstraint* out) {
  std::optional<bool> required;
  w.Bool(obj, "required", p, &required);
  ParseMethodRefs(w, obj, "authenticationMethods", p, &out->authentication_methods);
  ParseMethodRefs(w, obj, "excludedAuthenticationMethods", p,
                  &out->excluded_authentication_methods);
  // SPEC: `required` defaults to true, and is false when the constraint has
  // excludedAuthenticationMethods.
  out->required = required.value_or(out->excluded_authentication_methods.empty());
  w.StringList(obj, "types", p, &out->types);
  for (std::string& t : out->types) t = UpperCopy(std::move(t));
  w.StringList(obj, "methods", p, &out->methods);
  for (std::string& m : out->methods) m = UpperCopy(std::move(m));
  w.String(obj, "reauthenticateIn", p, &out->reauthenticate_in);
  if (!possession) return;
  const std::pair<std::string_view, std::string*> characteristics[] = {
      {"deviceBound", &out->device_bound},
      {"hardwareProtection", &out->hardware_protection},
      {"phishingResistant", &out->phishing_resistant},
      {"userPresence", &out->user_presence},
      {"userVerification", &out->user_verification}};
  for (const auto& [name, value] : characteristics) {
    w.String(obj, name, p, value);
    *value = UpperCopy(std::move(*value));
    if (!value->empty() && *value != "REQUIRED" && *value != "OPTIONAL") {
      w.Warning("rule.bad_constraint", Ptr(p, name),
                absl::StrCat("unknown value ", Quoted(*value),
                             " (expected REQUIRED or OPTIONAL): read as OPTIONAL"));
      value->clear();
    }
  }
  // A misspelt characteristic (Okta's own example has "phishingREsistant")
  // would silently weaken the requirement: say so.
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& name = it.key();
    for (const auto& characteristic : characteristics) {
      const std::string_view known = characteristic.first;
      if (name != known && absl::EqualsIgnoreCase(name, Av(known))) {
        w.Warning("rule.bad_constraint", Ptr(p, name),
                  absl::StrCat("\"", name, "\" is not \"", Av(known),
                               "\" (names are case-sensitive): ignored"));
      }
    }
  }
}

void ParseAssuranceConstraint(Walker& w, const Json& obj, const std::string& p,
                              AssuranceConstraint* out) {
  if (!w.ExpectObject(obj, p)) return;
  if (const Json* k = w.Object(obj, "knowledge", p)) {
    ParseFactorConstraint(w, *k, Ptr(p, "knowledge"), false, &out->knowledge.emplace());
  }
  if (const Json* k = w.Object(obj, "possession", p)) {
    ParseFactorConstraint(w, *k, Ptr(p, "possession"), true, &out->possession.emplace());
  }
}

// `chains` and their `next` links; nesting is bounded by the loader's JSON
// depth limit.
void ParseChains(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                 std::vector<AuthMethodChain>* out) {
  const Json* chains = w.Array(obj, key, p);
  if (chains == nullptr) return;
  const std::string cp = Ptr(p, key);
  for (size_t i = 0; i < chains->size(); ++i) {
    const std::string ip = Ptr(cp, i);
    if (!w.ExpectObject((*chains)[i], ip)) continue;
    AuthMethodChain& chain = out->emplace_back();
    ParseMethodRefs(w, (*chains)[i], "authenticationMethods", ip, &chain.methods);
    ParseChains(w, (*chains)[i], "next", ip, &chain.next);
  }
}

void ParseAppSignOnAction(Walker& w, const Json& obj, const std::string& p, AppSignOnAction* out) {
  w.Enum<Access>(obj, "access", p, kAccessNames, /*ignore_case=*/true, &out->access);
  const Json* vm = w.Object(obj, "verificationMethod", p);
  if (vm == nullptr) return;
  out->has_verification_method = true;
  const std::string vp = Ptr(p, "verificationMethod");
  w.String(*vm, "type", vp, &out->verification_method_type);
  out->verification_method_type = UpperCopy(std::move(out->verification_method_type));
  w.String(*vm, "factorMode", vp, &out->factor_mode);
  out->factor_mode = UpperCopy(std::move(out->factor_mode));
  w.String(*vm, "reauthenticateIn", vp, &out->reauthenticate_in);
  // `constraints` is an array in requests and, in some of Okta's own
  // responses, a single object. Both are echoed verbatim through actions_json.
  if (Walker::Has(*vm, "constraints")) {
    const Json& c = vm->at("constraints");
    const std::string cp = Ptr(vp, "constraints");
    if (c.is_array()) {
      for (size_t i = 0; i < c.size(); ++i) {
        ParseAssuranceConstraint(w, c[i], Ptr(cp, i), &out->constraints.emplace_back());
      }
    } else if (c.is_object()) {
      ParseAssuranceConstraint(w, c, cp, &out->constraints.emplace_back());
    } else {
      w.Error("json.type", cp,
              absl::StrCat("expected an array or object, got ", Av(JsonTypeName(c))));
    }
  }
  ParseChains(w, *vm, "chains", vp, &out->chains);
}

// MFA_ENROLL `settings.authenticators`: [{key, enroll: {self}}].
void ParseEnrollmentSettings(Walker& w, const Json& settings, const std::string& p,
                             std::vector<EnrollmentSetting>* out) {
  const Json* authenticators = w.Array(settings, "authenticators", p);
  if (authenticators == nullptr) return;
  const std::string ap = Ptr(p, "authenticators");
  for (size_t i = 0; i < authenticators->size(); ++i) {
    const Json& a = (*authenticators)[i];
    const std::string ip = Ptr(ap, i);
    if (!w.ExpectObject(a, ip)) continue;
    EnrollmentSetting setting;
    if (!w.Require(a, "key", ip) || !w.String(a, "key", ip, &setting.key)) continue;
    if (const Json* enroll = w.Object(a, "enroll", ip)) {
      w.String(*enroll, "self", Ptr(ip, "enroll"), &setting.self);
      setting.self = UpperCopy(std::move(setting.self));
    }
    if (setting.self != "REQUIRED" && setting.self != "OPTIONAL" && setting.self != "NOT_ALLOWED") {
      w.Warning("policy.bad_enrollment_setting", Ptr(Ptr(ip, "enroll"), "self"),
                absl::StrCat("enroll.self ", Quoted(setting.self),
                             " is not REQUIRED, OPTIONAL or NOT_ALLOWED: the authenticator is "
                             "left out of enrollment reports"));
      continue;
    }
    out->push_back(std::move(setting));
  }
}

constexpr std::pair<std::string_view, bool> kStatusNames[] = {{"ACTIVE", true},
                                                              {"INACTIVE", false}};

}  // namespace

// ---------------------------------------------------------------- public

bool ParseAsn(Walker& w, const Json& value, const std::string& ptr, uint32_t* out) {
  if (value.is_number_unsigned() || value.is_number_integer()) {
    if (value.is_number_unsigned() || value.get<int64_t>() >= 0) {
      const uint64_t u = value.get<uint64_t>();
      if (u <= std::numeric_limits<uint32_t>::max()) {
        *out = static_cast<uint32_t>(u);
        return true;
      }
    }
    w.Error("zone.bad_asn", ptr,
            absl::StrCat("invalid ASN ", Dump(value), ": out of range 0..4294967295"));
    return false;
  }
  if (!value.is_string()) {
    w.Error("json.type", ptr,
            absl::StrCat("expected an ASN (string of digits), got ", Av(JsonTypeName(value))));
    return false;
  }
  const std::string& s = value.get_ref<const std::string&>();
  uint64_t n = 0;
  bool ok = !s.empty() && s.size() <= 10;
  for (char c : s) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || n > std::numeric_limits<uint32_t>::max()) {
    w.Error("zone.bad_asn", ptr,
            absl::StrCat("invalid ASN ", Quoted(s), ": expected decimal digits (0..4294967295)"));
    return false;
  }
  *out = static_cast<uint32_t>(n);
  return true;
}

bool ParseZone(Walker& w, const Json& v, const std::string& ptr, NetworkZone* z) {
  if (!w.ExpectObject(v, ptr)) return false;
  z->raw_json = Dump(v);
  w.String(v, "id", ptr, &z->id);
  if (z->id.empty()) w.Warning("zone.missing_id", Ptr(ptr, "id"), "zone has no \"id\"");
  w.String(v, "name", ptr, &z->name);
  if (!w.Require(v, "type", ptr)) return false;
  if (!w.Enum<ZoneType>(v, "type", ptr,
                        {{"IP", ZoneType::kIp},
                         {"DYNAMIC", ZoneType::kDynamic},
                         {"DYNAMIC_V2", ZoneType::kDynamicV2}},
                        /*ignore_case=*/true, &z->type, "zone.unknown_type")) {
    return false;
  }
  w.Enum<bool>(v, "status", ptr, kStatusNames, /*ignore_case=*/true, &z->active);
  w.Enum<ZoneUsage>(v, "usage", ptr,
                    {{"POLICY", ZoneUsage::kPolicy}, {"BLOCKLIST", ZoneUsage::kBlocklist}},
                    /*ignore_case=*/true, &z->usage);
  w.Bool(v, "system", ptr, &z->system);
  w.Bool(v, "useAsExemptList", ptr, &z->use_as_exempt_list);
  switch (z->type) {
    case ZoneType::kIp:
      ParseAddresses(w, v, "gateways", ptr, &z->gateways);
      ParseAddresses(w, v, "proxies", ptr, &z->proxies);
      break;
    case ZoneType::kDynamic:
      if (Walker::Has(v, "locations")) {
        ParseLocationList(w, v.at("locations"), Ptr(ptr, "locations"), &z->locations);
      }
      if (Walker::Has(v, "asns")) ParseAsnList(w, v.at("asns"), Ptr(ptr, "asns"), &z->asns);
      ParseProxyType(w, v, ptr, &z->proxy_type);
      break;
    case ZoneType::kDynamicV2:
      ParseIncludeExclude(
          w, v, "locations", ptr, [&](const Json& list, const std::string& p, bool include) {
            ParseLocationList(w, list, p, include ? &z->locations : &z->locations_exclude);
          });
      ParseIncludeExclude(w, v, "asns", ptr,
                          [&](const Json& list, const std::string& p, bool include) {
                            ParseAsnList(w, list, p, include ? &z->asns : &z->asns_exclude);
                          });
      ParseIncludeExclude(w, v, "ipServiceCategories", ptr,
                          [&](const Json& list, const std::string& p, bool include) {
                            ParseUpperStringList(w, list, p,
                                                 include ? &z->ip_service_categories
                                                         : &z->ip_service_categories_exclude);
                          });
      ParseProxyType(w, v, ptr, &z->proxy_type);
      break;
  }
  return true;
}

void ParseConditions(Walker& w, const Json& v, const std::string& ptr, Conditions* c) {
  if (!w.ExpectObject(v, ptr)) return;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const Json& val = it.value();
    // A null condition object is an absent one (Part A §A2).
    if (val.is_null()) continue;
    const std::string p = Ptr(ptr, key);
    if (key == "people") {
      Typed(w, val, p, &c->people, [&](PeopleCondition& x) { ParsePeople(w, val, p, &x); });
    } else if (key == "users") {
      Typed(w, val, p, &c->users, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "groups") {
      Typed(w, val, p, &c->groups, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "network") {
      Typed(w, val, p, &c->network, [&](NetworkCondition& x) { ParseNetwork(w, val, p, &x); });
    } else if (key == "authContext") {
      Typed(w, val, p, &c->auth_context, [&](AuthContextCondition& x) {
        w.String(val, "authType", p, &x.auth_type);
        x.auth_type = Upper(x.auth_type);
      });
    } else if (key == "risk") {
      Typed(w, val, p, &c->risk,
            [&](RiskBehaviorCondition& x) { w.StringList(val, "behaviors", p, &x.behaviors); });
    } else if (key == "riskScore") {
      Typed(w, val, p, &c->risk_score, [&](RiskScoreCondition& x) {
        ParseRiskLevelField(w, val, "level", p, &x.level);
        ParseRiskLevelField(w, val, "minRiskLevel", p, &x.min_risk_level);
      });
    } else if (key == "identityProvider") {
      Typed(w, val, p, &c->identity_provider, [&](IdentityProviderCondition& x) {
        w.String(val, "provider", p, &x.provider);
        x.provider = Upper(x.provider);
        w.StringList(val, "idpIds", p, &x.idp_ids);
      });
    } else if (key == "authProvider") {
      Typed(w, val, p, &c->auth_provider, [&](AuthProviderCondition& x) {
        w.String(val, "provider", p, &x.provider);
        w.StringList(val, "include", p, &x.include);
      });
    } else if (key == "userStatus") {
      Typed(w, val, p, &c->user_status,
            [&](UserStatusCondition& x) { w.String(val, "value", p, &x.value); });
    } else if (key == "platform") {
      Typed(w, val, p, &c->platform, [&](PlatformCondition& x) {
        ParsePlatformEntries(w, val, "include", p, &x.include);
        ParsePlatformEntries(w, val, "exclude", p, &x.exclude);
      });
    } else if (key == "device") {
      Typed(w, val, p, &c->device, [&](DeviceCondition& x) { ParseDevice(w, val, p, &x); });
    } else if (key == "context") {
      Typed(w, val, p, &c->context, [&](DeviceCondition& x) {
        ParseDevice(w, val, p, &x);
        std::string expression;
        w.String(val, "expression", p, &expression);
      });
    } else if (key == "userIdentifier") {
      Typed(w, val, p, &c->user_identifier,
            [&](UserIdentifierCondition& x) { ParseUserIdentifier(w, val, p, &x); });
    } else if (key == "app") {
      Typed(w, val, p, &c->app, [&](AppCondition& x) {
        ParseAppRefs(w, val, "include", p, &x.include);
        ParseAppRefs(w, val, "exclude", p, &x.exclude);
      });
    } else if (key == "apps") {
      Typed(w, val, p, &c->apps, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "userType") {
      Typed(w, val, p, &c->user_type, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "mdmEnrollment") {
      Typed(w, val, p, &c->mdm_enrollment, [&](MdmEnrollmentCondition& x) {
        w.String(val, "enrollment", p, &x.enrollment);
        w.Bool(val, "blockNonSafeAndroid", p, &x.block_non_safe_android);
      });
    } else if (key == "elCondition") {
      Typed(w, val, p, &c->el_condition,
            [&](ElCondition& x) { w.String(val, "condition", p, &x.condition); });
    } else if (key == "grantTypes") {
      Typed(w, val, p, &c->grant_types, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "scopes") {
      Typed(w, val, p, &c->scopes, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "clients") {
      Typed(w, val, p, &c->clients, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else if (key == "entityRisk") {
      Typed(w, val, p, &c->entity_risk, [&](EntityRiskCondition& x) {
        w.String(val, "level", p, &x.level);
        x.level = Upper(x.level);
      });
    } else if (key == "riskDetectionTypes") {
      Typed(w, val, p, &c->risk_detection_types, [&](IdList& x) { ParseIdList(w, val, p, &x); });
    } else {
      c->unknown_keys.push_back(key);
      w.Warning("condition.unknown_key", p,
                absl::StrCat("unknown condition ", Quoted(key),
                             " (kept; evaluators treat it as never matching)"));
    }
  }
}

bool ParseRule(Walker& w, const Json& v, const std::string& ptr, Rule* r) {
  r->file = w.file();
  r->pointer = ptr;
  if (!w.ExpectObject(v, ptr)) return false;
  r->raw_json = Dump(v);
  w.String(v, "id", ptr, &r->id);
  if (r->id.empty()) w.Warning("rule.missing_id", Ptr(ptr, "id"), "rule has no \"id\"");
  w.String(v, "name", ptr, &r->name);
  w.String(v, "type", ptr, &r->type);
  w.Int(v, "priority", ptr, &r->priority);
  w.Enum<bool>(v, "status", ptr, kStatusNames, /*ignore_case=*/true, &r->active);
  w.Bool(v, "system", ptr, &r->system);
  if (!Walker::Has(v, "conditions")) {
    r->conditions_null = true;
  } else {
    ParseConditions(w, v.at("conditions"), Ptr(ptr, "conditions"), &r->conditions);
  }
  r->actions_json = "{}";
  if (const Json* actions = w.Object(v, "actions", ptr)) {
    r->actions_json = Dump(*actions);
    const std::string ap = Ptr(ptr, "actions");
    if (const Json* signon = w.Object(*actions, "signon", ap)) {
      SignOnAction s;
      ParseSignOnAction(w, *signon, Ptr(ap, "signon"), &s);
      r->signon = s;
    }
    if (const Json* app = w.Object(*actions, "appSignOn", ap)) {
      AppSignOnAction a;
      ParseAppSignOnAction(w, *app, Ptr(ap, "appSignOn"), &a);
      r->app_sign_on = a;
    }
    if (const Json* idp = w.Object(*actions, "idp", ap)) {
      IdpAction a;
      ParseIdpAction(w, *idp, Ptr(ap, "idp"), &a);
      r->idp = std::move(a);
    }
  }
  return true;
}

bool ParsePolicy(Walker& w, const Json& v, const std::string& ptr, PolicyType file_type,
                 Policy* out, bool* embedded_rules) {
  *embedded_rules = false;
  out->file = w.file();
  out->pointer = ptr;
  if (!w.ExpectObject(v, ptr)) return false;
  out->raw_json = Dump(v);
  w.String(v, "id", ptr, &out->id);
  if (out->id.empty()) w.Warning("policy.missing_id", Ptr(ptr, "id"), "policy has no \"id\"");
  w.String(v, "name", ptr, &out->name);
  w.String(v, "description", ptr, &out->description);
  out->type = file_type;
  std::string type_name;
  if (!w.String(v, "type", ptr, &type_name)) return false;
  if (type_name.empty()) {
    w.Warning("policy.missing_type", Ptr(ptr, "type"),
              absl::StrCat("policy has no \"type\"; taken from the file name as ",
                           Av(PolicyTypeName(file_type))));
  } else if (std::optional<PolicyType> type = ParsePolicyType(type_name); !type.has_value()) {
    w.Error("policy.unknown_type", Ptr(ptr, "type"),
            absl::StrCat("unknown policy type ", Quoted(type_name)));
    return false;
  } else if (*type != file_type) {
    w.Error("policy.type_mismatch", Ptr(ptr, "type"),
            absl::StrCat("policy of type ", type_name, " in the file for ",
                         Av(PolicyTypeName(file_type)), " (policies/<TYPE>.json holds one type)"));
    out->type = *type;
  }
  w.Int(v, "priority", ptr, &out->priority);
  w.Enum<bool>(v, "status", ptr, kStatusNames, /*ignore_case=*/true, &out->active);
  w.Bool(v, "system", ptr, &out->system);
  if (Walker::Has(v, "conditions")) {
    ParseConditions(w, v.at("conditions"), Ptr(ptr, "conditions"), &out->conditions);
  }
  if (const Json* settings = w.Object(v, "settings", ptr)) {
    out->settings_json = Dump(*settings);
    if (out->type == PolicyType::kMfaEnroll) {
      ParseEnrollmentSettings(w, *settings, Ptr(ptr, "settings"), &out->enrollment_settings);
    }
  }
  if (const Json* embedded = w.Object(v, "_embedded", ptr)) {
    const std::string ep = Ptr(ptr, "_embedded");
    if (const Json* rules = w.Array(*embedded, "rules", ep)) {
      *embedded_rules = true;
      const std::string rp = Ptr(ep, "rules");
      for (size_t i = 0; i < rules->size(); ++i) {
        Rule rule;
        if (ParseRule(w, (*rules)[i], Ptr(rp, i), &rule)) out->rules.push_back(std::move(rule));
      }
    }
  }
  return true;
}

}  // namespace verdict::model_internal
