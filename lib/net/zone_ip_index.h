// The compiled engine's answer to "which IP zones hold this address, and in
// which role?" (issue 3): one immutable interval index over every gateway and
// proxy range of every zone, IPv4 and IPv6 in one 128-bit space.
//
// Build sweeps all range endpoints into sorted, disjoint elementary intervals.
// Each interval names a deduplicated zone set; the sets are stored once, as a
// two-word header and two sorted uint32 lists (gateway zones, proxy zones), in
// a flat pool. Lookup picks the family, jumps through a radix table on the top
// bits of the key to a bucket of a few interval starts, binary-searches that
// bucket, and returns two spans into the pool: no allocation, no hashing, three
// dependent memory reads (radix slot, interval, zone set) — two when the set
// is a single gateway zone, which is stored in the interval record itself.
//
// IPv4 addresses (::ffff:0:0/96) get their own 32-bit key array, so the common
// case touches 8-byte interval records; everything else uses 128-bit keys.
#ifndef VERDICT_LIB_NET_ZONE_IP_INDEX_H_
#define VERDICT_LIB_NET_ZONE_IP_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/net/huge_page_array.h"
#include "verdict/ip_address.h"

namespace verdict::internal {

// How a zone lists a range: `gateways` or `proxies` (Part B §3.3).
enum class ZoneIpRole : uint8_t { kGateway = 0, kProxy = 1 };

// What Lookup returns: the zones that hold the address, ascending, each zone
// at most once per list. The spans point into the index and stay valid as long
// as it lives (moving the index keeps them valid; destroying it does not).
struct ZoneIpMatch {
  absl::Span<const uint32_t> gateway_zones;
  absl::Span<const uint32_t> proxy_zones;
};

// Immutable after Build; every method is const and safe to call from many
// threads at once. Movable, not copyable.
class ZoneIpIndex {
 public:
  // One range of one zone. A zone may have any number of entries; entries may
  // nest, overlap, touch or repeat, within a zone or across zones.
  struct Entry {
    IpRange range;
    uint32_t zone = 0;
    ZoneIpRole role = ZoneIpRole::kGateway;
  };

  // An index that holds nothing: every lookup returns two empty spans.
  ZoneIpIndex();

  // Builds the index. Fails (InvalidArgument) when a range has first > last or
  // when there are more than 2^30 entries. Cost: O(n log n) for n entries plus
  // O(size of the distinct zone sets) — about 10 ms for 10^5 entries.
  //
  // Zone sets are deduplicated by a 128-bit Zobrist fingerprint of their
  // members; two different sets would have to collide in 128 bits to be
  // merged (probability below 2^-80 for 10^7 boundaries).
  static absl::StatusOr<ZoneIpIndex> Build(std::vector<Entry> entries);

  ZoneIpIndex(ZoneIpIndex&&) = default;
  ZoneIpIndex& operator=(ZoneIpIndex&&) = default;
  ZoneIpIndex(const ZoneIpIndex&) = delete;
  ZoneIpIndex& operator=(const ZoneIpIndex&) = delete;

  // The zones holding `ip` as a gateway and as a proxy. Never allocates; cost
  // is one radix-table read plus a binary search over the few interval starts
  // in one bucket (the whole array only for pathologically skewed data).
  ZoneIpMatch Lookup(IpAddress ip) const {
    const absl::uint128 v = ip.value();
    const uint64_t hi = absl::Uint128High64(v);
    const uint64_t lo = absl::Uint128Low64(v);
    const uint32_t set =
        (hi == 0 && (lo >> 32) == 0xffff) ? FindV4(static_cast<uint32_t>(lo)) : FindV6(hi, lo);
    if (set & kSingleGateway) {
      // The zone rode in the interval record: no read of the pool.
      return ZoneIpMatch{absl::MakeConstSpan(zone_ids_.data() + (set & ~kSingleGateway), 1), {}};
    }
    const uint32_t* header = pool_.data() + set;
    const uint32_t gateways = header[0];
    return ZoneIpMatch{absl::MakeConstSpan(header + 2, gateways),
                       absl::MakeConstSpan(header + 2 + gateways, header[1])};
  }

  // Heap bytes held (vector capacities) plus the object itself.
  size_t MemoryBytes() const;
  // Number of disjoint intervals (after merging neighbours with equal sets),
  // both families together.
  size_t IntervalCount() const { return v4_.size() + v6_.size(); }
  // Number of distinct zone sets, the empty set included.
  size_t ZoneSetCount() const { return zone_set_count_; }

 private:
  // An interval starts at `start` and holds the zone set at pool_[set]. IPv4
  // keys are relative to ::ffff:0:0. The set rides along with the key so that
  // the binary search's last cache line also yields the answer.
  struct V4Interval {
    uint32_t start;
    uint32_t set;
  };
  struct V6Interval {
    uint64_t hi;
    uint64_t lo;
    uint32_t set;
  };
  // Maps the top bits of a key (after subtracting `base`) to the first
  // interval whose start is in that bucket; starts[bucket_count] = size.
  struct Radix {
    uint64_t base = 0;
    int shift = 0;
    uint32_t bucket_count = 0;  // a power of two, ≥ 1
    HugePageArray<uint32_t> starts;
  };

  // Buckets the ascending radix keys rk(0) ≤ … ≤ rk(n-1).
  template <typename RadixKeyAt>
  static Radix MakeRadix(size_t n, RadixKeyAt rk);
  // Slice [begin, end) of interval starts that can hold the last start ≤ a key
  // whose radix key is `rk`; every start before `begin` is ≤ that key.
  static void Bucket(const Radix& radix, uint64_t rk, size_t* begin, size_t* end);

  uint32_t FindV4(uint32_t key) const;
  uint32_t FindV6(uint64_t hi, uint64_t lo) const;

  // The IPv4 block; v4_[0].start == 0.
  HugePageArray<V4Interval> v4_;
  Radix v4_radix_;
  // Everything outside the IPv4 block (the block itself is covered by a
  // placeholder interval that IPv4 lookups never reach); v6_[0] starts at ::.
  HugePageArray<V6Interval> v6_;
  Radix v6_radix_;
  // Zone sets, each stored once: at offset s, pool_[s] gateway zones and
  // pool_[s + 1] proxy zones follow from pool_[s + 2], ascending. Offset 0 is
  // the empty set. No per-set offset table: a lookup reads the interval, then
  // one place in the pool.
  //
  // Except the most common non-empty set, one zone as a gateway and none as
  // a proxy: an interval's `set` is then kSingleGateway | zone, and Lookup
  // returns a one-element span into zone_ids_ (zone_ids_[z] == z), a small
  // array that stays in cache, instead of reading the pool — one dependent
  // cache miss fewer for those addresses (issue 20). Only zones below
  // max(4096, entries) are stored so; pool offsets stay below 2^31.
  static constexpr uint32_t kSingleGateway = 0x80000000u;
  HugePageArray<uint32_t> pool_;
  std::vector<uint32_t> zone_ids_;
  size_t zone_set_count_ = 1;
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_NET_ZONE_IP_INDEX_H_
