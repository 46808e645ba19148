// Load-time validation of Okta expressions: every elCondition and every
// userIdentifier EXPRESSION pattern is compiled once; a malformed one is a
// warning naming the file, the JSON pointer and the column. The rule still
// loads and never matches (Part A §A2).
#include <string>

#include "absl/strings/str_cat.h"
#include "verdict/expression.h"

namespace verdict {
namespace {

void CheckConditions(const Conditions& c, const std::string& file, const std::string& pointer,
                     IssueList* issues) {
  const std::string base = absl::StrCat(pointer, "/conditions");
  if (c.el_condition) {
    auto compiled = CompileExpression(c.el_condition->condition);
    if (!compiled.ok()) {
      issues->push_back({Issue::Severity::kWarning, "rule.bad_expression", file,
                         absl::StrCat(base, "/elCondition/condition"),
                         std::string(compiled.status().message())});
    }
  }
  if (c.user_identifier) {
    for (size_t i = 0; i < c.user_identifier->patterns.size(); ++i) {
      const UserIdentifierPattern& p = c.user_identifier->patterns[i];
      if (p.match_type != "EXPRESSION") continue;
      auto re = CompileRegex(p.value);
      if (!re.ok()) {
        issues->push_back({Issue::Severity::kWarning, "rule.bad_expression", file,
                           absl::StrCat(base, "/userIdentifier/patterns/", i, "/value"),
                           std::string(re.status().message())});
      }
    }
  }
}

}  // namespace

void CheckSnapshotExpressions(const Snapshot& snapshot, IssueList* issues) {
  for (const Policy& policy : snapshot.policies) {
    CheckConditions(policy.conditions, policy.file, policy.pointer, issues);
    for (const Rule& rule : policy.rules) {
      CheckConditions(rule.conditions, rule.file, rule.pointer, issues);
    }
  }
}

}  // namespace verdict
