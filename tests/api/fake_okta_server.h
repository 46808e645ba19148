// A small HTTP/1.1 server on 127.0.0.1 that plays an Okta org for the puller
// tests: it serves a snapshot-shaped directory under the Management API's
// paths, pages every listing with Link headers, checks the token, and injects
// faults on request (429, 5xx, truncated and malformed bodies, slow answers,
// 401/403 with Okta's error objects).
//
// It also plays Okta's token endpoint for an OAuth service app
// (POST /oauth2/v1/token, client credentials with private_key_jwt): the client
// assertion's signature is verified with the app's public key (OpenSSL) and
// its claims checked as Okta does; the access tokens it issues are accepted as
// Bearer tokens until they expire.
//
// Plain POSIX sockets, one thread per connection, keep-alive. Every loop is
// bounded: the server stops itself after `max_lifetime` even if a test forgets
// to, and every blocking call polls with a short timeout.
#ifndef VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_
#define VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"

namespace verdict::testing {

// The recorded API pages the pull tests serve (tests/api/testdata).
inline std::string ApiTestData() { return std::string(VERDICT_SOURCE_DIR) + "/tests/api/testdata"; }

struct Fault {
  enum class Kind {
    kStatus,        // `status` with an Okta error object (500, 503, 404, 501, 400…)
    kRateLimit,     // 429 E0000047, X-Rate-Limit-Remaining 0, reset in `reset_after_s`
    kLowRemaining,  // a normal answer, but X-Rate-Limit-Remaining 0, reset in `reset_after_s`
    kTruncate,      // Content-Length of the whole body, half of it sent, connection closed
    kMalformed,     // 200 with a body that is not JSON
    kSlow,          // waits `delay_ms` before answering normally
    kUnauthorized,  // 401 E0000011
    kForbidden,     // 403 E0000006 with a Bearer insufficient_scope challenge
    kEchoToken,     // 400 whose errorSummary repeats the Authorization header
    kClose,         // closes the connection without answering
    kBody,          // 200 with `body` instead of the served file
    kLink,          // the served page, with `link` as its only Link header
  };
  Kind kind = Kind::kStatus;
  int times = 1;  // matching requests affected; -1 = every one
  int skip = 0;   // matching requests let through before the fault starts
  int status = 500;
  int reset_after_s = 1;
  int delay_ms = 1000;
  std::string error_code;  // for kStatus; default by status
  std::string body;        // for kBody; for kStatus, replaces the error object
  std::string link;        // for kLink

  // Fault::Of(Fault::Kind::kStatus).Times(2).Status(503)
  static Fault Of(Kind kind) {
    Fault f;
    f.kind = kind;
    return f;
  }
  Fault Times(int n) const {
    Fault f = *this;
    f.times = n;
    return f;
  }
  Fault Skip(int n) const {
    Fault f = *this;
    f.skip = n;
    return f;
  }
  Fault Status(int code) const {
    Fault f = *this;
    f.status = code;
    return f;
  }
  Fault ResetAfter(int seconds) const {
    Fault f = *this;
    f.reset_after_s = seconds;
    return f;
  }
  Fault Body(std::string text) const {
    Fault f = *this;
    f.body = std::move(text);
    return f;
  }
  Fault Link(std::string value) const {
    Fault f = *this;
    f.link = std::move(value);
    return f;
  }
  Fault DelayMs(int ms) const {
    Fault f = *this;
    f.delay_ms = ms;
    return f;
  }
};

struct RecordedRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // "/api/v1/zones?after=p2"
  std::string authorization;
  std::string retry_count;  // X-Okta-Retry-Count
  int connection = 0;
};

class FakeOktaServer {
 public:
  struct Options {
    std::string org_dir;    // snapshot-shaped directory served under /api/v1
    std::string logs_file;  // JSON Lines served as /api/v1/logs
    std::string token = "test-token-0123456789abcdef";
    bool bearer = false;  // expect "Bearer" instead of "SSWS"
    int page_size = 2;
    std::chrono::milliseconds max_lifetime{60000};
    // The service app the token endpoint knows; empty = no token endpoint.
    std::string oauth_client_id;
    std::string oauth_public_key_pem;   // its registered public key (PEM)
    std::string oauth_key_id;           // when set, the assertion's kid must match
    int oauth_token_lifetime_s = 3600;  // expires_in of issued tokens
    // API requests each issued token is good for before it answers 401
    // (revoked early); -1 = until it expires.
    int oauth_token_max_uses = -1;
    // The token endpoint's clock runs this far ahead (an assertion that is
    // valid now looks expired to it).
    int oauth_clock_skew_s = 0;
    // The scopes the app was granted; a request for another is invalid_scope.
    std::vector<std::string> oauth_granted_scopes;  // empty = any
  };

