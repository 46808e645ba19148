// Runs the built policy-sim binary as a real subprocess: exit codes, stdout
// and stderr exactly as a user or a CI pipeline sees them
// (docs/interfaces.md §3), then the end-to-end run over fixtures/.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"

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

// A small org: an office zone, a blocklist zone, a global session policy
// with rules in rules/, and a password policy with embedded rules.
constexpr char kZones[] = R"([
  {"id": "nzoOffice", "name": "Office", "type": "IP", "status": "ACTIVE", "usage": "POLICY",
   "system": false, "gateways": [{"type": "CIDR", "value": "203.0.113.0/24"}], "proxies": null},
  {"id": "nzoBlock", "name": "Blocked", "type": "IP", "status": "ACTIVE", "usage": "BLOCKLIST",
   "system": false, "gateways": [{"type": "CIDR", "value": "192.0.2.0/24"}], "proxies": null}
])";

constexpr char kSignOnPolicies[] = R"([
  {"id": "00pSignOn", "name": "Everyone", "type": "OKTA_SIGN_ON", "status": "ACTIVE",
   "priority": 1, "system": false,
   "conditions": {"people": {"groups": {"include": ["00gEveryone"]}}}}
])";

constexpr char kSignOnRules[] = R"([
  {"id": "0prOffice", "name": "Office", "type": "SIGN_ON", "status": "ACTIVE", "priority": 1,
   "system": false,
   "conditions": {"network": {"connection": "ZONE", "include": ["nzoOffice"]}},
   "actions": {"signon": {"access": "ALLOW", "requireFactor": false}}},
  {"id": "0prAnywhere", "name": "Anywhere", "type": "SIGN_ON", "status": "ACTIVE", "priority": 2,
   "system": false, "conditions": {"network": {"connection": "ANYWHERE"}},
   "actions": {"signon": {"access": "ALLOW", "requireFactor": true,
                          "factorPromptMode": "ALWAYS"}}}
])";

constexpr char kPasswordPolicies[] = R"([
  {"id": "00pPassword", "name": "Password", "type": "PASSWORD", "status": "ACTIVE",
   "priority": 1, "system": false,
   "conditions": {"people": {"groups": {"include": ["00gEveryone"]}}},
   "_embedded": {"rules": [
     {"id": "0prPassword", "name": "Change", "type": "PASSWORD", "status": "ACTIVE",
      "priority": 1, "system": false,
      "conditions": {"network": {"connection": "ANYWHERE"}},
      "actions": {"passwordChange": {"access": "ALLOW"}}}]}}
])";

// c1: office, every type (2 lines). c2: elsewhere, sign-on only. c3: blocked.
constexpr char kContexts[] =
    R"({"id": "c1", "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ipChain": ["203.0.113.7"]})"
    "\n"
    R"({"id": "c2", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ip": "198.51.100.9"})"
    "\n"
    R"({"id": "c3", "policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00u1", "groups": ["00gEveryone"]}, "ipChain": ["192.0.2.1"]})"
    "\n";

class PolicySimEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    snapshot_ = (dir_.path() / "org").string();
    WriteFile(fs::path(snapshot_) / "zones.json", kZones);
    WriteFile(fs::path(snapshot_) / "policies/OKTA_SIGN_ON.json", kSignOnPolicies);
    WriteFile(fs::path(snapshot_) / "rules/00pSignOn.json", kSignOnRules);
    WriteFile(fs::path(snapshot_) / "policies/PASSWORD.json", kPasswordPolicies);
    contexts_ = (dir_.path() / "contexts.jsonl").string();
    WriteFile(contexts_, kContexts);
  }

  RunResult Eval(std::vector<std::string> extra, const std::string& stdin_path = "/dev/null") {
    std::vector<std::string> args = {"eval", "--snapshot", snapshot_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunPolicySim(args, dir_.path(), stdin_path);
  }

  TempDir dir_;
  std::string snapshot_;
  std::string contexts_;
};

