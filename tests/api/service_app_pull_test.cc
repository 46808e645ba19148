// Pulling as an OAuth service app (private_key_jwt) against the loopback
// server's token endpoint, which verifies the client assertion with the app's
// public key: pulls succeed with the issued token and refresh it, a wrong key,
// an expired assertion or an ungranted scope fail clearly without a secret in
// the message. And PullMemberships: the users' groups in the format
// --memberships reads.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/api/fake_okta_server.h"
#include "tests/api/test_keys.h"
#include "tests/support/subprocess.h"
#include "verdict/okta_client.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using ::verdict::testing::FakeOktaServer;
using ::verdict::testing::Fault;
using ::verdict::testing::MakeEcKey;
using ::verdict::testing::MakeRsaKey;
using ::verdict::testing::TestKeyPair;

constexpr char kClientId[] = "0oaVerdictPull0g3";

// One RSA and one EC key pair for the whole suite (RSA generation is slow).
const TestKeyPair& RsaKey() {
  static const TestKeyPair* key = new TestKeyPair(MakeRsaKey(2048));
  return *key;
}
const TestKeyPair& OtherRsaKey() {
  static const TestKeyPair* key = new TestKeyPair(MakeRsaKey(2048));
  return *key;
}
const TestKeyPair& EcKey() {
  static const TestKeyPair* key = new TestKeyPair(MakeEcKey("P-256"));
  return *key;
}

class ServiceAppPullTest : public ::testing::Test {
 protected:
  void Start(const TestKeyPair& registered, void (*adjust)(FakeOktaServer::Options*) = nullptr) {
    FakeOktaServer::Options options;
    options.org_dir = testing::ApiTestData() + "/org";
    options.logs_file = testing::ApiTestData() + "/logs.jsonl";
    options.token = "api-token-that-is-not-used-here";
    options.oauth_client_id = kClientId;
    options.oauth_public_key_pem = registered.public_pem;
    options.oauth_key_id = "kid-2025";
    if (adjust != nullptr) adjust(&options);
    server_ = std::make_unique<FakeOktaServer>(options);
    ASSERT_TRUE(server_->Start());
    std::string pattern = (fs::path(::testing::TempDir()) / "verdict-oauth-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    ASSERT_NE(::mkdtemp(buffer.data()), nullptr);
    root_ = buffer.data();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }

  OktaCredential Credential(const TestKeyPair& key, std::vector<std::string> scopes) {
    OktaCredential credential;
    credential.kind = OktaCredential::Kind::kServiceApp;
    credential.service_app.client_id = kClientId;
    credential.service_app.private_key_pem = key.private_pem;
    credential.service_app.key_id = "kid-2025";
    credential.service_app.scopes = std::move(scopes);
    return credential;
  }

  PullOptions SnapshotOptions(const TestKeyPair& key) {
    PullOptions options;
    options.org_url = server_->url();
    options.credential = Credential(key, DefaultPullScopes());
    options.out_dir = (root_ / "snapshot").string();
    options.http.initial_backoff = absl::Milliseconds(1);
    options.http.max_backoff = absl::Milliseconds(4);
    options.http.max_retries = 1;
    return options;
  }

  // No message, file or header carries the private key or an issued secret
  // where it does not belong.
  void ExpectNoSecret(const std::string& text) {
    EXPECT_FALSE(absl::StrContains(text, "PRIVATE KEY")) << text;
    for (const std::string& token : server_->issued_tokens()) {
      EXPECT_FALSE(absl::StrContains(text, token)) << text;
    }
  }

  std::unique_ptr<FakeOktaServer> server_;
  fs::path root_;
};

TEST_F(ServiceAppPullTest, RsaKeyPullsTheOrgWithTheIssuedBearerToken) {
  Start(RsaKey());
  auto report = PullSnapshot(SnapshotOptions(RsaKey()));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(server_->issued_tokens().size(), 1u) << "one token for the whole pull";
  const std::string bearer = "Bearer " + server_->issued_tokens()[0];
  int api_requests = 0;
  for (const auto& request : server_->requests()) {
    if (request.method == "POST") {
      EXPECT_EQ(request.target, "/oauth2/v1/token");
      EXPECT_EQ(request.authorization, "") << "the assertion travels in the body only";
      continue;
    }
    ++api_requests;
    EXPECT_EQ(request.authorization, bearer) << request.target;
  }
  EXPECT_GT(api_requests, 10);
  EXPECT_TRUE(absl::StrContains(server_->last_scope(), "okta.policies.read"));
  EXPECT_TRUE(absl::StrContains(server_->last_scope(), "okta.networkZones.read"));
  EXPECT_TRUE(fs::exists(root_ / "snapshot" / "zones.json"));
  ExpectNoSecret(verdict_test::ReadFile(root_ / "snapshot" / "manifest.json"));
}

TEST_F(ServiceAppPullTest, EcKeyPullsTheLogs) {
  Start(EcKey());
  LogsPullOptions options;
  options.org_url = server_->url();
  options.credential = Credential(EcKey(), DefaultLogsPullScopes(false));
  options.out_file = (root_ / "events.jsonl").string();
  options.since = "2025-03-14T00:00:00.000Z";
  options.until = "2025-03-15T00:00:00.000Z";
  auto report = PullLogs(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 7);
  EXPECT_TRUE(report->complete);
  EXPECT_EQ(server_->last_scope(), "okta.logs.read");
}

TEST_F(ServiceAppPullTest, WrongKeyFailsClearlyAndKeepsThePreviousSnapshot) {
  Start(RsaKey());
  ASSERT_TRUE(PullSnapshot(SnapshotOptions(RsaKey())).ok());
  const std::string before = verdict_test::ReadFile(root_ / "snapshot" / "zones.json");
  // Signed with a key the app did not register.
  auto report = PullSnapshot(SnapshotOptions(OtherRsaKey()));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kUnauthenticated);
  const std::string message(report.status().message());
  EXPECT_TRUE(absl::StrContains(message,
                                "POST /oauth2/v1/token: HTTP 401: invalid_client: "
                                "The client_assertion signature is invalid."))
      << message;
  EXPECT_TRUE(absl::StrContains(message, "--private-key")) << message;
  ExpectNoSecret(message);
  EXPECT_EQ(verdict_test::ReadFile(root_ / "snapshot" / "zones.json"), before);
  // Refused once, not retried: another assertion from the same key would be
  // refused alike.
  EXPECT_EQ(server_->token_errors().size(), 1u);
}

