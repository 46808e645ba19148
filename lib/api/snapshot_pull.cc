// `policy-sim pull`: every endpoint of docs/pull.md into a staged directory,
// verified, then swapped over --out. Files hold the API's JSON values as
// received (pages of a listing concatenated into one array, key order kept).
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/api/http_client.h"
#include "lib/api/listing_writer.h"
#include "lib/api/staging.h"
#include "lib/api/verify.h"
#include "verdict/okta_client.h"
#include "verdict/policy_type.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using api::ApiResult;
using api::HttpClient;
using api::Json;

// Standard admin roles whose notification subscriptions are pulled.
constexpr const char* kRoleTypes[] = {
    "SUPER_ADMIN",     "ORG_ADMIN",
    "APP_ADMIN",       "USER_ADMIN",
    "HELP_DESK_ADMIN", "READ_ONLY_ADMIN",
    "MOBILE_ADMIN",    "API_ACCESS_MANAGEMENT_ADMIN",
    "REPORT_ADMIN",    "GROUP_MEMBERSHIP_ADMIN",
};

// How an endpoint may fail without failing the pull.
enum class Need {
  kRequired,  // policies, rules, zones: only 404/501 are skipped
  kOptional,  // also a 403 (the token may not read it) is skipped
};

class Puller {
 public:
  Puller(HttpClient& client, std::string staged, const PullOptions& options)
      : client_(client), staged_(std::move(staged)), options_(options) {}

  absl::Status Run();
  PullReport& report() { return report_; }

 private:
  // GETs a single object. nullopt = skipped.
  absl::StatusOr<std::optional<Json>> Fetch(const std::string& path, Need need,
                                            bool unsupported_400_skips);
  // nullopt when `result`'s failure means the org does not offer the
  // endpoint (recorded in the report), else its status.
  absl::StatusOr<std::optional<Json>> Skip(const ApiResult& result, const std::string& path,
                                           Need need, bool unsupported_400_skips);
  // GETs a listing into `file`, page by page (api::ListingWriter); its
  // items' ids, or nullopt when skipped.
  absl::StatusOr<std::optional<api::ListingItemIds>> PullListing(
      const std::string& path, const std::string& file, Need need,
      bool unsupported_400_skips = false);
  // GETs an object into `file` (relative to the snapshot root); nullopt when
  // skipped.
  absl::StatusOr<std::optional<Json>> PullObject(const std::string& path, const std::string& file,
                                                 Need need);
  absl::Status Write(const std::string& file, const Json& value);
  absl::Status PullOrg();
  absl::Status PullPolicies();
  absl::Status PullProfileMappings();
  absl::Status PullRoleSubscriptions();
  absl::Status PullAuthorizationServers();
  absl::Status PullMemberships();
  absl::Status PullAdmins();
  absl::Status WriteManifest();
  void Count(const std::string& key, int64_t n) { counts_[key] += n; }

  // The ids of a listing's items, each checked before it names a file.
  absl::StatusOr<std::vector<std::string>> Ids(const api::ListingItemIds& listing,
                                               const std::string& what);

  HttpClient& client_;
  std::string staged_;
  const PullOptions& options_;
  PullReport report_;
  std::map<std::string, int64_t> counts_;
  std::map<std::string, int64_t> policies_by_type_;
  int64_t total_items_ = 0;
};

absl::StatusOr<std::vector<std::string>> Puller::Ids(const api::ListingItemIds& listing,
                                                     const std::string& what) {
  return listing.Ids(what, [this](std::string_view t) { return client_.Redact(t); });
}

absl::StatusOr<std::optional<Json>> Puller::Fetch(const std::string& path, Need need,
                                                  bool unsupported_400_skips) {
  ApiResult result = client_.GetJson(path);
  if (!result.status.ok()) return Skip(result, path, need, unsupported_400_skips);
  ++total_items_;
  api::ReportProgress(options_.progress, path, 1, 1, total_items_);
  return std::optional<Json>(std::move(result.value));
}

absl::StatusOr<std::optional<Json>> Puller::Skip(const ApiResult& result, const std::string& path,
                                                 Need need, bool unsupported_400_skips) {
  const int http = result.http_status;
  bool skip = http == 404 || http == 501;
  if (http == 403 && need == Need::kOptional) skip = true;
  if (http == 400 && unsupported_400_skips &&
      (result.error_code == "E0000001" || result.error_code == "E0000022")) {
    skip = true;
  }
  if (!skip) return result.status;
  SkippedEndpoint skipped;
  skipped.endpoint = path;
  skipped.http_status = http;
  skipped.error_code = result.error_code;
  skipped.reason = std::string(result.status.message());
  report_.skipped.push_back(std::move(skipped));
  return std::optional<Json>();
}