TEST_F(PolicySimEvalTest, JsonlHasOneLinePerContextAndType) {
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.err, Not(HasSubstr("error:"))) << Describe(r);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << Describe(r);

  const Json c1_signon = Json::parse(lines[0]);
  EXPECT_EQ(c1_signon["id"], "c1");
  EXPECT_EQ(c1_signon["policyType"], "OKTA_SIGN_ON");
  EXPECT_EQ(c1_signon["blocked"], false);
  EXPECT_EQ(c1_signon["policy"]["id"], "00pSignOn");
  EXPECT_EQ(c1_signon["rule"]["id"], "0prOffice");
  EXPECT_EQ(c1_signon["outcome"], "ALLOW");

  const Json c1_password = Json::parse(lines[1]);
  EXPECT_EQ(c1_password["id"], "c1");
  EXPECT_EQ(c1_password["policyType"], "PASSWORD");
  EXPECT_EQ(c1_password["policy"]["id"], "00pPassword");
  EXPECT_EQ(c1_password["rule"]["id"], "0prPassword");
  EXPECT_FALSE(c1_password.contains("outcome")) << lines[1];

  const Json c2 = Json::parse(lines[2]);
  EXPECT_EQ(c2["id"], "c2");
  EXPECT_EQ(c2["rule"]["id"], "0prAnywhere");
  EXPECT_EQ(c2["outcome"], "CHALLENGE");

  const Json c3 = Json::parse(lines[3]);
  EXPECT_EQ(c3["id"], "c3");
  EXPECT_EQ(c3["blocked"], true);
  EXPECT_TRUE(c3["policy"].is_null());
  EXPECT_TRUE(c3["rule"].is_null());
  EXPECT_EQ(c3["outcome"], "DENY");
}

TEST_F(PolicySimEvalTest, NotATerminalDefaultsToJsonl) {
  const RunResult r = Eval({"--contexts", contexts_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const RunResult jsonl = Eval({"--contexts", contexts_, "--output=jsonl"});
  EXPECT_EQ(r.out, jsonl.out);
}

TEST_F(PolicySimEvalTest, ReadsContextsFromStdin) {
  const RunResult from_file = Eval({"--contexts", contexts_, "--output", "jsonl"});
  const RunResult from_stdin = Eval({"--contexts", "-", "--output", "jsonl"}, contexts_);
  ASSERT_EQ(from_stdin.exit_code, 0) << Describe(from_stdin);
  EXPECT_EQ(from_stdin.out, from_file.out);
}

TEST_F(PolicySimEvalTest, BadLineYieldsErrorInPlaceAndExit3) {
  WriteFile(contexts_,
            R"({"id": "first", "user": {"id": "00u1"}, "policyTypes": ["OKTA_SIGN_ON"]})"
            "\n"
            R"({"id": "bad", "user": {"id": "00u1"}, "ipChain": ["203.0.113.7", "not-an-ip"]})"
            "\n"
            "\n"
            "this is not json\n"
            R"({"id": "last", "user": {"id": "00u1"}, "policyTypes": ["OKTA_SIGN_ON"]})"
            "\n");
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << Describe(r);
  EXPECT_EQ(Json::parse(lines[0])["id"], "first");

  const Json bad = Json::parse(lines[1]);
  EXPECT_EQ(bad["line"], 2) << lines[1];
  ASSERT_TRUE(bad["error"].is_string()) << lines[1];
  EXPECT_THAT(bad["error"].get<std::string>(), HasSubstr("/ipChain/1")) << lines[1];
  EXPECT_EQ(bad.size(), 2u) << lines[1];

  const Json not_json = Json::parse(lines[2]);
  EXPECT_EQ(not_json["line"], 4) << lines[2];  // the blank line 3 still counts
  EXPECT_TRUE(not_json["error"].is_string()) << lines[2];

  EXPECT_EQ(Json::parse(lines[3])["id"], "last");
}

TEST_F(PolicySimEvalTest, BrokenSnapshotExits2NamingFileAndPointer) {
  WriteFile(fs::path(snapshot_) / "zones.json", R"([
    {"id": "nzoBad", "name": "Bad", "type": "IP", "status": "ACTIVE", "usage": "POLICY",
     "gateways": [{"type": "CIDR", "value": "10.0.0.0/99"}], "proxies": null}
  ])");
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("error: ")) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("zones.json")) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("/0/gateways/0")) << Describe(r);
}

