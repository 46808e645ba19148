// The checks of lint that need no condition space: references, zones,
// priorities, expressions (lib/lint/checks.cc), and the output forms
// (lib/lint/report.cc).
#ifndef VERDICT_LIB_LINT_LINT_INTERNAL_H_
#define VERDICT_LIB_LINT_LINT_INTERNAL_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/compile/snapshot_facts.h"
#include "verdict/lint.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"

namespace verdict::internal::lint {

// Ids of objects lint checks references against: the snapshot's IdPs, and
// lists the typed snapshot does not hold, read from the snapshot directory
// when the file is there (nullopt: not in the snapshot, not checked).
struct ReferenceLists {
  std::optional<std::set<std::string>> idps;               // idps.json (Snapshot::idps)
  std::optional<std::set<std::string>> users;              // users.json
  std::optional<std::set<std::string>> device_assurances;  // device-assurances.json
  // admins.json: users with an administrator role (the "value" of GET
  // /api/v1/iam/assignees/users), for no-mfa-for-admins.
  std::optional<std::set<std::string>> admins;
};
absl::StatusOr<ReferenceLists> ReadReferenceLists(const Snapshot& snapshot);

// missing-reference, inactive-zone-reference.
void CheckReferences(const Snapshot& s, const SnapshotFacts& facts, const ReferenceLists& lists,
                     std::vector<LintFinding>* out);
// blocklist-exempt-overlap, zone-overlap.
void CheckZones(const Snapshot& s, const SnapshotFacts& facts, const ReferenceEvaluator& ref,
                std::vector<LintFinding>* out);
// priority-tie.
void CheckPriorities(const Snapshot& s, std::vector<LintFinding>* out);
// expression-unanalysable.
void CheckExpressions(const Snapshot& s, const SnapshotFacts& facts, std::vector<LintFinding>* out);

}  // namespace verdict::internal::lint

#endif  // VERDICT_LIB_LINT_LINT_INTERNAL_H_
