// LoadSnapshot: the directory layout of docs/interfaces.md §1 → Snapshot.
// Files are read in a fixed order (manifest, zones, groups, behaviors,
// policies, rules, mappings, apps, user groups; directory entries sorted by name),
// so the issue list is the same on every run. Per-object parsing is
// model_parser.cc; this file owns the cross-object checks: duplicate ids,
// duplicate priorities, dangling references, ordering.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lib/model/app_loader.h"
#include "lib/model/idp_loader.h"
#include "lib/model/json_walker.h"
#include "lib/model/linked_objects_loader.h"
#include "lib/model/model_parser.h"
#include "lib/model/snapshot_files.h"
#include "verdict/authenticators.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using model_internal::Av;
using model_internal::Json;
using model_internal::Ptr;
using model_internal::Quoted;
using model_internal::Walker;

constexpr std::string_view kEveryoneGroup = "EVERYONE";

// Evaluation order: priority ascending, absent last, then id in byte order.
template <typename T>
bool PriorityLess(const T& a, const T& b) {
  if (a.priority.has_value() != b.priority.has_value()) return a.priority.has_value();
  if (a.priority.has_value() && *a.priority != *b.priority) return *a.priority < *b.priority;
  return a.id < b.id;
}

std::string Where(std::string_view file, std::string_view pointer) {
  return pointer.empty() ? std::string(file) : absl::StrCat(Av(file), " ", Av(pointer));
}

class Loader {
 public:
  Loader(std::string_view directory, IssueList* issues)
      : root_(std::string(directory)), issues_(issues), files_(root_, issues) {
    snap_.directory = std::string(directory);
  }

  Snapshot Run() {
    std::error_code ec;
    if (!files_.valid()) {
      const bool exists = fs::exists(root_, ec);
      Add(Issue::Severity::kError, "snapshot.missing_directory", snap_.directory, "",
          exists ? "not a directory" : "no such directory");
      return std::move(snap_);
    }
    LoadManifest();
    LoadZones();
    LoadGroups();
    LoadBehaviors();
    LoadPolicies();
    LoadRules();
    CheckStructure();
    LoadMappings();
    LoadApps();
    LoadIdps();
    LoadUserGroups();
    LoadUserFactors();
    model_internal::LoadLinkedObjects(files_, &snap_, issues_);
    CheckRuleTypes();
    CheckDuplicateRuleIds();
    Sort();
    CheckReferences();
    model_internal::CheckIdpActions(snap_, issues_);
    return std::move(snap_);
  }

 private:
  void Add(Issue::Severity severity, std::string_view code, std::string file, std::string pointer,
           std::string message) {
    Issue issue;
    issue.severity = severity;
    issue.code = std::string(code);
    issue.file = std::move(file);
    issue.pointer = std::move(pointer);
    issue.message = std::move(message);
    issues_->push_back(std::move(issue));
  }

  bool Exists(const std::string& rel) { return files_.Exists(rel); }

  // The parsed file, or nullopt when it is unreadable or malformed (an error
  // is recorded). The caller checks existence first.
  std::optional<Json> ReadJson(const std::string& rel) {
    std::optional<std::string> text = files_.Read(rel);
    if (!text.has_value()) return std::nullopt;
    return model_internal::ParseJson(*text, rel, issues_);
  }

  // A file whose top level must be an array.
  std::optional<Json> ReadArray(const std::string& rel, Walker& w) {
    std::optional<Json> json = ReadJson(rel);
    if (!json.has_value()) return std::nullopt;
    if (!w.ExpectArray(*json, "")) return std::nullopt;
    return json;
  }

  // Sorted names of the *.json files in `subdir` (empty if absent).
  std::vector<std::string> JsonFiles(const std::string& subdir) { return files_.JsonFiles(subdir); }

