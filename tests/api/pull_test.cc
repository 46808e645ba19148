// PullSnapshot and PullLogs end to end against the loopback server: the pulled
// snapshot equals the served org file by file, every fault is survived or
// reported, a failed pull leaves the previous snapshot untouched, the token
// never appears anywhere, and an interrupted logs pull resumes exactly.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/api/fake_okta_server.h"
#include "tests/support/subprocess.h"
#include "verdict/okta_client.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using ::verdict::testing::FakeOktaServer;
using ::verdict::testing::Fault;

constexpr char kToken[] = "test-token-0123456789abcdef";

// Every file under `dir`: relative path -> raw text.
std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file())
      out[fs::relative(entry.path(), dir).generic_string()] = verdict_test::ReadFile(entry.path());
  }
  return out;
}

fs::path MakeTempDir() {
  std::string pattern = (fs::path(::testing::TempDir()) / "verdict-pull-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  EXPECT_NE(::mkdtemp(buffer.data()), nullptr);
  return fs::path(buffer.data());
}

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeOktaServer::Options options;
    options.org_dir = testing::ApiTestData() + "/org";
    options.logs_file = testing::ApiTestData() + "/logs.jsonl";
    options.token = kToken;
    server_ = std::make_unique<FakeOktaServer>(options);
    ASSERT_TRUE(server_->Start());
    root_ = MakeTempDir();
  }
  void TearDown() override {
    server_->Stop();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  PullOptions Options(const std::string& out = "snapshot") {
    PullOptions options;
    options.org_url = server_->url();
    options.credential = {OktaCredential::Kind::kApiToken, kToken};
    options.out_dir = (root_ / out).string();
    options.membership_user_ids = {"00uAcmeAnn0g3"};
    options.http.initial_backoff = absl::Milliseconds(1);
    options.http.max_backoff = absl::Milliseconds(4);
    options.http.max_retries = 2;
    options.http.rate_limit_padding = absl::ZeroDuration();
    options.http.max_rate_limit_wait = absl::Milliseconds(20);
    options.http.request_timeout = absl::Seconds(5);
    return options;
  }

  // The pulled snapshot equals the served org, file by file, as JSON values.
  void ExpectEqualsServedOrg(const fs::path& dir) {
    const auto pulled = ReadTree(dir);
    std::set<std::string> pulled_files;
    for (const auto& [file, text] : pulled) {
      if (file == "manifest.json") continue;
      pulled_files.insert(file);
      auto served = server_->files().find(file);
      if (served == server_->files().end()) {
        ADD_FAILURE() << "pulled a file the org does not serve: " << file;
        continue;
      }
      EXPECT_EQ(Json::parse(text), served->second) << file;
    }
    for (const auto& [file, value] : server_->files()) {
      EXPECT_TRUE(pulled_files.count(file)) << "missing from the snapshot: " << file;
    }
    EXPECT_TRUE(pulled.count("manifest.json"));
  }

  // An optional endpoint the token may not read (403 with a scope challenge):
  // the pull succeeds without `file` and reports the endpoint as skipped,
  // naming the scope that reads it.
  void ExpectForbiddenIsSkipped(const std::string& endpoint, const std::string& file,
                                const std::string& scope) {
    server_->AddFault(endpoint, Fault::Of(Fault::Kind::kForbidden).Times(-1));
    PullOptions options = Options();
    auto report = PullSnapshot(options);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_FALSE(fs::exists(fs::path(options.out_dir) / file));
    bool found = false;
    for (const SkippedEndpoint& s : report->skipped) {
      if (s.endpoint != endpoint) continue;
      found = true;
      EXPECT_EQ(s.http_status, 403);
      EXPECT_TRUE(absl::StrContains(s.reason, scope)) << s.reason;
    }
    EXPECT_TRUE(found) << endpoint;
  }

  // Pulls the served org into `options.out_dir` and checks the listing written
  // to `file`: `count` objects (the manifest counts them under `key`), the
  // last with id `last_id` (so every page was read).
  void ExpectPulledListing(const PullOptions& options, const std::string& file,
                           const std::string& key, int count, const std::string& last_id) {
    auto report = PullSnapshot(options);
    ASSERT_TRUE(report.ok()) << report.status();
    const Json manifest =
        Json::parse(verdict_test::ReadFile(fs::path(options.out_dir) / "manifest.json"));
    EXPECT_EQ(manifest["counts"][key], count);
    const Json listing = Json::parse(verdict_test::ReadFile(fs::path(options.out_dir) / file));
    ASSERT_EQ(listing.size(), static_cast<size_t>(count));
    EXPECT_EQ(listing.back()["id"], last_id);
  }

  // After a good pull, `path` serves `body`, which the loader refuses with an
  // error naming `where`: the pull fails and the previous snapshot stays.
  void ExpectBadListingKeepsThePreviousSnapshot(const std::string& path, const std::string& body,
                                                const std::string& where) {
    PullOptions options = Options();
    ASSERT_TRUE(PullSnapshot(options).ok());
    const auto before = ReadTree(options.out_dir);
    server_->AddFault(path, Fault::Of(Fault::Kind::kBody).Body(body));
    auto report = PullSnapshot(options);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
    EXPECT_TRUE(absl::StrContains(report.status().message(), where)) << report.status();
    EXPECT_EQ(ReadTree(options.out_dir), before);
    ExpectNoLeftovers();
  }

  // No staging directory is left next to the snapshot.
  void ExpectNoLeftovers() {
    for (const auto& entry : fs::directory_iterator(root_)) {
      EXPECT_FALSE(absl::StrContains(entry.path().filename().string(), ".pull-"))
          << "left behind: " << entry.path();
    }
  }

  std::unique_ptr<FakeOktaServer> server_;
  fs::path root_;
};

