#include "lib/eval/dynamic_zone_match.h"

#include <array>
#include <bit>
#include <cstddef>

#include "absl/strings/string_view.h"
#include "lib/eval/conditions.h"

namespace verdict::internal {
namespace {

constexpr ZoneProxyCriterion kProxyCriteria[] = {ZoneProxyCriterion::kNoConstraint,
                                                 ZoneProxyCriterion::kAny, ZoneProxyCriterion::kTor,
                                                 ZoneProxyCriterion::kNotTorAnonymizer};

// Bit c: ProxyCriterionMatches(ZoneProxyCriterion(c), proxy).
uint32_t ProxyCriteriaOf(ProxyType proxy) {
  uint32_t bits = 0;
  for (ZoneProxyCriterion c : kProxyCriteria) {
    if (ProxyCriterionMatches(c, proxy)) bits |= 1u << static_cast<int>(c);
  }
  return bits;
}

// ProxyCriteriaOf for each ProxyType, asked of ProxyCriterionMatches once
// per process instead of four calls per evaluation (~70 instructions of a
// fixture-size decision, issue 20 "Latency round three").
constexpr int kProxyTypes = 3;  // kNone, kTor, kAnonymizer
const std::array<uint32_t, kProxyTypes>& ProxyCriteriaTable() {
  static const std::array<uint32_t, kProxyTypes> table = {ProxyCriteriaOf(ProxyType::kNone),
                                                          ProxyCriteriaOf(ProxyType::kTor),
                                                          ProxyCriteriaOf(ProxyType::kAnonymizer)};
  return table;
}

// A code the tables do not hold is the "named by no zone" code.
static_assert(CaseInsensitiveTable::kAbsent == kUnknownCode);

}  // namespace

DynamicZoneClient::DynamicZoneClient(const DynamicZoneTable& table, const SignOnContext& ctx)
    : table_(table), ctx_(ctx), has_asn_(ctx.asn.has_value()), asn_(ctx.asn.value_or(0)) {
  const ProxyType proxy = ctx.proxy_type.value_or(ProxyType::kNone);
  const size_t p = static_cast<size_t>(proxy);
  proxy_criteria_ = p < kProxyTypes ? ProxyCriteriaTable()[p] : ProxyCriteriaOf(proxy);
  // LocationMatches: no geo, no location. Codes compare as the strings do
  // under EqualsIgnoreCase (the maps hash and compare ASCII case-blind).
  if (!ctx.geo.has_value()) return;
  const std::string& country = ctx.geo->country;
  country_ = table.country_codes.Find(absl::string_view(country.data(), country.size()));
  // An empty context region equals no zone region (those are non-empty).
  const std::string& region = ctx.geo->region;
  if (!region.empty()) {
    region_ = table.region_codes.Find(absl::string_view(region.data(), region.size()));
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
