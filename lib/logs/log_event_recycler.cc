#include "lib/logs/log_event_recycler.h"

#include <utility>

namespace verdict::logs {
namespace {

// Bounds on what is kept, so one unusual event cannot pin memory: Okta's
// events have a handful of targets and behaviors and a few dozen
// debugData/detailEntry members.
constexpr size_t kMaxSpareElements = 64;
constexpr size_t kMaxSpareNodes = 512;
constexpr size_t kMaxKeptStringBytes = 16 * 1024;

void ClearKeeping(std::string* s) {
  if (s->capacity() > kMaxKeptStringBytes) {
    std::string().swap(*s);
  } else {
    s->clear();
  }
}

}  // namespace

LogEventRecycler& LogEventRecycler::ThisThread() {
  thread_local LogEventRecycler recycler;
  return recycler;
}

void LogEventRecycler::Keep(std::string&& s) {
  if (strings_.size() >= kMaxSpareElements) return;
  ClearKeeping(&s);
  strings_.push_back(std::move(s));
}

void LogEventRecycler::Keep(LogTarget&& target) {
  if (targets_.size() >= kMaxSpareElements) return;
  for (std::string* s : {&target.id, &target.type, &target.alternate_id, &target.display_name}) {
    ClearKeeping(s);
  }
  Clear(&target.detail);
  targets_.push_back(std::move(target));
}

void LogEventRecycler::Keep(LogBehavior&& behavior) {
  if (behaviors_.size() >= kMaxSpareElements) return;
  for (std::string* s : {&behavior.id, &behavior.name, &behavior.result}) ClearKeeping(s);
  behaviors_.push_back(std::move(behavior));
}

LogTarget& LogEventRecycler::AddTarget(std::vector<LogTarget>* v) {
  if (targets_.empty()) return v->emplace_back();
  v->push_back(std::move(targets_.back()));
  targets_.pop_back();
  return v->back();
}

LogBehavior& LogEventRecycler::AddBehavior(std::vector<LogBehavior>* v) {
  if (behaviors_.empty()) return v->emplace_back();
  v->push_back(std::move(behaviors_.back()));
  behaviors_.pop_back();
  return v->back();
}

std::string& LogEventRecycler::AddString(std::vector<std::string>* v) {
  if (strings_.empty()) return v->emplace_back();
  v->push_back(std::move(strings_.back()));
  strings_.pop_back();
  return v->back();
}

std::string& LogEventRecycler::MapSlot(StringMap* map, std::string_view key) {
  auto it = map->lower_bound(key);
  if (it != map->end() && it->first == key) return it->second;
  if (nodes_.empty()) return map->emplace_hint(it, std::string(key), std::string())->second;
  StringMap::node_type node = std::move(nodes_.back());
  nodes_.pop_back();
  node.key().assign(key);
  node.mapped().clear();
  return map->insert(it, std::move(node))->second;
}

void LogEventRecycler::Erase(StringMap* map, std::string_view key) {
  auto it = map->find(key);
  if (it == map->end()) return;
  StringMap::node_type node = map->extract(it);
  if (nodes_.size() < kMaxSpareNodes && node.key().capacity() <= kMaxKeptStringBytes &&
      node.mapped().capacity() <= kMaxKeptStringBytes) {
    nodes_.push_back(std::move(node));
  }
}

void LogEventRecycler::Clear(StringMap* map) {
  while (!map->empty()) {
    StringMap::node_type node = map->extract(map->begin());
    if (nodes_.size() < kMaxSpareNodes && node.key().capacity() <= kMaxKeptStringBytes &&
        node.mapped().capacity() <= kMaxKeptStringBytes) {
      nodes_.push_back(std::move(node));
    }
  }
}

// Everything not recycled here, including any field added to LogEvent later,
// comes from a default-constructed LogEvent.
void LogEventRecycler::Reset(LogEvent* e) {
  for (LogTarget& t : e->targets) Keep(std::move(t));
  for (LogBehavior& b : e->user_behaviors) Keep(std::move(b));
  for (std::string& s : e->ip_chain) Keep(std::move(s));
  for (std::string& s : e->ip_service_categories) Keep(std::move(s));
  e->targets.clear();
  e->user_behaviors.clear();
  e->ip_chain.clear();
  e->ip_service_categories.clear();
  Clear(&e->debug_data);

  LogEvent fresh;
  for (std::string LogEvent::*field :
       {&LogEvent::uuid, &LogEvent::event_type, &LogEvent::published, &LogEvent::actor_id,
        &LogEvent::actor_type, &LogEvent::actor_alternate_id, &LogEvent::client_ip,
        &LogEvent::client_device, &LogEvent::user_agent_os, &LogEvent::authentication_provider,
        &LogEvent::risk_level, &LogEvent::outcome_result, &LogEvent::outcome_reason}) {
    ClearKeeping(&(e->*field));
    (fresh.*field).swap(e->*field);
  }
  fresh.targets.swap(e->targets);
  fresh.user_behaviors.swap(e->user_behaviors);
  fresh.ip_chain.swap(e->ip_chain);
  fresh.ip_service_categories.swap(e->ip_service_categories);
  *e = std::move(fresh);
}

}  // namespace verdict::logs