TEST_F(PullTest, FullPullEqualsServedOrg) {
  std::vector<PullProgress> progress;
  PullOptions options = Options();
  options.progress = [&](const PullProgress& p) { progress.push_back(p); };
  auto report = PullSnapshot(options);
  ASSERT_TRUE(report.ok()) << report.status();
  ExpectEqualsServedOrg(options.out_dir);
  ExpectNoLeftovers();
  EXPECT_EQ(server_->connections(), 1);  // one kept-alive connection for everything

  const Json manifest =
      Json::parse(verdict_test::ReadFile(fs::path(options.out_dir) / "manifest.json"));
  EXPECT_EQ(manifest["formatVersion"], 1);
  EXPECT_EQ(manifest["org"], server_->url());
  EXPECT_TRUE(manifest["pulledAt"].is_string());
  EXPECT_EQ(manifest["counts"]["zones"], 4);
  EXPECT_EQ(manifest["counts"]["policies"], 6);
  EXPECT_EQ(manifest["counts"]["rules"], 9);
  EXPECT_EQ(manifest["counts"]["policiesByType"]["OKTA_SIGN_ON"], 2);
  EXPECT_EQ(manifest["files"]["rules/00pAcmeSales0g3.json"], 3);

  // Policy types the org does not have (400 E0000001) and roles without
  // subscriptions (404) are recorded as skipped, not fatal.
  std::set<std::string> skipped;
  for (const SkippedEndpoint& s : report->skipped) skipped.insert(s.endpoint);
  EXPECT_TRUE(skipped.count("/api/v1/policies?type=ENTITY_RISK"));
  EXPECT_TRUE(skipped.count("/api/v1/roles/APP_ADMIN/subscriptions"));
  EXPECT_FALSE(skipped.count("/api/v1/policies?type=OKTA_SIGN_ON"));
  EXPECT_FALSE(skipped.count("/api/v1/policies?type=OAUTH_AUTHORIZATION_POLICY"));  // never asked
  EXPECT_EQ(manifest["skipped"].size(), report->skipped.size());

  ASSERT_FALSE(progress.empty());
  EXPECT_GT(progress.back().total_items, 30);
}

TEST_F(PullTest, SurvivesEveryTransientFault) {
  server_->AddFault("/api/v1/zones", Fault::Of(Fault::Kind::kStatus).Times(2).Status(500));
  server_->AddFault("/api/v1/policies?type=OKTA_SIGN_ON",
                    Fault::Of(Fault::Kind::kRateLimit).Times(1));
  server_->AddFault("/api/v1/policies/00pAcmeSales0g3/rules?after",
                    Fault::Of(Fault::Kind::kTruncate));
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kMalformed));
  server_->AddFault("/api/v1/behaviors", Fault::Of(Fault::Kind::kClose));
  server_->AddFault("/api/v1/org/contacts", Fault::Of(Fault::Kind::kSlow).DelayMs(50));
  server_->AddFault("/api/v1/mappings", Fault::Of(Fault::Kind::kLowRemaining).ResetAfter(1));
  server_->AddFault("/api/v1/authorizationServers", Fault::Of(Fault::Kind::kStatus).Status(503));
  PullOptions options = Options();
  auto report = PullSnapshot(options);
  ASSERT_TRUE(report.ok()) << report.status();
  ExpectEqualsServedOrg(options.out_dir);
  // 2 (500s) + 429 + truncated + malformed + 503; libcurl itself retries a
  // reused connection that closed without answering.
  EXPECT_GE(report->retries, 6);
  ExpectNoLeftovers();
}

