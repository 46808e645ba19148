// The HTTP/1.1 server under `policy-sim serve`: connections, limits,
// timeouts, signals. Boost.Beast/Asio live in http_server.cc alone (one
// translation unit keeps builds fast); this header shows none of it, so the
// endpoints (serve.cc) are plain functions from a request to a response.
#ifndef VERDICT_TOOLS_POLICY_SIM_HTTP_SERVER_H_
#define VERDICT_TOOLS_POLICY_SIM_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace verdict::cli {

struct HttpRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // path and query, as sent
  std::string_view body;
  // Every header in arrival order; names as sent (compare case-insensitively
  // with Header()).
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string remote_address;  // the connecting peer's IP address

  // The first header named `name` (ASCII case-insensitive); "" when absent.
  std::string_view Header(std::string_view name) const;
  // The target without its query.
  std::string_view Path() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  // Extra headers, each name at most once. Names are views (string
  // literals in practice): they must outlive the response.
  std::vector<std::pair<std::string_view, std::string>> headers;
  std::string body;
};

// What the server calls. Handle() and Rejected() run on the I/O threads,
// concurrently: they must be thread-safe.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Answers one complete request.
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
  // The response to a request refused before it reached Handle(): 400
  // (malformed HTTP), 413 (body over the limit), 431 (headers over the
  // limit), 503 (too many connections). The connection closes after it.
  virtual HttpResponse Rejected(int status, std::string_view reason) = 0;
  // SIGHUP; called on a thread of its own (never an I/O thread), one call at
  // a time.
  virtual void OnReloadSignal() = 0;
  // Once, when the socket accepts connections; `address` is "HOST:PORT"
  // with the real port.
  virtual void OnListening(std::string_view address) = 0;
};

struct HttpServerOptions {
  // IPv4 or IPv6 literal to bind. Default: loopback only.
  std::string host = "127.0.0.1";
  // 0 picks a free port (OnListening tells which).
  uint16_t port = 8080;
  // I/O threads. Default 2 (this machine's cores; the evaluation itself is
  // microseconds, so more threads than cores only adds switching).
  size_t threads = 2;
  // Largest request body; a larger Content-Length is refused (413) before
  // the body is read. Default 1 MiB.
  size_t body_limit = 1 << 20;
  // Largest request line + headers (431 above). Default 16 KiB.
  size_t header_limit = 16 << 10;
  // From a request's first byte to its last: a client slower than this is
  // disconnected, so slow senders cannot pile up. Default 10 s.
  absl::Duration read_timeout = absl::Seconds(10);
  // How long a kept-alive connection may wait for its next request.
  // Default 30 s.
  absl::Duration idle_timeout = absl::Seconds(30);
  // Writing one response. Default 10 s.
  absl::Duration write_timeout = absl::Seconds(10);
  // Open connections at most; one more is answered 503 and closed.
  // Default 1024.
  size_t max_connections = 1024;
  // After SIGTERM/SIGINT: how long in-flight requests may take to finish
  // before the server stops anyway. Default 10 s.
  absl::Duration drain_timeout = absl::Seconds(10);
};

// Binds, listens and serves until SIGTERM or SIGINT; then stops accepting,
// closes idle connections, lets requests in flight finish (up to
// drain_timeout) and returns OK. SIGHUP calls handler.OnReloadSignal().
// An error when the address cannot be bound.
absl::Status RunHttpServer(const HttpServerOptions& options, HttpHandler& handler);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_HTTP_SERVER_H_
