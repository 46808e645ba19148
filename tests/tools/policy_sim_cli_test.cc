// Runs the built policy-sim binary as a subprocess for the replay, diff,
// test, explain and contexts commands: exit statuses, grouping, totals and
// JUnit output, over fixtures/org, fixtures/org-after, fixtures/suite.json
// and fixtures/logs.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"
#include "verdict/c_api.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Json = nlohmann::json;

using verdict_test::Describe;
using verdict_test::Lines;
using verdict_test::ReadFile;
using verdict_test::RunPolicySim;
using verdict_test::RunResult;
using verdict_test::TempDir;
using verdict_test::WriteFile;

const fs::path kSource = VERDICT_SOURCE_DIR;
const std::string kOrg = (kSource / "fixtures/org").string();
const std::string kOrgAfter = (kSource / "fixtures/org-after").string();

// Contexts of three suite cases: case-001 (quarantine DENY, unchanged),
// case-002 (Sales catch-all CHALLENGE -> ALLOW in org-after) and case-004
// (Default Rule ALLOW -> CHALLENGE in org-after).
std::string SuiteContexts(const std::vector<std::string>& ids) {
  const Json suite = Json::parse(ReadFile(kSource / "fixtures/suite.json"));
  std::string out;
  for (const std::string& id : ids) {
    for (const Json& c : suite["cases"]) {
      if (c["context"]["id"] == id) {
        Json context = c["context"];
        context["policyTypes"] = {"OKTA_SIGN_ON"};
        out += context.dump() + "\n";
        break;
      }
    }
  }
  return out;
}

int CountOf(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

TEST(PolicySimDiff, GroupsChangesAndExitsOneWhenSomethingChanges) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001", "case-002", "case-004"}));
  RunResult r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts", contexts.string()},
      tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out,
              HasSubstr("2 of 3 decisions change: 1 more permissive, 1 less permissive, 0 other"))
      << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Sales catch-all (0prSalesCatchAll00g7) / CHALLENGE"));
  EXPECT_THAT(r.out, HasSubstr("Sales catch-all (0prSalesCatchAll00g7) / ALLOW"));
  EXPECT_THAT(r.out, HasSubstr("e.g.    case-002"));
  EXPECT_THAT(r.out, HasSubstr("e.g.    case-004"));
  EXPECT_THAT(r.out, Not(HasSubstr("case-001")));
  EXPECT_THAT(r.out, HasSubstr("read 3: 3 evaluated, 0 skipped"));
}

TEST(PolicySimDiff, JsonListsEveryChangedContextById) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001", "case-002", "case-004"}));
  RunResult r = RunPolicySim({"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts",
                              contexts.string(), "--output", "json"},
                             tmp.path());
  ASSERT_EQ(r.exit_code, 1) << Describe(r);
  const Json out = Json::parse(r.out);
  std::map<std::string, std::string> direction;
  for (const Json& c : out["changes"]) direction[c["id"]] = c["direction"];
  EXPECT_EQ(direction, (std::map<std::string, std::string>{{"case-002", "more permissive"},
                                                           {"case-004", "less permissive"}}));
  EXPECT_EQ(out["summary"]["changed"], 2);
  EXPECT_EQ(out["summary"]["decisions"], 3);
  ASSERT_EQ(out["groups"].size(), 2u);
  EXPECT_EQ(out["groups"][0]["before"]["rule"], "0prSalesCatchAll00g7");
  EXPECT_EQ(out["groups"][0]["before"]["outcome"], "CHALLENGE");
  EXPECT_EQ(out["groups"][0]["after"]["outcome"], "ALLOW");
  EXPECT_EQ(out["groups"][0]["count"], 1);
  EXPECT_EQ(out["groups"][1]["before"]["rule"], "0prDefaultRule0000g7");
}

TEST(PolicySimDiff, GroupsCountEveryContextOfTheSameChange) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  // The same Default Rule context four times under different ids.
  std::string text;
  const Json base = Json::parse(SuiteContexts({"case-004"}));
  for (int i = 0; i < 4; ++i) {
    Json c = base;
    c["id"] = "ctx-" + std::to_string(i);
    text += c.dump() + "\n";
  }
  WriteFile(contexts, text);
  RunResult r = RunPolicySim({"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts",
                              contexts.string(), "--examples", "2"},
                             tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("4 x OKTA_SIGN_ON (less permissive)"));
  EXPECT_THAT(r.out, HasSubstr("e.g.    ctx-0, ctx-1, ..."));
  EXPECT_THAT(r.out, HasSubstr("4 of 4 decisions change: 0 more permissive, 4 less permissive"));
}

TEST(PolicySimDiff, ExitsZeroWhenNothingChanges) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001", "case-002", "case-004"}));
  RunResult r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrg, "--contexts", contexts.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("0 of 3 decisions change: 0 more permissive, 0 less permissive"));
}

