// `policy-sim test` (see the usage text in test_suite.cc and docs/cli.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_TEST_SUITE_H_
#define VERDICT_TOOLS_POLICY_SIM_TEST_SUITE_H_

#include <string>
#include <vector>

namespace verdict::cli {

int RunTestSuite(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_TEST_SUITE_H_
