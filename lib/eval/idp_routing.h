// IDP_DISCOVERY routing: where a winning rule sends the user — dynamic
// routing (`idpSelectionType: DYNAMIC`) to an IdP of the org, and the Okta-only
// routing of a user-identifier rule with an OKTA provider. One implementation
// for both engines, so they cannot disagree; docs/semantics.md states the
// semantics and their sources.
#ifndef VERDICT_LIB_EVAL_IDP_ROUTING_H_
#define VERDICT_LIB_EVAL_IDP_ROUTING_H_

#include <string>
#include <vector>

#include "lib/compile/snapshot_facts.h"
#include "verdict/context.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

struct IdpRoute {
  // DYNAMIC: the IdP of snapshot.idps the criteria matched (null: none).
  // SPECIFIC with a userIdentifier condition: the rule's OKTA provider, which
  // then handles the sign-in alone. Null otherwise.
  const IdpProvider* provider = nullptr;
  // An IdP was matched and the rule says shouldFallBackToOkta: Okta takes
  // over should authentication with that IdP fail.
  bool fallback_to_okta = false;
};

// The route of `rule`, the winning rule of an IDP_DISCOVERY policy of
// `facts.snapshot()`. DYNAMIC: criteria in order; the first whose
// providerExpression evaluates to a string equal (ASCII case-insensitively)
// to the `propertyName` property (name, id or type) of an ACTIVE IdP of
// idps.json picks that IdP (the first such in file order); the rule's own
// providers are ignored. `why`, when non-null, receives one line per
// criterion and the result. Does not allocate when `why` is null (beyond what
// the expressions themselves do).
IdpRoute RouteIdp(const Rule& rule, const SnapshotFacts& facts, const SignOnContext& context,
                  std::vector<std::string>* why);

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_IDP_ROUTING_H_
