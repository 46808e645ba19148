// Problems found in user input (snapshots, contexts, databases), collected
// rather than thrown: each names the file and the JSON pointer inside it.
#ifndef VERDICT_ISSUE_H_
#define VERDICT_ISSUE_H_

#include <string>
#include <vector>

#include "verdict/export.h"

namespace verdict {

struct VERDICT_EXPORT Issue {
  enum class Severity { kWarning, kError };
  Severity severity = Severity::kError;
  // A stable machine-readable code, e.g. "json.syntax", "zone.bad_cidr",
  // "rule.dangling_zone". Tests and scripts match on it.
  std::string code;
  // Path relative to the snapshot directory ("rules/00p1.json"), or the file
  // name given by the caller for contexts.
  std::string file;
  // RFC 6901 JSON pointer inside `file` ("/2/conditions/network/include/0");
  // empty for whole-file problems.
  std::string pointer;
  std::string message;

  bool is_error() const { return severity == Severity::kError; }
  // "rules/00p1.json: /2/conditions/network/include/0: unknown zone \"nzoX\""
  std::string ToString() const;
};

using IssueList = std::vector<Issue>;

VERDICT_EXPORT bool HasErrors(const IssueList& issues);

}  // namespace verdict

#endif  // VERDICT_ISSUE_H_
