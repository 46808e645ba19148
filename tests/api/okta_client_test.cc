// The Management API transport against a real HTTP server on loopback
// (tests/api/fake_okta_server.h): pagination, keep-alive, retries, rate
// limits, Okta's error objects, and that the token never shows.
#include "verdict/okta_client.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/api/http_client.h"
#include "tests/api/fake_okta_server.h"

namespace verdict {
namespace {

using ::verdict::api::HttpClient;
using ::verdict::testing::FakeOktaServer;
using ::verdict::testing::Fault;

constexpr char kToken[] = "test-token-0123456789abcdef";

// Options with millisecond delays and a recorder instead of real sleeps.
struct FastOptions {
  std::vector<absl::Duration> sleeps;
  HttpOptions http;
  FastOptions() {
    http.initial_backoff = absl::Milliseconds(1);
    http.max_backoff = absl::Milliseconds(4);
    http.max_retries = 2;
    http.rate_limit_padding = absl::ZeroDuration();
    http.max_rate_limit_retries = 2;
    http.connect_timeout = absl::Seconds(2);
    http.request_timeout = absl::Seconds(5);
    http.sleep = [this](absl::Duration d) { sleeps.push_back(d); };
  }
};

class OktaClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeOktaServer::Options options;
    options.org_dir = testing::ApiTestData() + "/org";
    options.logs_file = testing::ApiTestData() + "/logs.jsonl";
    options.token = kToken;
    server_ = std::make_unique<FakeOktaServer>(options);
    ASSERT_TRUE(server_->Start());
  }

