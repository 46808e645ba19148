#include "verdict/context_check.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/model/did_you_mean.h"
#include "lib/model/json_walker.h"

namespace verdict {
namespace {

using model_internal::DidYouMean;
using model_internal::Ptr;
using model_internal::Quoted;

bool IEquals(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

// Okta's spelling of the Everyone group in OAuth rules; never a typo.
constexpr std::string_view kEveryoneAlias = "EVERYONE";

// Checks each of `refs` (at pointer/<i>) against objects with `id` and a
// display name: an id is fine, a name gets "<kind>_by_name" (naming the id),
// anything else "unknown_<kind>" with the closest id or name.
template <typename T, typename NameOf>
void CheckRefs(const std::vector<std::string>& refs, const std::vector<T>& objects,
               std::string_view kind, const std::string& pointer, NameOf name_of,
               const std::string& file, IssueList* warnings) {
  // The ids and names a "did you mean" chooses from: gathered at the first
  // unknown reference (most contexts have none).
  std::vector<std::string_view> candidates;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string& ref = refs[i];
    if (ref == kEveryoneAlias && kind == "group") continue;
    bool by_id = false;
    for (const T& o : objects) {
      if (o.id == ref) {
        by_id = true;
        break;
      }
    }
    if (by_id) continue;
    const T* by_name = nullptr;
    for (const T& o : objects) {
      if (IEquals(name_of(o), ref)) {
        by_name = &o;
        break;
      }
    }
    if (by_name == nullptr && candidates.empty()) {
      for (const T& o : objects) candidates.push_back(o.id);
      for (const T& o : objects) candidates.push_back(name_of(o));
    }
    Issue w;
    w.severity = Issue::Severity::kWarning;
    w.file = file;
    w.pointer = Ptr(pointer, i);
    if (by_name != nullptr) {
      w.code = absl::StrCat("context.", absl::string_view(kind.data(), kind.size()), "_by_name");
      w.message = absl::StrCat(
          Quoted(ref), " is the name of ", absl::string_view(kind.data(), kind.size()), " ",
          Quoted(by_name->id), "; contexts give ids (did you mean ", Quoted(by_name->id), "?)");
    } else {
      w.code = absl::StrCat("context.unknown_", absl::string_view(kind.data(), kind.size()));
      w.message = absl::StrCat("unknown ", absl::string_view(kind.data(), kind.size()), " ",
                               Quoted(ref), ": the snapshot has none", DidYouMean(ref, candidates));
    }
    warnings->push_back(std::move(w));
  }
}

}  // namespace

void CheckContext(const SignOnContext& context, const Snapshot& snapshot, const std::string& file,
                  IssueList* warnings) {
  if (warnings == nullptr) return;
  if (snapshot.has_groups_file) {
    CheckRefs(
        context.user.groups, snapshot.groups, "group", "/user/groups",
        [](const Group& g) -> std::string_view { return g.name; }, file, warnings);
  }
  if (snapshot.has_behaviors_file) {
    // A behavior is known by id or by name (the System Log records names).
    for (size_t i = 0; i < context.behaviors.size(); ++i) {
      bool known = false;
      for (const Behavior& b : snapshot.behaviors) {
        if (b.id == context.behaviors[i] || IEquals(b.name, context.behaviors[i])) {
          known = true;
          break;
        }
      }
      if (!known) {
        std::vector<std::string_view> names;
        for (const Behavior& b : snapshot.behaviors) names.push_back(b.name);
        warnings->push_back({Issue::Severity::kWarning, "context.unknown_behavior", file,
                             Ptr("/behaviors", i),
                             absl::StrCat("unknown behavior ", Quoted(context.behaviors[i]),
                                          ": the snapshot's behaviors.json has none by that id "
                                          "or name",
                                          DidYouMean(context.behaviors[i], names))});
      }
    }
  }
  if (context.zones.has_value()) {
    CheckRefs(
        *context.zones, snapshot.zones, "zone", "/zones",
        [](const NetworkZone& z) -> std::string_view { return z.name; }, file, warnings);
  }
  if (snapshot.has_apps_file && !context.app_id.empty()) {
    std::vector<std::string> app = {context.app_id};
    IssueList app_warnings;
    CheckRefs(
        app, snapshot.apps, "app", "/app",
        [](const Application& a) -> std::string_view { return a.label; }, file, &app_warnings);
    for (Issue& w : app_warnings) {
      w.pointer = "/app";  // a single value, not a list
      warnings->push_back(std::move(w));
    }
  }
}

absl::Status CheckParsedContext(const SignOnContext& context, const ContextCheckOptions& options,
                                IssueList parse_warnings, IssueList* warnings) {
  IssueList& found = parse_warnings;
  for (Issue& w : found) w.file = options.file;
  if (options.snapshot != nullptr) CheckContext(context, *options.snapshot, options.file, &found);
  if (options.warnings_are_errors && !found.empty()) {
    const Issue& first = found.front();
    std::string error =
        first.pointer.empty() ? first.message : absl::StrCat(first.pointer, ": ", first.message);
    if (found.size() > 1) absl::StrAppend(&error, " (and ", found.size() - 1, " more warning(s))");
    return absl::InvalidArgumentError(absl::StrCat(error, " [--strict]"));
  }
  if (warnings != nullptr) warnings->insert(warnings->end(), found.begin(), found.end());
  return absl::OkStatus();
}

absl::StatusOr<SignOnContext> ParseAndCheckContext(std::string_view json_text,
                                                   const ContextCheckOptions& options,
                                                   IssueList* warnings) {
  IssueList found;
  absl::StatusOr<SignOnContext> context = ParseContext(json_text, &found);
  if (!context.ok()) return context;
  if (absl::Status s = CheckParsedContext(*context, options, std::move(found), warnings); !s.ok()) {
    return s;
  }
  return context;
}

}  // namespace verdict
