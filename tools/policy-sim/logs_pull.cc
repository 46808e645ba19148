// `policy-sim logs pull`: System Log events appended to a JSON Lines file,
// resumable through FILE.cursor. The work is verdict::PullLogs.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/pull.h"
#include "verdict/okta_client.h"

namespace verdict::cli {

const char kLogsPullUsage[] =
    "usage: policy-sim logs pull --org URL --since TIME --out FILE.jsonl [options]\n"
    "\n"
    "Appends System Log events (GET /api/v1/logs) to FILE.jsonl, one JSON object\n"
    "per line, page by page. After each page is on disk, FILE.jsonl.cursor records\n"
    "where to continue: run the same command again to resume an interrupted pull\n"
    "(nothing lost, nothing repeated) or, without --until, to fetch newer events.\n"
    "\n"
    "  --org URL                  https://<org>.okta.com (http:// only for loopback)\n"
    "  --since TIME               ISO 8601, e.g. 2025-03-14T00:00:00Z (required\n"
    "                             unless resuming)\n"
    "  --until TIME               end of the window (exclusive)\n"
    "  --filter EXPR              e.g. 'eventType eq \"policy.evaluate_sign_on\"'\n"
    "  --q TEXT                   keyword search\n"
    "  --limit N                  events per page, 1..1000 (server default 100)\n"
    "  --after CURSOR             start from an explicit cursor\n"
    "  --out FILE                 the JSON Lines file to append to\n"
    "  --with-memberships FILE    then fetch the groups of every user the events\n"
    "                             in --out name (GET /api/v1/users/{id}/groups)\n"
    "                             into FILE, for replay/diff --memberships FILE\n"
    "  --bearer-token-file FILE   read an OAuth access token from FILE\n"
    "  --client-id ID             authenticate as this OAuth service app ...\n"
    "  --private-key FILE         ... signing with this PEM private key (RSA or EC)\n"
    "  --key-id KID               the kid of the app's public key\n"
    "  --scopes S1,S2             scopes to ask for (default okta.logs.read, and\n"
    "                             okta.users.read with --with-memberships)\n"
    "  --timeout SECONDS          limit per request (default 60)\n"
    "  --max-retries N            retries after 5xx/connection errors (default 4)\n"
    "  --ca-file FILE             trust this CA bundle instead of the system's\n"
    "  -h, --help                 this help\n"
    "\n"
    "The token comes from OKTA_API_TOKEN, --bearer-token-file, or the service app\n"
    "(--client-id, --private-key); never printed.\n"
    "Exit status: 0 done; 1 the pull failed (resume by running it again; also the\n"
    "token endpoint refusing the service app, or the memberships fetch failing,\n"
    "the events stay); 2 unusable arguments, no token, or an unreadable key;\n"
    "130 interrupted.\n";

int RunLogsPull(const std::vector<std::string>& args) {
  pull_internal::CommonFlags common;
  LogsPullOptions options;
  using pull_internal::MissingValue;
  FlagParser flags(kLogsPullUsage);
  pull_internal::AddCommonFlags(&flags, &common);
  flags.String("--out", MissingValue("--out"), &options.out_file);
  flags.String("--since", MissingValue("--since"), &options.since);
  flags.String("--until", MissingValue("--until"), &options.until);
  flags.String("--filter", MissingValue("--filter"), &options.filter);
  flags.String("--q", MissingValue("--q"), &options.q);
  flags.String("--after", MissingValue("--after"), &options.after);
  std::string memberships_out;
  flags.String("--with-memberships", MissingValue("--with-memberships"), &memberships_out);
  flags.Value("--limit", MissingValue("--limit"), [&options](const std::string& v) {
    if (!absl::SimpleAtoi(v, &options.limit) || options.limit < 1 || options.limit > 1000) {
      return std::string("--limit: want a number from 1 to 1000");
    }
    return std::string();
  });
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (common.org.empty() || options.out_file.empty()) {
    return flags.UsageError("--org and --out are required");
  }
  if (!memberships_out.empty() && memberships_out == options.out_file) {
    return flags.UsageError("--with-memberships: give a file other than --out");
  }
  auto credential =
      pull_internal::CredentialFor(common, DefaultLogsPullScopes(!memberships_out.empty()));
  if (!credential.ok()) {
    std::cerr << "error: " << credential.status().message() << "\n";
    return kExitUnusable;
  }
  options.org_url = common.org;
  options.credential = *credential;
  options.http = common.http;
  options.http.cancel = pull_internal::InstallInterruptHandler();
  options.progress = pull_internal::TerminalProgress();

  auto report = PullLogs(options);
  pull_internal::FinishProgress();
  if (!report.ok()) {
    std::cerr << "error: logs pull stopped: " << report.status().message() << "\n"
              << "(every event written so far is complete; run the same command to resume)\n";
    if (report.status().code() == absl::StatusCode::kInvalidArgument) return kExitUnusable;
    return pull_internal::ExitCodeFor(report.status());
  }
  std::cout << "appended " << report->events << " events (" << report->pages << " pages) to "
            << options.out_file;
  if (report->resumed) std::cout << ", resumed from " << options.out_file << ".cursor";
  std::cout << (report->complete ? "; the query is complete" : "; caught up") << "\n";
  if (memberships_out.empty()) return kExitOk;

  // Every user the file names, not only this run's: a resumed pull's
  // memberships file covers the whole export.
  auto users = pull_internal::UsersInLog(options.out_file, "--with-memberships");
  if (!users.ok()) {
    std::cerr << "error: " << users.status().message() << "\n";
    return kExitFailure;
  }
  MembershipsPullOptions memberships;
  memberships.org_url = options.org_url;
  memberships.credential = options.credential;
  memberships.user_ids = *users;
  memberships.out_file = memberships_out;
  memberships.http = options.http;
  memberships.progress = options.progress;
  auto pulled = PullMemberships(memberships);
  pull_internal::FinishProgress();
  if (!pulled.ok()) {
    std::cerr << "error: memberships not written (" << memberships_out
              << " left as it was): " << pulled.status().message() << "\n";
    return pull_internal::ExitCodeFor(pulled.status());
  }
  for (const SkippedEndpoint& s : pulled->skipped) {
    std::cerr << "note: skipped " << s.endpoint << " (HTTP " << s.http_status
              << (s.error_code.empty() ? "" : " " + s.error_code)
              << "): that user's events stay without memberships\n";
  }
  std::cout << "wrote the groups of " << pulled->users << " users (" << pulled->memberships
            << " memberships) to " << memberships_out;
  if (!pulled->skipped.empty()) std::cout << "; " << pulled->skipped.size() << " users skipped";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace verdict::cli
