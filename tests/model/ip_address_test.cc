// IpAddress, ParseCidr and ParseIpRange: the accepted text forms, the exact
// ranges they denote, and the error message for each kind of bad input.
#include "verdict/ip_address.h"

#include <arpa/inet.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>

#include "absl/numeric/int128.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;

// Test names from case names: gtest allows only [A-Za-z0-9_].
template <typename Case>
std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

absl::uint128 V6(uint64_t hi, uint64_t lo) { return absl::MakeUint128(hi, lo); }

// ------------------------------------------------------------------ addresses

struct AddressCase {
  std::string name;
  std::string text;
  absl::uint128 want_value;
  bool want_v4;
  std::string want_string;  // canonical form
  friend void PrintTo(const AddressCase& c, std::ostream* os) { *os << c.name; }
};

class ParseValidAddress : public ::testing::TestWithParam<AddressCase> {};

TEST_P(ParseValidAddress, ValueFamilyAndCanonicalText) {
  const AddressCase& c = GetParam();
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(c.text);
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_EQ(ip->value(), c.want_value) << ip->ToString();
  EXPECT_EQ(ip->is_v4(), c.want_v4);
  EXPECT_EQ(ip->ToString(), c.want_string);
  // The canonical form parses back to the same address.
  absl::StatusOr<IpAddress> again = IpAddress::Parse(ip->ToString());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *ip);
}

constexpr uint64_t kMapped = uint64_t{0xffff} << 32;

INSTANTIATE_TEST_SUITE_P(
    IpAddress, ParseValidAddress,
    ::testing::Values(
        AddressCase{"V4Zero", "0.0.0.0", V6(0, kMapped), true, "0.0.0.0"},
        AddressCase{"V4Max", "255.255.255.255", V6(0, kMapped | 0xffffffff), true,
                    "255.255.255.255"},
        AddressCase{"V4Plain", "1.2.3.4", V6(0, kMapped | 0x01020304), true, "1.2.3.4"},
        AddressCase{"V4ThreeDigitOctets", "192.168.100.200", V6(0, kMapped | 0xc0a864c8), true,
                    "192.168.100.200"},
        AddressCase{"MappedIsV4", "::ffff:1.2.3.4", V6(0, kMapped | 0x01020304), true, "1.2.3.4"},
        AddressCase{"MappedHexIsV4", "::ffff:102:304", V6(0, kMapped | 0x01020304), true,
                    "1.2.3.4"},
        AddressCase{"MappedLongFormIsV4", "0:0:0:0:0:FFFF:0102:0304", V6(0, kMapped | 0x01020304),
                    true, "1.2.3.4"},
        AddressCase{"V6Unspecified", "::", V6(0, 0), false, "::"},
        AddressCase{"V6Loopback", "::1", V6(0, 1), false, "::1"},
        AddressCase{"V6TrailingGap", "2001:db8::", V6(0x20010db800000000, 0), false, "2001:db8::"},
        AddressCase{"V6Full", "2001:0db8:0000:0000:0000:ff00:0042:8329",
                    V6(0x20010db800000000, 0x0000ff0000428329), false, "2001:db8::ff00:42:8329"},
        AddressCase{"V6UpperCaseLowered", "2001:DB8::ABCD", V6(0x20010db800000000, 0xabcd), false,
                    "2001:db8::abcd"},
        AddressCase{"V6GapOfOneGroup", "1:2:3:4:5:6::8", V6(0x0001000200030004, 0x0005000600000008),
                    false, "1:2:3:4:5:6:0:8"},
        AddressCase{"V6LongestRunCompressed", "1:0:0:2:0:0:0:3",
                    V6(0x0001000000000002, 0x0000000000000003), false, "1:0:0:2::3"},
        AddressCase{"V6FirstOfEqualRunsCompressed", "1:0:0:2:3:0:0:4",
                    V6(0x0001000000000002, 0x0003000000000004), false, "1::2:3:0:0:4"},
        AddressCase{"V6AllOnes", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ~absl::uint128{0},
                    false, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
        AddressCase{"V6EmbeddedQuadNotMapped", "64:ff9b::192.0.2.33",
                    V6(0x0064ff9b00000000, 0x00000000c0000221), false, "64:ff9b::c000:221"},
        AddressCase{"V4CompatibleIsV6", "::1.2.3.4", V6(0, 0x01020304), false, "::102:304"},
        AddressCase{"JustBelowMappedBlock", "::fffe:ffff:ffff", V6(0, 0xfffeffffffff), false,
                    "::fffe:ffff:ffff"},
        AddressCase{"JustAboveMappedBlock", "::1:0:0:0", V6(0, uint64_t{1} << 48), false,
                    "::1:0:0:0"}),
    CaseName<AddressCase>);

struct InvalidCase {
  std::string name;
  std::string text;
  std::string want_error;  // substring of the message
  friend void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }
};

