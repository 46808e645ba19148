// Lint (issue 19) on the fixture snapshots: every planted problem is found,
// the clean look-alike gives no finding, and every witness shows what its
// finding says when the compiled engine and the reference evaluator are
// asked — after a round trip through its printed JSON, as a user would
// replay it.
#include "verdict/lint.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/lint/space.h"
#include "nlohmann/json.hpp"
#include "tests/support/subprocess.h"
#include "verdict/engine.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

using internal::lint::IpSet;
using internal::lint::U128;

std::string Fixture(const std::string& name) {
  return std::string(VERDICT_SOURCE_DIR) + "/fixtures/lint/" + name;
}

Snapshot Load(const std::string& dir) {
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir, &issues);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Snapshot();
}

std::string Describe(const LintFinding& f) {
  return absl::StrCat(f.code, " ", f.policy_id, " ", f.rule_id, " ", f.pointer, ": ", f.message);
}

const Rule* FindRule(const Snapshot& s, const std::string& policy, const std::string& rule) {
  const Policy* p = s.FindPolicy(policy);
  if (p == nullptr) return nullptr;
  for (const Rule& r : p->rules) {
    if (r.id == rule) return &r;
  }
  return nullptr;
}

// Asks the engines whether the witness shows what the finding says.
void ExpectWitnessConfirms(const Snapshot& s, const LintFinding& f) {
  SCOPED_TRACE(Describe(f));
  ASSERT_TRUE(f.witness.has_value());
  // The witness as printed, parsed back.
  absl::StatusOr<SignOnContext> ctx = ParseContext(synth::ContextToJson(*f.witness));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  const ReferenceEvaluator ref(s);
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = Compile(s);
  ASSERT_TRUE(set.ok());
  const PolicyType type =
      ctx->policy_types.empty() ? PolicyType::kOktaSignOn : ctx->policy_types.front();
  const Decision compiled = (*set)->Evaluate(*ctx, type);
  const Decision reference = ref.Evaluate(*ctx, type);
  ASSERT_EQ(compiled.rule != nullptr ? compiled.rule->id : "",
            reference.rule != nullptr ? reference.rule->id : "");
  const Policy* policy = s.FindPolicy(f.policy_id);
  if (f.code == "shadowed-rule") {
    const Rule* rule = FindRule(s, f.policy_id, f.rule_id);
    ASSERT_NE(rule, nullptr);
    EXPECT_TRUE(ref.PolicyApplies(*ctx, *policy));
    EXPECT_TRUE(ref.RuleConditionsHold(*ctx, *rule)) << "the shadowed rule must match";
    ASSERT_NE(reference.rule, nullptr);
    EXPECT_NE(reference.rule->id, f.rule_id);
    EXPECT_EQ(reference.rule->id, f.winner_rule_id);
  } else if (f.code == "shadowed-policy") {
    EXPECT_TRUE(ref.PolicyApplies(*ctx, *policy));
    ASSERT_NE(reference.policy, nullptr);
    EXPECT_NE(reference.policy->id, f.policy_id);
    EXPECT_EQ(reference.policy->id, f.winner_policy_id);
  } else if (f.code == "policy-fall-through") {
    EXPECT_FALSE(reference.blocked);
    EXPECT_TRUE(ref.PolicyApplies(*ctx, *policy));
    for (const Rule& r : policy->rules) {
      if (r.active) {
        EXPECT_FALSE(ref.RuleConditionsHold(*ctx, r)) << r.id;
      }
    }
  } else if (f.code == "weak-catch-all") {
    ASSERT_NE(reference.rule, nullptr);
    EXPECT_EQ(reference.rule->id, f.rule_id);
  } else if (f.code == "blocklist-exempt-overlap") {
    EXPECT_FALSE(reference.blocked);
    const NetworkZone* zone = s.FindZone(f.zone_id);
    ASSERT_NE(zone, nullptr);
    ASSERT_EQ(ctx->ip_chain.size(), 1u);
    EXPECT_TRUE(IpSet::Of(zone->gateways)
                    .Union(IpSet::Of(zone->proxies))
                    .Contains(ctx->ip_chain[0].value()));
  } else if (f.code == "no-mfa-for-admins") {
    // The admin, with the memberships the snapshot records, is let in by
    // the rule, and the rule asks for one factor only.
    EXPECT_FALSE(reference.blocked);
    ASSERT_NE(reference.rule, nullptr);
    EXPECT_EQ(reference.rule->id, f.rule_id);
    ASSERT_TRUE(reference.rule->signon.has_value());
    EXPECT_EQ(reference.rule->signon->access, Access::kAllow);
    EXPECT_FALSE(reference.rule->signon->require_factor);
    auto known = s.user_groups.find(ctx->user.id);
    ASSERT_NE(known, s.user_groups.end()) << ctx->user.id << " is not an admin of the fixture";
    std::vector<std::string> groups = ctx->user.groups;
    std::vector<std::string> want = known->second;
    std::sort(groups.begin(), groups.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(groups, want);
  } else {
    ADD_FAILURE() << "a witness on a finding the test does not know how to check";
  }
}

struct Want {
  std::string code;
  std::string policy_id;
  std::string rule_id;
};

TEST(LintFixtures, PlantedFindsEveryPlantedProblem) {
  const Snapshot s = Load(Fixture("planted"));
  absl::StatusOr<LintReport> report = Lint(s);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::vector<Want> wants = {
      {"shadowed-rule", "00pSales000000000001", "0prSalesDesks0000001"},
      {"priority-tie", "00pSales000000000001", "0prSalesNewPlace0001"},
      {"missing-reference", "00pSales000000000001", "0prSalesNewPlace0001"},
      {"missing-reference", "00pSales000000000001", "0prSalesPartner00001"},
      {"inactive-zone-reference", "00pSales000000000001", "0prSalesOldDc0000001"},
      {"unsatisfiable-rule", "00pSales000000000001", "0prSalesBoss00000001"},
      {"policy-fall-through", "00pSales000000000001", ""},
      {"shadowed-policy", "00pSupportVpn0000001", ""},
      {"zone-overlap", "00pEngineering000001", "0prEngOffice00000001"},
      {"weak-catch-all", "00pEngineering000001", "0prEngElse000000001"},
      {"priority-tie", "00pEngineering000001",
       ""},  // ties are ordered by id: Engineering comes later
      {"expression-unanalysable", "00pContractors000001", "0prContractors00001"},
      {"blocklist-exempt-overlap", "", ""},
      // Expression Language, decided by the solver.
      {"shadowed-rule", "00pFinance0000000001", "0prFinanceVp00000001"},
      {"unsatisfiable-rule", "00pFinance0000000001", "0prFinanceAudit00001"},
      {"no-mfa-for-admins", "00pSales000000000001", "0prSalesOffice000001"},
  };
  for (const Want& w : wants) {
    const bool found =
        std::any_of(report->findings.begin(), report->findings.end(), [&](const LintFinding& f) {
          return f.code == w.code && f.policy_id == w.policy_id && f.rule_id == w.rule_id;
        });
    EXPECT_TRUE(found) << "missing: " << w.code << " " << w.policy_id << " " << w.rule_id;
  }
  for (const LintFinding& f : report->findings) {
    if (f.witness) ExpectWitnessConfirms(s, f);
    EXPECT_FALSE(f.file.empty()) << Describe(f);
    // A reachability finding without a witness would be unconfirmed.
    if (f.code == "shadowed-rule" || f.code == "shadowed-policy" ||
        f.code == "policy-fall-through" || f.code == "weak-catch-all") {
      EXPECT_TRUE(f.witness.has_value()) << Describe(f);
    }
  }
}

// Past the solver's limit a policy type's expressions are unknown, with a
// note on each: no finding rests on them.
TEST(LintFixtures, SolverLimitLeavesExpressionsUnknownWithANote) {
  const Snapshot s = Load(Fixture("planted"));
  LintOptions options;
  options.max_expression_combinations = 2;  // Finance's three expressions have more
  absl::StatusOr<LintReport> report = Lint(s, options);
  ASSERT_TRUE(report.ok()) << report.status();
  int notes = 0;
  for (const LintFinding& f : report->findings) {
    if (f.policy_id != "00pFinance0000000001") continue;
    EXPECT_EQ(f.code, "expression-unanalysable") << Describe(f);
    EXPECT_NE(f.message.find("more than 2 combinations"), std::string::npos) << f.message;
    EXPECT_TRUE(absl::EndsWith(f.pointer, "/conditions/elCondition/condition")) << f.pointer;
    ++notes;
  }
  EXPECT_EQ(notes, 3);
}

TEST(LintFixtures, CleanLookAlikeHasNoFinding) {
  const Snapshot s = Load(Fixture("clean"));
  absl::StatusOr<LintReport> report = Lint(s);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const LintFinding& f : report->findings) ADD_FAILURE() << "false positive: " << Describe(f);
}

