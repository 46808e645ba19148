#include "lib/eval/dynamic_zone_match.h"

#include <bit>

#include "absl/strings/string_view.h"
#include "lib/eval/conditions.h"

namespace verdict::internal {

DynamicZoneClient::DynamicZoneClient(const DynamicZoneTable& table, const SignOnContext& ctx)
    : table_(table), ctx_(ctx), has_asn_(ctx.asn.has_value()), asn_(ctx.asn.value_or(0)) {
  const ProxyType proxy = ctx.proxy_type.value_or(ProxyType::kNone);
  for (ZoneProxyCriterion c : {ZoneProxyCriterion::kNoConstraint, ZoneProxyCriterion::kAny,
                               ZoneProxyCriterion::kTor, ZoneProxyCriterion::kNotTorAnonymizer}) {
    if (ProxyCriterionMatches(c, proxy)) proxy_criteria_ |= 1u << static_cast<int>(c);
  }
  // LocationMatches: no geo, no location. Codes compare as the strings do
  // under EqualsIgnoreCase (the maps hash and compare ASCII case-blind).
  if (!ctx.geo.has_value()) return;
  const std::string& country = ctx.geo->country;
  if (auto it = table.country_codes.find(absl::string_view(country.data(), country.size()));
      it != table.country_codes.end()) {
    country_ = it->second;
  }
  // An empty context region equals no zone region (those are non-empty).
  const std::string& region = ctx.geo->region;
  if (!region.empty()) {
    if (auto it = table.region_codes.find(absl::string_view(region.data(), region.size()));
        it != table.region_codes.end()) {
      region_ = it->second;
    }
  }
}

void DynamicZoneClient::AskCategories(uint64_t bits) {
  categories_known_ |= bits;
  for (; bits != 0; bits &= bits - 1) {
    const int i = std::countr_zero(bits);
    if (ServiceCategoryHolds(table_.categories[i], ctx_)) category_bits_ |= uint64_t{1} << i;
  }
}

bool DynamicZoneClient::InModelZone(const DynamicZoneRecord& r) const {
  return ClientInDynamicZone(*r.model, ctx_, nullptr);
}

}  // namespace verdict::internal
