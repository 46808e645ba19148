// Load-time validation of Okta expressions: every elCondition, platform
// os.expression and userIdentifier EXPRESSION pattern is compiled once; a malformed one is a
// warning naming the file, the JSON pointer and the column. The rule still
// loads and never matches (Part A §A2).
#include <string>
#include <utility>

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
  if (c.platform) {
    for (const auto& [list, name] :
         {std::pair{&c.platform->include, "include"}, std::pair{&c.platform->exclude, "exclude"}}) {
      for (size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i].os_expression.empty()) continue;
        auto compiled = CompileExpression((*list)[i].os_expression);
        if (!compiled.ok()) {
          issues->push_back({Issue::Severity::kWarning, "rule.bad_expression", file,
                             absl::StrCat(base, "/platform/", name, "/", i, "/os/expression"),
                             std::string(compiled.status().message())});
        }
      }
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
      if (!rule.idp) continue;
      for (size_t i = 0; i < rule.idp->match_criteria.size(); ++i) {
        auto compiled = CompileExpression(rule.idp->match_criteria[i].provider_expression);
        if (!compiled.ok()) {
          issues->push_back(
              {Issue::Severity::kWarning, "rule.bad_expression", rule.file,
               absl::StrCat(rule.pointer, "/actions/idp/matchCriteria/", i, "/providerExpression"),
               std::string(compiled.status().message())});
        }
      }
    }
  }
}

}  // namespace verdict
