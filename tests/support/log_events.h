// System Log events for the log tests: a valid sign-on event around one
// field, a table of malformed and odd events every reading must treat alike,
// and a conversion written out field by field for comparisons.
#ifndef VERDICT_TESTS_SUPPORT_LOG_EVENTS_H_
#define VERDICT_TESTS_SUPPORT_LOG_EVENTS_H_

#include <string>
#include <vector>

#include "verdict/system_log.h"

namespace verdict::testing {

// A valid policy.evaluate_sign_on event around `field` (a "key": value
// member).
std::string Event(const std::string& field);

struct OddLogEvent {
  std::string name;
  std::string text;
  bool accepted;  // well-formed: every reading accepts it (else rejects it)
};
// Malformed events, wrong types, nulls, duplicate keys, escapes, odd
// numbers, deep nesting: the shapes where readings could differ.
std::vector<OddLogEvent> OddLogEvents();

// Everything a conversion holds, one item per line.
std::string DescribeConversion(const LogEventConversion& c);

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SUPPORT_LOG_EVENTS_H_
