#include "verdict/issue.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace verdict {

namespace {

// The length of the UTF-8 sequence starting at text[i] and its code point,
// or 0 when it is not valid UTF-8.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) {
    *code_point = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms and surrogates are not UTF-8.
  constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return n;
}

}  // namespace

std::string EscapeControlCharacters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", cp);
    } else if (cp >= 0x80 && cp <= 0x9F) {
      absl::StrAppendFormat(&out, "\\u%04x", cp);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string Issue::ToString() const {
  std::string out = EscapeControlCharacters(file.empty() ? std::string("<input>") : file);
  if (!pointer.empty()) absl::StrAppend(&out, ": ", EscapeControlCharacters(pointer));
  absl::StrAppend(&out, ": ", EscapeControlCharacters(message));
  return out;
}

bool HasErrors(const IssueList& issues) {
  return std::any_of(issues.begin(), issues.end(), [](const Issue& i) { return i.is_error(); });
}

}  // namespace verdict
