// elCondition and userIdentifier EXPRESSION in both evaluators: the reference
// evaluator and the compiled engine must agree, a malformed expression makes
// its rule never match, and the trace says why.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/model_builder.h"
#include "verdict/engine.h"
#include "verdict/expression.h"
#include "verdict/reference_evaluator.h"

namespace verdict {
namespace {

using ::verdict::testing::MakePolicy;
using ::verdict::testing::MakeRule;
using ::verdict::testing::UserContext;

Snapshot WithRule(Conditions c) {
  Snapshot s;
  s.groups = {{"00gSales", "Sales West", "OKTA_GROUP"}};
  s.behaviors = {{"beh1", "New IP", "VELOCITY", true}};
  s.policies = {MakePolicy("00pDefault", PolicyType::kOktaSignOn, 99, {},
                           {MakeRule("0prCond", 1, std::move(c)), MakeRule("0prDefault", 99)},
                           /*system=*/true)};
  return s;
}

// The winning rule id from both evaluators (they must agree).
std::string Winner(const Snapshot& s, const SignOnContext& ctx, std::string* detail = nullptr) {
  Trace trace;
  const Decision ref = ReferenceEvaluator(s).Evaluate(ctx, PolicyType::kOktaSignOn, &trace);
  auto compiled = Compile(s);
  EXPECT_TRUE(compiled.ok());
  if (compiled.ok()) {
    const Decision fast = (*compiled)->Evaluate(ctx, PolicyType::kOktaSignOn);
    EXPECT_EQ(fast.rule ? fast.rule->id : "", ref.rule ? ref.rule->id : "")
        << "compiled engine disagrees with the reference";
  }
  if (detail != nullptr && !trace.policies.empty() && !trace.policies[0].rules.empty()) {
    for (const ConditionVerdict& v : trace.policies[0].rules[0].conditions) {
      if (v.condition == "elCondition" || v.condition == "userIdentifier.patterns") {
        *detail = v.detail;
      }
    }
  }
  return ref.rule ? ref.rule->id : "";
}

Conditions El(std::string text) {
  Conditions c;
  c.el_condition = ElCondition{std::move(text)};
  return c;
}

TEST(ElConditionWiring, TrueMatchesFalseDoesNot) {
  SignOnContext ctx = UserContext({"00gSales"});
  ctx.user.profile["department"] = "Sales";
  ctx.behaviors = {"beh1"};
  EXPECT_EQ(Winner(WithRule(El("user.profile.department == 'Sales'")), ctx), "0prCond");
  EXPECT_EQ(Winner(WithRule(El("user.profile.department == 'HR'")), ctx), "0prDefault");
  EXPECT_EQ(Winner(WithRule(El("user.isMemberOf({'group.profile.name': 'Sales'})")), ctx),
            "0prCond");
  EXPECT_EQ(Winner(WithRule(El("security.behaviors.contains('New IP')")), ctx), "0prCond");
  EXPECT_EQ(Winner(WithRule(El("user.profile.missing.contains('x')")), ctx), "0prDefault");
}

TEST(ElConditionWiring, MalformedNeverMatchesAndTraceSaysWhy) {
  std::string detail;
  EXPECT_EQ(Winner(WithRule(El("user.isMemberof({'group.id': 'x'})")), UserContext({}), &detail),
            "0prDefault");
  EXPECT_NE(detail.find("col 6: unknown function 'isMemberof'"), std::string::npos) << detail;
}

TEST(UserIdentifierExpression, Re2FullMatch) {
  Conditions c;
  UserIdentifierCondition u;
  u.patterns = {{"EXPRESSION", "[a-z]+@acme\\.example"}};
  c.user_identifier = u;
  EXPECT_EQ(Winner(WithRule(c), UserContext({})), "0prCond");  // ann@acme.example
  c.user_identifier->patterns = {{"EXPRESSION", "acme"}};      // full match, not partial
  EXPECT_EQ(Winner(WithRule(c), UserContext({})), "0prDefault");
  c.user_identifier->patterns = {{"EXPRESSION", "("}};  // invalid: matches nothing
  EXPECT_EQ(Winner(WithRule(c), UserContext({})), "0prDefault");
}

TEST(ExpressionCheck, MalformedExpressionsAreWarnings) {
  Snapshot s = WithRule(El("user.isMemberof({'group.id': 'x'})"));
  s.policies[0].rules[0].file = "rules/00p9.json";
  s.policies[0].rules[0].pointer = "/0";
  Conditions c;
  UserIdentifierCondition u;
  u.patterns = {{"EQUALS", "x"}, {"EXPRESSION", "(a"}};
  c.user_identifier = u;
  s.policies[0].rules[1].conditions = c;
  s.policies[0].rules[1].file = "rules/00p9.json";
  s.policies[0].rules[1].pointer = "/1";
  IssueList issues;
  CheckSnapshotExpressions(s, &issues);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_FALSE(issues[0].is_error());
  EXPECT_EQ(issues[0].code, "rule.bad_expression");
  EXPECT_EQ(issues[0].ToString(),
            "rules/00p9.json: /0/conditions/elCondition/condition: col 6: unknown function "
            "'isMemberof'");
  EXPECT_EQ(issues[1].pointer, "/1/conditions/userIdentifier/patterns/1/value");
}

}  // namespace
}  // namespace verdict
