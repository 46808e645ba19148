#include "lib/logs/java_map.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace verdict::logs {
namespace {

std::string Trimmed(std::string_view s) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size())));
}

}  // namespace

absl::StatusOr<JavaMapEntries> ParseJavaMapString(std::string_view text) {
  const std::string whole = Trimmed(text);
  if (whole.size() < 2 || whole.front() != '{' || whole.back() != '}') {
    return absl::InvalidArgumentError(
        absl::StrCat("not a Java map string (expected \"{key=value, ...}\"): \"", whole, "\""));
  }
  const std::string_view body(whole.data() + 1, whole.size() - 2);
  JavaMapEntries entries;
  if (absl::StripAsciiWhitespace(absl::string_view(body.data(), body.size())).empty()) {
    return entries;
  }

  // Split at ", " on depth 0.
  std::vector<std::string_view> pieces;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) break;
    } else if (c == ',' && depth == 0 && i + 1 < body.size() && body[i + 1] == ' ') {
      pieces.push_back(body.substr(start, i - start));
      start = i + 2;
      ++i;
    }
  }
  if (depth != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unbalanced brackets in Java map string \"", whole, "\""));
  }
  pieces.push_back(body.substr(start));

  for (std::string_view piece : pieces) {
    // '=' at depth 0 starts a new entry; otherwise the piece continues a value.
    size_t eq = std::string_view::npos;
    int d = 0;
    for (size_t i = 0; i < piece.size(); ++i) {
      const char c = piece[i];
      if (c == '{' || c == '[') ++d;
      if (c == '}' || c == ']') --d;
      if (c == '=' && d == 0) {
        eq = i;
        break;
      }
    }
    if (eq == std::string_view::npos) {
      if (entries.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Java map string \"", whole, "\": first entry has no '='"));
      }
      absl::StrAppend(&entries.back().second, ", ", Trimmed(piece));
      continue;
    }
    std::string key = Trimmed(piece.substr(0, eq));
    if (key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("Java map string \"", whole, "\": empty key"));
    }
    entries.emplace_back(std::move(key), Trimmed(piece.substr(eq + 1)));
  }
  return entries;
}

}  // namespace verdict::logs
