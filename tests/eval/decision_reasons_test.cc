// CompiledPolicySet::Evaluate with DecisionReasons (issue 20): on random orgs
// the reasons say what the reference evaluator's Trace says for the same
// items — the policies passed over and why, the winning policy's rules
// before the winner and the first condition each failed, the winner's
// conditions — and filling them allocates nothing after warm-up.
#include "verdict/decision_reasons.h"

#include <cstdint>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/alloc_counter.h"
#include "tests/support/test_orgs.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/reference_evaluator.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

constexpr ConditionKind kLastKind = ConditionKind::kAppMapping;

// The kind a Trace verdict belongs to, by its name: the kind's key itself
// ("unknown", "app.mapping", "userStatus") or the key and a dot
// ("people.groups.include"). riskDetectionTypes is the one verdict whose
// name is not its kind's key (it shares kEntityRisk with entityRisk).
std::optional<ConditionKind> KindOfVerdict(std::string_view name) {
  if (name.starts_with("riskDetectionTypes.")) return ConditionKind::kEntityRisk;
  for (int k = 0; k <= static_cast<int>(kLastKind); ++k) {
    if (name == ConditionKindName(static_cast<ConditionKind>(k))) {
      return static_cast<ConditionKind>(k);
    }
  }
  for (int k = 0; k <= static_cast<int>(kLastKind); ++k) {
    const std::string_view key = ConditionKindName(static_cast<ConditionKind>(k));
    if (name.size() > key.size() && name.starts_with(key) && name[key.size()] == '.') {
      return static_cast<ConditionKind>(k);
    }
  }
  return std::nullopt;
}

std::string KindText(std::optional<ConditionKind> kind) {
  return kind ? std::string(ConditionKindName(*kind)) : "?";
}

std::string FirstFailedText(const std::vector<ConditionVerdict>& verdicts) {
  for (const ConditionVerdict& v : verdicts) {
    if (!v.matched) return KindText(KindOfVerdict(v.condition)) + " (" + v.condition + ")";
  }
  return "none failed";
}

// The kinds of a rule's verdicts, in order, each once.
std::string WinnerKindsText(const std::vector<ConditionVerdict>& verdicts) {
  std::string out;
  std::optional<ConditionKind> last;
  for (const ConditionVerdict& v : verdicts) {
    const std::optional<ConditionKind> kind = KindOfVerdict(v.condition);
    if (kind != last) out += " " + KindText(kind);
    last = kind;
  }
  return out;
}

// Condition objects whose function records no verdict when the object sets
// nothing to check (lib/eval/conditions.cc).
bool ConditionCanBeSilent(ConditionKind kind) {
  return kind == ConditionKind::kDevice || kind == ConditionKind::kContext;
}

std::string PassOverText(const Policy& policy, std::string_view why) {
  return "policy " + policy.id + ": " + std::string(why) + "\n";
}

// The items of `trace` that DecisionReasons carries, one line each.
std::string ExpectedText(const Trace& trace, const Decision& decision) {
  std::string out;
  for (const PolicyTrace& pt : trace.policies) {
    if (pt.policy == decision.policy) {
      for (const RuleTrace& rt : pt.rules) {
        if (rt.rule == decision.rule) {
          out += "winner " + rt.rule->id + ":" + WinnerKindsText(rt.conditions) + "\n";
          break;
        }
        out += "rule " + rt.rule->id + ": " +
               (rt.evaluated ? FirstFailedText(rt.conditions) : std::string("inactive")) + "\n";
      }
      break;
    }
    if (!pt.evaluated) {
      out += PassOverText(*pt.policy, pt.policy->active ? "no active rules" : "inactive");
    } else if (!pt.applies) {
      out += PassOverText(*pt.policy, "not applicable: " + FirstFailedText(pt.conditions));
    } else {
      out += PassOverText(*pt.policy, "no rule matched");
    }
  }
  return out;
}

