// FirstConditionThatDiffers (tools/policy-sim/cli_util.h), the "differs:" of
// replay and the "why:" of diff: it locates the item to explain from the
// compiled engine's DecisionReasons and asks the reference evaluator for
// that one item's verdicts. Held here to the same sentence derived from the
// reference evaluator's full Trace of the decision, on random orgs, for a
// "recorded" rule drawn at random from the type's policies.
#include <cstdint>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tools/policy-sim/cli_util.h"
#include "verdict/engine.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
#include "verdict/synth.h"

namespace verdict::cli {
namespace {

std::string VerdictText(const std::vector<ConditionVerdict>& verdicts, bool matched) {
  for (const ConditionVerdict& v : verdicts) {
    if (v.matched != matched) continue;
    const std::string what = matched ? "" : " does not hold";
    return v.detail.empty() ? v.condition + what : v.condition + what + ": " + v.detail;
  }
  return "";
}

std::string PolicyText(const Policy& p) { return "policy " + p.name + " (" + p.id + ")"; }
std::string RuleText(const Rule& r) { return "rule " + r.name + " (" + r.id + ")"; }

// What the sentence must be, read off the reference evaluator's Trace (which
// lists every policy up to the one that decided, and that policy's rules up
// to the winner). `category` names the case, to count coverage.
std::string FromTrace(const Snapshot& snapshot, PolicyType type, const Trace& trace,
                      const Decision& decision, const std::string& policy_id,
                      const std::string& rule_id, std::string* category) {
  const Policy* recorded = nullptr;
  for (const Policy* p : snapshot.PoliciesOfType(type)) {
    bool holds_rule = false;
    for (const Rule& r : p->rules) holds_rule |= !rule_id.empty() && r.id == rule_id;
    if (!policy_id.empty() ? p->id == policy_id : holds_rule) {
      recorded = p;
      break;
    }
  }
  if (recorded == nullptr) return *category = "unknown", "";
  if (trace.policies.empty()) {
    *category = "not walked";
    if (decision.blocked) {
      return "not reached: zone " + decision.blocking_zone->name + " (" +
             decision.blocking_zone->id + ") blocks the client first";
    }
    return "not reached: no " + std::string(PolicyTypeName(type)) +
           " policy is evaluated for this context";
  }
  const PolicyTrace* pt = nullptr;
  for (const PolicyTrace& p : trace.policies) {
    if (p.policy == recorded) pt = &p;
  }
  auto rule_of = [&](const PolicyTrace& p) -> const RuleTrace* {
    for (const RuleTrace& r : p.rules) {
      if (r.rule->id == rule_id) return &r;
    }
    return nullptr;
  };
  auto has_rule = [&] {
    for (const Rule& r : recorded->rules) {
      if (r.id == rule_id) return true;
    }
    return false;
  };
  auto failed_rule = [&](const RuleTrace& rt) {
    if (!rt.evaluated) return RuleText(*rt.rule) + ": rule is INACTIVE";
    const std::string why = VerdictText(rt.conditions, false);
    return RuleText(*rt.rule) + ": " + (why.empty() ? "does not match" : why);
  };
  if (pt == nullptr) {
    *category = "after the deciding policy";
    const PolicyTrace& winner = trace.policies.back();
    const std::string held = VerdictText(winner.conditions, true);
    return "not reached: " + PolicyText(*winner.policy) + " comes first and applies here" +
           (held.empty() ? "" : " (" + held + ")");
  }
  if (pt->policy != decision.policy) {
    if (!pt->evaluated)
      return *category = "policy " + pt->note, PolicyText(*recorded) + ": " + pt->note;
    if (!pt->applies) {
      *category = "policy does not apply";
      const std::string why = VerdictText(pt->conditions, false);
      return PolicyText(*recorded) + ": " + (why.empty() ? "does not apply" : why);
    }
    if (rule_id.empty()) {
      return *category = "policy without rule id",
             PolicyText(*recorded) + ": applies, but none of its rules matches";
    }
    if (!has_rule())
      return *category = "no such rule",
             PolicyText(*recorded) + ": has no rule " + rule_id + " in this snapshot";
    *category = "rule of a policy that fell through";
    return failed_rule(*rule_of(*pt));
  }
  if (rule_id.empty()) return *category = "deciding policy", PolicyText(*recorded) + ": applies";
  if (!has_rule())
    return *category = "no such rule",
           PolicyText(*recorded) + ": has no rule " + rule_id + " in this snapshot";
  if (decision.rule->id == rule_id) {
    return *category = "the winner", RuleText(*decision.rule) + ": every condition holds";
  }
  if (const RuleTrace* rt = rule_of(*pt); rt != nullptr) {
    *category = "rule before the winner";
    return failed_rule(*rt);
  }
  *category = "rule after the winner";
  return "not reached: " + RuleText(*decision.rule) +
         " comes first in this policy and matches here";
}

TEST(FirstConditionThatDiffers, SaysWhatTheReferenceTraceSaysOnRandomOrgs) {
  std::map<std::string, int64_t> categories;
  int64_t compared = 0;
  for (int64_t org = 0; org < 12; ++org) {
    synth::OrgOptions options = synth::DifferentialOrgOptions(/*seed=*/11, org);
    if (org % 3 == 2) options.rare_condition_percent = 50;
    auto set = Compile(synth::GenerateOrg(options));
    ASSERT_TRUE(set.ok()) << set.status();
    const Snapshot& snapshot = (*set)->snapshot();
    const ReferenceEvaluator reference(*set);
    std::mt19937_64 rng(700 + org);
    std::vector<SignOnContext> contexts = synth::GenerateContexts(snapshot, 120, 40 + org);
    for (size_t i = 0; i < contexts.size(); i += 5)
      synth::ToZoneForm(snapshot, org + i, &contexts[i]);
    for (const SignOnContext& ctx : contexts) {
      for (PolicyType type : snapshot.Types()) {
        const std::vector<const Policy*>& policies = snapshot.PoliciesOfType(type);
        Trace trace;
        const Decision decision = reference.Evaluate(ctx, type, &trace);
        for (int pick = 0; pick < 3; ++pick) {
          const Policy& p = *policies[rng() % policies.size()];
          std::string policy_id = p.id;
          std::string rule_id = p.rules.empty() ? "" : p.rules[rng() % p.rules.size()].id;
          switch (rng() % 8) {
            case 0:
              policy_id.clear();
              break;  // only the rule is known
            case 1:
              rule_id.clear();
              break;  // only the policy is known
            case 2:
              rule_id = "0prNotInTheSnapshot";
              break;
            default:
              break;
          }
          std::string category;
          const std::string want =
              FromTrace(snapshot, type, trace, decision, policy_id, rule_id, &category);
          const std::string got =
              FirstConditionThatDiffers(**set, reference, ctx, type, policy_id, rule_id);
          ASSERT_EQ(got, want) << PolicyTypeName(type) << ", policy " << policy_id << ", rule "
                               << rule_id << "\n"
                               << synth::ContextToJson(ctx);
          ++categories[category];
          ++compared;
        }
      }
    }
  }
  std::string seen;
  for (const auto& [category, count] : categories)
    seen += category + ": " + std::to_string(count) + "\n";
  std::cout << compared << " sentences compared\n" << seen;
  // Each case must have been met, or the comparison proves little.
  for (const char* category :
       {"not walked", "after the deciding policy", "policy does not apply",
        "rule of a policy that fell through", "rule before the winner", "rule after the winner",
        "the winner", "no such rule", "deciding policy", "policy without rule id"}) {
    EXPECT_GT(categories[category], 0) << category << "\n" << seen;
  }
}

}  // namespace
}  // namespace verdict::cli
