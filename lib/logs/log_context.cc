// System Log event → SignOnContext + RecordedOutcome. Every mapping decision
// is in this file, one function per field group, and listed in
// docs/semantics.md ("System Log → context"). Inferred readings say so.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/logs/context_reset.h"
#include "lib/logs/iso3166.h"
#include "lib/logs/java_map.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_view.h"
#include "lib/logs/security_conditions.h"
#include "lib/model/json_walker.h"
#include "verdict/system_log.h"
#include "verdict/timestamp.h"

namespace verdict {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Upper(std::string_view s) { return absl::AsciiStrToUpper(AV(s)); }

// Sanitised exports replace ids by placeholders ("1" in LOKI's sample);
// Okta itself writes "unknown" in some alternateIds. Real Okta ids always
// contain letters, so an all-digit id is a placeholder too.
bool IsPlaceholderId(std::string_view id) {
  const absl::string_view s = absl::StripAsciiWhitespace(AV(id));
  if (s.empty()) return true;
  // Only the placeholder words' lengths are compared (this runs for every id
  // of every replayed event; real ids are 20 characters).
  const bool word_length = s.size() == 1 || s.size() == 3 || s.size() == 4 || s.size() == 7;
  if (word_length &&
      (absl::EqualsIgnoreCase(s, "unknown") || absl::EqualsIgnoreCase(s, "null") ||
       absl::EqualsIgnoreCase(s, "none") || absl::EqualsIgnoreCase(s, "n/a") || s == "-")) {
    return true;
  }
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

using logs::LogBehaviorView;
using logs::LogEventView;
using logs::LogTargetView;

const std::string_view* DebugValue(const LogEventView& e, std::string_view key) {
  return e.debug_data.Find(key);
}

// debugData.logOnlySecurityData: a JSON object inside a string.
struct LogOnlySecurityData {
  std::string risk_level;
  std::vector<std::pair<std::string, std::string>> behaviors;  // name → result
  bool present = false;
  bool valid = false;
};

LogOnlySecurityData ReadLogOnlySecurityData(const LogEventView& e) {
  LogOnlySecurityData out;
  const std::string_view* text = DebugValue(e, "logOnlySecurityData");
  if (text == nullptr || text->empty()) return out;
  out.present = true;
  absl::StatusOr<nlohmann::json> j = logs::ParseJsonText(*text);
  if (!j.ok() || !j->is_object()) return out;
  out.valid = true;
  out.risk_level = logs::ScalarText(logs::Member(logs::Member(*j, "risk"), "level"));
  if (const nlohmann::json* b = logs::Member(*j, "behaviors"); b != nullptr && b->is_object()) {
    for (const auto& [name, result] : b->items()) {
      out.behaviors.emplace_back(name, logs::ScalarText(&result));
    }
  }
  return out;
}

void MapUser(const LogEventView& e, const LogConversionOptions& options, LogEventConversion* out) {
  SignOnContext& c = out->context;
  if (!absl::EqualsIgnoreCase(AV(e.actor_type), "User")) {
    out->notes.push_back(e.actor_type.empty()
                             ? std::string("no actor: the context has no user")
                             : absl::StrCat("actor is a ", AV(e.actor_type),
                                            ", not a User: the context has no user"));
    return;
  }
  const bool id_known = !IsPlaceholderId(e.actor_id);
  const bool login_known = !IsPlaceholderId(e.actor_alternate_id);
  if (!id_known && !e.actor_id.empty()) out->notes.push_back("actor id is redacted");
  if (!id_known && !login_known) {
    out->notes.push_back("actor has neither id nor login: the context has no user");
    return;
  }
  if (id_known) c.user.id = e.actor_id;
  if (login_known) c.user.login = e.actor_alternate_id;
  // authenticationContext.authenticationProvider (inferred: the directory the
  // password was checked against is the user's credential provider).
  if (e.authentication_provider == "ACTIVE_DIRECTORY" || e.authentication_provider == "LDAP") {
    c.user.provider = e.authentication_provider;
  }

  const std::vector<std::string>* groups = nullptr;
  if (options.memberships != nullptr) {
    auto it = id_known ? options.memberships->find(c.user.id) : options.memberships->end();
    if (it == options.memberships->end() && login_known) {
      it = options.memberships->find(c.user.login);
    }
    if (it != options.memberships->end()) groups = &it->second;
  }
  if (groups == nullptr && options.snapshot != nullptr && id_known) {
    const auto it = options.snapshot->user_groups.find(c.user.id);
    if (it != options.snapshot->user_groups.end()) groups = &it->second;
  }
  if (groups != nullptr) {
    c.user.groups = *groups;  // over a reused conversion's elements: no allocation
    out->memberships_found = true;
  }
}

void MapNetwork(const LogEventView& e, logs::PlaceCodeCache* places, LogEventConversion* out) {
  SignOnContext& c = out->context;
  // request.ipChain is client first ("clientIp, proxy1, proxy2"), as the
  // context's ipChain; client.ipAddress only when there is no chain.
  for (std::string_view text : e.ip_chain) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
    if (ip.ok()) {
      c.ip_chain.push_back(*ip);
    } else {
      out->notes.push_back(absl::StrCat("ipChain address \"", AV(text), "\" is not an IP address"));
    }
  }
  if (c.ip_chain.empty() && !e.client_ip.empty()) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(e.client_ip);
    if (ip.ok()) {
      c.ip_chain.push_back(*ip);
    } else {
      out->notes.push_back(
          absl::StrCat("client.ipAddress \"", AV(e.client_ip), "\" is not an IP address"));
    }
  }