TEST(PolicySimDiff, MalformedLinesAreCountedReportedAndSkipped) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001"}) + "{not json\n" + SuiteContexts({"case-004"}));
  RunResult r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrg, "--contexts", contexts.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 2"));
  EXPECT_THAT(r.out, HasSubstr("read 3: 2 evaluated, 0 skipped (not sign-on events), 1 malformed"));
  // A change still wins over malformed input: the gate fails with 1.
  r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts", contexts.string()},
      tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
}

TEST(PolicySimDiff, UsageErrorsExitTwo) {
  TempDir tmp;
  EXPECT_EQ(RunPolicySim({"diff", "--before", kOrg, "--contexts", "x"}, tmp.path()).exit_code, 2);
  EXPECT_EQ(RunPolicySim({"diff", "--before", kOrg, "--after", kOrg}, tmp.path()).exit_code, 2);
  EXPECT_EQ(
      RunPolicySim({"diff", "--before", kOrg, "--after", kOrg, "--contexts", "a", "--logs", "b"},
                   tmp.path())
          .exit_code,
      2);
  EXPECT_EQ(RunPolicySim({"diff", "--before", (tmp.path() / "nope").string(), "--after", kOrg,
                          "--contexts", "a"},
                         tmp.path())
                .exit_code,
            2);
}

TEST(PolicySimDiff, AcceptsSystemLogInput) {
  TempDir tmp;
  // These events are of another org: no memberships for their users.
  RunResult r =
      RunPolicySim({"diff", "--before", kOrg, "--after", kOrg, "--logs",
                    (kSource / "fixtures/logs/signon-events.json").string(), "--assume-no-groups"},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out,
              HasSubstr("read 10: 8 evaluated, 2 skipped (not sign-on events), 0 malformed"));
  // Read instead of mapped: the same report.
  RunResult read = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrg, "--logs",
       (kSource / "fixtures/logs/signon-events.json").string(), "--no-mmap", "--assume-no-groups"},
      tmp.path());
  EXPECT_EQ(read.exit_code, 0) << Describe(read);
  EXPECT_EQ(read.out, r.out);
}

