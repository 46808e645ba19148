// ParseLogEvent (JSON text → LogEvent): the DOM implementation (nlohmann),
// which is the reference for the on-demand one (log_event_ondemand.cc), and
// the dispatch between the two; and the memberships file.
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_parsers.h"
#include "lib/logs/security_conditions.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

using logs::AnyText;
using logs::BoolValue;
using logs::IntValue;
using logs::Member;
using logs::ScalarText;
using nlohmann::json;

void ReadGeo(const json* geo, LogEvent* event) {
  if (geo == nullptr) return;
  if (event->country.empty()) event->country = ScalarText(Member(geo, "country"));
  if (event->state.empty()) event->state = ScalarText(Member(geo, "state"));
}

void ReadStringMap(const json* object, std::map<std::string, std::string, std::less<>>* out) {
  if (object == nullptr || !object->is_object()) return;
  for (const auto& [key, value] : object->items()) {
    if (value.is_null()) continue;
    (*out)[key] = AnyText(value);
  }
}

}  // namespace

bool IsSignOnEventType(std::string_view event_type) {
  return event_type == "policy.evaluate_sign_on" || event_type == "user.session.start" ||
         event_type == "user.authentication.sso" ||
         event_type == "user.authentication.auth_via_mfa" ||
         event_type == "user.authentication.verify";
}

namespace logs {

absl::StatusOr<LogEvent> ParseLogEventDom(std::string_view text, const LogEventPosition& position) {
  // nlohmann has no depth limit; the on-demand parser has, so both apply it.
  if (NestingDepth(text) > kMaxLogEventDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: nested deeper than ", kMaxLogEventDepth, " levels"));
  }
  absl::StatusOr<json> parsed = ParseJsonText(text);
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("an event is a JSON object, not ", j.type_name()));
  }

  LogEvent e;
  e.position = position;
  e.uuid = ScalarText(Member(j, "uuid"));
  e.event_type = ScalarText(Member(j, "eventType"));
  e.published = ScalarText(Member(j, "published"));

  const json* actor = Member(j, "actor");
  e.actor_id = ScalarText(Member(actor, "id"));
  e.actor_type = ScalarText(Member(actor, "type"));
  e.actor_alternate_id = ScalarText(Member(actor, "alternateId"));

  const json* client = Member(j, "client");
  e.client_ip = ScalarText(Member(client, "ipAddress"));
  e.client_device = ScalarText(Member(client, "device"));
  e.user_agent_os = ScalarText(Member(Member(client, "userAgent"), "os"));
  ReadGeo(Member(client, "geographicalContext"), &e);

  if (const json* chain = Member(Member(j, "request"), "ipChain");
      chain != nullptr && chain->is_array()) {
    for (const json& hop : *chain) {
      const std::string ip = ScalarText(Member(hop, "ip"));
      if (!ip.empty()) e.ip_chain.push_back(ip);
    }
    if (!chain->empty()) ReadGeo(Member((*chain)[0], "geographicalContext"), &e);
  }

  e.authentication_provider =
      ScalarText(Member(Member(j, "authenticationContext"), "authenticationProvider"));

  const json* security = Member(j, "securityContext");
  e.as_number = IntValue(Member(security, "asNumber"));
  e.is_proxy = BoolValue(Member(security, "isProxy"));
  e.risk_level = ScalarText(Member(Member(security, "risk"), "level"));
  if (const json* behaviors = Member(security, "userBehaviors");
      behaviors != nullptr && behaviors->is_array()) {
    for (const json& b : *behaviors) {
      LogBehavior behavior{ScalarText(Member(b, "id")), ScalarText(Member(b, "name")),
                           ScalarText(Member(b, "result"))};
      if (!behavior.id.empty() || !behavior.name.empty()) {
        e.user_behaviors.push_back(std::move(behavior));
      }
    }
  }
  if (const json* categories = Member(Member(security, "ipDetails"), "ipServiceCategories");
      categories != nullptr && categories->is_array()) {
    for (const json& c : *categories) {
      std::string name = c.is_string() ? ScalarText(&c) : ScalarText(Member(c, "name"));
      if (!name.empty()) e.ip_service_categories.push_back(std::move(name));
    }
  }

  ReadStringMap(Member(Member(j, "debugContext"), "debugData"), &e.debug_data);

  if (const json* device = Member(j, "device"); device != nullptr && device->is_object()) {
    e.has_device = true;
    e.device_os_platform = ScalarText(Member(device, "os_platform"));
    e.device_managed = BoolValue(Member(device, "managed"));
    e.device_registered = BoolValue(Member(device, "registered"));
    e.device_jailbreak = BoolValue(Member(device, "jailbreak"));
  }

  const json* outcome = Member(j, "outcome");
  e.outcome_result = ScalarText(Member(outcome, "result"));
  e.outcome_reason = ScalarText(Member(outcome, "reason"));

  if (const json* targets = Member(j, "target"); targets != nullptr && targets->is_array()) {
    for (const json& t : *targets) {
      if (!t.is_object()) continue;
      LogTarget target;
      target.id = ScalarText(Member(t, "id"));
      target.type = ScalarText(Member(t, "type"));
      target.alternate_id = ScalarText(Member(t, "alternateId"));
      target.display_name = ScalarText(Member(t, "displayName"));
      ReadStringMap(Member(t, "detailEntry"), &target.detail);
      e.targets.push_back(std::move(target));
    }
  }
  FinishLogEvent(&e);
  return e;
}

