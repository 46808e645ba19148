// `policy-sim pull` and `policy-sim logs pull`: an org's policies, zones and
// related objects into a snapshot directory, and System Log events into a
// JSON Lines file, through the Management API (docs/pull.md).
#ifndef VERDICT_TOOLS_POLICY_SIM_PULL_H_
#define VERDICT_TOOLS_POLICY_SIM_PULL_H_

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/policy-sim/flags.h"
#include "verdict/okta_client.h"

namespace verdict::cli {

extern const char kPullUsage[];
extern const char kLogsPullUsage[];

// Runs `pull` with the arguments after the subcommand name. Exit status: 0
// pulled, 1 the pull failed (previous snapshot untouched), 2 unusable
// arguments or no token, 130 interrupted.
int RunPull(const std::vector<std::string>& args);

// Runs `logs pull` with the arguments after "logs pull". Exit statuses as
// RunPull; an interrupted run resumes from FILE.cursor.
int RunLogsPull(const std::vector<std::string>& args);

// Shared by both commands (pull.cc).
namespace pull_internal {

// Flags common to both: --org, --bearer-token-file, the service app's
// --client-id, --private-key, --key-id and --scopes, --timeout,
// --max-retries, --ca-file.
struct CommonFlags {
  std::string org;
  std::string bearer_token_file;
  std::string client_id;
  std::string private_key_file;
  std::string key_id;
  std::vector<std::string> scopes;  // empty = the command's default
  HttpOptions http;
};

// Declares the common flags on `parser`, to be stored in *flags.
void AddCommonFlags(FlagParser* parser, CommonFlags* flags);

// The credential the flags name: a service app (--client-id and
// --private-key, asking for flags.scopes or else `default_scopes`), a Bearer
// token (--bearer-token-file) or OKTA_API_TOKEN. InvalidArgument for
// conflicting or incomplete flags; messages never contain a secret.
absl::StatusOr<OktaCredential> CredentialFor(const CommonFlags& flags,
                                             std::vector<std::string> default_scopes);

// The ids of the users that the System Log events in `path` (JSON Lines) name
// (actor and targets of type User), in first-seen order. `flag` names the
// option in messages.
absl::StatusOr<std::vector<std::string>> UsersInLog(const std::string& path, std::string_view flag);

// "--out: missing value", the message of a flag given without its value.
std::string MissingValue(std::string_view flag);

// SIGINT/SIGTERM set this flag (pass it as HttpOptions::cancel).
const std::atomic<bool>* InstallInterruptHandler();

// A one-line progress display on stderr when stderr is a terminal; an empty
// function otherwise. Call FinishProgress() before printing anything else.
std::function<void(const PullProgress&)> TerminalProgress();
void FinishProgress();

// Exit status for a failed pull.
int ExitCodeFor(const absl::Status& status);

}  // namespace pull_internal

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_PULL_H_
