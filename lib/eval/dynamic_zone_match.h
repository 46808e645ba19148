// Is the client in a dynamic zone? — answered from the flat records of
// lib/compile/dynamic_zone_table.h (why two representations exist: see
// there). The answer is ClientInDynamicZone's (lib/eval/conditions.h) for
// every zone and context; tests/eval/dynamic_zone_match_test.cc checks it.
#ifndef VERDICT_LIB_EVAL_DYNAMIC_ZONE_MATCH_H_
#define VERDICT_LIB_EVAL_DYNAMIC_ZONE_MATCH_H_

#include <cstdint>

#include "lib/compile/dynamic_zone_table.h"
#include "verdict/context.h"

namespace verdict::internal {

// One context's client attributes in the table's codes: built once per
// evaluation (two hash lookups), then asked about any number of records.
// Not thread-safe (each service category is asked on first use);
// one per evaluation. Never allocates.
class DynamicZoneClient {
 public:
  // `table` and `ctx` must outlive the object.
  DynamicZoneClient(const DynamicZoneTable& table, const SignOnContext& ctx);

  // The context's country code; kUnknownCode without geo or for a country
  // no zone names.
  uint32_t country() const { return country_; }
  // The context's region code; kUnknownCode when empty or named by no zone.
  uint32_t region() const { return region_; }

  // ClientInDynamicZone(*record.model, ctx, nullptr). Inline: the compiled
  // engine asks it about dozens of records per decision at 10k rules.
  bool InZone(const DynamicZoneRecord& record) { return Test(record, /*location_holds=*/false); }

  // The same for a record the caller found filed under the context's country
  // code (any region) or its country and region code: one of the record's
  // locations is then known to hold the client, so they are not walked again.
  bool InZoneLocated(const DynamicZoneRecord& record) {
    return Test(record, /*location_holds=*/true);
  }

 private:
  // The criteria in ClientInDynamicZone's order; the result does not depend
  // on the order (no criterion has a side effect), only the cost does.
  bool Test(const DynamicZoneRecord& r, bool location_holds) {
    if (!r.flat) return InModelZone(r);
    if (!r.any_criterion) return false;
    if (!location_holds && r.locations_end != r.locations_begin &&
        !LocationIn(r.locations_begin, r.locations_end)) {
      return false;
    }
    if (r.asns_end != r.asns_begin && !AsnIn(r.asns_begin, r.asns_end)) return false;
    if (((proxy_criteria_ >> static_cast<int>(r.proxy_type)) & 1) == 0) return false;
    if (r.categories != 0 && (CategoryBits(r.categories) & r.categories) == 0) return false;
    if (r.locations_exclude_end != r.locations_end &&
        LocationIn(r.locations_end, r.locations_exclude_end)) {
      return false;
    }
    if (r.asns_exclude_end != r.asns_end && AsnIn(r.asns_end, r.asns_exclude_end)) return false;
    if (r.categories_exclude != 0 &&
        (CategoryBits(r.categories_exclude) & r.categories_exclude) != 0) {
      return false;
    }
    return true;
  }

  bool LocationIn(uint32_t begin, uint32_t end) const {
    if (country_ == kUnknownCode) return false;
    for (uint32_t i = begin; i < end; ++i) {
      const LocationCode& loc = table_.locations[i];
      if (loc.country == country_ && (loc.region == kWholeCountry || loc.region == region_)) {
        return true;
      }
    }
    return false;
  }

  // Lists are short (a zone names a few ASNs): a linear scan.
  bool AsnIn(uint32_t begin, uint32_t end) const {
    if (!has_asn_) return false;
    for (uint32_t i = begin; i < end; ++i) {
      if (table_.asns[i] == asn_) return true;
    }
    return false;
  }

  // The answers for (at least) the categories in `wanted`, each asked of
  // ServiceCategoryHolds on first use only: a context meets few of them.
  uint64_t CategoryBits(uint64_t wanted) {
    if ((wanted & ~categories_known_) != 0) AskCategories(wanted & ~categories_known_);
    return category_bits_;
  }
  void AskCategories(uint64_t bits);
  bool InModelZone(const DynamicZoneRecord& r) const;

  const DynamicZoneTable& table_;
  const SignOnContext& ctx_;
  uint32_t country_ = kUnknownCode;
  uint32_t region_ = kUnknownCode;
  bool has_asn_ = false;
  uint32_t asn_ = 0;
  // Bit c: ProxyCriterionMatches(ZoneProxyCriterion(c), the context's proxy).
  uint32_t proxy_criteria_ = 0;
  uint64_t categories_known_ = 0;  // the categories asked so far
  uint64_t category_bits_ = 0;     // those of them that hold the client
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_DYNAMIC_ZONE_MATCH_H_