std::string_view PaddedCopy(std::string_view text, size_t* capacity) {
  // Kept per thread, so it is allocated once.
  thread_local std::string padded;
  if (padded.size() < text.size() + kLogEventPadding) padded.resize(text.size() + kLogEventPadding);
  if (!text.empty()) std::memcpy(padded.data(), text.data(), text.size());
  *capacity = padded.size();
  return std::string_view(padded.data(), text.size());
}

void FinishLogEvent(LogEvent* event) {
  const auto it = event->debug_data.find("securityConditions");
  if (it == event->debug_data.end()) return;
  absl::StatusOr<std::vector<SecurityCondition>> conditions = ParseSecurityConditions(it->second);
  if (conditions.ok()) {
    event->security_conditions = *std::move(conditions);
  } else {
    event->security_conditions_error = std::string(conditions.status().message());
  }
}

}  // namespace logs

namespace {

// A simdjson reading of text that has kLogEventPadding bytes of capacity
// after it.
absl::Status ParsePadded(std::string_view text, size_t capacity, const LogEventPosition& position,
                         LogJsonParser parser, LogEvent* out) {
  if (parser == LogJsonParser::kTape) {
    return logs::ParseLogEventTape(text, capacity, position, out);
  }
  return logs::ParseLogEventOnDemand(text, capacity, position, out);
}

}  // namespace

absl::StatusOr<LogEvent> ParseLogEvent(std::string_view text, const LogEventPosition& position,
                                       LogJsonParser parser) {
  if (parser == LogJsonParser::kDom) return logs::ParseLogEventDom(text, position);
  size_t capacity = 0;
  const std::string_view padded = logs::PaddedCopy(text, &capacity);
  LogEvent event;
  if (absl::Status status = ParsePadded(padded, capacity, position, parser, &event); !status.ok()) {
    return status;
  }
  return event;
}

absl::StatusOr<LogEvent> ParseLogEvent(const RawLogEvent& raw, LogJsonParser parser) {
  LogEvent event;
  if (absl::Status status = ParseLogEvent(raw, parser, &event); !status.ok()) return status;
  return event;
}

absl::Status ParseLogEvent(const RawLogEvent& raw, LogJsonParser parser, LogEvent* event) {
  if (parser != LogJsonParser::kDom && raw.text.capacity() >= raw.text.size() + kLogEventPadding) {
    return ParsePadded(raw.text, raw.text.capacity(), raw.position, parser, event);
  }
  absl::StatusOr<LogEvent> parsed = ParseLogEvent(raw.text, raw.position, parser);
  if (!parsed.ok()) return parsed.status();
  *event = *std::move(parsed);
  return absl::OkStatus();
}

absl::StatusOr<MembershipMap> ParseMemberships(std::string_view json_text,
                                               std::string_view name_view) {
  const std::string name(name_view);
  absl::StatusOr<json> parsed = logs::ParseJsonText(json_text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", parsed.status().message()));
  }
  if (!parsed->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": expected a JSON object of user id → group ids, not ", parsed->type_name()));
  }
  MembershipMap map;
  for (const auto& [user, groups] : parsed->items()) {
    if (!groups.is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": /", user, ": expected an array of group ids or group objects"));
    }
    std::vector<std::string>& ids = map[user];
    for (size_t i = 0; i < groups.size(); ++i) {
      const json& g = groups[i];
      std::string id = g.is_string() ? ScalarText(&g) : ScalarText(Member(g, "id"));
      if (id.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, ": /", user, "/", i, ": expected a group id or an object with \"id\""));
      }
      ids.push_back(std::move(id));
    }
  }
  return map;
}

absl::StatusOr<MembershipMap> LoadMemberships(std::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::NotFoundError(absl::StrCat(std::string(path), ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseMemberships(buffer.str(), path);
}

}  // namespace verdict
