// `policy-sim lint` (see the usage text in lint.cc, docs/cli.md and docs/lint.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_LINT_H_
#define VERDICT_TOOLS_POLICY_SIM_LINT_H_

#include <string>
#include <vector>

namespace verdict::cli {

int RunLint(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_LINT_H_
