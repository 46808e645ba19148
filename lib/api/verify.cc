#include "lib/api/verify.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "verdict/engine.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict::api {

absl::Status VerifyStagedSnapshot(const std::string& dir) {
  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(dir, &issues);
  std::vector<std::string> errors;
  for (const Issue& issue : issues) {
    if (issue.is_error() && errors.size() < 5) errors.push_back(issue.ToString());
  }
  if (!snapshot.ok() || !errors.empty()) {
    return absl::InvalidArgumentError(errors.empty() ? std::string(snapshot.status().message())
                                                     : absl::StrJoin(errors, "; "));
  }
  auto compiled = Compile(*std::move(snapshot));
  if (!compiled.ok()) {
    return absl::Status(compiled.status().code(),
                        absl::StrCat("does not compile: ", compiled.status().message()));
  }
  return absl::OkStatus();
}

}  // namespace verdict::api
