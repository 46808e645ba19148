#include "lib/model/app_loader.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace verdict::model_internal {
namespace {

constexpr std::string_view kPoliciesPath = "/api/v1/policies/";

// The ACCESS_POLICY a policy-mappings/ file binds `app_id` to, or null.
const Policy* MappedPolicy(const Snapshot& snapshot, const std::string& app_id) {
  for (const Policy& policy : snapshot.policies) {
    if (policy.type != PolicyType::kAccessPolicy) continue;
    const std::vector<std::string>& apps = policy.mapped_app_ids;
    if (std::find(apps.begin(), apps.end(), app_id) != apps.end()) return &policy;
  }
  return nullptr;
}

// Resolves one app's link (docs/semantics.md "Apps and their access policy"):
// a dangling or non-ACCESS_POLICY target and a link a mapping contradicts are
// warnings and the link is not used; otherwise the app is bound to the policy.
void BindLink(Walker& w, const Application& app, const std::string& href_ptr, Snapshot* snapshot) {
  Policy* target = nullptr;
  for (Policy& policy : snapshot->policies) {
    if (policy.id == app.access_policy_id) target = &policy;
  }
  if (target == nullptr) {
    w.Warning("app.dangling_policy", href_ptr,
              absl::StrCat("_links.accessPolicy names unknown policy ",
                           Quoted(app.access_policy_id), "; the link is ignored"));
    return;
  }
  if (target->type != PolicyType::kAccessPolicy) {
    w.Warning(
        "app.not_access_policy", href_ptr,
        absl::StrCat("_links.accessPolicy names policy ", Quoted(target->id), " of type ",
                     Av(PolicyTypeName(target->type)), ", not ACCESS_POLICY; the link is ignored"));
    return;
  }
  const std::vector<std::string>& mapped_here = target->mapped_app_ids;
  if (std::find(mapped_here.begin(), mapped_here.end(), app.id) != mapped_here.end()) {
    return;  // agrees with a mapping: nothing to add
  }
  if (const Policy* mapped = MappedPolicy(*snapshot, app.id); mapped != nullptr) {
    w.Warning(
        "app.policy_conflict", href_ptr,
        absl::StrCat("_links.accessPolicy names policy ", Quoted(target->id),
                     " but policy-mappings/", Av(mapped->id), ".json maps app ", Quoted(app.id),
                     " to policy ", Quoted(mapped->id), "; the mapping is used"));
    return;
  }
  std::vector<std::string>& linked = target->linked_app_ids;
  if (std::find(linked.begin(), linked.end(), app.id) == linked.end()) linked.push_back(app.id);
}

}  // namespace

std::string PolicyIdFromHref(std::string_view href) {
  href = href.substr(0, std::min(href.size(), href.find_first_of("?#")));
  while (!href.empty() && href.back() == '/') href.remove_suffix(1);
  const size_t at = href.rfind(kPoliciesPath);
  if (at == std::string_view::npos) return "";
  const std::string_view id = href.substr(at + kPoliciesPath.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return "";
  return std::string(id);
}

void LoadApps(Walker& w, const Json& apps, Snapshot* snapshot) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < apps.size(); ++i) {
    const std::string p = Ptr("", i);
    const Json& value = apps[i];
    Application app;
    if (!UniqueId(w, value, i, "app.duplicate_id", "app", &seen, &app.id)) continue;
    w.String(value, "name", p, &app.name);
    w.String(value, "label", p, &app.label);
    w.Enum<bool>(value, "status", p, {{"ACTIVE", true}, {"INACTIVE", false}, {"DELETED", false}},
                 /*ignore_case=*/true, &app.active);
    app.raw_json = Dump(value);
    app.file = w.file();
    app.pointer = p;

    std::string href_ptr;
    if (const Json* links = w.Object(value, "_links", p)) {
      const std::string lp = Ptr(p, "_links");
      if (const Json* link = w.Object(*links, "accessPolicy", lp)) {
        const std::string ap = Ptr(lp, "accessPolicy");
        if (w.Require(*link, "href", ap) && w.String(*link, "href", ap, &app.access_policy_href)) {
          href_ptr = Ptr(ap, "href");
          app.access_policy_id = PolicyIdFromHref(app.access_policy_href);
          if (app.access_policy_id.empty()) {
            // Which policy the app uses is unknown: like a bad CIDR, an error
            // rather than a guess.
            w.Error("app.bad_access_policy_href", href_ptr,
                    absl::StrCat("not a policy URL: ", Quoted(app.access_policy_href),
                                 " (expected .../api/v1/policies/<policyId>)"));
          }
        }
      }
    }
    if (!app.access_policy_id.empty()) BindLink(w, app, href_ptr, snapshot);
    snapshot->apps.push_back(std::move(app));
  }
}

}  // namespace verdict::model_internal