// ---------------------------------------------------------------- the space

U128 V4(uint32_t a) { return IpAddress::FromV4(a).value(); }

TEST(LintIpSet, IntervalArithmeticIsExact) {
  IpSet a;
  a.ranges = {{V4(10), V4(20)}, {V4(30), V4(40)}};
  IpSet b;
  b.ranges = {{V4(15), V4(35)}};
  EXPECT_EQ(a.Intersect(b).ranges.vec(),
            (std::vector<std::pair<U128, U128>>{{V4(15), V4(20)}, {V4(30), V4(35)}}));
  EXPECT_EQ(a.Minus(b).ranges.vec(),
            (std::vector<std::pair<U128, U128>>{{V4(10), V4(14)}, {V4(36), V4(40)}}));
  EXPECT_EQ(a.Union(b).ranges.vec(), (std::vector<std::pair<U128, U128>>{{V4(10), V4(40)}}));
  EXPECT_TRUE(a.Union(b).Includes(a));
  EXPECT_FALSE(a.Includes(b));
  const IpSet all = IpSet::Everything();
  EXPECT_TRUE(all.Contains(std::nullopt));
  EXPECT_FALSE(all.Minus(IpSet::Everything()).Contains(std::nullopt));
  EXPECT_TRUE(all.Minus(a).Contains(V4(21)));
  EXPECT_FALSE(all.Minus(a).Contains(V4(40)));
}