  // Names → ISO codes; an unknown name leaves geo to the databases.
  if (!e.country.empty()) {
    const std::string country =
        places != nullptr ? places->Country(e.country) : logs::CountryCode(e.country);
    if (country.empty()) {
      out->notes.push_back(
          absl::StrCat("country \"", AV(e.country), "\" is not in the ISO 3166 table"));
    } else {
      ContextGeo geo{country, ""};
      if (!e.state.empty()) {
        geo.region = places != nullptr ? places->Region(country, e.state)
                                       : logs::RegionCode(country, e.state);
        if (geo.region.empty()) {
          out->notes.push_back(absl::StrCat("region \"", AV(e.state), "\" of ", country,
                                            " is not in the ISO 3166-2 table"));
        }
      }
      c.geo = geo;
    }
  }

  if (e.as_number && *e.as_number > 0 && *e.as_number <= int64_t{UINT32_MAX}) {
    c.asn = static_cast<uint32_t>(*e.as_number);
  }

  // isProxy true → an anonymizer; Tor when debugData.proxyType says "tor"
  // (its other documented value, "service", stays ANONYMIZER). isProxy false →
  // not a proxy. isProxy absent/null → not given, unless proxyType says Tor.
  const std::string_view* proxy_type = DebugValue(e, "proxyType");
  const bool tor =
      proxy_type != nullptr && absl::StrContains(absl::AsciiStrToLower(AV(*proxy_type)), "tor");
  if (e.is_proxy.has_value()) {
    c.proxy_type = !*e.is_proxy ? ProxyType::kNone : tor ? ProxyType::kTor : ProxyType::kAnonymizer;
  } else if (tor) {
    c.proxy_type = ProxyType::kTor;
  }

  for (std::string_view category : e.ip_service_categories) {
    c.ip_service_categories.push_back(Upper(category));
  }
}

