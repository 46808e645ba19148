// ParseLogEvent (JSON text → LogEvent) for one event at a time, the sign-on
// event types, and the memberships file. The reading itself is
// LogEventParser's (log_event_parser.cc).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_padding.h"
#include "lib/logs/log_event_reading.h"
#include "lib/logs/security_conditions.h"
#include "verdict/system_log.h"

namespace verdict {

using logs::Member;
using logs::ScalarText;
using nlohmann::json;

bool IsSignOnEventType(std::string_view event_type) {
  return event_type == "policy.evaluate_sign_on" || event_type == "user.session.start" ||
         event_type == "user.authentication.sso" ||
         event_type == "user.authentication.auth_via_mfa" ||
         event_type == "user.authentication.verify";
}

namespace logs {

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

absl::StatusOr<LogEvent> ParseLogEvent(std::string_view text, const LogEventPosition& position) {
  RawLogEvent raw;
  raw.text.reserve(text.size() + kLogEventPadding);
  raw.text.assign(text);
  raw.position = position;
  return ParseLogEvent(raw);
}

absl::StatusOr<LogEvent> ParseLogEvent(const RawLogEvent& raw) {
  LogEventParser parser;
  LogEvent event;
  if (absl::Status status = parser.Parse(raw, &event); !status.ok()) return status;
  return event;
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
