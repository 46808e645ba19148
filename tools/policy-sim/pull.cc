// `policy-sim pull`: a snapshot of a live org through the Management API.
// The work is verdict::PullSnapshot (include/verdict/okta_client.h); this file
// parses flags, finds the token, shows progress and reports.
#include "tools/policy-sim/pull.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "verdict/okta_client.h"

namespace verdict::cli {

const char kPullUsage[] =
    "usage: policy-sim pull --org URL --out DIR [options]\n"
    "\n"
    "Pulls the org's policies, rules, zones and related objects through the\n"
    "Management API into a snapshot directory (docs/pull.md). The pull is staged\n"
    "next to DIR and replaces it only when complete and loadable; a failed or\n"
    "interrupted pull leaves DIR as it was.\n"
    "\n"
    "Authentication: OKTA_API_TOKEN (an API token, sent as SSWS), or\n"
    "--bearer-token-file (an OAuth 2.0 access token), or an OAuth service app\n"
    "(--client-id and --private-key: client credentials with private_key_jwt).\n"
    "Tokens and keys are never printed.\n"
    "\n"
    "  --org URL                  https://<org>.okta.com (http:// only for loopback)\n"
    "  --out DIR                  snapshot directory to create or replace\n"
    "  --bearer-token-file FILE   read an OAuth access token from FILE\n"
    "  --client-id ID             authenticate as this OAuth service app ...\n"
    "  --private-key FILE         ... signing with this PEM private key (RSA: RS256;\n"
    "                             EC P-256/384/521: ES256/384/512)\n"
    "  --key-id KID               the kid of the app's public key (when it has several)\n"
    "  --scopes S1,S2             scopes to ask for (default: every okta.*.read scope\n"
    "                             docs/pull.md lists for pull)\n"
    "  --with-memberships FILE    also pull users/{id}/groups for every user that\n"
    "                             the System Log events in FILE (JSON Lines) name\n"
    "  --timeout SECONDS          limit per request (default 60)\n"
    "  --max-retries N            retries after 5xx/connection errors (default 4)\n"
    "  --ca-file FILE             trust this CA bundle instead of the system's\n"
    "  -h, --help                 this help\n"
    "\n"
    "Exit status: 0 pulled; 1 the pull failed (also: the token endpoint refused\n"
    "the service app); 2 unusable arguments, no token, or an unreadable key;\n"
    "130 interrupted.\n";

namespace pull_internal {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

bool g_progress_shown = false;

}  // namespace

std::string MissingValue(std::string_view flag) {
  return absl::StrCat(absl::string_view(flag.data(), flag.size()), ": missing value");
}

void AddCommonFlags(FlagParser* parser, CommonFlags* flags) {
  parser->String("--org", MissingValue("--org"), &flags->org);
  parser->String("--bearer-token-file", MissingValue("--bearer-token-file"),
                 &flags->bearer_token_file);
  parser->String("--client-id", MissingValue("--client-id"), &flags->client_id);
  parser->String("--private-key", MissingValue("--private-key"), &flags->private_key_file);
  parser->String("--key-id", MissingValue("--key-id"), &flags->key_id);
  parser->Value("--scopes", MissingValue("--scopes"), [flags](const std::string& v) {
    flags->scopes.clear();
    for (absl::string_view scope : absl::StrSplit(v, absl::ByAnyChar(", "), absl::SkipEmpty())) {
      flags->scopes.emplace_back(scope);
    }
    if (flags->scopes.empty())
      return std::string("--scopes: want scope names, e.g. okta.policies.read");
    return std::string();
  });
  parser->String("--ca-file", MissingValue("--ca-file"), &flags->http.ca_file);
  parser->Value("--timeout", MissingValue("--timeout"), [flags](const std::string& v) {
    double seconds = 0;
    if (!absl::SimpleAtod(v, &seconds) || seconds <= 0) {
      return std::string("--timeout: want a positive number of seconds");
    }
    flags->http.request_timeout = absl::Seconds(seconds);
    return std::string();
  });
  parser->Value("--max-retries", MissingValue("--max-retries"), [flags](const std::string& v) {
    int n = 0;
    if (!absl::SimpleAtoi(v, &n) || n < 0 || n > 20) {
      return std::string("--max-retries: want a number from 0 to 20");
    }
    flags->http.max_retries = n;
    return std::string();
  });
}

absl::StatusOr<OktaCredential> CredentialFor(const CommonFlags& flags,
                                             std::vector<std::string> default_scopes) {
  const bool service_app = !flags.client_id.empty() || !flags.private_key_file.empty();
  if (!service_app) {
    if (!flags.key_id.empty() || !flags.scopes.empty()) {
      return absl::InvalidArgumentError(
          "--key-id and --scopes belong to a service app: give --client-id and --private-key too");
    }
    return CredentialFromEnvironmentOrFile(flags.bearer_token_file);
  }
  if (flags.client_id.empty() || flags.private_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a service app needs both --client-id and --private-key (a PEM private key file)");
  }
  if (!flags.bearer_token_file.empty()) {
    return absl::InvalidArgumentError(
        "--bearer-token-file and --client-id/--private-key are two ways to authenticate: give one");
  }
  return ServiceAppCredential(flags.client_id, flags.private_key_file, flags.key_id,
                              flags.scopes.empty() ? std::move(default_scopes) : flags.scopes);
}

absl::StatusOr<std::vector<std::string>> UsersInLog(const std::string& path,
                                                    std::string_view flag_view) {
  const std::string flag(flag_view);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::vector<std::string> users;
  std::set<std::string> seen;
  auto add = [&](const nlohmann::json& entity) {
    if (!entity.is_object() || entity.value("type", "") != "User") return;
    if (!entity.contains("id") || !entity["id"].is_string()) return;
    const std::string id = entity["id"].get<std::string>();
    if (seen.insert(id).second) users.push_back(id);
  };
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (IsBlank(line)) continue;
    nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", path, ":", line_number, ": not a JSON object"));
    }
    if (event.contains("actor")) add(event["actor"]);
    if (event.contains("target") && event["target"].is_array()) {
      for (const auto& target : event["target"]) add(target);
    }
  }
  return users;
}

