// `policy-sim replay` as CI runs it: the failure gates (--fail-on-disagreement,
// --min-agreement) and their exit statuses, the recorded securityConditions
// check, and the fixture export (fixtures/logs/org-export.jsonl.gz) replayed.
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

using verdict_test::Describe;
using verdict_test::RunPolicySim;
using verdict_test::RunResult;
using verdict_test::TempDir;
using verdict_test::WriteFile;

const fs::path kSource = VERDICT_SOURCE_DIR;
const std::string kOrg = (kSource / "fixtures/org").string();
const std::string kLogs = (kSource / "fixtures/logs").string();

// A Classic policy.evaluate_sign_on of kim (quarantined in `Memberships()`)
// that records the Default Rule's ALLOW: fixtures/org denies, so it
// disagrees. With `agrees`, kim is recorded under the quarantine rule.
Json KimEvent(const std::string& uuid, bool agrees) {
  const std::string policy = agrees ? "00pQuarantine00000g7" : "00pDefaultSignOn00g7";
  const std::string rule = agrees ? "0prQuarDeny0000000g7" : "0prDefaultRule0000g7";
  return {
      {"uuid", uuid},
      {"eventType", "policy.evaluate_sign_on"},
      {"published", "2026-11-28T12:00:00.000Z"},
      {"actor",
       {{"id", "00uKim000000000000g7"}, {"type", "User"}, {"alternateId", "kim@acme.example"}}},
      {"client", {{"ipAddress", "192.0.2.99"}}},
      {"outcome", {{"result", agrees ? "DENY" : "ALLOW"}}},
      {"target",
       {{{"id", policy}, {"type", "PolicyEntity"}, {"detailEntry", {{"policyType", "OktaSignOn"}}}},
        {{"id", rule}, {"type", "PolicyRule"}, {"alternateId", policy}}}}};
}

struct Files {
  std::string logs;
  std::string memberships;
};

Files Write(const TempDir& tmp, const std::vector<Json>& events, const std::string& extra = "") {
  std::string text;
  for (const Json& e : events) text += e.dump() + "\n";
  Files f{(tmp.path() / "logs.jsonl").string(), (tmp.path() / "memberships.json").string()};
  WriteFile(f.logs, text + extra);
  WriteFile(f.memberships,
            R"({"00uKim000000000000g7": ["00gEveryone0000000g7", "00gQuarantine00000g7"]})");
  return f;
}

RunResult Replay(const TempDir& tmp, const Files& f, std::vector<std::string> flags) {
  std::vector<std::string> args = {"replay", "--snapshot",    kOrg,         "--logs",
                                   f.logs,   "--memberships", f.memberships};
  args.insert(args.end(), flags.begin(), flags.end());
  return RunPolicySim(args, tmp.path());
}