// Expressions are compiled by Compile, not the loader: a malformed one must
// still reach the user as a warning naming the file, pointer and column, with
// either engine, and the rule never matches.
TEST_F(PolicySimEvalTest, MalformedExpressionIsAWarningFromEitherEngine) {
  WriteFile(fs::path(snapshot_) / "rules/00pSignOn.json", R"json([
    {"id": "0prEl", "name": "El", "type": "SIGN_ON", "status": "ACTIVE", "priority": 1,
     "conditions": {"elCondition": {"condition": "user.isMemberof({'group.id': 'x'})"}},
     "actions": {"signon": {"access": "DENY"}}},
    {"id": "0prAnywhere", "name": "Anywhere", "type": "SIGN_ON", "status": "ACTIVE",
     "priority": 2, "actions": {"signon": {"access": "ALLOW"}}}
  ])json");
  for (const char* engine : {"compiled", "reference"}) {
    const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl", "--types",
                              "OKTA_SIGN_ON", "--engine", engine});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_THAT(r.err, HasSubstr("warning: rules/00pSignOn.json: /0/conditions/elCondition/"
                                 "condition: col 6: unknown function 'isMemberof'"))
        << Describe(r);
    EXPECT_THAT(r.out, HasSubstr(R"("rule": {"id": "0prAnywhere")")) << Describe(r);
    EXPECT_THAT(r.out, Not(HasSubstr("0prEl"))) << Describe(r);
  }
}

