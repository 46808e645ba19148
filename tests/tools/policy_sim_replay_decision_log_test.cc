// `policy-sim replay --decision-log`: serve's decision log (the context plus
// the decisions served, docs/serve.md) replayed against a snapshot with
// replay's report. The log is written here as serve writes it, its served
// decisions made by the engine on fixtures/org; the expected agreement comes
// from the engine on the replayed snapshot, not from constants.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
namespace vt = verdict_test;

const std::string kOrg = VERDICT_SOURCE_DIR "/fixtures/org";
const std::string kOrgAfter = VERDICT_SOURCE_DIR "/fixtures/org-after";

std::shared_ptr<const CompiledPolicySet> Load(const std::string& dir) {
  IssueList issues;
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = LoadAndCompile(dir, &issues);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

// The fixture contexts that parse (the file holds malformed lines on
// purpose).
std::vector<SignOnContext> FixtureContexts() {
  std::vector<SignOnContext> out;
  for (const std::string& line :
       vt::Lines(vt::ReadFile(VERDICT_SOURCE_DIR "/fixtures/contexts.jsonl"))) {
    if (line.empty()) continue;
    absl::StatusOr<SignOnContext> c = ParseContext(line);
    if (c.ok()) out.push_back(*std::move(c));
  }
  return out;
}

// One line as `serve --decision-log` writes it (serve.cc, Compare): the
// context's §2 JSON with a verdictLog key.
std::string LogLine(const SignOnContext& context, const CompiledPolicySet& served) {
  Json decisions = Json::array();
  const std::vector<PolicyType> snapshot_types = served.snapshot().Types();  // viewed below
  for (PolicyType type : TypesToEvaluate(context, snapshot_types)) {
    decisions.push_back({{"policyType", std::string(PolicyTypeName(type))},
                         {"served", Json::parse(DecisionToJson(served.Evaluate(context, type),
                                                               DecisionJsonForm::kSummary))}});
  }
  std::string line = WriteContextJson(context);
  line.pop_back();  // the closing brace
  const Json log = {{"at", "2026-12-07T10:00:00.000Z"},
                    {"endpoint", "evaluate"},
                    {"agreed", true},
                    {"decisions", decisions}};
  return line + (line.size() > 1 ? "," : "") + "\"verdictLog\":" + log.dump() + "}\n";
}

// What replay counts as a disagreement (docs/cli.md): the rule id when one was
// served (else the policy id), and the outcome where the type has one
// (blocked counting as DENY).
struct Expected {
  int compared = 0;
  int disagree = 0;
};

Expected Expect(const std::vector<SignOnContext>& contexts, const CompiledPolicySet& served,
                const CompiledPolicySet& replayed) {
  Expected e;
  const std::vector<PolicyType> snapshot_types = served.snapshot().Types();  // viewed below
  for (const SignOnContext& c : contexts) {
    for (PolicyType type : TypesToEvaluate(c, snapshot_types)) {
      const Decision s = served.Evaluate(c, type);
      const Decision r = replayed.Evaluate(c, type);
      const auto outcome = [](const Decision& d) -> std::optional<Outcome> {
        if (d.blocked) return Outcome::kDeny;
        if (d.outcome == Outcome::kNone) return std::nullopt;
        return d.outcome;
      };
      bool compared = false;
      bool agree = true;
      if (s.rule != nullptr) {
        compared = true;
        agree = r.rule != nullptr && r.rule->id == s.rule->id;
      } else if (s.policy != nullptr) {
        compared = true;
        agree = r.policy != nullptr && r.policy->id == s.policy->id;
      }
      if (TypeHasOutcome(type) && outcome(s).has_value()) {
        compared = true;
        agree = agree && outcome(r) == outcome(s);
      }
      if (!compared) continue;
      ++e.compared;
      if (!agree) ++e.disagree;
    }
  }
  return e;
}

class ReplayDecisionLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = Load(kOrg);
    ASSERT_NE(org_, nullptr);
    contexts_ = FixtureContexts();
    ASSERT_GT(contexts_.size(), 10u);
    std::string text;
    for (const SignOnContext& c : contexts_) text += LogLine(c, *org_);
    log_ = (tmp_.path() / "decisions.jsonl").string();
    vt::WriteFile(log_, text);
  }

  vt::RunResult Replay(const std::string& snapshot, std::vector<std::string> flags) {
    std::vector<std::string> args = {"replay", "--snapshot", snapshot, "--decision-log", log_};
    args.insert(args.end(), flags.begin(), flags.end());
    return vt::RunPolicySim(args, tmp_.path());
  }

  vt::TempDir tmp_;
  std::shared_ptr<const CompiledPolicySet> org_;
  std::vector<SignOnContext> contexts_;
  std::string log_;
};