// The same lines from `reasons`; the verdict names in parentheses are
// copied from `trace` where the kinds agree (reasons carry no strings).
std::string ActualText(const DecisionReasons& reasons, const Trace& trace,
                       const Decision& decision) {
  // The verdict name the trace gives for the first failure of a policy or
  // rule, when its kind is `kind`, so that equal kinds print equal lines.
  auto failed = [](ConditionKind kind, const std::vector<ConditionVerdict>* verdicts) {
    std::string name = "?";
    if (verdicts != nullptr) {
      for (const ConditionVerdict& v : *verdicts) {
        if (!v.matched) {
          if (KindOfVerdict(v.condition) == kind) name = v.condition;
          break;
        }
      }
    }
    return std::string(ConditionKindName(kind)) + " (" + name + ")";
  };
  auto policy_trace = [&](const Policy* p) -> const PolicyTrace* {
    for (const PolicyTrace& pt : trace.policies) {
      if (pt.policy == p) return &pt;
    }
    return nullptr;
  };
  std::string out;
  for (const PassedOverPolicy& p : reasons.passed_over) {
    switch (p.why) {
      case PassOver::kInactive:
        out += PassOverText(*p.policy, "inactive");
        break;
      case PassOver::kNoActiveRules:
        out += PassOverText(*p.policy, "no active rules");
        break;
      case PassOver::kNotApplicable: {
        const PolicyTrace* pt = policy_trace(p.policy);
        out += PassOverText(
            *p.policy, "not applicable: " + failed(p.condition, pt ? &pt->conditions : nullptr));
        break;
      }
      case PassOver::kNoRuleMatched:
        out += PassOverText(*p.policy, "no rule matched");
        break;
    }
  }
  if (decision.rule == nullptr) return out;
  const PolicyTrace* winner_policy = policy_trace(decision.policy);
  for (const FailedRule& r : reasons.rules_before_winner) {
    const std::vector<ConditionVerdict>* verdicts = nullptr;
    if (winner_policy != nullptr) {
      for (const RuleTrace& rt : winner_policy->rules) {
        if (rt.rule == r.rule) verdicts = &rt.conditions;
      }
    }
    out += "rule " + r.rule->id + ": " + (r.inactive ? "inactive" : failed(r.condition, verdicts)) +
           "\n";
  }
  // The trace is silent on a condition object that constrains nothing (a
  // `device` or `context` object without a flag, ...): the reasons list
  // every object the winner carries, so those are left out here, and only
  // those — a kind the trace names must be in the reasons, in order.
  const std::vector<ConditionVerdict>* winner_verdicts = nullptr;
  if (winner_policy != nullptr) {
    for (const RuleTrace& rt : winner_policy->rules) {
      if (rt.rule == decision.rule) winner_verdicts = &rt.conditions;
    }
  }
  std::string kinds;
  for (int i = 0; i < reasons.winner_condition_count; ++i) {
    const ConditionKind kind = reasons.winner_conditions[i];
    bool named = false;
    if (winner_verdicts != nullptr) {
      for (const ConditionVerdict& v : *winner_verdicts)
        named |= KindOfVerdict(v.condition) == kind;
    }
    if (named || !ConditionCanBeSilent(kind)) kinds += " " + std::string(ConditionKindName(kind));
  }
  out += "winner " + decision.rule->id + ":" + kinds + "\n";
  return out;
}

struct Totals {
  int64_t compared = 0;
  int64_t passed_over = 0;
  int64_t not_applicable = 0;
  int64_t failed_rules = 0;
  int64_t winners = 0;
  // The distinct kinds named as the first failure, over policies and rules.
  std::set<ConditionKind> failed_kinds;

  std::string ToText() const {
    std::string kinds;
    for (ConditionKind k : failed_kinds) kinds += " " + std::string(ConditionKindName(k));
    return "compared " + std::to_string(compared) + ", passed over " + std::to_string(passed_over) +
           " (" + std::to_string(not_applicable) + " not applicable), rules before the winner " +
           std::to_string(failed_rules) + ", winners " + std::to_string(winners) +
           ", failed kinds:" + kinds;
  }
};

