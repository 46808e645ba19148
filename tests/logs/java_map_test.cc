// ParseJavaMapString: the Java Map.toString() strings of System Log debugData.
#include "lib/logs/java_map.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace verdict::logs {
namespace {

struct Case {
  std::string name;
  std::string input;
  bool ok;
  JavaMapEntries want;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class JavaMapTest : public ::testing::TestWithParam<Case> {};

TEST_P(JavaMapTest, Parses) {
  const Case& c = GetParam();
  absl::StatusOr<JavaMapEntries> got = ParseJavaMapString(c.input);
  ASSERT_EQ(got.ok(), c.ok) << c.input << " → " << got.status();
  if (c.ok) {
    EXPECT_EQ(*got, c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JavaMapTest,
    ::testing::Values(
        Case{
            "Behaviors",
            "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE}",
            true,
            {{"New Geo-Location", "NEGATIVE"}, {"New Device", "POSITIVE"}, {"New IP", "NEGATIVE"}}},
        Case{"RiskReasonsWithCommas",
             "{reasons=Anomalous Device, Anomalous Location, level=HIGH}",
             true,
             {{"reasons", "Anomalous Device, Anomalous Location"}, {"level", "HIGH"}}},
        Case{"LevelOnly", "{level=LOW}", true, {{"level", "LOW"}}}, Case{"Empty", "{}", true, {}},
        Case{"EmptyWithSpaces", "  { }  ", true, {}},
        Case{"EmptyValue", "{a=, b=x}", true, {{"a", ""}, {"b", "x"}}},
        Case{"NestedMap", "{a={b=c, d=e}, f=g}", true, {{"a", "{b=c, d=e}"}, {"f", "g"}}},
        Case{"NestedList",
             "{reasons=[X, Y], level=MEDIUM}",
             true,
             {{"reasons", "[X, Y]"}, {"level", "MEDIUM"}}},
        Case{"BehaviorIdsAsKeys",
             "{bhv1abc=POSITIVE, 3f2a-11=NEGATIVE}",
             true,
             {{"bhv1abc", "POSITIVE"}, {"3f2a-11", "NEGATIVE"}}},
        Case{"ValueWithEquals",
             "{condition=a == b, result=true}",
             true,
             {{"condition", "a == b"}, {"result", "true"}}},
        Case{"CommaWithoutSpaceStaysInValue", "{a=x,y, b=z}", true, {{"a", "x,y"}, {"b", "z"}}},
        Case{"NoBraces", "New IP=POSITIVE", false, {}},
        Case{"OnlyOpenBrace", "{New IP=POSITIVE", false, {}},
        Case{"FirstPieceWithoutEquals", "{POSITIVE, New IP=NEGATIVE}", false, {}},
        Case{"EmptyKey", "{=POSITIVE}", false, {}}, Case{"Unbalanced", "{a={b=c, d=e}", false, {}},
        Case{"JsonIsNotAJavaMap", "{\"a\":\"b\"}", false, {}}, Case{"EmptyString", "", false, {}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace verdict::logs
