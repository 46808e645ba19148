#include "verdict/snapshot.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace verdict {
namespace {

constexpr std::string_view kLegacyIpZone = "LegacyIpZone";
constexpr std::string_view kDefaultExemptIpZone = "DefaultExemptIpZone";

bool AnySystemZone(const std::vector<NetworkZone>& zones) {
  return std::any_of(zones.begin(), zones.end(), [](const NetworkZone& z) { return z.system; });
}

}  // namespace

// The system zones are found by what they are, not by their names, which
// admins may change (docs/semantics.md, "System zones"): DefaultExemptIpZone
// is the system zone with useAsExemptList true (SPEC#NetworkZone
// useAsExemptList; HELP-EXEMPT). Payloads that predate the field: the system
// IP zone of that name. Only a snapshot with no system zone at all (made by
// hand, without `system`) falls back to the name alone (*chosen*): in a real
// payload a user zone that merely carries the name is not the exempt list.
const NetworkZone* Snapshot::DefaultExemptZone() const {
  for (const NetworkZone& z : zones) {
    if (z.system && z.use_as_exempt_list.value_or(false)) return &z;
  }
  for (const NetworkZone& z : zones) {
    if (z.system && z.type == ZoneType::kIp && z.name == kDefaultExemptIpZone &&
        !z.use_as_exempt_list.has_value()) {
      return &z;
    }
  }
  if (AnySystemZone(zones)) return nullptr;
  for (const NetworkZone& z : zones) {
    if (z.name == kDefaultExemptIpZone) return &z;
  }
  return nullptr;
}

// LegacyIpZone is the system IP zone of POLICY usage that is not the exempt
// list (the other system IP zone, BlockedIpZone, has BLOCKLIST usage;
// HELP-IPZ, SPEC#NetworkZone.system). Should two qualify (an exempt zone
// renamed in a payload without useAsExemptList), the one named LegacyIpZone;
// with no system zone at all, the zone of that name (*chosen*).
const NetworkZone* Snapshot::LegacyIpZone() const {
  const NetworkZone* exempt = DefaultExemptZone();
  const NetworkZone* first = nullptr;
  for (const NetworkZone& z : zones) {
    if (!z.system || z.type != ZoneType::kIp || z.usage != ZoneUsage::kPolicy || &z == exempt ||
        z.use_as_exempt_list.value_or(false)) {
      continue;
    }
    if (z.name == kLegacyIpZone) return &z;
    if (first == nullptr) first = &z;
  }
  if (first != nullptr || AnySystemZone(zones)) return first;
  for (const NetworkZone& z : zones) {
    if (z.name == kLegacyIpZone) return &z;
  }
  return nullptr;
}

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