TEST(PolicySimTest, FixtureSuitePassesAndWritesJunit) {
  TempDir tmp;
  const fs::path junit = tmp.path() / "junit.xml";
  RunResult r = RunPolicySim(
      {"test", (kSource / "fixtures/suite.json").string(), "--junit", junit.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  const Json suite = Json::parse(ReadFile(kSource / "fixtures/suite.json"));
  const int n = static_cast<int>(suite["cases"].size());
  EXPECT_GE(n, 20);
  EXPECT_EQ(CountOf(r.out, "\nPASS  ") + (r.out.rfind("PASS  ", 0) == 0 ? 1 : 0), n);
  const std::string xml = ReadFile(junit);
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(xml, HasSubstr("tests=\"" + std::to_string(n) + "\" failures=\"0\" errors=\"0\""));
  EXPECT_EQ(CountOf(xml, "<testcase "), n);
  EXPECT_EQ(CountOf(xml, "<failure"), 0);
}

TEST(PolicySimTest, FailuresShowTheTraceAndExitOne) {
  TempDir tmp;
  const Json base = Json::parse(SuiteContexts({"case-002"}));
  Json suite = {
      {"snapshot", kOrg},
      {"cases",
       {{{"name", "sales <ok>"},
         {"context", base},
         {"expect", {{"rule", "0prSalesCatchAll00g7"}, {"outcome", "CHALLENGE"}}}},
        {{"name", "sales wrong & traced"},
         {"context", base},
         {"expect", {{"policyType", "OKTA_SIGN_ON"}, {"outcome", "ALLOW"}, {"blocked", false}}}},
        {{"name", "bad context"},
         {"context", {{"ip", "not an ip"}}},
         {"expect", {{"outcome", "ALLOW"}}}}}}};
  const fs::path path = tmp.path() / "suite.json";
  WriteFile(path, suite.dump());
  const fs::path junit = tmp.path() / "out" / "junit.xml";
  fs::create_directories(junit.parent_path());
  RunResult r = RunPolicySim({"test", path.string(), "--junit", junit.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("PASS  sales <ok>"));
  EXPECT_THAT(r.out,
              HasSubstr("FAIL  sales wrong & traced: outcome: expected ALLOW, got CHALLENGE"));
  // The failure carries the reference evaluator's trace.
  EXPECT_THAT(r.out, HasSubstr("policy Sales (00pSales0000000000g7"));
  EXPECT_THAT(r.out, HasSubstr("rule Sales catch-all (0prSalesCatchAll00g7"));
  EXPECT_THAT(r.out, HasSubstr("ERROR bad context"));
  EXPECT_THAT(r.out, HasSubstr("3 cases: 1 passed, 1 failed, 1 errors"));
  const std::string xml = ReadFile(junit);
  EXPECT_THAT(xml, HasSubstr("tests=\"3\" failures=\"1\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("name=\"sales &lt;ok&gt;\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"outcome: expected ALLOW, got CHALLENGE\">"));
  EXPECT_EQ(CountOf(xml, "<error "), 1);
}

TEST(PolicySimTest, UnusableSuiteExitsTwo) {
  TempDir tmp;
  const fs::path path = tmp.path() / "suite.json";
  WriteFile(path, "{\"cases\": 3}");
  EXPECT_EQ(RunPolicySim({"test", path.string(), "--snapshot", kOrg}, tmp.path()).exit_code, 2);
  WriteFile(path, "{\"cases\": []}");
  EXPECT_EQ(RunPolicySim({"test", path.string()}, tmp.path()).exit_code, 2);  // no snapshot
  EXPECT_EQ(RunPolicySim({"test", path.string(), "--snapshot", kOrg}, tmp.path()).exit_code, 0);
}

TEST(PolicySimReplay, TotalsAccountForEveryEventAndMalformedAreLocated) {
  TempDir tmp;
  RunResult r = RunPolicySim({"replay", "--snapshot", kOrg, "--logs",
                              (kSource / "fixtures/logs/signon-events.jsonl").string(), "--output",
                              "json", "--assume-no-groups"},
                             tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 3"));
  EXPECT_THAT(r.err, HasSubstr("line 6"));
  EXPECT_THAT(r.err, HasSubstr("line 8"));
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["totals"]["read"], 8);
  EXPECT_EQ(out["totals"]["evaluated"], 4);
  EXPECT_EQ(out["totals"]["skipped"], 1);
  EXPECT_EQ(out["totals"]["malformed"], 3);
  EXPECT_TRUE(out["coverage"]["neverReached"].is_array());
}

TEST(PolicySimReplay, ComparesRecordedRulesAndGroupsDisagreements) {
  TempDir tmp;
  // One recorded Classic decision against fixtures/org: Okta says the
  // Default Rule allowed, but kim is quarantined (so the org denies).
  const Json event = {
      {"uuid", "evt-1"},
      {"eventType", "policy.evaluate_sign_on"},
      {"published", "2026-11-28T12:00:00.000Z"},
      {"actor",
       {{"id", "00uKim000000000000g7"}, {"type", "User"}, {"alternateId", "kim@acme.example"}}},
      {"client", {{"ipAddress", "192.0.2.99"}}},
      {"outcome", {{"result", "ALLOW"}}},
      {"target",
       {{{"id", "00pDefaultSignOn00g7"},
         {"type", "PolicyEntity"},
         {"displayName", "Default Policy"},
         {"detailEntry", {{"policyType", "OktaSignOn"}}}},
        {{"id", "0prDefaultRule0000g7"},
         {"type", "PolicyRule"},
         {"displayName", "Default Rule"},
         {"alternateId", "00pDefaultSignOn00g7"}}}}};
  const fs::path logs = tmp.path() / "logs.jsonl";
  WriteFile(logs, event.dump() + "\n");
  const fs::path memberships = tmp.path() / "memberships.json";
  WriteFile(memberships,
            R"({"00uKim000000000000g7": ["00gEveryone0000000g7", "00gQuarantine00000g7"]})");
  RunResult r = RunPolicySim({"replay", "--snapshot", kOrg, "--logs", logs.string(),
                              "--memberships", memberships.string()},
                             tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("recorded: Default Policy (00pDefaultSignOn00g7) / rule Default "
                               "Rule (0prDefaultRule0000g7) / ALLOW"));
  EXPECT_THAT(r.out, HasSubstr("computed: Quarantined users (00pQuarantine00000g7)"));
  EXPECT_THAT(r.out, HasSubstr("e.g.      evt-1 (line 1"));
  EXPECT_THAT(r.out, HasSubstr("read 1: 1 evaluated, 0 skipped"));
  // Without the quarantine membership the same event agrees.
  WriteFile(memberships, R"({"00uKim000000000000g7": ["00gEveryone0000000g7"]})");
  r = RunPolicySim({"replay", "--snapshot", kOrg, "--logs", logs.string(), "--memberships",
                    memberships.string(), "--output", "json"},
                   tmp.path());
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["agreement"]["OKTA_SIGN_ON"]["agree"], 1) << r.out;
  EXPECT_EQ(out["agreement"]["OKTA_SIGN_ON"]["disagree"], 0);
  EXPECT_TRUE(out["disagreements"].empty());
}

TEST(PolicySimReplay, FixtureLogRecordedAgainstTheFixtureOrg) {
  TempDir tmp;
  RunResult r =
      RunPolicySim({"replay", "--snapshot", kOrg, "--logs",
                    (kSource / "fixtures/logs/org-signon.jsonl").string(), "--memberships",
                    (kSource / "fixtures/logs/org-memberships.json").string(), "--output", "json"},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);  // one truncated line, on purpose
  EXPECT_THAT(r.err, HasSubstr("line 30"));
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["totals"]["read"], 30);
  EXPECT_EQ(out["totals"]["evaluated"], 28);
  EXPECT_EQ(out["totals"]["skipped"], 1);
  EXPECT_EQ(out["totals"]["malformed"], 1);
  EXPECT_EQ(out["totals"]["withoutMemberships"], 0);
  EXPECT_EQ(out["agreement"]["OKTA_SIGN_ON"]["agree"], 25);
  EXPECT_EQ(out["agreement"]["OKTA_SIGN_ON"]["disagree"], 2);
  ASSERT_EQ(out["disagreements"].size(), 2u);
  for (const Json& g : out["disagreements"]) {
    EXPECT_EQ(g["recorded"]["rule"], "0prDefaultRule0000g7");
    EXPECT_EQ(g["count"], 1);
  }
  EXPECT_LT(out["coverage"]["reached"].get<int>(), out["coverage"]["activeRules"].get<int>());
}

TEST(PolicySimExplain, PrintsTheFullTraceAndTheWinner) {
  TempDir tmp;
  const fs::path context = tmp.path() / "context.json";
  WriteFile(context, Json::parse(SuiteContexts({"case-001"})).dump(2));  // pretty-printed
  RunResult r =
      RunPolicySim({"explain", "--snapshot", kOrg, "--context", context.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("== OKTA_SIGN_ON =="));
  EXPECT_THAT(r.out, HasSubstr("policy Quarantined users (00pQuarantine00000g7"));
  EXPECT_THAT(r.out, HasSubstr("✓ "));
  EXPECT_THAT(r.out, HasSubstr("=> winner: Quarantined users (00pQuarantine00000g7) / "));
  EXPECT_THAT(r.out, HasSubstr("/ DENY"));
  WriteFile(context, "{\"ip\": 3");
  EXPECT_EQ(RunPolicySim({"explain", "--snapshot", kOrg, "--context", context.string()}, tmp.path())
                .exit_code,
            2);
}

TEST(PolicySimContexts, WritesOneParsableContextPerSignOnEvent) {
  TempDir tmp;
  const fs::path out = tmp.path() / "contexts.jsonl";
  RunResult r =
      RunPolicySim({"contexts", "--logs", (kSource / "fixtures/logs/signon-events.json").string(),
                    "--memberships", (kSource / "fixtures/logs/memberships.json").string(), "--out",
                    out.string()},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("read 10: 8 evaluated, 2 skipped"));
  const std::vector<std::string> lines = Lines(ReadFile(out));
  ASSERT_EQ(lines.size(), 8u);
  const Json first = Json::parse(lines[0]);
  EXPECT_EQ(first["id"], "6d1f0a10-7b1c-11ef-9a01-0f4a1b2c3d01");
  EXPECT_EQ(first["user"]["groups"].size(), 2u);
  // The written contexts evaluate as they are.
  r = RunPolicySim({"eval", "--snapshot", kOrg, "--contexts", out.string(), "--output", "jsonl"},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  // Malformed events: exit 3, located on stderr.
  r = RunPolicySim({"contexts", "--logs", (kSource / "fixtures/logs/signon-events.jsonl").string()},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_EQ(Lines(r.out).size(), 4u);
  EXPECT_THAT(r.err, HasSubstr("line 6"));
}

}  // namespace

// ---------------------------------------------------------------- CI gates (issue 16)

// fixtures/org with only the Sales policy's rule changed (org-after's Sales
// edit without its Default Rule edit): a change that only users in the Sales
// group can see.
fs::path SalesOnlyChange(const fs::path& dir) {
  const fs::path after = dir / "sales-only";
  fs::copy(kOrg, after, fs::copy_options::recursive);
  fs::copy_file(kSource / "fixtures/org-after/rules/00pSales0000000000g7.json",
                after / "rules/00pSales0000000000g7.json", fs::copy_options::overwrite_existing);
  return after;
}

TEST(PolicySimDiff, LogsWithoutMembershipsCannotPassAGroupBasedChange) {
  TempDir tmp;
  const fs::path after = SalesOnlyChange(tmp.path());
  const std::string logs = (kSource / "fixtures/logs/org-signon.jsonl").string();
  const std::vector<std::string> base = {"diff",    "--before",          kOrg,
                                         "--after", after.string(),      "--logs",
                                         logs,      "--allow-malformed", "1"};
  // Log events carry no memberships: every user looks group-less, and the
  // Sales change is invisible. That must not read as "no change".
  RunResult r = RunPolicySim(base, tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("have no group memberships"));
  EXPECT_THAT(r.err, HasSubstr("/conditions/people/groups"));
  EXPECT_THAT(r.err, HasSubstr("--memberships"));
  EXPECT_THAT(r.err, HasSubstr("--assume-no-groups"));
  // Opting in: the group-less reading, which sees no change.
  std::vector<std::string> assume = base;
  assume.push_back("--assume-no-groups");
  r = RunPolicySim(assume, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("0 of "));
  // With the memberships the change shows, and the gate fails.
  std::vector<std::string> with = base;
  with.insert(with.end(),
              {"--memberships", (kSource / "fixtures/logs/org-memberships.json").string()});
  r = RunPolicySim(with, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("more permissive"));
  // Each group says which condition moved the decision.
  EXPECT_THAT(r.out, HasSubstr("    why:    the same rule Sales catch-all (0prSalesCatchAll00g7) "
                               "decides; its actions changed"));
}

TEST(PolicySimDiff, ContextsListTheirGroupsSoNeedNoMemberships) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001"}));
  RunResult r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts", contexts.string()},
      tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
}

TEST(PolicySimDiff, AllowMalformedKeepsTheExitStatusUpToN) {
  TempDir tmp;
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001"}) + "{not json\n" + "{\"ip\": 7}\n");
  std::vector<std::string> args = {"diff",       "--before",       kOrg, "--after", kOrg,
                                   "--contexts", contexts.string()};
  EXPECT_EQ(RunPolicySim(args, tmp.path()).exit_code, 3);
  args.insert(args.end(), {"--allow-malformed", "1"});
  EXPECT_EQ(RunPolicySim(args, tmp.path()).exit_code, 3);
  args.back() = "2";
  EXPECT_EQ(RunPolicySim(args, tmp.path()).exit_code, 0);
}

TEST(PolicySimReplay, LogsWithoutMembershipsExitTwoUnlessAssumed) {
  TempDir tmp;
  const std::vector<std::string> base = {"replay",
                                         "--snapshot",
                                         kOrg,
                                         "--logs",
                                         (kSource / "fixtures/logs/org-signon.jsonl").string(),
                                         "--allow-malformed",
                                         "1"};
  RunResult r = RunPolicySim(base, tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("have no group memberships"));
  std::vector<std::string> assume = base;
  assume.push_back("--assume-no-groups");
  r = RunPolicySim(assume, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
}

TEST(PolicySimReplay, AllowMalformedOverallAgreementAndFirstDifference) {
  TempDir tmp;
  std::vector<std::string> args = {"replay",
                                   "--snapshot",
                                   kOrg,
                                   "--logs",
                                   (kSource / "fixtures/logs/org-signon.jsonl").string(),
                                   "--memberships",
                                   (kSource / "fixtures/logs/org-memberships.json").string()};
  // One truncated line on purpose: exit 3 without the allowance.
  RunResult r = RunPolicySim(args, tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Overall agreement: 92.6% (25 of 27 compared decisions)"));
  // Each disagreement group names what differs: Okta's Default Policy was
  // not reached, because a policy before it applies (by the user's groups).
  EXPECT_THAT(r.out, HasSubstr("    differs:  not reached: policy Quarantined users "
                               "(00pQuarantine00000g7) comes first and applies here "
                               "(people.groups.include"));
  EXPECT_THAT(r.out, HasSubstr("    differs:  not reached: policy Sales (00pSales0000000000g7)"));
  args.insert(args.end(), {"--allow-malformed", "1", "--min-agreement", "90"});
  r = RunPolicySim(args, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  args.insert(args.end(), {"--output", "json"});
  r = RunPolicySim(args, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["overall"]["compared"], 27);
  EXPECT_EQ(out["overall"]["agree"], 25);
  for (const Json& g : out["disagreements"]) {
    EXPECT_THAT(g["firstDifference"].get<std::string>(), HasSubstr("not reached: policy ")) << g;
  }
}

TEST(PolicySimContexts, AFailedRunLeavesTheOutputFileAsItWas) {
  TempDir tmp;
  const fs::path out = tmp.path() / "contexts.jsonl";
  WriteFile(out, "previous content\n");
  // The log cannot be read: the previous file stays, and no temporary is left.
  RunResult r = RunPolicySim(
      {"contexts", "--logs", (tmp.path() / "missing.jsonl").string(), "--out", out.string()},
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_EQ(ReadFile(out), "previous content\n");
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp-"))) << "left behind";
  }
  // A run that succeeds replaces it.
  r = RunPolicySim({"contexts", "--logs", (kSource / "fixtures/logs/signon-events.json").string(),
                    "--out", out.string()},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(ReadFile(out), Not(HasSubstr("previous content")));
  EXPECT_EQ(Lines(ReadFile(out)).size(), 8u);
}

TEST(PolicySim, VersionIsTheLibrarysVersion) {
  TempDir tmp;
  RunResult r = RunPolicySim({"--version"}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, std::string("policy-sim ") + verdict_version() + "\n");
  // "policy-sim MAJOR.MINOR.PATCH\n" (no std::regex: GCC 12's -O1
  // -Wmaybe-uninitialized fires inside <regex> in the sanitizer build).
  std::vector<std::string> parts =
      absl::StrSplit(absl::StripPrefix(absl::StripSuffix(r.out, "\n"), "policy-sim "), '.');
  ASSERT_EQ(parts.size(), 3u) << r.out;
  for (const std::string& part : parts) {
    EXPECT_FALSE(part.empty());
    EXPECT_TRUE(std::all_of(part.begin(), part.end(), ::isdigit)) << r.out;
  }
}

// fixtures/org without its one warning (two policies share priority 12, on
// purpose): the same order, priorities made distinct, so --strict accepts it.
fs::path OrgWithoutWarnings(const fs::path& dir) {
  const fs::path org = dir / "org-strict";
  fs::copy(kOrg, org, fs::copy_options::recursive);
  Json policies = Json::parse(ReadFile(org / "policies/OKTA_SIGN_ON.json"));
  for (Json& p : policies) {
    if (p["id"] == "00pRemoteA00000000g7") p["priority"] = 12;
    if (p["id"] == "00pRemoteB00000000g7") p["priority"] = 13;
    if (p["id"] == "00pDefaultSignOn00g7") p["priority"] = 14;
  }
  WriteFile(org / "policies/OKTA_SIGN_ON.json", policies.dump(2));
  return org;
}

TEST(PolicySimStrict, ContextTyposWarnAndStrictMakesThemUnusable) {
  TempDir tmp;
  const std::string kOrg = OrgWithoutWarnings(tmp.path()).string();
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  // "ipaddress" leaves the context without an IP; "Quarantine" is a group's
  // name, not its id.
  WriteFile(
      contexts,
      R"({"id": "typo", "ipaddress": "192.0.2.99", "user": {"id": "00uKim000000000000g7", "groups": ["Quarantine"]}})"
      "\n");
  std::vector<std::string> args = {"eval",    "--snapshot",  kOrg, "--contexts", contexts.string(),
                                   "--types", "OKTA_SIGN_ON"};
  RunResult r = RunPolicySim(args, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 1: /ipaddress: unknown field \"ipaddress\": ignored (did "
                               "you mean \"ip\"?)"));
  EXPECT_THAT(r.err, HasSubstr("/user/groups/0: \"Quarantine\" is the name of group"));
  args.push_back("--strict");
  r = RunPolicySim(args, tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.out + r.err, HasSubstr("[--strict]"));
  // The same for diff (checked against --after) and explain.
  r = RunPolicySim(
      {"diff", "--before", kOrg, "--after", kOrg, "--contexts", contexts.string(), "--strict"},
      tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  r = RunPolicySim({"explain", "--snapshot", kOrg, "--context", contexts.string(), "--strict"},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
}

TEST(PolicySimStrict, ASnapshotWarningFailsTheGate) {
  TempDir tmp;
  // A proposed snapshot whose rule names a zone that does not exist.
  const std::string kOrg = OrgWithoutWarnings(tmp.path()).string();
  const fs::path after = tmp.path() / "after";
  fs::copy(kOrg, after, fs::copy_options::recursive);
  std::string rules = ReadFile(after / "rules/00pAdmins000000000g7.json");
  const size_t at = rules.find("\"nzo");
  ASSERT_NE(at, std::string::npos);
  rules.replace(at + 1, 3, "nzX");
  WriteFile(after / "rules/00pAdmins000000000g7.json", rules);
  const fs::path contexts = tmp.path() / "contexts.jsonl";
  WriteFile(contexts, SuiteContexts({"case-001"}));
  std::vector<std::string> args = {"diff",       "--before",       kOrg, "--after", after.string(),
                                   "--contexts", contexts.string()};
  RunResult r = RunPolicySim(args, tmp.path());
  EXPECT_NE(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("warning: --after: rules/00pAdmins000000000g7.json"));
  args.push_back("--strict");
  r = RunPolicySim(args, tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("error: --after: rules/00pAdmins000000000g7.json"));
}

// `diff --output json` of fixtures/org -> fixtures/org-after over the fixture
// contexts (null, with a test failure, when it does not exit 1).
Json FixtureDiffJson(const fs::path& scratch) {
  RunResult r = RunPolicySim({"diff", "--before", kOrg, "--after", kOrgAfter, "--contexts",
                              (kSource / "fixtures/contexts.jsonl").string(), "--output", "json"},
                             scratch);
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  return r.exit_code == 1 ? Json::parse(r.out) : Json();
}

TEST(PolicySimDiff, SaysWhoIsAffectedAndWhy) {
  TempDir tmp;
  const Json out = FixtureDiffJson(tmp.path());
  ASSERT_FALSE(out.is_null());
  // Distinct users, counted from the changes themselves.
  std::set<std::string> users;
  std::map<std::string, std::set<std::string>> by_direction;
  for (const Json& c : out["changes"]) {
    ASSERT_TRUE(c.contains("user") && c.contains("ip") && c.contains("time")) << c;
    if (c["user"].is_string()) {
      users.insert(c["user"].get<std::string>());
      by_direction[c["direction"].get<std::string>()].insert(c["user"].get<std::string>());
    }
  }
  ASSERT_FALSE(users.empty());
  const Json& affected = out["summary"]["usersAffected"];
  EXPECT_EQ(affected["total"], users.size());
  EXPECT_EQ(affected["morePermissive"], by_direction["more permissive"].size());
  EXPECT_EQ(affected["lessPermissive"], by_direction["less permissive"].size());
  uint64_t in_groups = 0;
  for (const Json& g : out["groups"]) {
    EXPECT_LE(g["usersAffected"].get<uint64_t>(), g["count"].get<uint64_t>());
    in_groups += g["usersAffected"].get<uint64_t>();
    EXPECT_FALSE(g["firstDifference"].get<std::string>().empty()) << g;
  }
  EXPECT_GE(in_groups, users.size());
  // The policy org-after deactivates: the why names it.
  EXPECT_THAT(out.dump(),
              HasSubstr("policy Contractors (00pPwContractors00g7): policy is INACTIVE"));
}

TEST(PolicySimTest, ACaseMustCheckSomething) {
  TempDir tmp;
  const Json context = Json::parse(SuiteContexts({"case-002"}));
  for (const Json& expect : {Json::object(), Json::array(), Json{{"policyType", "OKTA_SIGN_ON"}}}) {
    const Json suite = {{"snapshot", kOrg},
                        {"cases", {{{"name", "empty"}, {"context", context}, {"expect", expect}}}}};
    WriteFile(tmp.path() / "suite.json", suite.dump());
    RunResult r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
    EXPECT_EQ(r.exit_code, 1) << expect << "\n" << Describe(r);
    EXPECT_THAT(r.out, HasSubstr("ERROR empty: ")) << expect;
  }
  // No "expect" at all: the same.
  const Json suite = {{"snapshot", kOrg}, {"cases", {{{"name", "none"}, {"context", context}}}}};
  WriteFile(tmp.path() / "suite.json", suite.dump());
  RunResult r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("\"expect\" is required"));
}

TEST(PolicySimTest, ExpectationsByNameAndForSeveralTypes) {
  TempDir tmp;
  Json context = Json::parse(SuiteContexts({"case-002"}));
  context.erase("policyTypes");
  // The decisions, from eval, so the suite states what the engine answers.
  WriteFile(tmp.path() / "c.jsonl", context.dump() + "\n");
  RunResult e = RunPolicySim({"eval", "--snapshot", kOrg, "--contexts",
                              (tmp.path() / "c.jsonl").string(), "--output", "jsonl"},
                             tmp.path());
  ASSERT_EQ(e.exit_code, 0) << Describe(e);
  Json expect = Json::array();
  for (const std::string& line : Lines(e.out)) {
    const Json d = Json::parse(line);
    if (d["policyType"] != "OKTA_SIGN_ON" && d["policyType"] != "PASSWORD") continue;
    ASSERT_TRUE(d["policy"].is_object()) << d;
    // By name for sign-on, by id for password.
    expect.push_back(
        {{"policyType", d["policyType"]},
         {"policy", d["policyType"] == "OKTA_SIGN_ON" ? d["policy"]["name"] : d["policy"]["id"]}});
  }
  ASSERT_EQ(expect.size(), 2u);
  Json suite = {{"snapshot", kOrg},
                {"cases", {{{"name", "two types"}, {"context", context}, {"expect", expect}}}}};
  WriteFile(tmp.path() / "suite.json", suite.dump());
  RunResult r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  // A wrong name in the second expectation fails, naming its type.
  suite["cases"][0]["expect"][1]["policy"] = "No such policy";
  WriteFile(tmp.path() / "suite.json", suite.dump());
  r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("PASSWORD: policy: expected No such policy, got "));
  // The same type twice is a malformed case.
  suite["cases"][0]["expect"][1] = suite["cases"][0]["expect"][0];
  WriteFile(tmp.path() / "suite.json", suite.dump());
  r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
  EXPECT_THAT(r.out, HasSubstr("is expected twice"));
}

TEST(PolicySimTest, RecordFromLogsTakesOktasDecisions) {
  TempDir tmp;
  RunResult r =
      RunPolicySim({"test", "--record", "--logs",
                    (kSource / "fixtures/logs/org-signon.jsonl").string(), "--snapshot", kOrg,
                    "--memberships", (kSource / "fixtures/logs/org-memberships.json").string()},
                   tmp.path());
  EXPECT_EQ(r.exit_code, 3) << Describe(r);  // one truncated line, on purpose
  const Json suite = Json::parse(r.out);
  // Every case expects what Okta recorded: replay's agreement says 25 of 27
  // agree, so running the recorded suite fails exactly the 2 disagreements.
  ASSERT_EQ(suite["cases"].size(), 27u);
  WriteFile(tmp.path() / "suite.json", r.out);
  r = RunPolicySim({"test", (tmp.path() / "suite.json").string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("27 cases: 25 passed, 2 failed, 0 errors"));
}

TEST(PolicySimDiff, ConfigurationChangesLinkedToTheDecisionsTheyMoved) {
  TempDir tmp;
  const Json out = FixtureDiffJson(tmp.path());
  ASSERT_FALSE(out.is_null());
  // org-after's three edits (fixtures/README.md), down to the value.
  std::map<std::string, Json> by_id;
  for (const Json& c : out["configChanges"]) by_id[c["id"].get<std::string>()] = c;
  ASSERT_EQ(by_id.size(), 3u) << out["configChanges"];
  const Json& sales = by_id["0prSalesCatchAll00g7"];
  EXPECT_EQ(sales["change"], "changed");
  EXPECT_EQ(sales["file"], "rules/00pSales0000000000g7.json");
  ASSERT_EQ(sales["values"].size(), 1u);
  EXPECT_THAT(sales["values"][0]["pointer"].get<std::string>(),
              testing::EndsWith("/actions/signon/requireFactor"));
  EXPECT_EQ(sales["values"][0]["before"], "true");
  EXPECT_EQ(sales["values"][0]["after"], "false");
  EXPECT_EQ(by_id["00pPwContractors00g7"]["values"][0]["after"], "\"INACTIVE\"");
  // Decisions moved: the changed decisions whose rule (or policy) it is,
  // counted from the change list itself.
  for (const auto& [id, change] : by_id) {
    uint64_t moved = 0;
    for (const Json& c : out["changes"]) {
      bool involved = false;
      for (const char* side : {"before", "after"}) {
        involved = involved || c[side]["rule"] == id || c[side]["policy"] == id;
      }
      moved += involved ? 1 : 0;
    }
    EXPECT_EQ(change["decisionsMoved"], moved) << id;
    EXPECT_GT(moved, 0u) << id;
  }
}

// GitHub-flavoured Markdown: every table row has its header's column count
// (unescaped '|'), <details> is closed, and names from the snapshot cannot
// break out of a cell or inject HTML.
TEST(PolicySimDiff, MarkdownIsAPullRequestComment) {
  TempDir tmp;
  const fs::path after = tmp.path() / "after";
  fs::copy(kOrgAfter, after, fs::copy_options::recursive);
  std::string rules = ReadFile(after / "rules/00pSales0000000000g7.json");
  const std::string name = "\"Sales catch-all\"";
  ASSERT_NE(rules.find(name), std::string::npos);
  rules.replace(rules.find(name), name.size(), "\"Sales | <script>x</script> *all*\"");
  WriteFile(after / "rules/00pSales0000000000g7.json", rules);
  RunResult r =
      RunPolicySim({"diff", "--before", kOrg, "--after", after.string(), "--contexts",
                    (kSource / "fixtures/contexts.jsonl").string(), "--output", "markdown"},
                   tmp.path());
  ASSERT_EQ(r.exit_code, 1) << Describe(r);
  // The heading's counts are the JSON summary's (a renamed rule moves nothing).
  const Json summary = FixtureDiffJson(tmp.path())["summary"];
  EXPECT_THAT(r.out, testing::StartsWith(absl::StrCat(
                         "## Policy change: ", summary["changed"].get<uint64_t>(), " of ",
                         summary["decisions"].get<uint64_t>(), " decisions change\n")));
  EXPECT_THAT(r.out, Not(HasSubstr("<script>")));
  EXPECT_THAT(r.out, HasSubstr("Sales \\| \\<script\\>x\\</script\\> \\*all\\*"));
  auto cells = [](const std::string& line) {
    int pipes = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
    }
    return pipes;
  };
  int header = -1;
  int tables = 0;
  for (const std::string& line : Lines(r.out)) {
    if (line.empty() || line[0] != '|') {
      header = -1;
      continue;
    }
    if (header < 0) {
      header = cells(line);
      ++tables;
    }
    EXPECT_EQ(cells(line), header) << line;
  }
  EXPECT_EQ(tables, 3);
  EXPECT_EQ(CountOf(r.out, "<details>"), 1);
  EXPECT_EQ(CountOf(r.out, "</details>"), 1);
  EXPECT_EQ(CountOf(r.out, "<summary>"), CountOf(r.out, "</summary>"));
}
