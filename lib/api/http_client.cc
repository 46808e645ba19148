// libcurl transport for the Management API. One easy handle per client keeps
// the connection alive between requests; every failure mode of a request is
// classified here once (retry, wait for the rate limit, skip, or fail) so the
// pullers only see finished results.
#include "lib/api/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace verdict {

std::string RedactSecret(std::string_view text, std::string_view secret) {
  if (secret.size() < 4) return std::string(text);
  return absl::StrReplaceAll(absl::string_view(text.data(), text.size()),
                             {{absl::string_view(secret.data(), secret.size()), "[REDACTED]"}});
}

namespace api {
namespace {

CURL* Handle(void* p) { return static_cast<CURL*>(p); }

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

int64_t Millis(absl::Duration d) { return std::max<int64_t>(0, absl::ToInt64Milliseconds(d)); }

std::string ShortDuration(absl::Duration d) {
  return absl::FormatDuration(absl::Trunc(d, absl::Milliseconds(1)));
}

struct Transfer {
  HttpResponse* response;
  int64_t max_body;
  bool too_big = false;
  const std::atomic<bool>* cancel;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (static_cast<int64_t>(t->response->body.size() + n) > t->max_body) {
    t->too_big = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  if (t->response->body.empty()) {
    // One allocation of the announced size instead of doubling: a page near
    // the body cap would otherwise briefly hold 1.5 times its size twice
    // over while the string grows. A Content-Length of a compressed body
    // undercounts (the string then grows as before); one above the cap is
    // not believed (the cap ends the transfer when the bytes arrive).
    if (std::optional<std::string> length = t->response->Header("content-length")) {
      int64_t announced = 0;
      if (absl::SimpleAtoi(*length, &announced) && announced > 0 && announced <= t->max_body) {
        t->response->body.reserve(static_cast<size_t>(announced));
      }
    }
  }
  t->response->body.append(data, n);
  return n;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  absl::string_view line(data, n);
  line = absl::StripTrailingAsciiWhitespace(line);
  if (absl::StartsWith(line, "HTTP/")) {
    t->response->headers.clear();  // a new response (after 1xx)
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return n;
  std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  t->response->headers.emplace_back(std::move(name), std::move(value));
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return (t->cancel != nullptr && t->cancel->load()) ? 1 : 0;
}

bool IsRetryable(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded || s.code() == absl::StatusCode::kDataLoss;
}

absl::StatusCode CodeForHttp(int status) {
  switch (status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 501:
      return absl::StatusCode::kUnimplemented;
    default:
      return status >= 500 ? absl::StatusCode::kUnavailable : absl::StatusCode::kFailedPrecondition;
  }
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

void ReportProgress(const std::function<void(const PullProgress&)>& progress,
                    const std::string& endpoint, int pages, int64_t items, int64_t total_items) {
  if (!progress) return;
  PullProgress p;
  p.endpoint = endpoint;
  p.pages = pages;
  p.items = items;
  p.total_items = total_items;
  progress(p);
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string ScopeForPath(std::string_view path_view) {
  const std::string path(path_view);
  struct Entry {
    const char* prefix;
    const char* scope;
  };
  static constexpr Entry kScopes[] = {
      {"/api/v1/policies", "okta.policies.read"},
      {"/api/v1/zones", "okta.networkZones.read"},
      {"/api/v1/apps", "okta.apps.read"},
      {"/api/v1/behaviors", "okta.behaviors.read"},
      {"/api/v1/idps", "okta.idps.read"},
      {"/api/v1/groups", "okta.groups.read"},
      {"/api/v1/users", "okta.users.read"},
      {"/api/v1/org", "okta.orgs.read"},
      {"/api/v1/meta/schemas/user/linkedObjects", "okta.linkedObjects.read"},
      {"/api/v1/mappings", "okta.profileMappings.read"},
      {"/api/v1/roles", "okta.roles.read"},
      {"/api/v1/iam/assignees", "okta.roles.read"},
      {"/api/v1/authorizationServers", "okta.authorizationServers.read"},
      {"/api/v1/logs", "okta.logs.read"},
  };
  for (const Entry& e : kScopes) {
    if (absl::StartsWith(path, e.prefix)) return e.scope;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view org_url,
                                                               const OktaCredential& credential,
                                                               const HttpOptions& options) {
  std::unique_ptr<SigningKey> signing_key;
  if (credential.kind == OktaCredential::Kind::kServiceApp) {
    const OktaServiceApp& app = credential.service_app;
    if (app.client_id.empty() || app.scopes.empty()) {
      return absl::InvalidArgumentError("a service app needs --client-id and at least one scope");
    }
    auto key = SigningKey::FromPem(app.private_key_pem, "--private-key");
    if (!key.ok()) return key.status();
    signing_key = std::move(*key);
  } else {
    if (credential.token.empty()) {
      return absl::InvalidArgumentError(
          "no API token: set OKTA_API_TOKEN or pass --bearer-token-file");
    }
    if (credential.token.find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError("the token contains a line break");
    }
  }
  GlobalInit();
  std::string url(absl::StripSuffix(absl::string_view(org_url.data(), org_url.size()), "/"));
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return absl::ResourceExhaustedError("curl_url failed");
  std::string scheme, host, port, path, query, user;
  bool ok = curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  auto part = [&](CURLUPart which, std::string* out) {
    char* value = nullptr;
    if (curl_url_get(parsed, which, &value, 0) == CURLUE_OK && value != nullptr) {
      *out = value;
    }
    curl_free(value);
  };
  if (ok) {
    part(CURLUPART_SCHEME, &scheme);
    part(CURLUPART_HOST, &host);
    part(CURLUPART_PORT, &port);
    part(CURLUPART_PATH, &path);
    part(CURLUPART_QUERY, &query);
    part(CURLUPART_USER, &user);
  }
  curl_url_cleanup(parsed);
  if (!ok || host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--org: not a URL: \"", url, "\" (want https://<org>.okta.com)"));
  }
  scheme = absl::AsciiStrToLower(scheme);
  if (scheme != "https" && !(scheme == "http" && IsLoopbackHost(host))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--org: ", url, ": only https:// is allowed (plain http only for loopback hosts)"));
  }
  if ((!path.empty() && path != "/") || !query.empty() || !user.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--org: ", url, ": give the org's base URL only, e.g. https://acme.okta.com"));
  }
  std::string origin = absl::StrCat(scheme, "://", host);
  if (!port.empty()) absl::StrAppend(&origin, ":", port);
  auto client = std::unique_ptr<HttpClient>(new HttpClient(std::move(origin), credential, options));
  client->signing_key_ = std::move(signing_key);
  client->curl_ = curl_easy_init();
  if (client->curl_ == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  return client;
}

HttpClient::HttpClient(std::string origin, OktaCredential credential, HttpOptions options)
    : origin_(std::move(origin)), credential_(std::move(credential)), options_(std::move(options)) {
  switch (credential_.kind) {
    case OktaCredential::Kind::kApiToken:
      SetAuthorization(absl::StrCat("SSWS ", credential_.token));
      break;
    case OktaCredential::Kind::kBearer:
      SetAuthorization(absl::StrCat("Bearer ", credential_.token));
      break;
    case OktaCredential::Kind::kServiceApp:
      SetAuthorization("");  // until the first access token
      break;
  }
}

void HttpClient::SetAuthorization(const std::string& authorization) {
  curl_slist_free_all(static_cast<curl_slist*>(header_list_));
  curl_slist* list = nullptr;
  if (!authorization.empty()) {
    list = curl_slist_append(list, absl::StrCat("Authorization: ", authorization).c_str());
  }
  list = curl_slist_append(list, "Accept: application/json");
  header_list_ = list;
}

absl::Status HttpClient::EnsureAccessToken() {
  if (credential_.kind != OktaCredential::Kind::kServiceApp) return absl::OkStatus();
  if (access_token_ && absl::Now() < access_token_->refresh_at) return absl::OkStatus();
  access_token_.reset();
  return RequestAccessToken();
}

absl::Status HttpClient::RequestAccessToken() {
  const std::string url = TokenUrl();
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) ++retries_;
    // A fresh assertion per attempt: Okta refuses a jti it has seen.
    absl::StatusOr<std::string> assertion =
        ClientAssertion(*signing_key_, credential_.service_app, url, absl::Now());
    if (!assertion.ok()) return assertion.status();
    issued_secrets_.push_back(*assertion);
    const std::string form = TokenRequestBody(credential_.service_app, *assertion);
    ++token_requests_;
    absl::StatusOr<HttpResponse> response = Perform(url, 0, "", &form);
    absl::Status failure;
    if (!response.ok()) {
      failure = response.status();
    } else {
      absl::StatusOr<AccessToken> token =
          ParseTokenResponse(static_cast<int>(response->status), response->body, absl::Now());
      if (token.ok()) {
        issued_secrets_.push_back(token->token);
        SetAuthorization(absl::StrCat("Bearer ", token->token));
        access_token_ = *std::move(token);
        return absl::OkStatus();
      }
      failure = token.status();
      if (response->status < 500) {
        return absl::Status(failure.code(), Redact(std::string(failure.message())));
      }
    }
    if (!IsRetryable(failure) || attempt >= options_.max_retries) {
      return absl::Status(failure.code(),
                          Redact(absl::StrCat(failure.message(), " (requesting an access token, ",
                                              attempt + 1, " attempts)")));
    }
    const absl::Duration backoff = std::min(
        options_.max_backoff, options_.initial_backoff * (int64_t{1} << std::min(attempt, 20)));
    if (absl::Status s = Wait(backoff); !s.ok()) return s;
  }
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(Handle(curl_));
  curl_slist_free_all(static_cast<curl_slist*>(header_list_));
}

std::string HttpClient::Redact(std::string_view text) const {
  std::string out = RedactSecret(text, credential_.token);
  for (const std::string& secret : issued_secrets_) out = RedactSecret(out, secret);
  return out;
}

bool HttpClient::cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

absl::Status HttpClient::Wait(absl::Duration d) {
  if (d <= absl::ZeroDuration())
    return cancelled() ? absl::CancelledError("cancelled") : absl::OkStatus();
  if (options_.sleep) {
    options_.sleep(d);
  } else {
    const absl::Time deadline = absl::Now() + d;
    while (!cancelled()) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      absl::SleepFor(std::min(left, absl::Milliseconds(50)));
    }
  }
  return cancelled() ? absl::CancelledError("cancelled") : absl::OkStatus();
}

absl::Duration HttpClient::UntilReset(const HttpResponse& response) const {
  int64_t reset = 0;
  auto reset_header = response.Header("x-rate-limit-reset");
  if (!reset_header || !absl::SimpleAtoi(*reset_header, &reset)) return absl::ZeroDuration();
  // Measured against the server's clock (Date), as Okta's own SDKs do, so a
  // skewed local clock does not matter.
  absl::Time now = absl::Now();
  if (auto date = response.Header("date")) {
    const time_t t = curl_getdate(date->c_str(), nullptr);
    if (t != -1) now = absl::FromTimeT(t);
  }
  absl::Duration wait = absl::FromUnixSeconds(reset) - now + options_.rate_limit_padding;
  return std::clamp(wait, absl::ZeroDuration(), options_.max_rate_limit_wait);
}

void HttpClient::RecordRateLimit(const HttpResponse& response) {
  pace_wait_.reset();
  if (options_.rate_limit_low_water < 0 || response.status == 429) return;
  int64_t remaining = -1;
  auto header = response.Header("x-rate-limit-remaining");
  if (!header || !absl::SimpleAtoi(*header, &remaining)) return;
  if (remaining <= options_.rate_limit_low_water) {
    const absl::Duration wait = UntilReset(response);
    if (wait > absl::ZeroDuration()) pace_wait_ = wait;
  }
}

absl::Status HttpClient::PaceBeforeRequest() {
  if (!pace_wait_) return cancelled() ? absl::CancelledError("cancelled") : absl::OkStatus();
  const absl::Duration wait = *pace_wait_;
  pace_wait_.reset();
  return Wait(wait);
}

absl::StatusOr<HttpResponse> HttpClient::Perform(const std::string& url, int retry_count,
                                                 const std::string& retry_for,
                                                 const std::string* form) {
  if (cancelled()) return absl::CancelledError("cancelled");
  CURL* curl = Handle(curl_);
  curl_easy_reset(curl);  // keeps the connection cache: the connection stays alive
  HttpResponse response;
  Transfer transfer{&response, options_.max_body_bytes, false, options_.cancel};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_slist* extra = nullptr;
  curl_slist* headers = static_cast<curl_slist*>(header_list_);
  if (retry_count > 0) {
    // Okta's SDKs mark retries after a 429 so the server can correlate them.
    for (curl_slist* h = headers; h != nullptr; h = h->next)
      extra = curl_slist_append(extra, h->data);
    if (!retry_for.empty()) {
      extra = curl_slist_append(extra, absl::StrCat("X-Okta-Retry-For: ", retry_for).c_str());
    }
    extra = curl_slist_append(extra, absl::StrCat("X-Okta-Retry-Count: ", retry_count).c_str());
    headers = extra;
  }
  if (form != nullptr) {
    // The token request carries its credential in the body, never the
    // Authorization header of the API requests.
    curl_slist_free_all(extra);
    extra = curl_slist_append(nullptr, "Accept: application/json");
    extra = curl_slist_append(extra, "Content-Type: application/x-www-form-urlencoded");
    headers = extra;
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (form != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form->size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->data());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(Millis(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(Millis(options_.request_timeout)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  ++requests_;
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(extra);
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    detail = Redact(detail);
    switch (rc) {
      case CURLE_ABORTED_BY_CALLBACK:
        return absl::CancelledError("cancelled");
      case CURLE_OPERATION_TIMEDOUT:
        return absl::DeadlineExceededError(absl::StrCat(
            "timed out (limit ", ShortDuration(options_.request_timeout), "): ", detail));
      case CURLE_WRITE_ERROR:
        if (transfer.too_big) {
          return absl::ResourceExhaustedError(
              absl::StrCat("response body larger than ", options_.max_body_bytes, " bytes"));
        }
        return absl::UnavailableError(detail);
      case CURLE_PARTIAL_FILE:
        return absl::DataLossError(absl::StrCat("truncated response body: ", detail));
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return absl::FailedPreconditionError(
            absl::StrCat("TLS verification failed (never disabled): ", detail));
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
        return absl::InvalidArgumentError(detail);
      default:
        return absl::UnavailableError(detail);
    }
  }
  long status = 0;  // NOLINT(runtime/int)
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
  return response;
}

ApiResult HttpClient::Get(std::string_view path_or_url, bool parse) {
  ApiResult result;
  std::string url(path_or_url);
  if (absl::StartsWith(url, "//")) {
    // Protocol-relative ("//host/path"): another host, not a path here.
    result.status = absl::PermissionDeniedError(Redact(absl::StrCat(
        "refusing to follow the protocol-relative link ", url, ": not a path under --org")));
    return result;
  }
  if (absl::StartsWith(url, "/")) url = origin_ + url;
  // The token goes only to the org: a next link (or cursor) that points
  // elsewhere is refused rather than followed.
  if (url != origin_ && !absl::StartsWith(url, origin_ + "/") &&
      !absl::StartsWith(url, origin_ + "?")) {
    result.status = absl::PermissionDeniedError(
        Redact(absl::StrCat("refusing to send the token to ", url, ": not under --org ", origin_)));
    return result;
  }
  const std::string shown = url.substr(origin_.size());
  const std::string what = absl::StrCat("GET ", shown);
  int transport_retries = 0;
  int rate_limit_retries = 0;
  absl::Duration rate_limit_waited = absl::ZeroDuration();
  std::string request_id;
  bool token_refreshed = false;  // after a 401, once per call
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) ++retries_;
    if (absl::Status paced = PaceBeforeRequest(); !paced.ok()) {
      result.status = paced;
      return result;
    }
    if (absl::Status token = EnsureAccessToken(); !token.ok()) {
      result.status = token;
      return result;
    }
    absl::StatusOr<HttpResponse> response = Perform(url, attempt, request_id);
    absl::Status failure;
    if (!response.ok()) {
      failure = response.status();
    } else {
      RecordRateLimit(*response);
      request_id = response->Header("x-okta-request-id").value_or("");
      const int status = static_cast<int>(response->status);
      if (status == 401 && credential_.kind == OktaCredential::Kind::kServiceApp &&
          !token_refreshed) {
        // Expired or revoked early: a new access token, and the request again.
        token_refreshed = true;
        access_token_.reset();
        continue;
      }
      if (status == 429) {
        if (rate_limit_retries < options_.max_rate_limit_retries) {
          ++rate_limit_retries;
          absl::Duration wait = UntilReset(*response);
          if (!response->Header("x-rate-limit-reset")) {
            wait = std::min(options_.max_backoff,
                            options_.initial_backoff * (1 << std::min(rate_limit_retries, 16)));
          }
          if (rate_limit_waited + wait > options_.max_total_rate_limit_wait) {
            result.http_status = status;
            result.error_code = "E0000047";
            result.status = absl::ResourceExhaustedError(Redact(absl::StrCat(
                what, ": HTTP 429: rate limited; the limit resets in ", absl::FormatDuration(wait),
                (rate_limit_waited > absl::ZeroDuration()
                     ? absl::StrCat(" after ", absl::FormatDuration(rate_limit_waited),
                                    " of waiting")
                     : ""),
                ", more than the ", absl::FormatDuration(options_.max_total_rate_limit_wait),
                " allowed per request: giving up (run again later)")));
            return result;
          }
          rate_limit_waited += wait;
          if (absl::Status s = Wait(wait); !s.ok()) {
            result.status = s;
            return result;
          }
          continue;
        }
      } else if (status >= 200 && status < 300) {
        const Redactor redact = [this](std::string_view t) { return Redact(t); };
        absl::Status body_status;
        if (status == 204 || response->body.empty()) {
          result.value = Json();
        } else if (!parse) {
          body_status = CheckResponseBody(response->body, redact);
          if (body_status.ok()) result.body = std::move(response->body);
        } else if (absl::StatusOr<Json> parsed = ParseResponseBody(response->body, redact);
                   parsed.ok()) {
          result.value = *std::move(parsed);
        } else {
          body_status = parsed.status();
        }
        if (body_status.code() == absl::StatusCode::kOutOfRange) {
          // Too deep: not retried, the server means it.
          result.status = absl::DataLossError(absl::StrCat(what, ": ", body_status.message()));
          return result;
        }
        failure = body_status;
        if (failure.ok()) {
          std::vector<std::string> links;
          for (const auto& [name, value] : response->headers) {
            if (name == "link") links.push_back(value);
          }
          result.next_url = NextLink(links);
          result.http_status = status;
          result.pages = 1;
          return result;
        }
      }
      if (failure.ok()) {
        // An HTTP error: build the message from Okta's error object.
        std::string error_code;
        // Redacted before DescribeErrorBody cuts it to an excerpt.
        std::string described = DescribeErrorBody(Redact(response->body), &error_code);
        std::string message = absl::StrCat("HTTP ", status);
        if (const std::string phrase = ReasonPhrase(status); !phrase.empty()) {
          absl::StrAppend(&message, " ", phrase);
        }
        if (!described.empty()) absl::StrAppend(&message, ": ", described);
        const std::string scope = ScopeForPath(shown);
        if (status == 401 && credential_.kind == OktaCredential::Kind::kServiceApp) {
          absl::StrAppend(&message,
                          "; a freshly issued access token was rejected: check the service "
                          "app's granted scopes and admin roles");
        } else if (status == 401) {
          absl::StrAppend(&message,
                          "; the token was rejected (invalid, expired or revoked): check "
                          "OKTA_API_TOKEN or --bearer-token-file");
        } else if (status == 403) {
          if (auto challenge = response->Header("www-authenticate")) {
            absl::StrAppend(&message, "; WWW-Authenticate: ", *challenge);
          }
          if (!scope.empty()) {
            absl::StrAppend(&message, "; reading this needs the OAuth scope ", scope,
                            " (or an API token of an admin allowed to read it)");
          }
        } else if (status == 429) {
          absl::StrAppend(&message, "; still rate limited after ", rate_limit_retries,
                          " waits for X-Rate-Limit-Reset");
        }
        result.http_status = status;
        result.error_code = error_code;
        failure = absl::Status(CodeForHttp(status), message);
        if (status < 500 || status == 501) {
          result.status = absl::Status(failure.code(), Redact(absl::StrCat(what, ": ", message)));
          return result;
        }
      }
    }
    // Transient failures: 5xx, connection errors, timeouts, truncated or
    // malformed bodies. Retried with exponential backoff, bounded.
    if (!IsRetryable(failure) || transport_retries >= options_.max_retries) {
      std::string message = absl::StrCat(what, ": ", failure.message());
      if (IsRetryable(failure)) {
        absl::StrAppend(&message, " (gave up after ", attempt + 1, " attempts)");
      }
      result.status = absl::Status(failure.code(), Redact(message));
      return result;
    }
    const absl::Duration backoff =
        std::min(options_.max_backoff,
                 options_.initial_backoff * (int64_t{1} << std::min(transport_retries, 20)));
    ++transport_retries;
    if (absl::Status s = Wait(backoff); !s.ok()) {
      result.status = s;
      return result;
    }
  }
}

std::string HttpClient::AbsoluteUrl(std::string_view path_or_url) const {
  const absl::string_view u(path_or_url.data(), path_or_url.size());
  if (absl::StartsWith(u, "/") && !absl::StartsWith(u, "//")) return absl::StrCat(origin_, u);
  return std::string(path_or_url);
}

ApiResult HttpClient::GetAllPages(std::string_view path,
                                  const std::function<void(int pages, int64_t items)>& on_page) {
  Json all = Json::array();
  ApiResult result = ForEachPage(path, [&](std::string_view array_text, int pages) {
    // Checked JSON already: this parse cannot fail but for memory.
    absl::StatusOr<Json> items = ParseResponseBody(array_text, nullptr);
    if (!items.ok()) return items.status();
    for (auto& item : *items) all.push_back(std::move(item));
    if (on_page) on_page(pages, static_cast<int64_t>(all.size()));
    return absl::OkStatus();
  });
  if (result.status.ok()) result.value = std::move(all);
  return result;
}

HttpClient::PageWalk::PageWalk(const HttpClient& client, std::string_view first)
    : client_(client), first_(first) {}

absl::Status HttpClient::PageWalk::Admit(std::string_view url) {
  if (pages_ >= client_.options_.max_pages) {
    return absl::ResourceExhaustedError(
        absl::StrCat("GET ", first_, ": more than ", client_.options_.max_pages, " pages"));
  }
  std::string absolute = client_.AbsoluteUrl(url);
  const auto again = std::find(fetched_.begin(), fetched_.end(), absolute);
  if (again != fetched_.end()) {
    return absl::DataLossError(absl::StrCat("GET ", first_, ": the next link of page ", pages_,
                                            " returns to page ", again - fetched_.begin() + 1,
                                            " (a pagination cycle); stopping"));
  }
  fetched_.push_back(std::move(absolute));
  ++pages_;
  return absl::OkStatus();
}

ApiResult HttpClient::ForEachPage(
    std::string_view path,
    const std::function<absl::Status(std::string_view array_text, int pages)>& on_page) {
  ApiResult all;
  const std::string shown(path);
  PageWalk walk(*this, path);
  for (std::string url(path);;) {
    if (absl::Status admitted = walk.Admit(url); !admitted.ok()) {
      all.status = std::move(admitted);
      return all;
    }
    ApiResult one = Get(url, /*parse=*/false);
    if (!one.status.ok()) {
      one.pages = all.pages;
      one.value = Json();
      return one;
    }
    if (const std::string type = ResponseBodyType(one.body); type != "array") {
      all.status =
          absl::DataLossError(absl::StrCat("GET ", shown, ": expected a JSON array, got ", type));
      return all;
    }
    ++all.pages;
    all.http_status = one.http_status;
    if (absl::Status s = on_page(one.body, all.pages); !s.ok()) {
      all.status = s;
      return all;
    }
    if (one.next_url.empty()) return all;
    url = one.next_url;
  }
}

}  // namespace api
}  // namespace verdict