  // A snapshot without the structure its policies need is refused rather
  // than read as an org without policies or rules (each would silently
  // change every decision).
  void CheckStructure() {
    if (!Exists("policies")) {
      std::error_code ec;
      const bool empty = fs::is_empty(root_, ec);
      Add(empty ? Issue::Severity::kError : Issue::Severity::kWarning, "snapshot.no_policies",
          "policies", "",
          empty ? "the directory is empty: not a snapshot (docs/interfaces.md §1)"
                : "no policies/ directory: every decision will be \"no policy\"");
      return;
    }
    if (Exists("rules")) return;
    std::vector<std::string> without;
    for (const Policy& p : snap_.policies) {
      if (!p.id.empty() && embedded_rules_.count(p.id) == 0) without.push_back(p.id);
    }
    if (without.empty()) return;
    const size_t shown = std::min<size_t>(without.size(), 5);
    std::string ids;
    for (size_t i = 0; i < shown; ++i) absl::StrAppend(&ids, i ? ", " : "", Quoted(without[i]));
    Add(Issue::Severity::kError, "snapshot.missing_rules", "rules", "",
        absl::StrCat("no rules/ directory, but ", without.size(), " polic",
                     without.size() == 1 ? "y has" : "ies have", " no embedded rules (", ids,
                     without.size() > shown ? ", ..." : "",
                     "): their rules would be missing. Add rules/<policyId>.json (an empty "
                     "array for a policy without rules) or embed them (_embedded.rules)"));
  }

  static std::string Stem(const std::string& file_name) {
    return file_name.substr(0, file_name.size() - std::string_view(".json").size());
  }

  // ------------------------------------------------------------ files

  void LoadManifest() {
    const std::string rel = "manifest.json";
    if (!Exists(rel)) return;
    std::optional<Json> json = ReadJson(rel);
    if (!json.has_value()) return;
    Walker w(rel, issues_);
    if (!w.ExpectObject(*json, "")) return;
    std::optional<int64_t> version;
    w.Int(*json, "formatVersion", "", &version);
    if (version.has_value()) {
      snap_.manifest.format_version = static_cast<int>(*version);
      if (*version != 1) {
        w.Warning("manifest.format_version", "/formatVersion",
                  absl::StrCat("format version ", *version, " is not 1; reading it as 1"));
      }
    }
    w.String(*json, "org", "", &snap_.manifest.org);
    w.String(*json, "pulledAt", "", &snap_.manifest.pulled_at);
    w.String(*json, "source", "", &snap_.manifest.source);
  }

