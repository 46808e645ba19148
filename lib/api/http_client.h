// The Okta Management API transport: one libcurl easy handle (so one kept-alive
// connection), retries with exponential backoff, rate-limit pacing, Link-header
// pagination and Okta's error objects. Internal to lib/api.
#ifndef VERDICT_LIB_API_HTTP_CLIENT_H_
#define VERDICT_LIB_API_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/api/oauth.h"
#include "lib/api/response_page.h"
#include "nlohmann/json.hpp"
#include "verdict/okta_client.h"

namespace verdict::api {

// One HTTP response as received.
struct HttpResponse {
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  // Header lines of the final response, names lower-cased, in order; a name
  // may repeat (Link).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first value of header `name` (lower case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// The outcome of one API call (after retries). When `status` is not OK and the
// server answered, http_status and the Okta error fields are filled in.
struct ApiResult {
  absl::Status status;
  int http_status = 0;
  std::string error_code;  // errorCode of Okta's error object
  Json value;              // the parsed body (array pages concatenated)
  std::string body;        // a page's body as received (ForEachPage's pages)
  std::string next_url;    // Link rel="next" of the last page, verbatim
  int pages = 0;
};

// Calls `progress` (when set) with one step of a pull.
void ReportProgress(const std::function<void(const PullProgress&)>& progress,
                    const std::string& endpoint, int pages, int64_t items, int64_t total_items);

// `text` with every byte but RFC 3986's unreserved characters as %XX (for a
// query parameter or a form field).
std::string PercentEncode(std::string_view text);

// The OAuth scope that reads `path` (e.g. "okta.policies.read"), or "".
std::string ScopeForPath(std::string_view path);

class HttpClient {
 public:
  // Validates `org_url` (https, or http on a loopback host; no path beyond
  // "/") and prepares the handle. InvalidArgument on a bad URL, an empty
  // token, or a service app whose key does not parse. A service app's first
  // access token is requested by the first GetJson, not here.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(std::string_view org_url,
                                                            const OktaCredential& credential,
                                                            const HttpOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // "https://acme.okta.com" (scheme, host and port; no trailing slash).
  const std::string& origin() const { return origin_; }

  // `path_or_url` as the absolute URL GetJson would request: a path ("/...")
  // joined to the origin, anything else as it is. For comparing pages named
  // either way (a first page by path, Okta's next links absolute).
  std::string AbsoluteUrl(std::string_view path_or_url) const;

  // GETs `path_or_url` (a path such as "/api/v1/zones" is joined to the
  // origin; an absolute URL must share the origin) and parses the JSON body,
  // with retries. One page only.
  ApiResult GetJson(std::string_view path_or_url) { return Get(path_or_url, /*parse=*/true); }

  // The guards of every paginated walk, whichever way its pages link (a
  // Link header's rel="next", or a body's _links.next.href): at most
  // HttpOptions::max_pages pages, and no page twice (compared as absolute
  // URLs, so a page named by its path and by its full URL is one page).
  class PageWalk {
   public:
    PageWalk(const HttpClient& client, std::string_view first);
    // Before fetching `url` as the next page: ResourceExhausted past
    // max_pages, DataLoss (a pagination cycle) for a page already fetched.
    absl::Status Admit(std::string_view url);

   private:
    const HttpClient& client_;
    std::string first_;
    int pages_ = 0;
    std::vector<std::string> fetched_;  // absolute; pages are few
  };

  // GETs every page of a listing, following rel="next" verbatim, and returns
  // the concatenated array. `on_page` (may be empty) sees each page count.
  ApiResult GetAllPages(std::string_view path,
                        const std::function<void(int pages, int64_t items)>& on_page);

  // GETs every page of a listing as GetAllPages does, but hands each page's
  // body to `on_page` (with the pages so far) as it arrives, unparsed and
  // checked to be a JSON array (CheckResponseBody), and keeps none: memory
  // holds one page's text at a time, never its DOM (a listing is streamed to
  // its file, lib/api/listing_page.h). An error from `on_page` ends the
  // listing with it. The result's value is null; `pages` counts the pages
  // handed on.
  ApiResult ForEachPage(
      std::string_view path,
      const std::function<absl::Status(std::string_view array_text, int pages)>& on_page);

  // Replaces the token (and every access token and client assertion of a
  // service app) in `text`.
  std::string Redact(std::string_view text) const;

  // "{origin}/oauth2/v1/token", where a service app asks for access tokens.
  std::string TokenUrl() const { return origin_ + "/oauth2/v1/token"; }

  int64_t requests() const { return requests_; }
  int64_t token_requests() const { return token_requests_; }
  int64_t retries() const { return retries_; }

 private:
  HttpClient(std::string origin, OktaCredential credential, HttpOptions options);

  // GetJson, with retries; `parse` false keeps a 2xx body as text in the
  // result's `body` (checked as JSON, not built), for ForEachPage.
  ApiResult Get(std::string_view path_or_url, bool parse);

  // One attempt; transport errors as Status (message without the token).
  // A non-null `form` makes it a POST of that form body without the
  // Authorization header (the token request).
  absl::StatusOr<HttpResponse> Perform(const std::string& url, int retry_count,
                                       const std::string& retry_for,
                                       const std::string* form = nullptr);
  // Rebuilds the request headers with `authorization` ("SSWS …"/"Bearer …").
  void SetAuthorization(const std::string& authorization);
  // For a service app: requests an access token when there is none or it is
  // due for refresh. OK at once for the other kinds.
  absl::Status EnsureAccessToken();
  // One token request (retried after 5xx and transport errors).
  absl::Status RequestAccessToken();
  // Waits, honouring options_.sleep and cancel. Cancelled when cancelled.
  absl::Status Wait(absl::Duration d);
  bool cancelled() const;
  // Sleeps before a request when the last response said we are near the limit.
  absl::Status PaceBeforeRequest();
  void RecordRateLimit(const HttpResponse& response);
  absl::Duration UntilReset(const HttpResponse& response) const;

  std::string origin_;
  OktaCredential credential_;
  HttpOptions options_;
  void* curl_ = nullptr;                     // CURL*
  void* header_list_ = nullptr;              // curl_slist*
  std::optional<absl::Duration> pace_wait_;  // wait before the next request
  int64_t requests_ = 0;
  int64_t retries_ = 0;
  // Service app only: the key, the current access token, and every secret
  // issued so far (access tokens, assertions), all redacted from messages.
  std::unique_ptr<SigningKey> signing_key_;
  std::optional<AccessToken> access_token_;
  std::vector<std::string> issued_secrets_;
  int64_t token_requests_ = 0;
};

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_HTTP_CLIENT_H_