TEST_F(PullTest, ForbiddenOptionalEndpointIsSkippedWithItsScope) {
  ExpectForbiddenIsSkipped("/api/v1/behaviors", "behaviors.json", "okta.behaviors.read");
}

struct FailureCase {
  std::string name;
  std::string target_prefix;
  Fault fault;
  absl::StatusCode code;
  std::string message;  // a substring the error must contain
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const FailureCase& c, std::ostream* os) { *os << c.name; }

class PullFailureTest : public PullTest, public ::testing::WithParamInterface<FailureCase> {};

TEST_P(PullFailureTest, LeavesThePreviousSnapshotUntouched) {
  PullOptions options = Options();
  ASSERT_TRUE(PullSnapshot(options).ok());
  const auto before = ReadTree(options.out_dir);

  const FailureCase& c = GetParam();
  server_->AddFault(c.target_prefix, c.fault);
  options.http.request_timeout = absl::Milliseconds(150);
  auto report = PullSnapshot(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), c.code) << report.status();
  EXPECT_TRUE(absl::StrContains(report.status().message(), c.message)) << report.status();
  EXPECT_FALSE(absl::StrContains(report.status().message(), kToken));
  for (char c : report.status().message()) {
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << report.status();
  }
  EXPECT_FALSE(absl::StrContains(report.status().message(), "\xc2\x9b")) << report.status();
  EXPECT_LT(server_->requests().size(), 200u) << "the fault was not caught early";
  EXPECT_EQ(ReadTree(options.out_dir), before);
  ExpectNoLeftovers();
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PullFailureTest,
    ::testing::Values(
        FailureCase{"ExpiredToken", "/api/v1/zones", Fault::Of(Fault::Kind::kUnauthorized),
                    absl::StatusCode::kUnauthenticated, "E0000011 Invalid token provided"},
        FailureCase{"MissingPolicyScope", "/api/v1/policies?type=PASSWORD",
                    Fault::Of(Fault::Kind::kForbidden), absl::StatusCode::kPermissionDenied,
                    "okta.policies.read"},
        FailureCase{"PersistentServerError", "/api/v1/policies/rstAcmeCrm0g3/rules",
                    Fault::Of(Fault::Kind::kStatus).Times(-1).Status(500),
                    absl::StatusCode::kUnavailable, "gave up after 3 attempts"},
        FailureCase{"PersistentMalformedJson", "/api/v1/groups",
                    Fault::Of(Fault::Kind::kMalformed).Times(-1), absl::StatusCode::kDataLoss,
                    "not valid JSON"},
        FailureCase{"PersistentTruncation", "/api/v1/zones?after",
                    Fault::Of(Fault::Kind::kTruncate).Times(-1), absl::StatusCode::kDataLoss,
                    "truncated"},
        FailureCase{"SlowBeyondTimeout", "/api/v1/policies/00pAcmeSales0g3/rules",
                    Fault::Of(Fault::Kind::kSlow).Times(-1).DelayMs(1000),
                    absl::StatusCode::kDeadlineExceeded, "timed out"},
        FailureCase{"RateLimitNeverLifts", "/api/v1/zones",
                    Fault::Of(Fault::Kind::kRateLimit).Times(-1).ResetAfter(1),
                    absl::StatusCode::kResourceExhausted, "E0000047"},
        FailureCase{"LastEndpointFails", "/api/v1/users/00uAcmeAnn0g3/groups",
                    Fault::Of(Fault::Kind::kStatus).Times(-1).Status(502),
                    absl::StatusCode::kUnavailable, "HTTP 502"},
        FailureCase{"EchoedToken", "/api/v1/policies?type=OKTA_SIGN_ON",
                    Fault::Of(Fault::Kind::kEchoToken).Times(-1),
                    absl::StatusCode::kInvalidArgument, "[REDACTED]"},
        // Page 2 links back to page 1: stopped at once, not at the page cap.
        FailureCase{"PaginationCycle", "/api/v1/zones?after",
                    Fault::Of(Fault::Kind::kLink).Times(-1).Link("</api/v1/zones>; rel=\"next\""),
                    absl::StatusCode::kDataLoss, "returns to page 1"},
        FailureCase{"ProtocolRelativeLink", "/api/v1/zones",
                    Fault::Of(Fault::Kind::kLink)
                        .Link("<//evil.example/api/v1/zones?after=x>; rel=\"next\""),
                    absl::StatusCode::kPermissionDenied, "protocol-relative"},
        FailureCase{"DeeplyNestedBody", "/api/v1/groups",
                    Fault::Of(Fault::Kind::kBody)
                        .Times(-1)
                        .Body(std::string(50000, '[') + std::string(50000, ']')),
                    absl::StatusCode::kDataLoss, "nests deeper than 256 levels"},
        FailureCase{"ControlCharactersInErrorText", "/api/v1/zones",
                    Fault::Of(Fault::Kind::kStatus)
                        .Status(400)
                        .Body(R"({"errorCode": "E0000001", "errorSummary": )"
                              R"("bad \u001b[31mred\u0007 \u009b2J"})"),
                    absl::StatusCode::kInvalidArgument, "bad \\x1b[31mred\\x07"}),
    [](const ::testing::TestParamInfo<FailureCase>& info) { return info.param.name; });