TEST(LintSpace, UncoveredFindsTheGapOrProvesCover) {
  using internal::lint::AtomSet;
  using internal::lint::Box;
  using internal::lint::Space;
  Space space(IpSet::Everything());
  const int d = space.AddDim(3);
  IpSet low;
  low.ranges = {{0, V4(100)}};
  Box a;  // atoms {0,1}, any IP
  AtomSet zero_or_one = AtomSet::One(3, 0);
  zero_or_one.words[0] |= 2;
  a.cs.push_back(space.Atoms(d, zero_or_one));
  Box c1;  // atom 0, any IP
  c1.cs.push_back(space.Atoms(d, AtomSet::One(3, 0)));
  Box c2;  // atom 1, IP ≤ V4(100)
  c2.cs.push_back(space.Ip(low));
  c2.cs.push_back(space.Atoms(d, AtomSet::One(3, 1)));
  Space::Answer gap = space.Uncovered(a, {&c1, &c2}, 1000);
  ASSERT_TRUE(gap.decided);
  ASSERT_FALSE(gap.covered);
  EXPECT_EQ(gap.witness.atoms[d], 1);
  EXPECT_FALSE(low.Contains(gap.witness.ip));
  Box c3;  // atom 1, IP > V4(100) or none
  c3.cs.push_back(space.Ip(IpSet::Everything().Minus(low)));
  c3.cs.push_back(space.Atoms(d, AtomSet::One(3, 1)));
  Space::Answer cover = space.Uncovered(a, {&c1, &c2, &c3}, 1000);
  EXPECT_TRUE(cover.decided);
  EXPECT_TRUE(cover.covered);
}

// ---------------------------------------------------------------- the CLI

using verdict_test::RunPolicySim;
using verdict_test::RunResult;
using verdict_test::TempDir;