class ParseInvalidAddress : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ParseInvalidAddress, FailsWithClearMessage) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(c.text);
  ASSERT_FALSE(ip.ok()) << c.text << " parsed as " << ip->ToString();
  EXPECT_EQ(ip.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ip.status().message()), HasSubstr(c.want_error));
}

INSTANTIATE_TEST_SUITE_P(
    IpAddress, ParseInvalidAddress,
    ::testing::Values(
        InvalidCase{"Empty", "", "invalid IP address \"\": empty"},
        InvalidCase{"OctetTooBig", "1.2.3.999",
                    "invalid IPv4 address \"1.2.3.999\": octet 999 > 255"},
        InvalidCase{"Octet256", "256.0.0.1", "octet 256 > 255"},
        InvalidCase{"FourDigitOctet", "1.2.3.1000", "octet 1000 > 255"},
        InvalidCase{"ThreeOctets", "1.2.3",
                    "invalid IPv4 address \"1.2.3\": 3 octets, want exactly 4"},
        InvalidCase{"FiveOctets", "1.2.3.4.5", "more than four octets"},
        InvalidCase{"LeadingZero", "01.2.3.4", "octet \"01\" has a leading zero"},
        InvalidCase{"LeadingZeroLast", "1.2.3.04", "octet \"04\" has a leading zero"},
        InvalidCase{"EmptyOctet", "1..3.4", "octet 2 is empty"},
        InvalidCase{"TrailingDot", "1.2.3.4.", "more than four octets"},
        InvalidCase{"PlusSign", "+1.2.3.4", "unexpected character \"+\""},
        InvalidCase{"LeadingSpace", " 1.2.3.4", "unexpected character \" \""},
        InvalidCase{"TrailingSpace", "1.2.3.4 ", "unexpected character \" \""},
        InvalidCase{"Hostname", "example.com", "unexpected character \"e\""},
        InvalidCase{"V6ZoneId", "fe80::1%eth0", "zone ids"},
        InvalidCase{"V6TwoGaps", "1::2::3", "\"::\" appears more than once"},
        InvalidCase{"V6TripleColon", "1:::2", "unexpected character \":\""},
        InvalidCase{"V6NineGroups", "1:2:3:4:5:6:7:8:9", "more than 8 groups"},
        InvalidCase{"V6SevenGroups", "1:2:3:4:5:6:7", "7 groups, want 8"},
        InvalidCase{"V6GapWithEightGroups", "1:2:3:4::5:6:7:8", "with 8 other groups"},
        InvalidCase{"V6FiveHexDigits", "12345::", "group \"12345\" has more than 4 hex digits"},
        InvalidCase{"V6NotHex", "2001:db8::g", "unexpected character \"g\""},
        InvalidCase{"V6LeadingColon", ":1:2:3:4:5:6:7", "single leading ':'"},
        InvalidCase{"V6TrailingColon", "1:2:3:4:5:6:7:", "single trailing ':'"},
        InvalidCase{"V6BadEmbeddedQuad", "::ffff:1.2.3.256",
                    "invalid IPv6 address \"::ffff:1.2.3.256\": octet 256 > 255"},
        InvalidCase{"V6QuadNotLast", "::1.2.3.4:5", "unexpected character \":\""},
        InvalidCase{"V6QuadTooLate", "1:2:3:4:5:6:7:1.2.3.4",
                    "too many groups before the dotted quad"},
        InvalidCase{"V6ShortQuad", "::ffff:1.2.3", "3 octets"},
        InvalidCase{"ControlCharQuoted", "1.2.3.4\n", "unexpected character \"\\x0a\""}),
    CaseName<InvalidCase>);