// A 429 whose reset is an hour away: every wait is capped, and so is their
// sum per request, after which the pull says it gave up and why.
TEST_F(PullTest, RateLimitWaitsAreBoundedPerRequest) {
  PullOptions options = Options();
  std::vector<absl::Duration> waits;
  options.http.sleep = [&](absl::Duration d) { waits.push_back(d); };
  options.http.max_rate_limit_wait = absl::Seconds(120);
  options.http.max_rate_limit_retries = 5;
  options.http.max_total_rate_limit_wait = absl::Minutes(5);
  server_->AddFault("/api/v1/zones", Fault::Of(Fault::Kind::kRateLimit).Times(-1).ResetAfter(3600));
  auto report = PullSnapshot(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted) << report.status();
  EXPECT_TRUE(absl::StrContains(report.status().message(), "giving up")) << report.status();
  absl::Duration total = absl::ZeroDuration();
  for (absl::Duration d : waits) total += d;
  EXPECT_LE(total, absl::Minutes(5));
  EXPECT_EQ(waits.size(), 2u);  // 120 s twice; a third would pass 5 minutes
  ExpectNoLeftovers();
}

// A malformed body that carries the token where the excerpt cuts: the token is
// redacted before the body is cut, so not even a prefix of it is printed.
TEST_F(PullTest, TokenCutByAnExcerptIsStillRedacted) {
  const std::string token = kToken;
  server_->AddFault(
      "/api/v1/zones",
      Fault::Of(Fault::Kind::kBody).Times(-1).Body(std::string(30, 'x') + token + " not json"));
  auto report = PullSnapshot(Options());
  ASSERT_FALSE(report.ok());
  const std::string message(report.status().message());
  EXPECT_TRUE(absl::StrContains(message, "not valid JSON")) << message;
  EXPECT_FALSE(absl::StrContains(message, token.substr(0, 6))) << message;
  EXPECT_TRUE(absl::StrContains(message, "[REDACTED]")) << message;
}

TEST_F(PullTest, ResponseOverTheBodyCapIsRefused) {
  PullOptions options = Options();
  options.http.max_body_bytes = 100;
  auto report = PullSnapshot(options);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::StrContains(report.status().message(), "larger than 100 bytes"))
      << report.status();
  ExpectNoLeftovers();
}

TEST_F(PullTest, FailedVerificationKeepsThePreviousSnapshot) {
  PullOptions options = Options();
  ASSERT_TRUE(PullSnapshot(options).ok());
  const auto before = ReadTree(options.out_dir);
  options.verify = [](const std::string&) {
    return absl::InvalidArgumentError("rules/x.json: /0: bad");
  };
  auto report = PullSnapshot(options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(report.status().message(), "does not load")) << report.status();
  EXPECT_EQ(ReadTree(options.out_dir), before);
  ExpectNoLeftovers();
}

