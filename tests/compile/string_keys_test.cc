// The compiled engine's key hashes and tables (lib/compile/string_keys.h):
// strings equal ignoring ASCII case hash alike when folded, at every length (the tail of fewer than
// eight bytes included); ids that differ in one place rarely share a hash or its low 7 bits; the
// KeyTables answer as a map does.
#include "lib/compile/string_keys.h"

#include <cctype>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace verdict::internal {
namespace {

// OR-ed into every word: makes ASCII upper- and lower-case letters the same.
constexpr uint64_t kFold = 0x2020202020202020ull;

TEST(StringKeys, CaseFoldedHashIgnoresAsciiCaseAtEveryLength) {
  std::mt19937_64 rng(5);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  for (size_t length = 0; length <= 40; ++length) {
    for (int trial = 0; trial < 50; ++trial) {
      std::string a;
      for (size_t i = 0; i < length; ++i) a += alphabet[rng() % alphabet.size()];
      std::string b = a;
      for (char& c : b) {
        if (rng() % 2 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      EXPECT_EQ(HashKeyBytes(a, kFold), HashKeyBytes(b, kFold)) << a << " " << b;
      EXPECT_TRUE(AsciiEqualsIgnoreCase(a, b));
    }
  }
  EXPECT_FALSE(AsciiEqualsIgnoreCase("US-CA", "US-C@"));
}

TEST(StringKeys, IdHashSpreadsSimilarIds) {
  absl::flat_hash_set<size_t> hashes;
  absl::flat_hash_set<size_t> low_bits;
  constexpr int kIds = 100000;
  for (int i = 0; i < kIds; ++i) {
    const size_t h = HashKeyBytes(absl::StrCat("00g", i, "abcdefgh0x7"), 0);
    hashes.insert(h);
    low_bits.insert(h & 0x7f);
  }
  EXPECT_EQ(hashes.size(), static_cast<size_t>(kIds));
  EXPECT_EQ(low_bits.size(), 128u);
  EXPECT_NE(HashKeyBytes("00gabc", 0), HashKeyBytes("00gABC", 0));
}

TEST(StringKeys, IdTableFindsByExactBytes) {
  IdTable ids;
  EXPECT_EQ(ids.Find("anything"), IdTable::kAbsent);
  EXPECT_EQ(ids.Find(""), IdTable::kAbsent);
  EXPECT_EQ(ids.Intern("00g1", 1), 1u);
  EXPECT_EQ(ids.Intern("00g12345678901234567", 2), 2u);
  EXPECT_EQ(ids.Intern("00g1", 7), 1u);  // the first code stays
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids.Find(absl::string_view("00g12345678901234567")), 2u);
  EXPECT_EQ(ids.Find("00g1"), 1u);
  EXPECT_EQ(ids.Find("00G1"), IdTable::kAbsent);
  EXPECT_EQ(ids.Find("00g12345678901234568"), IdTable::kAbsent);
  EXPECT_EQ(ids.Find("00g1234567890123456"), IdTable::kAbsent);
}

// The tables against std::map on random keys of every length up to 40
// (each branch of the word-wise compare), through many growths, with misses
// that share a prefix, a suffix or the length of a stored key.
TEST(StringKeys, KeyTablesAgreeWithAMapOnRandomKeys) {
  std::mt19937_64 rng(11);
  const std::string alphabet = "abcXYZ019-_@`";  // '@' and '`' differ only in 0x20
  auto random_key = [&] {
    std::string k;
    for (size_t n = rng() % 41; n > 0; --n) k += alphabet[rng() % alphabet.size()];
    return k;
  };
  auto fold = [](std::string k) {
    for (char& c : k) c = absl::ascii_tolower(static_cast<unsigned char>(c));
    return k;
  };
  IdTable exact;
  CaseInsensitiveTable folded;
  std::map<std::string, uint32_t> want_exact, want_folded;
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < 3000; ++i) {
    const std::string k = random_key();
    keys.push_back(k);
    want_exact.try_emplace(k, i);
    want_folded.try_emplace(fold(k), i);
    EXPECT_EQ(exact.Intern(k, i), want_exact.at(k));
    EXPECT_EQ(folded.Intern(k, i), want_folded.at(fold(k)));
  }
  EXPECT_EQ(exact.size(), want_exact.size());
  EXPECT_EQ(folded.size(), want_folded.size());
  for (int trial = 0; trial < 20000; ++trial) {
    std::string probe = trial % 2 == 0 ? keys[rng() % keys.size()] : random_key();
    if (trial % 3 == 0 && !probe.empty()) {
      char& c = probe[rng() % probe.size()];
      c = alphabet[rng() % alphabet.size()];
    }
    if (trial % 5 == 0) {
      for (char& c : probe) {
        if (rng() % 2 == 0) c = absl::ascii_toupper(static_cast<unsigned char>(c));
      }
    }
    auto e = want_exact.find(probe);
    EXPECT_EQ(exact.Find(probe), e == want_exact.end() ? IdTable::kAbsent : e->second) << probe;
    auto f = want_folded.find(fold(probe));
    EXPECT_EQ(folded.Find(probe),
              f == want_folded.end() ? CaseInsensitiveTable::kAbsent : f->second)
        << probe;
  }
}

}  // namespace
}  // namespace verdict::internal
