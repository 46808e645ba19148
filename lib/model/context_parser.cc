// ParseContext: one context object of docs/interfaces.md §2 → SignOnContext.
// The same Walker as the snapshot loader checks every type; the first error
// becomes the status, "<pointer>: <what>".
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "lib/model/did_you_mean.h"
#include "lib/model/json_walker.h"
#include "lib/model/model_parser.h"
#include "verdict/authenticators.h"
#include "verdict/context.h"
#include "verdict/timestamp.h"

namespace verdict {
namespace {

using model_internal::Av;
using model_internal::Json;
using model_internal::JsonTypeName;
using model_internal::Ptr;
using model_internal::Quoted;
using model_internal::Walker;

std::string Upper(std::string_view s) {
  return absl::AsciiStrToUpper(absl::string_view(s.data(), s.size()));
}

bool IEquals(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// Names people reach for that the format spells otherwise (folded: lower
// case, no '_' or '-'), checked before the edit distance.
constexpr std::pair<std::string_view, std::string_view> kFieldAliases[] = {
    {"ipaddress", "ip"},    {"clientip", "ip"},           {"ipaddr", "ip"},
    {"ips", "ipChain"},     {"xforwardedfor", "ipChain"}, {"country", "geo"},
    {"groupids", "groups"}, {"riskLevel", "risk"},        {"policytype", "policyTypes"},
    {"zoneids", "zones"},   {"platform", "device"},       {"application", "app"},
    {"appid", "app"},       {"userid", "user"},           {"login", "user"},
    {"timestamp", "time"},  {"published", "time"},        {"behaviours", "behaviors"},
};

// Warns (code "context.unknown_field") about each member of `obj` that the
// format does not have: a typo such as "ipaddress" would otherwise leave the
// context without an IP, and a CI gate would pass for the wrong reason.
// Members whose names start with '$' or '_' are comments and "verdictLog" is
// what serve's decision log adds; all are ignored.
void WarnUnknownFields(Walker& w, const Json& obj, const std::string& p,
                       const std::vector<std::string_view>& known) {
  if (!obj.is_object()) return;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    if (key.empty() || key[0] == '$' || key[0] == '_' || key == "verdictLog") continue;
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string hint;
    const std::string folded =
        absl::AsciiStrToLower(absl::StrReplaceAll(key, {{"_", ""}, {"-", ""}}));
    for (const auto& [alias, meant] : kFieldAliases) {
      if (absl::AsciiStrToLower(absl::string_view(alias.data(), alias.size())) == folded &&
          std::find(known.begin(), known.end(), meant) != known.end()) {
        hint = absl::StrCat(" (did you mean ", Quoted(meant), "?)");
      }
    }
    if (hint.empty()) hint = model_internal::DidYouMean(key, known);
    w.Warning("context.unknown_field", Ptr(p, key),
              absl::StrCat("unknown field ", Quoted(key), ": ignored", hint));
  }
}

void ParseIp(Walker& w, const Json& value, const std::string& p, std::vector<IpAddress>* out) {
  std::string text;
  std::string at = p;
  if (value.is_object()) {
    // System Log shape: {"ip": "...", "geographicalContext": ..., ...}.
    at = Ptr(p, "ip");
    if (!w.Require(value, "ip", p) || !w.String(value, "ip", p, &text)) return;
  } else if (!value.is_string()) {
    w.Error("json.type", p,
            absl::StrCat("expected an IP address string or {\"ip\": ...}, got ",
                         Av(JsonTypeName(value))));
    return;
  } else {
    text = value.get<std::string>();
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  if (!ip.ok()) {
    w.Error("context.bad_ip", at, std::string(ip.status().message()));
    return;
  }
  out->push_back(*ip);
}

void ParseTime(Walker& w, const Json& obj, std::string_view key, const std::string& p,
               std::optional<absl::Time>* out) {
  std::string text;
  if (!w.String(obj, key, p, &text) || !Walker::Has(obj, key)) return;
  absl::Time t;
  std::string err;
  if (!ParseRfc3339(text, &t, &err)) {
    w.Error("context.bad_time", Ptr(p, key),
            absl::StrCat("invalid RFC 3339 time ", Quoted(text), ": ", err));
    return;
  }
  *out = t;
}

// `key` as {"id": "..."} or a bare string.
void ParseIdObject(Walker& w, const Json& obj, std::string_view key, const std::string& p,
                   std::string* out) {
  if (!Walker::Has(obj, key)) return;
  const Json& v = obj.at(key);
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (w.ExpectObject(v, Ptr(p, key))) {
    w.String(v, "id", Ptr(p, key), out);
  }
}

void ParseUser(Walker& w, const Json& u, const std::string& p, ContextUser* out) {
  WarnUnknownFields(
      w, u, p,
      {"id", "login", "status", "type", "provider", "providerId", "admin", "groups", "profile"});
  w.String(u, "id", p, &out->id);
  w.String(u, "login", p, &out->login);
  w.String(u, "status", p, &out->status);
  out->status = Upper(out->status);
  w.String(u, "type", p, &out->type);
  w.String(u, "provider", p, &out->provider);
  out->provider = Upper(out->provider);
  w.String(u, "providerId", p, &out->provider_id);
  w.Bool(u, "admin", p, &out->admin);
  w.StringList(u, "groups", p, &out->groups);
  if (const Json* profile = w.Object(u, "profile", p)) {
    for (auto it = profile->begin(); it != profile->end(); ++it) {
      out->profile[it.key()] = model_internal::ToProfileValue(*it);
    }
  }
}

void ParseDevice(Walker& w, const Json& d, const std::string& p, ContextDevice* out) {
  WarnUnknownFields(
      w, d, p,
      {"platform", "registered", "managed", "remembered", "rooted", "trustLevel", "assurance"});
  if (Walker::Has(d, "platform")) {
    const std::string pp = Ptr(p, "platform");
    const Json& platform = d.at("platform");
    if (w.ExpectObject(platform, pp)) {
      w.String(platform, "type", pp, &out->platform_type);
      out->platform_type = Upper(out->platform_type);
      if (Walker::Has(platform, "os")) {
        const Json& os = platform.at("os");
        if (os.is_string()) {
          out->os_type = os.get<std::string>();
        } else if (w.ExpectObject(os, Ptr(pp, "os"))) {
          w.String(os, "type", Ptr(pp, "os"), &out->os_type);
        }
        out->os_type = Upper(out->os_type);
        if (out->os_type == "OSX") out->os_type = "MACOS";
      }
    }
  }
  w.Bool(d, "registered", p, &out->registered);
  w.Bool(d, "managed", p, &out->managed);
  w.Bool(d, "remembered", p, &out->remembered);
  w.Bool(d, "rooted", p, &out->rooted);
  w.String(d, "trustLevel", p, &out->trust_level);
  out->trust_level = Upper(out->trust_level);
  w.StringList(d, "assurance", p, &out->assurance);
}

void ParseProxyType(Walker& w, const Json& v, const std::string& p, std::optional<ProxyType>* out) {
  if (v.is_null()) {
    *out = ProxyType::kNone;
    return;
  }
  std::string text;
  if (!w.StringValue(v, p, &text)) return;
  if (text.empty() || IEquals(text, "NONE")) {
    *out = ProxyType::kNone;
  } else if (IEquals(text, "TOR") || IEquals(text, "TorAnonymizer")) {
    *out = ProxyType::kTor;
  } else if (IEquals(text, "ANONYMIZER") || IEquals(text, "NotTorAnonymizer")) {
    *out = ProxyType::kAnonymizer;
  } else {
    w.Error(
        "json.bad_value", p,
        absl::StrCat("unknown proxyType ", Quoted(text), " (expected TOR, ANONYMIZER or null)"));
  }
}

void ParseRisk(Walker& w, const Json& v, const std::string& p, std::optional<RiskLevel>* out) {
  std::string text;
  std::string at = p;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (w.ExpectObject(v, p)) {
    if (!w.String(v, "level", p, &text)) return;
    at = Ptr(p, "level");
  } else {
    return;
  }
  if (text.empty() || IEquals(text, "ANY")) return;
  *out = ParseRiskLevel(text);
  if (!out->has_value()) {
    w.Error("json.bad_value", at,
            absl::StrCat("unknown risk level ", Quoted(text), " (expected LOW, MEDIUM or HIGH)"));
  }
}

void ParseContextObject(Walker& w, const Json& c, SignOnContext* ctx) {
  if (!w.ExpectObject(c, "")) return;
  WarnUnknownFields(w, c, "",
                    {"id",
                     "policyTypes",
                     "app",
                     "user",
                     "ipChain",
                     "ip",
                     "zones",
                     "geo",
                     "asn",
                     "proxyType",
                     "ipServiceCategories",
                     "device",
                     "risk",
                     "entityRisk",
                     "behaviors",
                     "authType",
                     "identityProvider",
                     "client",
                     "grantType",
                     "scopes",
                     "loginIdentifier",
                     "session",
                     "time",
                     "threatSuspected",
                     "authenticators"});
  if (Walker::Has(c, "id")) {
    const Json& id = c.at("id");
    if (id.is_string()) {
      ctx->id = id.get<std::string>();
    } else if (id.is_number_integer()) {
      ctx->id = model_internal::Dump(id);
    } else {
      w.Error("json.type", "/id", absl::StrCat("expected a string, got ", Av(JsonTypeName(id))));
    }
  } else if (c.is_object() && c.contains("id")) {
    // null, as for any field, is as if absent; but an explicit null id is
    // most likely a generator's bug, and the decisions would silently carry
    // an empty id ("id": "" in eval's output) that names nothing.
    w.Warning("context.null_id", "/id",
              "id is null: the context has no id (its decisions are printed with \"id\": \"\"; "
              "give a string to name them)");
  }
  if (const Json* types = w.Array(c, "policyTypes", "")) {
    for (size_t i = 0; i < types->size(); ++i) {
      const std::string p = Ptr("/policyTypes", i);
      std::string name;
      if (!w.StringValue((*types)[i], p, &name)) continue;
      std::optional<PolicyType> type = ParsePolicyType(Upper(name));
      if (!type.has_value()) {
        w.Error("context.unknown_policy_type", p,
                absl::StrCat("unknown policy type ", Quoted(name)));
        continue;
      }
      ctx->policy_types.push_back(*type);
    }
  }
  ParseIdObject(w, c, "app", "", &ctx->app_id);
  if (const Json* user = w.Object(c, "user", "")) {
    ParseUser(w, *user, "/user", &ctx->user);
  }
  if (const Json* chain = w.Array(c, "ipChain", "")) {
    for (size_t i = 0; i < chain->size(); ++i) {
      ParseIp(w, (*chain)[i], Ptr("/ipChain", i), &ctx->ip_chain);
    }
  }
  if (Walker::Has(c, "ip")) {
    std::vector<IpAddress> ip;
    ParseIp(w, c.at("ip"), "/ip", &ip);
    if (!ip.empty()) {
      if (ctx->ip_chain.empty()) {
        ctx->ip_chain = ip;
      } else if (!(ctx->ip_chain.front() == ip.front())) {
        w.Error("context.ip_conflict", "/ip",
                absl::StrCat("\"ip\" ", ip.front().ToString(), " is not the client (first) IP ",
                             ctx->ip_chain.front().ToString(), " of \"ipChain\""));
      }
    }
  }
  if (const Json* zones = w.Array(c, "zones", "")) {
    ctx->zones.emplace();
    for (size_t i = 0; i < zones->size(); ++i) {
      std::string id;
      if (w.StringValue((*zones)[i], Ptr("/zones", i), &id)) ctx->zones->push_back(std::move(id));
    }
    if (!ctx->ip_chain.empty()) {
      w.Error("context.zones_and_ip", "/zones",
              "give the client's zones or its IP chain (\"ip\"/\"ipChain\"), not both");
    }
  }
  if (const Json* geo = w.Object(c, "geo", "")) {
    WarnUnknownFields(w, *geo, "/geo", {"country", "region"});
    ContextGeo g;
    w.String(*geo, "country", "/geo", &g.country);
    g.country = Upper(g.country);
    std::string region;
    w.String(*geo, "region", "/geo", &region);
    g.region = model_internal::NormalizeRegion(g.country, region);
    if (g.country.empty() && g.region.find('-') != std::string::npos) {
      g.country = g.region.substr(0, g.region.find('-'));
    }
    ctx->geo = g;
  }
  if (Walker::Has(c, "asn")) {
    uint32_t asn = 0;
    if (model_internal::ParseAsn(w, c.at("asn"), "/asn", &asn)) ctx->asn = asn;
  }
  if (c.contains("proxyType")) ParseProxyType(w, c.at("proxyType"), "/proxyType", &ctx->proxy_type);
  if (const Json* cats = w.Array(c, "ipServiceCategories", "")) {
    for (size_t i = 0; i < cats->size(); ++i) {
      std::string s;
      if (w.StringValue((*cats)[i], Ptr("/ipServiceCategories", i), &s)) {
        ctx->ip_service_categories.push_back(Upper(s));
      }
    }
  }
  if (const Json* device = w.Object(c, "device", ""))
    ParseDevice(w, *device, "/device", &ctx->device);
  if (Walker::Has(c, "risk")) ParseRisk(w, c.at("risk"), "/risk", &ctx->risk_level);
  if (const Json* er = w.Object(c, "entityRisk", "")) {
    ContextEntityRisk entity_risk;
    if (Walker::Has(*er, "level")) ParseRisk(w, *er, "/entityRisk", &entity_risk.level);
    w.StringList(*er, "detectionTypes", "/entityRisk", &entity_risk.detection_types);
    for (std::string& t : entity_risk.detection_types) t = Upper(t);
    ctx->entity_risk = std::move(entity_risk);
  }
  w.StringList(c, "behaviors", "", &ctx->behaviors);
  w.String(c, "authType", "", &ctx->auth_type);
  ctx->auth_type = Upper(ctx->auth_type);
  if (Walker::Has(c, "identityProvider")) {
    const Json& idp = c.at("identityProvider");
    if (idp.is_string()) {
      ctx->identity_provider_type = Upper(idp.get<std::string>());
    } else if (w.ExpectObject(idp, "/identityProvider")) {
      w.String(idp, "type", "/identityProvider", &ctx->identity_provider_type);
      ctx->identity_provider_type = Upper(ctx->identity_provider_type);
      w.String(idp, "id", "/identityProvider", &ctx->identity_provider_id);
    }
  }
  ParseIdObject(w, c, "client", "", &ctx->client_id);
  w.String(c, "grantType", "", &ctx->grant_type);
  w.StringList(c, "scopes", "", &ctx->scopes);
  w.String(c, "loginIdentifier", "", &ctx->login_identifier);
  if (const Json* session = w.Object(c, "session", "")) {
    WarnUnknownFields(w, *session, "/session",
                      {"createdAt", "lastActivity", "lastFactorVerification", "amr"});
    ParseTime(w, *session, "createdAt", "/session", &ctx->session.created_at);
    ParseTime(w, *session, "lastActivity", "/session", &ctx->session.last_activity);
    ParseTime(w, *session, "lastFactorVerification", "/session",
              &ctx->session.last_factor_verification);
    w.StringList(*session, "amr", "/session", &ctx->session.amr);
  }
  ParseTime(w, c, "time", "", &ctx->time);
  w.Bool(c, "threatSuspected", "", &ctx->threat_suspected);
  if (Walker::Has(c, "authenticators")) {
    std::vector<std::string> enrolled;
    if (w.StringList(c, "authenticators", "", &enrolled)) {
      for (size_t i = 0; i < enrolled.size(); ++i) {
        std::string& e = enrolled[i];
        absl::AsciiStrToLower(&e);
        if (!IsKnownEnrollment(e)) {
          w.Warning("context.unknown_authenticator", Ptr("/authenticators", i),
                    absl::StrCat("unknown authenticator ", Quoted(e),
                                 " (expected a key such as okta_verify, optionally with a method: "
                                 "okta_verify:push): it satisfies nothing"));
        }
      }
      ctx->authenticators = std::move(enrolled);
    }
  }
}

}  // namespace

std::optional<size_t> FindExcessiveContextNesting(std::string_view json_text) {
  return model_internal::FindExcessiveNesting(json_text, model_internal::kMaxJsonDepth);
}

absl::StatusOr<std::vector<std::string_view>> SplitContextArray(std::string_view json_text) {
  if (std::optional<size_t> at = FindExcessiveContextNesting(json_text)) {
    return absl::InvalidArgumentError(absl::StrCat("byte ", *at, ": JSON nested deeper than ",
                                                   model_internal::kMaxJsonDepth, " levels"));
  }
  // accept() runs the parser with a SAX that keeps nothing.
  if (!model_internal::Json::accept(json_text.begin(), json_text.end())) {
    return absl::InvalidArgumentError("the body is not JSON");
  }
  const size_t first = json_text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || json_text[first] != '[') {
    return absl::InvalidArgumentError("the body is not a JSON array");
  }
  return model_internal::ArrayElementSpans(json_text);
}

absl::StatusOr<SignOnContext> ParseContext(std::string_view json_text) {
  return ParseContext(json_text, nullptr);
}

absl::StatusOr<SignOnContext> ParseContext(std::string_view json_text, IssueList* warnings) {
  IssueList issues;
  std::optional<Json> json = model_internal::ParseJson(json_text, "", &issues);
  SignOnContext ctx;
  if (json.has_value()) {
    Walker w("", &issues);
    ParseContextObject(w, *json, &ctx);
  }
  for (const Issue& issue : issues) {
    if (!issue.is_error()) continue;
    return absl::InvalidArgumentError(
        issue.pointer.empty() ? issue.message : absl::StrCat(issue.pointer, ": ", issue.message));
  }
  if (warnings != nullptr) warnings->insert(warnings->end(), issues.begin(), issues.end());
  return ctx;
}

}  // namespace verdict
