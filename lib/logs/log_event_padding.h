// How much room LogReader leaves after each event's text, so the parser reads
// it in place: simdjson's SIMD loads may read past the end of the JSON text.
// Internal to lib/logs (and its tests); a caller of the public API never needs
// it: text without the room is copied once.
#ifndef VERDICT_LIB_LOGS_LOG_EVENT_PADDING_H_
#define VERDICT_LIB_LOGS_LOG_EVENT_PADDING_H_

#include <cstddef>

namespace verdict {

// simdjson's SIMDJSON_PADDING (checked with a static_assert where simdjson is
// included).
inline constexpr size_t kLogEventPadding = 64;

}  // namespace verdict

#endif  // VERDICT_LIB_LOGS_LOG_EVENT_PADDING_H_