TEST_F(ReplayDecisionLogTest, TheServedSnapshotAgreesWithItself) {
  const Expected want = Expect(contexts_, *org_, *org_);
  ASSERT_EQ(want.disagree, 0);
  const vt::RunResult r = Replay(kOrg, {"--output", "json", "--fail-on-disagreement"});
  ASSERT_EQ(r.exit_code, 0) << vt::Describe(r);
  const Json report = Json::parse(r.out);
  EXPECT_EQ(report["overall"]["compared"], want.compared);
  EXPECT_EQ(report["overall"]["disagree"], 0);
  EXPECT_EQ(report["totals"]["read"], contexts_.size());
  EXPECT_EQ(report["totals"]["evaluated"], contexts_.size());
  EXPECT_EQ(report["totals"]["malformed"], 0);
}

TEST_F(ReplayDecisionLogTest, AProposedSnapshotDisagreesWhereTheEngineSays) {
  const std::shared_ptr<const CompiledPolicySet> after = Load(kOrgAfter);
  ASSERT_NE(after, nullptr);
  const Expected want = Expect(contexts_, *org_, *after);
  ASSERT_GT(want.disagree, 0) << "fixtures/org-after should change some decisions";
  vt::RunResult r = Replay(kOrgAfter, {"--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << vt::Describe(r);  // no gate: findings
  const Json report = Json::parse(r.out);
  EXPECT_EQ(report["overall"]["compared"], want.compared);
  EXPECT_EQ(report["overall"]["disagree"], want.disagree);
  // Grouped like System Log disagreements: served (as recorded) -> computed,
  // with examples, and the group counts add up.
  int grouped = 0;
  for (const Json& g : report["disagreements"]) {
    grouped += g["count"].get<int>();
    EXPECT_FALSE(g["examples"].empty());
    EXPECT_TRUE(g["recorded"].contains("rule"));
    EXPECT_TRUE(g["computed"].contains("rule"));
    // The same rule with another outcome (its actions changed): no condition
    // to name.
    if (!g["recorded"]["rule"].is_null() && g["recorded"]["rule"] == g["computed"]["rule"]) {
      EXPECT_EQ(g["firstDifference"], "the same rule decided; only the outcome differs") << g;
    }
  }
  EXPECT_EQ(grouped, want.disagree);

  r = Replay(kOrgAfter, {"--fail-on-disagreement"});
  EXPECT_EQ(r.exit_code, 1) << vt::Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Agreement with the recorded decisions, by policy type:"));
  EXPECT_THAT(r.out, HasSubstr("Disagreements, grouped by (recorded -> computed):"));
  EXPECT_THAT(r.err, HasSubstr("compared decisions disagree (--fail-on-disagreement)"));
}

TEST_F(ReplayDecisionLogTest, ALineThatIsNotALogLineIsMalformed) {
  vt::WriteFile(log_, vt::ReadFile(log_) + "{\"id\": \"plain-context\"}\nnot json\n");
  vt::RunResult r = Replay(kOrg, {});
  EXPECT_EQ(r.exit_code, 3) << vt::Describe(r);
  EXPECT_THAT(r.err, HasSubstr("no verdictLog.decisions"));
  r = Replay(kOrg, {"--allow-malformed", "2"});
  EXPECT_EQ(r.exit_code, 0) << vt::Describe(r);
}

TEST_F(ReplayDecisionLogTest, UsageErrors) {
  vt::RunResult r = vt::RunPolicySim({"replay", "--snapshot", kOrg}, tmp_.path());
  EXPECT_EQ(r.exit_code, 2) << vt::Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--logs (or --decision-log) is required"));
  r = vt::RunPolicySim({"replay", "--snapshot", kOrg, "--logs", log_, "--decision-log", log_},
                       tmp_.path());
  EXPECT_EQ(r.exit_code, 2) << vt::Describe(r);
  EXPECT_THAT(r.err, HasSubstr("exclude each other"));
  r = vt::RunPolicySim({"replay", "--snapshot", kOrg, "--decision-log", "/nonexistent.jsonl"},
                       tmp_.path());
  EXPECT_EQ(r.exit_code, 2) << vt::Describe(r);
}

}  // namespace
}  // namespace verdict
