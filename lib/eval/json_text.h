// JSON string text for what the eval stage writes, appended to a caller's
// buffer: the bytes nlohmann's dump(-1, ' ', false, replace) gives a string,
// without building one.
#ifndef VERDICT_LIB_EVAL_JSON_TEXT_H_
#define VERDICT_LIB_EVAL_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace verdict::eval_internal {

// Appends `s` quoted and escaped as nlohmann::json(s).dump(-1, ' ', false,
// error_handler_t::replace) does: \" \\ \b \f \n \r \t, other control
// characters as \u00xx, everything else as is; invalid UTF-8 replaced by
// U+FFFD (text with a byte above 0x7F goes through nlohmann itself).
void AppendJsonQuoted(std::string_view s, std::string* out);

}  // namespace verdict::eval_internal

#endif  // VERDICT_LIB_EVAL_JSON_TEXT_H_
