#include "lib/logs/security_conditions.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace verdict::logs {
namespace {

absl::string_view Trim(std::string_view s) {
  return absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size()));
}

// Splits `text` at the commas outside brackets and quoted strings, or — when
// `elements` — into the "{...}" elements of a list, checking that only
// commas and spaces come between them. Returns the pieces (views into
// `text`), or the reason it cannot.
absl::StatusOr<std::vector<std::string_view>> Split(std::string_view text, bool elements) {
  std::vector<std::string_view> pieces;
  std::string closers;  // the brackets open at this point, as their closers
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      // Expression Language strings have no backslash escapes; a doubled
      // quote ('it''s') closes and reopens, which comes to the same.
      if (c == quote) quote = 0;
      continue;
    }
    if (closers.empty() && elements) {
      if (c == '{') {
        start = i;
        closers.push_back('}');
      } else if (c != ',' && !absl::ascii_isspace(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("expected '{' at character ", i + 1, ", found '", std::string(1, c), "'"));
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '{') {
      closers.push_back('}');
    } else if (c == '[') {
      closers.push_back(']');
    } else if (c == '(') {
      closers.push_back(')');
    } else if (c == '}' || c == ']' || c == ')') {
      if (closers.empty() || closers.back() != c) {
        return absl::InvalidArgumentError(
            absl::StrCat("unbalanced '", std::string(1, c), "' at character ", i + 1));
      }
      closers.pop_back();
      if (closers.empty() && elements) pieces.push_back(text.substr(start + 1, i - start - 1));
    } else if (c == ',' && closers.empty()) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quote != 0) return absl::InvalidArgumentError("unterminated quoted string");
  if (!closers.empty()) return absl::InvalidArgumentError("unbalanced brackets");
  if (!elements) pieces.push_back(text.substr(start));
  return pieces;
}

absl::StatusOr<SecurityCondition> ParseElement(std::string_view body) {
  absl::StatusOr<std::vector<std::string_view>> pieces = Split(body, false);
  if (!pieces.ok()) return pieces.status();
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::string_view piece : *pieces) {
    const size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      if (entries.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("\"", Trim(piece), "\" has no '='"));
      }
      absl::StrAppend(&entries.back().second, ",", absl::string_view(piece.data(), piece.size()));
      continue;
    }
    entries.emplace_back(std::string(Trim(piece.substr(0, eq))),
                         std::string(absl::StripLeadingAsciiWhitespace(
                             absl::string_view(piece.data() + eq + 1, piece.size() - eq - 1))));
  }
  std::optional<bool> result;
  std::optional<std::string> condition;
  for (auto& [key, value] : entries) {
    const absl::string_view v = Trim(value);
    if (key == "result") {
      if (absl::EqualsIgnoreCase(v, "true")) {
        result = true;
      } else if (absl::EqualsIgnoreCase(v, "false")) {
        result = false;
      } else {
        return absl::InvalidArgumentError(absl::StrCat("result \"", v, "\" is not true or false"));
      }
    } else if (key == "condition") {
      condition = std::string(v);
    }
  }
  if (!result) return absl::InvalidArgumentError("an entry has no result");
  if (!condition || condition->empty()) {
    return absl::InvalidArgumentError("an entry has no condition");
  }
  return SecurityCondition{*std::move(condition), *result};
}

}  // namespace

absl::StatusOr<std::vector<SecurityCondition>> ParseSecurityConditions(std::string_view text) {
  const absl::string_view whole = Trim(text);
  if (whole.size() < 2 || whole.front() != '[' || whole.back() != ']') {
    return absl::InvalidArgumentError("not a list (expected \"[{result=..., condition=...}]\")");
  }
  absl::StatusOr<std::vector<std::string_view>> elements =
      Split(std::string_view(whole.data() + 1, whole.size() - 2), true);
  if (!elements.ok()) return elements.status();
  std::vector<SecurityCondition> out;
  for (std::string_view body : *elements) {
    absl::StatusOr<SecurityCondition> c = ParseElement(body);
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace verdict::logs