TEST_F(ServiceAppPullTest, ExpiredAssertionFailsAndNamesTheClock) {
  // The token endpoint's clock is two hours ahead: the 5-minute assertion
  // has expired when it arrives.
  Start(RsaKey(), [](FakeOktaServer::Options* o) { o->oauth_clock_skew_s = 7200; });
  auto report = PullSnapshot(SnapshotOptions(RsaKey()));
  ASSERT_FALSE(report.ok());
  const std::string message(report.status().message());
  EXPECT_TRUE(absl::StrContains(message, "The client_assertion token is expired.")) << message;
  EXPECT_TRUE(absl::StrContains(message, "system clock")) << message;
  EXPECT_FALSE(fs::exists(root_ / "snapshot"));
}

TEST_F(ServiceAppPullTest, UngrantedScopeNamesTheScopesFlag) {
  Start(RsaKey(), [](FakeOktaServer::Options* o) {
    o->oauth_granted_scopes = {"okta.policies.read", "okta.networkZones.read"};
  });
  auto report = PullSnapshot(SnapshotOptions(RsaKey()));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::StrContains(report.status().message(), "invalid_scope")) << report.status();
  EXPECT_TRUE(absl::StrContains(report.status().message(), "--scopes")) << report.status();
}

TEST_F(ServiceAppPullTest, RevokedTokenIsReplacedAfterA401) {
  // Each token is good for 5 API requests, then answers 401.
  Start(RsaKey(), [](FakeOktaServer::Options* o) { o->oauth_token_max_uses = 5; });
  auto report = PullSnapshot(SnapshotOptions(RsaKey()));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(server_->issued_tokens().size(), 3u);
  EXPECT_GT(report->retries, 0) << "each 401 repeats its request once";
}

TEST_F(ServiceAppPullTest, TokenNearExpiryIsRefreshedBeforeTheNextRequest) {
  // expires_in 4 s: refresh is due after 2 s. A slow answer (2.1 s, the
  // token still valid when the server checks it) makes the next request ask
  // for a new one first.
  Start(RsaKey(), [](FakeOktaServer::Options* o) { o->oauth_token_lifetime_s = 4; });
  server_->AddFault("/api/v1/zones", Fault::Of(Fault::Kind::kSlow).DelayMs(2100));
  auto report = PullSnapshot(SnapshotOptions(RsaKey()));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(server_->issued_tokens().size(), 2u);
  EXPECT_EQ(report->retries, 0) << "refreshed before, not after a 401";
}

TEST_F(ServiceAppPullTest, PullMembershipsWritesWhatLoadMembershipsReads) {
  Start(RsaKey());
  MembershipsPullOptions options;
  options.org_url = server_->url();
  options.credential = Credential(RsaKey(), DefaultLogsPullScopes(true));
  // Bob is named by the log but unknown to the org (404): left out.
  options.user_ids = {"00uAcmeAnn0g3", "00uAcmeBob0g3", "00uAcmeAnn0g3"};
  options.out_file = (root_ / "memberships.json").string();
  auto report = PullMemberships(options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->users, 1);
  ASSERT_EQ(report->skipped.size(), 1u);
  EXPECT_EQ(report->skipped[0].endpoint, "/api/v1/users/00uAcmeBob0g3/groups");
  EXPECT_EQ(report->skipped[0].http_status, 404);

  auto loaded = LoadMemberships(options.out_file);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Json served = server_->files().at("users/00uAcmeAnn0g3/groups.json");
  std::vector<std::string> want;
  for (const auto& group : served) want.push_back(group["id"].get<std::string>());
  ASSERT_EQ(loaded->count("00uAcmeAnn0g3"), 1u);
  EXPECT_EQ(loaded->at("00uAcmeAnn0g3"), want);
  EXPECT_EQ(loaded->count("00uAcmeBob0g3"), 0u);
  EXPECT_EQ(report->memberships, static_cast<int64_t>(want.size()));
  ExpectNoSecret(verdict_test::ReadFile(options.out_file));
}

TEST_F(ServiceAppPullTest, FailedMembershipsPullLeavesTheFileAsItWas) {
  Start(RsaKey());
  const fs::path file = root_ / "memberships.json";
  std::ofstream(file) << "{\"00uOld\": []}\n";
  server_->AddFault("/api/v1/users/", Fault::Of(Fault::Kind::kStatus).Status(500).Times(-1));
  MembershipsPullOptions options;
  options.org_url = server_->url();
  options.credential = Credential(RsaKey(), DefaultLogsPullScopes(true));
  options.user_ids = {"00uAcmeAnn0g3"};
  options.out_file = file.string();
  options.http.max_retries = 1;
  options.http.initial_backoff = absl::Milliseconds(1);
  auto report = PullMemberships(options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(verdict_test::ReadFile(file), "{\"00uOld\": []}\n");
  options.user_ids = {"../etc"};
  auto unsafe = PullMemberships(options);
  ASSERT_FALSE(unsafe.ok());
  EXPECT_EQ(unsafe.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace verdict
