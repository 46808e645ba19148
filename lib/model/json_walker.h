// JSON text → nlohmann values, and typed reads of fields that turn every
// mismatch into an Issue naming the file and the JSON pointer. This is the one
// place in lib/model where nlohmann's exceptions are caught (ParseJson); every
// other read checks the type first and never throws.
#ifndef VERDICT_LIB_MODEL_JSON_WALKER_H_
#define VERDICT_LIB_MODEL_JSON_WALKER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"
#include "verdict/issue.h"
#include "verdict/profile_value.h"

namespace verdict::model_internal {

// Insertion-ordered, so `actions` and `settings` are echoed in the order the
// API sent them.
using Json = nlohmann::ordered_json;

// Nesting accepted in any JSON input (snapshot files, contexts, API
// responses): Okta's payloads nest fewer than 20 levels.
inline constexpr int kMaxJsonDepth = 256;
// Bytes of input quoted in a message (Quoted, Excerpt).
inline constexpr size_t kMaxQuotedBytes = 64;

// Parses `text` as one JSON value. On malformed input appends an error issue
// (code "json.syntax", pointer "") whose message reads
// "byte N (line L, column C): <what>" and returns nullopt. Nesting deeper than
// kMaxJsonDepth is an error found before any value is built; an excerpt of the
// input in a message is at most 40 escaped bytes. Never throws.
std::optional<Json> ParseJson(std::string_view text, std::string_view file, IssueList* issues);

// Calls `visit(i, c)` for each byte of JSON `text` outside strings (the
// opening quote of a string included, its content and closing quote not),
// until `visit` returns false. The one scan of JSON structure without a
// parser that the nesting check and the array splitter share.
template <typename Visit>
void ForEachStructuralByte(std::string_view text, Visit&& visit) {
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (!visit(i, c)) return;
  }
}

// The 1-based byte at which `text` (JSON) nests deeper than `max_depth`
// arrays/objects, or nullopt. Linear; strings are skipped.
std::optional<size_t> FindExcessiveNesting(std::string_view text, int max_depth);

// The elements of `array`, valid JSON text whose value is an array, each as
// its span of `array` (surrounding blanks excluded). Linear.
std::vector<std::string_view> ArrayElementSpans(std::string_view array);

// `text` escaped for a message, single-quoted, cut after `max_bytes` ("...").
std::string Excerpt(std::string_view text, size_t max_bytes = 40);

// std::string_view → absl::string_view (distinct types in this Abseil build).
inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// "null", "boolean", "integer", "number", "string", "array", "object".
std::string_view JsonTypeName(const Json& value);

// RFC 6901: `base` + "/" + escaped `key` (or the index).
std::string Ptr(std::string_view base, std::string_view key);
std::string Ptr(std::string_view base, size_t index);

// The value compactly serialised; invalid UTF-8 is replaced, never thrown.
std::string Dump(const Json& value);

// A JSON value as a profile attribute's value, keeping its type.
ProfileValue ToProfileValue(const Json& value);

// "\"text\"" with quotes and control bytes escaped, for messages; cut after
// kMaxQuotedBytes ("\"...\"...").
std::string Quoted(std::string_view text);

// "US-CA" from ("US", "CA") or ("US", "us-ca"); upper case. Empty region stays
// empty.
std::string NormalizeRegion(std::string_view country, std::string_view region);

// Collects issues for one file. All readers take the enclosing object and the
// pointer of that object; a key that is absent or JSON null leaves the output
// untouched and succeeds; a value of the wrong type records a "json.type"
// error ("expected an integer, got string") and returns false.
class Walker {
 public:
  Walker(std::string file, IssueList* issues) : file_(std::move(file)), issues_(issues) {}

  const std::string& file() const { return file_; }
  int error_count() const { return errors_; }

  void Error(std::string_view code, std::string pointer, std::string message);
  void Warning(std::string_view code, std::string pointer, std::string message);

  // Type checks of a value itself (at `ptr`).
  bool ExpectObject(const Json& value, const std::string& ptr);
  bool ExpectArray(const Json& value, const std::string& ptr);
  bool StringValue(const Json& value, const std::string& ptr, std::string* out);

  // The member when present, non-null and of the right type; else nullptr
  // (with an error for the wrong type).
  const Json* Object(const Json& obj, std::string_view key, const std::string& ptr);
  const Json* Array(const Json& obj, std::string_view key, const std::string& ptr);

  bool String(const Json& obj, std::string_view key, const std::string& ptr, std::string* out);
  bool Int(const Json& obj, std::string_view key, const std::string& ptr,
           std::optional<int64_t>* out);
  bool Bool(const Json& obj, std::string_view key, const std::string& ptr,
            std::optional<bool>* out);
  bool Bool(const Json& obj, std::string_view key, const std::string& ptr, bool* out);
  // An array of strings.
  bool StringList(const Json& obj, std::string_view key, const std::string& ptr,
                  std::vector<std::string>* out);

  // A string member that must be one of `names` (compared ignoring case when
  // `ignore_case`); records "json.bad_value" otherwise.
  template <typename T>
  bool Enum(const Json& obj, std::string_view key, const std::string& ptr,
            absl::Span<const std::pair<std::string_view, T>> names, bool ignore_case, T* out,
            std::string_view code = "json.bad_value") {
    std::string text;
    if (!String(obj, key, ptr, &text)) return false;
    if (!Has(obj, key)) return true;
    for (const auto& [name, value] : names) {
      if (ignore_case ? EqualsIgnoreCase(name, text) : name == text) {
        *out = value;
        return true;
      }
    }
    std::string expected;
    for (const auto& [name, value] : names) {
      if (!expected.empty()) expected += ", ";
      expected += name;
    }
    Error(code, Ptr(ptr, key),
          "unknown value " + Quoted(text) + " (expected one of " + expected + ")");
    return false;
  }

  // Records "json.missing" when `key` is absent or null.
  bool Require(const Json& obj, std::string_view key, const std::string& ptr);

  // True when `obj` has `key` with a non-null value.
  static bool Has(const Json& obj, std::string_view key);

 private:
  static bool EqualsIgnoreCase(std::string_view a, std::string_view b);
  void TypeError(const Json& value, const std::string& ptr, std::string_view expected);

  std::string file_;
  IssueList* issues_;
  int errors_ = 0;
};

// The string `id` of element `index` of a top-level array of objects keyed by
// id (apps.json, idps.json), remembered in `seen` (id → index). False, with
// the issue recorded, when the element is not an object, has no string id, or
// repeats an earlier one (`duplicate_code`: "duplicate <what> id ... (first
// at /N)" at its /id): the caller then skips it.
bool UniqueId(Walker& w, const Json& element, size_t index, std::string_view duplicate_code,
              std::string_view what, std::map<std::string, size_t>* seen, std::string* id);

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_JSON_WALKER_H_