const std::atomic<bool>* InstallInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = &OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return &g_interrupted;
}

std::function<void(const PullProgress&)> TerminalProgress() {
  if (!isatty(STDERR_FILENO)) return nullptr;
  return [](const PullProgress& p) {
    g_progress_shown = true;
    std::string line = absl::StrCat(p.endpoint, "  page ", p.pages, ", ", p.items, " items (",
                                    p.total_items, " total)");
    if (line.size() > 100) line = absl::StrCat(line.substr(0, 97), "...");
    std::cerr << "\r\033[K" << line << std::flush;
  };
}

void FinishProgress() {
  if (g_progress_shown) std::cerr << "\r\033[K" << std::flush;
  g_progress_shown = false;
}

int ExitCodeFor(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kCancelled) return 130;
  return kExitFailure;
}

}  // namespace pull_internal

using pull_internal::CommonFlags;

int RunPull(const std::vector<std::string>& args) {
  CommonFlags common;
  std::string out;
  std::string memberships_log;
  FlagParser flags(kPullUsage);
  pull_internal::AddCommonFlags(&flags, &common);
  flags.String("--out", pull_internal::MissingValue("--out"), &out);
  flags.String("--with-memberships", pull_internal::MissingValue("--with-memberships"),
               &memberships_log);
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (common.org.empty() || out.empty()) return flags.UsageError("--org and --out are required");
  auto credential = pull_internal::CredentialFor(common, DefaultPullScopes());
  if (!credential.ok()) {
    std::cerr << "error: " << credential.status().message() << "\n";
    return kExitUnusable;
  }
  PullOptions options;
  options.org_url = common.org;
  options.credential = *credential;
  options.out_dir = out;
  options.http = common.http;
  options.http.cancel = pull_internal::InstallInterruptHandler();
  options.progress = pull_internal::TerminalProgress();
  if (!memberships_log.empty()) {
    auto users = pull_internal::UsersInLog(memberships_log, "--with-memberships");
    if (!users.ok()) {
      std::cerr << "error: " << users.status().message() << "\n";
      return kExitUnusable;
    }
    options.membership_user_ids = *users;
  }

  auto report = PullSnapshot(options);
  pull_internal::FinishProgress();
  if (!report.ok()) {
    // PullSnapshot redacts the token from every message it returns.
    std::cerr << "error: pull failed, " << out << " left unchanged: " << report.status().message()
              << "\n";
    return report.status().code() == absl::StatusCode::kInvalidArgument &&
                   absl::StartsWith(report.status().message(), "--")
               ? kExitUnusable
               : pull_internal::ExitCodeFor(report.status());
  }
  for (const SkippedEndpoint& s : report->skipped) {
    std::cerr << "note: skipped " << s.endpoint << " (HTTP " << s.http_status
              << (s.error_code.empty() ? "" : " " + s.error_code) << ")\n";
  }
  int64_t items = 0;
  for (const auto& [file, n] : report->file_items) items += n;
  std::cout << "pulled " << report->file_items.size() << " files (" << items << " objects) into "
            << report->out_dir << " with " << report->requests << " requests";
  if (report->retries > 0) std::cout << " (" << report->retries << " retried)";
  if (!report->skipped.empty()) std::cout << "; " << report->skipped.size() << " endpoints skipped";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace verdict::cli
