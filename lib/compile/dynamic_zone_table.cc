#include "lib/compile/dynamic_zone_table.h"

#include <algorithm>

namespace verdict::internal {
namespace {

uint32_t Intern(CaseInsensitiveTable& codes, const std::string& key, uint32_t first_code) {
  return codes.Intern(key, first_code + static_cast<uint32_t>(codes.size()));
}

}  // namespace

uint32_t DynamicZoneTable::Add(const NetworkZone& zone, uint32_t zone_index) {
  const bool v2 = zone.type == ZoneType::kDynamicV2;
  DynamicZoneRecord r;
  r.zone = zone_index;
  r.model = &zone;
  r.proxy_type = zone.proxy_type;
  // The same test as ClientInDynamicZone's, on the same fields.
  r.any_criterion =
      !zone.locations.empty() || !zone.asns.empty() ||
      zone.proxy_type != ZoneProxyCriterion::kNoConstraint ||
      (v2 && (!zone.ip_service_categories.empty() || !zone.locations_exclude.empty() ||
              !zone.asns_exclude.empty() || !zone.ip_service_categories_exclude.empty()));

  auto add_locations = [&](const std::vector<ZoneLocation>& list) {
    const size_t begin = locations.size();
    for (const ZoneLocation& loc : list) {
      locations.push_back(
          {Intern(country_codes, loc.country, 0),
           loc.region.empty() ? kWholeCountry : Intern(region_codes, loc.region, 1)});
    }
    std::sort(locations.begin() + static_cast<ptrdiff_t>(begin), locations.end(),
              [](const LocationCode& a, const LocationCode& b) {
                return a.country < b.country || (a.country == b.country && a.region < b.region);
              });
    return static_cast<uint32_t>(locations.size());
  };
  auto add_asns = [&](const std::vector<uint32_t>& list) {
    const size_t begin = asns.size();
    asns.insert(asns.end(), list.begin(), list.end());
    std::sort(asns.begin() + static_cast<ptrdiff_t>(begin), asns.end());
    return static_cast<uint32_t>(asns.size());
  };
  // Categories beyond the 64th distinct one leave the zone to the model.
  auto category_set = [&](const std::vector<std::string>& list) {
    uint64_t bits = 0;
    for (const std::string& cat : list) {
      auto it = category_bits.find(cat);
      if (it == category_bits.end()) {
        if (categories.size() == 64) {
          r.flat = false;
          continue;
        }
        it = category_bits.emplace(cat, static_cast<uint32_t>(categories.size())).first;
        categories.push_back(cat);
      }
      bits |= uint64_t{1} << it->second;
    }
    return bits;
  };

  r.locations_begin = static_cast<uint32_t>(locations.size());
  r.locations_end = add_locations(zone.locations);
  r.locations_exclude_end = v2 ? add_locations(zone.locations_exclude) : r.locations_end;
  r.asns_begin = static_cast<uint32_t>(asns.size());
  r.asns_end = add_asns(zone.asns);
  r.asns_exclude_end = v2 ? add_asns(zone.asns_exclude) : r.asns_end;
  if (v2) {
    r.categories = category_set(zone.ip_service_categories);
    r.categories_exclude = category_set(zone.ip_service_categories_exclude);
  }
  records.push_back(r);
  return static_cast<uint32_t>(records.size() - 1);
}

size_t DynamicZoneTable::MemoryBytes() const {
  auto map_bytes = [](const auto& m) {
    size_t n = m.capacity() * (sizeof(std::string) + sizeof(uint32_t) + 1);
    for (const auto& [k, v] : m) n += k.capacity() > 15 ? k.capacity() : 0;
    return n;
  };
  return country_codes.MemoryBytes() + region_codes.MemoryBytes() + map_bytes(category_bits) +
         categories.capacity() * sizeof(std::string) +
         records.capacity() * sizeof(DynamicZoneRecord) +
         locations.capacity() * sizeof(LocationCode) + asns.capacity() * sizeof(uint32_t);
}

}  // namespace verdict::internal
