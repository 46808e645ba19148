#include "verdict/context_check.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "verdict/context_checker.h"

namespace verdict {

void CheckContext(const SignOnContext& context, const Snapshot& snapshot, const std::string& file,
                  IssueList* warnings) {
  if (warnings == nullptr) return;
  ContextChecker(snapshot).Check(context, file, warnings);
}

absl::Status CheckParsedContext(const SignOnContext& context, const ContextCheckOptions& options,
                                IssueList parse_warnings, IssueList* warnings) {
  IssueList& found = parse_warnings;
  for (Issue& w : found) w.file = options.file;
  if (options.checker != nullptr) {
    options.checker->Check(context, options.file, &found);
  } else if (options.snapshot != nullptr) {
    CheckContext(context, *options.snapshot, options.file, &found);
  }
  if (options.warnings_are_errors && !found.empty()) {
    const Issue& first = found.front();
    std::string error =
        first.pointer.empty() ? first.message : absl::StrCat(first.pointer, ": ", first.message);
    if (found.size() > 1) absl::StrAppend(&error, " (and ", found.size() - 1, " more warning(s))");
    return absl::InvalidArgumentError(absl::StrCat(error, " [--strict]"));
  }
  if (warnings != nullptr) warnings->insert(warnings->end(), found.begin(), found.end());
  return absl::OkStatus();
}

absl::StatusOr<SignOnContext> ParseAndCheckContext(std::string_view json_text,
                                                   const ContextCheckOptions& options,
                                                   IssueList* warnings) {
  IssueList found;
  absl::StatusOr<SignOnContext> context = ParseContext(json_text, &found);
  if (!context.ok()) return context;
  if (absl::Status s = CheckParsedContext(*context, options, std::move(found), warnings); !s.ok()) {
    return s;
  }
  return context;
}

}  // namespace verdict
