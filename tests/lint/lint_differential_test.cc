// Lint against the evaluators on random orgs (issue 19): a rule lint calls
// shadowed never wins any of many random contexts, and a rule lint calls
// winnable wins its witness — in the compiled engine, which lint never asks.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "verdict/engine.h"
#include "verdict/lint.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

TEST(LintDifferential, ShadowedRulesNeverWinAndWitnessesWin) {
  constexpr int kOrgs = 40;
  constexpr int kContexts = 2000;
  int64_t shadowed = 0, wins = 0, checked = 0;
  // Rules with an Expression Language condition lint proved winnable (the solver).
  int64_t expression_rules_decided = 0;
  for (int i = 0; i < kOrgs; ++i) {
    synth::OrgOptions options = synth::DifferentialOrgOptions(/*seed=*/19, i);
    const Snapshot org = synth::GenerateOrg(options);
    LintOptions lint_options;
    lint_options.rule_reachability = true;
    absl::StatusOr<LintReport> report = Lint(org, lint_options);
    ASSERT_TRUE(report.ok()) << report.status();
    absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = Compile(org);
    ASSERT_TRUE(set.ok()) << set.status();

    std::map<std::string, std::string> shadowed_rules;  // rule id -> policy id
    for (const LintFinding& f : report->findings) {
      if (f.code == "shadowed-rule") shadowed_rules[f.rule_id] = f.policy_id;
    }
    for (const RuleReachability& r : report->rules) {
      const Policy* p = org.FindPolicy(r.policy_id);
      for (const Rule& rule : p->rules) {
        // Winning needs the expression's under-approximation: only a
        // decided expression has one.
        if (rule.id == r.rule_id && rule.conditions.el_condition && r.reach == RuleReach::kWins) {
          ++expression_rules_decided;
        }
      }
    }
    for (const RuleReachability& r : report->rules) {
      if (r.reach != RuleReach::kWins) continue;
      ASSERT_TRUE(r.witness.has_value());
      const PolicyType type = r.witness->policy_types.front();
      const Decision d = (*set)->Evaluate(*r.witness, type);
      EXPECT_TRUE(d.rule != nullptr && d.rule->id == r.rule_id)
          << "org " << i << ": rule " << r.rule_id << " does not win its witness "
          << synth::ContextToJson(*r.witness) << "; got " << synth::DecisionText(d);
      ++wins;
    }
    shadowed += static_cast<int64_t>(shadowed_rules.size());
    // Random contexts give their zones as IP chains: lint reasons about
    // sign-ins, and the simulation's "in exactly these zones" form can state
    // memberships no address has (docs/lint.md).
    for (const SignOnContext& ctx : synth::GenerateContexts(org, kContexts, 1000 + i)) {
      if (ctx.zones) continue;
      for (PolicyType type : org.Types()) {
        const Decision d = (*set)->Evaluate(ctx, type);
        ++checked;
        if (d.rule == nullptr) continue;
        EXPECT_EQ(shadowed_rules.count(d.rule->id), 0u)
            << "org " << i << ": rule " << d.rule->id << " reported shadowed wins "
            << synth::ContextToJson(ctx);
      }
    }
  }
  std::cout << "shadowed rules " << shadowed << ", rules won by their witness " << wins
            << ", decisions checked " << checked << ", rules with an expression decided "
            << expression_rules_decided << "\n";
  // Not vacuous: the orgs have both kinds.
  EXPECT_GT(shadowed, 0);
  EXPECT_GT(wins, 0);
  EXPECT_GT(expression_rules_decided, 0);
}

}  // namespace
}  // namespace verdict
