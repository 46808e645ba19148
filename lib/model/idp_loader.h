// idps.json (the GET /api/v1/idps listing) → Snapshot::idps: the org's
// Identity Providers, which DYNAMIC IDP_DISCOVERY rules route among
// (docs/semantics.md, IDP_DISCOVERY dynamic routing). Kept apart from
// snapshot_loader.cc like apps.json: an optional file with its own checks.
#ifndef VERDICT_LIB_MODEL_IDP_LOADER_H_
#define VERDICT_LIB_MODEL_IDP_LOADER_H_

#include "lib/model/json_walker.h"
#include "verdict/snapshot.h"

namespace verdict::model_internal {

// `idps` is the top-level array of idps.json. An object without an `id`, a
// duplicate id, a wrong JSON type or an unknown `status` is an error at its
// pointer (which IdP a rule routes to would be ambiguous); unknown fields are
// kept in raw_json.
void LoadIdps(Walker& w, const Json& idps, Snapshot* snapshot);

// Warnings about the IDP_DISCOVERY rules' `actions.idp` against the org's
// IdPs: providers given with `idpSelectionType: DYNAMIC` (Okta refuses them;
// they are ignored), a DYNAMIC rule in a snapshot without idps.json (it can
// route nowhere), and, when idps.json exists, providers whose id names no IdP
// of the org. Run after policies, rules and idps.json are loaded.
void CheckIdpActions(const Snapshot& snapshot, IssueList* issues);

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_IDP_LOADER_H_
