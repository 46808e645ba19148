// RFC 3339 timestamps as contexts and System Log events carry them
// ("2026-11-28T12:00:00Z", "2026-11-28T12:00:00.000Z", "…+02:00").
#ifndef VERDICT_TIMESTAMP_H_
#define VERDICT_TIMESTAMP_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "verdict/export.h"

namespace verdict {

// Exactly absl::ParseTime(absl::RFC3339_full, text, out, err): the same
// texts accepted, the same instant, the same error text. The shapes Okta and
// most tools write — "YYYY-MM-DDTHH:MM:SS", up to nine fraction digits, "Z" —
// are read directly, because absl's format interpreter cost ~4 % of a replay
// and ~8 % of an eval line; every other text (offsets, leap seconds,
// out-of-range fields, anything malformed) goes to absl::ParseTime itself.
// tests/model/timestamp_test.cc compares the two on random and edge texts.
VERDICT_EXPORT bool ParseRfc3339(std::string_view text, absl::Time* out, std::string* err);

}  // namespace verdict

#endif  // VERDICT_TIMESTAMP_H_