// An Identity Engine org (it has app sign-in policies): the Okta Admin
// Console's own policy decides. The fixture org's console app is bound to
// the default app policy, whose catch-all asks one factor.
TEST(LintAdmins, IdentityEngineChecksTheAdminConsolePolicy) {
  TempDir tmp;
  const std::filesystem::path org = tmp.path() / "org";
  std::filesystem::copy(std::string(VERDICT_SOURCE_DIR) + "/fixtures/org", org,
                        std::filesystem::copy_options::recursive);
  nlohmann::json apps = nlohmann::json::parse(std::ifstream(org / "apps.json"));
  for (auto& app : apps) {
    if (app["name"] == "saasure") {
      app["_links"]["accessPolicy"]["href"] =
          "https://acme-fixture.okta.com/api/v1/policies/rstDefaultApp00000g7";
    }
  }
  std::ofstream(org / "apps.json") << apps.dump(2);
  std::ofstream(org / "admins.json") << R"([{"id": "00uAlice00000000000g7"}])";
  const Snapshot s = Load(org.string());
  absl::StatusOr<LintReport> report = Lint(s);
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<const LintFinding*> found;
  for (const LintFinding& f : report->findings) {
    if (f.code == "no-mfa-for-admins") found.push_back(&f);
  }
  ASSERT_EQ(found.size(), 1u);
  const LintFinding& f = *found[0];
  EXPECT_EQ(f.policy_id, "rstDefaultApp00000g7");
  EXPECT_EQ(f.rule_id, "rulWikiCatchAll000g7");
  EXPECT_NE(f.message.find("Okta Admin Console"), std::string::npos) << f.message;
  ASSERT_TRUE(f.witness.has_value());
  EXPECT_EQ(f.witness->app_id, "0oaAdminConsole000g7");
  EXPECT_EQ(f.witness->user.id, "00uAlice00000000000g7");
  const ReferenceEvaluator ref(s);
  const Decision d = ref.Evaluate(*f.witness, PolicyType::kAccessPolicy);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.rule->id, "rulWikiCatchAll000g7");
  ASSERT_TRUE(d.rule->app_sign_on.has_value());
  EXPECT_EQ(d.rule->app_sign_on->factor_mode, "1FA");

  // Unbound console: no app sign-in decision, so nothing to report.
  for (auto& app : apps) {
    if (app["name"] == "saasure") app["_links"].erase("accessPolicy");
  }
  std::ofstream(org / "apps.json") << apps.dump(2);
  absl::StatusOr<LintReport> unbound = Lint(Load(org.string()));
  ASSERT_TRUE(unbound.ok());
  for (const LintFinding& g : unbound->findings) EXPECT_NE(g.code, "no-mfa-for-admins");
}

// IdP references are checked against the snapshot's idps.json, the list
// routing uses; a DYNAMIC rule's providers are not references (routing
// ignores them, the loader warns).
TEST(LintReferences, IdpIdsAgainstTheSnapshotsIdps) {
  TempDir tmp;
  const std::filesystem::path org = tmp.path() / "org";
  std::filesystem::copy(std::string(VERDICT_SOURCE_DIR) + "/fixtures/org", org,
                        std::filesystem::copy_options::recursive);
  const std::filesystem::path rules_file = org / "rules" / "00pIdpDiscovery000g7.json";
  nlohmann::json rules = nlohmann::json::parse(std::ifstream(rules_file));
  ASSERT_EQ(rules[3]["actions"]["idp"]["idpSelectionType"], "DYNAMIC");
  rules[3]["actions"]["idp"]["providers"] = {{{"type", "SAML2"}, {"id", "0oaGoneDynamic000g7"}}};
  rules[0]["actions"]["idp"]["providers"][0]["id"] = "0oaGoneSpecific00g7";
  std::ofstream(rules_file) << rules.dump(2);
  absl::StatusOr<LintReport> report = Lint(Load(org.string()));
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> missing;
  for (const LintFinding& f : report->findings) {
    if (f.code == "missing-reference" && absl::StrContains(f.message, "identity provider")) {
      missing.push_back(f.rule_id + " " + f.pointer);
    }
  }
  EXPECT_EQ(missing, std::vector<std::string>{"0prIdpPartner00000g7 /0/actions/idp/providers/0"});
}

// The lists lint reads beside the typed snapshot (admins.json, idps.json,
// ...) come with the snapshot too: read by the loader's rules, never through a
// link out of it, a FIFO or a parser-crashing nesting.
TEST(LintAdmins, HostileListFilesAreErrorsNamingThePath) {
  TempDir tmp;
  const std::filesystem::path org = tmp.path() / "org";
  std::filesystem::copy(Fixture("planted"), org, std::filesystem::copy_options::recursive);
  std::filesystem::remove(org / "admins.json");
  std::ofstream(tmp.path() / "secret.json") << R"([{"id": "00uSecretAdmin000001"}])";
  std::filesystem::create_symlink(tmp.path() / "secret.json", org / "admins.json");
  absl::StatusOr<LintReport> linked = Lint(Load(org.string()));
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.status().message().find("admins.json"), std::string::npos) << linked.status();
  EXPECT_EQ(linked.status().message().find("00uSecretAdmin"), std::string::npos);

  std::filesystem::remove(org / "admins.json");
  ASSERT_EQ(mkfifo((org / "admins.json").c_str(), 0600), 0);
  absl::StatusOr<LintReport> fifo = Lint(Load(org.string()));  // must not wait for a writer
  ASSERT_FALSE(fifo.ok());
  EXPECT_NE(fifo.status().message().find("admins.json"), std::string::npos) << fifo.status();

  std::filesystem::remove(org / "admins.json");
  std::ofstream(org / "admins.json") << std::string(100000, '[') << std::string(100000, ']');
  absl::StatusOr<LintReport> deep = Lint(Load(org.string()));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nested deeper"), std::string::npos) << deep.status();
}

