// The compiled engine's string-keyed tables (ids of groups, users, apps, IdPs
// and zones; countries, regions and behaviors without case) and their hash.
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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/ascii.h"
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
  // KeyTable takes the slot from the low bits and the tag from the high 32:
  // both must depend on every input bit.
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return static_cast<size_t>(h ^ (h >> 32));
}

// Whether the n bytes at p and q are equal, read as HashKeyBytes reads them
// (words, the last overlapping), inline: keys are short, and a libc memcmp
// call cost more than the compare.
inline bool KeyBytesEqual(const char* p, const char* q, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (LoadKeyWord(p + i) != LoadKeyWord(q + i)) return false;
    }
    return LoadKeyWord(p + n - 8) == LoadKeyWord(q + n - 8);
  }
  if (n >= 4) {
    return LoadKeyHalf(p) == LoadKeyHalf(q) && LoadKeyHalf(p + n - 4) == LoadKeyHalf(q + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// absl::EqualsIgnoreCase (ASCII case folding, byte by byte), inline: the
// keys compared on the evaluation path are a few bytes long ("OKTA", country
// codes, regions), and the out-of-line call into the shared library cost
// more than the compare (issue 20, "Latency round three").
inline bool AsciiEqualsIgnoreCase(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  // Most compares meet the same spelling ("OKTA", "US"): words first.
  if (KeyBytesEqual(a.data(), b.data(), a.size())) return true;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The string-keyed tables the compiled engine asks on every decision: ids of
// groups, users, apps, IdPs and zones (exact bytes, kFoldCase false) and
// country and region codes (ASCII case ignored, kFoldCase true), each mapped
// to a dense uint32_t code.
//
// Why not absl::flat_hash_map: a find was ~90-120 instructions per key at
// fixture size (issue 20, "Latency round three": hash, control-byte group
// match, libc memcmp or memcasecmp of the std::string key, iterator). Here a
// slot holds 32 bits of the hash next to the key's place in one character
// array, probing is linear in a table at most half full (three quarters
// when small), and a key is compared only when those 32 bits and its length
// match, inline. A slot is 16 bytes and the keys are stored once, without
// std::string's 32-byte header.
//
// Built single-threaded; once built, Find is const and safe from many
// threads.
template <bool kFoldCase>
class KeyTable {
 public:
  static constexpr uint32_t kAbsent = 0xffffffffu;

  KeyTable() : slots_(new Slot[2]) {}

  // The code stored under `key`; when there is none, stores `code` (which
  // must not be kAbsent) and returns it.
  uint32_t Intern(absl::string_view key, uint32_t code) {
    const uint64_t h = Hash(key);
    size_t i = h & mask_;
    for (; slots_[i].code != kAbsent; i = (i + 1) & mask_) {
      if (Matches(slots_[i], static_cast<uint32_t>(h >> 32), key)) return slots_[i].code;
    }
    if (Full(size_ + 1)) {
      Grow();
      for (i = h & mask_; slots_[i].code != kAbsent;) i = (i + 1) & mask_;
    }
    slots_[i] =
        Slot{static_cast<uint32_t>(h >> 32), chars_size_, static_cast<uint32_t>(key.size()), code};
    AppendChars(key);
    ++size_;
    return code;
  }

  // The code stored under `key`, or kAbsent. Inlined where it is asked: the
  // call's register saves were a tenth of a lookup.
  ABSL_ATTRIBUTE_ALWAYS_INLINE uint32_t Find(absl::string_view key) const {
    const uint64_t h = Hash(key);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.code == kAbsent) return kAbsent;
      if (Matches(s, tag, key)) return s.code;
    }
  }

  size_t size() const { return size_; }
  // Releases the spare capacity of a table that is complete.
  void ShrinkToFit() { ReserveChars(chars_size_); }
  // Heap bytes held.
  size_t MemoryBytes() const { return slot_count() * sizeof(Slot) + chars_capacity_; }

 private:
  struct Slot {
    uint32_t tag = 0;  // the hash's high 32 bits (its low bits chose the slot)
    uint32_t offset = 0;
    uint32_t size = 0;
    uint32_t code = kAbsent;  // kAbsent: an empty slot
  };

  // Whether `n` keys are too many for the slots: at most three quarters of
  // a small table (≤ 16 slots, where a probe sequence is short anyway and
  // the slots are most of the table's memory), half of a larger one.
  bool Full(size_t n) const {
    return slot_count() <= 16 ? 4 * n > 3 * slot_count() : 2 * n > slot_count();
  }

  static uint64_t Hash(absl::string_view key) {
    return HashKeyBytes(key, kFoldCase ? 0x2020202020202020ull : 0);
  }

  bool Matches(const Slot& s, uint32_t tag, absl::string_view key) const {
    if (s.tag != tag || s.size != key.size()) return false;
    const absl::string_view stored(chars_.get() + s.offset, s.size);
    if constexpr (kFoldCase) {
      return AsciiEqualsIgnoreCase(stored, key);
    } else {
      return KeyBytesEqual(stored.data(), key.data(), key.size());
    }
  }

  // Doubles the slots, placing every key again (its hash from its bytes).
  void Grow() {
    const size_t old_count = slot_count();
    std::unique_ptr<Slot[]> old(new Slot[2 * old_count]);
    old.swap(slots_);
    mask_ = static_cast<uint32_t>(2 * old_count - 1);
    for (size_t k = 0; k < old_count; ++k) {
      const Slot& s = old[k];
      if (s.code == kAbsent) continue;
      size_t i = Hash(absl::string_view(chars_.get() + s.offset, s.size)) & mask_;
      while (slots_[i].code != kAbsent) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  size_t slot_count() const { return size_t{mask_} + 1; }

  void AppendChars(absl::string_view key) {
    if (chars_size_ + key.size() > chars_capacity_) {
      ReserveChars(std::max<size_t>({2 * size_t{chars_capacity_}, chars_size_ + key.size(), 64}));
    }
    if (!key.empty()) std::memcpy(chars_.get() + chars_size_, key.data(), key.size());
    chars_size_ += static_cast<uint32_t>(key.size());
  }
  // Exactly `capacity` (≥ chars_size_) bytes.
  void ReserveChars(size_t capacity) {
    if (capacity == chars_capacity_) return;
    std::unique_ptr<char[]> chars(capacity == 0 ? nullptr : new char[capacity]);
    if (chars_size_ > 0) std::memcpy(chars.get(), chars_.get(), chars_size_);
    chars_.swap(chars);
    chars_capacity_ = static_cast<uint32_t>(capacity);
  }

  // A power of two (≥ 2) of them, never Full. Not a vector: the table object
  // stays no larger than the hash map it replaced (sizeof(CompiledData) is
  // part of MemoryBytes).
  std::unique_ptr<Slot[]> slots_;
  // The keys, back to back. Not a vector either, for the same reason.
  std::unique_ptr<char[]> chars_;
  uint32_t chars_size_ = 0;
  uint32_t chars_capacity_ = 0;
  uint32_t mask_ = 1;  // slot_count() - 1
  uint32_t size_ = 0;
};

using IdTable = KeyTable<false>;
using CaseInsensitiveTable = KeyTable<true>;

// A list of codes per key (behavior name or id -> behavior tokens), on a
// KeyTable: one Find per key asked, like the id tables.
template <bool kFoldCase>
class KeyedLists {
 public:
  // The list of `key`, created empty on first use.
  std::vector<uint32_t>& operator[](absl::string_view key) {
    const uint32_t i = keys_.Intern(key, static_cast<uint32_t>(lists_.size()));
    if (i == lists_.size()) lists_.emplace_back();
    return lists_[i];
  }
  // The list of `key`, or null.
  const std::vector<uint32_t>* Find(absl::string_view key) const {
    const uint32_t i = keys_.Find(key);
    return i == KeyTable<kFoldCase>::kAbsent ? nullptr : &lists_[i];
  }
  bool empty() const { return lists_.empty(); }

 private:
  KeyTable<kFoldCase> keys_;
  std::vector<std::vector<uint32_t>> lists_;
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_STRING_KEYS_H_
