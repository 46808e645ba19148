// policy-sim synth and policy-sim selftest: the synthetic org generator and
// the compiled-vs-reference differential check, from the command line.
#ifndef VERDICT_TOOLS_POLICY_SIM_SYNTH_H_
#define VERDICT_TOOLS_POLICY_SIM_SYNTH_H_

#include <string>
#include <vector>

namespace verdict::cli {

// policy-sim synth --policies P --rules-per-policy R --zones Z --cidrs C
//                  --groups G --seed S --out DIR [--contexts N]
int RunSynth(const std::vector<std::string>& args);

// policy-sim selftest --cases N [--seed S] [--out DIR]
int RunSelftest(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_SYNTH_H_