TEST(LintCli, JsonSarifFailOnAndBaseline) {
  TempDir tmp;
  RunResult json =
      RunPolicySim({"lint", "--snapshot", Fixture("planted"), "--output", "json"}, tmp.path());
  EXPECT_EQ(json.exit_code, 1) << verdict_test::Describe(json);  // missing references are errors
  nlohmann::json j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json.out;
  ASSERT_TRUE(j["findings"].is_array());
  EXPECT_EQ(j["summary"]["findings"], j["findings"].size());
  for (const auto& f : j["findings"]) {
    for (const char* key :
         {"code", "level", "policyId", "ruleId", "file", "pointer", "message", "witness"}) {
      EXPECT_TRUE(f.contains(key)) << key << " in " << f.dump();
    }
  }

  RunResult sarif = RunPolicySim(
      {"lint", "--snapshot", Fixture("planted"), "--output", "sarif", "--fail-on", "note"},
      tmp.path());
  EXPECT_EQ(sarif.exit_code, 1);
  nlohmann::json s = nlohmann::json::parse(sarif.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded());
  EXPECT_EQ(s["version"], "2.1.0");
  ASSERT_EQ(s["runs"].size(), 1u);
  EXPECT_EQ(s["runs"][0]["results"].size(), j["findings"].size());
  for (const auto& r : s["runs"][0]["results"]) {
    EXPECT_TRUE(r["ruleId"].is_string());
    const std::string uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(uri.rfind(Fixture("planted"), 0), 0u) << uri;
  }

  // A baseline of the same run leaves nothing new: exit 0 even at note.
  verdict_test::WriteFile(tmp.path() / "baseline.json", json.out);
  RunResult again =
      RunPolicySim({"lint", "--snapshot", Fixture("planted"), "--output", "json", "--fail-on",
                    "note", "--baseline", (tmp.path() / "baseline.json").string()},
                   tmp.path());
  EXPECT_EQ(again.exit_code, 0) << verdict_test::Describe(again);
  nlohmann::json none = nlohmann::json::parse(again.out, nullptr, false);
  EXPECT_EQ(none["findings"].size(), 0u);

  RunResult clean =
      RunPolicySim({"lint", "--snapshot", Fixture("clean"), "--fail-on", "note"}, tmp.path());
  EXPECT_EQ(clean.exit_code, 0) << verdict_test::Describe(clean);

  RunResult bad =
      RunPolicySim({"lint", "--snapshot", Fixture("planted"), "--output", "xml"}, tmp.path());
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(LintCli, DiffLintReportsAddedAndRemovedFindings) {
  TempDir tmp;
  // Fixing every planted problem removes findings and adds none: exit 0.
  RunResult fix = RunPolicySim({"diff", "--before", Fixture("planted"), "--after", Fixture("clean"),
                                "--lint", "--output", "json"},
                               tmp.path());
  EXPECT_EQ(fix.exit_code, 0) << verdict_test::Describe(fix);
  nlohmann::json j = nlohmann::json::parse(fix.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << fix.out;
  EXPECT_EQ(j["lint"]["added"].size(), 0u);
  const Snapshot planted = Load(Fixture("planted"));
  absl::StatusOr<LintReport> report = Lint(planted);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(j["lint"]["removed"].size(), report->findings.size());
  // The other way round every finding is added: exit 1.
  RunResult regress = RunPolicySim(
      {"diff", "--before", Fixture("clean"), "--after", Fixture("planted"), "--lint"}, tmp.path());
  EXPECT_EQ(regress.exit_code, 1) << verdict_test::Describe(regress);
  EXPECT_NE(regress.out.find("[shadowed-rule]"), std::string::npos) << regress.out;
}

}  // namespace
}  // namespace verdict
