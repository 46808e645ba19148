// Problems found in user input (snapshots, contexts, databases), collected
// rather than thrown: each names the file and the JSON pointer inside it.
#ifndef VERDICT_ISSUE_H_
#define VERDICT_ISSUE_H_

#include <string>
#include <string_view>
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

// A place in a snapshot: the file relative to the snapshot directory and the
// RFC 6901 JSON pointer inside it (the form Issue uses).
struct SnapshotLocation {
  std::string file;
  std::string pointer;
};

// `text` from untrusted input (snapshot content, file names, a server's error
// text) made safe for a terminal: C0 controls and DEL as \xNN, C1 controls
// (U+0080–U+009F, CSI among them) as \u00NN, bytes that are not UTF-8 as
// \xNN; everything else as it is. Issue::ToString() and every excerpt or
// quoted value in a message go through it.
std::string EscapeControlCharacters(std::string_view text);

VERDICT_EXPORT bool HasErrors(const IssueList& issues);

}  // namespace verdict

#endif  // VERDICT_ISSUE_H_