TEST_F(PullTest, SnapshotThatDoesNotLoadKeepsThePreviousOne) {
  PullOptions options = Options();
  ASSERT_TRUE(PullSnapshot(options).ok());
  const auto before = ReadTree(options.out_dir);
  // Valid JSON, but a zone the loader rejects: the default verifier
  // (LoadSnapshot + Compile) stops the swap.
  server_->AddFault(
      "/api/v1/zones",
      Fault::Of(Fault::Kind::kBody)
          .Body(
              R"([{"type": "IP", "id": "nzoBad", "name": "Bad", "status": "ACTIVE",)"
              R"( "usage": "POLICY", "gateways": [{"type": "CIDR", "value": "300.1.2.3/40"}]}])"));
  auto report = PullSnapshot(options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_TRUE(absl::StrContains(report.status().message(), "zones.json")) << report.status();
  EXPECT_EQ(ReadTree(options.out_dir), before);
  ExpectNoLeftovers();
}

// GET /api/v1/apps is paginated (three apps, two per page) into apps.json, and
// the pulled snapshot binds an app that only its _links.accessPolicy names.
TEST_F(PullTest, AppsArePulledAcrossPagesAndBindTheirAccessPolicy) {
  PullOptions options = Options();
  ExpectPulledListing(options, "apps.json", "apps", 3, "0oaAcmeBatch0g3");

  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(options.out_dir, &issues);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const Policy* fallback = snapshot->FindPolicy("rstAcmeDefault0g3");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->linked_app_ids, std::vector<std::string>{"0oaAcmeWiki0g3"});
  // The CRM app's link agrees with its mapping: bound once, by the mapping.
  EXPECT_TRUE(snapshot->FindPolicy("rstAcmeCrm0g3")->linked_app_ids.empty());
  for (const Issue& issue : issues) EXPECT_NE(issue.file, "apps.json") << issue.ToString();
}

// A listing's pages go to the staged file as they arrive, so a pull holds one
// page in memory, not every page of the listing (issue 17, item 6): when the
// first page of apps has been handed on, its items are already on disk.
TEST_F(PullTest, ListingPagesAreWrittenAsTheyArrive) {
  PullOptions options = Options();
  std::vector<std::string> staged_after_page;
  options.progress = [&](const PullProgress& p) {
    if (p.endpoint != "/api/v1/apps") return;
    for (const auto& entry : fs::directory_iterator(root_)) {
      const fs::path file = entry.path() / "apps.json";
      if (absl::StrContains(entry.path().filename().string(), ".pull-") && fs::exists(file)) {
        staged_after_page.push_back(verdict_test::ReadFile(file));
      }
    }
    EXPECT_EQ(staged_after_page.size(), static_cast<size_t>(p.pages)) << "page " << p.pages;
  };
  auto report = PullSnapshot(options);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_GE(staged_after_page.size(), 2u);  // the fixture org's apps come in pages
  EXPECT_TRUE(absl::StartsWith(staged_after_page[0], "[\n  {")) << staged_after_page[0];
  EXPECT_LT(staged_after_page[0].size(), staged_after_page[1].size());
  // Finished, the file is the listing as one array.
  const Json apps = Json::parse(verdict_test::ReadFile(fs::path(options.out_dir) / "apps.json"));
  ASSERT_EQ(apps.size(), 3u);
}

// GET /api/v1/iam/assignees/users pages in the body (Okta's RoleAssignedUsers:
// "value" and "_links.next.href"), not in Link headers: three administrators,
// two per page, all reach admins.json, which lint's no-mfa-for-admins reads.
TEST_F(PullTest, AdminsArePulledAcrossBodyPages) {
  PullOptions options = Options();
  ExpectPulledListing(options, "admins.json", "admins", 3, "00uAcmeAdmin20g3");
  bool second_page = false;
  for (const auto& r : server_->requests()) {
    second_page |= absl::StartsWith(r.target, "/api/v1/iam/assignees/users?after=p2");
  }
  EXPECT_TRUE(second_page);
}