void CompareOrg(const synth::OrgOptions& options, int contexts, uint64_t seed, Totals* totals) {
  auto set = Compile(synth::GenerateOrg(options));
  ASSERT_TRUE(set.ok()) << set.status();
  const ReferenceEvaluator reference(*set);
  std::vector<SignOnContext> ctxs = synth::GenerateContexts((*set)->snapshot(), contexts, seed);
  // A fifth in Okta's zones-by-id form, which takes the listed-zone paths.
  for (size_t i = 0; i < ctxs.size(); i += 5)
    synth::ToZoneForm((*set)->snapshot(), seed + i, &ctxs[i]);
  DecisionReasons reasons;
  for (const SignOnContext& ctx : ctxs) {
    for (int t = 0; t < kPolicyTypeCount; ++t) {
      const auto type = static_cast<PolicyType>(t);
      Trace trace;
      const Decision want = reference.Evaluate(ctx, type, &trace);
      const Decision got = (*set)->Evaluate(ctx, type, &reasons);
      ASSERT_EQ(got, want) << synth::ContextToJson(ctx);
      ASSERT_FALSE(reasons.truncated);
      ASSERT_EQ(ExpectedText(trace, want), ActualText(reasons, trace, got))
          << "type " << PolicyTypeName(type) << ", org seed " << options.seed << "\n"
          << synth::ContextToJson(ctx);
      if (!trace.policies.empty()) {
        ASSERT_TRUE(reasons.walked);
      }
      if (got.blocked) {
        ASSERT_FALSE(reasons.walked);
      }
      ++totals->compared;
      totals->passed_over += static_cast<int64_t>(reasons.passed_over.size());
      for (const PassedOverPolicy& p : reasons.passed_over) {
        totals->not_applicable += p.why == PassOver::kNotApplicable;
        if (p.why == PassOver::kNotApplicable) totals->failed_kinds.insert(p.condition);
      }
      for (const FailedRule& r : reasons.rules_before_winner) {
        if (!r.inactive) totals->failed_kinds.insert(r.condition);
      }
      totals->failed_rules += static_cast<int64_t>(reasons.rules_before_winner.size());
      totals->winners += got.rule != nullptr;
    }
  }
}

TEST(DecisionReasons, EqualTheReferenceTraceOnRandomOrgs) {
  Totals totals;
  for (int64_t i = 0; i < 40; ++i) {
    CompareOrg(synth::DifferentialOrgOptions(/*seed=*/5, i), 250, 100 + i, &totals);
    if (HasFatalFailure()) return;
  }
  // Every item must have been exercised, or the comparison proves nothing.
  EXPECT_GT(totals.compared, 10000);
  EXPECT_GT(totals.passed_over, 1000);
  EXPECT_GT(totals.not_applicable, 100);
  EXPECT_GT(totals.failed_rules, 1000);
  EXPECT_GT(totals.winners, 1000);
  EXPECT_TRUE(totals.failed_kinds.count(ConditionKind::kAppMapping));
  EXPECT_TRUE(totals.failed_kinds.count(ConditionKind::kNetwork));
  std::cout << totals.ToText() << "\n";
}

TEST(DecisionReasons, EqualTheReferenceTraceWithRareConditions) {
  Totals totals;
  for (int64_t i = 0; i < 6; ++i) {
    synth::OrgOptions o = synth::DifferentialOrgOptions(/*seed=*/9, i);
    o.rare_condition_percent = 60;
    CompareOrg(o, 200, 300 + i, &totals);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(totals.failed_rules, 100);
  // The rare kinds fail first too, not only the indexed ones.
  EXPECT_GE(totals.failed_kinds.size(), 12u);
  std::cout << totals.ToText() << "\n";
}

// Blocked contexts, and types the decision never walks, leave the reasons
// empty and say so.
TEST(DecisionReasons, BlockedDecisionsWalkNothing) {
  auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(7, 2)));
  ASSERT_TRUE(set.ok()) << set.status();
  DecisionReasons reasons;
  int blocked = 0;
  for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 400, 3)) {
    const Decision d = (*set)->Evaluate(ctx, PolicyType::kOktaSignOn, &reasons);
    if (!d.blocked) continue;
    ++blocked;
    EXPECT_FALSE(reasons.walked);
    EXPECT_TRUE(reasons.passed_over.empty());
    EXPECT_TRUE(reasons.rules_before_winner.empty());
    EXPECT_EQ(reasons.winner_condition_count, 0);
  }
  EXPECT_GT(blocked, 0);
}

