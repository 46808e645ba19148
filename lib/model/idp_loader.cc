#include "lib/model/idp_loader.h"

#include <map>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace verdict::model_internal {
namespace {

// Provider types that name no IdP object of the org (OLDPOLICY: "IdP types of
// OKTA, AgentlessDSSO, and IWA don't require an id").
bool NeedsNoIdp(std::string_view type) {
  return absl::EqualsIgnoreCase(Av(type), "OKTA") ||
         absl::EqualsIgnoreCase(Av(type), "AgentlessDSSO") ||
         absl::EqualsIgnoreCase(Av(type), "IWA");
}

}  // namespace

void LoadIdps(Walker& w, const Json& idps, Snapshot* snapshot) {
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < idps.size(); ++i) {
    const std::string p = Ptr("", i);
    const Json& value = idps[i];
    IdentityProvider idp;
    if (!UniqueId(w, value, i, "idp.duplicate_id", "IdP", &seen, &idp.id)) continue;
    w.String(value, "name", p, &idp.name);
    w.String(value, "type", p, &idp.type);
    w.Enum<bool>(value, "status", p, {{"ACTIVE", true}, {"INACTIVE", false}},
                 /*ignore_case=*/true, &idp.active);
    if (const Json* protocol = w.Object(value, "protocol", p)) {
      w.String(*protocol, "type", Ptr(p, "protocol"), &idp.protocol_type);
    }
    idp.raw_json = Dump(value);
    idp.file = w.file();
    idp.pointer = p;
    snapshot->idps.push_back(std::move(idp));
  }
}

void CheckIdpActions(const Snapshot& snapshot, IssueList* issues) {
  for (const Policy& policy : snapshot.policies) {
    for (const Rule& rule : policy.rules) {
      if (!rule.idp) continue;
      Walker w(rule.file, issues);
      const std::string ap = Ptr(Ptr(rule.pointer, "actions"), "idp");
      const bool dynamic = rule.idp->selection_type == "DYNAMIC";
      if (dynamic && !rule.idp->providers.empty()) {
        // OLDPOLICY "Limitations": "You can't define a provider if
        // idpSelectionType is DYNAMIC" — Okta would refuse the rule.
        w.Warning("rule.dynamic_providers", Ptr(ap, "providers"),
                  "providers are ignored with idpSelectionType DYNAMIC (Okta: \"You can't define "
                  "a provider if idpSelectionType is DYNAMIC\"); the rule routes among the IdPs "
                  "of idps.json");
      }
      if (dynamic && !snapshot.has_idps_file) {
        w.Warning("rule.dynamic_without_idps", Ptr(ap, "idpSelectionType"),
                  "dynamic IdP routing matches the org's IdPs, but the snapshot has no "
                  "idps.json (GET /api/v1/idps): the rule routes to no IdP");
      }
      if (dynamic || !snapshot.has_idps_file) continue;
      for (size_t i = 0; i < rule.idp->providers.size(); ++i) {
        const IdpProvider& provider = rule.idp->providers[i];
        if (provider.id.empty() || NeedsNoIdp(provider.type)) continue;
        if (snapshot.FindIdp(provider.id) != nullptr) continue;
        w.Warning("rule.dangling_idp", Ptr(Ptr(Ptr(ap, "providers"), i), "id"),
                  absl::StrCat("unknown IdP ", Quoted(provider.id)));
      }
    }
  }
}

}  // namespace verdict::model_internal