// Without okta.roles.read the org refuses the list: the pull goes on, the
// endpoint is reported as skipped and the snapshot has no admins.json (lint
// then says it cannot check administrators, rather than finding none).
TEST_F(PullTest, ForbiddenAdminListIsSkipped) {
  ExpectForbiddenIsSkipped("/api/v1/iam/assignees/users", "admins.json", "okta.roles.read");
}

// A later page that fails fails the pull (admins.json is never a silent
// prefix of the list), and a next link that comes back to a page already read
// is refused instead of looping; either way the previous snapshot stays.
TEST_F(PullTest, AdminPagesThatFailOrRepeatFailThePull) {
  ASSERT_TRUE(PullSnapshot(Options()).ok());
  const auto before = ReadTree(root_ / "snapshot");

  server_->AddFault("/api/v1/iam/assignees/users?after=",
                    Fault::Of(Fault::Kind::kStatus).Status(404).Times(-1));
  auto failed = PullSnapshot(Options());
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(absl::StrContains(failed.status().message(), "/api/v1/iam/assignees/users"))
      << failed.status();
  EXPECT_EQ(ReadTree(root_ / "snapshot"), before);

  server_->ClearFaults();
  const std::string loop =
      Json{{"value", Json::array({{{"id", "00uAcmeAnn0g3"}}})},
           {"_links", {{"next", {{"href", server_->url() + "/api/v1/iam/assignees/users"}}}}}}
          .dump();
  server_->AddFault("/api/v1/iam/assignees/users",
                    Fault::Of(Fault::Kind::kBody).Body(loop).Times(-1));
  auto looped = PullSnapshot(Options());
  ASSERT_FALSE(looped.ok());
  EXPECT_TRUE(absl::StrContains(looped.status().message(), "pagination cycle")) << looped.status();
  EXPECT_EQ(ReadTree(root_ / "snapshot"), before);
}

// GET /api/v1/idps is paginated (three IdPs, two per page) into idps.json, the
// listing dynamic IdP routing matches, and the pulled snapshot loads it.
TEST_F(PullTest, IdpsArePulledAcrossPagesAndLoad) {
  PullOptions options = Options();
  ExpectPulledListing(options, "idps.json", "idps", 3, "0oaAcmeLegacy0g3");

  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(options.out_dir, &issues);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE(snapshot->has_idps_file);
  const IdentityProvider* partner = snapshot->FindIdp("0oaAcmeAzure0g3");
  ASSERT_NE(partner, nullptr);
  EXPECT_EQ(partner->name, "acme-partner.example");
  EXPECT_EQ(partner->type, "SAML2");
  EXPECT_TRUE(partner->active);
  EXPECT_FALSE(snapshot->FindIdp("0oaAcmeLegacy0g3")->active);
  for (const Issue& issue : issues) EXPECT_NE(issue.file, "idps.json") << issue.ToString();
}

TEST_F(PullTest, IdpWithoutIdKeepsThePreviousSnapshot) {
  ExpectBadListingKeepsThePreviousSnapshot(
      "/api/v1/idps", R"([{"type": "SAML2", "name": "x.example"}])", "idps.json: /0/id");
}

TEST_F(PullTest, AppWithUnreadableAccessPolicyLinkKeepsThePreviousSnapshot) {
  ExpectBadListingKeepsThePreviousSnapshot(
      "/api/v1/apps",
      R"([{"id": "0oaX", "status": "ACTIVE", "_links": {"accessPolicy":)"
      R"( {"href": "https://acme-example.okta.com/api/v1/apps/0oaX"}}}])",
      "apps.json: /0/_links/accessPolicy/href");
}

TEST_F(PullTest, CancelledPullLeavesNothing) {
  std::atomic<bool> cancel{false};
  PullOptions options = Options();
  options.http.cancel = &cancel;
  int pages = 0;
  options.progress = [&](const PullProgress&) {
    if (++pages == 5) cancel = true;
  };
  auto report = PullSnapshot(options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kCancelled) << report.status();
  EXPECT_FALSE(fs::exists(options.out_dir));
  ExpectNoLeftovers();
}

