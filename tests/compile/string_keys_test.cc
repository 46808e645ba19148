// The compiled engine's key hashes (lib/compile/string_keys.h): strings equal
// ignoring ASCII case hash alike under CaseInsensitiveHash, at every length
// (the tail of fewer than eight bytes included), and ids that differ in one
// place rarely share a hash or the 7 control bits SwissTable keeps.
#include "lib/compile/string_keys.h"

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace verdict::internal {
namespace {

TEST(StringKeys, CaseInsensitiveHashIgnoresAsciiCaseAtEveryLength) {
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
      EXPECT_EQ(CaseInsensitiveHash()(a), CaseInsensitiveHash()(b)) << a << " " << b;
      EXPECT_TRUE(CaseInsensitiveEq()(a, b));
    }
  }
  EXPECT_FALSE(CaseInsensitiveEq()("US-CA", "US-C@"));
}

TEST(StringKeys, IdHashSpreadsSimilarIds) {
  absl::flat_hash_set<size_t> hashes;
  absl::flat_hash_set<size_t> low_bits;
  constexpr int kIds = 100000;
  for (int i = 0; i < kIds; ++i) {
    const size_t h = IdHash()(absl::StrCat("00g", i, "abcdefgh0x7"));
    hashes.insert(h);
    low_bits.insert(h & 0x7f);
  }
  EXPECT_EQ(hashes.size(), static_cast<size_t>(kIds));
  EXPECT_EQ(low_bits.size(), 128u);
  EXPECT_NE(IdHash()("00gabc"), IdHash()("00gABC"));
}

TEST(StringKeys, StringIdsFindByView) {
  StringIds ids;
  ids.emplace("00g1", 1);
  ids.emplace("00g12345678901234567", 2);
  EXPECT_EQ(ids.find(absl::string_view("00g12345678901234567"))->second, 2u);
  EXPECT_EQ(ids.find(absl::string_view("00G1")), ids.end());
}

}  // namespace
}  // namespace verdict::internal
