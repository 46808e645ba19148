#include "verdict/snapshot.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace verdict {

const NetworkZone* Snapshot::FindZone(std::string_view id) const {
  for (const NetworkZone& zone : zones) {
    if (zone.id == id) return &zone;
  }
  return nullptr;
}

const Policy* Snapshot::FindPolicy(std::string_view id) const {
  for (const Policy& policy : policies) {
    if (policy.id == id) return &policy;
  }
  return nullptr;
}

const Application* Snapshot::FindApp(std::string_view id) const {
  for (const Application& app : apps) {
    if (app.id == id) return &app;
  }
  return nullptr;
}

std::vector<const Group*> Snapshot::EveryoneGroups() const {
  std::vector<const Group*> out;
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    if (g.type != "BUILT_IN" || g.name != "Everyone") continue;
    const bool repeated = std::any_of(groups.begin(), groups.begin() + static_cast<ptrdiff_t>(i),
                                      [&](const Group& earlier) { return earlier.id == g.id; });
    if (!repeated) out.push_back(&g);
  }
  return out;
}

const IdentityProvider* Snapshot::FindIdp(std::string_view id) const {
  for (const IdentityProvider& idp : idps) {
    if (idp.id == id) return &idp;
  }
  return nullptr;
}

std::vector<const Policy*> Snapshot::PoliciesOfType(PolicyType type) const {
  std::vector<const Policy*> out;
  for (const Policy& policy : policies) {
    if (policy.type == type) out.push_back(&policy);
  }
  // LoadSnapshot already stores this order; a hand-built Snapshot may not.
  std::stable_sort(out.begin(), out.end(), [](const Policy* a, const Policy* b) {
    if (a->priority.has_value() != b->priority.has_value()) return a->priority.has_value();
    if (a->priority.has_value() && *a->priority != *b->priority) {
      return *a->priority < *b->priority;
    }
    return a->id < b->id;
  });
  return out;
}

std::vector<PolicyType> Snapshot::Types() const {
  bool present[kPolicyTypeCount] = {};
  for (const Policy& policy : policies) present[static_cast<int>(policy.type)] = true;
  std::vector<PolicyType> out;
  for (int i = 0; i < kPolicyTypeCount; ++i) {
    if (present[i]) out.push_back(static_cast<PolicyType>(i));
  }
  return out;
}

}  // namespace verdict