void MapRiskAndBehaviors(const LogEventView& e, LogEventConversion* out) {
  SignOnContext& c = out->context;
  const LogOnlySecurityData lo = ReadLogOnlySecurityData(e);
  if (lo.present && !lo.valid) {
    out->notes.push_back("debugData.logOnlySecurityData is not a JSON object");
  }
  std::optional<logs::JavaMapEntries> debug_risk;
  if (const std::string_view* text = DebugValue(e, "risk")) {
    absl::StatusOr<logs::JavaMapEntries> parsed = logs::ParseJavaMapString(*text);
    if (parsed.ok()) {
      debug_risk = std::move(*parsed);
    } else {
      out->notes.push_back(absl::StrCat("debugData.risk: ", parsed.status().message()));
    }
  }

  // Risk: securityContext.risk.level, then logOnlySecurityData.risk.level,
  // then debugData.risk's level — the newest field first.
  absl::InlinedVector<std::string_view, 4> candidates = {e.risk_level, lo.risk_level};
  if (debug_risk) {
    for (const auto& [key, value] : *debug_risk) {
      if (key == "level") candidates.push_back(value);
    }
  }
  for (std::string_view level : candidates) {
    if (level.empty()) continue;
    if (std::optional<RiskLevel> r = ParseRiskLevel(level)) {
      c.risk_level = r;
      break;
    }
    out->notes.push_back(absl::StrCat("risk level \"", AV(level), "\" is not LOW, MEDIUM or HIGH"));
  }

  // Behaviors detected = result POSITIVE, from every source, deduplicated.
  // securityContext.userBehaviors give the id (rules list ids), else the name.
  auto add = [&c](std::string_view behavior) {
    if (behavior.empty()) return;
    for (const std::string& b : c.behaviors) {
      if (b == behavior) return;
    }
    c.behaviors.emplace_back(behavior);
  };
  auto positive = [](std::string_view result) {
    return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(AV(result)), "POSITIVE");
  };
  for (const LogBehaviorView& b : e.user_behaviors) {
    if (positive(b.result)) add(IsPlaceholderId(b.id) ? b.name : b.id);
  }
  if (const std::string_view* text = DebugValue(e, "behaviors")) {
    absl::StatusOr<logs::JavaMapEntries> parsed = logs::ParseJavaMapString(*text);
    if (parsed.ok()) {
      for (const auto& [name, result] : *parsed) {
        if (positive(result)) add(name);
      }
    } else {
      out->notes.push_back(absl::StrCat("debugData.behaviors: ", parsed.status().message()));
    }
  }
  for (const auto& [name, result] : lo.behaviors) {
    if (positive(result)) add(name);
  }

  if (const std::string_view* threat = DebugValue(e, "threatSuspected")) {
    if (absl::EqualsIgnoreCase(AV(*threat), "true")) c.threat_suspected = true;
    if (absl::EqualsIgnoreCase(AV(*threat), "false")) c.threat_suspected = false;
  }
}

// "OSX", "Mac OS X", "Windows 10", "iOS", ... → the context's os_type.
std::string OsType(std::string_view name) {
  const std::string u = Upper(name);
  if (u.empty() || u == "UNKNOWN") return "";
  if (u == "OSX" || u == "MACOS" || absl::StrContains(u, "MAC OS") ||
      absl::StrContains(u, "OS X") || absl::StartsWith(u, "MACOS")) {
    return "MACOS";
  }
  if (absl::StartsWith(u, "WINDOWS")) return "WINDOWS";
  if (u == "IOS" || u == "IPADOS" || absl::StartsWith(u, "IOS ") ||
      absl::StrContains(u, "IPHONE") || absl::StrContains(u, "IPAD")) {
    return "IOS";
  }
  if (absl::StartsWith(u, "ANDROID")) return "ANDROID";
  if (u == "CHROMEOS" || absl::StartsWith(u, "CHROME OS")) return "CHROMEOS";
  if (absl::StartsWith(u, "LINUX") || absl::StartsWith(u, "UBUNTU") ||
      absl::StartsWith(u, "FEDORA") || absl::StartsWith(u, "DEBIAN")) {
    return "LINUX";
  }
  return "OTHER";
}

