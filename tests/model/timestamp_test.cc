// ParseRfc3339 against absl::ParseTime(absl::RFC3339_full), its oracle: every
// text either both accept with the same instant, or both reject with the
// same error. The direct path reads only the common UTC shapes, so the edge
// texts below sit on both sides of its boundary.
#include "verdict/timestamp.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace verdict {
namespace {

void ExpectSameAsAbsl(const std::string& text) {
  absl::Time want;
  std::string want_err;
  const bool want_ok = absl::ParseTime(absl::RFC3339_full, text, &want, &want_err);
  absl::Time got;
  std::string got_err;
  const bool got_ok = ParseRfc3339(text, &got, &got_err);
  ASSERT_EQ(got_ok, want_ok) << "\"" << text << "\"";
  if (want_ok) {
    EXPECT_EQ(got, want) << "\"" << text << "\"";
  } else {
    EXPECT_EQ(got_err, want_err) << "\"" << text << "\"";
  }
}

TEST(Rfc3339Test, CommonShapesReadTheSameInstantAsAbsl) {
  for (const char* text : {
           "2026-11-28T12:00:00Z",
           "2026-11-28T12:00:00.000Z",
           "2026-11-28T12:00:00.5Z",
           "2026-11-28T12:00:00.123456789Z",
           "1970-01-01T00:00:00Z",
           "1969-12-31T23:59:59.999Z",
           "0000-01-01T00:00:00Z",
           "9999-12-31T23:59:59Z",
           "2024-02-29T00:00:00Z",  // a leap day
           "2000-02-29T23:59:59Z",
       }) {
    ExpectSameAsAbsl(text);
  }
}

TEST(Rfc3339Test, TextsOutsideTheDirectShapesGoToAbsl) {
  for (const char* text : {
           "2026-11-28T12:00:00+02:00",
           "2026-11-28T12:00:00-00:30",
           "2026-11-28t12:00:00z",
           "2026-11-28T12:00:00.1234567891Z",  // ten fraction digits
           "2026-11-28T12:00:60Z",             // a leap second
           "2023-02-29T00:00:00Z",             // not a leap year
           "2026-11-31T00:00:00Z",
           "2026-13-01T00:00:00Z",
           "2026-00-01T00:00:00Z",
           "2026-11-00T00:00:00Z",
           "2026-11-28T24:00:00Z",
           "2026-11-28T12:60:00Z",
           "2026-11-28T12:00:00.Z",
           "2026-11-28T12:00:00",
           "2026-11-28 12:00:00Z",
           "26-11-28T12:00:00Z",
           "12026-11-28T12:00:00Z",
           "2026-11-28T12:00:00ZZ",
           "2026-11-28T12:00:00.5xZ",
           "",
           "Z",
           "not a time",
       }) {
    ExpectSameAsAbsl(text);
  }
}

// Random texts near the shape: digits, separators and suffixes mutated one
// byte at a time, so both the direct path and its refusals are exercised.
TEST(Rfc3339Test, RandomNearShapeTextsMatchAbsl) {
  std::mt19937 rng(20261207);
  const std::string alphabet = "0123456789-:.TZtz+ x";
  std::vector<std::string> bases = {"2026-11-28T12:00:00Z", "2026-11-28T12:00:00.000Z",
                                    "1999-12-31T23:59:59.123456Z", "2026-11-28T12:00:00+05:30"};
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = bases[rng() % bases.size()];
    // Random valid-looking dates half the time.
    if (rng() % 2 == 0) {
      text.replace(0, 19,
                   absl::StrCat(1900 + rng() % 200, "-", rng() % 2 ? "0" : "1", rng() % 10, "-",
                                rng() % 4, rng() % 10, "T", rng() % 3, rng() % 10, ":", rng() % 7,
                                rng() % 10, ":", rng() % 7, rng() % 10));
    }
    const int mutations = static_cast<int>(rng() % 3);
    for (int m = 0; m < mutations && !text.empty(); ++m) {
      text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    }
    ExpectSameAsAbsl(text);
    if (HasFatalFailure()) return;
    ++checked;
  }
  EXPECT_EQ(checked, 20000);
}

}  // namespace
}  // namespace verdict
