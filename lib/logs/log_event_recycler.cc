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

// Whether keeping x would pin an unusual amount of memory (checked when it
// is kept: the least recently kept elements may wait long to be reused).
bool Oversized(const std::string& s) { return s.capacity() > kMaxKeptStringBytes; }
bool Oversized(const LogBehavior& b) {
  return Oversized(b.id) || Oversized(b.name) || Oversized(b.result);
}
bool Oversized(const LogTarget& t) {
  // The detail map's nodes are size-checked when they go to the node pool.
  return Oversized(t.id) || Oversized(t.type) || Oversized(t.alternate_id) ||
         Oversized(t.display_name) || t.detail.size() > kMaxSpareNodes / 8;
}

// One element kept (elements are cleared when they are taken for reuse).
template <typename T>
void KeepOne(T&& x, std::vector<T>* spare) {
  if (spare->size() < kMaxSpareElements && !Oversized(x)) spare->push_back(std::move(x));
}

// Moves the elements of *v to *spare (all at once when *spare is empty and
// none is oversized), leaving *v empty with its capacity.
template <typename T>
void KeepAll(std::vector<T>* v, std::vector<T>* spare) {
  bool any_oversized = false;
  for (const T& x : *v) any_oversized = any_oversized || Oversized(x);
  if (spare->empty() && !any_oversized && v->size() <= kMaxSpareElements) {
    spare->swap(*v);
  } else {
    for (T& x : *v) KeepOne(std::move(x), spare);
  }
  v->clear();
}

template <typename T>
T& TakeSpare(std::vector<T>* v, std::vector<T>* spare) {
  if (spare->empty()) return v->emplace_back();
  v->push_back(std::move(spare->back()));
  spare->pop_back();
  return v->back();
}

}  // namespace

void LogEventRecycler::Keep(std::string&& s) { KeepOne(std::move(s), &strings_); }
void LogEventRecycler::Keep(LogTarget&& target) { KeepOne(std::move(target), &targets_); }
void LogEventRecycler::Keep(LogBehavior&& behavior) { KeepOne(std::move(behavior), &behaviors_); }

LogTarget& LogEventRecycler::AddTarget(std::vector<LogTarget>* v) {
  LogTarget& t = TakeSpare(v, &targets_);
  for (std::string* s : {&t.id, &t.type, &t.alternate_id, &t.display_name}) ClearKeeping(s);
  Clear(&t.detail);
  return t;
}

LogBehavior& LogEventRecycler::AddBehavior(std::vector<LogBehavior>* v) {
  LogBehavior& b = TakeSpare(v, &behaviors_);
  for (std::string* s : {&b.id, &b.name, &b.result}) ClearKeeping(s);
  return b;
}

std::string& LogEventRecycler::AddString(std::vector<std::string>* v) {
  std::string& s = TakeSpare(v, &strings_);
  ClearKeeping(&s);
  return s;
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
  KeepAll(&e->targets, &targets_);
  KeepAll(&e->user_behaviors, &behaviors_);
  KeepAll(&e->ip_chain, &strings_);
  KeepAll(&e->ip_service_categories, &strings_);
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
