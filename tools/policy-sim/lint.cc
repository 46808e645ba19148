// `policy-sim lint`: the findings of verdict/lint.h for one snapshot, as text,
// JSON (docs/interfaces.md §6) or SARIF 2.1.0, with a CI gate.
#include "tools/policy-sim/lint.h"

#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/lint.h"
#include "verdict/snapshot.h"

namespace verdict::cli {

namespace {

const char kLintUsage[] =
    "usage: policy-sim lint --snapshot DIR [--output text|json|sarif]\n"
    "                       [--fail-on error|warning|note] [--baseline FILE]\n"
    "\n"
    "Finds shadowed, unsatisfiable and dangerous rules and policies, dangling\n"
    "references and zones that cancel out, for every possible sign-in\n"
    "(docs/lint.md lists every check). Findings about reachability carry a\n"
    "witness context the evaluator confirmed.\n"
    "\n"
    "  --snapshot DIR    snapshot directory\n"
    "  --output FORMAT   text (default), json or sarif (SARIF 2.1.0)\n"
    "  --fail-on LEVEL   exit 1 when a finding at or above LEVEL is reported\n"
    "                    (default error)\n"
    "  --baseline FILE   report only findings not in FILE (a previous --output\n"
    "                    json or sarif run)\n"
    "\n"
    "Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;\n"
    "2 snapshot or arguments unusable.\n";

}  // namespace

int RunLint(const std::vector<std::string>& args) {
  std::string snapshot_dir;
  std::string output = "text";
  std::string baseline_path;
  LintLevel fail_on = LintLevel::kError;
  FlagParser flags(kLintUsage);
  flags.String("--snapshot", "--snapshot needs a directory", &snapshot_dir);
  flags.Value("--output", "--output needs text, json or sarif",
              [&output](const std::string& v) -> std::string {
                if (v != "text" && v != "json" && v != "sarif") {
                  return absl::StrCat("--output: unknown format '", v, "' (text, json, sarif)");
                }
                output = v;
                return "";
              });
  flags.Value("--fail-on", "--fail-on needs error, warning or note",
              [&fail_on](const std::string& v) -> std::string {
                std::optional<LintLevel> level = ParseLintLevel(v);
                if (!level) return absl::StrCat("--fail-on: unknown level '", v, "'");
                fail_on = *level;
                return "";
              });
  flags.String("--baseline", "--baseline needs a file", &baseline_path);
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (snapshot_dir.empty()) return flags.UsageError("--snapshot is required");

  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(snapshot_dir, &issues);
  if (!snapshot.ok()) {
    std::cerr << "error: " << snapshot.status().message() << "\n";
    return kExitUnusable;
  }
  std::set<std::string> baseline;
  if (!baseline_path.empty()) {
    absl::StatusOr<std::set<std::string>> read = ReadLintBaseline(baseline_path);
    if (!read.ok()) {
      std::cerr << "error: " << read.status().message() << "\n";
      return kExitUnusable;
    }
    baseline = std::move(*read);
  }
  absl::StatusOr<LintReport> report = Lint(*snapshot);
  if (!report.ok()) {
    std::cerr << "error: " << report.status().message() << "\n";
    return kExitUnusable;
  }
  // Said on stderr so that a budget that ran out is never silent.
  if (report->undecided > 0) {
    std::cerr << "note: " << report->undecided << " of " << report->questions
              << " reachability questions were left undecided (search budget): no finding "
                 "is reported for them\n";
  }
  std::vector<LintFinding> findings;
  for (LintFinding& f : report->findings) {
    if (baseline.count(f.Fingerprint()) == 0) findings.push_back(std::move(f));
  }
  if (output == "json") {
    std::cout << LintReportToJson(findings) << "\n";
  } else if (output == "sarif") {
    std::cout << LintReportToSarif(findings, snapshot_dir) << "\n";
  } else {
    std::cout << LintReportToText(findings);
  }
  for (const LintFinding& f : findings) {
    if (f.level >= fail_on) return kExitFailure;
  }
  return kExitOk;
}

}  // namespace verdict::cli
