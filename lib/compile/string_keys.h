// Hashing for the compiled engine's string-keyed tables (ids of groups,
// users, apps, IdPs and zones; countries, regions and behaviors without case).
//
// Why not absl::Hash: Evaluate looks up every group, the user, the app and
// the IdP of a context, and at fixture size those lookups were a third of its
// instructions (issue 20), most of them in absl's out-of-line string hash.
// These hashes read eight bytes at a time and mix with multiplications,
// inline. They are unseeded, which is safe here: only the snapshot's own
// keys are stored (the org's configuration, trusted), so a context cannot
// make the tables probe longer than the snapshot already does.
#ifndef VERDICT_LIB_COMPILE_STRING_KEYS_H_
#define VERDICT_LIB_COMPILE_STRING_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace verdict::internal {

inline uint64_t LoadKeyWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t LoadKeyHalf(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// Eight bytes at a time, the last word read overlapping the one before it
// (no byte loop, no variable-length copy); `fold` is OR-ed into every word
// (0x20 in each byte makes ASCII upper- and lower-case letters the same; 0
// keeps the bytes).
inline size_t HashKeyBytes(absl::string_view s, uint64_t fold) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ull;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = (n + 1) * kMul;
  if (n >= 8) {
    const char* last = p + n - 8;
    for (; p < last; p += 8) {
      h = (h ^ (LoadKeyWord(p) | fold)) * kMul;
      h ^= h >> 32;
    }
    h = (h ^ (LoadKeyWord(last) | fold)) * kMul;
  } else if (n >= 4) {
    const uint64_t w = (LoadKeyHalf(p) << 32) | LoadKeyHalf(p + n - 4);
    h = (h ^ (w | fold)) * kMul;
  } else if (n > 0) {
    const uint64_t w = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
                       (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) |
                       static_cast<uint8_t>(p[n - 1]);
    h = (h ^ (w | (fold & 0xffffff))) * kMul;
  }
  // SwissTable takes the low 7 bits and the high bits separately: both must
  // depend on every input bit.
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return static_cast<size_t>(h ^ (h >> 32));
}

// Exact keys (Okta ids). Transparent, so lookups take a string_view.
struct IdHash {
  using is_transparent = void;
  size_t operator()(absl::string_view s) const { return HashKeyBytes(s, 0); }
};
struct IdEq {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const { return a == b; }
};

// ASCII case-insensitive hashing and equality, for keys Okta compares without
// case (behavior names, countries, regions). Strings equal ignoring ASCII case
// differ only in bit 0x20 of their letters, which the hash sets everywhere;
// the equality decides.
struct CaseInsensitiveHash {
  using is_transparent = void;
  size_t operator()(absl::string_view s) const { return HashKeyBytes(s, 0x2020202020202020ull); }
};
struct CaseInsensitiveEq {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const {
    return absl::EqualsIgnoreCase(a, b);
  }
};

using StringIds = absl::flat_hash_map<std::string, uint32_t, IdHash, IdEq>;
using CaseInsensitiveCodes =
    absl::flat_hash_map<std::string, uint32_t, CaseInsensitiveHash, CaseInsensitiveEq>;

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_STRING_KEYS_H_
