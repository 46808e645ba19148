#include "lib/net/zone_ip_index.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace verdict::internal {
namespace {

// The IPv4 block ::ffff:0:0/96 as (high 64, low 64) bounds.
constexpr uint64_t kV4First = uint64_t{0xffff} << 32;
constexpr uint64_t kV4Last = kV4First | 0xffffffffu;

// Zone ids below max(this, 4 × entries) index the sweep's counters directly;
// sparser ids are first renumbered densely (in ascending order, so sorted
// stays sorted).
constexpr size_t kDirectZoneLimit = 4096;
constexpr size_t kMaxEntries = size_t{1} << 30;
// The radix tables never exceed 2^20 buckets (4 MiB).
constexpr int kMaxRadixBits = 20;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One endpoint of one entry: at `pos`, `member` (dense zone * 2 + role) gains
// (delta = +1) or loses (-1) one covering range. delta = 0 marks a position
// that must start an interval even without a change (the IPv4 block edges).
struct Event {
  uint64_t hi;
  uint64_t lo;
  uint32_t member;
  int32_t delta;
};

struct Fingerprint {
  uint64_t a = 0;
  uint64_t b = 0;
  friend bool operator==(const Fingerprint& x, const Fingerprint& y) {
    return x.a == y.a && x.b == y.b;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Fingerprint& f) {
    return H::combine(std::move(h), f.a, f.b);
  }
};

}  // namespace

template <typename RadixKeyAt>
ZoneIpIndex::Radix ZoneIpIndex::MakeRadix(size_t n, RadixKeyAt rk) {
  Radix radix;
  // About four interval starts per bucket, at least two buckets so that the
  // shift below stays under 64.
  const int bits = std::clamp(static_cast<int>(std::bit_width(n)) - 2, 1, kMaxRadixBits);
  radix.bucket_count = uint32_t{1} << bits;
  // Index 0 is the sentinel start at 0; the real data begins at index 1, so
  // the buckets cover [rk(1), rk(n-1)] and skewed-but-dense data still fills
  // them (all of IPv4 in 10/8, all of IPv6 in 2000::/3).
  radix.base = n > 1 ? rk(1) : 0;
  const uint64_t span = n > 1 ? rk(n - 1) - radix.base : 0;
  radix.shift = std::max(0, static_cast<int>(std::bit_width(span)) - bits);
  radix.starts.assign(size_t{radix.bucket_count} + 1, 0);
  // Starts below base (only the sentinel) come before bucket 0.
  auto bucket_of = [&](size_t i) -> int64_t {
    const uint64_t k = rk(i);
    return k < radix.base ? -1 : static_cast<int64_t>((k - radix.base) >> radix.shift);
  };
  size_t i = 0;
  for (uint32_t b = 0; b < radix.bucket_count; ++b) {
    while (i < n && bucket_of(i) < int64_t{b}) ++i;
    radix.starts[b] = static_cast<uint32_t>(i);
  }
  radix.starts[radix.bucket_count] = static_cast<uint32_t>(n);
  return radix;
}

// Inlined into FindV4 and FindV6: out of line, the call and the two values
// returned through memory were a quarter of a lookup in a small index (issue
// 20, "Latency round three").
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void ZoneIpIndex::Bucket(const Radix& radix, uint64_t rk,
                                                             size_t* begin, size_t* end) {
  if (rk < radix.base) {
    *begin = 0;
    *end = radix.starts[0];
    return;
  }
  uint64_t b = (rk - radix.base) >> radix.shift;
  if (b >= radix.bucket_count) b = radix.bucket_count - 1;
  *begin = radix.starts[b];
  *end = radix.starts[b + 1];
}

uint32_t ZoneIpIndex::FindV4(uint32_t key) const {
  size_t begin, end;
  Bucket(v4_radix_, key, &begin, &end);
  const V4Interval* base = v4_.data() + begin;
  size_t n = end - begin;
  if (n == 0) return base[-1].set;
  // Branch-free upper bound: every start before `base` is ≤ key and every
  // start from base + n on is > key.
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half].start <= key ? base + half : base;
    n -= half;
  }
  return base->start <= key ? base->set : base[-1].set;
}

