// `policy-sim diff`: which decisions change between two snapshots, for CI.
#ifndef VERDICT_TOOLS_POLICY_SIM_DIFF_H_
#define VERDICT_TOOLS_POLICY_SIM_DIFF_H_

#include <string>
#include <vector>

namespace verdict::cli {

extern const char kDiffUsage[];

// Exit status: 0 nothing changes, 1 some decision changes, 2 unusable
// snapshots/arguments/input, 3 nothing changes but some input was malformed.
int RunDiff(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_DIFF_H_
