// IP addresses and inclusive address ranges, the vocabulary of network zones.
//
// Every address is held as a 128-bit number. IPv4 addresses live in the
// IPv4-mapped IPv6 block (::ffff:0:0/96), so "::ffff:1.2.3.4" and "1.2.3.4"
// are the same address (Part A §A2) and a single ordered space serves both
// families: a range never needs to know its family to be compared.
#ifndef VERDICT_IP_ADDRESS_H_
#define VERDICT_IP_ADDRESS_H_

#include <string>
#include <string_view>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "verdict/export.h"

namespace verdict {

class VERDICT_EXPORT IpAddress {
 public:
  IpAddress() = default;

  // Parses a dotted-quad IPv4 address (exactly four decimal octets 0..255, no
  // leading '+', no whitespace) or an RFC 4291 IPv6 address (including "::"
  // compression and a trailing dotted quad). Zone ids ("%eth0") are rejected.
  static absl::StatusOr<IpAddress> Parse(std::string_view text);

  static IpAddress FromV4(uint32_t v4);
  static IpAddress FromV6(absl::uint128 v6);

  // True when the address is IPv4 (or IPv4-mapped IPv6, which is the same).
  bool is_v4() const;
  // The 128-bit value; IPv4 addresses are ::ffff:a.b.c.d.
  absl::uint128 value() const { return value_; }
  // Canonical text: dotted quad for IPv4, RFC 5952 form for IPv6.
  std::string ToString() const;

  friend bool operator==(IpAddress a, IpAddress b) { return a.value_ == b.value_; }
  friend bool operator<(IpAddress a, IpAddress b) { return a.value_ < b.value_; }
  friend bool operator<=(IpAddress a, IpAddress b) { return a.value_ <= b.value_; }

 private:
  explicit IpAddress(absl::uint128 v) : value_(v) {}
  absl::uint128 value_ = 0;
};

// An inclusive range [first, last] of addresses; a CIDR block is one too.
struct IpRange {
  IpAddress first;
  IpAddress last;
  bool Contains(IpAddress a) const { return first <= a && a <= last; }
  friend bool operator==(const IpRange& a, const IpRange& b) {
    return a.first == b.first && a.last == b.last;
  }
};

// Parses "a.b.c.d/n" (n ≤ 32) or "x::y/n" (n ≤ 128); host bits are masked off
// (Part A: "1.2.3.4/24" is "1.2.3.0/24"). A bare address is a /32 or /128.
VERDICT_EXPORT absl::StatusOr<IpRange> ParseCidr(std::string_view text);

// Parses "first-last" (inclusive, same family, first ≤ last; "a-a" is one
// address). A bare address is accepted as a one-address range.
VERDICT_EXPORT absl::StatusOr<IpRange> ParseIpRange(std::string_view text);

}  // namespace verdict

#endif  // VERDICT_IP_ADDRESS_H_