absl::StatusOr<std::optional<api::ListingItemIds>> Puller::PullListing(const std::string& path,
                                                                       const std::string& file,
                                                                       Need need,
                                                                       bool unsupported_400_skips) {
  // Each page goes to the staged file as it arrives: memory holds one page,
  // not the listing (a file not finished is removed with the writer).
  api::ListingWriter writer((fs::path(staged_) / file).string(),
                            [this](std::string_view t) { return client_.Redact(t); });
  if (!writer.status().ok()) return writer.status();
  const int64_t before = total_items_;
  ApiResult result = client_.ForEachPage(path, [&](std::string_view array_text, int pages) {
    if (absl::Status s = writer.Append(array_text); !s.ok()) return s;
    const auto items_so_far = static_cast<int64_t>(writer.ids().size());
    api::ReportProgress(options_.progress, path, pages, items_so_far, before + items_so_far);
    return absl::OkStatus();
  });
  if (!result.status.ok()) {
    absl::StatusOr<std::optional<Json>> skipped = Skip(result, path, need, unsupported_400_skips);
    if (!skipped.ok()) return skipped.status();
    return std::optional<api::ListingItemIds>();
  }
  if (absl::Status s = writer.Finish(); !s.ok()) return s;
  const int64_t n = writer.ids().size();
  total_items_ += n;
  report_.file_items[file] = n;
  return std::optional<api::ListingItemIds>(writer.ids());
}

absl::Status Puller::Write(const std::string& file, const Json& value) {
  absl::StatusOr<std::string> json = api::JsonText(value, 2);
  if (!json.ok()) return absl::DataLossError(absl::StrCat(file, ": ", json.status().message()));
  std::string text = *std::move(json);
  text.push_back('\n');
  // Belt and braces: a server that echoes the token must not get it written.
  text = client_.Redact(text);
  report_.file_items[file] = value.is_array() ? static_cast<int64_t>(value.size()) : 1;
  return api::WriteFileDurably((fs::path(staged_) / file).string(), text);
}

absl::StatusOr<std::optional<Json>> Puller::PullObject(const std::string& path,
                                                       const std::string& file, Need need) {
  auto fetched = Fetch(path, need, /*unsupported_400_skips=*/false);
  if (!fetched.ok()) return fetched.status();
  if (!fetched->has_value()) return fetched;
  const Json& value = **fetched;
  if (!value.is_object()) {
    return absl::DataLossError(
        absl::StrCat("GET ", path, ": expected a JSON object, got ", value.type_name()));
  }
  if (absl::Status s = Write(file, value); !s.ok()) return s;
  return fetched;
}

// The org's administrators, for lint's no-mfa-for-admins (admins.json).
// Okta's RoleAssignedUsers pages in the body — {"value": [...], "_links":
// {"next": {"href": ...}}} — not in Link headers, so the pages are followed
// here, under the guards of every walk (HttpClient::PageWalk: at most
// max_pages, no page twice) and the same origin (GetJson refuses another).
// Optional (the token needs okta.roles.read): a first page the org refuses
// is recorded as skipped; a later page that fails fails the pull, so
// admins.json is never a silent prefix. Administrators are few: the pages
// are held, not streamed.
absl::Status Puller::PullAdmins() {
  const std::string first = "/api/v1/iam/assignees/users";
  Json admins = Json::array();
  api::HttpClient::PageWalk walk(client_, first);
  std::string next = first;
  for (int page = 1; !next.empty(); ++page) {
    if (absl::Status admitted = walk.Admit(next); !admitted.ok()) return admitted;
    Json body;
    if (page == 1) {
      auto fetched = Fetch(next, Need::kOptional, /*unsupported_400_skips=*/false);
      if (!fetched.ok()) return fetched.status();
      if (!fetched->has_value()) return absl::OkStatus();  // skipped, and reported
      body = **std::move(fetched);
    } else {
      ApiResult result = client_.GetJson(next);
      if (!result.status.ok()) return result.status;
      ++total_items_;
      body = std::move(result.value);
    }
    const auto value = body.is_object() ? body.find("value") : body.end();
    if (value == body.end() || !value->is_array()) {
      return absl::DataLossError(
          absl::StrCat("GET ", first, ": page ", page,
                       " is not Okta's RoleAssignedUsers (an object with a \"value\" array)"));
    }
    for (Json& admin : *value) admins.push_back(std::move(admin));
    next.clear();
    const Json* href = &body;
    for (const char* key : {"_links", "next", "href"}) {
      href = href->is_object() && href->contains(key) ? &(*href)[key] : nullptr;
      if (href == nullptr) break;
    }
    if (href != nullptr && href->is_string()) next = href->get<std::string>();
  }
  if (absl::Status s = Write("admins.json", admins); !s.ok()) return s;
  Count("admins", static_cast<int64_t>(admins.size()));
  return absl::OkStatus();
}

