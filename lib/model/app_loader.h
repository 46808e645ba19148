// apps.json (the GET /api/v1/apps listing) → Snapshot::apps, and each app's
// `_links.accessPolicy` → the ACCESS_POLICY it binds (Policy::linked_app_ids).
// Kept apart from snapshot_loader.cc: apps are an optional file with their own
// cross-checks against policies and policy-mappings/ (docs/semantics.md,
// "Apps and their access policy").
#ifndef VERDICT_LIB_MODEL_APP_LOADER_H_
#define VERDICT_LIB_MODEL_APP_LOADER_H_

#include <string>
#include <string_view>

#include "lib/model/json_walker.h"
#include "verdict/snapshot.h"

namespace verdict::model_internal {

// `apps` is the top-level array of apps.json. Must run after policies and
// policy-mappings/ are loaded: links are resolved against them, and a link a
// mapping contradicts is reported and left out.
void LoadApps(Walker& w, const Json& apps, Snapshot* snapshot);

// The policy id an accessPolicy href names: the segment after
// "/api/v1/policies/" when it is the last one ("https://x/api/v1/policies/rst1"
// or "/api/v1/policies/rst1/", query and fragment ignored). Empty when the
// href is not a policy URL.
std::string PolicyIdFromHref(std::string_view href);

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_APP_LOADER_H_
