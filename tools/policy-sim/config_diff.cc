#include "tools/policy-sim/config_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace verdict::cli {
namespace {

using Json = nlohmann::json;

// Keys that are Okta's bookkeeping, not configuration.
bool IsBookkeeping(const std::string& key) {
  return key == "_links" || key == "_embedded" || key == "created" || key == "lastUpdated";
}

std::string Compact(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

void DiffJson(const Json& a, const Json& b, const std::string& pointer, bool top,
              std::vector<ConfigChange::Value>* out) {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
    for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
    for (const std::string& k : keys) {
      if (top && IsBookkeeping(k)) continue;
      // json_pointer escapes the key (RFC 6901: ~0, ~1).
      const std::string p = absl::StrCat(pointer, (Json::json_pointer() / k).to_string());
      if (!a.contains(k)) {
        out->push_back({p, "absent", Compact(b[k])});
      } else if (!b.contains(k)) {
        out->push_back({p, Compact(a[k]), "absent"});
      } else {
        DiffJson(a[k], b[k], p, false, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i)
      DiffJson(a[i], b[i], absl::StrCat(pointer, "/", i), false, out);
    return;
  }
  if (a != b) out->push_back({pointer, Compact(a), Compact(b)});
}

Json ParseRaw(const std::string& raw) {
  Json j = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json(nullptr) : j;
}

template <typename T>
void DiffObjects(const std::string& object, const std::vector<const T*>& before,
                 const std::vector<const T*>& after, std::vector<ConfigChange>* out) {
  std::map<std::string, const T*> old_by_id;
  for (const T* o : before) old_by_id.emplace(o->id, o);
  std::set<std::string> seen;
  for (const T* o : after) {
    seen.insert(o->id);
    ConfigChange c;
    c.object = object;
    c.id = o->id;
    c.name = o->name;
    c.file = o->file;
    c.pointer = o->pointer;
    auto it = old_by_id.find(o->id);
    if (it == old_by_id.end()) {
      c.kind = ConfigChange::Kind::kAdded;
    } else {
      DiffJson(ParseRaw(it->second->raw_json), ParseRaw(o->raw_json), o->pointer, true, &c.values);
      if (c.values.empty()) continue;
    }
    out->push_back(std::move(c));
  }
  for (const T* o : before) {
    if (seen.count(o->id) != 0) continue;
    ConfigChange c;
    c.kind = ConfigChange::Kind::kRemoved;
    c.object = object;
    c.id = o->id;
    c.name = o->name;
    c.file = o->file;
    c.pointer = o->pointer;
    out->push_back(std::move(c));
  }
}

// Zones carry no file or pointer of their own: zones.json, by index.
struct ZoneRef {
  std::string id;
  std::string name;
  std::string raw_json;
  std::string file = "zones.json";
  std::string pointer;
};

std::vector<ZoneRef> ZoneRefs(const Snapshot& s) {
  std::vector<ZoneRef> out;
  for (size_t i = 0; i < s.zones.size(); ++i) {
    out.push_back(
        {s.zones[i].id, s.zones[i].name, s.zones[i].raw_json, "zones.json", absl::StrCat("/", i)});
  }
  return out;
}

template <typename T>
std::vector<const T*> Pointers(const std::vector<T>& v) {
  std::vector<const T*> out;
  for (const T& x : v) out.push_back(&x);
  return out;
}

}  // namespace

const char* ConfigChangeKindName(ConfigChange::Kind kind) {
  switch (kind) {
    case ConfigChange::Kind::kAdded:
      return "added";
    case ConfigChange::Kind::kRemoved:
      return "removed";
    case ConfigChange::Kind::kChanged:
      break;
  }
  return "changed";
}

std::vector<ConfigChange> DiffConfiguration(const Snapshot& before, const Snapshot& after) {
  std::vector<ConfigChange> out;
  DiffObjects("policy", Pointers(before.policies), Pointers(after.policies), &out);
  std::vector<const Rule*> old_rules;
  std::vector<const Rule*> new_rules;
  for (const Policy& p : before.policies) {
    for (const Rule& r : p.rules) old_rules.push_back(&r);
  }
  for (const Policy& p : after.policies) {
    for (const Rule& r : p.rules) new_rules.push_back(&r);
  }
  DiffObjects("rule", old_rules, new_rules, &out);
  const std::vector<ZoneRef> old_zones = ZoneRefs(before);
  const std::vector<ZoneRef> new_zones = ZoneRefs(after);
  DiffObjects("zone", Pointers(old_zones), Pointers(new_zones), &out);
  return out;
}

void CountMovedDecision(const Decision& before, const Decision& after,
                        std::vector<ConfigChange>* changes) {
  std::set<std::string> involved;
  for (const Decision* d : {&before, &after}) {
    if (d->policy != nullptr) involved.insert("policy " + d->policy->id);
    if (d->rule != nullptr) {
      involved.insert("rule " + d->rule->id);
      if (d->rule->conditions.network) {
        for (const std::string& z : d->rule->conditions.network->include)
          involved.insert("zone " + z);
        for (const std::string& z : d->rule->conditions.network->exclude)
          involved.insert("zone " + z);
      }
    }
    if (d->blocking_zone != nullptr) involved.insert("zone " + d->blocking_zone->id);
  }
  for (ConfigChange& c : *changes) {
    if (involved.count(c.object + " " + c.id) != 0) ++c.decisions_moved;
  }
}

}  // namespace verdict::cli