// Beyond its capacities the buffer keeps the first items, drops the rest
// and says so — without growing.
TEST(DecisionReasons, TruncatesAtCapacityWithoutGrowing) {
  auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(7, 3)));
  ASSERT_TRUE(set.ok()) << set.status();
  DecisionReasons full;
  DecisionReasons small(/*policy_capacity=*/1, /*rule_capacity=*/1);
  int truncated = 0;
  for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 400, 5)) {
    const Decision d = (*set)->Evaluate(ctx, PolicyType::kOktaSignOn, &full);
    EXPECT_EQ((*set)->Evaluate(ctx, PolicyType::kOktaSignOn, &small), d);
    EXPECT_LE(small.passed_over.size(), 1u);
    EXPECT_LE(small.rules_before_winner.size(), 1u);
    EXPECT_EQ(small.passed_over.capacity(), 1u);
    EXPECT_EQ(small.rules_before_winner.capacity(), 1u);
    const bool over = full.passed_over.size() > 1 || full.rules_before_winner.size() > 1;
    EXPECT_EQ(small.truncated, over);
    truncated += small.truncated;
    if (!full.passed_over.empty()) {
      ASSERT_FALSE(small.passed_over.empty());
      EXPECT_EQ(small.passed_over[0].policy, full.passed_over[0].policy);
    }
  }
  EXPECT_GT(truncated, 0);
}

// Requested, the reasons cost no allocation once the buffer exists (the
// orgs' expressions are of the non-allocating kinds, as in the engine's
// own allocation test); not requested, Evaluate neither allocates nor
// touches a buffer.
TEST(DecisionReasons, FillingAllocatesNothingAfterWarmUp) {
  for (int size = 0; size < 5; ++size) {
    auto set = Compile(synth::GenerateOrg(testing::AllocationTestOrg(size)));
    ASSERT_TRUE(set.ok()) << set.status();
    const std::vector<SignOnContext> contexts =
        synth::GenerateContexts((*set)->snapshot(), 300, 11);
    DecisionReasons reasons(/*policy_capacity=*/512, /*rule_capacity=*/512);
    for (const SignOnContext& ctx : contexts) {
      for (int t = 0; t < kPolicyTypeCount; ++t) {
        (*set)->Evaluate(ctx, static_cast<PolicyType>(t), &reasons);
      }
    }
    const uint64_t before = testing::AllocationCount();
    int64_t items = 0;
    for (const SignOnContext& ctx : contexts) {
      for (int t = 0; t < kPolicyTypeCount; ++t) {
        (*set)->Evaluate(ctx, static_cast<PolicyType>(t), &reasons);
        items +=
            static_cast<int64_t>(reasons.passed_over.size() + reasons.rules_before_winner.size()) +
            reasons.winner_condition_count;
      }
    }
    EXPECT_EQ(testing::AllocationCount() - before, 0u) << "org size class " << size;
    EXPECT_GT(items, 0);
  }
}

// Not requested (a null buffer), the call is the plain Evaluate: the same
// decision, no allocation, and a buffer filled earlier stays as it was.
TEST(DecisionReasons, NotRequestedMeansNotFilled) {
  auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(7, 2)));
  ASSERT_TRUE(set.ok()) << set.status();
  const std::vector<SignOnContext> contexts = synth::GenerateContexts((*set)->snapshot(), 300, 13);
  DecisionReasons reasons;
  for (const SignOnContext& ctx : contexts) {
    (*set)->Evaluate(ctx, PolicyType::kOktaSignOn, &reasons);
    if (!reasons.passed_over.empty()) break;
  }
  ASSERT_FALSE(reasons.passed_over.empty());
  const std::vector<PassedOverPolicy> kept = reasons.passed_over;
  const uint64_t before = testing::AllocationCount();
  for (const SignOnContext& ctx : contexts) {
    for (int t = 0; t < kPolicyTypeCount; ++t) {
      const auto type = static_cast<PolicyType>(t);
      EXPECT_EQ((*set)->Evaluate(ctx, type, nullptr), (*set)->Evaluate(ctx, type));
    }
  }
  EXPECT_EQ(testing::AllocationCount() - before, 0u);
  ASSERT_EQ(reasons.passed_over.size(), kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(reasons.passed_over[i].policy, kept[i].policy);
    EXPECT_EQ(reasons.passed_over[i].why, kept[i].why);
  }
}