absl::Status Puller::PullOrg() {
  struct Part {
    const char* path;
    const char* file;
    bool listing;
  };
  static constexpr Part kParts[] = {
      {"/api/v1/org", "org.json", false},
      {"/api/v1/org/contacts", "org/contacts.json", true},
      {"/api/v1/org/preferences", "org/preferences.json", false},
      {"/api/v1/org/privacy/oktaCommunication", "org/privacy/oktaCommunication.json", false},
      {"/api/v1/org/privacy/oktaSupport", "org/privacy/oktaSupport.json", false},
  };
  for (const Part& part : kParts) {
    const absl::Status pulled = part.listing
                                    ? PullListing(part.path, part.file, Need::kOptional).status()
                                    : PullObject(part.path, part.file, Need::kOptional).status();
    if (!pulled.ok()) return pulled;
  }
  return absl::OkStatus();
}

absl::Status Puller::PullPolicies() {
  for (int t = 0; t < kPolicyTypeCount; ++t) {
    const auto type = static_cast<PolicyType>(t);
    // Authorization-server policies live under /authorizationServers.
    if (type == PolicyType::kOAuthAuthorizationPolicy) continue;
    const std::string name(PolicyTypeName(type));
    const std::string path = absl::StrCat("/api/v1/policies?type=", name);
    // Every org has sign-on and password policies; a 400 for those is an
    // error, not a type that is not enabled.
    const bool always_present = type == PolicyType::kOktaSignOn || type == PolicyType::kPassword;
    auto policies = PullListing(path, absl::StrCat("policies/", name, ".json"), Need::kRequired,
                                /*unsupported_400_skips=*/!always_present);
    if (!policies.ok()) return policies.status();
    if (!policies->has_value()) continue;
    auto ids = Ids(**policies, absl::StrCat("GET ", path));
    if (!ids.ok()) return ids.status();
    Count("policies", static_cast<int64_t>(ids->size()));
    policies_by_type_[name] = static_cast<int64_t>(ids->size());
    for (const std::string& id : *ids) {
      auto rules = PullListing(absl::StrCat("/api/v1/policies/", id, "/rules"),
                               absl::StrCat("rules/", id, ".json"), Need::kRequired);
      if (!rules.ok()) return rules.status();
      if (rules->has_value()) Count("rules", static_cast<int64_t>(rules->value().size()));
      if (type != PolicyType::kAccessPolicy) continue;
      auto mappings = PullListing(absl::StrCat("/api/v1/policies/", id, "/mappings"),
                                  absl::StrCat("policy-mappings/", id, ".json"), Need::kRequired);
      if (!mappings.ok()) return mappings.status();
      if (mappings->has_value())
        Count("policyMappings", static_cast<int64_t>(mappings->value().size()));
    }
  }
  return absl::OkStatus();
}

absl::Status Puller::PullProfileMappings() {
  auto list = PullListing("/api/v1/mappings", "profile-mappings.json", Need::kOptional);
  if (!list.ok()) return list.status();
  if (!list->has_value()) return absl::OkStatus();
  auto ids = Ids(**list, "GET /api/v1/mappings");
  if (!ids.ok()) return ids.status();
  // The listing omits `properties`; each mapping is fetched for them.
  for (const std::string& id : *ids) {
    auto one = PullObject(absl::StrCat("/api/v1/mappings/", id),
                          absl::StrCat("profile-mappings/", id, ".json"), Need::kOptional);
    if (!one.ok()) return one.status();
    if (one->has_value()) Count("profileMappings", 1);
  }
  return absl::OkStatus();
}

