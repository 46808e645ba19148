// `policy-sim explain` (see the usage text in explain.cc and docs/cli.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_EXPLAIN_H_
#define VERDICT_TOOLS_POLICY_SIM_EXPLAIN_H_

#include <string>
#include <vector>

namespace verdict::cli {

int RunExplain(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_EXPLAIN_H_