// AppendDecisionReasonsJson (eval --reasons) writes each item of the
// buffer, in order, as its JSON names them; once the string has the room it
// appends without allocating.
TEST(DecisionReasons, JsonWritesEveryItemInOrder) {
  auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(5, 3)));
  ASSERT_TRUE(set.ok()) << set.status();
  DecisionReasons reasons;
  std::string json;
  json.reserve(1 << 16);
  int64_t items = 0;
  for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 300, 17)) {
    for (PolicyType type : (*set)->snapshot().Types()) {
      (*set)->Evaluate(ctx, type, &reasons);
      json.clear();
      const uint64_t before = testing::AllocationCount();
      AppendDecisionReasonsJson(reasons, &json);
      ASSERT_EQ(testing::AllocationCount() - before, 0u);
      const nlohmann::json j = nlohmann::json::parse(json);
      ASSERT_EQ(j["walked"], reasons.walked);
      ASSERT_EQ(j["truncated"], reasons.truncated);
      ASSERT_EQ(j["passedOver"].size(), reasons.passed_over.size()) << json;
      for (size_t i = 0; i < reasons.passed_over.size(); ++i) {
        const PassedOverPolicy& p = reasons.passed_over[i];
        const nlohmann::json& e = j["passedOver"][i];
        ASSERT_EQ(e["policy"], p.policy->id);
        static constexpr const char* kWhy[] = {"INACTIVE", "NO_ACTIVE_RULES", "NOT_APPLICABLE",
                                               "NO_RULE_MATCHED"};
        ASSERT_EQ(e["why"], kWhy[static_cast<int>(p.why)]);
        ASSERT_EQ(e.contains("condition"), p.why == PassOver::kNotApplicable) << e;
        if (e.contains("condition")) {
          ASSERT_EQ(e["condition"], ConditionKindName(p.condition));
        }
        ++items;
      }
      ASSERT_EQ(j["rulesBeforeWinner"].size(), reasons.rules_before_winner.size()) << json;
      for (size_t i = 0; i < reasons.rules_before_winner.size(); ++i) {
        const FailedRule& r = reasons.rules_before_winner[i];
        const nlohmann::json& e = j["rulesBeforeWinner"][i];
        ASSERT_EQ(e["rule"], r.rule->id);
        ASSERT_EQ(e["why"], r.inactive ? "INACTIVE" : "CONDITION_FAILED");
        if (!r.inactive) {
          ASSERT_EQ(e["condition"], ConditionKindName(r.condition));
        }
        ++items;
      }
      ASSERT_EQ(static_cast<int>(j["winnerConditions"].size()), reasons.winner_condition_count);
      for (int i = 0; i < reasons.winner_condition_count; ++i) {
        ASSERT_EQ(j["winnerConditions"][i], ConditionKindName(reasons.winner_conditions[i]));
      }
    }
  }
  EXPECT_GT(items, 1000);
}

// ReasonsBufferFor sizes the buffer to the snapshot: on an org where the
// default capacities drop items, it drops none.
TEST(DecisionReasons, BufferForTheSnapshotNeverTruncates) {
  synth::OrgOptions options = testing::AllocationTestOrg(4);  // 400 policies
  auto set = Compile(synth::GenerateOrg(options));
  ASSERT_TRUE(set.ok()) << set.status();
  DecisionReasons small(/*policy_capacity=*/4, /*rule_capacity=*/2);
  DecisionReasons sized = ReasonsBufferFor((*set)->snapshot());
  int small_truncated = 0;
  for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 200, 23)) {
    for (PolicyType type : (*set)->snapshot().Types()) {
      (*set)->Evaluate(ctx, type, &small);
      (*set)->Evaluate(ctx, type, &sized);
      small_truncated += small.truncated;
      ASSERT_FALSE(sized.truncated) << PolicyTypeName(type);
    }
  }
  EXPECT_GT(small_truncated, 0);
}

}  // namespace
}  // namespace verdict