TEST_F(PullTest, RefusesToReplaceADirectoryThatIsNotASnapshot) {
  PullOptions options = Options("precious");
  fs::create_directories(options.out_dir);
  std::ofstream(fs::path(options.out_dir) / "thesis.tex") << "keep me";
  auto report = PullSnapshot(options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(verdict_test::ReadFile(fs::path(options.out_dir) / "thesis.tex"), "keep me");
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(PullTest, TokenNeverWrittenToTheSnapshot) {
  // A skipped endpoint whose error echoes the token: its reason lands in
  // manifest.json, redacted.
  server_->AddFault("/api/v1/policies?type=ENTITY_RISK", Fault::Of(Fault::Kind::kEchoToken));
  PullOptions options = Options();
  auto report = PullSnapshot(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(absl::StrContains(verdict_test::ReadFile(fs::path(options.out_dir) / "manifest.json"),
                                "[REDACTED]"));
  for (const SkippedEndpoint& s : report->skipped)
    EXPECT_FALSE(absl::StrContains(s.reason, kToken));
  for (const auto& [file, text] : ReadTree(options.out_dir)) {
    EXPECT_FALSE(absl::StrContains(text, kToken)) << file;
  }
}

// ------------------------------------------------------------ logs pull

class PullLogsTest : public PullTest {
 protected:
  LogsPullOptions LogsOptions() {
    LogsPullOptions options;
    options.org_url = server_->url();
    options.credential = {OktaCredential::Kind::kApiToken, kToken};
    options.out_file = (root_ / "events.jsonl").string();
    options.since = "2025-03-14T00:00:00.000Z";
    options.until = "2025-03-15T00:00:00.000Z";
    options.limit = 2;
    options.http.initial_backoff = absl::Milliseconds(1);
    options.http.max_backoff = absl::Milliseconds(2);
    options.http.max_retries = 0;
    return options;
  }

  std::vector<std::string> ServedUuids() {
    std::vector<std::string> uuids;
    std::ifstream in(testing::ApiTestData() + "/logs.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) uuids.push_back(Json::parse(line)["uuid"].get<std::string>());
    }
    return uuids;
  }

  std::vector<std::string> PulledUuids(const std::string& file) {
    std::vector<std::string> uuids;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      Json event = Json::parse(line, nullptr, false);
      EXPECT_FALSE(event.is_discarded()) << "not a JSON line: " << line;
      if (!event.is_discarded()) uuids.push_back(event["uuid"].get<std::string>());
    }
    return uuids;
  }
};

TEST_F(PullLogsTest, AppendsEveryEventOnceAndCompletes) {
  LogsPullOptions options = LogsOptions();
  auto report = PullLogs(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 7);
  EXPECT_EQ(report->pages, 4);
  EXPECT_TRUE(report->complete);
  EXPECT_EQ(PulledUuids(options.out_file), ServedUuids());
  // The served events come back unmodified, as values.
  std::ifstream served(testing::ApiTestData() + "/logs.jsonl"), pulled(options.out_file);
  for (std::string a, b; std::getline(served, a) && std::getline(pulled, b);) {
    EXPECT_EQ(Json::parse(a), Json::parse(b));
  }
  const auto first = server_->requests().front().target;
  EXPECT_EQ(
      first,
      "/api/v1/logs?since=2025-03-14T00%3A00%3A00.000Z&until=2025-03-15T00%3A00%3A00.000Z&limit=2");
  // Running again does nothing: the cursor says the query is complete.
  auto again = PullLogs(options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->events, 0);
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(PulledUuids(options.out_file), ServedUuids());
}

TEST_F(PullLogsTest, ResumesAfterAnInterruptionWithoutLossOrDuplicates) {
  LogsPullOptions options = LogsOptions();
  // The third page fails for good: the pull stops after two committed pages.
  server_->AddFault("/api/v1/logs", Fault::Of(Fault::Kind::kStatus).Times(-1).Skip(2).Status(503));
  auto first = PullLogs(options);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(PulledUuids(options.out_file).size(), 4u);
  const Json cursor = Json::parse(verdict_test::ReadFile(options.out_file + ".cursor"));
  EXPECT_TRUE(absl::StrContains(cursor["next"].get<std::string>(), "after=p4")) << cursor.dump();
  EXPECT_EQ(cursor["offset"].get<int64_t>(), static_cast<int64_t>(fs::file_size(options.out_file)));

  // A crash after appending a page but before its cursor: a dangling tail.
  std::ofstream(options.out_file, std::ios::app) << "{\"uuid\": \"5f1d6a3c-0000-11ef-8000-0000000";

  server_->ClearFaults();
  LogsPullOptions resume = options;
  resume.since.clear();  // the cursor remembers the query
  resume.until.clear();
  auto second = PullLogs(resume);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->resumed);
  EXPECT_TRUE(second->complete);
  EXPECT_EQ(second->events, 3);
  EXPECT_EQ(PulledUuids(options.out_file), ServedUuids());
  EXPECT_TRUE(absl::StrContains(server_->requests().back().target, "until=")) << "query kept";
}

TEST_F(PullLogsTest, PollingQueryStopsAtAnEmptyPageAndContinuesLater) {
  LogsPullOptions options = LogsOptions();
  options.until.clear();
  auto first = PullLogs(options);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->events, 7);
  EXPECT_FALSE(first->complete);
  auto second = PullLogs(options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->events, 0);
  EXPECT_EQ(PulledUuids(options.out_file), ServedUuids());
}