TEST_F(PolicySimEvalTest, JsonOutputIsOneArrayOfTheJsonlObjects) {
  const RunResult jsonl = Eval({"--contexts", contexts_, "--output", "jsonl"});
  const RunResult r = Eval({"--contexts", contexts_, "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const Json array = Json::parse(r.out);  // throws (fails the test) if invalid
  ASSERT_TRUE(array.is_array());
  const std::vector<std::string> lines = Lines(jsonl.out);
  ASSERT_EQ(array.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(array[i], Json::parse(lines[i]));
}

TEST_F(PolicySimEvalTest, JsonOutputOfNothingIsAnEmptyArray) {
  WriteFile(contexts_, "\n");
  const RunResult r = Eval({"--contexts", contexts_, "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json::parse(r.out), Json::array());
}

TEST_F(PolicySimEvalTest, TableHasHeaderRowsAndSummary) {
  const RunResult r = Eval({"--contexts", contexts_, "--output", "table"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 6u) << r.out;
  for (const char* column : {"ID", "TYPE", "BLOCKED", "POLICY", "RULE", "OUTCOME"}) {
    EXPECT_THAT(lines[0], HasSubstr(column)) << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("Everyone (00pSignOn)"));
  EXPECT_THAT(r.out, HasSubstr("Office (0prOffice)"));
  EXPECT_THAT(r.out, HasSubstr("blocklist Blocked (nzoBlock)"));
  EXPECT_THAT(lines.back(), HasSubstr("3 contexts, 4 decisions")) << r.out;
  EXPECT_THAT(lines.back(), HasSubstr("1 ALLOW, 1 DENY, 1 CHALLENGE")) << r.out;
}

TEST_F(PolicySimEvalTest, TableShowsBadLines) {
  WriteFile(contexts_, std::string(kContexts) + R"({"id": "c4", "ipChain": ["999.1.1.1"]})"
                                                "\n");
  const RunResult r = Eval({"--contexts", contexts_, "--output", "table"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("line 4: error: "));
  EXPECT_THAT(r.out, HasSubstr("1 unusable input line"));
}

TEST_F(PolicySimEvalTest, ExplainKeepsJsonlAndWritesTraceToStderr) {
  const RunResult plain = Eval({"--contexts", contexts_, "--output", "jsonl"});
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl", "--explain"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, plain.out);
  EXPECT_THAT(r.err, HasSubstr("[c1 OKTA_SIGN_ON] ")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("0prOffice")) << r.err;
}

TEST_F(PolicySimEvalTest, ExplainInTableIsInline) {
  const RunResult r = Eval({"--contexts", contexts_, "--output", "table", "--explain"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("rule Office (0prOffice"));
  EXPECT_THAT(r.err, Not(HasSubstr("[c1 OKTA_SIGN_ON]")));
}

// --reasons adds one "reasons" member to each decision line and changes
// nothing else; the object names what the engine walked past.
TEST_F(PolicySimEvalTest, ReasonsAddOneMemberAndNothingElse) {
  const RunResult plain = Eval({"--contexts", contexts_, "--output", "jsonl"});
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl", "--reasons"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<std::string> want = Lines(plain.out);
  const std::vector<std::string> got = Lines(r.out);
  ASSERT_EQ(got.size(), want.size()) << Describe(r);
  for (size_t i = 0; i < got.size(); ++i) {
    // The reasons are the line's last member: cut, the line is the plain one.
    const size_t at = got[i].rfind(", \"reasons\": ");
    ASSERT_NE(at, std::string::npos) << got[i];
    EXPECT_EQ(got[i].substr(0, at) + "}", want[i]);
  }
  // c2 (elsewhere): the office rule was tried first and failed on the network.
  const Json c2 = Json::parse(got[2])["reasons"];
  EXPECT_EQ(c2["walked"], true);
  EXPECT_EQ(c2["passedOver"], Json::array());
  EXPECT_EQ(c2["rulesBeforeWinner"],
            Json::parse(R"([{"rule": "0prOffice", "why": "CONDITION_FAILED",
                             "condition": "network"}])"));
  EXPECT_EQ(c2["winnerConditions"], Json::parse(R"(["network"])"));
  EXPECT_EQ(c2["truncated"], false);
  // c3 is blocked: no policy was walked.
  const Json c3 = Json::parse(got[3])["reasons"];
  EXPECT_EQ(c3["walked"], false);
  EXPECT_EQ(c3["rulesBeforeWinner"], Json::array());
}

// A directory is no contexts file, and a read error is no end of input:
// both exit 2 with the error, at any --jobs, with the same bytes. (An
// ifstream opens a directory and reads nothing; stdin from a directory
// fails its first read with EISDIR.)
TEST_F(PolicySimEvalTest, UnreadableContextsExit2AtAnyJobs) {
  std::string stderr_of_one;
  for (const char* jobs : {"1", "2"}) {
    const RunResult dir = Eval({"--contexts", dir_.path().string(), "--jobs", jobs});
    EXPECT_EQ(dir.exit_code, 2) << Describe(dir);
    EXPECT_THAT(dir.err, HasSubstr("is a directory")) << dir.err;
    const RunResult read = Eval({"--contexts", "-", "--jobs", jobs}, dir_.path().string());
    EXPECT_EQ(read.exit_code, 2) << Describe(read);
    EXPECT_THAT(read.err, HasSubstr("error: --contexts <stdin>: read error")) << read.err;
    if (stderr_of_one.empty()) {
      stderr_of_one = read.err;
    } else {
      EXPECT_EQ(read.err, stderr_of_one);
    }
  }
}

TEST_F(PolicySimEvalTest, ReasonsWithTheReferenceEngineIsAUsageError) {
  const RunResult r = Eval({"--contexts", contexts_, "--reasons", "--engine", "reference"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--reasons")) << r.err;
}

TEST_F(PolicySimEvalTest, TypesNarrowsTheEvaluatedTypes) {
  const RunResult r = Eval({"--contexts", contexts_, "--output", "jsonl", "--types", "PASSWORD"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;  // c2 and c3 ask for OKTA_SIGN_ON only
  EXPECT_EQ(Json::parse(lines[0])["policyType"], "PASSWORD");
}

TEST_F(PolicySimEvalTest, UnknownTypeIsAUsageError) {
  const RunResult r = Eval({"--contexts", contexts_, "--types", "OKTA_SIGN_ON,NOPE"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("NOPE"));
}

TEST_F(PolicySimEvalTest, MissingContextsFileExits2) {
  const RunResult r = Eval({"--contexts", (dir_.path() / "absent.jsonl").string()});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("absent.jsonl"));
}

TEST_F(PolicySimEvalTest, MissingGeoipDirectoryExits2) {
  const RunResult r =
      Eval({"--contexts", contexts_, "--geoip", (dir_.path() / "no-such-dir").string()});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("error: "));
}

TEST_F(PolicySimEvalTest, GeoipFixtureDatabasesAreAccepted) {
  if (!fs::exists(VERDICT_GEOIP_FIXTURE_DIR)) GTEST_SKIP() << "no fixture .mmdb files built";
  const RunResult plain = Eval({"--contexts", contexts_, "--output", "jsonl"});
  const RunResult r =
      Eval({"--contexts", contexts_, "--output", "jsonl", "--geoip", VERDICT_GEOIP_FIXTURE_DIR});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, plain.out);  // no zone here depends on geography
}

struct UsageCase {
  std::string name;
  std::vector<std::string> args;
  int want_exit;
  std::string want_stdout;  // substring; empty: stdout must be empty
  std::string want_stderr;  // substring
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const UsageCase& c, std::ostream* os) { *os << c.name; }

class PolicySimUsageTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(PolicySimUsageTest, ExitAndMessages) {
  const UsageCase& c = GetParam();
  TempDir dir;
  const RunResult r = RunPolicySim(c.args, dir.path());
  EXPECT_EQ(r.exit_code, c.want_exit) << Describe(r);
  if (c.want_stdout.empty()) {
    EXPECT_THAT(r.out, IsEmpty());
  } else {
    EXPECT_THAT(r.out, HasSubstr(c.want_stdout));
  }
  EXPECT_THAT(r.err, HasSubstr(c.want_stderr));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, PolicySimUsageTest,
    ::testing::Values(
        UsageCase{"NoCommand", {}, 2, "", "usage: policy-sim"},
        UsageCase{"Help", {"--help"}, 0, "usage: policy-sim", ""},
        UsageCase{"UnknownCommand", {"frobnicate"}, 2, "", "unknown command 'frobnicate'"},
        UsageCase{"EvalHelp", {"eval", "--help"}, 0, "--contexts FILE|-", ""},
        UsageCase{"EvalNoArgs", {"eval"}, 2, "", "--snapshot is required"},
        UsageCase{"EvalNoContexts", {"eval", "--snapshot", "x"}, 2, "", "--contexts is required"},
        UsageCase{"EvalMissingValue", {"eval", "--snapshot"}, 2, "", "--snapshot needs"},
        UsageCase{"EvalUnknownFlag",
                  {"eval", "--snapshot", "x", "--bogus"},
                  2,
                  "",
                  "unknown argument '--bogus'"},
        UsageCase{"EvalBadOutput",
                  {"eval", "--snapshot", "x", "--contexts", "-", "--output", "xml"},
                  2,
                  "",
                  "unknown format 'xml'"}),
    [](const ::testing::TestParamInfo<UsageCase>& info) { return info.param.name; });

// ---------------------------------------------------------------- fixtures

// The key a decision line is matched on: (id, policyType), or the input line
// number for an error line.
std::string KeyOf(const Json& line) {
  if (line.contains("line")) return "line " + line["line"].dump();
  return line.value("id", "") + " " + line.value("policyType", "");
}

// A policy/rule field as an id: expected files give an id string or null,
// actual lines an {"id", "name"} object or null.
std::string IdOf(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_object()) return value.value("id", "?");
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

TEST(PolicySimFixturesTest, EvalMatchesExpectedDecisions) {
  const fs::path root = VERDICT_SOURCE_DIR;
  const fs::path snapshot = root / "fixtures/org";
  const fs::path contexts = root / "fixtures/contexts.jsonl";
  const fs::path expected_path = root / "fixtures/expected.jsonl";
  if (!fs::is_directory(snapshot) || !fs::exists(contexts) || !fs::exists(expected_path)) {
    GTEST_SKIP() << "fixtures/org, fixtures/contexts.jsonl or fixtures/expected.jsonl absent";
  }
  // Cases 255 onwards have no geo/asn/proxyType: the fixture MaxMind
  // databases (built from fixtures/geoip) supply them.
  if (!fs::exists(VERDICT_GEOIP_FIXTURE_DIR)) GTEST_SKIP() << "no fixture .mmdb files built";
  TempDir dir;
  const RunResult r =
      RunPolicySim({"eval", "--snapshot", snapshot.string(), "--contexts", contexts.string(),
                    "--output", "jsonl", "--geoip", VERDICT_GEOIP_FIXTURE_DIR, "--sessions"},
                   dir.path());

  std::vector<Json> expected;
  bool expect_bad_lines = false;
  for (const std::string& text : Lines(ReadFile(expected_path))) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    expected.push_back(Json::parse(text));
    if (expected.back().contains("error")) expect_bad_lines = true;
  }
  ASSERT_EQ(r.exit_code, expect_bad_lines ? 3 : 0) << Describe(r);

  std::map<std::string, std::string> actual_by_key;  // key → full actual line
  std::vector<std::string> actual_order;
  for (const std::string& text : Lines(r.out)) {
    const Json line = Json::parse(text);
    const std::string key = KeyOf(line);
    EXPECT_FALSE(actual_by_key.contains(key)) << "duplicate output for " << key << ": " << text;
    actual_by_key[key] = text;
    actual_order.push_back(key);
  }

  int mismatches = 0;
  std::vector<std::string> expected_order;
  for (const Json& want : expected) {
    const std::string key = KeyOf(want);
    expected_order.push_back(key);
    const auto it = actual_by_key.find(key);
    if (it == actual_by_key.end()) {
      ++mismatches;
      ADD_FAILURE() << "no output for " << key << "\n  expected: " << want.dump();
      continue;
    }
    const Json got = Json::parse(it->second);
    std::vector<std::string> diffs;
    if (want.contains("error")) {
      if (!got.contains("error")) diffs.push_back("error");
    } else {
      if (want.contains("blocked") && got.value("blocked", false) != want["blocked"]) {
        diffs.push_back("blocked");
      }
      if (want.contains("policy") && IdOf(got.value("policy", Json())) != IdOf(want["policy"])) {
        diffs.push_back("policy");
      }
      if (want.contains("rule") && IdOf(got.value("rule", Json())) != IdOf(want["rule"])) {
        diffs.push_back("rule");
      }
      if (want.contains("outcome") && got.value("outcome", Json()) != want["outcome"]) {
        diffs.push_back("outcome");
      }
      // Where the IdP routing goes (docs/semantics.md): present on the lines that
      // route, {"id", "name", "type"} or null, and absent from every other line.
      if (want.contains("idpProvider") != got.contains("idpProvider") ||
          (want.contains("idpProvider") && got["idpProvider"] != want["idpProvider"])) {
        diffs.push_back("idpProvider");
      }
      // Can the user satisfy the rule (section AB): present with the same value
      // exactly where the expected line has them (enrollments known), absent
      // elsewhere.
      for (const char* key : {"satisfiable", "missing", "missingRequired", "enrolledNotAllowed"}) {
        if (want.contains(key) != got.contains(key) ||
            (want.contains(key) && got[key] != want[key])) {
          diffs.push_back(key);
        }
      }
      // The session report's fields an expected line names (section AA).
      if (want.contains("session")) {
        for (const auto& [field, value] : want["session"].items()) {
          if (!got.contains("session") || got["session"].value(field, Json()) != value) {
            diffs.push_back("session." + field);
          }
        }
      }
    }
    if (!diffs.empty()) {
      ++mismatches;
      std::string fields;
      for (const std::string& d : diffs) fields += (fields.empty() ? "" : ", ") + d;
      ADD_FAILURE() << key << ": " << fields << " differ\n  actual:   " << it->second
                    << "\n  expected: " << want.dump();
    }
  }
  for (const std::string& key : actual_order) {
    if (std::find(expected_order.begin(), expected_order.end(), key) == expected_order.end()) {
      ++mismatches;
      ADD_FAILURE() << "unexpected output for " << key << "\n  actual:   " << actual_by_key[key];
    }
  }
  EXPECT_EQ(actual_order, expected_order) << "output order differs from fixtures/expected.jsonl";
  EXPECT_EQ(mismatches, 0) << mismatches << " of " << expected.size() << " expected lines differ";
}

// `eval` answers with the compiled engine by default; the reference evaluator
// must print exactly the same lines on the fixture org.
TEST(PolicySimFixturesTest, CompiledAndReferenceEnginesPrintTheSameDecisions) {
  const fs::path root = VERDICT_SOURCE_DIR;
  const fs::path snapshot = root / "fixtures/org";
  const fs::path contexts = root / "fixtures/contexts.jsonl";
  if (!fs::is_directory(snapshot) || !fs::exists(contexts)) GTEST_SKIP() << "no fixtures";
  if (!fs::exists(VERDICT_GEOIP_FIXTURE_DIR)) GTEST_SKIP() << "no fixture .mmdb files built";
  TempDir dir;
  auto run = [&](const std::string& engine) {
    return RunPolicySim(
        {"eval", "--snapshot", snapshot.string(), "--contexts", contexts.string(), "--output",
         "jsonl", "--geoip", VERDICT_GEOIP_FIXTURE_DIR, "--engine", engine},
        dir.path());
  };
  const RunResult compiled = run("compiled");
  const RunResult reference = run("reference");
  ASSERT_EQ(compiled.exit_code, 0) << Describe(compiled);
  ASSERT_EQ(reference.exit_code, 0) << Describe(reference);
  EXPECT_GT(Lines(compiled.out).size(), 250u);
  EXPECT_EQ(compiled.out, reference.out);
  EXPECT_EQ(run("quantum").exit_code, 2);
}

// --strict with --jobs: the same warnings-turned-errors, in the same places.
TEST_F(PolicySimEvalTest, StrictWithJobsPrintsWhatOneThreadPrints) {
  WriteFile(contexts_,
            std::string(kContexts) +
                R"({"id": "c4", "user": {"id": "00u1"}, "ip": "198.51.100.9", "colour": 1})"
                "\n");
  const RunResult one = Eval({"--contexts", contexts_, "--output", "jsonl", "--strict"});
  const RunResult two =
      Eval({"--contexts", contexts_, "--output", "jsonl", "--strict", "--jobs", "2"});
  EXPECT_EQ(one.exit_code, 3) << Describe(one);
  EXPECT_THAT(one.out, HasSubstr("[--strict]"));
  EXPECT_EQ(two.exit_code, one.exit_code);
  EXPECT_EQ(two.out, one.out);
  EXPECT_EQ(two.err, one.err);
}

// --jobs N parses and evaluates on N threads and prints in input order: the
// same stdout, stderr and exit status as one thread, byte for byte, for every
// output form and flag that adds to a line (the fixture contexts, plus a bad
// line, a context with an unknown field and one without an id).
TEST(PolicySimFixturesTest, JobsPrintTheSameBytesAsOneThread) {
  const fs::path root = VERDICT_SOURCE_DIR;
  const fs::path snapshot = root / "fixtures/org";
  const fs::path fixture_contexts = root / "fixtures/contexts.jsonl";
  if (!fs::is_directory(snapshot) || !fs::exists(fixture_contexts)) GTEST_SKIP() << "no fixtures";
  if (!fs::exists(VERDICT_GEOIP_FIXTURE_DIR)) GTEST_SKIP() << "no fixture .mmdb files built";
  TempDir dir;
  const fs::path contexts = dir.path() / "contexts.jsonl";
  WriteFile(contexts,
            ReadFile(fixture_contexts) +
                "{not json\n"
                "\n"
                R"({"id": "odd", "user": {"id": "00u1"}, "ip": "198.51.100.9", "colour": 1})"
                "\n"
                R"({"user": {"id": "00u1"}, "ip": "198.51.100.9"})"
                "\n");
  const std::vector<std::vector<std::string>> variants = {
      {"--output", "jsonl"},
      {"--output", "jsonl", "--explain"},
      {"--output", "jsonl", "--sessions", "--combined"},
      {"--output", "jsonl", "--types", "OKTA_SIGN_ON", "--combined"},
      {"--output", "jsonl", "--engine", "reference"},
      {"--output", "json", "--sessions"},
      {"--output", "jsonl", "--reasons", "--sessions", "--combined"},
      {"--output", "jsonl", "--reasons", "--explain"},
      {"--output", "table", "--reasons"},
      {"--output", "table"},
  };
  for (const std::vector<std::string>& variant : variants) {
    auto run = [&](const std::string& jobs) {
      std::vector<std::string> args = {"eval",
                                       "--snapshot",
                                       snapshot.string(),
                                       "--contexts",
                                       contexts.string(),
                                       "--geoip",
                                       VERDICT_GEOIP_FIXTURE_DIR,
                                       "--jobs",
                                       jobs};
      args.insert(args.end(), variant.begin(), variant.end());
      return RunPolicySim(args, dir.path());
    };
    const RunResult one = run("1");
    const RunResult two = run("2");
    const RunResult three = run("3");
    SCOPED_TRACE(variant[1] + (variant.size() > 2 ? " " + variant[2] : ""));
    EXPECT_EQ(one.exit_code, 3) << Describe(one);
    EXPECT_GT(Lines(one.out).size(), 200u);
    EXPECT_EQ(two.exit_code, one.exit_code);
    EXPECT_EQ(two.out, one.out);
    EXPECT_EQ(two.err, one.err);
    EXPECT_EQ(three.out, one.out);
    EXPECT_EQ(three.err, one.err);
  }
}

}  // namespace
