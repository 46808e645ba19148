// IDP_DISCOVERY dynamic routing (`idpSelectionType: DYNAMIC`): which provider
// a winning rule routes to. One implementation for both engines, so they
// cannot disagree; docs/expressions.md states the semantics.
#ifndef VERDICT_LIB_EVAL_IDP_ROUTING_H_
#define VERDICT_LIB_EVAL_IDP_ROUTING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "verdict/context.h"
#include "verdict/expression.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

struct IdpRoute {
  const IdpProvider* provider = nullptr;  // into the rule's providers
  bool fallback_to_okta = false;          // no provider matched, shouldFallBackToOkta
};

// Criteria in order: the first whose providerExpression evaluates to a string
// equal (ASCII case-insensitively) to a provider's `propertyName` property
// (name, id or type) picks that provider (the first such in the list).
// `compiled` is parallel to action.match_criteria (SnapshotFacts::
// IdpCriteriaOf); null = malformed, never matches. `why`, when non-null, receives one line per
// criterion. Does not allocate when `why` is null (beyond what the expressions themselves do).
IdpRoute RouteDynamicIdp(const IdpAction& action,
                         absl::Span<const std::shared_ptr<const CompiledExpression>> compiled,
                         const SignOnContext& context, const ExpressionData& data,
                         std::vector<std::string>* why);

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_IDP_ROUTING_H_