TEST(PolicySimReplayGate, FailOnDisagreement) {
  TempDir tmp;
  const Files f = Write(tmp, {KimEvent("agree-1", true), KimEvent("disagree-1", false)});
  RunResult r = Replay(tmp, f, {});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);  // no gate: findings, not failures
  r = Replay(tmp, f, {"--fail-on-disagreement"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("1 of 2 compared decisions disagree"));
  EXPECT_THAT(r.out, HasSubstr("disagree-1"));  // the report is still printed

  const Files agreeing = Write(tmp, {KimEvent("agree-1", true), KimEvent("agree-2", true)});
  r = Replay(tmp, agreeing, {"--fail-on-disagreement", "--min-agreement", "100"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
}

TEST(PolicySimReplayGate, MinAgreementIsAPercentageOfComparedDecisions) {
  TempDir tmp;
  const Files f = Write(tmp, {KimEvent("agree-1", true), KimEvent("disagree-1", false)});
  RunResult r = Replay(tmp, f, {"--min-agreement", "50"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  r = Replay(tmp, f, {"--min-agreement=50.5"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("agreement 50.00% (1 of 2) is below --min-agreement 50.5%"));
  r = Replay(tmp, f, {"--min-agreement", "0", "--output", "json"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json::parse(r.out)["agreement"]["OKTA_SIGN_ON"]["compared"], 2);
}

TEST(PolicySimReplayGate, NothingComparedBreachesMinAgreement) {
  TempDir tmp;
  Json session = KimEvent("session-1", true);
  session["eventType"] = "user.session.start";
  session["target"] = Json::array();
  session["outcome"] = {{"result", "SUCCESS"}};
  const Files f = Write(tmp, {session});
  EXPECT_EQ(Replay(tmp, f, {}).exit_code, 0);
  RunResult r = Replay(tmp, f, {"--min-agreement", "0"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("no decision was compared"));
  EXPECT_EQ(Replay(tmp, f, {"--fail-on-disagreement"}).exit_code, 0);
}

TEST(PolicySimReplayGate, BreachWinsOverMalformedInput) {
  TempDir tmp;
  const Files f =
      Write(tmp, {KimEvent("agree-1", true), KimEvent("disagree-1", false)}, "{\"uuid\": \n");
  EXPECT_EQ(Replay(tmp, f, {}).exit_code, 3);
  EXPECT_EQ(Replay(tmp, f, {"--min-agreement", "40"}).exit_code, 3);
  RunResult r = Replay(tmp, f, {"--fail-on-disagreement"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("line 3"));  // the malformed line is still reported
}

TEST(PolicySimReplayGate, UsageErrors) {
  TempDir tmp;
  const Files f = Write(tmp, {KimEvent("agree-1", true)});
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{{"--min-agreement"},
                                             {"--min-agreement", "abc"},
                                             {"--min-agreement", "101"},
                                             {"--min-agreement", "-1"},
                                             {"--json-parser", "xml"},
                                             {"--fail-on-disagreement=yes"}}) {
    RunResult r = Replay(tmp, f, flags);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << "\n" << Describe(r);
    EXPECT_THAT(r.err, HasSubstr("usage: policy-sim replay"));
  }
  RunResult r = RunPolicySim(
      {"replay", "--snapshot", kOrg, "--logs", "/nonexistent.jsonl", "--fail-on-disagreement"},
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  // tape, the one parser, is still accepted; the removed ones say so.
  EXPECT_EQ(Replay(tmp, f, {"--json-parser", "tape"}).exit_code, 0);
  EXPECT_EQ(Replay(tmp, f, {"--json-parser=tape"}).exit_code, 0);
  for (const std::string removed : {"dom", "ondemand"}) {
    r = Replay(tmp, f, {"--json-parser", removed});
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_THAT(r.err, HasSubstr("ondemand and dom were removed"));
  }
}

TEST(PolicySimReplayConditions, RecordedTruthValuesAreCheckedAgainstTheContext) {
  TempDir tmp;
  Json e = KimEvent("conditions-1", true);
  e["securityContext"] = {{"risk", {{"level", "HIGH"}}}};
  // The first two agree with the context (risk HIGH); the third contradicts
  // it; the fourth is the logged form of a behavior check (no behavior in
  // the context: false, as recorded); the fifth does not compile.
  e["debugContext"]["debugData"]["securityConditions"] =
      "[{result=true, condition=security.risk.level == 'HIGH'}, "
      "{result=false, condition=security.risk.level == 'LOW'}, "
      "{result=false, condition=security.risk.level == 'HIGH' && "
      "user.isMemberOf({'group.id': '00gQuarantine00000g7'})}, "
      "{result=false, condition=security.userBehaviors['New IP'].detected}, "
      "{result=true, condition=user.isMemberof({'group.id': '00gQuarantine00000g7'})}]";
  Json unreadable = KimEvent("conditions-2", true);
  unreadable["debugContext"]["debugData"]["securityConditions"] = "[{result=true, condition=x";
  const Files f = Write(tmp, {e, unreadable});

  RunResult r = Replay(tmp, f, {});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("Recorded securityConditions: 5 checked, 3 matched, 1 disagreed, "
                               "1 not compilable; 1 event(s) with unreadable text"));
  EXPECT_THAT(r.out, HasSubstr("1 x disagreed: security.risk.level == 'HIGH' && "
                               "user.isMemberOf({'group.id': '00gQuarantine00000g7'})"));
  EXPECT_THAT(r.out, HasSubstr("recorded: false   computed: true"));
  EXPECT_THAT(r.out, HasSubstr("e.g.      conditions-1 (line 1"));
  EXPECT_THAT(
      r.out,
      HasSubstr("1 x not compilable: user.isMemberof({'group.id': '00gQuarantine00000g7'})"));

  r = Replay(tmp, f, {"--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const Json c = Json::parse(r.out)["securityConditions"];
  EXPECT_EQ(c["checked"], 5);
  EXPECT_EQ(c["matched"], 3);
  EXPECT_EQ(c["disagreed"], 1);
  EXPECT_EQ(c["notCompilable"], 1);
  EXPECT_EQ(c["unreadable"], 1);
  ASSERT_EQ(c["disagreements"].size(), 1u);
  EXPECT_EQ(c["disagreements"][0]["recorded"], false);
  EXPECT_EQ(c["disagreements"][0]["computed"], true);
  EXPECT_EQ(c["disagreements"][0]["examples"][0].get<std::string>().rfind("conditions-1", 0), 0u);
  ASSERT_EQ(c["notCompilableConditions"].size(), 1u);
  EXPECT_NE(c["notCompilableConditions"][0]["error"], "");
}

// "line 841 (byte 1750266, event 841)" of each malformed-event report.
std::vector<std::string> MalformedPositions(const std::string& err) {
  std::vector<std::string> out;
  for (const std::string& line : verdict_test::Lines(err)) {
    const size_t at = line.find(": line ");
    if (line.find("(skipped)") == std::string::npos || at == std::string::npos) continue;
    out.push_back(line.substr(at + 2, line.find(')', at) - at - 1));
  }
  return out;
}

// The 5000-event export against fixtures/org (with the fixture GeoIP
// databases): only the disagreements made on purpose. (That every reading of
// the events agrees with the nlohmann reference is tests/logs'.)
TEST(PolicySimReplayFixtureExport, AgreesExceptWhereRecordedOnPurpose) {
  TempDir tmp;
  const std::vector<std::string> args = {"replay",
                                         "--snapshot",
                                         kOrg,
                                         "--logs",
                                         kLogs + "/org-export.jsonl.gz",
                                         "--memberships",
                                         kLogs + "/org-memberships.json",
                                         "--geoip",
                                         VERDICT_GEOIP_FIXTURE_DIR,
                                         "--output",
                                         "json"};
  RunResult r = RunPolicySim(args, tmp.path());
  ASSERT_EQ(r.exit_code, 3) << Describe(r);  // 5 malformed lines, on purpose
  const Json out = Json::parse(r.out);
  EXPECT_EQ(out["totals"]["read"], 5000);
  EXPECT_EQ(out["totals"]["malformed"], 5);
  EXPECT_EQ(out["totals"]["withoutMemberships"], 0);
  EXPECT_EQ(out["totals"]["read"].get<int>(), out["totals"]["evaluated"].get<int>() +
                                                  out["totals"]["skipped"].get<int>() +
                                                  out["totals"]["malformed"].get<int>());
  EXPECT_GT(out["agreement"]["OKTA_SIGN_ON"]["compared"].get<int>(), 2000);
  EXPECT_GT(out["agreement"]["ACCESS_POLICY"]["compared"].get<int>(), 500);
  EXPECT_EQ(out["agreement"]["ACCESS_POLICY"]["disagree"], 0);
  // Every disagreement is a Classic event recorded before a policy change.
  ASSERT_FALSE(out["disagreements"].empty());
  for (const Json& g : out["disagreements"]) {
    EXPECT_EQ(g["policyType"], "OKTA_SIGN_ON");
    EXPECT_EQ(g["recorded"]["rule"], "0prDefaultRule0000g7");
  }
  const Json& c = out["securityConditions"];
  EXPECT_GT(c["matched"].get<int>(), 50);
  EXPECT_EQ(c["notCompilable"], 0);  // the logged userBehaviors form compiles too
  EXPECT_EQ(c["disagreed"], 3);      // the flipped truth values
  EXPECT_EQ(c["unreadable"], 0);

  // Each malformed line is reported at its position, once.
  EXPECT_EQ(MalformedPositions(r.err).size(), 5u);
}

}  // namespace

// The reader slices batches of 4096 events on its own thread while the
// previous batch is parsed (--jobs > 1): contexts and malformed-line reports
// must still come out in input order across batch boundaries, and every line
// must be counted once. Malformed lines sit at the last line of the first
// batch, the first of the second, and inside the third; every 7th event is
// not a sign-on event.
TEST(PolicySimReplayPipeline, InputOrderAndTotalsAcrossBatchBoundaries) {
  TempDir tmp;
  constexpr int kLines = 9000;
  std::string text;
  std::vector<std::string> expected_ids;
  std::vector<int> malformed_lines;
  int skipped = 0;
  for (int line = 1; line <= kLines; ++line) {
    if (line == 4096 || line == 4097 || line == 8500) {
      text += "{\"uuid\": \"broken\n";
      malformed_lines.push_back(line);
      continue;
    }
    Json event = KimEvent("uuid-" + std::to_string(line), line % 2 == 0);
    if (line % 7 == 0) {
      event["eventType"] = "user.lifecycle.activate";
      ++skipped;
    } else {
      expected_ids.push_back("uuid-" + std::to_string(line));
    }
    text += event.dump() + "\n";
  }
  const Files f = Write(tmp, {}, text);
  for (const std::string jobs : {"1", "2"}) {
    SCOPED_TRACE("--jobs " + jobs);
    const RunResult contexts =
        RunPolicySim({"contexts", "--logs", f.logs, "--memberships", f.memberships}, tmp.path());
    ASSERT_EQ(contexts.exit_code, 3) << Describe(contexts);
    std::vector<std::string> ids;
    size_t start = 0;
    while (start < contexts.out.size()) {
      const size_t end = contexts.out.find('\n', start);
      ids.push_back(Json::parse(contexts.out.substr(start, end - start)).at("id"));
      start = end + 1;
    }
    EXPECT_EQ(ids, expected_ids);
    size_t at = 0;
    for (int line : malformed_lines) {
      at = contexts.err.find("line " + std::to_string(line) + " (", at);
      EXPECT_NE(at, std::string::npos) << "line " << line << " reported in order";
    }
    const std::string totals =
        "read " + std::to_string(kLines) + ": " + std::to_string(expected_ids.size()) +
        " evaluated, " + std::to_string(skipped) + " skipped (not sign-on events), 3 malformed";
    EXPECT_THAT(contexts.err, HasSubstr(totals));

    const RunResult replay = Replay(tmp, f, {"--jobs", jobs});
    EXPECT_THAT(replay.out + replay.err, HasSubstr(totals)) << Describe(replay);

    // The file is mapped by default; read instead (--no-mmap), everything
    // printed is the same.
    const RunResult replay_read = Replay(tmp, f, {"--jobs", jobs, "--no-mmap"});
    EXPECT_EQ(replay_read.exit_code, replay.exit_code);
    EXPECT_EQ(replay_read.out, replay.out);
    EXPECT_EQ(replay_read.err, replay.err);
    const RunResult contexts_read = RunPolicySim(
        {"contexts", "--logs", f.logs, "--memberships", f.memberships, "--no-mmap"}, tmp.path());
    EXPECT_EQ(contexts_read.out, contexts.out);
    EXPECT_EQ(contexts_read.err, contexts.err);
  }
}
