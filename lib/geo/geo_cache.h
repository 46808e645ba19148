// Counters of the per-thread geolocation lookup cache (GeoOptions::cache), for
// benchmarks and tests: how often GeoResolver::Lookup was answered from it.
#ifndef VERDICT_LIB_GEO_GEO_CACHE_H_
#define VERDICT_LIB_GEO_GEO_CACHE_H_

#include <cstdint>

namespace verdict::internal {

struct GeoCacheCounters {
  uint64_t hits = 0;
  uint64_t misses = 0;
};

// The calling thread's counters (every resolver's lookups on this thread).
GeoCacheCounters& ThreadGeoCacheCounters();

}  // namespace verdict::internal

#endif  // VERDICT_LIB_GEO_GEO_CACHE_H_