  void LoadZones() {
    const std::string rel = "zones.json";
    if (!Exists(rel)) {
      Add(Issue::Severity::kWarning, "snapshot.missing_zones", rel, "",
          "no zones.json: the snapshot has no network zones");
      return;
    }
    Walker w(rel, issues_);
    std::optional<Json> json = ReadArray(rel, w);
    if (!json.has_value()) return;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < json->size(); ++i) {
      const std::string p = Ptr("", i);
      NetworkZone zone;
      if (!model_internal::ParseZone(w, (*json)[i], p, &zone)) continue;
      if (!zone.id.empty()) {
        auto [it, inserted] = seen.emplace(zone.id, i);
        if (!inserted) {
          w.Error(
              "zone.duplicate_id", Ptr(p, "id"),
              absl::StrCat("duplicate zone id ", Quoted(zone.id), " (first at /", it->second, ")"));
          continue;
        }
      }
      zone_ids_.insert(zone.id);
      snap_.zones.push_back(std::move(zone));
    }
  }

  void LoadGroups() {
    const std::string rel = "groups.json";
    if (!Exists(rel)) return;
    snap_.has_groups_file = true;
    Walker w(rel, issues_);
    std::optional<Json> json = ReadArray(rel, w);
    if (!json.has_value()) return;
    for (size_t i = 0; i < json->size(); ++i) {
      const std::string p = Ptr("", i);
      const Json& g = (*json)[i];
      if (!w.ExpectObject(g, p)) continue;
      Group group;
      if (!w.Require(g, "id", p) || !w.String(g, "id", p, &group.id)) continue;
      w.String(g, "type", p, &group.type);
      if (const Json* profile = w.Object(g, "profile", p)) {
        w.String(*profile, "name", Ptr(p, "profile"), &group.name);
      }
      group_ids_.insert(group.id);
      snap_.groups.push_back(std::move(group));
    }
  }

  void LoadBehaviors() {
    const std::string rel = "behaviors.json";
    if (!Exists(rel)) return;
    snap_.has_behaviors_file = true;
    Walker w(rel, issues_);
    std::optional<Json> json = ReadArray(rel, w);
    if (!json.has_value()) return;
    for (size_t i = 0; i < json->size(); ++i) {
      const std::string p = Ptr("", i);
      const Json& b = (*json)[i];
      if (!w.ExpectObject(b, p)) continue;
      Behavior behavior;
      if (!w.Require(b, "id", p) || !w.String(b, "id", p, &behavior.id)) continue;
      w.String(b, "name", p, &behavior.name);
      w.String(b, "type", p, &behavior.type);
      w.Enum<bool>(b, "status", p, {{"ACTIVE", true}, {"INACTIVE", false}},
                   /*ignore_case=*/true, &behavior.active);
      behavior_keys_.insert(behavior.id);
      if (!behavior.name.empty()) behavior_keys_.insert(behavior.name);
      snap_.behaviors.push_back(std::move(behavior));
    }
  }

  void LoadPolicies() {
    for (const std::string& name : JsonFiles("policies")) {
      const std::string rel = absl::StrCat("policies/", name);
      const std::string type_name = Stem(name);
      const std::optional<PolicyType> file_type = ParsePolicyType(type_name);
      if (!file_type.has_value()) {
        Add(Issue::Severity::kError, "policy.unknown_type", rel, "",
            absl::StrCat("file name names no known policy type: ", Quoted(type_name)));
        continue;
      }
      Walker w(rel, issues_);
      std::optional<Json> json = ReadArray(rel, w);
      if (!json.has_value()) continue;
      for (size_t i = 0; i < json->size(); ++i) {
        const std::string p = Ptr("", i);
        Policy policy;
        bool embedded = false;
        if (!model_internal::ParsePolicy(w, (*json)[i], p, *file_type, &policy, &embedded)) {
          continue;
        }
        if (!policy.id.empty()) {
          auto [it, inserted] = policy_index_.emplace(policy.id, snap_.policies.size());
          if (!inserted) {
            const Policy& first = snap_.policies[it->second];
            w.Error("policy.duplicate_id", Ptr(p, "id"),
                    absl::StrCat("duplicate policy id ", Quoted(policy.id), " (first at ",
                                 Where(first.file, first.pointer), ")"));
            continue;
          }
          if (embedded) embedded_rules_.insert(policy.id);
        }
        snap_.policies.push_back(std::move(policy));
      }
    }
  }

  void LoadRules() {
    for (const std::string& name : JsonFiles("rules")) {
      const std::string rel = absl::StrCat("rules/", name);
      const std::string policy_id = Stem(name);
      Walker w(rel, issues_);
      std::optional<Json> json = ReadArray(rel, w);
      if (!json.has_value()) continue;
      std::vector<Rule> rules;
      for (size_t i = 0; i < json->size(); ++i) {
        Rule rule;
        if (model_internal::ParseRule(w, (*json)[i], Ptr("", i), &rule)) {
          rules.push_back(std::move(rule));
        }
      }
      auto it = policy_index_.find(policy_id);
      if (it == policy_index_.end()) {
        w.Warning("rules.unknown_policy", "",
                  absl::StrCat("rules for unknown policy ", Quoted(policy_id),
                               " (no policies/*.json holds it); ignored"));
        continue;
      }
      Policy& policy = snap_.policies[it->second];
      if (embedded_rules_.count(policy_id) != 0) {
        w.Error("policy.rules_twice", "",
                absl::StrCat("rules given twice for policy ", Quoted(policy_id), ": here and in ",
                             policy.file, " ", policy.pointer, "/_embedded/rules"));
        continue;
      }
      for (Rule& rule : rules) policy.rules.push_back(std::move(rule));
    }
  }

  // The app id of one mapping: `_links.application.href`'s last segment, else
  // `target` (id or object), else `appId`, else `id`.
  static std::string MappingAppId(const Json& m) {
    auto str = [](const Json& obj, std::string_view key) -> std::string {
      if (!obj.is_object()) return "";
      auto it = obj.find(key);
      return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
    };
    auto links = m.find("_links");
    if (links != m.end() && links->is_object()) {
      auto app = links->find("application");
      if (app != links->end()) {
        std::string href = str(*app, "href");
        href = href.substr(0, href.find_first_of("?#"));
        while (!href.empty() && href.back() == '/') href.pop_back();
        const size_t slash = href.rfind('/');
        std::string last = slash == std::string::npos ? href : href.substr(slash + 1);
        if (!last.empty()) return last;
      }
    }
    auto target = m.find("target");
    if (target != m.end()) {
      if (target->is_string()) return target->get<std::string>();
      if (std::string id = str(*target, "id"); !id.empty()) return id;
    }
    if (std::string id = str(m, "appId"); !id.empty()) return id;
    return str(m, "id");
  }

  void LoadMappings() {
    for (const std::string& name : JsonFiles("policy-mappings")) {
      const std::string rel = absl::StrCat("policy-mappings/", name);
      const std::string policy_id = Stem(name);
      Walker w(rel, issues_);
      std::optional<Json> json = ReadArray(rel, w);
      if (!json.has_value()) continue;
      auto it = policy_index_.find(policy_id);
      if (it == policy_index_.end()) {
        w.Warning("mappings.unknown_policy", "",
                  absl::StrCat("mappings for unknown policy ", Quoted(policy_id), "; ignored"));
        continue;
      }
      std::vector<std::string>& apps = snap_.policies[it->second].mapped_app_ids;
      for (size_t i = 0; i < json->size(); ++i) {
        const std::string p = Ptr("", i);
        if (!w.ExpectObject((*json)[i], p)) continue;
        std::string app = MappingAppId((*json)[i]);
        if (app.empty()) {
          w.Warning("mappings.no_app", p,
                    "mapping names no application (_links.application.href, target or id)");
          continue;
        }
        if (std::find(apps.begin(), apps.end(), app) == apps.end()) apps.push_back(app);
      }
    }
  }

  // An optional file whose top level is an array: `*present` says it exists,
  // `load` reads the array (apps.json: app_loader.cc; idps.json:
  // idp_loader.cc).
  template <typename Load>
  void LoadOptionalArray(const std::string& rel, bool* present, Load load) {
    if (!Exists(rel)) return;
    *present = true;
    Walker w(rel, issues_);
    std::optional<Json> json = ReadArray(rel, w);
    if (json.has_value()) load(w, *json);
  }

  void LoadApps() {
    LoadOptionalArray("apps.json", &snap_.has_apps_file, [&](Walker& w, const Json& apps) {
      model_internal::LoadApps(w, apps, &snap_);
    });
  }

  void LoadIdps() {
    LoadOptionalArray("idps.json", &snap_.has_idps_file, [&](Walker& w, const Json& idps) {
      model_internal::LoadIdps(w, idps, &snap_);
    });
    for (const IdentityProvider& idp : snap_.idps) idp_ids_.insert(idp.id);
  }

  // Calls load(user, walker, array) for each users/<id>/<name> that exists
  // and is an array (the issues of one that is not are recorded).
  template <typename Load>
  void ForEachUserArray(std::string_view name, Load load) {
    const std::vector<std::string> users = files_.Subdirectories("users");
    for (const std::string& user : users) {
      const std::string rel = absl::StrCat("users/", user, "/", Av(name));
      if (!Exists(rel)) continue;
      Walker w(rel, issues_);
      std::optional<Json> json = ReadArray(rel, w);
      if (json.has_value()) load(user, w, *json);
    }
  }

  void LoadUserGroups() {
    ForEachUserArray("groups.json", [&](const std::string& user, Walker& w, const Json& array) {
      std::vector<std::string>& groups = snap_.user_groups[user];
      for (size_t i = 0; i < array.size(); ++i) {
        const std::string p = Ptr("", i);
        const Json& g = array[i];
        std::string id;
        if (g.is_string()) {
          id = g.get<std::string>();
        } else if (w.ExpectObject(g, p)) {
          if (!w.Require(g, "id", p) || !w.String(g, "id", p, &id)) continue;
        } else {
          continue;
        }
        groups.push_back(std::move(id));
      }
    });
  }

  // users/<id>/factors.json (GET /api/v1/users/{id}/factors): the ACTIVE
  // factors as enrollments ("key:method"), and the password, which that
  // endpoint never lists (docs/semantics.md).
  void LoadUserFactors() {
    ForEachUserArray("factors.json", [&](const std::string& user, Walker& w, const Json& array) {
      std::vector<std::string>& enrolled = snap_.user_factors[user];
      enrolled.push_back("okta_password:password");
      for (size_t i = 0; i < array.size(); ++i) {
        const std::string p = Ptr("", i);
        const Json& f = array[i];
        if (!w.ExpectObject(f, p)) continue;
        std::string factor_type, provider, status;
        if (!w.Require(f, "factorType", p) || !w.String(f, "factorType", p, &factor_type) ||
            !w.String(f, "provider", p, &provider) || !w.String(f, "status", p, &status)) {
          continue;
        }
        const std::optional<std::string_view> enrollment =
            EnrollmentOfFactor(factor_type, provider);
        if (!enrollment.has_value()) {
          w.Warning(
              "factor.unknown_type", Ptr(p, "factorType"),
              absl::StrCat("factor type ", Quoted(factor_type), " from provider ", Quoted(provider),
                           " is not an authenticator Verdict knows: not counted as enrolled"));
          continue;
        }
        // Only an ACTIVE factor can be used to sign in; PENDING_ACTIVATION,
        // NOT_SETUP, EXPIRED, ... cannot (a factor without status counts).
        if (!status.empty() && status != "ACTIVE") continue;
        if (std::find(enrolled.begin(), enrolled.end(), *enrollment) == enrolled.end()) {
          enrolled.emplace_back(*enrollment);
        }
      }
    });
  }

  // ------------------------------------------------------------ checks

  void CheckRuleTypes() {
    for (const Policy& policy : snap_.policies) {
      const std::string_view want = RuleTypeName(policy.type);
      for (const Rule& rule : policy.rules) {
        if (rule.type.empty() || rule.type == want) continue;
        Add(Issue::Severity::kWarning, "rule.type_mismatch", rule.file, Ptr(rule.pointer, "type"),
            absl::StrCat("rule type ", Quoted(rule.type), " in a ", Av(PolicyTypeName(policy.type)),
                         " policy (expected ", Av(want), ")"));
      }
    }
  }

  void CheckDuplicateRuleIds() {
    std::map<std::string, std::string> seen;  // id -> where first
    for (Policy& policy : snap_.policies) {
      std::vector<Rule> kept;
      for (Rule& rule : policy.rules) {
        if (!rule.id.empty()) {
          auto [it, inserted] = seen.emplace(rule.id, Where(rule.file, rule.pointer));
          if (!inserted) {
            Add(Issue::Severity::kError, "rule.duplicate_id", rule.file, Ptr(rule.pointer, "id"),
                absl::StrCat("duplicate rule id ", Quoted(rule.id), " (first at ", it->second,
                             ")"));
            continue;
          }
        }
        kept.push_back(std::move(rule));
      }
      policy.rules = std::move(kept);
    }
  }

  void Sort() {
    std::stable_sort(snap_.policies.begin(), snap_.policies.end(),
                     [](const Policy& a, const Policy& b) {
                       if (a.type != b.type) return a.type < b.type;
                       return PriorityLess(a, b);
                     });
    for (size_t i = 1; i < snap_.policies.size(); ++i) {
      const Policy& prev = snap_.policies[i - 1];
      const Policy& cur = snap_.policies[i];
      if (prev.type == cur.type && prev.priority.has_value() && prev.priority == cur.priority) {
        Add(Issue::Severity::kWarning, "policy.duplicate_priority", cur.file,
            Ptr(cur.pointer, "priority"),
            absl::StrCat("priority ", *cur.priority, " is also that of policy ", Quoted(prev.id),
                         " (", Where(prev.file, prev.pointer), "); ordered by id"));
      }
    }
    for (Policy& policy : snap_.policies) {
      std::stable_sort(policy.rules.begin(), policy.rules.end(), PriorityLess<Rule>);
      for (size_t i = 1; i < policy.rules.size(); ++i) {
        const Rule& prev = policy.rules[i - 1];
        const Rule& cur = policy.rules[i];
        if (prev.priority.has_value() && prev.priority == cur.priority) {
          Add(Issue::Severity::kWarning, "rule.duplicate_priority", cur.file,
              Ptr(cur.pointer, "priority"),
              absl::StrCat("priority ", *cur.priority, " is also that of rule ", Quoted(prev.id),
                           " (", Where(prev.file, prev.pointer), "); ordered by id"));
        }
      }
    }
  }

  void CheckIds(std::string_view owner, std::string_view what, const std::string& file,
                const std::string& pointer, const std::vector<std::string>& ids,
                const std::set<std::string>& known, std::string_view special) {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (known.count(ids[i]) != 0 || (!special.empty() && ids[i] == special)) continue;
      Add(Issue::Severity::kWarning, absl::StrCat(Av(owner), ".dangling_", Av(what)), file,
          Ptr(pointer, i), absl::StrCat("unknown ", Av(what), " ", Quoted(ids[i])));
    }
  }

  void CheckConditions(std::string_view owner, const Conditions& c, const std::string& file,
                       const std::string& pointer) {
    const std::string cp = Ptr(pointer, "conditions");
    if (c.network.has_value()) {
      const std::string np = Ptr(cp, "network");
      CheckIds(owner, "zone", file, Ptr(np, "include"), c.network->include, zone_ids_, kAllZones);
      CheckIds(owner, "zone", file, Ptr(np, "exclude"), c.network->exclude, zone_ids_, kAllZones);
    }
    if (snap_.has_groups_file) {
      auto check_groups = [&](const IdList& list, const std::string& p) {
        CheckIds(owner, "group", file, Ptr(p, "include"), list.include, group_ids_, kEveryoneGroup);
        CheckIds(owner, "group", file, Ptr(p, "exclude"), list.exclude, group_ids_, kEveryoneGroup);
      };
      if (c.people.has_value()) check_groups(c.people->groups, Ptr(Ptr(cp, "people"), "groups"));
      if (c.groups.has_value()) check_groups(*c.groups, Ptr(cp, "groups"));
    }
    if (snap_.has_idps_file && c.identity_provider.has_value()) {
      CheckIds(owner, "idp", file, Ptr(Ptr(cp, "identityProvider"), "idpIds"),
               c.identity_provider->idp_ids, idp_ids_, "");
    }
    if (snap_.has_behaviors_file && c.risk.has_value()) {
      CheckIds(owner, "behavior", file, Ptr(Ptr(cp, "risk"), "behaviors"), c.risk->behaviors,
               behavior_keys_, "");
    }
  }

  void CheckReferences() {
    for (const Policy& policy : snap_.policies) {
      CheckConditions("policy", policy.conditions, policy.file, policy.pointer);
      for (const Rule& rule : policy.rules) {
        CheckConditions("rule", rule.conditions, rule.file, rule.pointer);
      }
    }
  }

  fs::path root_;
  IssueList* issues_;
  Snapshot snap_;
  std::set<std::string> zone_ids_;
  std::set<std::string> group_ids_;
  std::set<std::string> behavior_keys_;
  std::set<std::string> idp_ids_;
  std::map<std::string, size_t> policy_index_;
  std::set<std::string> embedded_rules_;
  model_internal::SnapshotFiles files_;
};

}  // namespace

absl::StatusOr<Snapshot> LoadSnapshot(std::string_view directory, IssueList* issues,
                                      const LoadOptions& options) {
  IssueList local;
  IssueList* out = issues != nullptr ? issues : &local;
  const size_t first = out->size();
  Snapshot snapshot = Loader(directory, out).Run();
  if (options.warnings_as_errors) {
    for (size_t i = first; i < out->size(); ++i) (*out)[i].severity = Issue::Severity::kError;
  }
  for (size_t i = first; i < out->size(); ++i) {
    if ((*out)[i].is_error()) return absl::InvalidArgumentError((*out)[i].ToString());
  }
  return snapshot;
}

}  // namespace verdict
