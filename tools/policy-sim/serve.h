// `policy-sim serve`: the snapshot over HTTP — Okta's policy simulation,
// §3 decisions, a forward-auth endpoint for gateways, health, metrics and hot
// reload (docs/interfaces.md §4, docs/serve.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_SERVE_H_
#define VERDICT_TOOLS_POLICY_SIM_SERVE_H_

#include <string>
#include <vector>

namespace verdict::cli {

extern const char kServeUsage[];

// Runs `serve` with the arguments after the subcommand name until SIGTERM or
// SIGINT. Returns the exit status: 0 after a graceful stop, 2 when the
// snapshot, the arguments or the address are unusable.
int RunServe(const std::vector<std::string>& args);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_SERVE_H_