  std::unique_ptr<HttpClient> Client(const std::string& token = kToken) {
    auto client =
        HttpClient::Create(server_->url(), {OktaCredential::Kind::kApiToken, token}, fast_.http);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  FastOptions fast_;
  std::unique_ptr<FakeOktaServer> server_;
};

// ------------------------------------------------------------ pure functions

struct LinkCase {
  std::string name;
  std::vector<std::string> values;
  std::string want;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const LinkCase& c, std::ostream* os) { *os << c.name; }

class OktaClientNextLinkTest : public ::testing::TestWithParam<LinkCase> {};

TEST_P(OktaClientNextLinkTest, FindsRelNext) {
  EXPECT_EQ(api::NextLink(GetParam().values), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, OktaClientNextLinkTest,
    ::testing::Values(
        LinkCase{"None", {}, ""},
        LinkCase{"SelfOnly", {"<https://a.okta.com/api/v1/zones>; rel=\"self\""}, ""},
        LinkCase{"SeparateHeaders",
                 {"<https://a.okta.com/api/v1/zones>; rel=\"self\"",
                  "<https://a.okta.com/api/v1/zones?after=nzo2&limit=2>; rel=\"next\""},
                 "https://a.okta.com/api/v1/zones?after=nzo2&limit=2"},
        LinkCase{"OneHeaderCommaSeparated",
                 {"<https://a.okta.com/x?a=1,2>; rel=\"self\", <https://a.okta.com/x?after=b%2C>; "
                  "rel=\"next\""},
                 "https://a.okta.com/x?after=b%2C"},
        LinkCase{"UnquotedAndUpperCase",
                 {"<https://a.okta.com/y?after=3>; REL=next"},
                 "https://a.okta.com/y?after=3"},
        LinkCase{"SpaceSeparatedRels",
                 {"<https://a.okta.com/z>; rel=\"prev next\""},
                 "https://a.okta.com/z"},
        LinkCase{"NextOfAnotherParamIgnored",
                 {"<https://a.okta.com/z>; title=\"next\"; rel=\"self\""},
                 ""}),
    [](const ::testing::TestParamInfo<LinkCase>& info) { return info.param.name; });

TEST(OktaClientRedactTest, ReplacesEveryOccurrence) {
  EXPECT_EQ(RedactSecret("a SSWS secret-1234 b secret-1234", "secret-1234"),
            "a SSWS [REDACTED] b [REDACTED]");
  EXPECT_EQ(RedactSecret("nothing here", "secret-1234"), "nothing here");
  EXPECT_EQ(RedactSecret("a b c", "a"), "a b c");  // too short to redact sensibly
}

TEST(OktaClientScopeTest, NamesTheReadScope) {
  EXPECT_EQ(api::ScopeForPath("/api/v1/policies?type=OKTA_SIGN_ON"), "okta.policies.read");
  EXPECT_EQ(api::ScopeForPath("/api/v1/zones"), "okta.networkZones.read");
  EXPECT_EQ(api::ScopeForPath("/api/v1/apps?limit=200"), "okta.apps.read");
  EXPECT_EQ(api::ScopeForPath("/api/v1/idps?limit=200"), "okta.idps.read");
  EXPECT_EQ(api::ScopeForPath("/api/v1/logs?since=x"), "okta.logs.read");
  EXPECT_EQ(api::ScopeForPath("/api/v1/behaviors"), "okta.behaviors.read");
}

TEST(OktaClientCreateTest, TlsUnlessLoopback) {
  const OktaCredential cred{OktaCredential::Kind::kApiToken, kToken};
  EXPECT_EQ(HttpClient::Create("http://acme.okta.com", cred, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("ftp://acme.okta.com", cred, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("https://acme.okta.com/api/v1", cred, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Create("not a url", cred, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HttpClient::Create("https://acme.okta.com/", cred, {}).ok());
  EXPECT_TRUE(HttpClient::Create("http://127.0.0.1:8080", cred, {}).ok());
  EXPECT_TRUE(HttpClient::Create("http://localhost:8080", cred, {}).ok());
  EXPECT_EQ(HttpClient::Create("https://acme.okta.com", {OktaCredential::Kind::kApiToken, ""}, {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------ against the server

TEST_F(OktaClientTest, FollowsLinkHeadersVerbatimOverOneConnection) {
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/zones", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.value, server_->files().at("zones.json"));
  EXPECT_EQ(result.pages, 2);
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/api/v1/zones");
  EXPECT_EQ(requests[1].target, "/api/v1/zones?after=p2");  // exactly the next link's target
  EXPECT_EQ(requests[0].authorization, std::string("SSWS ") + kToken);
  EXPECT_EQ(server_->connections(), 1);  // keep-alive
  EXPECT_TRUE(fast_.sleeps.empty());
}

TEST_F(OktaClientTest, BearerTokenUsesBearerScheme) {
  auto client =
      HttpClient::Create(server_->url(), {OktaCredential::Kind::kBearer, kToken}, fast_.http);
  ASSERT_TRUE(client.ok());
  api::ApiResult result = (*client)->GetJson("/api/v1/org");
  EXPECT_EQ(result.http_status, 401);  // the server expects SSWS
  EXPECT_EQ(server_->requests().back().authorization, std::string("Bearer ") + kToken);
}

TEST_F(OktaClientTest, RetriesServerErrorsWithExponentialBackoff) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kStatus).Times(2).Status(503));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.value, server_->files().at("groups.json"));
  EXPECT_EQ(client->retries(), 2);
  ASSERT_EQ(fast_.sleeps.size(), 2u);
  EXPECT_EQ(fast_.sleeps[0], absl::Milliseconds(1));
  EXPECT_EQ(fast_.sleeps[1], absl::Milliseconds(2));
}

TEST_F(OktaClientTest, GivesUpAfterBoundedRetries) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kStatus).Times(-1).Status(500));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "HTTP 500")) << result.status;
  EXPECT_TRUE(absl::StrContains(result.status.message(), "E0000009")) << result.status;
  EXPECT_TRUE(absl::StrContains(result.status.message(), "gave up after 3 attempts"))
      << result.status;
  EXPECT_EQ(server_->requests().size(), 3u);
}

TEST_F(OktaClientTest, WaitsUntilRateLimitResetThenRetries) {
  server_->AddFault("/api/v1/behaviors", Fault::Of(Fault::Kind::kRateLimit).Times(1).ResetAfter(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/behaviors", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.value, server_->files().at("behaviors.json"));
  // Reset is Date + 1 s on the server's clock; padding is zero in tests.
  ASSERT_EQ(fast_.sleeps.size(), 1u);
  EXPECT_EQ(fast_.sleeps[0], absl::Seconds(1));
  const auto requests = server_->requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[1].retry_count, "1");
}

TEST_F(OktaClientTest, RateLimitRetriesAreCapped) {
  server_->AddFault("/api/v1/behaviors",
                    Fault::Of(Fault::Kind::kRateLimit).Times(-1).ResetAfter(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/behaviors", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "E0000047")) << result.status;
  EXPECT_EQ(server_->requests().size(), 3u);  // 1 + max_rate_limit_retries
}

TEST_F(OktaClientTest, RealRateLimitWaitIsCappedByMaxWait) {
  fast_.http.sleep = nullptr;  // real sleeping
  fast_.http.max_rate_limit_wait = absl::Milliseconds(50);
  server_->AddFault("/api/v1/behaviors",
                    Fault::Of(Fault::Kind::kRateLimit).Times(1).ResetAfter(30));
  auto client = Client();
  const auto start = std::chrono::steady_clock::now();
  api::ApiResult result = client->GetAllPages("/api/v1/behaviors", nullptr);
  EXPECT_TRUE(result.status.ok()) << result.status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(OktaClientTest, SlowsDownWhenRemainingIsLow) {
  server_->AddFault("/api/v1/zones", Fault::Of(Fault::Kind::kLowRemaining).Times(1).ResetAfter(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/zones", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  // The first page said 0 remaining: the second request waited for the reset.
  ASSERT_EQ(fast_.sleeps.size(), 1u);
  EXPECT_EQ(fast_.sleeps[0], absl::Seconds(1));
  EXPECT_EQ(client->retries(), 0);
}

TEST_F(OktaClientTest, TruncatedBodyIsRetried) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kTruncate).Times(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.value, server_->files().at("groups.json"));
  EXPECT_EQ(client->retries(), 1);
}

TEST_F(OktaClientTest, PersistentTruncationIsReported) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kTruncate).Times(-1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "truncated")) << result.status;
}

TEST_F(OktaClientTest, MalformedJsonIsRetriedThenReported) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kMalformed).Times(1));
  auto client = Client();
  EXPECT_TRUE(client->GetAllPages("/api/v1/groups", nullptr).status.ok());
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kMalformed).Times(-1));
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "not valid JSON")) << result.status;
  EXPECT_TRUE(absl::StrContains(result.status.message(), "GET /api/v1/groups")) << result.status;
}

