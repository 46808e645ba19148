// debugData.securityConditions: Java's toString of a list of maps, whose
// conditions may hold commas, '=', braces and quotes.
#include "lib/logs/security_conditions.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace verdict::logs {
namespace {

std::vector<SecurityCondition> Parse(const std::string& text) {
  absl::StatusOr<std::vector<SecurityCondition>> parsed = ParseSecurityConditions(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << " for " << text;
  return parsed.ok() ? *parsed : std::vector<SecurityCondition>{};
}

TEST(SecurityConditions, TheLoggedExample) {
  const std::vector<SecurityCondition> c = Parse(
      "[{result=true, condition=security.risk.level == 'MEDIUM'}, {result=false, "
      "condition=security.userBehaviors['New Device'].detected}]");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], (SecurityCondition{"security.risk.level == 'MEDIUM'", true}));
  EXPECT_EQ(c[1], (SecurityCondition{"security.userBehaviors['New Device'].detected", false}));
}

TEST(SecurityConditions, EmptyList) {
  EXPECT_TRUE(Parse("[]").empty());
  EXPECT_TRUE(Parse("  [ ]  ").empty());
}

TEST(SecurityConditions, ConditionFirstAndOtherKeys) {
  const std::vector<SecurityCondition> c =
      Parse("[{condition=security.behaviors.contains('New IP'), id=42, result=TRUE}]");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (SecurityCondition{"security.behaviors.contains('New IP')", true}));
}

TEST(SecurityConditions, CommasBracesQuotesAndEqualsInsideConditions) {
  const std::vector<SecurityCondition> c = Parse(
      "[{result=false, condition=user.isMemberOf({'group.id': ['00g1', '00g2']}) && "
      "security.behaviors.contains('a, b} {c=d')}, "
      "{result=true, condition=user.profile.department == \"R&D, \"\"East}\"\"\"}, "
      "{result=true, condition='it''s' == 'it''s'}]");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].condition,
            "user.isMemberOf({'group.id': ['00g1', '00g2']}) && "
            "security.behaviors.contains('a, b} {c=d')");
  EXPECT_FALSE(c[0].result);
  EXPECT_EQ(c[1].condition, "user.profile.department == \"R&D, \"\"East}\"\"\"");
  EXPECT_EQ(c[2].condition, "'it''s' == 'it''s'");
}

TEST(SecurityConditions, MalformedTextIsAnError) {
  for (const char* text : {
           "",
           "{result=true, condition=x}",         // not a list
           "[{result=true, condition=x}",        // unterminated
           "[{result=true, condition=f(x}]",     // unbalanced
           "[{result=true, condition='x}]",      // open quote
           "[{result=yes, condition=x}]",        // not a Boolean
           "[{condition=x}]",                    // no result
           "[{result=true}]",                    // no condition
           "[{result=true, condition=}]",        // empty condition
           "[{result=true, condition=x} junk]",  // between elements
           "[{true}]",                           // no '='
       }) {
    EXPECT_FALSE(ParseSecurityConditions(text).ok()) << text;
  }
}

}  // namespace
}  // namespace verdict::logs
