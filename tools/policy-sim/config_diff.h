// What changed between two snapshots' configuration: policies, rules and
// network zones added, removed or changed, each change down to the JSON
// pointer of every value that differs. `policy-sim diff` prints it beside
// the decisions that changed and links each configuration change to the
// decisions it moved, so a reviewer sees cause and effect together.
#ifndef VERDICT_TOOLS_POLICY_SIM_CONFIG_DIFF_H_
#define VERDICT_TOOLS_POLICY_SIM_CONFIG_DIFF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict::cli {

struct ConfigChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind = Kind::kChanged;
  std::string object;  // "policy", "rule" or "zone"
  std::string id;
  std::string name;
  // Where the object is: in --after, or in --before when removed.
  std::string file;
  std::string pointer;
  // For kChanged: each differing value, its pointer inside the file and the
  // values before and after as compact JSON ("absent" when missing).
  struct Value {
    std::string pointer;
    std::string before;
    std::string after;
  };
  std::vector<Value> values;
  // Changed decisions this object took part in (it decided before or after,
  // or its zone is one those rules or the blocklist named).
  uint64_t decisions_moved = 0;
};

// The configuration changes from `before` to `after`, policies first (by
// type and priority of --after), then rules, then zones. Bookkeeping that is
// not configuration (_links, _embedded, created, lastUpdated) is ignored.
std::vector<ConfigChange> DiffConfiguration(const Snapshot& before, const Snapshot& after);

// Counts `before → after` (one changed decision) against the changes it
// involves: its policies and rules, and the zones their network conditions
// or the blocklist name.
void CountMovedDecision(const Decision& before, const Decision& after,
                        std::vector<ConfigChange>* changes);

const char* ConfigChangeKindName(ConfigChange::Kind kind);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_CONFIG_DIFF_H_
