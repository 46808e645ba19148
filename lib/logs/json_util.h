// nlohmann/json access for the System Log path that never throws: the one
// place that catches nlohmann's exceptions is ParseJsonText().
#ifndef VERDICT_LIB_LOGS_JSON_UTIL_H_
#define VERDICT_LIB_LOGS_JSON_UTIL_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace verdict::logs {

// Parses `text` as one JSON value. InvalidArgument with nlohmann's message
// (which names the byte offset) on a syntax error.
absl::StatusOr<nlohmann::json> ParseJsonText(std::string_view text);

// The member `key` of object `j`; nullptr when `j` is not an object, the key
// is absent or its value is null.
const nlohmann::json* Member(const nlohmann::json& j, std::string_view key);
const nlohmann::json* Member(const nlohmann::json* j, std::string_view key);

// A string value as is; a number or boolean as its JSON text; "" otherwise.
std::string ScalarText(const nlohmann::json* j);
// Strings as they are; anything else as compact JSON text ("" for null).
std::string AnyText(const nlohmann::json& j);

// Booleans; the strings "true"/"false" (any case) too.
std::optional<bool> BoolValue(const nlohmann::json* j);
// Integers; integral strings too.
std::optional<int64_t> IntValue(const nlohmann::json* j);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_JSON_UTIL_H_
