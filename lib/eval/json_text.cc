#include "lib/eval/json_text.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace verdict::eval_internal {

namespace {

// What each byte needs inside a JSON string: kPlain bytes are copied as they
// are, kEscape bytes become an escape sequence, kNonAscii sends the whole
// string to nlohmann (which decides what is valid UTF-8 and what it replaces).
enum ByteClass : unsigned char { kPlain = 0, kEscape = 1, kNonAscii = 2 };

constexpr std::array<unsigned char, 256> MakeByteClasses() {
  std::array<unsigned char, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) {
      classes[c] = kNonAscii;
    } else if (c < 0x20 || c == '"' || c == '\\') {
      classes[c] = kEscape;
    }
  }
  return classes;
}
constexpr std::array<unsigned char, 256> kByteClass = MakeByteClasses();

// Whether any of the 8 bytes of `w` is not kPlain: below 0x20, '"', '\\' or
// above 0x7F. Exact (no false positives or negatives), using the classic
// has-zero-byte test: (x - 0x01..) & ~x & 0x80.. is non-zero iff a byte of x
// is zero.
inline bool AnyNotPlain(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t is_quote = (quote - kOnes) & ~quote & kHigh;
  const uint64_t is_backslash = (backslash - kOnes) & ~backslash & kHigh;
  return ((w & kHigh) | below_space | is_quote | is_backslash) != 0;
}

}  // namespace

void AppendJsonQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // One pass: most strings are ids and names with nothing to escape, so the
  // common case is eight bytes per test and a single append.
  const size_t start = out->size();
  out->push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof(word));
      if (AnyNotPlain(word)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const unsigned char byte_class = kByteClass[c];
    if (byte_class == kPlain) continue;
    if (byte_class == kNonAscii) {
      out->resize(start);
      out->append(nlohmann::json(std::string(s))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(u, sizeof(u));
      }
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

}  // namespace verdict::eval_internal