// first → p0 → p2 → p0: p0's events would be appended again and again.
TEST_F(PullLogsTest, PaginationCycleStopsWithoutDuplicates) {
  server_->AddFault("/api/v1/logs?since",
                    Fault::Of(Fault::Kind::kLink).Link("</api/v1/logs?after=p0>; rel=\"next\""));
  server_->AddFault(
      "/api/v1/logs?after=p0",
      Fault::Of(Fault::Kind::kLink).Times(-1).Link("</api/v1/logs?after=p2>; rel=\"next\""));
  server_->AddFault(
      "/api/v1/logs?after=p2",
      Fault::Of(Fault::Kind::kLink).Times(-1).Link("</api/v1/logs?after=p0>; rel=\"next\""));
  LogsPullOptions options = LogsOptions();
  auto report = PullLogs(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss) << report.status();
  EXPECT_TRUE(absl::StrContains(report.status().message(), "pagination cycle")) << report.status();
  // No page is fetched (and appended) twice.
  std::set<std::string> targets;
  for (const auto& r : server_->requests()) {
    EXPECT_TRUE(targets.insert(r.target).second) << "fetched twice: " << r.target;
  }
  EXPECT_EQ(targets.size(), 3u);
}

// The same cycle with absolute next links (as Okta sends them) against a
// first page requested by path: pages are compared as absolute URLs.
TEST_F(PullLogsTest, PaginationCycleWithAbsoluteLinks) {
  const std::string base = server_->url();
  server_->AddFault(
      "/api/v1/logs?since",
      Fault::Of(Fault::Kind::kLink).Link("<" + base + "/api/v1/logs?after=p0>; rel=\"next\""));
  server_->AddFault(
      "/api/v1/logs?after=p0",
      Fault::Of(Fault::Kind::kLink)
          .Times(-1)
          .Link("<" + base +
                "/api/v1/logs?since=2025-03-14T00%3A00%3A00.000Z&limit=2>; rel=\"next\""));
  LogsPullOptions options = LogsOptions();
  options.until.clear();
  options.limit = 2;
  auto report = PullLogs(options);
  ASSERT_FALSE(report.ok()) << "the second page links back to the first";
  EXPECT_TRUE(absl::StrContains(report.status().message(), "pagination cycle")) << report.status();
  std::set<std::string> targets;
  for (const auto& r : server_->requests()) {
    EXPECT_TRUE(targets.insert(r.target).second) << "fetched twice: " << r.target;
  }
}

TEST_F(PullLogsTest, CursorOfAnotherQueryIsRefused) {
  LogsPullOptions options = LogsOptions();
  options.until.clear();
  ASSERT_TRUE(PullLogs(options).ok());
  options.since = "2024-01-01T00:00:00.000Z";
  auto report = PullLogs(options);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(report.status().message(), "--since")) << report.status();
}

TEST_F(PullLogsTest, RateLimitAndServerErrorsAreSurvived) {
  LogsPullOptions options = LogsOptions();
  options.http.max_retries = 2;
  options.http.rate_limit_padding = absl::ZeroDuration();
  options.http.max_rate_limit_wait = absl::Milliseconds(10);
  server_->AddFault("/api/v1/logs", Fault::Of(Fault::Kind::kRateLimit).Times(1).Skip(1));
  server_->AddFault("/api/v1/logs", Fault::Of(Fault::Kind::kTruncate).Times(1).Skip(2));
  auto report = PullLogs(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(PulledUuids(options.out_file), ServedUuids());
  EXPECT_GE(report->retries, 2);
}

}  // namespace
}  // namespace verdict
