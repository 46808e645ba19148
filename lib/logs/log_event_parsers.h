// The two ParseLogEvent implementations (see verdict/system_log.h) and what
// they share, so each can be called, tested and measured on its own.
#ifndef VERDICT_LIB_LOGS_LOG_EVENT_PARSERS_H_
#define VERDICT_LIB_LOGS_LOG_EVENT_PARSERS_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/system_log.h"

namespace verdict::logs {

// Deeper nesting is rejected by both parsers alike: nlohmann would accept
// any depth and simdjson stops at 1024, and the on-demand walk recurses.
inline constexpr int kMaxLogEventDepth = 256;

// nlohmann/json: parse the whole event into a tree, then look fields up.
absl::StatusOr<LogEvent> ParseLogEventDom(std::string_view text, const LogEventPosition& position);

// simdjson on-demand: one forward walk that reads the mapped fields and
// validates every other value (so it accepts exactly what the DOM parser
// accepts). `text.data()` must stay readable for `capacity` bytes, with
// capacity >= text.size() + kLogEventPadding.
absl::StatusOr<LogEvent> ParseLogEventOnDemand(std::string_view text, size_t capacity,
                                               const LogEventPosition& position);
// The same into *out, reusing its string buffers (see ParseLogEvent with an
// out-parameter). *out is unspecified after an error.
absl::Status ParseLogEventOnDemand(std::string_view text, size_t capacity,
                                   const LogEventPosition& position, LogEvent* out);

// simdjson's DOM parser (the library's parse, compiled for the CPU it runs
// on and fully validating) to its tape, then EventReading over the tape. An
// event the tape cannot be read from exactly as nlohmann reads it — invalid
// JSON (for the error's wording and offset), nesting deeper than
// kTapeMaxDepth, numbers that are not 64-bit integers where their text is
// kept, objects or arrays inside debugData/detailEntry — is read again by
// ParseLogEventOnDemand, so the result is always the on-demand one.
// Same contract as ParseLogEventOnDemand.
inline constexpr int kTapeMaxDepth = 64;
absl::Status ParseLogEventTape(std::string_view text, size_t capacity,
                               const LogEventPosition& position, LogEvent* out);
// The tape reading into a LogEventView: the views point into this thread's
// parser and stay valid until its next parse (any ParseLogEventTape or
// ReadLogEventViewTape on this thread). False for every event
// ParseLogEventTape would hand to the on-demand reading, valid or not: the
// caller then parses a LogEvent.
struct LogEventView;
bool ReadLogEventViewTape(std::string_view text, size_t capacity, const LogEventPosition& position,
                          LogEventView* out);
// How many events this thread's ParseLogEventTape and ReadLogEventViewTape
// handed to the on-demand reading, and how many ReadLogEventViewTape read
// (for tests and measurements).
size_t TapeFallbacksOnThisThread();
size_t TapeViewReadsOnThisThread();

// simdjson reads up to kLogEventPadding bytes past the end of the text: a
// copy of `text` in this thread's buffer, which has them (*capacity bytes
// are readable from the copy's start). Valid until the thread's next call.
std::string_view PaddedCopy(std::string_view text, size_t* capacity);

// The steps after the fields are read, shared by both parsers: parses
// debug_data["securityConditions"] into security_conditions.
void FinishLogEvent(LogEvent* event);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_LOG_EVENT_PARSERS_H_
