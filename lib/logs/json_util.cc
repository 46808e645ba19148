#include "lib/logs/json_util.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace verdict::logs {

using nlohmann::json;

namespace {

// nlohmann's message without its "[json.exception.parse_error.101] " tag:
// "parse error at line 1, column 7: ...".
absl::Status SyntaxError(const json::exception& e) {
  std::string message = e.what();
  if (const size_t p = message.find("] "); p != std::string::npos && message[0] == '[') {
    message = message.substr(p + 2);
  }
  return absl::InvalidArgumentError(message);
}

}  // namespace

absl::StatusOr<json> ParseJsonText(std::string_view text, size_t* error_offset) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    if (error_offset != nullptr) {
      // parse_error::byte counts the bytes read, the offending one included.
      *error_offset = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    }
    return SyntaxError(e);
  } catch (const json::exception& e) {
    if (error_offset != nullptr) *error_offset = text.size();
    return SyntaxError(e);
  }
}

const json* Member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* Member(const json* j, std::string_view key) {
  return j == nullptr ? nullptr : Member(*j, key);
}

std::string ScalarText(const json* j) {
  if (j == nullptr) return "";
  if (j->is_string()) return j->get_ref<const std::string&>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return "";
}

std::string AnyText(const json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>();
  if (j.is_null()) return "";
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string DoubleText(double value) { return json(value).dump(); }

std::optional<bool> BoolValue(const json* j) {
  if (j == nullptr) return std::nullopt;
  if (j->is_boolean()) return j->get<bool>();
  if (j->is_string()) return BoolFromText(j->get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<bool> BoolFromText(std::string_view text) {
  const absl::string_view s(text.data(), text.size());
  if (absl::EqualsIgnoreCase(s, "true")) return true;
  if (absl::EqualsIgnoreCase(s, "false")) return false;
  return std::nullopt;
}

std::optional<int64_t> IntFromText(std::string_view text) {
  int64_t v = 0;
  if (absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &v)) return v;
  return std::nullopt;
}

std::optional<int64_t> IntValue(const json* j) {
  if (j == nullptr) return std::nullopt;
  // Unsigned first: is_number_integer() holds for unsigned numbers too, and
  // get<int64_t>() would wrap one above INT64_MAX.
  if (j->is_number_unsigned()) {
    const uint64_t v = j->get<uint64_t>();
    if (v <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v);
    return std::nullopt;
  }
  if (j->is_number_integer()) return j->get<int64_t>();
  if (j->is_string()) return IntFromText(j->get_ref<const std::string&>());
  return std::nullopt;
}

int NestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  JsonStringTracker strings;
  for (const char c : text) {
    if (!strings.Structural(c)) continue;
    if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

size_t DeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  JsonStringTracker strings;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!strings.Structural(c)) continue;
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace verdict::logs
