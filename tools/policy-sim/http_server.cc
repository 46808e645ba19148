// The one translation unit that includes Boost.Beast/Asio (http_server.h).
//
// One io_context runs on N threads; every connection is a Session on its own
// strand, so a session's handlers never run concurrently and need no lock.
// A request is read in two phases: the wait for its first byte (idle
// timeout: a kept-alive connection that says nothing) and the request itself
// (read timeout, from the first byte to the last). The parser enforces the
// header and body limits; Beast refuses a Content-Length over the body limit
// as soon as the header is parsed, before any of the body is read.
#include "tools/policy-sim/http_server.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace verdict::cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(absl::string_view(key.data(), key.size()),
                               absl::string_view(name.data(), name.size()))) {
      return value;
    }
  }
  return {};
}

std::string_view HttpRequest::Path() const {
  const size_t query = target.find('?');
  return query == std::string_view::npos ? target : target.substr(0, query);
}

namespace {

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

class Server;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server& server, uint64_t id)
      : stream_(std::move(socket)), server_(server), id_(id) {}
  ~Session();

  void Start();
  // Refuses the connection at once (too many connections).
  void Refuse();
  // On the session's strand: closes the connection when it is waiting for a
  // request; a request being read, handled or answered goes on (and the
  // connection closes after its response, since the server is stopping).
  void StopIfIdle();
  uint64_t id() const { return id_; }
  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void WaitForRequest();
  void ReadRequest();
  void OnRead(beast::error_code ec);
  void Reject(int status, std::string_view reason);
  void Write(HttpResponse response, bool keep_alive);
  void Close();

  beast::tcp_stream stream_;
  Server& server_;
  const uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::string remote_address_;
  bool idle_ = false;
  bool closed_ = false;
};

class Server {
 public:
  Server(const HttpServerOptions& options, HttpHandler& handler)
      : options_(options),
        handler_(handler),
        io_(static_cast<int>(std::max<size_t>(options.threads, 1))),
        acceptor_(io_),
        signals_(io_, SIGTERM, SIGINT, SIGHUP),
        drain_timer_(io_),
        reload_pool_(1) {}

  absl::Status Run() {
    beast::error_code ec;
    const net::ip::address address = net::ip::make_address(options_.host, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("not an IP address: ", options_.host));
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options_.host, ":", options_.port, ": ", ec.message()));
    }
    const tcp::endpoint bound = acceptor_.local_endpoint(ec);
    const std::string host = bound.address().is_v6()
                                 ? absl::StrCat("[", bound.address().to_string(), "]")
                                 : bound.address().to_string();
    WaitForSignal();
    Accept();
    handler_.OnListening(absl::StrCat(host, ":", bound.port()));

    std::vector<std::thread> threads;
    for (size_t i = 1; i < options_.threads; ++i) threads.emplace_back([this] { io_.run(); });
    io_.run();
    for (std::thread& t : threads) t.join();
    reload_pool_.join();
    return absl::OkStatus();
  }

  const HttpServerOptions& options() const { return options_; }
  HttpHandler& handler() { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  void Forget(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(id);
    if (sessions_.empty() && stopping()) {
      net::post(io_, [this] { drain_timer_.cancel(); });
    }
  }

 private:
  void WaitForSignal() {
    signals_.async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        net::post(reload_pool_, [this] { handler_.OnReloadSignal(); });
        WaitForSignal();
        return;
      }
      Stop();
    });
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (stopping()) return;
      if (!ec) {
        std::shared_ptr<Session> session;
        bool over_limit = false;
        {
          std::lock_guard<std::mutex> lock(mu_);
          session = std::make_shared<Session>(std::move(socket), *this, next_id_++);
          over_limit = sessions_.size() >= options_.max_connections;
          sessions_.emplace(session->id(), session);
        }
        if (over_limit) {
          session->Refuse();
        } else {
          session->Start();
        }
      }
      Accept();
    });
  }

  // SIGTERM/SIGINT: no new connections; idle ones close now, busy ones after
  // their response; the drain timer bounds the wait.
  void Stop() {
    if (stopping_.exchange(true)) return;
    beast::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, weak] : sessions_) {
        if (std::shared_ptr<Session> s = weak.lock()) live.push_back(std::move(s));
      }
      if (sessions_.empty()) return;
    }
    for (std::shared_ptr<Session>& s : live) {
      net::dispatch(s->executor(), [s] { s->StopIfIdle(); });
    }
    drain_timer_.expires_after(ToChrono(options_.drain_timeout));
    drain_timer_.async_wait([this](beast::error_code ec) {
      if (!ec) io_.stop();  // in-flight work outlived the drain timeout
    });
  }

  const HttpServerOptions options_;
  HttpHandler& handler_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer drain_timer_;
  net::thread_pool reload_pool_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions_;
  uint64_t next_id_ = 0;
};

