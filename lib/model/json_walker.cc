#include "lib/model/json_walker.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace verdict::model_internal {
namespace {

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line
// 1, column 5: syntax error while parsing value - ...". Keep what follows the
// position; the position is reported in our own form.
std::string StripNlohmannPrefix(std::string_view what) {
  const size_t column = what.find("column ");
  if (column != std::string_view::npos) {
    const size_t colon = what.find(": ", column);
    if (colon != std::string_view::npos) return std::string(what.substr(colon + 2));
  }
  const size_t bracket = what.find("] ");
  if (bracket != std::string_view::npos) return std::string(what.substr(bracket + 2));
  return std::string(what);
}

// nlohmann quotes the text it read before an error ("last read: '...'",
// "number overflow parsing '...'"): input content, which may be anything. A
// message carries at most a short, escaped excerpt of it.
std::string BoundExcerpts(std::string message, const std::string& last_token) {
  // nlohmann quotes the token it read, exactly as it passes it to the SAX
  // handler: replace that quotation (wherever it sits; a "; expected ..."
  // may follow it) with a short escaped excerpt.
  const std::string quoted = absl::StrCat("'", last_token, "'");
  const size_t at = last_token.empty() ? std::string::npos : message.find(quoted);
  if (at == std::string::npos) return message;
  return absl::StrCat(message.substr(0, at), Excerpt(last_token),
                      message.substr(at + quoted.size()));
}

// "byte 7 (line 1, column 7)" for a 1-based byte offset into `text`.
std::string Position(std::string_view text, size_t byte) {
  byte = std::max<size_t>(byte, 1);
  const size_t end = std::min(byte - 1, text.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrFormat("byte %d (line %d, column %d)", byte, line, end - line_start + 1);
}

// Builds the DOM like nlohmann's own parser, but keeps the position of every
// error, the number overflow ("1e400") included, which the throwing parser
// reports without one.
class PositionedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit PositionedDomParser(Json& result)
      : nlohmann::detail::json_sax_dom_parser<Json>(result, /*allow_exceptions=*/false) {}

  template <class Exception>
  bool parse_error(size_t position, const std::string& last_token, const Exception& ex) {
    failed_ = true;
    position_ = position;
    what_ = ex.what();
    last_token_ = last_token;
    return false;
  }

  bool failed() const { return failed_; }
  size_t position() const { return position_; }
  const std::string& what() const { return what_; }
  const std::string& last_token() const { return last_token_; }

 private:
  bool failed_ = false;
  size_t position_ = 0;
  std::string what_;
  std::string last_token_;
};

}  // namespace

std::optional<size_t> FindExcessiveNesting(std::string_view text, int max_depth) {
  int depth = 0;
  std::optional<size_t> found;
  ForEachStructuralByte(text, [&](size_t i, char c) {
    if (c == '{' || c == '[') {
      if (++depth > max_depth) found = i + 1;
    } else if (c == '}' || c == ']') {
      --depth;
    }
    return !found;
  });
  return found;
}

std::vector<std::string_view> ArrayElementSpans(std::string_view array) {
  std::vector<std::string_view> elements;
  int depth = 0;
  size_t begin = std::string_view::npos;  // of the element being scanned
  ForEachStructuralByte(array, [&](size_t i, char c) {
    const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (depth == 1 && begin == std::string_view::npos && !blank && c != ',' && c != ']') {
      begin = i;
    }
    if (c == '[' || c == '{') {
      ++depth;
    } else if (depth == 1 && (c == ',' || c == ']')) {
      if (begin != std::string_view::npos) {
        size_t end = i;
        while (end > begin && (array[end - 1] == ' ' || array[end - 1] == '\t' ||
                               array[end - 1] == '\n' || array[end - 1] == '\r')) {
          --end;
        }
        elements.push_back(array.substr(begin, end - begin));
        begin = std::string_view::npos;
      }
      if (c == ']') return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
    return true;
  });
  return elements;
}

namespace {
// `text` with `quote` and backslashes escaped, then escaped for a terminal.
std::string EscapeQuoted(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == quote || c == '\\') out += '\\';
    out += c;
  }
  return EscapeControlCharacters(out);
}
}  // namespace