TEST(IpAddress, FromV4EqualsParsedAndMapped) {
  EXPECT_EQ(IpAddress::FromV4(0x0a000001), *IpAddress::Parse("10.0.0.1"));
  EXPECT_EQ(IpAddress::FromV4(0x0a000001), *IpAddress::Parse("::ffff:10.0.0.1"));
  EXPECT_EQ(IpAddress::FromV6(V6(0, kMapped | 0x0a000001)), IpAddress::FromV4(0x0a000001));
  EXPECT_FALSE(IpAddress::FromV6(V6(0, 0x0a000001)).is_v4());
}

TEST(IpAddress, OrderingIsNumeric) {
  EXPECT_LT(*IpAddress::Parse("9.255.255.255"), *IpAddress::Parse("10.0.0.0"));
  EXPECT_LT(*IpAddress::Parse("::1"), *IpAddress::Parse("0.0.0.0"));  // v4 sits in ::ffff:0:0/96
  EXPECT_LT(*IpAddress::Parse("255.255.255.255"), *IpAddress::Parse("2001:db8::"));
  EXPECT_FALSE(*IpAddress::Parse("10.0.0.1") < *IpAddress::Parse("10.0.0.1"));
}

// ---------------------------------------------------------------------- CIDR

struct RangeCase {
  std::string name;
  std::string text;
  std::string want_first;
  std::string want_last;
  friend void PrintTo(const RangeCase& c, std::ostream* os) { *os << c.name; }
};

class ParseValidCidr : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ParseValidCidr, MasksHostBits) {
  const RangeCase& c = GetParam();
  absl::StatusOr<IpRange> range = ParseCidr(c.text);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->first.ToString(), c.want_first);
  EXPECT_EQ(range->last.ToString(), c.want_last);
}

INSTANTIATE_TEST_SUITE_P(
    ParseCidr, ParseValidCidr,
    ::testing::Values(
        RangeCase{"HostBitsMasked", "1.2.3.4/24", "1.2.3.0", "1.2.3.255"},
        RangeCase{"AlignedSlash24", "10.20.30.0/24", "10.20.30.0", "10.20.30.255"},
        RangeCase{"Slash31", "10.0.0.7/31", "10.0.0.6", "10.0.0.7"},
        RangeCase{"Slash32", "10.0.0.7/32", "10.0.0.7", "10.0.0.7"},
        RangeCase{"Slash8", "10.200.1.1/8", "10.0.0.0", "10.255.255.255"},
        RangeCase{"V4Slash0IsAllOfV4", "1.2.3.4/0", "0.0.0.0", "255.255.255.255"},
        RangeCase{"BareV4IsSlash32", "192.0.2.1", "192.0.2.1", "192.0.2.1"},
        RangeCase{"LeadingZeroPrefixIsDecimal", "10.1.2.3/016", "10.1.0.0", "10.1.255.255"},
        RangeCase{"V6Slash64", "2001:db8:1:2:3:4:5:6/64",
                  "2001:db8:1:2::", "2001:db8:1:2:ffff:ffff:ffff:ffff"},
        RangeCase{"V6Slash128", "2001:db8::1/128", "2001:db8::1", "2001:db8::1"},
        RangeCase{"V6Slash0IsEverything", "2001:db8::1/0",
                  "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
        RangeCase{"V6Slash127", "2001:db8::3/127", "2001:db8::2", "2001:db8::3"},
        RangeCase{"MappedWrittenAsV6", "::ffff:1.2.3.4/120", "1.2.3.0", "1.2.3.255"},
        RangeCase{"MappedSlash96IsAllOfV4", "::ffff:0.0.0.0/96", "0.0.0.0", "255.255.255.255"}),
    CaseName<RangeCase>);

class ParseInvalidCidr : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ParseInvalidCidr, FailsWithClearMessage) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<IpRange> range = ParseCidr(c.text);
  ASSERT_FALSE(range.ok()) << c.text << " parsed as " << range->first.ToString() << "-"
                           << range->last.ToString();
  EXPECT_EQ(range.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(range.status().message()), HasSubstr(c.want_error));
}