absl::Status Puller::PullRoleSubscriptions() {
  for (const char* role : kRoleTypes) {
    auto subs = PullListing(absl::StrCat("/api/v1/roles/", role, "/subscriptions"),
                            absl::StrCat("roles/", role, "/subscriptions.json"), Need::kOptional,
                            /*unsupported_400_skips=*/true);
    if (!subs.ok()) return subs.status();
    if (subs->has_value()) Count("roleSubscriptions", static_cast<int64_t>(subs->value().size()));
  }
  return absl::OkStatus();
}

absl::Status Puller::PullAuthorizationServers() {
  auto servers =
      PullListing("/api/v1/authorizationServers", "authorization-servers.json", Need::kOptional);
  if (!servers.ok()) return servers.status();
  if (!servers->has_value()) return absl::OkStatus();
  auto ids = Ids(**servers, "GET /api/v1/authorizationServers");
  if (!ids.ok()) return ids.status();
  Count("authorizationServers", static_cast<int64_t>(ids->size()));
  for (const std::string& server : *ids) {
    const std::string base = absl::StrCat("/api/v1/authorizationServers/", server, "/policies");
    auto policies = PullListing(
        base, absl::StrCat("authorization-servers/", server, "/policies.json"), Need::kOptional);
    if (!policies.ok()) return policies.status();
    if (!policies->has_value()) continue;
    auto policy_ids = Ids(**policies, absl::StrCat("GET ", base));
    if (!policy_ids.ok()) return policy_ids.status();
    Count("authorizationServerPolicies", static_cast<int64_t>(policy_ids->size()));
    for (const std::string& policy : *policy_ids) {
      auto rules =
          PullListing(absl::StrCat(base, "/", policy, "/rules"),
                      absl::StrCat("authorization-servers/", server, "/rules/", policy, ".json"),
                      Need::kOptional);
      if (!rules.ok()) return rules.status();
      if (rules->has_value())
        Count("authorizationServerRules", static_cast<int64_t>(rules->value().size()));
    }
  }
  return absl::OkStatus();
}

absl::Status Puller::PullMemberships() {
  for (const std::string& user : options_.membership_user_ids) {
    if (!api::IsSafeId(user)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--with-memberships: not a user id: \"", client_.Redact(user), "\""));
    }
    auto groups = PullListing(absl::StrCat("/api/v1/users/", user, "/groups"),
                              absl::StrCat("users/", user, "/groups.json"), Need::kOptional);
    if (!groups.ok()) return groups.status();
    if (groups->has_value()) Count("userMemberships", static_cast<int64_t>(groups->value().size()));
    // The user's enrolled factors, for eval's satisfiability report
    // (docs/semantics.md, "Can the user satisfy the rule?").
    auto factors = PullListing(absl::StrCat("/api/v1/users/", user, "/factors"),
                               absl::StrCat("users/", user, "/factors.json"), Need::kOptional);
    if (!factors.ok()) return factors.status();
    if (factors->has_value()) Count("userFactors", static_cast<int64_t>(factors->value().size()));
  }
  return absl::OkStatus();
}

absl::Status Puller::WriteManifest() {
  Json manifest = Json::object();
  manifest["formatVersion"] = 1;
  manifest["org"] = client_.origin();
  manifest["pulledAt"] = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  manifest["source"] = client_.origin();
  Json counts = Json::object();
  for (const auto& [key, n] : counts_) counts[key] = n;
  Json by_type = Json::object();
  for (const auto& [key, n] : policies_by_type_) by_type[key] = n;
  counts["policiesByType"] = by_type;
  manifest["counts"] = counts;
  Json files = Json::object();
  for (const auto& [file, n] : report_.file_items) files[file] = n;
  manifest["files"] = files;
  Json skipped = Json::array();
  for (const SkippedEndpoint& s : report_.skipped) {
    Json entry = Json::object();
    entry["endpoint"] = s.endpoint;
    entry["status"] = s.http_status;
    if (!s.error_code.empty()) entry["errorCode"] = s.error_code;
    entry["reason"] = s.reason;
    skipped.push_back(entry);
  }
  manifest["skipped"] = skipped;
  manifest["requests"] = client_.requests();
  manifest["retries"] = client_.retries();
  std::string text = client_.Redact(manifest.dump(2, ' ', false, Json::error_handler_t::replace));
  text.push_back('\n');
  return api::WriteFileDurably((fs::path(staged_) / "manifest.json").string(), text);
}

