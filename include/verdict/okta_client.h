// Tool header (verdict::verdict, not verdict::core: needs libcurl).
//
// Pulling an org through the Okta Management API: a snapshot directory
// (docs/interfaces.md §1) with PullSnapshot(), System Log events as JSON Lines
// with PullLogs(). See docs/pull.md for the endpoints, the file each lands in,
// and how every HTTP failure is handled.
//
// The HTTP client (libcurl) stays behind this header. TLS verification is
// always on; plain http:// is accepted only for loopback hosts (tests). The
// token (an API token, or the access tokens and client assertions of a service
// app) is never printed, written or logged: every message that leaves these
// functions has it replaced by "[REDACTED]"; a private key is never put in a
// message at all.
//
// Thread safety: each call uses its own connection and state; concurrent calls
// with different options are safe. Nothing here is global except libcurl's
// one-time initialisation.
#ifndef VERDICT_OKTA_CLIENT_H_
#define VERDICT_OKTA_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "verdict/issue.h"

namespace verdict {

// An OAuth 2.0 service app that authenticates with a signed JWT
// (client credentials, `private_key_jwt`; Okta's "Implement OAuth for Okta
// with a service app"). The client asks {org}/oauth2/v1/token for an access
// token, sends it as `Bearer`, and asks again before it expires or when the
// API answers 401. docs/pull.md lists the scopes.
struct OktaServiceApp {
  std::string client_id;            // the app's client id (iss and sub of the assertion)
  std::string private_key_pem;      // secret: PEM, RSA (RS256) or EC P-256/384/521 (ES256/384/512)
  std::string key_id;               // the `kid` of the app's public key; empty = not sent
  std::vector<std::string> scopes;  // requested; must not be empty
  // Lifetime of each client assertion (Okta accepts at most 1 hour).
  // Default 5 minutes.
  absl::Duration assertion_lifetime = absl::Minutes(5);
};

// How requests are authenticated: an API token (`Authorization: SSWS
// <token>`), an OAuth 2.0 access token (`Authorization: Bearer <token>`), or
// a service app that obtains its own access tokens.
struct OktaCredential {
  enum class Kind { kApiToken, kBearer, kServiceApp };
  Kind kind = Kind::kApiToken;
  std::string token;                // secret; never copied into messages (kApiToken, kBearer)
  OktaServiceApp service_app = {};  // kServiceApp only
};

// The scopes a service app asks for by default: `pull` (every endpoint of
// docs/pull.md, okta.users.read for --with-memberships included) and
// `logs pull` (okta.logs.read, plus okta.users.read for its memberships).
std::vector<std::string> DefaultPullScopes();
std::vector<std::string> DefaultLogsPullScopes(bool with_memberships);

// A service-app credential: reads the PEM private key from `private_key_file`
// and checks that it is an unencrypted RSA (2048 bits or more) or EC
// (P-256, P-384, P-521) private key. InvalidArgument/NotFound otherwise;
// messages name the file, never its content.
absl::StatusOr<OktaCredential> ServiceAppCredential(std::string_view client_id,
                                                    std::string_view private_key_file,
                                                    std::string_view key_id,
                                                    std::vector<std::string> scopes);

// The token from `bearer_token_file` (a Bearer token, surrounding whitespace
// removed) when the path is non-empty, else from the OKTA_API_TOKEN environment
// variable (an SSWS API token). NotFound when neither yields a token;
// messages name the source, never the content.
absl::StatusOr<OktaCredential> CredentialFromEnvironmentOrFile(std::string_view bearer_token_file);

// Transport behaviour. Every delay is configurable so tests run in
// milliseconds; the defaults suit a real org.
struct HttpOptions {
  // Connection establishment limit. Default 10 s.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Limit for one whole request (connect + transfer). Default 60 s.
  absl::Duration request_timeout = absl::Seconds(60);
  // Retries after a 5xx, a connection error, a timeout, a truncated or
  // malformed body. Default 4 (so at most 5 attempts).
  int max_retries = 4;
  // Backoff before retry n (0-based): initial_backoff * 2^n, capped by
  // max_backoff. Defaults 500 ms and 30 s.
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // Retries after a 429. Default 5.
  int max_rate_limit_retries = 5;
  // A 429 waits until X-Rate-Limit-Reset (measured against the response's
  // Date header) plus rate_limit_padding, never longer than
  // max_rate_limit_wait. Defaults 1 s and 120 s.
  absl::Duration rate_limit_padding = absl::Seconds(1);
  absl::Duration max_rate_limit_wait = absl::Seconds(120);
  // All 429 waits of one request together. A reset further away than this
  // ends the request with ResourceExhausted, saying so, instead of waiting.
  // Default 5 minutes.
  absl::Duration max_total_rate_limit_wait = absl::Minutes(5);
  // When X-Rate-Limit-Remaining drops to this value or below, the next
  // request waits for the reset first (slowing down before the limit).
  // Default 1; negative disables.
  int rate_limit_low_water = 1;
  // Upper bound on pages followed for one listing. Default 100000. A next
  // link that returns to a page already fetched ends the listing with
  // DataLoss whatever the count (a cycle).
  int max_pages = 100000;
  // Upper bound on one response body. Default 64 MiB: Okta's largest pages
  // (System Log, 1000 events) are a few MB. A snapshot listing's page is
  // streamed to its file (about twice its size at peak), but a System Log
  // page or a single object is parsed whole, at up to ~20× its size
  // (docs/reliability.md), so this cap is also what bounds a pull's memory.
  int64_t max_body_bytes = int64_t{64} << 20;
  // A CA bundle to trust instead of the system store; empty = system store.
  std::string ca_file;
  // When set and true, requests and waits stop as soon as possible and the
  // call returns Cancelled (for SIGINT handlers). Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // How waits are performed; default sleeps, waking early on `cancel`.
  // Tests may record the requested durations instead.
  std::function<void(absl::Duration)> sleep;
  // Sent as User-Agent. Default "verdict-policy-sim/0.1".
  std::string user_agent = "verdict-policy-sim/0.1";
};

// One step of progress, for a terminal progress line.
struct PullProgress {
  std::string endpoint;  // "/api/v1/policies?type=OKTA_SIGN_ON"
  int pages = 0;         // pages fetched for this endpoint so far
  int64_t items = 0;     // items fetched for this endpoint so far
  int64_t total_items = 0;
};

// An endpoint the org does not offer (404, 501, or 400 E0000001/E0000022 for
// a policy type that is not enabled) or that the token may not read (403 on
// an optional endpoint). Recorded in manifest.json, never fatal.
struct SkippedEndpoint {
  std::string endpoint;
  int http_status = 0;
  std::string error_code;  // Okta errorCode, may be empty
  std::string reason;      // one line, token redacted
};

struct PullOptions {
  // https://acme.okta.com (trailing slash tolerated). Required.
  std::string org_url;
  OktaCredential credential;
  // The snapshot directory to create or replace. Required. Its parent must
  // exist; the pull is staged in a sibling temporary directory.
  std::string out_dir;
  HttpOptions http;
  // Users whose group memberships to pull into users/<id>/groups.json
  // (--with-memberships). Default none.
  std::vector<std::string> membership_user_ids;
  // Called after every page; may be empty.
  std::function<void(const PullProgress&)> progress;
  // Checks the staged directory before it replaces out_dir. Empty = the
  // default: LoadSnapshot without errors, then Compile.
  std::function<absl::Status(const std::string& staged_dir)> verify;
};

struct PullReport {
  std::string out_dir;
  // Items per snapshot file ("zones.json" -> 7); single objects count 1.
  std::map<std::string, int64_t> file_items;
  std::vector<SkippedEndpoint> skipped;
  int64_t requests = 0;  // HTTP requests made, retries included
  int64_t retries = 0;   // of which retries (5xx, 429, transport)
};

// Pulls every endpoint listed in docs/pull.md into a staged directory, checks
// that it loads (options.verify), and renames it over options.out_dir. On any
// failure the staged directory is removed and out_dir is left exactly as it
// was. Errors: InvalidArgument (options, URL), Unauthenticated (401),
// PermissionDenied (403 on a required endpoint; names the missing scope),
// Unavailable/DeadlineExceeded (retries exhausted), DataLoss (malformed body),
// Cancelled, or the verifier's status. Blocking; cost is one request per page.
absl::StatusOr<PullReport> PullSnapshot(const PullOptions& options);

struct LogsPullOptions {
  std::string org_url;
  OktaCredential credential;
  // The JSON Lines file to append to. Its cursor lives in out_file + ".cursor".
  std::string out_file;
  // Query parameters of GET /api/v1/logs; empty = not sent. `since` is
  // required unless a cursor exists.
  std::string since;
  std::string until;
  std::string filter;
  std::string q;
  int limit = 0;      // 0 = server default (100); at most 1000
  std::string after;  // an explicit starting cursor, rarely needed
  HttpOptions http;
  std::function<void(const PullProgress&)> progress;
};

struct LogsPullReport {
  int64_t events = 0;     // appended by this call
  int pages = 0;          // fetched by this call
  bool resumed = false;   // continued from an existing cursor
  bool complete = false;  // the server had no further page (bounded query)
  int64_t requests = 0;
  int64_t retries = 0;
};

// Appends System Log events to options.out_file, one JSON object per line,
// page by page: each page is appended and flushed to disk, then the cursor file
// records the next-page URL and the file length that includes it. A later
// call with the same query resumes from the cursor (dropping any bytes past the
// recorded length), so an interruption loses and duplicates nothing. Stops at
// an empty page (a polling query; the cursor allows continuing later) or when
// there is no next link (complete). Errors as PullSnapshot, plus
// FailedPrecondition when the cursor belongs to a different query or file.
absl::StatusOr<LogsPullReport> PullLogs(const LogsPullOptions& options);

struct MembershipsPullOptions {
  std::string org_url;
  OktaCredential credential;
  // Users whose groups to fetch (GET /api/v1/users/{id}/groups), each once.
  std::vector<std::string> user_ids;
  // The memberships file to create or replace (atomically): one JSON object,
  // user id -> the groups the API returned, the format --memberships reads
  // (LoadMemberships, verdict/system_log.h).
  std::string out_file;
  HttpOptions http;
  std::function<void(const PullProgress&)> progress;
};

struct MembershipsPullReport {
  int64_t users = 0;        // written to out_file
  int64_t memberships = 0;  // groups over all users
  // Users the API does not know (404: deleted since the event) or may not
  // read (403); they are left out of the file, not written as group-less.
  std::vector<SkippedEndpoint> skipped;
  int64_t requests = 0;
  int64_t retries = 0;
};

// Fetches the groups of every user in options.user_ids and writes them to
// options.out_file. The file is replaced only when every user was fetched or
// skipped; on failure it is left as it was. Errors as PullSnapshot, plus
// InvalidArgument for a user id that is not an Okta id.
absl::StatusOr<MembershipsPullReport> PullMemberships(const MembershipsPullOptions& options);

// `text` with every occurrence of `secret` replaced by "[REDACTED]" (secrets
// shorter than 4 characters are left alone rather than mangle the text).
std::string RedactSecret(std::string_view text, std::string_view secret);

// Messages the pullers return have the server's text escaped for a terminal
// with EscapeControlCharacters (verdict/issue.h).

}  // namespace verdict

#endif  // VERDICT_OKTA_CLIENT_H_
