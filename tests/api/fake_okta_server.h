// A small HTTP/1.1 server on 127.0.0.1 that plays an Okta org for the puller
// tests: it serves a snapshot-shaped directory under the Management API's
// paths, pages every listing with Link headers, checks the token, and injects
// faults on request (429, 5xx, truncated and malformed bodies, slow answers,
// 401/403 with Okta's error objects).
//
// Plain POSIX sockets, one thread per connection, keep-alive. Every loop is
// bounded: the server stops itself after `max_lifetime` even if a test forgets
// to, and every blocking call polls with a short timeout.
#ifndef VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_
#define VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"

namespace verdict::testing {

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
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(
            {target, headers["authorization"], headers["x-okta-retry-count"], connection});
      }
      Response response = Handle(method, target, headers);
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
    if (headers["authorization"] != expected ||
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
};

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_API_FAKE_OKTA_SERVER_H_
