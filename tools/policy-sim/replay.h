// `policy-sim replay` (see the usage text in replay.cc and docs/cli.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_REPLAY_H_
#define VERDICT_TOOLS_POLICY_SIM_REPLAY_H_

#include <string>
#include <vector>

namespace verdict::cli {

int RunReplay(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_REPLAY_H_
