#include "verdict/decision_reasons.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace verdict {

DecisionReasons ReasonsBufferFor(const Snapshot& snapshot) {
  size_t policies = 0;
  size_t rules = 0;
  for (PolicyType type : snapshot.Types()) {
    const std::vector<const Policy*>& of_type = snapshot.PoliciesOfType(type);
    policies = std::max(policies, of_type.size());
    for (const Policy* p : of_type) rules = std::max(rules, p->rules.size());
  }
  return DecisionReasons(policies, rules);
}

}  // namespace verdict