std::string Excerpt(std::string_view text, size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  return absl::StrCat("'", EscapeQuoted(text.substr(0, std::min(text.size(), max_bytes)), '\''),
                      cut ? "'..." : "'");
}

std::optional<Json> ParseJson(std::string_view text, std::string_view file, IssueList* issues) {
  std::string message;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    message = "empty input: expected a JSON value";
  } else if (std::optional<size_t> deep = FindExcessiveNesting(text, kMaxJsonDepth)) {
    // Before any DOM is built: a deeply nested value would otherwise exhaust
    // the stack in the recursive code that copies and walks it.
    message =
        absl::StrCat(Position(text, *deep), ": nesting deeper than ", kMaxJsonDepth, " levels");
  } else {
    Json result;
    PositionedDomParser parser(result);
    // No exceptions: errors reach parser.parse_error with their position.
    if (Json::sax_parse(text.begin(), text.end(), &parser) && !parser.failed()) {
      return result;
    }
    message = absl::StrCat(Position(text, parser.position()), ": ",
                           BoundExcerpts(StripNlohmannPrefix(parser.what()), parser.last_token()));
  }
  if (issues != nullptr) {
    Issue issue;
    issue.severity = Issue::Severity::kError;
    issue.code = "json.syntax";
    issue.file = std::string(file);
    issue.message = std::move(message);
    issues->push_back(std::move(issue));
  }
  return std::nullopt;
}

ProfileValue ToProfileValue(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return ProfileValue(value.get<std::string>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return ProfileValue::Number(Dump(value));
    case Json::value_t::boolean:
      return ProfileValue::Boolean(value.get<bool>());
    case Json::value_t::null:
      return ProfileValue::Null();
    case Json::value_t::array: {
      std::vector<ProfileValue> items;
      items.reserve(value.size());
      for (const Json& item : value) items.push_back(ToProfileValue(item));
      return ProfileValue::Array(std::move(items), Dump(value));
    }
    default:
      return ProfileValue::Object(Dump(value));
  }
}

std::string_view JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "binary";
  }
}

