// Strict text forms of addresses, CIDR blocks and ranges (Part A §A2).
//
// Deliberate choices, all stricter than inet_pton where they differ:
// - an IPv4 octet with a leading zero ("01.2.3.4") is rejected: some parsers
//   read it as octal, and a zone that means something else to Okta than to us
//   is worse than a load-time error (Okta's own examples never use them);
// - IPv6 zone ids ("fe80::1%eth0") are rejected: they never cross the wire;
// - whitespace is tolerated only around the '-' of a range (and around the
//   range as a whole), never inside an address or a CIDR block;
// - a CIDR prefix length is plain decimal; "/024" is read as 24 (there is no
//   octal ambiguity for a prefix length).
#include "verdict/ip_address.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace verdict {
namespace {

// ::ffff:0:0/96, where IPv4 addresses live.
constexpr uint64_t kV4MappedLow = uint64_t{0xffff} << 32;

// The input as it appears in an error message: in double quotes, with quotes,
// backslashes and non-printable bytes escaped.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

absl::Status InvalidV4(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("invalid IPv4 address %s: %s", Quote(text), why));
}

absl::Status InvalidV6(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("invalid IPv6 address %s: %s", Quote(text), why));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses exactly four dot-separated decimal octets. `whole` is the text quoted
// in errors (the full IPv6 address when this is its trailing dotted quad).
absl::StatusOr<uint32_t> ParseV4(std::string_view text, std::string_view whole, bool inside_v6) {
  auto fail = [&](std::string_view why) {
    return inside_v6 ? InvalidV6(whole, why) : InvalidV4(whole, why);
  };
  uint32_t value = 0;
  int octets = 0;
  size_t pos = 0;
  while (true) {
    size_t end = pos;
    while (end < text.size() && IsDigit(text[end])) ++end;
    const std::string_view digits = text.substr(pos, end - pos);
    if (digits.empty()) {
      if (pos < text.size() && text[pos] != '.') {
        return fail(absl::StrFormat("unexpected character %s", Quote(text.substr(pos, 1))));
      }
      return fail(absl::StrFormat("octet %d is empty", octets + 1));
    }
    if (digits.size() > 1 && digits[0] == '0') {
      return fail(absl::StrFormat("octet %s has a leading zero (ambiguous: octal or decimal)",
                                  Quote(digits)));
    }
    if (digits.size() > 3) return fail(absl::StrFormat("octet %s > 255", digits));
    uint32_t octet = 0;
    for (char c : digits) octet = octet * 10 + static_cast<uint32_t>(c - '0');
    if (octet > 255) return fail(absl::StrFormat("octet %d > 255", octet));
    value = (value << 8) | octet;
    ++octets;
    if (end == text.size()) break;
    if (text[end] != '.') {
      return fail(absl::StrFormat("unexpected character %s", Quote(text.substr(end, 1))));
    }
    if (octets == 4) return fail("more than four octets");
    pos = end + 1;
  }
  if (octets != 4) return fail(absl::StrFormat("%d octets, want exactly 4", octets));
  return value;
}

// RFC 4291 §2.2 text forms: eight groups of 1-4 hex digits, at most one "::",
// optionally ending in a dotted quad that stands for the last two groups.
absl::StatusOr<absl::uint128> ParseV6(std::string_view text) {
  if (text.find('%') != std::string_view::npos) {
    return InvalidV6(text, "zone ids (\"%...\") are not supported");
  }
  std::array<uint16_t, 8> groups{};
  int count = 0;  // groups written so far
  int gap = -1;   // index in `groups` where "::" stands, or -1
  size_t pos = 0;
  if (text.substr(0, 2) == "::") {
    gap = 0;
    pos = 2;
  } else if (!text.empty() && text[0] == ':') {
    return InvalidV6(text, "a single leading ':'");
  }
  while (pos < text.size()) {
    size_t end = pos;
    while (end < text.size() && HexValue(text[end]) >= 0) ++end;
    if (end < text.size() && text[end] == '.') {
      // Trailing dotted quad: two groups, and nothing may follow it.
      if (count > 6) return InvalidV6(text, "too many groups before the dotted quad");
      absl::StatusOr<uint32_t> v4 = ParseV4(text.substr(pos), text, /*inside_v6=*/true);
      if (!v4.ok()) return v4.status();
      groups[count++] = static_cast<uint16_t>(*v4 >> 16);
      groups[count++] = static_cast<uint16_t>(*v4 & 0xffff);
      pos = text.size();
      break;
    }
    if (end == pos) {
      return InvalidV6(text, absl::StrFormat("unexpected character %s at offset %d",
                                             Quote(text.substr(pos, 1)), pos));
    }
    if (end - pos > 4) {
      return InvalidV6(text, absl::StrFormat("group %s has more than 4 hex digits",
                                             Quote(text.substr(pos, end - pos))));
    }
    if (count == 8) return InvalidV6(text, "more than 8 groups");
    uint16_t group = 0;
    for (size_t i = pos; i < end; ++i) {
      group = static_cast<uint16_t>((group << 4) | HexValue(text[i]));
    }
    groups[count++] = group;
    pos = end;
    if (pos == text.size()) break;
    if (text[pos] != ':') {
      return InvalidV6(text, absl::StrFormat("unexpected character %s at offset %d",
                                             Quote(text.substr(pos, 1)), pos));
    }
    ++pos;
    if (pos < text.size() && text[pos] == ':') {
      if (gap >= 0) return InvalidV6(text, "\"::\" appears more than once");
      gap = count;
      ++pos;
    } else if (pos == text.size()) {
      return InvalidV6(text, "a single trailing ':'");
    }
  }
  if (gap < 0) {
    if (count != 8) return InvalidV6(text, absl::StrFormat("%d groups, want 8", count));
  } else {
    // "::" stands for at least one zero group (RFC 4291 §2.2, 2.).
    if (count > 7) return InvalidV6(text, "\"::\" with 8 other groups");
    const int zeros = 8 - count;
    std::move_backward(groups.begin() + gap, groups.begin() + count, groups.begin() + 8);
    std::fill(groups.begin() + gap, groups.begin() + gap + zeros, uint16_t{0});
  }
  absl::uint128 value = 0;
  for (uint16_t g : groups) value = (value << 16) | g;
  return value;
}

