// elCondition and userIdentifier EXPRESSION in both evaluators: the reference
// evaluator and the compiled engine must agree, a malformed expression makes
// its rule never match, and the trace says why.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "tests/support/alloc_counter.h"
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
      if (v.condition == "elCondition" || v.condition == "userIdentifier.patterns" ||
          v.condition == "platform.os.expression") {
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
  ASSERT_TRUE(Compile(s, &issues).ok());
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_FALSE(issues[0].is_error());
  EXPECT_EQ(issues[0].code, "rule.bad_expression");
  EXPECT_EQ(issues[0].ToString(),
            "rules/00p9.json: /0/conditions/elCondition/condition: col 6: unknown function "
            "'isMemberof'");
  EXPECT_EQ(issues[1].pointer, "/1/conditions/userIdentifier/patterns/1/value");
}

// A platform condition of one OTHER-OS entry with `expression`, in `list`.
Conditions OsExpression(std::string expression, bool exclude = false) {
  Conditions c;
  PlatformCondition p;
  PlatformEntry e;
  e.type = "ANY";
  e.os_type = "OTHER";
  e.os_expression = std::move(expression);
  (exclude ? p.exclude : p.include).push_back(e);
  c.platform = p;
  return c;
}

SignOnContext OtherOsContext() {
  SignOnContext ctx = UserContext({});
  ctx.device.os_type = "OTHER";
  ctx.device.platform_type = "DESKTOP";
  ctx.user.profile["department"] = "Sales";
  return ctx;
}

TEST(OsExpressionWiring, IncludeAndExcludeInBothEngines) {
  const SignOnContext ctx = OtherOsContext();
  const std::string yes = "device.platform == 'OTHER' && user.profile.department == 'Sales'";
  const std::string no = "device.managed == true";  // not in the context: null == true is false
  EXPECT_EQ(Winner(WithRule(OsExpression(yes)), ctx), "0prCond");
  EXPECT_EQ(Winner(WithRule(OsExpression(no)), ctx), "0prDefault");
  EXPECT_EQ(Winner(WithRule(OsExpression(yes, /*exclude=*/true)), ctx), "0prDefault");
  EXPECT_EQ(Winner(WithRule(OsExpression(no, /*exclude=*/true)), ctx), "0prCond");
  // The entry's OS type still has to match before the expression counts.
  SignOnContext mac = ctx;
  mac.device.os_type = "MACOS";
  EXPECT_EQ(Winner(WithRule(OsExpression(yes)), mac), "0prDefault");
  std::string detail;
  Winner(WithRule(OsExpression(no)), ctx, &detail);
  EXPECT_NE(detail.find("device.managed == true → false"), std::string::npos) << detail;
}

TEST(OsExpressionWiring, MalformedNeverMatchesEvenInExclude) {
  std::string detail;
  EXPECT_EQ(Winner(WithRule(OsExpression("device.platform = 'OTHER'")), OtherOsContext(), &detail),
            "0prDefault");
  EXPECT_NE(detail.find("malformed expression (col 17: assignment"), std::string::npos) << detail;
  EXPECT_EQ(Winner(WithRule(OsExpression("device.platform ==", true)), OtherOsContext()),
            "0prDefault");

  Snapshot s = WithRule(OsExpression("device.platform = 'OTHER'", true));
  s.policies[0].rules[0].file = "rules/00p9.json";
  s.policies[0].rules[0].pointer = "/0";
  IssueList issues;
  ASSERT_TRUE(Compile(s, &issues).ok());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].ToString(),
            "rules/00p9.json: /0/conditions/platform/exclude/0/os/expression: col 17: assignment "
            "'=' is not allowed (use '==')");
}

