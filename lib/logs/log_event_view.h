// The fields of a System Log event that the conversion reads, as views: the
// same fields as LogEvent, without owning them. A replay reads each event's
// fields straight from simdjson's tape into a LogEventView (the strings stay
// in the parser's buffers) instead of copying them into a LogEvent's strings
// and maps; building that LogEvent was ~30% of a replay's time
// (docs/performance.md). The conversion (log_context.cc) reads only views:
// a LogEvent is converted through ViewOf().
#ifndef VERDICT_LIB_LOGS_LOG_EVENT_VIEW_H_
#define VERDICT_LIB_LOGS_LOG_EVENT_VIEW_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "lib/logs/iso3166.h"
#include "verdict/system_log.h"

namespace verdict::logs {

// debugData / detailEntry as views: keys in first-seen order, each once (a
// duplicate key's later value replaces the earlier, a later null removes it,
// as in LogEvent's maps). Events have a handful of members, so a search is a
// short scan.
class FlatStringMap {
 public:
  // The value of `key`; nullptr when absent.
  const std::string_view* Find(std::string_view key) const {
    for (const auto& [k, v] : entries_) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  // The value of `key`, inserted empty when absent.
  std::string_view& Slot(std::string_view key) {
    for (auto& [k, v] : entries_) {
      if (k == key) return v;
    }
    return entries_.emplace_back(key, std::string_view()).second;
  }
  void Erase(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.erase(it);
        return;
      }
    }
  }
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  absl::InlinedVector<std::pair<std::string_view, std::string_view>, 8> entries_;
};

struct LogTargetView {
  std::string_view id;
  std::string_view type;
  std::string_view alternate_id;
  std::string_view display_name;
  FlatStringMap detail;
};

struct LogBehaviorView {
  std::string_view id;
  std::string_view name;
  std::string_view result;
};

// LogEvent's fields, field for field (see verdict/system_log.h), except the
// parsed securityConditions: from a LogEvent they are its parsed list; read
// from the tape, security_conditions is null and the conversion parses
// debug_data's "securityConditions" text itself.
struct LogEventView {
  LogEventPosition position;
  std::string_view uuid;
  std::string_view event_type;
  std::string_view published;
  std::string_view actor_id;
  std::string_view actor_type;
  std::string_view actor_alternate_id;
  std::string_view client_ip;
  std::string_view client_device;
  std::string_view user_agent_os;
  std::string_view country;
  std::string_view state;
  absl::InlinedVector<std::string_view, 4> ip_chain;
  std::string_view authentication_provider;
  std::optional<int64_t> as_number;
  std::optional<bool> is_proxy;
  std::string_view risk_level;
  std::vector<LogBehaviorView> user_behaviors;
  absl::InlinedVector<std::string_view, 4> ip_service_categories;
  FlatStringMap debug_data;
  bool has_device = false;
  std::string_view device_os_platform;
  std::optional<bool> device_managed;
  std::optional<bool> device_registered;
  std::optional<bool> device_jailbreak;
  std::string_view outcome_result;
  std::string_view outcome_reason;
  std::vector<LogTargetView> targets;
  const std::vector<SecurityCondition>* security_conditions = nullptr;
  std::string_view security_conditions_error;

  // Empties the view for the next event, keeping its containers' capacity.
  void Clear();
};

// A view of `event`'s fields (valid while `event` is unchanged).
void ViewOf(const LogEvent& event, LogEventView* view);

// Text a view points to that is not in the JSON parser's buffers (numbers,
// and objects inside debugData, written as text): kept until Clear(), its
// strings' buffers reused after.
class ViewTextStore {
 public:
  std::string_view Keep(std::string text) {
    if (used_ == texts_.size()) texts_.emplace_back();
    std::string& slot = texts_[used_++];
    slot = std::move(text);
    return slot;
  }
  void Clear() { used_ = 0; }

 private:
  std::deque<std::string> texts_;  // a deque: Keep() does not move earlier texts
  size_t used_ = 0;
};

// The element-building calls of EventReading (lib/logs/log_event_reading.h)
// for a LogEventView; LogEventRecycler is their LogEvent counterpart.
struct LogEventViewParts {
  ViewTextStore* texts;  // the caller's: text the view shows that the parser does not hold

  // Keeps `text` for the view (until texts->Clear()).
  std::string_view Keep(std::string text) { return texts->Keep(std::move(text)); }
  std::string_view& MapSlot(FlatStringMap* map, std::string_view key) { return map->Slot(key); }
  void Erase(FlatStringMap* map, std::string_view key) { map->Erase(key); }
  void Clear(FlatStringMap* map) { map->clear(); }
  LogTargetView& AddTarget(std::vector<LogTargetView>* v) { return v->emplace_back(); }
  LogBehaviorView& AddBehavior(std::vector<LogBehaviorView>* v) { return v->emplace_back(); }
  std::string_view& AddString(absl::InlinedVector<std::string_view, 4>* v) {
    return v->emplace_back();
  }
  template <typename V>
  void DropLast(V* v) {
    v->pop_back();
  }
};

// Converts the event the view shows (see ContextFromLogEvent). `places`
// (may be null: every name is looked up) keeps the place names already
// looked up; the caller's, one per thread.
void ContextFromLogEventView(const LogEventView& event, const LogConversionOptions& options,
                             LogEventConversion* out, PlaceCodeCache* places);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_LOG_EVENT_VIEW_H_