std::string Ptr(std::string_view base, std::string_view key) {
  std::string out(base);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Ptr(std::string_view base, size_t index) { return absl::StrCat(Av(base), "/", index); }

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Quoted(std::string_view text) {
  // Values quoted in messages come from the input: at most kMaxQuotedBytes.
  const bool cut = text.size() > kMaxQuotedBytes;
  return absl::StrCat("\"",
                      EscapeQuoted(text.substr(0, std::min(text.size(), kMaxQuotedBytes)), '"'),
                      cut ? "\"..." : "\"");
}

std::string NormalizeRegion(std::string_view country, std::string_view region) {
  std::string r = absl::AsciiStrToUpper(absl::string_view(region.data(), region.size()));
  if (r.empty()) return r;
  if (r.find('-') != std::string::npos || country.empty()) return r;
  return absl::StrCat(absl::AsciiStrToUpper(absl::string_view(country.data(), country.size())), "-",
                      r);
}

void Walker::Error(std::string_view code, std::string pointer, std::string message) {
  ++errors_;
  if (issues_ == nullptr) return;
  Issue issue;
  issue.severity = Issue::Severity::kError;
  issue.code = std::string(code);
  issue.file = file_;
  issue.pointer = std::move(pointer);
  issue.message = std::move(message);
  issues_->push_back(std::move(issue));
}

void Walker::Warning(std::string_view code, std::string pointer, std::string message) {
  if (issues_ == nullptr) return;
  Issue issue;
  issue.severity = Issue::Severity::kWarning;
  issue.code = std::string(code);
  issue.file = file_;
  issue.pointer = std::move(pointer);
  issue.message = std::move(message);
  issues_->push_back(std::move(issue));
}

void Walker::TypeError(const Json& value, const std::string& ptr, std::string_view expected) {
  Error("json.type", ptr,
        absl::StrCat("expected ", Av(expected), ", got ", Av(JsonTypeName(value))));
}

bool Walker::ExpectObject(const Json& value, const std::string& ptr) {
  if (value.is_object()) return true;
  TypeError(value, ptr, "an object");
  return false;
}

bool Walker::ExpectArray(const Json& value, const std::string& ptr) {
  if (value.is_array()) return true;
  TypeError(value, ptr, "an array");
  return false;
}

bool Walker::StringValue(const Json& value, const std::string& ptr, std::string* out) {
  if (!value.is_string()) {
    TypeError(value, ptr, "a string");
    return false;
  }
  *out = value.get_ref<const std::string&>();
  return true;
}

bool Walker::Has(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && !it->is_null();
}

bool Walker::Require(const Json& obj, std::string_view key, const std::string& ptr) {
  if (Has(obj, key)) return true;
  Error("json.missing", Ptr(ptr, key), absl::StrCat("missing required field ", Quoted(key)));
  return false;
}

const Json* Walker::Object(const Json& obj, std::string_view key, const std::string& ptr) {
  if (!Has(obj, key)) return nullptr;
  const Json& v = *obj.find(key);
  return ExpectObject(v, Ptr(ptr, key)) ? &v : nullptr;
}

const Json* Walker::Array(const Json& obj, std::string_view key, const std::string& ptr) {
  if (!Has(obj, key)) return nullptr;
  const Json& v = *obj.find(key);
  return ExpectArray(v, Ptr(ptr, key)) ? &v : nullptr;
}

bool Walker::String(const Json& obj, std::string_view key, const std::string& ptr,
                    std::string* out) {
  if (!Has(obj, key)) return true;
  return StringValue(*obj.find(key), Ptr(ptr, key), out);
}

bool Walker::Int(const Json& obj, std::string_view key, const std::string& ptr,
                 std::optional<int64_t>* out) {
  if (!Has(obj, key)) return true;
  const Json& v = *obj.find(key);
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    *out = v.get<int64_t>();
    return true;
  }
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      *out = static_cast<int64_t>(u);
      return true;
    }
    Error("json.type", Ptr(ptr, key), absl::StrCat("integer ", u, " is out of range"));
    return false;
  }
  TypeError(v, Ptr(ptr, key), "an integer");
  return false;
}

bool Walker::Bool(const Json& obj, std::string_view key, const std::string& ptr,
                  std::optional<bool>* out) {
  if (!Has(obj, key)) return true;
  const Json& v = *obj.find(key);
  if (!v.is_boolean()) {
    TypeError(v, Ptr(ptr, key), "a boolean");
    return false;
  }
  *out = v.get<bool>();
  return true;
}

bool Walker::Bool(const Json& obj, std::string_view key, const std::string& ptr, bool* out) {
  std::optional<bool> b;
  if (!Bool(obj, key, ptr, &b)) return false;
  if (b.has_value()) *out = *b;
  return true;
}

bool Walker::StringList(const Json& obj, std::string_view key, const std::string& ptr,
                        std::vector<std::string>* out) {
  const Json* arr = Array(obj, key, ptr);
  if (arr == nullptr) return !Has(obj, key);
  const std::string base = Ptr(ptr, key);
  bool ok = true;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string s;
    if (StringValue((*arr)[i], Ptr(base, i), &s)) {
      out->push_back(std::move(s));
    } else {
      ok = false;
    }
  }
  return ok;
}

bool Walker::EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

bool UniqueId(Walker& w, const Json& element, size_t index, std::string_view duplicate_code,
              std::string_view what, std::map<std::string, size_t>* seen, std::string* id) {
  const std::string p = Ptr("", index);
  if (!w.ExpectObject(element, p)) return false;
  if (!w.Require(element, "id", p) || !w.String(element, "id", p, id)) return false;
  auto [it, inserted] = seen->emplace(*id, index);
  if (!inserted) {
    w.Error(
        duplicate_code, Ptr(p, "id"),
        absl::StrCat("duplicate ", Av(what), " id ", Quoted(*id), " (first at /", it->second, ")"));
  }
  return inserted;
}

}  // namespace verdict::model_internal
