// The rare cases of the tape reading (log_event_parser.cc) that need
// nlohmann, the reference reading's library: the text nlohmann would keep of
// a value, a rewrite of an event simdjson's DOM cannot read, and the place of
// a syntax error. Apart from the hot reading so that nlohmann's templates do
// not share its compilation unit (they cost the reading its inlining: 8%
// more instructions per event when they did).
#ifndef VERDICT_LIB_LOGS_TAPE_TEXT_H_
#define VERDICT_LIB_LOGS_TAPE_TEXT_H_

#include <simdjson.h>

#include <string>
#include <string_view>

#include "lib/logs/log_event_padding.h"

namespace verdict::logs {

// nlohmann's compact text of an object or array on the tape (json_util's
// AnyText of what nlohmann would have parsed: keys sorted, a later duplicate
// key winning, numbers written as nlohmann writes them).
std::string TapeValueText(simdjson::dom::element value);

// `json` as nlohmann writes it after parsing it, into *out (with
// kLogEventPadding bytes of capacity after it): the same values, an integer
// beyond 64 bits as the double nlohmann reads. False when nlohmann cannot
// parse `json` either.
bool RewriteThroughNlohmann(std::string_view json, std::string* out);

// The message for `text`, which simdjson refused with `error`: "invalid JSON
// near byte N: <simdjson's words>", with the byte where the text goes wrong
// when it can be located (by nlohmann, or by counting brackets for a depth
// beyond kMaxLogEventDepth).
std::string DescribeSyntaxError(std::string_view text, simdjson::error_code error);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_TAPE_TEXT_H_
