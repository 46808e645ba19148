// `policy-sim explain`: the full reference-evaluator trace for one context
// (or each context of a JSON Lines file), written for people.
#include "tools/policy-sim/explain.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/decision.h"
#include "verdict/reference_evaluator.h"

namespace verdict::cli {

namespace {

const char kExplainUsage[] =
    "usage: policy-sim explain --snapshot DIR --context FILE|- [--types T1,T2]\n"
    "\n"
    "Prints, for each policy type, every policy and rule considered in order,\n"
    "each condition with its verdict and the value that decided it, and the\n"
    "winner. FILE holds one context (a JSON object, possibly pretty-printed)\n"
    "or several as JSON Lines.\n"
    "\n"
    "  --snapshot DIR    snapshot directory\n"
    "  --context FILE|-  the context ('-' reads stdin)\n"
    "  --types T1,T2     only these policy types (default: the context's, else\n"
    "                    every type in the snapshot)\n"
    "{strict}"
    "\n"
    "Exit status: 0 explained; 2 snapshot, arguments or context unusable.\n";

void Explain(const SignOnContext& context, const ReferenceEvaluator& evaluator,
             const Snapshot& snapshot, const std::vector<PolicyType>& only) {
  std::vector<PolicyType> types =
      context.policy_types.empty() ? snapshot.Types() : context.policy_types;
  if (!only.empty()) types = only;
  std::cout << "context " << (context.id.empty() ? "(no id)" : context.id) << "\n";
  for (PolicyType type : types) {
    Trace trace;
    const Decision d = evaluator.Evaluate(context, type, &trace);
    std::cout << "\n== " << PolicyTypeName(type) << " ==\n" << TraceToText(trace);
    std::cout << "  => winner: " << DescribeDecision(d) << "\n";
  }
}

}  // namespace

int RunExplain(const std::vector<std::string>& args) {
  std::string snapshot_dir;
  std::string context_path;
  std::vector<PolicyType> only;
  bool strict = false;
  static const std::string usage = WithStrictHelp(kExplainUsage);
  FlagParser flags(usage);
  flags.Switch("--strict", &strict);
  flags.String("--snapshot", "--snapshot needs a directory", &snapshot_dir);
  flags.String("--context", "--context needs a file or '-'", &context_path);
  flags.Value("--types", "--types needs a list of policy types",
              [&only](const std::string& v) -> std::string {
                for (const std::string& name : SplitList(v)) {
                  std::optional<PolicyType> t = ParsePolicyType(name);
                  if (!t) return absl::StrCat("--types: unknown policy type '", name, "'");
                  only.push_back(*t);
                }
                return "";
              });
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (snapshot_dir.empty()) return flags.UsageError("--snapshot is required");
  if (context_path.empty()) return flags.UsageError("--context is required");

  std::string text;
  if (context_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(context_path, std::ios::binary);
    if (!in) {
      std::cerr << "error: --context " << context_path << ": cannot open\n";
      return kExitUnusable;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::shared_ptr<const CompiledPolicySet> set =
      LoadSnapshotOrReport(snapshot_dir, "", strict);
  if (!set) return kExitUnusable;
  const ReferenceEvaluator evaluator(set);

  // One object (any layout) first; else JSON Lines.
  const ContextChecker checker(set->snapshot());
  ContextCheckOptions check;
  check.checker = &checker;
  check.warnings_are_errors = strict;
  check.file = context_path == "-" ? "<stdin>" : context_path;
  IssueList warnings;
  std::vector<SignOnContext> contexts;
  absl::StatusOr<SignOnContext> whole = ParseContext(text);
  if (whole.ok()) {
    absl::StatusOr<SignOnContext> checked = ParseAndCheckContext(text, check, &warnings);
    PrintContextWarnings(warnings, check.file, "context");
    if (!checked.ok()) {
      std::cerr << "error: --context " << check.file << ": " << checked.status().message() << '\n';
      return kExitUnusable;
    }
    contexts.push_back(*std::move(checked));
  } else {
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      if (IsBlank(line)) continue;
      warnings.clear();
      absl::StatusOr<SignOnContext> c = ParseAndCheckContext(line, check, &warnings);
      PrintContextWarnings(warnings, check.file, absl::StrCat("line ", number));
      if (!c.ok()) {
        std::cerr << "error: --context " << context_path << ": line " << number << ": "
                  << c.status().message() << '\n';
        return kExitUnusable;
      }
      contexts.push_back(*std::move(c));
    }
    if (contexts.empty()) {
      std::cerr << "error: --context " << context_path << ": " << whole.status().message() << '\n';
      return kExitUnusable;
    }
  }
  for (size_t i = 0; i < contexts.size(); ++i) {
    if (i > 0) std::cout << "\n";
    Explain(contexts[i], evaluator, set->snapshot(), only);
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

}  // namespace verdict::cli
