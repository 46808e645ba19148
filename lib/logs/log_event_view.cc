#include "lib/logs/log_event_view.h"

namespace verdict::logs {

// A member added to LogEventView needs a line in Clear() (the size is a
// trip-wire where it is known; the view tests check the resets).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(LogEventView) == 800, "a member was added: clear it in Clear()");
#endif

void LogEventView::Clear() {
  position = {};
  uuid = event_type = published = {};
  actor_id = actor_type = actor_alternate_id = {};
  client_ip = client_device = user_agent_os = country = state = {};
  ip_chain.clear();
  authentication_provider = {};
  as_number.reset();
  is_proxy.reset();
  risk_level = {};
  user_behaviors.clear();
  ip_service_categories.clear();
  debug_data.clear();
  has_device = false;
  device_os_platform = {};
  device_managed.reset();
  device_registered.reset();
  device_jailbreak.reset();
  outcome_result = outcome_reason = {};
  targets.clear();
  security_conditions = nullptr;
  security_conditions_error = {};
}

void ViewOf(const LogEvent& e, LogEventView* v) {
  v->Clear();
  v->position = e.position;
  v->uuid = e.uuid;
  v->event_type = e.event_type;
  v->published = e.published;
  v->actor_id = e.actor_id;
  v->actor_type = e.actor_type;
  v->actor_alternate_id = e.actor_alternate_id;
  v->client_ip = e.client_ip;
  v->client_device = e.client_device;
  v->user_agent_os = e.user_agent_os;
  v->country = e.country;
  v->state = e.state;
  v->ip_chain.assign(e.ip_chain.begin(), e.ip_chain.end());
  v->authentication_provider = e.authentication_provider;
  v->as_number = e.as_number;
  v->is_proxy = e.is_proxy;
  v->risk_level = e.risk_level;
  for (const LogBehavior& b : e.user_behaviors) {
    v->user_behaviors.push_back({b.id, b.name, b.result});
  }
  v->ip_service_categories.assign(e.ip_service_categories.begin(), e.ip_service_categories.end());
  for (const auto& [key, value] : e.debug_data) v->debug_data.Slot(key) = value;
  v->has_device = e.has_device;
  v->device_os_platform = e.device_os_platform;
  v->device_managed = e.device_managed;
  v->device_registered = e.device_registered;
  v->device_jailbreak = e.device_jailbreak;
  v->outcome_result = e.outcome_result;
  v->outcome_reason = e.outcome_reason;
  for (const LogTarget& t : e.targets) {
    LogTargetView& target = v->targets.emplace_back();
    target.id = t.id;
    target.type = t.type;
    target.alternate_id = t.alternate_id;
    target.display_name = t.display_name;
    for (const auto& [key, value] : t.detail) target.detail.Slot(key) = value;
  }
  v->security_conditions = &e.security_conditions;
  v->security_conditions_error = e.security_conditions_error;
}

}  // namespace verdict::logs
