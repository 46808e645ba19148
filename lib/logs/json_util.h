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
// (which names the byte offset) on a syntax error; then *error_offset (when
// not null) is the 0-based offset of the byte at which nlohmann found the
// text invalid (text.size() when it ended too early).
absl::StatusOr<nlohmann::json> ParseJsonText(std::string_view text, size_t* error_offset = nullptr);

// The member `key` of object `j`; nullptr when `j` is not an object, the key
// is absent or its value is null.
const nlohmann::json* Member(const nlohmann::json& j, std::string_view key);
const nlohmann::json* Member(const nlohmann::json* j, std::string_view key);

// A string value as is; a number or boolean as its JSON text; "" otherwise.
std::string ScalarText(const nlohmann::json* j);
// Strings as they are; anything else as compact JSON text ("" for null).
std::string AnyText(const nlohmann::json& j);

// nlohmann's JSON text of a number it holds as a double ("1.5", "64500.0",
// "1e+30"): what ScalarText and AnyText write for a non-integer number.
std::string DoubleText(double value);

// Booleans; the strings "true"/"false" (any case) too.
std::optional<bool> BoolValue(const nlohmann::json* j);
// Integers; integral strings too.
std::optional<int64_t> IntValue(const nlohmann::json* j);

// The string rules of BoolValue and IntValue, for readers other than nlohmann.
std::optional<bool> BoolFromText(std::string_view text);
std::optional<int64_t> IntFromText(std::string_view text);

// Follows a byte-by-byte scan of JSON text in and out of strings.
struct JsonStringTracker {
  bool in_string = false;
  bool escape = false;
  // Feeds the next byte; true when it is structural: outside every string
  // and not a quote that opens one.
  bool Structural(char c) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      return false;
    }
    if (c == '"') {
      in_string = true;
      return false;
    }
    return true;
  }
};

// The deepest nesting of objects and arrays in `text` (1 for "{}", 0 for a
// scalar), counting brackets outside strings; for any text, valid or not.
int NestingDepth(std::string_view text);

// The offset of the first '{' or '[' (outside strings) that opens a level
// deeper than `max_depth`; std::string_view::npos when there is none.
size_t DeeperThan(std::string_view text, int max_depth);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_JSON_UTIL_H_
