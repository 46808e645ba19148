// The System Log readings that are no longer in production, kept as test
// oracles for the one that is (LogEventParser, simdjson's tape): the
// nlohmann reading, the reference, and simdjson's on-demand walk. Every
// reading must accept and reject the same events and read the same LogEvent
// from them (tests/logs/log_event_parser_test.cc, convert_log_event_test.cc).
// Each call sets up its own parser: slow, and never shared between threads.
#ifndef VERDICT_TESTS_SUPPORT_LOG_EVENT_ORACLES_H_
#define VERDICT_TESTS_SUPPORT_LOG_EVENT_ORACLES_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/logs/log_event_padding.h"
#include "verdict/system_log.h"

namespace verdict::testing {

// nlohmann/json: parses the whole event into a tree, then looks fields up.
// The reference every other reading is held to.
absl::StatusOr<LogEvent> ParseLogEventDom(std::string_view text,
                                          const LogEventPosition& position = {});

// simdjson on-demand: one forward walk that reads the mapped fields
// (lib/logs/log_event_reading.h) and validates every other value. Text
// without kLogEventPadding bytes readable after it is copied first.
absl::StatusOr<LogEvent> ParseLogEventOnDemand(std::string_view text,
                                               const LogEventPosition& position = {});

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SUPPORT_LOG_EVENT_ORACLES_H_
