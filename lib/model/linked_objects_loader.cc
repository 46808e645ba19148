// Layout (mirrors the API, docs/interfaces.md §1 and README):
//   linked-objects.json                       GET /api/v1/meta/schemas/user/linkedObjects
//   users/<userId>/user.json                  GET /api/v1/users/{id}
//   users/<userId>/linkedObjects/<name>.json  GET /api/v1/users/{id}/linkedObjects/{name}
// The last is an array of {"_links": {"self": {"href": ".../api/v1/users/<id>"}}}:
// the linked user's id is the href's last path segment.
#include "lib/model/linked_objects_loader.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/model/json_walker.h"

namespace verdict::model_internal {
namespace {

namespace fs = std::filesystem;

// The parsed file, or nullopt (with an issue) when unreadable or malformed.
std::optional<Json> ReadFile(const SnapshotFiles& files, const std::string& rel,
                             IssueList* issues) {
  std::optional<std::string> text = files.Read(rel);
  if (!text.has_value()) return std::nullopt;
  return ParseJson(*text, rel, issues);
}

void LoadDefinitions(const SnapshotFiles& files, Snapshot* snap, IssueList* issues,
                     std::set<std::string, std::less<>>* names) {
  const std::string rel = "linked-objects.json";
  if (!files.Exists(rel)) return;
  snap->has_linked_objects_file = true;
  std::optional<Json> json = ReadFile(files, rel, issues);
  Walker w(rel, issues);
  if (!json.has_value() || !w.ExpectArray(*json, "")) return;
  for (size_t i = 0; i < json->size(); ++i) {
    const std::string p = Ptr("", i);
    const Json& d = (*json)[i];
    if (!w.ExpectObject(d, p)) continue;
    LinkedObjectDefinition def;
    bool ok = true;
    for (auto [key, out] :
         {std::pair{"primary", &def.primary_name}, std::pair{"associated", &def.associated_name}}) {
      const Json* side = w.Require(d, key, p) ? w.Object(d, key, p) : nullptr;
      const std::string sp = Ptr(p, key);
      ok =
          side != nullptr && w.Require(*side, "name", sp) && w.String(*side, "name", sp, out) && ok;
      if (ok && !names->insert(*out).second) {
        w.Error("linked_objects.duplicate_name", Ptr(sp, "name"),
                absl::StrCat("relationship name ", Quoted(*out), " is defined twice"));
        ok = false;
      }
    }
    if (ok) snap->linked_object_definitions.push_back(std::move(def));
  }
}

void LoadUser(const SnapshotFiles& files, const std::string& dir_id, Snapshot* snap,
              IssueList* issues) {
  const std::string rel = absl::StrCat("users/", dir_id, "/user.json");
  if (!files.Exists(rel)) return;
  std::optional<Json> json = ReadFile(files, rel, issues);
  Walker w(rel, issues);
  if (!json.has_value() || !w.ExpectObject(*json, "")) return;
  SnapshotUser user;
  if (!w.Require(*json, "id", "") || !w.String(*json, "id", "", &user.id)) return;
  if (user.id != dir_id) {
    w.Error("user.id_mismatch", "/id",
            absl::StrCat("user id ", Quoted(user.id), " is not its directory's ", Quoted(dir_id)));
    return;
  }
  w.String(*json, "status", "", &user.status);
  if (const Json* profile = w.Object(*json, "profile", "")) {
    for (const auto& [key, value] : profile->items()) {
      if (value.is_null()) continue;
      user.profile[key] = ToProfileValue(value);
    }
  }
  snap->users[user.id] = std::move(user);
}

void LoadLinks(const SnapshotFiles& files, const std::string& user_id,
               const std::set<std::string, std::less<>>& names, Snapshot* snap, IssueList* issues) {
  const std::string dir = absl::StrCat("users/", user_id, "/linkedObjects");
  for (const std::string& file : files.JsonFiles(dir)) {
    const std::string rel = absl::StrCat(dir, "/", file);
    const std::string name = file.substr(0, file.size() - 5);
    Walker w(rel, issues);
    if (!names.contains(name)) {
      w.Error("linked_objects.unknown_relationship", "",
              absl::StrCat("relationship ", Quoted(name), " is not defined in linked-objects.json",
                           snap->has_linked_objects_file ? "" : " (no such file)"));
      continue;
    }
    std::optional<Json> json = ReadFile(files, rel, issues);
    if (!json.has_value() || !w.ExpectArray(*json, "")) continue;
    std::vector<std::string>& ids = snap->user_links[user_id][name];
    for (size_t i = 0; i < json->size(); ++i) {
      const std::string p = Ptr("", i);
      const Json& item = (*json)[i];
      const Json* links = w.ExpectObject(item, p) ? w.Object(item, "_links", p) : nullptr;
      const std::string lp = Ptr(p, "_links");
      const Json* self = links != nullptr ? w.Object(*links, "self", lp) : nullptr;
      const std::string sp = Ptr(lp, "self");
      std::string href;
      if (self == nullptr || !w.Require(*self, "href", sp) || !w.String(*self, "href", sp, &href)) {
        if (self == nullptr && links == nullptr && item.is_object()) {
          w.Error("json.missing", Ptr(lp, "self/href"), "missing _links.self.href");
        }
        continue;
      }
      const size_t slash = href.find_last_of('/');
      std::string id = slash == std::string::npos ? href : href.substr(slash + 1);
      if (id.empty()) {
        w.Error("json.bad_value", Ptr(sp, "href"),
                absl::StrCat("no user id at the end of ", Quoted(href)));
        continue;
      }
      ids.push_back(std::move(id));
    }
  }
}

}  // namespace

void LoadLinkedObjects(const SnapshotFiles& files, Snapshot* snapshot, IssueList* issues) {
  std::set<std::string, std::less<>> names;
  LoadDefinitions(files, snapshot, issues, &names);
  for (const std::string& user : files.Subdirectories("users")) {
    LoadUser(files, user, snapshot, issues);
    LoadLinks(files, user, names, snapshot, issues);
  }
}

}  // namespace verdict::model_internal
