#include "lib/eval/idp_routing.h"

#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace verdict::internal {
namespace {

// The provider property a criterion names; nullptr for a property the
// snapshot's provider model does not carry.
const std::string* Property(const IdpProvider& p, std::string_view name) {
  if (name == "name") return &p.name;
  if (name == "id") return &p.id;
  if (name == "type") return &p.type;
  return nullptr;
}

}  // namespace

IdpRoute RouteDynamicIdp(const IdpAction& action,
                         absl::Span<const std::shared_ptr<const CompiledExpression>> compiled,
                         const SignOnContext& context, const ExpressionData& data,
                         std::vector<std::string>* why) {
  IdpRoute route;
  for (size_t i = 0; i < action.match_criteria.size() && route.provider == nullptr; ++i) {
    const IdpMatchCriterion& c = action.match_criteria[i];
    const CompiledExpression* e = i < compiled.size() ? compiled[i].get() : nullptr;
    std::string detail;
    if (e == nullptr) {
      detail = "malformed expression: never matches";
    } else {
      e->EvaluateString(
          context, data,
          [&](std::string_view value) {
            for (const IdpProvider& p : action.providers) {
              const std::string* property = Property(p, c.property_name);
              if (property != nullptr &&
                  absl::EqualsIgnoreCase(*property,
                                         absl::string_view(value.data(), value.size()))) {
                route.provider = &p;
                return;
              }
            }
          },
          why != nullptr ? &detail : nullptr);
    }
    if (why != nullptr) {
      why->push_back(absl::StrCat(
          "idp.matchCriteria[", i, "]: ", c.provider_expression, " → ", detail, "; ",
          route.provider != nullptr ? absl::StrCat("matches provider ", route.provider->name, " (",
                                                   route.provider->id, ") by ", c.property_name)
                                    : absl::StrCat("no provider's ", c.property_name, " matches")));
    }
  }
  if (route.provider == nullptr && action.fall_back_to_okta) route.fallback_to_okta = true;
  if (why != nullptr && route.provider == nullptr) {
    why->push_back(route.fallback_to_okta ? "idp: no provider matched: falls back to Okta"
                                          : "idp: no provider matched and no fallback to Okta");
  }
  return route;
}

}  // namespace verdict::internal
