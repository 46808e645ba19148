#include "lib/eval/idp_routing.h"

#include <memory>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "verdict/expression.h"

namespace verdict::internal {
namespace {

// The IdP property a criterion names; nullptr for a property Verdict does not
// match on (docs/semantics.md: name, id, type).
const std::string* Property(const IdpProvider& p, std::string_view name) {
  if (name == "name") return &p.name;
  if (name == "id") return &p.id;
  if (name == "type") return &p.type;
  return nullptr;
}

// OLDPOLICY "Limitations": "If a User Identifier Condition is defined together
// with an OKTA provider, sign-in requests are handled by Okta exclusively."
IdpRoute RouteSpecific(const Rule& rule, std::vector<std::string>* why) {
  IdpRoute route;
  if (!rule.conditions.user_identifier.has_value()) return route;
  for (const IdpProvider& p : rule.idp->providers) {
    if (!absl::EqualsIgnoreCase(p.type, "OKTA")) continue;
    route.provider = &p;
    if (why != nullptr) {
      why->push_back(
          "idp: userIdentifier condition with an OKTA provider: Okta handles the sign-in "
          "exclusively (the rule's other providers are not used)");
    }
    break;
  }
  return route;
}

IdpRoute RouteDynamic(const Rule& rule, const SnapshotFacts& facts, const SignOnContext& context,
                      std::vector<std::string>* why) {
  const IdpAction& action = *rule.idp;
  const absl::Span<const std::shared_ptr<const CompiledExpression>> compiled =
      facts.IdpCriteriaOf(rule);
  const std::vector<IdentityProvider>& idps = facts.snapshot().idps;
  IdpRoute route;
  for (size_t i = 0; i < action.match_criteria.size() && route.provider == nullptr; ++i) {
    const IdpMatchCriterion& c = action.match_criteria[i];
    const CompiledExpression* e = i < compiled.size() ? compiled[i].get() : nullptr;
    std::string detail;
    if (e == nullptr) {
      detail = "malformed expression: never matches";
    } else {
      e->EvaluateString(
          context, facts.expression_data(),
          [&](std::string_view value) {
            for (const IdentityProvider& idp : idps) {
              if (!idp.active) continue;
              const std::string* property = Property(idp, c.property_name);
              if (property != nullptr &&
                  absl::EqualsIgnoreCase(*property,
                                         absl::string_view(value.data(), value.size()))) {
                route.provider = &idp;
                return;
              }
            }
          },
          why != nullptr ? &detail : nullptr);
    }
    if (why != nullptr) {
      why->push_back(
          absl::StrCat("idp.matchCriteria[", i, "]: ", c.provider_expression, " → ", detail, "; ",
                       route.provider != nullptr
                           ? absl::StrCat("matches IdP ", route.provider->name, " (",
                                          route.provider->id, ") by ", c.property_name)
                           : absl::StrCat("no ACTIVE IdP's ", c.property_name, " matches")));
    }
  }
  if (route.provider != nullptr) {
    route.fallback_to_okta = action.fall_back_to_okta;
  }
  if (why != nullptr) {
    if (route.provider == nullptr) {
      why->push_back(facts.snapshot().has_idps_file
                         ? "idp: no IdP of idps.json matched: the rule routes to no IdP "
                           "(shouldFallBackToOkta applies to failed authentication with a "
                           "matched IdP, not to a missing one)"
                         : "idp: the snapshot has no idps.json: the rule routes to no IdP");
    } else if (route.fallback_to_okta) {
      why->push_back(
          "idp: shouldFallBackToOkta: Okta takes over if authentication with the "
          "IdP fails");
    }
  }
  return route;
}

}  // namespace

IdpRoute RouteIdp(const Rule& rule, const SnapshotFacts& facts, const SignOnContext& context,
                  std::vector<std::string>* why) {
  if (!rule.idp) return {};
  if (rule.idp->selection_type == "DYNAMIC") return RouteDynamic(rule, facts, context, why);
  return RouteSpecific(rule, why);
}

}  // namespace verdict::internal
