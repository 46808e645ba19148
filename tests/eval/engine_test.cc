// Engine: hot reload (success swaps, failure keeps the last good set and
// returns the error), concurrent evaluation during swaps, and a snapshot
// written by the generator read back through LoadSnapshot.
#include "verdict/engine.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "tests/support/model_builder.h"
#include "verdict/expression.h"
#include "verdict/reference_evaluator.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

std::string TempDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string WriteOrg(const std::string& name, uint64_t seed) {
  synth::OrgOptions o;
  o.seed = seed;
  o.policies = 12;
  const std::string dir = TempDir(name);
  EXPECT_TRUE(synth::WriteSnapshotDir(synth::GenerateOrg(o), dir).ok());
  return dir;
}

TEST(EngineReload, SuccessSwapsInTheNewSet) {
  Engine engine;
  EXPECT_EQ(engine.current(), nullptr);
  ASSERT_TRUE(engine.Reload(WriteOrg("engine_a", 1)).ok());
  const std::shared_ptr<const CompiledPolicySet> a = engine.current();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(engine.Reload(WriteOrg("engine_b", 2)).ok());
  const std::shared_ptr<const CompiledPolicySet> b = engine.current();
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_FALSE(a->snapshot().policies.empty());  // the old set lives on while held
}

TEST(EngineReload, BrokenSnapshotKeepsTheLastGoodSetAndReturnsTheError) {
  Engine engine;
  ASSERT_TRUE(engine.Reload(WriteOrg("engine_good", 3)).ok());
  const std::shared_ptr<const CompiledPolicySet> good = engine.current();
  const std::string broken = TempDir("engine_broken");
  std::ofstream(broken + "/zones.json") << "[{\"id\": \"nzo1\", \"type\": \"IP\", ";
  IssueList issues;
  const absl::Status status = engine.Reload(broken, &issues);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("zones.json"), std::string::npos)
      << status.message();
  EXPECT_FALSE(issues.empty());
  EXPECT_EQ(engine.current(), good);
  EXPECT_FALSE(engine.Reload(TempDir("engine_missing") + "/nope").ok());
  EXPECT_EQ(engine.current(), good);
}

TEST(EngineReload, ConcurrentEvaluationDuringSwaps) {
  // Two sets with their reference answers; evaluators must always get the
  // answer of the set they hold, whatever the swapping thread does.
  struct Set {
    std::shared_ptr<const CompiledPolicySet> set;
    std::vector<Decision> want;
  };
  std::vector<Set> sets;
  std::vector<SignOnContext> contexts;
  for (uint64_t seed : {11, 12}) {
    synth::OrgOptions o;
    o.seed = seed;
    o.policies = 20;
    auto set = Compile(synth::GenerateOrg(o));
    ASSERT_TRUE(set.ok());
    if (contexts.empty()) contexts = synth::GenerateContexts((*set)->snapshot(), 200, 3);
    Set s{*set, {}};
    const ReferenceEvaluator reference((*set)->snapshot());
    for (const SignOnContext& c : contexts) {
      s.want.push_back(reference.Evaluate(c, PolicyType::kOktaSignOn));
    }
    sets.push_back(std::move(s));
  }
  Engine engine(sets[0].set);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::atomic<int64_t> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      size_t i = static_cast<size_t>(t) * 31;
      while (!stop.load()) {
        const std::shared_ptr<const CompiledPolicySet> held = engine.current();
        const size_t k = i++ % contexts.size();
        const Decision d = held->Evaluate(contexts[k], PolicyType::kOktaSignOn);
        const Set& s = held == sets[0].set ? sets[0] : sets[1];
        if (!(d == s.want[k])) wrong.fetch_add(1);
        done.fetch_add(1);
      }
    });
  }
  for (int swap = 0; swap < 2000; ++swap) engine.Swap(sets[swap % 2].set);
  while (done.load() < 20000) std::this_thread::yield();
  stop.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(EngineReload, GeneratedSnapshotLoadsAndCompiledMatchesReference) {
  synth::OrgOptions o;
  o.seed = 21;
  o.policies = 30;
  o.cidrs = 300;
  const Snapshot org = synth::GenerateOrg(o);
  const std::string dir = TempDir("engine_roundtrip");
  ASSERT_TRUE(synth::WriteSnapshotDir(org, dir).ok());
  IssueList issues;
  absl::StatusOr<Snapshot> loaded = LoadSnapshot(dir, &issues);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->policies.size(), org.policies.size());
  EXPECT_EQ(loaded->zones.size(), org.zones.size());
  auto set = Compile(*std::move(loaded));
  ASSERT_TRUE(set.ok());
  const ReferenceEvaluator reference((*set)->snapshot());
  int decided = 0;
  for (const SignOnContext& c : synth::GenerateContexts((*set)->snapshot(), 1000, 4)) {
    for (PolicyType t : (*set)->snapshot().Types()) {
      const Decision want = reference.Evaluate(c, t);
      ASSERT_EQ((*set)->Evaluate(c, t), want) << synth::ContextToJson(c);
      decided += want.rule != nullptr;
    }
  }
  EXPECT_GT(decided, 100);
}

