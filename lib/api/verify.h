// The default check of a staged snapshot before it replaces the previous one.
// Internal to lib/api.
#ifndef VERDICT_LIB_API_VERIFY_H_
#define VERDICT_LIB_API_VERIFY_H_

#include <string>

#include "absl/status/status.h"

namespace verdict::api {

// OK when `dir` loads as a snapshot without errors (warnings allowed) and the
// result compiles. The error names the first problem (file and JSON pointer).
absl::Status VerifyStagedSnapshot(const std::string& dir);

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_VERIFY_H_