void MapDevice(const LogEventView& e, LogEventConversion* out) {
  ContextDevice& d = out->context.device;
  // The OIE `device` block (Okta Verify-registered devices) first; else the
  // user agent's OS, which is what platform conditions read.
  d.os_type = OsType(e.has_device && !e.device_os_platform.empty() ? e.device_os_platform
                                                                   : e.user_agent_os);
  if (d.os_type == "IOS" || d.os_type == "ANDROID") {
    d.platform_type = "MOBILE";
  } else if (d.os_type == "MACOS" || d.os_type == "WINDOWS" || d.os_type == "LINUX" ||
             d.os_type == "CHROMEOS") {
    d.platform_type = "DESKTOP";
  } else {
    const std::string device = Upper(e.client_device);
    if (device == "COMPUTER") {
      d.platform_type = "DESKTOP";
    } else if (device == "MOBILE" || device == "TABLET" || device == "PHONE") {
      d.platform_type = "MOBILE";
    } else if (d.os_type == "OTHER") {
      d.platform_type = "OTHER";
    }
  }
  if (e.has_device) {
    d.managed = e.device_managed;
    d.registered = e.device_registered;
    d.rooted = e.device_jailbreak;
  }
}

// detailEntry policyType spellings ("OktaSignOn", "OKTA_SIGN_ON",
// "AccessPolicy") → PolicyType, comparing without case and underscores.
std::optional<PolicyType> PolicyTypeFromDetail(const LogTargetView& t) {
  const std::string_view* value = nullptr;
  for (std::string_view key : {"policyType", "policy_type"}) {
    if (const std::string_view* v = t.detail.Find(key)) value = v;
  }
  if (value == nullptr || value->empty()) return std::nullopt;
  // Equal ignoring case and '_', ' ', '-' (no copies: this runs for every
  // target of every replayed event).
  auto squashed_equal = [](std::string_view a, std::string_view b) {
    auto skip = [](std::string_view s, size_t i) {
      while (i < s.size() && (s[i] == '_' || s[i] == ' ' || s[i] == '-')) ++i;
      return i;
    };
    size_t i = skip(a, 0);
    size_t j = skip(b, 0);
    while (i < a.size() && j < b.size()) {
      if (absl::ascii_toupper(static_cast<unsigned char>(a[i])) !=
          absl::ascii_toupper(static_cast<unsigned char>(b[j]))) {
        return false;
      }
      i = skip(a, i + 1);
      j = skip(b, j + 1);
    }
    return i == a.size() && j == b.size();
  };
  for (int i = 0; i < kPolicyTypeCount; ++i) {
    const auto type = static_cast<PolicyType>(i);
    if (squashed_equal(PolicyTypeName(type), *value)) return type;
  }
  return std::nullopt;
}

std::string_view DetailValue(const LogTargetView& t, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (const std::string_view* v = t.detail.Find(key); v != nullptr && !v->empty()) return *v;
  }
  return {};
}

