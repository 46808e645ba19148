// Decision's typed action accessors against the rule's own `actions` JSON, for
// every decision of the fixture org's contexts: what a gateway reads through
// access(), require_factor(), ... must be what the Management API payload
// says.
#include "verdict/decision.h"

#include <fstream>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "verdict/engine.h"

namespace verdict {
namespace {

std::optional<int64_t> OptionalInt(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object.at(key).is_number_integer()) {
    return std::nullopt;
  }
  return object.at(key).get<int64_t>();
}

Access AccessOf(const nlohmann::json& action) {
  if (!action.is_object() || !action.contains("access") || !action["access"].is_string()) {
    return Access::kUnset;
  }
  const std::string a = action["access"];
  if (a == "ALLOW") return Access::kAllow;
  if (a == "DENY") return Access::kDeny;
  if (a == "CHALLENGE") return Access::kChallenge;
  return Access::kUnset;
}

FactorPromptMode PromptModeOf(const nlohmann::json& signon) {
  if (!signon.contains("factorPromptMode") || !signon["factorPromptMode"].is_string()) {
    return FactorPromptMode::kUnset;
  }
  const std::string m = signon["factorPromptMode"];
  if (m == "ALWAYS") return FactorPromptMode::kAlways;
  if (m == "DEVICE") return FactorPromptMode::kDevice;
  if (m == "SESSION") return FactorPromptMode::kSession;
  return FactorPromptMode::kUnset;
}

TEST(DecisionAccessors, AgreeWithTheRulesActionsJson) {
  IssueList issues;
  auto set = LoadAndCompile(VERDICT_SOURCE_DIR "/fixtures/org", &issues);
  ASSERT_TRUE(set.ok()) << set.status();
  std::ifstream in(VERDICT_SOURCE_DIR "/fixtures/contexts.jsonl");
  std::string line;
  int with_signon = 0, with_app_sign_on = 0, without_rule = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    absl::StatusOr<SignOnContext> ctx = ParseContext(line);
    if (!ctx.ok()) continue;  // the fixture holds malformed lines on purpose
    for (PolicyType type : (*set)->snapshot().Types()) {
      const Decision d = (*set)->Evaluate(*ctx, type);
      if (d.rule == nullptr) {
        ++without_rule;
        EXPECT_EQ(d.access(), Access::kUnset);
        EXPECT_FALSE(d.require_factor());
        EXPECT_EQ(d.signon(), nullptr);
        EXPECT_EQ(d.actions_json(), "");
        continue;
      }
      EXPECT_EQ(d.actions_json(), d.rule->actions_json);
      const nlohmann::json actions = nlohmann::json::parse(d.actions_json());
      SCOPED_TRACE(ctx->id + " " + std::string(PolicyTypeName(type)) + " " + d.rule->id);
      if (actions.contains("signon")) {
        ++with_signon;
        const nlohmann::json& s = actions["signon"];
        EXPECT_EQ(d.access(), AccessOf(s));
        EXPECT_EQ(d.require_factor(), s.value("requireFactor", false));
        EXPECT_EQ(d.factor_prompt_mode(), PromptModeOf(s));
        EXPECT_EQ(d.factor_lifetime_minutes(), OptionalInt(s, "factorLifetime"));
        const nlohmann::json session = s.value("session", nlohmann::json::object());
        EXPECT_EQ(d.max_session_idle_minutes(), OptionalInt(session, "maxSessionIdleMinutes"));
        EXPECT_EQ(d.max_session_lifetime_minutes(),
                  OptionalInt(session, "maxSessionLifetimeMinutes"));
      } else if (actions.contains("appSignOn")) {
        ++with_app_sign_on;
        EXPECT_EQ(d.access(), AccessOf(actions["appSignOn"]));
        EXPECT_FALSE(d.require_factor());
        EXPECT_EQ(d.signon(), nullptr);
      }
    }
  }
  // The fixture exercises every branch.
  EXPECT_GT(with_signon, 20);
  EXPECT_GT(with_app_sign_on, 5);
  EXPECT_GT(without_rule, 5);
}

}  // namespace
}  // namespace verdict