TEST_F(OktaClientTest, ClosedConnectionIsRetried) {
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kClose).Times(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(client->retries(), 1);
}

TEST_F(OktaClientTest, SlowEndpointTimesOut) {
  fast_.http.request_timeout = absl::Milliseconds(150);
  fast_.http.max_retries = 1;
  server_->AddFault("/api/v1/groups", Fault::Of(Fault::Kind::kSlow).Times(-1).DelayMs(1500));
  auto client = Client();
  const auto start = std::chrono::steady_clock::now();
  api::ApiResult result = client->GetAllPages("/api/v1/groups", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "timed out")) << result.status;
  EXPECT_TRUE(absl::StrContains(result.status.message(), "gave up after 2 attempts"))
      << result.status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(OktaClientTest, UnauthorizedSurfacesOktaErrorWithoutToken) {
  auto client = Client("expired-token-9876543210");
  api::ApiResult result = client->GetJson("/api/v1/org");
  EXPECT_EQ(result.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(result.error_code, "E0000011");
  const std::string message(result.status.message());
  EXPECT_TRUE(absl::StrContains(message, "HTTP 401")) << message;
  EXPECT_TRUE(absl::StrContains(message, "E0000011 Invalid token provided")) << message;
  EXPECT_TRUE(absl::StrContains(message, "OKTA_API_TOKEN")) << message;
  EXPECT_FALSE(absl::StrContains(message, "expired-token-9876543210")) << message;
  EXPECT_EQ(server_->requests().size(), 1u);  // never retried
}

TEST_F(OktaClientTest, ForbiddenNamesTheMissingScope) {
  server_->AddFault("/api/v1/policies", Fault::Of(Fault::Kind::kForbidden).Times(1));
  auto client = Client();
  api::ApiResult result = client->GetAllPages("/api/v1/policies?type=OKTA_SIGN_ON", nullptr);
  EXPECT_EQ(result.status.code(), absl::StatusCode::kPermissionDenied);
  const std::string message(result.status.message());
  EXPECT_TRUE(absl::StrContains(message, "okta.policies.read")) << message;
  EXPECT_TRUE(absl::StrContains(message, "E0000006")) << message;
  EXPECT_TRUE(absl::StrContains(message, "insufficient_scope")) << message;
}

TEST_F(OktaClientTest, ErrorCausesAreSurfacedAndTokenRedacted) {
  server_->AddFault("/api/v1/zones", Fault::Of(Fault::Kind::kEchoToken).Times(1));
  auto client = Client();
  api::ApiResult result = client->GetJson("/api/v1/zones");
  EXPECT_EQ(result.status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(result.status.message());
  EXPECT_FALSE(absl::StrContains(message, kToken)) << message;
  EXPECT_TRUE(absl::StrContains(message, "[REDACTED]")) << message;
  EXPECT_TRUE(absl::StrContains(message, "causes: credential [REDACTED] is odd")) << message;
  EXPECT_TRUE(absl::StrContains(message, "errorId oaeFakeServer0001")) << message;
}

TEST_F(OktaClientTest, RefusesToSendTheTokenToAnotherOrigin) {
  auto client = Client();
  api::ApiResult result = client->GetJson("http://127.0.0.2:9/api/v1/zones?after=x");
  EXPECT_EQ(result.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(OktaClientTest, ConnectionRefusedIsRetriedThenReported) {
  const std::string url = server_->url();
  server_->Stop();
  auto client = HttpClient::Create(url, {OktaCredential::Kind::kApiToken, kToken}, fast_.http);
  ASSERT_TRUE(client.ok());
  api::ApiResult result = (*client)->GetJson("/api/v1/org");
  EXPECT_EQ(result.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(result.status.message(), "gave up after 3 attempts"))
      << result.status;
}

TEST_F(OktaClientTest, CancelStopsWaiting) {
  std::atomic<bool> cancel{true};
  fast_.http.cancel = &cancel;
  auto client = Client();
  api::ApiResult result = client->GetJson("/api/v1/org");
  EXPECT_EQ(result.status.code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace verdict