INSTANTIATE_TEST_SUITE_P(
    ParseCidr, ParseInvalidCidr,
    ::testing::Values(
        InvalidCase{"V4Slash33", "1.2.3.4/33",
                    "invalid CIDR block \"1.2.3.4/33\": prefix length 33 > 32 for an IPv4 address"},
        InvalidCase{"V6Slash129", "::1/129", "prefix length 129 > 128 for an IPv6 address"},
        InvalidCase{"HugePrefix", "1.2.3.4/99999999999999999999", "> 32"},
        InvalidCase{"EmptyPrefix", "1.2.3.4/", "empty prefix length"},
        InvalidCase{"NegativePrefix", "1.2.3.4/-1", "prefix length \"-1\" is not a decimal number"},
        InvalidCase{"HexPrefix", "1.2.3.4/0x18", "is not a decimal number"},
        InvalidCase{"SpaceBeforeSlash", "1.2.3.4 /24", "unexpected character \" \""},
        InvalidCase{"SpaceInPrefix", "1.2.3.4/ 24", "is not a decimal number"},
        InvalidCase{"TwoSlashes", "1.2.3.4/24/8", "is not a decimal number"},
        InvalidCase{"BadAddress", "1.2.3.999/24",
                    "invalid CIDR block \"1.2.3.999/24\": invalid IPv4 address \"1.2.3.999\": "
                    "octet 999 > 255"},
        InvalidCase{"Empty", "", "empty"}, InvalidCase{"OnlyPrefix", "/24", "empty"}),
    CaseName<InvalidCase>);

// --------------------------------------------------------------------- ranges

class ParseValidRange : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ParseValidRange, Bounds) {
  const RangeCase& c = GetParam();
  absl::StatusOr<IpRange> range = ParseIpRange(c.text);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->first.ToString(), c.want_first);
  EXPECT_EQ(range->last.ToString(), c.want_last);
}

INSTANTIATE_TEST_SUITE_P(
    ParseIpRange, ParseValidRange,
    ::testing::Values(
        RangeCase{"V4", "10.0.0.1-10.0.0.5", "10.0.0.1", "10.0.0.5"},
        RangeCase{"SingleAddress", "10.0.0.1-10.0.0.1", "10.0.0.1", "10.0.0.1"},
        RangeCase{"BareAddress", "10.0.0.1", "10.0.0.1", "10.0.0.1"},
        RangeCase{"SpacesAroundDash", "10.0.0.1 - 10.0.0.5", "10.0.0.1", "10.0.0.5"},
        RangeCase{"TabsAndOuterSpaces", " 10.0.0.1\t-\t10.0.0.5 ", "10.0.0.1", "10.0.0.5"},
        RangeCase{"AcrossOctets", "10.0.0.250-10.0.1.3", "10.0.0.250", "10.0.1.3"},
        RangeCase{"MappedAndPlainV4", "::ffff:10.0.0.1-10.0.0.2", "10.0.0.1", "10.0.0.2"},
        RangeCase{"V6", "2001:db8::1-2001:db8::ff", "2001:db8::1", "2001:db8::ff"},
        RangeCase{"WholeV4", "0.0.0.0-255.255.255.255", "0.0.0.0", "255.255.255.255"}),
    CaseName<RangeCase>);

class ParseInvalidRange : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(ParseInvalidRange, FailsWithClearMessage) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<IpRange> range = ParseIpRange(c.text);
  ASSERT_FALSE(range.ok()) << c.text << " parsed as " << range->first.ToString() << "-"
                           << range->last.ToString();
  EXPECT_EQ(range.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(range.status().message()), HasSubstr(c.want_error));
}

INSTANTIATE_TEST_SUITE_P(
    ParseIpRange, ParseInvalidRange,
    ::testing::Values(
        InvalidCase{"Reversed", "10.0.0.5-10.0.0.1",
                    "invalid IP range \"10.0.0.5-10.0.0.1\": first address is after last"},
        InvalidCase{"ReversedV6", "2001:db8::2-2001:db8::1", "first address is after last"},
        InvalidCase{"MixedFamilies", "10.0.0.1-2001:db8::1", "different families"},
        InvalidCase{"MixedFamiliesV6First", "::1-10.0.0.1", "different families"},
        InvalidCase{"TwoDashes", "10.0.0.1-10.0.0.2-10.0.0.3", "more than one '-'"},
        InvalidCase{"MissingLast", "10.0.0.1-", "invalid IP address \"\": empty"},
        InvalidCase{"MissingFirst", "-10.0.0.1", "invalid IP address \"\": empty"},
        InvalidCase{"BadFirst", "10.0.0.256-10.0.0.1", "octet 256 > 255"},
        InvalidCase{"CidrIsNotARange", "10.0.0.0/24", "unexpected character \"/\""},
        InvalidCase{"Empty", "", "empty"}),
    CaseName<InvalidCase>);