Session::~Session() { server_.Forget(id_); }

void Session::Start() {
  beast::error_code ec;
  const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = peer.address().to_string();
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
}

void Session::Refuse() {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->Reject(503, "too many connections"); });
}

void Session::StopIfIdle() {
  if (idle_ && !closed_) {
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
  }
}

void Session::WaitForRequest() {
  if (server_.stopping()) return Close();
  if (buffer_.size() > 0) return ReadRequest();  // the next request is already here
  idle_ = true;
  stream_.expires_after(ToChrono(server_.options().idle_timeout));
  stream_.async_read_some(
      buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t bytes) {
        self->idle_ = false;
        if (ec) return self->Close();  // closed by the client, idle timeout or stopping
        self->buffer_.commit(bytes);
        self->ReadRequest();
      });
}

void Session::ReadRequest() {
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(server_.options().header_limit, std::numeric_limits<uint32_t>::max())));
  parser_->body_limit(server_.options().body_limit);
  stream_.expires_after(ToChrono(server_.options().read_timeout));
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void Session::OnRead(beast::error_code ec) {
  if (ec == http::error::body_limit) return Reject(413, "request body over the limit");
  if (ec == http::error::header_limit) return Reject(431, "request headers over the limit");
  if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset) {
    return Close();
  }
  if (ec) {
    // Anything else the parser said: the bytes are not HTTP/1.1 we accept.
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return Reject(400, "malformed HTTP request");
    }
    return Close();
  }
  const http::request<http::string_body>& req = parser_->get();
  HttpRequest request;
  request.method = View(req.method_string());
  request.target = View(req.target());
  request.body = req.body();
  request.remote_address = remote_address_;
  request.headers.reserve(16);
  for (const auto& field : req) {
    request.headers.emplace_back(View(field.name_string()), View(field.value()));
  }
  HttpResponse response = server_.handler().Handle(request);
  Write(std::move(response), req.keep_alive() && !server_.stopping());
}

void Session::Reject(int status, std::string_view reason) {
  Write(server_.handler().Rejected(status, reason), /*keep_alive=*/false);
}

void Session::Write(HttpResponse response, bool keep_alive) {
  response_ = std::make_shared<http::response<http::string_body>>();
  http::response<http::string_body>& res = *response_;
  res.result(static_cast<unsigned>(response.status));
  res.version(11);
  res.set(http::field::content_type, response.content_type);
  // insert, not set: the response is new, so there is nothing to replace.
  for (const auto& [name, value] : response.headers) {
    res.insert(beast::string_view(name.data(), name.size()), value);
  }
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream_.expires_after(ToChrono(server_.options().write_timeout));
  http::async_write(stream_, res,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                      self->response_.reset();
                      if (ec || !keep_alive) return self->Close();
                      self->WaitForRequest();
                    });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace

absl::Status RunHttpServer(const HttpServerOptions& options, HttpHandler& handler) {
  // Before any thread starts, so every thread inherits the mask: SIGPIPE on
  // a client that went away must not end the server (Asio reports EPIPE).
  ::signal(SIGPIPE, SIG_IGN);
  Server server(options, handler);
  return server.Run();
}

}  // namespace verdict::cli