  explicit FakeOktaServer(Options options) : options_(std::move(options)) { Load(); }
  ~FakeOktaServer() { Stop(); }
  FakeOktaServer(const FakeOktaServer&) = delete;
  FakeOktaServer& operator=(const FakeOktaServer&) = delete;

  // Binds 127.0.0.1 on an ephemeral port and starts accepting.
  bool Start() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return false;
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return false;
    if (::listen(listen_fd_, 64) != 0) return false;
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    started_ = std::chrono::steady_clock::now();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
    return true;
  }

  void Stop() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads.swap(connection_threads_);
    }
    for (auto& t : threads) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Faults apply to requests whose target starts with `target_prefix`, in the
  // order added, each for `fault.times` requests.
  void AddFault(const std::string& target_prefix, Fault fault) {
    std::lock_guard<std::mutex> lock(mu_);
    faults_.push_back({target_prefix, fault});
  }
  void ClearFaults() {
    std::lock_guard<std::mutex> lock(mu_);
    faults_.clear();
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int connections() const { return connections_.load(); }
  // Access tokens issued, in order; the token endpoint's refusals, in order.
  std::vector<std::string> issued_tokens() const {
    std::lock_guard<std::mutex> lock(mu_);
    return issued_order_;
  }
  std::vector<std::string> token_errors() const {
    std::lock_guard<std::mutex> lock(mu_);
    return token_errors_;
  }
  // The scope parameter of the last token request.
  std::string last_scope() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_scope_;
  }

  // The served files, relative path -> JSON value (for comparisons).
  const std::map<std::string, nlohmann::ordered_json>& files() const { return files_; }

 private:
  using Json = nlohmann::ordered_json;

  struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool truncate = false;
    bool close = false;
  };

  void Load() {
    namespace fs = std::filesystem;
    if (!options_.org_dir.empty()) {
      for (const auto& entry : fs::recursive_directory_iterator(options_.org_dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        files_[fs::relative(entry.path(), options_.org_dir).generic_string()] =
            Json::parse(text.str());
      }
    }
    if (!options_.logs_file.empty()) {
      std::ifstream in(options_.logs_file);
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty()) logs_.push_back(Json::parse(line));
      }
    }
  }

  bool Expired() const {
    return stop_ || std::chrono::steady_clock::now() - started_ > options_.max_lifetime;
  }

  void AcceptLoop() {
    int next_id = 0;
    while (!Expired()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int id = ++next_id;
      connections_++;
      std::lock_guard<std::mutex> lock(mu_);
      if (connection_threads_.size() >= 512) {
        ::close(fd);
        continue;
      }
      connection_threads_.emplace_back([this, fd, id] { Serve(fd, id); });
    }
  }

  // Reads until "\r\n\r\n"; false on EOF, error, stop or 10 s of silence.
  bool ReadRequest(int fd, std::string* buffer, std::string* head) {
    for (int idle = 0; idle < 200 && !Expired();) {
      const size_t end = buffer->find("\r\n\r\n");
      if (end != std::string::npos) {
        *head = buffer->substr(0, end);
        buffer->erase(0, end + 4);
        return true;
      }
      if (buffer->size() > 65536) return false;
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 50);
      if (ready == 0) {
        ++idle;
        continue;
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer->append(chunk, static_cast<size_t>(n));
      idle = 0;
    }
    return false;
  }

  void Serve(int fd, int connection) {
    std::string buffer;
    for (int served = 0; served < 10000 && !Expired(); ++served) {
      std::string head;
      if (!ReadRequest(fd, &buffer, &head)) break;
      std::istringstream lines(head);
      std::string request_line;
      std::getline(lines, request_line);
      std::istringstream parts(request_line);
      std::string method, target;
      parts >> method >> target;
      std::map<std::string, std::string> headers;
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = colon + 1;
        while (v < line.size() && line[v] == ' ') ++v;
        headers[name] = line.substr(v);
      }
      std::string body;
      if (auto length = headers.find("content-length"); length != headers.end()) {
        const size_t want = std::min<size_t>(std::stoul(length->second), 1 << 20);
        for (int idle = 0; buffer.size() < want && idle < 200 && !Expired();) {
          pollfd p{fd, POLLIN, 0};
          if (::poll(&p, 1, 50) == 0) {
            ++idle;
            continue;
          }
          char chunk[4096];
          const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
          if (n <= 0) break;
          buffer.append(chunk, static_cast<size_t>(n));
        }
        if (buffer.size() < want) break;
        body = buffer.substr(0, want);
        buffer.erase(0, want);
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(
            {method, target, headers["authorization"], headers["x-okta-retry-count"], connection});
      }
      Response response = method == "POST" && target == "/oauth2/v1/token"
                              ? TokenEndpoint(headers, body)
                              : Handle(method, target, headers);
      if (!Send(fd, response)) break;
      if (response.close || response.truncate) break;
    }
    ::close(fd);
  }

  static std::string HttpDate(std::time_t t) {
    char out[64];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(out, sizeof(out), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return out;
  }

  bool SendAll(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  bool Send(int fd, const Response& r) {
    if (r.close && r.body.empty()) return false;
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
    if (r.truncate) {
      out += r.body.substr(0, r.body.size() / 2);
    } else {
      out += r.body;
    }
    return SendAll(fd, out);
  }

  static std::string Reason(int status) {
    switch (status) {
      case 200:
        return "OK";
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
      case 501:
        return "Not Implemented";
      case 503:
        return "Service Unavailable";
      default:
        return status >= 500 ? "Internal Server Error" : "Status";
    }
  }

  static std::string ErrorBody(const std::string& code, const std::string& summary,
                               const std::vector<std::string>& causes = {}) {
    Json e = Json::object();
    e["errorCode"] = code;
    e["errorSummary"] = summary;
    e["errorLink"] = code;
    e["errorId"] = "oaeFakeServer0001";
    e["errorCauses"] = Json::array();
    for (const auto& c : causes) e["errorCauses"].push_back(Json{{"errorSummary", c}});
    return e.dump();
  }

  static std::string Decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else if (s[i] == '+') {
        out.push_back(' ');
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }

  Response Handle(const std::string& method, const std::string& target,
                  std::map<std::string, std::string>& headers) {
    const std::time_t now = std::time(nullptr);
    Response r;
    r.headers = {{"Date", HttpDate(now)},
                 {"Content-Type", "application/json"},
                 {"X-Okta-Request-Id", "req" + std::to_string(++request_counter_)},
                 {"X-Rate-Limit-Limit", "600"},
                 {"X-Rate-Limit-Remaining", "599"},
                 {"X-Rate-Limit-Reset", std::to_string(now + 60)}};
    std::optional<Fault> fault = TakeFault(target);
    if (fault && fault->kind == Fault::Kind::kSlow) {
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(fault->delay_ms);
      while (std::chrono::steady_clock::now() < until && !Expired()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    const std::string expected = (options_.bearer ? "Bearer " : "SSWS ") + options_.token;
    if ((headers["authorization"] != expected && !AcceptIssuedToken(headers["authorization"])) ||
        (fault && fault->kind == Fault::Kind::kUnauthorized)) {
      r.status = 401;
      r.headers.push_back({"WWW-Authenticate", "SSWS realm=\"okta\""});
      r.body = ErrorBody("E0000011", "Invalid token provided");
      return r;
    }
    if (fault) {
      switch (fault->kind) {
        case Fault::Kind::kStatus: {
          r.status = fault->status;
          std::string code = fault->error_code;
          if (code.empty())
            code = fault->status == 404   ? "E0000007"
                   : fault->status >= 500 ? "E0000009"
                                          : "E0000001";
          r.body = !fault->body.empty()
                       ? fault->body
                       : ErrorBody(code, fault->status >= 500 ? "Internal Server Error"
                                                              : "Api validation failed");
          return r;
        }
        case Fault::Kind::kRateLimit:
          r.status = 429;
          SetHeader(&r, "X-Rate-Limit-Remaining", "0");
          SetHeader(&r, "X-Rate-Limit-Reset", std::to_string(now + fault->reset_after_s));
          r.body = ErrorBody("E0000047", "API call exceeded rate limit due to too many requests.");
          return r;
        case Fault::Kind::kUnauthorized:
          break;  // handled above
        case Fault::Kind::kForbidden:
          r.status = 403;
          r.headers.push_back({"WWW-Authenticate",
                               "Bearer realm=\"IdpMyAccountAPI\", error=\"insufficient_scope\", "
                               "error_description=\"The access token provided does not contain the "
                               "required scopes.\""});
          r.body =
              ErrorBody("E0000006", "You do not have permission to perform the requested action");
          return r;
        case Fault::Kind::kEchoToken:
          r.status = 400;
          r.body =
              ErrorBody("E0000001", "Api validation failed: header " + headers["authorization"],
                        {"credential " + options_.token + " is odd"});
          return r;
        case Fault::Kind::kClose:
          r.close = true;
          return r;
        default:
          break;
      }
    }
    if (method != "GET") {
      r.status = 405;
      r.body = ErrorBody("E0000022", "The endpoint does not support the provided HTTP method");
      return r;
    }
    Route(target, &r);
    if (fault && fault->kind == Fault::Kind::kLowRemaining) {
      SetHeader(&r, "X-Rate-Limit-Remaining", "0");
      SetHeader(&r, "X-Rate-Limit-Reset", std::to_string(now + fault->reset_after_s));
    }
    if (fault && fault->kind == Fault::Kind::kTruncate) r.truncate = true;
    if (fault && fault->kind == Fault::Kind::kLink) {
      r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                     [](const auto& h) { return h.first == "Link"; }),
                      r.headers.end());
      r.headers.push_back({"Link", fault->link});
    }
    if (fault && fault->kind == Fault::Kind::kBody) {
      r.status = 200;
      r.body = fault->body;
    }
    if (fault && fault->kind == Fault::Kind::kMalformed) {
      r.status = 200;
      r.body = "[{\"id\": \"00pBroken\", \"name\": ";
    }
    return r;
  }

  // ------------------------------------------------ the OAuth token endpoint

  static std::string Base64UrlDecode(const std::string& in, bool* ok) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    *ok = true;
    for (char c : in) {
      int v;
      if (c >= 'A' && c <= 'Z')
        v = c - 'A';
      else if (c >= 'a' && c <= 'z')
        v = c - 'a' + 26;
      else if (c >= '0' && c <= '9')
        v = c - '0' + 52;
      else if (c == '-')
        v = 62;
      else if (c == '_')
        v = 63;
      else {
        *ok = false;
        return "";
      }
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xff));
      }
    }
    return out;
  }

  // Verifies a JWS signature over `input` with the registered public key.
  bool VerifySignature(const std::string& alg, const std::string& input,
                       const std::string& signature) const {
    BIO* bio = BIO_new_mem_buf(options_.oauth_public_key_pem.data(),
                               static_cast<int>(options_.oauth_public_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key == nullptr) return false;
    const bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
    std::string der = signature;
    bool ok = (rsa && alg == "RS256") || (!rsa && alg == "ES256");
    if (ok && !rsa) {
      // JWS r || s -> DER for OpenSSL.
      ok = signature.size() == 64;
      if (ok) {
        ECDSA_SIG* sig = ECDSA_SIG_new();
        const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
        ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
        unsigned char* out = nullptr;
        const int n = i2d_ECDSA_SIG(sig, &out);
        der.assign(reinterpret_cast<char*>(out), n > 0 ? n : 0);
        OPENSSL_free(out);
        ECDSA_SIG_free(sig);
      }
    }
    if (ok) {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      ok =
          EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
          EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
      EVP_MD_CTX_free(ctx);
    }
    EVP_PKEY_free(key);
    ERR_clear_error();
    return ok;
  }

  Response TokenError(int status, const std::string& error, const std::string& description) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      token_errors_.push_back(error + ": " + description);
    }
    Response r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = Json{{"error", error}, {"error_description", description}}.dump();
    return r;
  }

  Response TokenEndpoint(std::map<std::string, std::string>& headers, const std::string& body) {
    if (options_.oauth_client_id.empty()) return TokenError(404, "not_found", "no token endpoint");
    if (!headers["authorization"].empty()) {
      return TokenError(400, "invalid_request", "unexpected Authorization header");
    }
    std::map<std::string, std::string> form;
    std::stringstream pieces(body);
    for (std::string piece; std::getline(pieces, piece, '&');) {
      const size_t eq = piece.find('=');
      if (eq != std::string::npos) form[piece.substr(0, eq)] = Decode(piece.substr(eq + 1));
    }
    if (form["grant_type"] != "client_credentials") {
      return TokenError(400, "unsupported_grant_type", "grant_type must be client_credentials");
    }
    if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return TokenError(400, "invalid_request", "client_assertion_type is wrong");
    }
    const std::string jwt = form["client_assertion"];
    const size_t dot1 = jwt.find('.');
    const size_t dot2 = dot1 == std::string::npos ? dot1 : jwt.find('.', dot1 + 1);
    if (dot2 == std::string::npos) {
      return TokenError(401, "invalid_client", "The client_assertion is not a JWT.");
    }
    bool ok1, ok2, ok3;
    const Json header = Json::parse(Base64UrlDecode(jwt.substr(0, dot1), &ok1), nullptr, false);
    const Json claims =
        Json::parse(Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1), &ok2), nullptr, false);
    const std::string signature = Base64UrlDecode(jwt.substr(dot2 + 1), &ok3);
    if (!ok1 || !ok2 || !ok3 || !header.is_object() || !claims.is_object()) {
      return TokenError(401, "invalid_client", "The client_assertion is malformed.");
    }
    if (!options_.oauth_key_id.empty() && header.value("kid", "") != options_.oauth_key_id) {
      return TokenError(401, "invalid_client", "The client_assertion kid is unknown.");
    }
    if (!VerifySignature(header.value("alg", ""), jwt.substr(0, dot2), signature)) {
      return TokenError(401, "invalid_client", "The client_assertion signature is invalid.");
    }
    const std::string id = options_.oauth_client_id;
    if (claims.value("iss", "") != id || claims.value("sub", "") != id) {
      return TokenError(401, "invalid_client",
                        "The client_assertion token has an invalid issuer or subject.");
    }
    if (claims.value("aud", "") != url() + "/oauth2/v1/token") {
      return TokenError(401, "invalid_client", "The audience claim is not the token endpoint.");
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr)) + options_.oauth_clock_skew_s;
    if (!claims.contains("exp") || !claims["exp"].is_number_integer() ||
        claims["exp"].get<int64_t>() <= now) {
      return TokenError(401, "invalid_client", "The client_assertion token is expired.");
    }
    if (claims["exp"].get<int64_t>() > now + 3600) {
      return TokenError(401, "invalid_client",
                        "The client_assertion token has an expiration too far in the future.");
    }
    const std::string jti = claims.value("jti", "");
    std::lock_guard<std::mutex> lock(mu_);
    if (jti.empty() || !jtis_.insert(jti).second) {
      token_errors_.push_back("invalid_client: jti");
      Response r;
      r.status = 401;
      r.body = Json{{"error", "invalid_client"},
                    {"error_description", "The client_assertion token jti was already used."}}
                   .dump();
      return r;
    }
    last_scope_ = form["scope"];
    if (last_scope_.empty()) {
      token_errors_.push_back("invalid_scope");
      Response r;
      r.status = 400;
      r.body = Json{{"error", "invalid_scope"}, {"error_description", "no scope"}}.dump();
      return r;
    }
    if (!options_.oauth_granted_scopes.empty()) {
      std::stringstream scopes(last_scope_);
      for (std::string scope; scopes >> scope;) {
        if (std::find(options_.oauth_granted_scopes.begin(), options_.oauth_granted_scopes.end(),
                      scope) == options_.oauth_granted_scopes.end()) {
          token_errors_.push_back("invalid_scope: " + scope);
          Response r;
          r.status = 400;
          r.body = Json{{"error", "invalid_scope"},
                        {"error_description", "The following scopes are not allowed: " + scope}}
                       .dump();
          return r;
        }
      }
    }
    const std::string token =
        "oauth-access-" + std::to_string(issued_order_.size() + 1) + "-5f0c0ffee5f0c0ffee";
    issued_order_.push_back(token);
    issued_[token] = {
        std::chrono::steady_clock::now() + std::chrono::seconds(options_.oauth_token_lifetime_s),
        options_.oauth_token_max_uses};
    Response r;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = Json{{"token_type", "Bearer"},
                  {"expires_in", options_.oauth_token_lifetime_s},
                  {"access_token", token},
                  {"scope", last_scope_}}
                 .dump();
    return r;
  }

  // True for "Bearer <token>" of an issued token that has not expired and
  // has uses left (one is used up).
  bool AcceptIssuedToken(const std::string& authorization) {
    if (authorization.rfind("Bearer ", 0) != 0) return false;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = issued_.find(authorization.substr(7));
    if (it == issued_.end()) return false;
    if (std::chrono::steady_clock::now() >= it->second.expires) return false;
    if (it->second.uses_left == 0) return false;
    if (it->second.uses_left > 0) --it->second.uses_left;
    return true;
  }

  static void SetHeader(Response* r, const std::string& name, const std::string& value) {
    for (auto& [n, v] : r->headers) {
      if (n == name) v = value;
    }
  }

  std::optional<Fault> TakeFault(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [prefix, fault] : faults_) {
      if (fault.times == 0 || target.rfind(prefix, 0) != 0) continue;
      if (fault.skip > 0) {
        --fault.skip;
        continue;
      }
      if (fault.times > 0) --fault.times;
      return fault;
    }
    return std::nullopt;
  }

  // Maps an API path to a served file.
  static std::optional<std::string> FileFor(const std::vector<std::string>& seg,
                                            const std::map<std::string, std::string>& query) {
    // seg: path segments after /api/v1
    const size_t n = seg.size();
    if (n == 1 && seg[0] == "org") return "org.json";
    if (n >= 2 && seg[0] == "org") {
      std::string file = "org";
      for (size_t i = 1; i < n; ++i) file += "/" + seg[i];
      return file + ".json";
    }
    if (n == 1 && seg[0] == "zones") return "zones.json";
    if (n == 1 && seg[0] == "behaviors") return "behaviors.json";
    if (n == 1 && seg[0] == "groups") return "groups.json";
    if (n == 1 && seg[0] == "apps") return "apps.json";
    if (n == 1 && seg[0] == "idps") return "idps.json";
    if (n == 1 && seg[0] == "policies") {
      auto type = query.find("type");
      if (type == query.end()) return std::nullopt;
      return "policies/" + type->second + ".json";
    }
    if (n == 3 && seg[0] == "policies" && seg[2] == "rules") return "rules/" + seg[1] + ".json";
    if (n == 3 && seg[0] == "policies" && seg[2] == "mappings") {
      return "policy-mappings/" + seg[1] + ".json";
    }
    if (n == 4 && seg[0] == "meta" && seg[1] == "schemas" && seg[2] == "user" &&
        seg[3] == "linkedObjects") {
      return "linked-objects.json";
    }
    if (n == 1 && seg[0] == "mappings") return "profile-mappings.json";
    if (n == 2 && seg[0] == "mappings") return "profile-mappings/" + seg[1] + ".json";
    if (n == 3 && seg[0] == "roles" && seg[2] == "subscriptions") {
      return "roles/" + seg[1] + "/subscriptions.json";
    }
    if (n == 1 && seg[0] == "authorizationServers") return "authorization-servers.json";
    if (n == 3 && seg[0] == "authorizationServers" && seg[2] == "policies") {
      return "authorization-servers/" + seg[1] + "/policies.json";
    }
    if (n == 5 && seg[0] == "authorizationServers" && seg[2] == "policies" && seg[4] == "rules") {
      return "authorization-servers/" + seg[1] + "/rules/" + seg[3] + ".json";
    }
    if (n == 3 && seg[0] == "users" && seg[2] == "groups")
      return "users/" + seg[1] + "/groups.json";
    if (n == 3 && seg[0] == "users" && seg[2] == "factors")
      return "users/" + seg[1] + "/factors.json";
    return std::nullopt;
  }

  void Route(const std::string& target, Response* r) {
    const size_t q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string raw_query = q == std::string::npos ? "" : target.substr(q + 1);
    std::map<std::string, std::string> query;
    std::vector<std::string> kept;  // raw query pieces except `after`
    std::stringstream pieces(raw_query);
    for (std::string piece; std::getline(pieces, piece, '&');) {
      if (piece.empty()) continue;
      const size_t eq = piece.find('=');
      const std::string key = piece.substr(0, eq);
      query[key] = eq == std::string::npos ? "" : Decode(piece.substr(eq + 1));
      if (key != "after") kept.push_back(piece);
    }
    const std::string prefix = "/api/v1/";
    if (path.rfind(prefix, 0) != 0) {
      r->status = 404;
      r->body = ErrorBody("E0000007", "Not found: Resource not found: " + path + " (Page)");
      return;
    }
    std::vector<std::string> seg;
    std::stringstream parts(path.substr(prefix.size()));
    for (std::string s; std::getline(parts, s, '/');) seg.push_back(s);

    int limit = options_.page_size;
    if (auto it = query.find("limit"); it != query.end() && !it->second.empty()) {
      limit = std::max(1, std::stoi(it->second));
    }
    size_t start = 0;
    if (auto it = query.find("after"); it != query.end() && it->second.size() > 1) {
      start = std::stoul(it->second.substr(1));
    }
    auto link = [&](size_t after) {
      std::string url = this->url() + path + "?";
      for (const auto& k : kept) url += k + "&";
      return url + "after=p" + std::to_string(after);
    };

    if (seg.size() == 1 && seg[0] == "logs") {
      std::vector<const Json*> matching;
      for (const Json& e : logs_) {
        const std::string published = e.value("published", "");
        if (query.count("since") && published < query["since"]) continue;
        if (query.count("until") && published >= query["until"]) continue;
        matching.push_back(&e);
      }
      Json page = Json::array();
      size_t i = std::min(start, matching.size());
      for (; i < matching.size() && page.size() < static_cast<size_t>(limit); ++i) {
        page.push_back(*matching[i]);
      }
      r->body = page.dump();
      r->headers.push_back({"Link", "<" + this->url() + target + ">; rel=\"self\""});
      // A polling query (no until) always has a next link (Okta's behaviour).
      if (!query.count("until") || i < matching.size()) {
        r->headers.push_back({"Link", "<" + link(i) + ">; rel=\"next\""});
      }
      return;
    }

    // Okta's RoleAssignedUsers: paged in the body ("_links.next.href"), not
    // by Link headers.
    if (seg.size() == 3 && seg[0] == "iam" && seg[1] == "assignees" && seg[2] == "users") {
      auto admins = files_.find("admins.json");
      if (admins == files_.end()) {
        r->status = 404;
        r->body = ErrorBody("E0000007", "Not found: Resource not found: " + path + " (Page)");
        return;
      }
      Json page = {{"value", Json::array()}, {"_links", Json::object()}};
      size_t i = std::min(start, admins->second.size());
      for (; i < admins->second.size() && page["value"].size() < static_cast<size_t>(limit); ++i) {
        page["value"].push_back(admins->second[i]);
      }
      if (i < admins->second.size()) page["_links"]["next"]["href"] = link(i);
      r->body = page.dump();
      return;
    }
    std::optional<std::string> file = FileFor(seg, query);
    auto found = file ? files_.find(*file) : files_.end();
    if (found == files_.end()) {
      if (seg.size() == 1 && seg[0] == "policies") {
        r->status = 400;
        r->body =
            ErrorBody("E0000001", "Api validation failed: type",
                      {"type: The policy type is not supported or not enabled for this org."});
        return;
      }
      r->status = 404;
      r->body = ErrorBody("E0000007", "Not found: Resource not found: " + path + " (Page)");
      return;
    }
    const Json& value = found->second;
    if (!value.is_array()) {
      r->body = value.dump();
      return;
    }
    Json page = Json::array();
    size_t i = std::min(start, value.size());
    for (; i < value.size() && page.size() < static_cast<size_t>(limit); ++i)
      page.push_back(value[i]);
    r->body = page.dump();
    // Each rel in its own Link header, self first, as Okta sends them.
    r->headers.push_back({"Link", "<" + this->url() + target + ">; rel=\"self\""});
    if (i < value.size()) r->headers.push_back({"Link", "<" + link(i) + ">; rel=\"next\""});
  }

  Options options_;
  std::map<std::string, Json> files_;
  std::vector<Json> logs_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> request_counter_{0};
  std::chrono::steady_clock::time_point started_;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<std::thread> connection_threads_;
  std::vector<std::pair<std::string, Fault>> faults_;
  std::vector<RecordedRequest> requests_;
  struct Issued {
    std::chrono::steady_clock::time_point expires;
    int uses_left;
  };
  std::map<std::string, Issued> issued_;
  std::vector<std::string> issued_order_;
  std::vector<std::string> token_errors_;
  std::set<std::string> jtis_;
  std::string last_scope_;
};

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_