// A snapshot whose linked objects come from real files in the API layout:
// 00uTest's manager is 00uBoss (department Sales).
Snapshot WithLinkedObjects(Snapshot s) {
  testing::SnapshotDir dir;
  dir.WriteAll({
      {"linked-objects.json",
       R"([{"primary": {"name": "manager"}, "associated": {"name": "subordinates"}}])"},
      {"users/00uTest/linkedObjects/manager.json",
       R"([{"_links": {"self": {"href": "https://x.okta.com/api/v1/users/00uBoss"}}}])"},
      {"users/00uBoss/user.json",
       R"({"id": "00uBoss", "status": "ACTIVE", "profile": {"department": "Sales"}})"},
  });
  auto loaded = LoadSnapshot(dir.path(), nullptr);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (loaded.ok()) {
    s.linked_object_definitions = loaded->linked_object_definitions;
    s.users = loaded->users;
    s.user_links = loaded->user_links;
  }
  return s;
}

TEST(LinkedObjectWiring, BothEnginesFollowTheManager) {
  const SignOnContext ctx = UserContext({});
  EXPECT_EQ(Winner(WithLinkedObjects(WithRule(
                       El("user.getLinkedObject('manager').profile.department == 'Sales'"))),
                   ctx),
            "0prCond");
  EXPECT_EQ(Winner(WithLinkedObjects(
                       WithRule(El("user.getLinkedObject('manager').profile.department == 'HR'"))),
                   ctx),
            "0prDefault");
  SignOnContext other = ctx;
  other.user.id = "00uOther";  // no manager: null, so the comparison is false
  EXPECT_EQ(Winner(WithLinkedObjects(WithRule(
                       El("user.getLinkedObject('manager').profile.department == 'Sales'"))),
                   other),
            "0prDefault");
  // Without the files the same rule cannot match.
  EXPECT_EQ(
      Winner(WithRule(El("user.getLinkedObject('manager').profile.department == 'Sales'")), ctx),
      "0prDefault");
}

TEST(TimeWiring, BothEnginesUseTheContextTime) {
  SignOnContext ctx = UserContext({});
  ctx.user.profile["hired"] = "2024-04-20T00:00:00Z";
  ctx.time = absl::FromUnixSeconds(1714564800);  // 2024-05-01T12:00:00Z
  const Snapshot s = WithRule(El("user.profile.hired.parseStringTime().withinDays(14)"));
  EXPECT_EQ(Winner(s, ctx), "0prCond");
  ctx.time = absl::FromUnixSeconds(1714564800 + 86400 * 7);
  EXPECT_EQ(Winner(s, ctx), "0prDefault");
  std::string detail;
  ctx.time.reset();
  EXPECT_EQ(Winner(s, ctx, &detail), "0prDefault");
  EXPECT_NE(detail.find("needs the context's 'time'"), std::string::npos) << detail;
}

// Linked-object and time conditions read precomputed data and borrow strings:
// the compiled engine evaluates them without allocating.
TEST(ExpressionAllocation, LinkedObjectAndTimeConditionsDoNotAllocate) {
  Conditions c =
      El("user.getLinkedObject('manager').profile.department == 'Sales' && "
         "user.getLinkedObject('manager').id == '00uBoss' && "
         "user.profile.hired.parseStringTime().withinDays(30) == false && "
         "DateTime.now().minusHours(1) < DateTime.now().toZone('+05:30')");
  auto set = Compile(WithLinkedObjects(WithRule(std::move(c))));
  ASSERT_TRUE(set.ok()) << set.status();
  SignOnContext ctx = UserContext({});
  ctx.time = absl::FromUnixSeconds(1714564800);
  ctx.user.profile["hired"] = "2020-01-01";
  ASSERT_EQ((*set)->Evaluate(ctx, PolicyType::kOktaSignOn).rule->id, "0prCond");
  const uint64_t before = testing::AllocationCount();
  const Decision d = (*set)->Evaluate(ctx, PolicyType::kOktaSignOn);
  const uint64_t allocations = testing::AllocationCount() - before;
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->id, "0prCond");
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace verdict
