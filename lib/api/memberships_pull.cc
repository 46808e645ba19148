// `policy-sim logs pull --with-memberships`: the groups of the users a System
// Log export names, as one memberships file (the format --memberships reads),
// so replay and diff --logs know what the log events do not carry.
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/api/http_client.h"
#include "lib/api/staging.h"
#include "verdict/okta_client.h"

namespace verdict {

absl::StatusOr<MembershipsPullReport> PullMemberships(const MembershipsPullOptions& options) {
  if (options.out_file.empty()) return absl::InvalidArgumentError("no memberships file given");
  auto client_or = api::HttpClient::Create(options.org_url, options.credential, options.http);
  auto finish = [&](const absl::Status& s) {
    const std::string message =
        client_or.ok() ? (*client_or)->Redact(std::string(s.message()))
                       : RedactSecret(std::string(s.message()), options.credential.token);
    return absl::Status(s.code(), EscapeControlCharacters(message));
  };
  if (!client_or.ok()) return finish(client_or.status());
  api::HttpClient& client = **client_or;

  MembershipsPullReport report;
  api::Json file = api::Json::object();
  std::set<std::string> done;
  int64_t total_items = 0;
  for (const std::string& user : options.user_ids) {
    if (!api::IsSafeId(user)) {
      return finish(
          absl::InvalidArgumentError(absl::StrCat("not a user id: \"", user.substr(0, 64), "\"")));
    }
    if (!done.insert(user).second) continue;
    const std::string path = absl::StrCat("/api/v1/users/", user, "/groups");
    api::ApiResult result = client.GetAllPages(path, [&](int pages, int64_t items) {
      api::ReportProgress(options.progress, path, pages, items, total_items + items);
    });
    if (!result.status.ok()) {
      // A user deleted since the event (404) or one the credential may not
      // read (403) is left out: unknown, not group-less.
      if (result.http_status == 404 || result.http_status == 403) {
        report.skipped.push_back(
            {path, result.http_status, result.error_code, std::string(result.status.message())});
        continue;
      }
      return finish(result.status);
    }
    total_items += static_cast<int64_t>(result.value.size());
    report.memberships += static_cast<int64_t>(result.value.size());
    ++report.users;
    file[user] = std::move(result.value);
  }
  std::string text;
  try {
    text = file.dump(2, ' ', /*ensure_ascii=*/false, api::Json::error_handler_t::strict);
  } catch (const nlohmann::json::exception& e) {
    return finish(
        absl::DataLossError(absl::StrCat("cannot serialise the memberships: ", e.what())));
  }
  text.push_back('\n');
  if (absl::Status s = api::ReplaceFileAtomically(options.out_file, client.Redact(text)); !s.ok()) {
    return finish(s);
  }
  report.requests = client.requests();
  report.retries = client.retries();
  for (SkippedEndpoint& s : report.skipped) {
    s.reason = EscapeControlCharacters(client.Redact(s.reason));
  }
  return report;
}

}  // namespace verdict