struct ContainsCase {
  std::string name;
  std::string range;  // ParseIpRange text, or CIDR when it has a '/'
  std::string ip;
  bool want;
  friend void PrintTo(const ContainsCase& c, std::ostream* os) { *os << c.name; }
};

class RangeContains : public ::testing::TestWithParam<ContainsCase> {};

TEST_P(RangeContains, Inclusive) {
  const ContainsCase& c = GetParam();
  absl::StatusOr<IpRange> range =
      c.range.find('/') != std::string::npos ? ParseCidr(c.range) : ParseIpRange(c.range);
  ASSERT_TRUE(range.ok()) << range.status();
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(c.ip);
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_EQ(range->Contains(*ip), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    IpRange, RangeContains,
    ::testing::Values(ContainsCase{"FirstEnd", "10.0.0.1-10.0.0.5", "10.0.0.1", true},
                      ContainsCase{"LastEnd", "10.0.0.1-10.0.0.5", "10.0.0.5", true},
                      ContainsCase{"Middle", "10.0.0.1-10.0.0.5", "10.0.0.3", true},
                      ContainsCase{"BeforeFirst", "10.0.0.1-10.0.0.5", "10.0.0.0", false},
                      ContainsCase{"AfterLast", "10.0.0.1-10.0.0.5", "10.0.0.6", false},
                      ContainsCase{"OneAddressItself", "10.0.0.1-10.0.0.1", "10.0.0.1", true},
                      ContainsCase{"OneAddressNeighbour", "10.0.0.1-10.0.0.1", "10.0.0.2", false},
                      ContainsCase{"MappedProbe", "10.0.0.1-10.0.0.5", "::ffff:10.0.0.2", true},
                      ContainsCase{"CidrFirst", "1.2.3.4/24", "1.2.3.0", true},
                      ContainsCase{"CidrLast", "1.2.3.4/24", "1.2.3.255", true},
                      ContainsCase{"CidrJustAfter", "1.2.3.4/24", "1.2.4.0", false},
                      ContainsCase{"CidrJustBefore", "1.2.3.4/24", "1.2.2.255", false},
                      ContainsCase{"V4Slash0ExcludesV6", "0.0.0.0/0", "2001:db8::1", false},
                      ContainsCase{"V4Slash0ExcludesV4Compatible", "0.0.0.0/0", "::1.2.3.4", false},
                      ContainsCase{"V6Slash0HoldsV4", "::/0", "1.2.3.4", true},
                      ContainsCase{"V6CidrLast", "2001:db8::/32",
                                   "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true},
                      ContainsCase{"V6CidrJustAfter", "2001:db8::/32", "2001:db9::", false}),
    CaseName<ContainsCase>);

// glibc's inet_pton(AF_INET) takes exactly the dotted quads Parse takes for
// IPv4 — four decimal octets, none above 255, no leading zeros — so it is an
// independent oracle for the dotted-quad fast path and its refusals, on
// random texts near the shape.
TEST(IpAddress, DottedQuadsMatchInetPton) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789..:x ";
  int accepted = 0;
  for (int n = 0; n < 50000; ++n) {
    std::string text;
    if (n % 2 == 0) {
      // Four random octets, sometimes zero-padded or out of range.
      for (int o = 0; o < 4; ++o) {
        if (o > 0) text += '.';
        const uint32_t v = rng() % (rng() % 8 == 0 ? 1200 : 256);
        text += (rng() % 16 == 0 ? "0" : "") + std::to_string(v);
      }
    } else {
      const size_t length = rng() % 17;
      for (size_t i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    }
    if (rng() % 4 == 0 && !text.empty())
      text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    if (text.find(':') != std::string::npos) continue;  // IPv6 forms: not this oracle's
    in_addr want;
    const bool want_ok = inet_pton(AF_INET, text.c_str(), &want) == 1;
    const absl::StatusOr<IpAddress> got = IpAddress::Parse(text);
    ASSERT_EQ(got.ok(), want_ok) << "\"" << text << "\"";
    if (!want_ok) continue;
    ++accepted;
    EXPECT_TRUE(got->is_v4());
    EXPECT_EQ(*got, IpAddress::FromV4(ntohl(want.s_addr))) << text;
  }
  EXPECT_GT(accepted, 10000);  // the generator reaches the accepting side
}

}  // namespace
}  // namespace verdict
