// Spare parts for a LogEvent reused from event to event (LogEventParser::
// Parse): the strings, vector elements and map nodes of the previous event,
// kept with their buffers so reading the next event into them does not
// allocate (the allocator was a fifth of a replay's time;
// docs/performance.md). Owned by its parser; not thread-safe.
#ifndef VERDICT_LIB_LOGS_LOG_EVENT_RECYCLER_H_
#define VERDICT_LIB_LOGS_LOG_EVENT_RECYCLER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "verdict/system_log.h"

namespace verdict::logs {

using StringMap = std::map<std::string, std::string, std::less<>>;

class LogEventRecycler {
 public:
  // Empties *e for the next event (as a default-constructed LogEvent),
  // keeping the buffers of its strings and containers.
  void Reset(LogEvent* e);

  // A new empty last element of *v, built from spare parts when there are.
  LogTarget& AddTarget(std::vector<LogTarget>* v);
  LogBehavior& AddBehavior(std::vector<LogBehavior>* v);
  std::string& AddString(std::vector<std::string>* v);
  // Takes back the last element of *v (one that turned out not to be wanted).
  template <typename T>
  void DropLast(std::vector<T>* v) {
    Keep(std::move(v->back()));
    v->pop_back();
  }

  // (*map)[key], inserted empty from a spare node when absent.
  std::string& MapSlot(StringMap* map, std::string_view key);
  // Removes `key` from *map, keeping its node.
  void Erase(StringMap* map, std::string_view key);
  // Empties *map, keeping its nodes.
  void Clear(StringMap* map);

 private:
  void Keep(LogTarget&& target);
  void Keep(LogBehavior&& behavior);
  void Keep(std::string&& s);

  std::vector<LogTarget> targets_;
  std::vector<LogBehavior> behaviors_;
  std::vector<std::string> strings_;
  std::vector<StringMap::node_type> nodes_;
};

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_LOG_EVENT_RECYCLER_H_
