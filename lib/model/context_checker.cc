#include "verdict/context_checker.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/model/did_you_mean.h"
#include "lib/model/json_walker.h"

namespace verdict {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The key a name is found by ignoring case: absl::EqualsIgnoreCase (what the
// per-call check compared with) folds ASCII letters only, and so does this.
std::string CaseKey(std::string_view name) { return absl::AsciiStrToLower(Absl(name)); }

}  // namespace

namespace model_internal {

// One kind of object a context refers to (groups, zones, apps): which ids
// exist, which id a name (ignoring case) belongs to, and the ids and names a
// "did you mean" chooses from.
struct RefTable {
  std::string kind;  // "group", "zone", "app"
  absl::flat_hash_set<std::string> ids;
  // Case-folded name → id of the first object (snapshot order) so named.
  absl::flat_hash_map<std::string, std::string> id_by_name;
  // Every id, then every name, in snapshot order (ties go to the first).
  NameSuggester suggester;

  template <typename T, typename NameOf>
  static RefTable Build(std::string_view kind, const std::vector<T>& objects, NameOf name_of) {
    RefTable t;
    t.kind = std::string(kind);
    std::vector<std::string> candidates;
    candidates.reserve(2 * objects.size());
    for (const T& o : objects) {
      t.ids.insert(o.id);
      t.id_by_name.try_emplace(CaseKey(name_of(o)), o.id);
      candidates.push_back(o.id);
    }
    for (const T& o : objects) candidates.emplace_back(name_of(o));
    t.suggester = NameSuggester(std::move(candidates));
    return t;
  }
};

struct ContextCheckTables {
  bool check_groups = false;  // snapshot.has_groups_file
  RefTable groups;
  bool check_behaviors = false;  // snapshot.has_behaviors_file
  absl::flat_hash_set<std::string> behavior_ids;
  absl::flat_hash_set<std::string> behavior_names;  // case-folded
  NameSuggester behavior_suggester;                 // names, in snapshot order
  RefTable zones;           // checked whenever the context gives zones by id
  bool check_apps = false;  // snapshot.has_apps_file
  RefTable apps;
};

}  // namespace model_internal

namespace {

using model_internal::Ptr;
using model_internal::Quoted;
using model_internal::RefTable;

// Okta's spelling of the Everyone group in OAuth rules; never a typo.
constexpr std::string_view kEveryoneAlias = "EVERYONE";

// The warning for `ref` at `pointer`, or none when it is an id of `table`:
// a name gets "<kind>_by_name" (naming the id), anything else
// "unknown_<kind>" with the closest id or name.
// `pointer` is built only for a warning: most references are ids, and a
// pointer string per reference was a tenth of eval's check.
void CheckRef(const RefTable& table, const std::string& ref,
              absl::FunctionRef<std::string()> pointer, const std::string& file,
              IssueList* warnings) {
  if (table.ids.contains(Absl(ref))) return;
  const auto by_name = table.id_by_name.find(CaseKey(ref));
  const absl::string_view kind = table.kind;
  Issue w;
  w.severity = Issue::Severity::kWarning;
  w.file = file;
  w.pointer = pointer();
  if (by_name != table.id_by_name.end()) {
    const std::string& id = by_name->second;
    w.code = absl::StrCat("context.", kind, "_by_name");
    w.message = absl::StrCat(Quoted(ref), " is the name of ", kind, " ", Quoted(id),
                             "; contexts give ids (did you mean ", Quoted(id), "?)");
  } else {
    w.code = absl::StrCat("context.unknown_", kind);
    w.message = absl::StrCat("unknown ", kind, " ", Quoted(ref), ": the snapshot has none",
                             table.suggester.DidYouMean(ref));
  }
  warnings->push_back(std::move(w));
}

}  // namespace

ContextChecker::ContextChecker(const Snapshot& snapshot) {
  auto t = std::make_unique<model_internal::ContextCheckTables>();
  t->check_groups = snapshot.has_groups_file;
  t->groups = RefTable::Build("group", snapshot.groups,
                              [](const Group& g) -> std::string_view { return g.name; });
  t->check_behaviors = snapshot.has_behaviors_file;
  std::vector<std::string> behavior_names;
  for (const Behavior& b : snapshot.behaviors) {
    t->behavior_ids.insert(b.id);
    t->behavior_names.insert(CaseKey(b.name));
    behavior_names.push_back(b.name);
  }
  t->behavior_suggester = model_internal::NameSuggester(std::move(behavior_names));
  t->zones = RefTable::Build("zone", snapshot.zones,
                             [](const NetworkZone& z) -> std::string_view { return z.name; });
  t->check_apps = snapshot.has_apps_file;
  t->apps = RefTable::Build("app", snapshot.apps,
                            [](const Application& a) -> std::string_view { return a.label; });
  tables_ = std::move(t);
}

ContextChecker::~ContextChecker() = default;
ContextChecker::ContextChecker(ContextChecker&&) noexcept = default;
ContextChecker& ContextChecker::operator=(ContextChecker&&) noexcept = default;

void ContextChecker::Check(const SignOnContext& context, const std::string& file,
                           IssueList* warnings) const {
  if (warnings == nullptr) return;
  const model_internal::ContextCheckTables& t = *tables_;
  if (t.check_groups) {
    const std::vector<std::string>& groups = context.user.groups;
    for (size_t i = 0; i < groups.size(); ++i) {
      if (groups[i] == kEveryoneAlias) continue;
      CheckRef(
          t.groups, groups[i], [i] { return Ptr("/user/groups", i); }, file, warnings);
    }
  }
  if (t.check_behaviors) {
    // A behavior is known by id or by name (the System Log records names).
    for (size_t i = 0; i < context.behaviors.size(); ++i) {
      const std::string& b = context.behaviors[i];
      if (t.behavior_ids.contains(Absl(b)) || t.behavior_names.contains(CaseKey(b))) {
        continue;
      }
      warnings->push_back({Issue::Severity::kWarning, "context.unknown_behavior", file,
                           Ptr("/behaviors", i),
                           absl::StrCat("unknown behavior ", Quoted(b),
                                        ": the snapshot's behaviors.json has none by that id "
                                        "or name",
                                        t.behavior_suggester.DidYouMean(b))});
    }
  }
  if (context.zones.has_value()) {
    for (size_t i = 0; i < context.zones->size(); ++i) {
      CheckRef(
          t.zones, (*context.zones)[i], [i] { return Ptr("/zones", i); }, file, warnings);
    }
  }
  // A single value, not a list: the pointer is "/app".
  if (t.check_apps && !context.app_id.empty()) {
    CheckRef(
        t.apps, context.app_id, [] { return std::string("/app"); }, file, warnings);
  }
}

}  // namespace verdict
