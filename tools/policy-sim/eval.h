// `policy-sim eval`: evaluates JSON Lines contexts against a snapshot
// (docs/interfaces.md §3).
#ifndef VERDICT_TOOLS_POLICY_SIM_EVAL_H_
#define VERDICT_TOOLS_POLICY_SIM_EVAL_H_

#include <string>
#include <vector>

namespace verdict::cli {

// The options of `eval`, for `policy-sim eval --help`.
extern const char kEvalUsage[];

// Runs `eval` with the arguments after the subcommand name. Returns the exit
// status: 0 all evaluated, 2 unusable snapshot or arguments, 3 some context
// lines unusable.
int RunEval(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_EVAL_H_
