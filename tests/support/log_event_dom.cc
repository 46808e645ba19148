// A test oracle (tests/support/log_event_oracles.h), once a production
// reading and still the reference: the whole event parsed by nlohmann/json
// into a tree, then the fields looked up, one statement per field.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_reading.h"
#include "tests/support/log_event_oracles.h"
#include "verdict/system_log.h"

namespace verdict::testing {
namespace {

using logs::AnyText;
using logs::BoolValue;
using logs::IntValue;
using logs::kMaxLogEventDepth;
using logs::Member;
using logs::NestingDepth;
using logs::ParseJsonText;
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
  logs::FinishLogEvent(&e);
  return e;
}

}  // namespace verdict::testing
