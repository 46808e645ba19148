// Dynamic zones (DYNAMIC, DYNAMIC_V2) as flat records for the compiled
// engine (issue 20): countries and regions as integer codes, ASNs as sorted
// arrays, service categories as bits of a 64-bit set.
//
// Why a second representation of the same zones: the model keeps the zone as
// Okta sends it (strings, in payload order), and ClientInDynamicZone
// (lib/eval/conditions.cc) reads it that way — it is the one statement of the
// semantics, and the reference evaluator and traces use it. At 10k rules the
// compiled engine tests dozens of dynamic zones per decision, and the
// case-insensitive string compares of that function were a third of its
// time. The records below say the same thing in a form that is tested with
// integer compares after one hash lookup per context for the country and one
// for the region. The matcher that reads them (lib/eval/dynamic_zone_match.h)
// calls the shared functions for everything that is not a plain comparison
// (proxy criterion, what a service category holds), and a differential test
// (tests/eval/dynamic_zone_match_test.cc) holds it to ClientInDynamicZone's
// answers on random zones and contexts.
#ifndef VERDICT_LIB_COMPILE_DYNAMIC_ZONE_TABLE_H_
#define VERDICT_LIB_COMPILE_DYNAMIC_ZONE_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lib/compile/string_keys.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

// A code no interned string has: a context value the zones never name.
inline constexpr uint32_t kUnknownCode = 0xffffffffu;
// The region code of a location without a region (the whole country).
inline constexpr uint32_t kWholeCountry = 0;

// One ZoneLocation: country code, region code (kWholeCountry, or ≥ 1).
struct LocationCode {
  uint32_t country = 0;
  uint32_t region = kWholeCountry;
};

// One zone's criteria. Location ranges index DynamicZoneTable::locations,
// ASN ranges DynamicZoneTable::asns (each range sorted ascending). For a
// DYNAMIC zone the V2-only lists are left empty: ClientInDynamicZone ignores
// them there.
struct DynamicZoneRecord {
  uint32_t zone = 0;  // index into Snapshot::zones
  uint32_t locations_begin = 0;
  uint32_t locations_end = 0;  // = locations_exclude_begin
  uint32_t locations_exclude_end = 0;
  uint32_t asns_begin = 0;
  uint32_t asns_end = 0;  // = asns_exclude_begin
  uint32_t asns_exclude_end = 0;
  // Bits of DynamicZoneTable::categories; non-zero exactly when the list is.
  uint64_t categories = 0;
  uint64_t categories_exclude = 0;
  ZoneProxyCriterion proxy_type = ZoneProxyCriterion::kNoConstraint;
  // ClientInDynamicZone's "no criteria at all": such a zone holds nobody.
  bool any_criterion = false;
  // False when the zone's categories did not fit the 64-bit vocabulary: the
  // matcher then asks ClientInDynamicZone on `model` itself.
  bool flat = true;
  const NetworkZone* model = nullptr;
};

// The records of the dynamic zones added, and the vocabularies they use.
// Immutable once built; read concurrently by evaluations.
struct DynamicZoneTable {
  CaseInsensitiveTable country_codes;  // country -> code, dense from 0
  CaseInsensitiveTable region_codes;   // non-empty region -> code, dense from 1
  // Bit i names categories[i] (≤ 64). Kept apart by exact spelling: the
  // category functions decide what case means for each.
  std::vector<std::string> categories;
  absl::flat_hash_map<std::string, uint32_t> category_bits;  // the same, by name
  std::vector<DynamicZoneRecord> records;                    // in the order added
  std::vector<LocationCode> locations;
  std::vector<uint32_t> asns;

  // Adds `zone` (a DYNAMIC or DYNAMIC_V2 zone that stays alive at the same
  // address as long as the table) as the record with the returned index;
  // `zone_index` is what the record's `zone` says.
  uint32_t Add(const NetworkZone& zone, uint32_t zone_index);

  size_t MemoryBytes() const;
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_DYNAMIC_ZONE_TABLE_H_