// A rule with a malformed expression: LoadSnapshot no longer looks at
// expressions; Compile compiles each once and reports the bad one with its
// file, pointer and column; warnings_as_errors makes LoadAndCompile refuse it.
TEST(LoadAndCompile, ExpressionWarningsComeFromCompile) {
  testing::SnapshotDir dir;
  dir.WriteAll({
      {"zones.json", "[]"},
      {"policies/OKTA_SIGN_ON.json",
       R"json([{"id": "00pDefault", "type": "OKTA_SIGN_ON", "name": "Default", "priority": 1,
                "system": true, "status": "ACTIVE", "conditions": null}])json"},
      {"rules/00pDefault.json",
       R"json([{"id": "0prEl", "type": "SIGN_ON", "name": "El", "priority": 1,
                "status": "ACTIVE", "actions": {"signon": {"access": "ALLOW"}},
                "conditions": {"elCondition":
                               {"condition": "user.isMemberof({'group.id': 'x'})"}}}])json"},
  });
  IssueList load_issues;
  auto snapshot = LoadSnapshot(dir.path(), &load_issues);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE(load_issues.empty()) << load_issues.front().ToString();

  IssueList issues;
  auto set = LoadAndCompile(dir.path(), &issues);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].ToString(),
            "rules/00pDefault.json: /0/conditions/elCondition/condition: col 6: unknown "
            "function 'isMemberof'");
  EXPECT_FALSE(issues[0].is_error());

  LoadOptions strict;
  strict.warnings_as_errors = true;
  IssueList strict_issues;
  auto refused = LoadAndCompile(dir.path(), &strict_issues, strict);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message()).find("isMemberof"), std::string::npos);
  ASSERT_EQ(strict_issues.size(), 1u);
  EXPECT_TRUE(strict_issues[0].is_error());
}

// A reference evaluator made from a compiled set evaluates that set's
// snapshot (Decisions point into it) and answers as one made from the
// snapshot alone; it keeps the set alive.
TEST(ReferenceFromCompiledSet, SharesTheSetAndAnswersTheSame) {
  synth::OrgOptions o;
  o.seed = 9;
  o.policies = 20;
  const Snapshot org = synth::GenerateOrg(o);
  auto set = Compile(org);
  ASSERT_TRUE(set.ok());
  const ReferenceEvaluator from_snapshot(org);
  const ReferenceEvaluator from_set(*set);
  const Snapshot& compiled_org = (*set)->snapshot();
  set = absl::InternalError("dropped");  // only from_set holds the set now
  int decided = 0;
  for (const SignOnContext& c : synth::GenerateContexts(org, 300, 5)) {
    for (PolicyType t : org.Types()) {
      const Decision a = from_snapshot.Evaluate(c, t);
      const Decision b = from_set.Evaluate(c, t);
      ASSERT_EQ(a.rule != nullptr, b.rule != nullptr);
      if (b.rule == nullptr) continue;
      ++decided;
      EXPECT_EQ(a.rule->id, b.rule->id);
      EXPECT_EQ(b.policy, compiled_org.FindPolicy(b.policy->id));
    }
  }
  EXPECT_GT(decided, 100);
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

using ::verdict::testing::MakePolicy;
using ::verdict::testing::MakeRule;

Conditions WithExpression(const std::string& text) {
  Conditions c;
  c.el_condition = ElCondition{text};
  return c;
}

// Which conditions read group memberships: what diff and replay refuse to
// decide from log events without memberships.
TEST(GroupMembershipReaders, NamesEveryConditionThatReadsGroupsButNotEveryone) {
  Snapshot s;
  s.groups.push_back({"00gEveryone", "Everyone", "BUILT_IN"});
  Policy everyone =
      MakePolicy("00pAll", PolicyType::kOktaSignOn, 1, {"00gEveryone"}, {MakeRule("0prAll", 1)});
  everyone.file = "policies/OKTA_SIGN_ON.json";
  everyone.pointer = "/0";
  Policy sales = MakePolicy("00pSales", PolicyType::kOktaSignOn, 2, {"00gSales"},
                            {MakeRule("0prEl", 1, WithExpression("user.isMemberOfGroupName('X')")),
                             MakeRule("0prLogin", 2, WithExpression("user.login != ''"))});
  sales.file = "policies/OKTA_SIGN_ON.json";
  sales.pointer = "/1";
  sales.rules[0].file = "rules/00pSales.json";
  sales.rules[0].pointer = "/0";
  s.policies = {everyone, sales};
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = Compile(std::move(s));
  ASSERT_TRUE(set.ok()) << set.status();
  const std::vector<SnapshotLocation>& readers = (*set)->GroupMembershipReaders();
  ASSERT_EQ(readers.size(), 2u);
  EXPECT_EQ(readers[0].file, "policies/OKTA_SIGN_ON.json");
  EXPECT_EQ(readers[0].pointer, "/1/conditions/people/groups");
  EXPECT_EQ(readers[1].file, "rules/00pSales.json");
  EXPECT_EQ(readers[1].pointer, "/0/conditions/elCondition/condition");
}

TEST(GroupMembershipReaders, ExpressionsSayWhetherTheyReadGroups) {
  for (const auto& [text, reads] : std::vector<std::pair<std::string, bool>>{
           {"user.isMemberOf({'group.id': '00g1'})", true},
           {"isMemberOfGroupNameStartsWith('Eng')", true},
           {"user.getGroups({'group.profile.name': 'A'}).size() > 0", true},
           {"user.profile.department == 'Sales'", false},
           {"security.risk.level == 'HIGH'", false}}) {
    auto e = CompileExpression(text);
    ASSERT_TRUE(e.ok()) << text << ": " << e.status();
    EXPECT_EQ((*e)->ReadsGroupMemberships(), reads) << text;
  }
}

}  // namespace
}  // namespace verdict