void MapRecorded(const LogEventView& e, LogEventConversion* out) {
  RecordedOutcome& r = out->recorded;
  r.event_type = e.event_type;
  r.result = Upper(e.outcome_result);
  r.reason = e.outcome_reason;
  if (e.event_type == "policy.evaluate_sign_on") {
    if (r.result == "ALLOW") r.access = Access::kAllow;
    if (r.result == "DENY") r.access = Access::kDeny;
    if (r.result == "CHALLENGE") r.access = Access::kChallenge;
  }

  absl::InlinedVector<const LogTargetView*, 8> policies;
  absl::InlinedVector<const LogTargetView*, 8> rules;
  const LogTargetView* app = nullptr;
  for (const LogTargetView& t : e.targets) {
    if (t.type == "PolicyEntity") policies.push_back(&t);
    if (t.type == "PolicyRule" || t.type == "Rule") rules.push_back(&t);
    if (t.type == "AppInstance" && app == nullptr) app = &t;
  }
  const bool evaluate = e.event_type == "policy.evaluate_sign_on";
  absl::InlinedVector<bool, 8> policy_used(policies.size(), false);

  // Decisions are written over the ones a reused conversion already holds
  // (their strings keep their buffers); the extra ones are dropped at the end.
  size_t used = 0;
  auto next_decision = [&r, &used]() -> RecordedDecision& {
    if (used == r.decisions.size()) r.decisions.emplace_back();
    RecordedDecision& d = r.decisions[used++];
    d.policy_type.reset();
    d.policy_type_inferred = false;
    d.policy_id.clear();
    d.policy_name.clear();
    d.rule_id.clear();
    d.rule_name.clear();
    d.redacted = false;
    return d;
  };

  auto set_policy = [](RecordedDecision* d, const LogTargetView& p) {
    if (IsPlaceholderId(p.id)) {
      d->redacted = d->redacted || !p.id.empty();
    } else {
      d->policy_id = p.id;
    }
    d->policy_name = p.display_name;
    if (!d->policy_type) d->policy_type = PolicyTypeFromDetail(p);
  };

  for (const LogTargetView* rule : rules) {
    RecordedDecision& d = next_decision();
    if (IsPlaceholderId(rule->id)) {
      d.redacted = !rule->id.empty();
    } else {
      d.rule_id = rule->id;
    }
    d.rule_name = rule->display_name;
    d.policy_type = PolicyTypeFromDetail(*rule);

    // The rule's policy: detailEntry policyId (catalog key policy_id), else a
    // Classic PolicyRule's alternateId (= parent policy id), else the one
    // PolicyEntity of the event.
    std::string_view policy_id = DetailValue(*rule, {"policyId", "policy_id"});
    if (policy_id.empty() && rule->type == "PolicyRule") policy_id = rule->alternate_id;
    const LogTargetView* policy = nullptr;
    for (size_t i = 0; i < policies.size(); ++i) {
      if (!policy_id.empty() && policies[i]->id == policy_id) {
        policy = policies[i];
        policy_used[i] = true;
      }
    }
    if (policy == nullptr && policies.size() == 1 &&
        (policy_id.empty() || IsPlaceholderId(policy_id))) {
      policy = policies[0];
      policy_used[0] = true;
    }
    if (policy != nullptr) {
      set_policy(&d, *policy);
    } else if (!IsPlaceholderId(policy_id)) {
      d.policy_id = policy_id;
      d.policy_name = DetailValue(*rule, {"policyName", "policy_name"});
    } else if (!policy_id.empty() && policy_id != "unknown") {
      d.redacted = true;
    }

    // Inferred types. Identity Engine: a `Rule` next to an `AppInstance` is the
    // app sign-in policy's rule (LOKI sample); only when it is the event's one
    // rule, since one OIE event may carry the global session rule too.
    // Classic: a `PolicyRule` of policy.evaluate_sign_on without a stated
    // type is a global session (Okta sign-on) rule.
    if (!d.policy_type && evaluate) {
      if (rule->type == "Rule" && app != nullptr && rules.size() == 1) {
        d.policy_type = PolicyType::kAccessPolicy;
        d.policy_type_inferred = true;
      } else if (rule->type == "PolicyRule" && app == nullptr) {
        d.policy_type = PolicyType::kOktaSignOn;
        d.policy_type_inferred = true;
      }
    }
  }
  for (size_t i = 0; i < policies.size(); ++i) {
    if (policy_used[i]) continue;
    set_policy(&next_decision(), *policies[i]);
  }
  r.decisions.resize(used);
  // A LogEvent's parsed list (FinishLogEvent), else parsed here from the
  // text, with the same function.
  absl::Status conditions = absl::OkStatus();
  if (e.security_conditions != nullptr) {
    r.security_conditions = *e.security_conditions;
    if (!e.security_conditions_error.empty()) {
      conditions = absl::InvalidArgumentError(AV(e.security_conditions_error));
    }
  } else if (const std::string_view* text = DebugValue(e, "securityConditions")) {
    absl::StatusOr<std::vector<SecurityCondition>> parsed = logs::ParseSecurityConditions(*text);
    if (parsed.ok()) {
      r.security_conditions = *parsed;  // assigned: the elements keep their buffers
    } else {
      r.security_conditions.clear();
      conditions = parsed.status();
    }
  } else {
    r.security_conditions.clear();
  }
  if (!conditions.ok()) {
    r.security_conditions_unreadable = true;
    out->notes.push_back(absl::StrCat("debugData.securityConditions: ", conditions.message()));
  }
  for (const RecordedDecision& d : r.decisions) {
    if (d.redacted) {
      out->notes.push_back("a recorded policy or rule id is redacted: it is not compared");
      break;
    }
  }
}

}  // namespace