uint32_t ZoneIpIndex::FindV6(uint64_t hi, uint64_t lo) const {
  size_t begin, end;
  Bucket(v6_radix_, hi, &begin, &end);
  auto le = [hi, lo](const V6Interval& k) { return k.hi < hi || (k.hi == hi && k.lo <= lo); };
  const V6Interval* base = v6_.data() + begin;
  size_t n = end - begin;
  if (n == 0) return base[-1].set;
  while (n > 1) {
    const size_t half = n / 2;
    base = le(base[half]) ? base + half : base;
    n -= half;
  }
  return le(*base) ? base->set : base[-1].set;
}

ZoneIpIndex::ZoneIpIndex() : v4_{{0, 0}}, v6_{{0, 0, 0}}, pool_{0, 0} {
  v4_radix_ = MakeRadix(v4_.size(), [this](size_t i) { return uint64_t{v4_[i].start}; });
  v6_radix_ = MakeRadix(v6_.size(), [this](size_t i) { return v6_[i].hi; });
}

absl::StatusOr<ZoneIpIndex> ZoneIpIndex::Build(std::vector<Entry> entries) {
  if (entries.size() > kMaxEntries) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "zone IP index: %d entries, at most %d are supported", entries.size(), kMaxEntries));
  }
  uint32_t max_zone = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.range.last < e.range.first) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "zone IP index: entry %d (zone %d) has first address %s after last address %s", i, e.zone,
          e.range.first.ToString(), e.range.last.ToString()));
    }
    max_zone = std::max(max_zone, e.zone);
  }

  // Dense zone numbers, ascending in the zone id.
  std::vector<uint32_t> zone_of_dense;
  absl::flat_hash_map<uint32_t, uint32_t> dense_of_zone;
  const bool direct = max_zone < std::max(kDirectZoneLimit, 4 * entries.size());
  if (direct) {
    zone_of_dense.resize(entries.empty() ? 0 : size_t{max_zone} + 1);
    for (uint32_t z = 0; z < zone_of_dense.size(); ++z) zone_of_dense[z] = z;
  } else {
    for (const Entry& e : entries) zone_of_dense.push_back(e.zone);
    std::sort(zone_of_dense.begin(), zone_of_dense.end());
    zone_of_dense.erase(std::unique(zone_of_dense.begin(), zone_of_dense.end()),
                        zone_of_dense.end());
    dense_of_zone.reserve(zone_of_dense.size());
    for (uint32_t d = 0; d < zone_of_dense.size(); ++d) dense_of_zone[zone_of_dense[d]] = d;
  }
  const size_t member_count = 2 * zone_of_dense.size();
  // Zones that may ride inline in an interval record (kSingleGateway).
  const uint64_t inline_limit = std::min<uint64_t>(
      {uint64_t{max_zone} + 1, std::max(kDirectZoneLimit, entries.size()), kSingleGateway});

  std::vector<Event> events;
  events.reserve(2 * entries.size() + 3);
  // Interval starts that must exist: all of space, and both edges of the IPv4
  // block, so each family's array is complete on its own.
  events.push_back({0, 0, 0, 0});
  events.push_back({0, kV4First, 0, 0});
  events.push_back({0, kV4Last + 1, 0, 0});
  for (const Entry& e : entries) {
    const uint32_t dense = direct ? e.zone : dense_of_zone.find(e.zone)->second;
    const uint32_t member = 2 * dense + static_cast<uint32_t>(e.role);
    const absl::uint128 first = e.range.first.value();
    events.push_back({absl::Uint128High64(first), absl::Uint128Low64(first), member, +1});
    const absl::uint128 last = e.range.last.value();
    if (last != ~absl::uint128{0}) {
      const absl::uint128 after = last + 1;
      events.push_back({absl::Uint128High64(after), absl::Uint128Low64(after), member, -1});
    }
  }
  entries.clear();
  entries.shrink_to_fit();
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo);
  });

  ZoneIpIndex index;
  // Built in ordinary vectors, then copied once into the index's huge-page
  // arrays: growing those by doubling would fault in (and zero) fresh huge
  // pages at every step.
  std::vector<V4Interval> v4;
  std::vector<V6Interval> v6;
  std::vector<uint32_t> pool = {0, 0};  // the empty set at offset 0

  // Sweep state: how many ranges of each member cover the current position,
  // the members with a non-zero count (unordered, O(1) removal), and the
  // XOR of their 128-bit Zobrist keys.
  std::vector<uint32_t> count(member_count, 0);
  std::vector<uint32_t> slot(member_count, 0);
  std::vector<uint32_t> active;
  Fingerprint fingerprint;
  absl::flat_hash_map<Fingerprint, uint32_t> set_of_fingerprint;
  set_of_fingerprint[Fingerprint{}] = 0;  // the empty set
  std::vector<uint32_t> members;

  auto toggle = [&](uint32_t member) {
    fingerprint.a ^= SplitMix64(2 * uint64_t{member});
    fingerprint.b ^= SplitMix64(2 * uint64_t{member} + 1);
  };
  bool pool_overflow = false;
  std::vector<bool> inline_seen;
  auto current_set = [&]() -> uint32_t {
    if (active.size() == 1 && (active[0] & 1) == 0) {
      const uint32_t zone = zone_of_dense[active[0] >> 1];
      if (zone < inline_limit) {
        if (inline_seen.size() <= zone) inline_seen.resize(size_t{zone} + 1, false);
        if (!inline_seen[zone]) {
          inline_seen[zone] = true;
          ++index.zone_set_count_;
        }
        return kSingleGateway | zone;
      }
    }
    auto [it, inserted] =
        set_of_fingerprint.try_emplace(fingerprint, static_cast<uint32_t>(pool.size()));
    if (!inserted) return it->second;
    if (pool.size() + 2 + active.size() >= kSingleGateway) {
      pool_overflow = true;
      return 0;
    }
    ++index.zone_set_count_;
    members.assign(active.begin(), active.end());
    std::sort(members.begin(), members.end());
    const size_t header = pool.size();
    pool.resize(header + 2);
    for (uint32_t m : members) {
      if ((m & 1) == 0) pool.push_back(zone_of_dense[m >> 1]);
    }
    pool[header] = static_cast<uint32_t>(pool.size() - header - 2);
    for (uint32_t m : members) {
      if ((m & 1) == 1) pool.push_back(zone_of_dense[m >> 1]);
    }
    pool[header + 1] = static_cast<uint32_t>(pool.size() - header - 2 - pool[header]);
    return it->second;
  };

  for (size_t i = 0; i < events.size();) {
    const uint64_t hi = events[i].hi;
    const uint64_t lo = events[i].lo;
    for (; i < events.size() && events[i].hi == hi && events[i].lo == lo; ++i) {
      const Event& e = events[i];
      if (e.delta > 0) {
        if (count[e.member]++ == 0) {
          slot[e.member] = static_cast<uint32_t>(active.size());
          active.push_back(e.member);
          toggle(e.member);
        }
      } else if (e.delta < 0) {
        if (--count[e.member] == 0) {
          const uint32_t moved = active.back();
          active[slot[e.member]] = moved;
          slot[moved] = slot[e.member];
          active.pop_back();
          toggle(e.member);
        }
      }
    }
    const uint32_t set = current_set();
    if (hi == 0 && lo >= kV4First && lo <= kV4Last) {
      if (v4.empty() || v4.back().set != set) {
        v4.push_back({static_cast<uint32_t>(lo - kV4First), set});
      }
    } else if (v6.empty() || v6.back().set != set) {
      v6.push_back({hi, lo, set});
    }
  }
  if (pool_overflow) {
    return absl::ResourceExhaustedError(
        "zone IP index: the distinct zone sets need more than 2^31 pool slots");
  }
  events.clear();
  events.shrink_to_fit();

  index.v4_.assign(v4.begin(), v4.end());
  index.v6_.assign(v6.begin(), v6.end());
  index.pool_.assign(pool.begin(), pool.end());
  index.zone_ids_.resize(inline_seen.size());
  for (uint32_t z = 0; z < index.zone_ids_.size(); ++z) index.zone_ids_[z] = z;
  index.v4_radix_ =
      MakeRadix(index.v4_.size(), [&index](size_t i) { return uint64_t{index.v4_[i].start}; });
  index.v6_radix_ = MakeRadix(index.v6_.size(), [&index](size_t i) { return index.v6_[i].hi; });
  return index;
}

size_t ZoneIpIndex::MemoryBytes() const {
  return sizeof(*this) + v4_.capacity() * sizeof(V4Interval) +
         v4_radix_.starts.capacity() * sizeof(uint32_t) + v6_.capacity() * sizeof(V6Interval) +
         v6_radix_.starts.capacity() * sizeof(uint32_t) + pool_.capacity() * sizeof(uint32_t) +
         zone_ids_.capacity() * sizeof(uint32_t);
}

}  // namespace verdict::internal
