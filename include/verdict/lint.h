// Tool header: part of verdict::verdict, not of verdict::core.
//
// Lint: what is wrong with a snapshot for every possible sign-in — rules that
// can never win, conditions that can never hold, references to zones, groups,
// behaviors, apps or IdPs the snapshot does not have, policies nobody
// reaches, catch-alls weaker than the rules above them (docs/lint.md lists
// every check, its code and level). The contract is docs/interfaces.md §6.
//
// Reasoning is exact over what it models (people: users, groups and
// Everyone; network zones as sets of IP intervals and dynamic zones; risk
// level, auth type, behaviors, identity provider, platform, app binding) and treats
// every other condition as unknown: assumed possibly true where that can only
// hide a finding, possibly false where that can only hide one — never a
// false positive from it. Every reachability finding carries a witness
// context that the reference evaluator was asked to confirm before the
// finding was reported.
#ifndef VERDICT_LINT_H_
#define VERDICT_LINT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/context.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {

enum class LintLevel { kNote = 0, kWarning = 1, kError = 2 };
std::string_view LintLevelName(LintLevel level);  // "note", "warning", "error"
std::optional<LintLevel> ParseLintLevel(std::string_view name);

struct LintFinding {
  std::string code;  // stable: "shadowed-rule", "missing-reference", ... (docs/lint.md)
  LintLevel level = LintLevel::kWarning;
  std::string policy_id;  // empty only for findings about zones alone
  std::string rule_id;    // for rule findings
  std::string zone_id;    // for zone findings (blocklist-exempt-overlap, references)
  std::string file;       // snapshot-relative file ("rules/00p1.json")
  std::string pointer;    // JSON pointer into `file`
  std::string message;
  // A context demonstrating the finding (reachability findings), already
  // confirmed with the reference evaluator.
  std::optional<SignOnContext> witness;
  // The rule that wins the witness instead, where the finding says one does.
  std::string winner_policy_id;
  std::string winner_rule_id;

  // What identifies the finding across runs (baselines): code, policy, rule,
  // zone and pointer — not the message or the witness.
  std::string Fingerprint() const;
};

// What lint learned about one active rule of an active policy (for tests and
// tools that want more than findings).
enum class RuleReach {
  kUnknown,          // not decided (unknown conditions, or the search budget ran out)
  kWins,             // `witness` is a context this rule wins (confirmed)
  kShadowed,         // earlier rules of its policy match every context it matches
  kUnsatisfiable,    // its conditions never hold where its policy applies
  kPolicyUnreached,  // its policy never applies or is shadowed
};
struct RuleReachability {
  std::string policy_id;
  std::string rule_id;
  RuleReach reach = RuleReach::kUnknown;
  std::optional<SignOnContext> witness;
};

struct LintOptions {
  // Also decide, for every rule, whether some context makes it win
  // (LintReport::rules). Costs a search per rule. Default false.
  bool rule_reachability = false;
  // Split steps allowed per question (is this rule covered by those?) before
  // it is left undecided. Default 20000.
  int64_t search_budget = 20000;
  // Expression Language conditions go to an SMT solver (docs/lint.md): at
  // most this many combinations of their truth values per policy type, and
  // about this much solver time, else that type's expressions are unknown
  // (with a note). Defaults 256 and 5000 ms.
  int max_expression_combinations = 256;
  int64_t solver_budget_ms = 5000;
};

struct LintReport {
  std::vector<LintFinding> findings;    // in snapshot order: zones, then by policy type and policy
  std::vector<RuleReachability> rules;  // with LintOptions::rule_reachability
  // How the questions were decided.
  int64_t questions = 0;           // coverage questions asked
  int64_t undecided = 0;           // of which the budget ran out
  int64_t unknown_conditions = 0;  // rules and policies with a condition lint does not model
};

// Lints `snapshot`. IdP ids are checked against the snapshot's idps.json
// (Snapshot::idps) when it has one. Extra lists are read from
// snapshot.directory when it names one, by the loader's rules: users.json,
// device-assurances.json (arrays of objects with "id"; a list that is absent
// is not checked) and admins.json (no-mfa-for-admins). Never throws; an
// unreadable extra file is an error status naming it.
absl::StatusOr<LintReport> Lint(const Snapshot& snapshot, const LintOptions& options = {});

// The report as `policy-sim lint --output json` prints it (docs/interfaces.md
// §6): {"findings": [...], "summary": {...}}.
std::string LintReportToJson(const std::vector<LintFinding>& findings);
// SARIF 2.1.0, one run, ruleId = code; locations are `snapshot_dir`/file
// with the JSON pointer as a logical location.
std::string LintReportToSarif(const std::vector<LintFinding>& findings,
                              std::string_view snapshot_dir);
// One block per finding for people.
std::string LintReportToText(const std::vector<LintFinding>& findings);
// One finding as a JSON object (the elements of "findings").
std::string LintFindingToJson(const LintFinding& finding);

// The fingerprints of a previous `--output json` (or SARIF) run, for
// `--baseline`.
absl::StatusOr<std::set<std::string>> ReadLintBaseline(const std::string& path);

}  // namespace verdict

#endif  // VERDICT_LINT_H_