namespace {

// Every member of RecordedOutcome must be reset by ResetKeepingBuffers
// below (SignOnContext's are context_reset.cc's). Their sizes are a
// trip-wire for a member added later without a line there (checked where the
// sizes are known: libstdc++ on x86-64, the platform CI builds on); the reuse
// tests in tests/logs/log_context_test.cc check the resets themselves.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(RecordedOutcome) == 160 && sizeof(LogEventConversion) == 1328,
              "a member was added: reset it in ResetKeepingBuffers, then update the sizes");
#endif

// Empties *out in place as a default-constructed conversion, keeping every
// buffer: a replay reuses one conversion per event slot, and building a fresh
// conversion to move-assign from was ~10% of its time. user.groups,
// recorded.decisions and recorded.security_conditions even keep their
// elements, because the conversion always assigns them (or clears them) and
// assignment reuses the elements' buffers.
void ResetKeepingBuffers(LogEventConversion* out) {
  logs::ResetContextKeepingBuffers(&out->context);
  RecordedOutcome& r = out->recorded;
  r.event_type.clear();
  r.result.clear();
  r.reason.clear();
  r.access.reset();
  r.security_conditions_unreadable = false;
  out->memberships_found = false;
  out->notes.clear();
  out->time_error.clear();
}

}  // namespace

namespace logs {

void ContextFromLogEventView(const LogEventView& e, const LogConversionOptions& options,
                             LogEventConversion* conversion, PlaceCodeCache* places) {
  ResetKeepingBuffers(conversion);
  LogEventConversion& out = *conversion;
  SignOnContext& c = out.context;
  if (!IsPlaceholderId(e.uuid)) {
    c.id = e.uuid;
  } else {
    c.id = absl::StrCat("event-", e.position.ordinal);
    if (!e.uuid.empty()) out.notes.push_back("uuid is redacted");
  }

  MapUser(e, options, &out);
  // The groups of a reused conversion are kept for MapUser to assign over.
  if (!out.memberships_found) c.user.groups.clear();
  MapNetwork(e, places, &out);
  MapRiskAndBehaviors(e, &out);
  MapDevice(e, &out);

  for (const LogTargetView& t : e.targets) {
    if (t.type != "AppInstance") continue;
    if (IsPlaceholderId(t.id)) {
      out.notes.push_back("AppInstance id is redacted: the context has no app");
    } else {
      c.app_id = t.id;
    }
    break;
  }

  if (!e.published.empty()) {
    absl::Time t;
    std::string err;
    if (ParseRfc3339(e.published, &t, &err)) {
      c.time = t;
    } else {
      // Quoted short and escaped: the text is the log's, maybe hostile.
      out.time_error = absl::StrCat("published ", model_internal::Quoted(e.published),
                                    " is not a timestamp (", err, "): the context has no time");
      out.notes.push_back(out.time_error);
    }
  }

  MapRecorded(e, &out);
}

}  // namespace logs

void ContextFromLogEvent(const LogEvent& e, const LogConversionOptions& options,
                         LogEventConversion* conversion) {
  logs::LogEventView view;
  logs::ViewOf(e, &view);
  logs::ContextFromLogEventView(view, options, conversion, /*places=*/nullptr);
}

LogEventConversion ContextFromLogEvent(const LogEvent& e, const LogConversionOptions& options) {
  LogEventConversion out;
  ContextFromLogEvent(e, options, &out);
  return out;
}

}  // namespace verdict
