// `policy-sim contexts` (see the usage text in contexts.cc and docs/cli.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_CONTEXTS_H_
#define VERDICT_TOOLS_POLICY_SIM_CONTEXTS_H_

#include <string>
#include <vector>

namespace verdict::cli {

int RunContexts(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_CONTEXTS_H_