// Parses a prefix length: decimal digits only, at most `max`.
absl::StatusOr<int> ParsePrefixLength(std::string_view cidr, std::string_view digits, int max) {
  if (digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid CIDR block %s: empty prefix length", Quote(cidr)));
  }
  if (!std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid CIDR block %s: prefix length %s is not a decimal number",
                        Quote(cidr), Quote(digits)));
  }
  int value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
    if (value > max) break;
  }
  if (value > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid CIDR block %s: prefix length %s > %d for an %s address",
                        Quote(cidr), digits, max, max == 32 ? "IPv4" : "IPv6"));
  }
  return value;
}

std::string_view StripBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("invalid IP address \"\": empty");
  if (text.find(':') != std::string_view::npos) {
    absl::StatusOr<absl::uint128> v6 = ParseV6(text);
    if (!v6.ok()) return v6.status();
    return IpAddress(*v6);
  }
  absl::StatusOr<uint32_t> v4 = ParseV4(text, text, /*inside_v6=*/false);
  if (!v4.ok()) return v4.status();
  return FromV4(*v4);
}

IpAddress IpAddress::FromV4(uint32_t v4) {
  return IpAddress(absl::MakeUint128(0, kV4MappedLow | v4));
}

IpAddress IpAddress::FromV6(absl::uint128 v6) { return IpAddress(v6); }

bool IpAddress::is_v4() const {
  return absl::Uint128High64(value_) == 0 && (absl::Uint128Low64(value_) >> 32) == 0xffff;
}

std::string IpAddress::ToString() const {
  if (is_v4()) {
    const uint32_t v4 = static_cast<uint32_t>(absl::Uint128Low64(value_));
    return absl::StrFormat("%d.%d.%d.%d", v4 >> 24, (v4 >> 16) & 0xff, (v4 >> 8) & 0xff, v4 & 0xff);
  }
  std::array<uint16_t, 8> groups;
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<uint16_t>(absl::Uint128Low64(value_ >> (16 * (7 - i))) & 0xffff);
  }
  // RFC 5952 §4.2: compress the longest run (the first on a tie) of two or
  // more zero groups; a single zero group is written "0".
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    absl::StrAppend(&out, absl::Hex(groups[i]));
  }
  return out;
}

absl::StatusOr<IpRange> ParseCidr(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  absl::StatusOr<IpAddress> address = IpAddress::Parse(address_text);
  if (!address.ok()) {
    if (slash == std::string_view::npos) return address.status();
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid CIDR block %s: %s", Quote(text), address.status().message()));
  }
  if (slash == std::string_view::npos) return IpRange{*address, *address};
  // The family is the one written: "1.2.3.4/24" is IPv4 (a /120 inside
  // ::ffff:0:0/96), while "::ffff:1.2.3.4/120" is the same block written as IPv6.
  const bool written_v4 = address_text.find(':') == std::string_view::npos;
  absl::StatusOr<int> length =
      ParsePrefixLength(text, text.substr(slash + 1), written_v4 ? 32 : 128);
  if (!length.ok()) return length.status();
  const int prefix = written_v4 ? 96 + *length : *length;
  const absl::uint128 host_mask =
      prefix == 0 ? ~absl::uint128{0} : (absl::uint128{1} << (128 - prefix)) - 1;
  const absl::uint128 first = address->value() & ~host_mask;
  return IpRange{IpAddress::FromV6(first), IpAddress::FromV6(first | host_mask)};
}

absl::StatusOr<IpRange> ParseIpRange(std::string_view text) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(StripBlanks(text));
    if (!address.ok()) return address.status();
    return IpRange{*address, *address};
  }
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrFormat("invalid IP range %s: %s", Quote(text), why));
  };
  if (text.find('-', dash + 1) != std::string_view::npos) return invalid("more than one '-'");
  absl::StatusOr<IpAddress> first = IpAddress::Parse(StripBlanks(text.substr(0, dash)));
  if (!first.ok()) return invalid(std::string(first.status().message()));
  absl::StatusOr<IpAddress> last = IpAddress::Parse(StripBlanks(text.substr(dash + 1)));
  if (!last.ok()) return invalid(std::string(last.status().message()));
  if (first->is_v4() != last->is_v4()) {
    return invalid("first and last address are of different families (IPv4 and IPv6)");
  }
  if (*last < *first) return invalid("first address is after last");
  return IpRange{*first, *last};
}

}  // namespace verdict
