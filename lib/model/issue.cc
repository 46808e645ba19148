#include "verdict/issue.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace verdict {

std::string Issue::ToString() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (!pointer.empty()) absl::StrAppend(&out, ": ", pointer);
  absl::StrAppend(&out, ": ", message);
  return out;
}

bool HasErrors(const IssueList& issues) {
  return std::any_of(issues.begin(), issues.end(), [](const Issue& i) { return i.is_error(); });
}

}  // namespace verdict