absl::Status Puller::Run() {
  if (absl::Status s = PullOrg(); !s.ok()) return s;
  auto zones = PullListing("/api/v1/zones", "zones.json", Need::kRequired);
  if (!zones.ok()) return zones.status();
  if (zones->has_value()) Count("zones", static_cast<int64_t>(zones->value().size()));
  if (absl::Status s = PullPolicies(); !s.ok()) return s;
  struct Simple {
    const char* path;
    const char* file;
    const char* key;
  };
  static constexpr Simple kSimple[] = {
      {"/api/v1/behaviors", "behaviors.json", "behaviors"},
      {"/api/v1/groups", "groups.json", "groups"},
      // Apps bind ACCESS_POLICYs through _links.accessPolicy (docs/semantics.md).
      {"/api/v1/apps", "apps.json", "apps"},
      // Dynamic IdP routing matches the org's IdPs (docs/semantics.md).
      {"/api/v1/idps", "idps.json", "idps"},
      {"/api/v1/meta/schemas/user/linkedObjects", "linked-objects.json", "linkedObjects"},
  };
  for (const Simple& simple : kSimple) {
    auto pulled = PullListing(simple.path, simple.file, Need::kOptional);
    if (!pulled.ok()) return pulled.status();
    if (pulled->has_value()) Count(simple.key, static_cast<int64_t>(pulled->value().size()));
  }
  if (absl::Status s = PullProfileMappings(); !s.ok()) return s;
  if (absl::Status s = PullRoleSubscriptions(); !s.ok()) return s;
  if (absl::Status s = PullAuthorizationServers(); !s.ok()) return s;
  if (absl::Status s = PullMemberships(); !s.ok()) return s;
  if (absl::Status s = PullAdmins(); !s.ok()) return s;
  return WriteManifest();
}

// Refuses to replace a directory that is not a snapshot: a typo in --out must
// not delete someone's home directory.
absl::Status CheckOutDir(const std::string& out_dir) {
  std::error_code ec;
  const fs::path out(out_dir);
  if (!fs::exists(out, ec)) return absl::OkStatus();
  if (!fs::is_directory(out, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--out ", out_dir, " exists and is not a directory"));
  }
  if (fs::is_empty(out, ec) || fs::exists(out / "manifest.json", ec)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "--out ", out_dir,
      " is a non-empty directory without manifest.json; refusing to replace it (choose a new "
      "directory or remove it)"));
}

}  // namespace

absl::StatusOr<PullReport> PullSnapshot(const PullOptions& options) {
  const std::string& token = options.credential.token;
  // Every message leaves with the token removed and the server's text made
  // safe for a terminal.
  auto redacted = [&](const absl::Status& s) {
    return absl::Status(s.code(),
                        EscapeControlCharacters(RedactSecret(std::string(s.message()), token)));
  };
  if (options.out_dir.empty()) return absl::InvalidArgumentError("--out is required");
  std::string out_dir = options.out_dir;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  if (absl::Status s = CheckOutDir(out_dir); !s.ok()) return s;
  auto client = api::HttpClient::Create(options.org_url, options.credential, options.http);
  if (!client.ok()) return redacted(client.status());
  auto staged = api::MakeStagingDirectory(out_dir);
  if (!staged.ok()) return redacted(staged.status());

  Puller puller(**client, *staged, options);
  absl::Status status = puller.Run();
  if (status.ok()) {
    status = options.verify ? options.verify(*staged) : api::VerifyStagedSnapshot(*staged);
    if (!status.ok()) {
      status = absl::Status(status.code(),
                            absl::StrCat("the pulled snapshot does not load: ", status.message()));
    }
  }
  if (status.ok()) status = api::SwapIntoPlace(*staged, out_dir);
  if (!status.ok()) {
    api::RemoveTree(*staged);
    return redacted(status);
  }
  PullReport report = std::move(puller.report());
  report.out_dir = out_dir;
  report.requests = (*client)->requests();
  report.retries = (*client)->retries();
  for (SkippedEndpoint& s : report.skipped) {
    s.reason = EscapeControlCharacters(RedactSecret(s.reason, token));
  }
  return report;
}

}  // namespace verdict
