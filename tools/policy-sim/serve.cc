// `policy-sim serve` (docs/interfaces.md §4, docs/serve.md): the endpoints,
// as plain functions from a request to a response. The HTTP server itself
// (Boost.Beast) is http_server.cc; Okta's simulation format is
// okta_simulation.cc. Every decision comes from the library: contexts are
// read by ContextReader (ParseContext's answers, with simdjson), §3 lines written by
// AppendDecisionLines, decision summaries by DecisionToJson.
//
// The served snapshot (and the shadow one) is an immutable `Served` behind an
// atomic shared_ptr: a request takes a reference once and answers from it,
// a reload builds a new one and swaps it in, so no request ever sees half a
// reload and none is refused while one happens.
#include "tools/policy-sim/serve.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "tools/policy-sim/http_server.h"
#include "tools/policy-sim/okta_simulation.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/context_reader.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/geo.h"
#include "verdict/issue.h"
#include "verdict/reference_evaluator.h"
#include "verdict/session.h"
#include "verdict/snapshot.h"
#include "verdict/system_log.h"

namespace verdict::cli {

const char kServeUsage[] =
    "usage: policy-sim serve --snapshot DIR [options]\n"
    "\n"
    "Serves the snapshot over HTTP: Okta's policy simulation\n"
    "(POST /api/v1/policies/simulate), decisions (POST /v1/evaluate), a\n"
    "forward-auth endpoint for gateways (GET /v1/authorize), GET /healthz,\n"
    "GET /metrics and POST /v1/reload (also SIGHUP). SIGTERM/SIGINT stop it\n"
    "gracefully. docs/serve.md describes every endpoint.\n"
    "\n"
    "  --snapshot DIR          snapshot directory (docs/interfaces.md §1)\n"
    "  --listen HOST:PORT      address to listen on (default 127.0.0.1:8080;\n"
    "                          port 0 picks a free one); prints\n"
    "                          'listening on http://HOST:PORT' once ready\n"
    "  --geoip DIR             MaxMind databases for contexts without geo/asn\n"
    "  --threads N             I/O threads (default 2)\n"
    "  --api-token-file FILE   require 'Authorization: SSWS <token>' on simulate,\n"
    "                          evaluate and reload (the file's content, trimmed)\n"
    "  --shadow DIR            also decide against this proposed snapshot; the\n"
    "                          answer comes from --snapshot, disagreements are\n"
    "                          counted in /metrics\n"
    "  --decision-log FILE     append JSON Lines (context + decisions) that\n"
    "                          'policy-sim diff --contexts' reads: with --shadow\n"
    "                          each disagreement, without it every decision\n"
    "  --body-limit BYTES      largest request body (default 1048576; 413 above)\n"
    "  --max-connections N     open connections at most (default 1024; 503 above)\n"
    "  --read-timeout SECONDS  from a request's first byte to its last (default 10)\n"
    "  --idle-timeout SECONDS  keep-alive wait for the next request (default 30)\n"
    "  --strict                warnings are errors: a snapshot (or --shadow, or a\n"
    "                          reload) with a warning is refused, and a context\n"
    "                          with one (unknown field, group given by name,\n"
    "                          unknown behavior, zone or app) is a 400\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 stopped by SIGTERM/SIGINT; 2 snapshot, arguments or\n"
    "address unusable.\n";

namespace {

using Json = nlohmann::json;

struct ServeFlags {
  std::string snapshot;
  std::string listen = "127.0.0.1:8080";
  std::string geoip;
  int64_t threads = 2;
  std::string api_token_file;
  std::string shadow;
  std::string decision_log;
  int64_t body_limit = 1 << 20;
  int64_t max_connections = 1024;
  int64_t read_timeout = 10;
  int64_t idle_timeout = 30;
  bool strict = false;
};

std::optional<int> ParseFlags(const std::vector<std::string>& args, ServeFlags* flags) {
  FlagParser parser(kServeUsage);
  parser.String("--snapshot", "--snapshot needs a directory", &flags->snapshot);
  parser.String("--listen", "--listen needs HOST:PORT", &flags->listen);
  parser.String("--geoip", "--geoip needs a directory", &flags->geoip);
  parser.Int("--threads", "--threads needs a number from 1 to 256", 1, 256, &flags->threads);
  parser.String("--api-token-file", "--api-token-file needs a file", &flags->api_token_file);
  parser.String("--shadow", "--shadow needs a directory", &flags->shadow);
  parser.String("--decision-log", "--decision-log needs a file", &flags->decision_log);
  parser.Switch("--strict", &flags->strict);
  parser.Int("--body-limit", "--body-limit needs a byte count from 1 to 1073741824", 1,
             int64_t{1} << 30, &flags->body_limit);
  parser.Int("--max-connections", "--max-connections needs a number from 1 to 1000000", 1, 1000000,
             &flags->max_connections);
  parser.Int("--read-timeout", "--read-timeout needs seconds from 1 to 3600", 1, 3600,
             &flags->read_timeout);
  parser.Int("--idle-timeout", "--idle-timeout needs seconds from 1 to 3600", 1, 3600,
             &flags->idle_timeout);
  if (std::optional<int> exit = parser.Parse(args)) return exit;
  if (flags->snapshot.empty()) return parser.UsageError("--snapshot is required");
  return std::nullopt;
}

// "HOST:PORT", "[v6]:PORT".
bool SplitListen(std::string_view listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  uint32_t p = 0;
  if (h.empty() || !absl::SimpleAtoi(Sv(listen.substr(colon + 1)), &p) || p > 65535) return false;
  *host = std::string(h);
  *port = static_cast<uint16_t>(p);
  return true;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

// ------------------------------------------------------------- snapshots

// One loaded snapshot and what every request needs from it.
struct Served {
  std::shared_ptr<const CompiledPolicySet> set;
  // Traces for the simulation; shares the set's compiled facts.
  std::unique_ptr<ReferenceEvaluator> reference;
  std::vector<PolicyType> types;
  bool has_sign_on = false;
  bool has_access_policy = false;
  absl::Time loaded_at;
  size_t rules = 0;
  // --strict checks contexts against the snapshot; built with it, so a
  // request never rebuilds the lookups (and a reload swaps both together).
  std::unique_ptr<const ContextChecker> checker;

  const Snapshot& snapshot() const { return set->snapshot(); }
};

// The outcome of a load: the set, or the error with the first error issue's
// file and pointer.
struct LoadError {
  std::string message;
  std::string file;
  std::string pointer;
};

absl::StatusOr<std::shared_ptr<const Served>> Load(const std::string& dir, bool strict,
                                                   LoadError* error) {
  IssueList issues;
  LoadOptions options;
  options.warnings_as_errors = strict;
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
      LoadAndCompile(dir, &issues, options);
  if (!set.ok()) {
    error->message = std::string(set.status().message());
    for (const Issue& issue : issues) {
      if (!issue.is_error()) continue;
      error->file = issue.file;
      error->pointer = issue.pointer;
      break;
    }
    return set.status();
  }
  auto served = std::make_shared<Served>();
  served->set = *std::move(set);
  served->reference = std::make_unique<ReferenceEvaluator>(served->set);
  served->types = served->snapshot().Types();
  for (PolicyType t : served->types) {
    served->has_sign_on |= t == PolicyType::kOktaSignOn;
    served->has_access_policy |= t == PolicyType::kAccessPolicy;
  }
  served->loaded_at = absl::Now();
  served->checker = std::make_unique<const ContextChecker>(served->snapshot());
  for (const Policy& p : served->snapshot().policies) served->rules += p.rules.size();
  return std::shared_ptr<const Served>(std::move(served));
}

// ---------------------------------------------------------------- metrics

enum class Endpoint { kSimulate, kEvaluate, kAuthorize, kHealthz, kMetrics, kReload, kOther };
constexpr std::array<std::string_view, 7> kEndpointNames = {
    "simulate", "evaluate", "authorize", "healthz", "metrics", "reload", "other"};
constexpr std::array<int, 13> kCodes = {200, 400, 401, 403, 404, 405, 408,
                                        413, 422, 431, 500, 503, 0};  // 0: any other
// Decision latency buckets (seconds): the engine answers in microseconds,
// a trace for the simulation in tens of them.
constexpr std::array<double, 12> kBuckets = {1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5,
                                             1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2,   1e-1};

class Metrics {
 public:
  void Request(Endpoint endpoint, int code) {
    size_t i = kCodes.size() - 1;
    for (size_t k = 0; k + 1 < kCodes.size(); ++k) {
      if (kCodes[k] == code) i = k;
    }
    requests_[static_cast<size_t>(endpoint)][i].fetch_add(1, std::memory_order_relaxed);
  }
  void Decision(absl::Duration took) {
    const double seconds = absl::ToDoubleSeconds(took);
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      if (seconds <= kBuckets[b]) {
        buckets_[b].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<uint64_t>(absl::ToInt64Nanoseconds(took)),
                      std::memory_order_relaxed);
  }
  void Reload(bool ok) { (ok ? reload_ok_ : reload_failed_).fetch_add(1); }
  void Disagreement() { disagreements_.fetch_add(1, std::memory_order_relaxed); }

  // Prometheus text exposition format 0.0.4.
  std::string Text(bool last_reload_ok, absl::Time loaded_at) const {
    std::string out;
    out += "# HELP verdict_requests_total HTTP requests answered, by endpoint and status.\n";
    out += "# TYPE verdict_requests_total counter\n";
    for (size_t e = 0; e < kEndpointNames.size(); ++e) {
      for (size_t c = 0; c < kCodes.size(); ++c) {
        const uint64_t n = requests_[e][c].load(std::memory_order_relaxed);
        if (n == 0) continue;
        absl::StrAppend(&out, "verdict_requests_total{endpoint=\"", Sv(kEndpointNames[e]),
                        "\",code=\"", kCodes[c] == 0 ? "other" : absl::StrCat(kCodes[c]), "\"} ", n,
                        "\n");
      }
    }
    out += "# HELP verdict_decision_seconds Time to decide one (context, policy type).\n";
    out += "# TYPE verdict_decision_seconds histogram\n";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += buckets_[b].load(std::memory_order_relaxed);
      absl::StrAppend(&out, "verdict_decision_seconds_bucket{le=\"", kBuckets[b], "\"} ",
                      cumulative, "\n");
    }
    const uint64_t count = count_.load(std::memory_order_relaxed);
    absl::StrAppend(&out, "verdict_decision_seconds_bucket{le=\"+Inf\"} ", count, "\n");
    absl::StrAppend(&out, "verdict_decision_seconds_sum ",
                    static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9, "\n");
    absl::StrAppend(&out, "verdict_decision_seconds_count ", count, "\n");
    out += "# HELP verdict_snapshot_reloads_total Snapshot reloads, by result.\n";
    out += "# TYPE verdict_snapshot_reloads_total counter\n";
    absl::StrAppend(&out, "verdict_snapshot_reloads_total{result=\"success\"} ", reload_ok_.load(),
                    "\n");
    absl::StrAppend(&out, "verdict_snapshot_reloads_total{result=\"failure\"} ",
                    reload_failed_.load(), "\n");
    out += "# HELP verdict_snapshot_last_reload_success 1 when the last reload succeeded.\n";
    out += "# TYPE verdict_snapshot_last_reload_success gauge\n";
    absl::StrAppend(&out, "verdict_snapshot_last_reload_success ", last_reload_ok ? 1 : 0, "\n");
    out += "# HELP verdict_snapshot_loaded_timestamp_seconds When the served snapshot loaded.\n";
    out += "# TYPE verdict_snapshot_loaded_timestamp_seconds gauge\n";
    absl::StrAppend(&out, "verdict_snapshot_loaded_timestamp_seconds ",
                    absl::ToUnixSeconds(loaded_at), "\n");
    out +=
        "# HELP verdict_shadow_disagreements_total Decisions the shadow snapshot made "
        "differently.\n";
    out += "# TYPE verdict_shadow_disagreements_total counter\n";
    absl::StrAppend(&out, "verdict_shadow_disagreements_total ", disagreements_.load(), "\n");
    return out;
  }

 private:
  std::array<std::array<std::atomic<uint64_t>, kCodes.size()>, kEndpointNames.size()> requests_{};
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<uint64_t> reload_ok_{0};
  std::atomic<uint64_t> reload_failed_{0};
  std::atomic<uint64_t> disagreements_{0};
};

// Compares the token in constant time (for equal lengths: the time does not
// depend on where the first difference is).
bool SameSecret(std::string_view given, std::string_view expected) {
  volatile unsigned char diff = given.size() == expected.size() ? 0 : 1;
  const size_t n = expected.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff = diff | (g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

// Header values carry ids from the snapshot: anything but visible ASCII is
// dropped, so no snapshot content can split a header.
std::string HeaderSafe(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c > 0x20 && c < 0x7f) out.push_back(c);
  }
  return out;
}

// ------------------------------------------------------------- the service

class Service : public HttpHandler {
 public:
  Service(const ServeFlags& flags, std::shared_ptr<const Served> served,
          std::shared_ptr<const Served> shadow, std::unique_ptr<GeoResolver> geo, std::string token)
      : flags_(flags), geo_(std::move(geo)), token_(std::move(token)) {
    served_.store(std::move(served));
    shadow_.store(std::move(shadow));
    id_ = next_service_id_.fetch_add(1, std::memory_order_relaxed);
    if (!flags.decision_log.empty()) {
      log_.open(flags.decision_log, std::ios::app);
    }
  }

  bool log_ok() const { return flags_.decision_log.empty() || log_.is_open(); }

  // How contexts given to the endpoints are checked: against the served
  // snapshot, and with --strict a warning is an error (a 400).
  ContextCheckOptions CheckOptions(const Served& served) const {
    ContextCheckOptions check;
    if (flags_.strict) check.checker = served.checker.get();
    check.warnings_are_errors = flags_.strict;
    return check;
  }

  HttpResponse Handle(const HttpRequest& request) override {
    const std::string_view path = request.Path();
    Endpoint endpoint = Endpoint::kOther;
    HttpResponse response;
    if (path == "/api/v1/policies/simulate") {
      endpoint = Endpoint::kSimulate;
      response = Guarded(request, "POST", [&] { return Simulate(request); });
    } else if (path == "/v1/evaluate") {
      endpoint = Endpoint::kEvaluate;
      response = Guarded(request, "POST", [&] { return Evaluate(request); });
    } else if (path == "/v1/authorize" || absl::StartsWith(Sv(path), "/v1/authorize/")) {
      // Gateways forward the original method (Envoy) or GET (nginx): any.
      // Envoy's ext_authz appends the original path to path_prefix.
      endpoint = Endpoint::kAuthorize;
      response = Authorize(request);
    } else if (path == "/healthz") {
      endpoint = Endpoint::kHealthz;
      response = Method(request, "GET") ? Healthz() : NotAllowed();
    } else if (path == "/metrics") {
      endpoint = Endpoint::kMetrics;
      response = Method(request, "GET") ? MetricsText() : NotAllowed();
    } else if (path == "/v1/reload") {
      endpoint = Endpoint::kReload;
      response = Guarded(request, "POST", [&] { return ReloadResponse(); });
    } else {
      response = Error(OktaError{
          404,
          "E0000007",
          absl::StrCat("Not found: Resource not found: ", Sv(HeaderSafe(path)), " (Endpoint)"),
          {}});
    }
    metrics_.Request(endpoint, response.status);
    return response;
  }

  HttpResponse Rejected(int status, std::string_view reason) override {
    OktaError error{
        status, "E0000003", "The request body was not well-formed.", {std::string(reason)}};
    if (status == 413) error.summary = "Request entity too large";
    if (status == 431) error.summary = "Request header fields too large";
    if (status == 503) {
      error.code = "E0000047";
      error.summary = "Service unavailable: too many connections";
    }
    metrics_.Request(Endpoint::kOther, status);
    return Error(error);
  }

  void OnReloadSignal() override {
    const bool ok = Reload();
    std::lock_guard<std::mutex> lock(reload_mu_);
    std::cerr << "SIGHUP: reload " << (ok ? "succeeded" : "failed: " + last_error_.message) << '\n';
  }

  void OnListening(std::string_view address) override {
    // One write: a reader of a shared stderr file sees the line whole.
    std::cerr << std::string("listening on http://").append(address).append("\n") << std::flush;
  }

 private:
  static bool Method(const HttpRequest& r, std::string_view method) { return r.method == method; }

  std::string NextErrorId() {
    return absl::StrFormat("vrd%013x", error_ids_.fetch_add(1, std::memory_order_relaxed));
  }

  HttpResponse Error(const OktaError& error) {
    HttpResponse r;
    r.status = error.status;
    r.body = OktaErrorJson(error, NextErrorId());
    return r;
  }

  HttpResponse NotAllowed() {
    return Error(
        OktaError{405, "E0000022", "The endpoint does not support the provided HTTP method", {}});
  }

  // Method check, then the API token (when one is configured), then `run`.
  template <typename Run>
  HttpResponse Guarded(const HttpRequest& request, std::string_view method, Run run) {
    if (!Method(request, method)) return NotAllowed();
    if (!token_.empty()) {
      std::string_view auth = request.Header("Authorization");
      const bool ssws = auth.size() > 5 && absl::EqualsIgnoreCase(Sv(auth.substr(0, 5)), "SSWS ");
      if (!ssws || !SameSecret(auth.substr(5), token_)) {
        return Error(OktaError{401, "E0000011", "Invalid token provided", {}});
      }
    }
    return run();
  }

  // ---- simulate

  HttpResponse Simulate(const HttpRequest& request) {
    const std::shared_ptr<const Served> served = served_.load();
    SimulationRequest sim;
    OktaError error;
    if (!ParseSimulationRequest(request.body, served->snapshot(), &sim, &error)) {
      return Error(error);
    }
    SimulationExpand expand;
    const size_t q = request.target.find('?');
    if (q != std::string_view::npos) {
      for (absl::string_view part : absl::StrSplit(Sv(request.target.substr(q + 1)), '&')) {
        if (!absl::ConsumePrefix(&part, "expand=")) continue;
        for (absl::string_view value : absl::StrSplit(part, absl::ByAnyChar(",+"))) {
          if (absl::EqualsIgnoreCase(value, "EVALUATED")) expand.evaluated = true;
          if (absl::EqualsIgnoreCase(value, "RULE")) expand.rules = true;
        }
      }
    }
    const absl::Time start = absl::Now();
    HttpResponse r;
    r.body = SimulationResponseJson(*served->set, *served->reference, sim, expand);
    metrics_.Decision(absl::Now() - start);
    return r;
  }

  // ---- evaluate

  // §3's error object for an unusable context (`line`: its place, from 1).
  HttpResponse ContextError(size_t line, absl::string_view message) {
    HttpResponse r;
    r.status = 400;
    r.body = absl::StrCat("{\"line\": ", line, ", \"error\": ",
                          JsonQuote(std::string_view(message.data(), message.size())), "}");
    return r;
  }

  HttpResponse Evaluate(const HttpRequest& request) {
    std::vector<SignOnContext> contexts;
    const std::shared_ptr<const Served> checked_against = served_.load();
    const ContextCheckOptions check = CheckOptions(*checked_against);
    const std::string_view body = request.body;
    const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(Sv(body));
    if (!trimmed.empty() && trimmed.front() == '[') {
      // Each element is read from its own bytes, as the one-context form
      // reads the body; the array is never built.
      absl::StatusOr<std::vector<std::string_view>> elements = SplitContextArray(body);
      if (!elements.ok()) return ContextError(1, elements.status().message());
      contexts.reserve(elements->size());
      for (size_t i = 0; i < elements->size(); ++i) {
        absl::Status s =
            ThreadContextReader().Read((*elements)[i], check, &contexts.emplace_back(), nullptr);
        if (!s.ok()) return ContextError(i + 1, s.message());
      }
    } else {
      absl::Status s = ThreadContextReader().Read(body, check, &contexts.emplace_back(), nullptr);
      if (!s.ok()) return ContextError(1, s.message());
    }
    const std::shared_ptr<const Served> served = served_.load();
    const std::shared_ptr<const Served> shadow = shadow_.load();
    std::string lines;
    for (SignOnContext& c : contexts) {
      if (geo_ != nullptr) geo_->Enrich(served->snapshot(), &c);
      const absl::Time start = absl::Now();
      AppendDecisionLines(*served->set, c, served->types, &lines);
      metrics_.Decision(absl::Now() - start);
      if (shadow != nullptr || log_.is_open()) {
        Compare(*served, shadow.get(), c, TypesToEvaluate(c, served->types), "evaluate");
      }
    }
    HttpResponse r;
    r.body.reserve(lines.size() + 2);
    r.body.push_back('[');
    for (absl::string_view line : absl::StrSplit(lines, '\n', absl::SkipEmpty())) {
      if (r.body.size() > 1) r.body.push_back(',');
      r.body.append(line.data(), line.size());
    }
    r.body.push_back(']');
    return r;
  }

  // ---- shadow mode and the decision log

  // Decides `context` against the shadow snapshot for `types`, counts each
  // disagreement, and writes the decision log line: with a shadow, for
  // contexts with a disagreement; without one, for every context.
  // Returns whether every decision agreed.
  bool Compare(const Served& served, const Served* shadow, const SignOnContext& context,
               absl::Span<const PolicyType> types, std::string_view endpoint) {
    bool agreed = true;
    Json decisions = Json::array();
    for (PolicyType type : types) {
      const Decision mine = served.set->Evaluate(context, type);
      Json entry = {{"policyType", std::string(PolicyTypeName(type))},
                    {"served", Json::parse(DecisionToJson(mine, DecisionJsonForm::kSummary))}};
      if (shadow != nullptr) {
        const Decision theirs = shadow->set->Evaluate(context, type);
        const bool same = DecisionToJson(mine, DecisionJsonForm::kIds) ==
                          DecisionToJson(theirs, DecisionJsonForm::kIds);
        if (!same) {
          agreed = false;
          metrics_.Disagreement();
        }
        entry["shadow"] = Json::parse(DecisionToJson(theirs, DecisionJsonForm::kSummary));
      }
      decisions.push_back(std::move(entry));
    }
    if (log_.is_open() && (shadow == nullptr || !agreed)) {
      // The context's own §2 line with one more key: `policy-sim diff
      // --contexts` and `eval --contexts` read it as the context it was.
      std::string line = WriteContextJson(context);
      line.pop_back();  // the closing brace
      const Json verdict = {{"at", TimeText(absl::Now())},
                            {"endpoint", std::string(endpoint)},
                            {"agreed", agreed},
                            {"decisions", std::move(decisions)}};
      absl::StrAppend(&line, line.size() > 1 ? "," : "", "\"verdictLog\":",
                      verdict.dump(-1, ' ', false, Json::error_handler_t::replace), "}\n");
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ << line;
      log_.flush();
    }
    return agreed;
  }

  // ---- authorize

  // The snapshots a request answers from.
  struct Current {
    const Served* served = nullptr;
    const Served* shadow = nullptr;  // null without --shadow
  };

  // The served (and shadow) snapshot without touching the atomic
  // shared_ptrs on every request: each I/O thread keeps its own references
  // and reloads them only when a reload has bumped generation_ (one acquire
  // load, no read-modify-write on a cache line both threads share). The
  // pointers stay valid until this thread's next call, so call it once per
  // request. A replaced snapshot is freed once every thread that held it has
  // answered its next request.
  // This I/O thread's context reader: its parser's buffers stay allocated
  // from request to request.
  static ContextReader& ThreadContextReader() {
    thread_local ContextReader reader;
    return reader;
  }

  Current CurrentOnThisThread() {
    struct Held {
      uint64_t service = 0;  // 0: none yet (ids start at 1)
      uint64_t generation = 0;
      std::shared_ptr<const Served> served;
      std::shared_ptr<const Served> shadow;
    };
    thread_local Held held;
    const uint64_t generation = generation_.load(std::memory_order_acquire);
    if (held.service != id_ || held.generation != generation) {
      held.served = served_.load();
      held.shadow = shadow_.load();
      held.service = id_;
      held.generation = generation;
    }
    return {held.served.get(), held.shadow.get()};
  }

  HttpResponse Authorize(const HttpRequest& request) {
    const Current current = CurrentOnThisThread();
    const Served& served = *current.served;
    const Snapshot& snapshot = served.snapshot();
    SignOnContext context;
    const std::string_view context_header = request.Header("X-Verdict-Context");
    if (!context_header.empty()) {
      // The given context, parsed once by the one context parser; the other
      // headers fill only what it leaves out (below).
      std::string decoded;
      if (!absl::WebSafeBase64Unescape(Sv(context_header), &decoded)) {
        return ContextError(1, "X-Verdict-Context: not base64url");
      }
      const absl::Status parsed =
          ThreadContextReader().Read(decoded, CheckOptions(served), &context, nullptr);
      if (!parsed.ok()) {
        return ContextError(1, absl::StrCat("X-Verdict-Context: ", parsed.message()));
      }
    }
    // X-Forwarded-For: client first; the connecting peer is the last hop.
    // Parsed straight into the context's chain (no JSON), unless the given
    // context says where the client is (ip/ipChain or zones).
    if (context.ip_chain.empty() && !context.zones.has_value()) {
      for (absl::string_view hop : absl::StrSplit(Sv(request.Header("X-Forwarded-For")), ',')) {
        hop = absl::StripAsciiWhitespace(hop);
        if (hop.empty()) continue;
        absl::StatusOr<IpAddress> ip = IpAddress::Parse(std::string_view(hop.data(), hop.size()));
        if (!ip.ok()) {
          return ContextError(1, absl::StrCat("X-Forwarded-For: ", ip.status().message()));
        }
        context.ip_chain.push_back(*ip);
      }
      if (!absl::EqualsIgnoreCase(Sv(request.Header("X-Verdict-Trusted-Hop")), "none") &&
          !request.remote_address.empty()) {
        absl::StatusOr<IpAddress> peer = IpAddress::Parse(request.remote_address);
        if (peer.ok()) context.ip_chain.push_back(*peer);
      }
    }
    if (context.user.id.empty()) context.user.id = std::string(request.Header("X-Verdict-User"));
    if (context.app_id.empty()) context.app_id = std::string(request.Header("X-Verdict-App"));
    // A gateway knows the user's id, not their groups: memberships come from
    // the snapshot's users/<id>/groups.json unless the context lists them.
    if (!context.user.id.empty() && context.user.groups.empty()) {
      const auto found = snapshot.user_groups.find(context.user.id);
      if (found != snapshot.user_groups.end()) context.user.groups = found->second;
    }
    if (geo_ != nullptr) geo_->Enrich(snapshot, &context);

    const absl::Time start = absl::Now();
    const Verdict verdict = Decide(served, context);
    metrics_.Decision(absl::Now() - start);

    HttpResponse r;
    r.status = verdict.status;
    r.headers.reserve(5);
    r.headers.emplace_back("X-Verdict-Outcome", verdict.outcome);
    r.headers.emplace_back("X-Verdict-Policy", HeaderSafe(verdict.policy));
    r.headers.emplace_back("X-Verdict-Rule", HeaderSafe(verdict.rule));
    r.headers.emplace_back("X-Verdict-Blocked", verdict.blocked ? "true" : "false");
    const Served* shadow = current.shadow;
    if (shadow != nullptr) {
      const Verdict theirs = Decide(*shadow, context);
      r.headers.emplace_back("X-Verdict-Shadow-Outcome", theirs.outcome);
    }
    if (shadow != nullptr || log_.is_open()) {
      Compare(served, shadow, context, verdict.types, "authorize");
    }
    r.body = absl::StrCat(
        "{\"outcome\":\"", verdict.outcome, "\",\"blocked\":", verdict.blocked ? "true" : "false",
        ",\"policy\":", verdict.policy.empty() ? "null" : JsonQuote(verdict.policy),
        ",\"rule\":", verdict.rule.empty() ? "null" : JsonQuote(verdict.rule), "}");
    return r;
  }

  // The gateway's answer: OKTA_SIGN_ON (the global session) and, for a
  // request to an app, ACCESS_POLICY, combined as Identity Engine does
  // (Part A §A1.6); a snapshot with only one of them decides by that one.
  struct Verdict {
    int status = 403;
    std::string outcome = "NONE";  // no policy decided: refused (fail closed)
    bool blocked = false;
    std::string policy;  // the deciding decision's ids
    std::string rule;
    std::vector<PolicyType> types;
  };

  static Verdict Decide(const Served& served, const SignOnContext& context) {
    Verdict v;
    std::optional<Decision> sign_on;
    std::optional<Decision> app;
    if (served.has_sign_on) {
      sign_on = served.set->Evaluate(context, PolicyType::kOktaSignOn);
      v.types.push_back(PolicyType::kOktaSignOn);
    }
    if (served.has_access_policy && !context.app_id.empty()) {
      app = served.set->Evaluate(context, PolicyType::kAccessPolicy);
      v.types.push_back(PolicyType::kAccessPolicy);
    }
    Outcome outcome = Outcome::kNone;
    const Decision* deciding = nullptr;
    if (sign_on && app) {
      const bool session_valid = OktaSessionValid(context, *sign_on);
      outcome = CombineIdentityEngineOutcome(*sign_on, *app, session_valid);
      // The global session's decision explains a refusal or a challenge it
      // made (it is not evaluated under a valid Okta session); otherwise the
      // app's decided.
      deciding = sign_on->blocked || (!session_valid && (sign_on->outcome == Outcome::kDeny ||
                                                         sign_on->outcome == Outcome::kChallenge ||
                                                         sign_on->outcome == Outcome::kNone))
                     ? &*sign_on
                     : &*app;
    } else if (sign_on || app) {
      deciding = sign_on ? &*sign_on : &*app;
      outcome = deciding->outcome;
    }
    v.blocked = (sign_on && sign_on->blocked) || (app && app->blocked);
    if (v.blocked) outcome = Outcome::kDeny;
    if (deciding != nullptr) {
      if (deciding->policy != nullptr) v.policy = deciding->policy->id;
      if (deciding->rule != nullptr) v.rule = deciding->rule->id;
    }
    switch (outcome) {
      case Outcome::kAllow:
        v.status = 200;
        break;
      case Outcome::kChallenge:
        v.status = 401;
        break;
      case Outcome::kDeny:
      case Outcome::kNone:
        v.status = 403;
        break;
    }
    if (outcome != Outcome::kNone) v.outcome = std::string(OutcomeName(outcome));
    return v;
  }

  // ---- health, metrics, reload

  static Json SnapshotJson(const Served& served) {
    const Manifest& m = served.snapshot().manifest;
    return Json{{"directory", served.snapshot().directory},
                {"formatVersion", m.format_version},
                {"org", m.org},
                {"pulledAt", m.pulled_at},
                {"source", m.source},
                {"loadedAt", TimeText(served.loaded_at)},
                {"policies", served.snapshot().policies.size()},
                {"rules", served.rules}};
  }

  HttpResponse Healthz() {
    Json body = {{"status", "ok"}, {"snapshot", SnapshotJson(*served_.load())}};
    if (const std::shared_ptr<const Served> shadow = shadow_.load()) {
      body["shadow"] = SnapshotJson(*shadow);
    }
    {
      std::lock_guard<std::mutex> lock(reload_mu_);
      Json last = {{"ok", last_reload_ok_}, {"at", nullptr}, {"error", nullptr}};
      if (last_reload_at_.has_value()) last["at"] = TimeText(*last_reload_at_);
      if (!last_reload_ok_) {
        last["error"] = Json{{"message", last_error_.message},
                             {"file", last_error_.file},
                             {"pointer", last_error_.pointer}};
      }
      body["lastReload"] = std::move(last);
    }
    HttpResponse r;
    r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
  }

  HttpResponse MetricsText() {
    bool ok = true;
    {
      std::lock_guard<std::mutex> lock(reload_mu_);
      ok = last_reload_ok_;
    }
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.Text(ok, served_.load()->loaded_at);
    return r;
  }

  // Loads --snapshot (and --shadow) again; each swaps in only when it loaded
  // and compiled, so a failure leaves the previous one serving. One reload
  // at a time.
  bool Reload() {
    std::lock_guard<std::mutex> serial(reload_serial_mu_);
    LoadError error;
    bool ok = true;
    absl::StatusOr<std::shared_ptr<const Served>> next =
        Load(flags_.snapshot, flags_.strict, &error);
    if (next.ok()) {
      served_.store(*std::move(next));
    } else {
      ok = false;
    }
    if (ok && !flags_.shadow.empty()) {
      absl::StatusOr<std::shared_ptr<const Served>> shadow =
          Load(flags_.shadow, flags_.strict, &error);
      if (shadow.ok()) {
        shadow_.store(*std::move(shadow));
      } else {
        ok = false;
        error.message = absl::StrCat("--shadow: ", error.message);
      }
    }
    // After the stores: a thread that sees the new generation loads the new
    // pointers (CurrentOnThisThread).
    generation_.fetch_add(1, std::memory_order_release);
    metrics_.Reload(ok);
    std::lock_guard<std::mutex> lock(reload_mu_);
    last_reload_ok_ = ok;
    last_reload_at_ = absl::Now();
    last_error_ = ok ? LoadError() : error;
    return ok;
  }

  HttpResponse ReloadResponse() {
    if (Reload()) return Healthz();
    LoadError error;
    {
      std::lock_guard<std::mutex> lock(reload_mu_);
      error = last_error_;
    }
    OktaError okta{422, "E0000001", "Api validation failed: snapshot", {error.message}};
    if (!error.file.empty()) {
      okta.causes.push_back(absl::StrCat("file: ", error.file));
      okta.causes.push_back(absl::StrCat("pointer: ", error.pointer));
    }
    return Error(okta);
  }

  const ServeFlags flags_;
  std::atomic<std::shared_ptr<const Served>> served_;
  std::atomic<std::shared_ptr<const Served>> shadow_;
  // Bumped by every reload (CurrentOnThisThread).
  std::atomic<uint64_t> generation_{0};
  // Tells this Service's thread-local references from another's; never
  // reused within the process.
  uint64_t id_ = 0;
  static inline std::atomic<uint64_t> next_service_id_{1};
  const std::unique_ptr<GeoResolver> geo_;
  const std::string token_;
  Metrics metrics_;
  std::atomic<uint64_t> error_ids_{1};

  std::mutex reload_serial_mu_;  // one reload at a time
  std::mutex reload_mu_;         // guards the last reload's result
  bool last_reload_ok_ = true;
  std::optional<absl::Time> last_reload_at_;
  LoadError last_error_;

  std::mutex log_mu_;
  std::ofstream log_;
};

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  ServeFlags flags;
  if (std::optional<int> status = ParseFlags(args, &flags)) return *status;
  HttpServerOptions options;
  if (!SplitListen(flags.listen, &options.host, &options.port)) {
    std::cerr << "error: --listen needs HOST:PORT, got '" << flags.listen << "'\n";
    return kExitUnusable;
  }
  options.threads = static_cast<size_t>(flags.threads);
  options.body_limit = static_cast<size_t>(flags.body_limit);
  options.max_connections = static_cast<size_t>(flags.max_connections);
  options.read_timeout = absl::Seconds(flags.read_timeout);
  options.idle_timeout = absl::Seconds(flags.idle_timeout);

  std::string token;
  if (!flags.api_token_file.empty()) {
    std::ifstream in(flags.api_token_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cerr << "error: --api-token-file: cannot read " << flags.api_token_file << '\n';
      return kExitUnusable;
    }
    token = std::string(absl::StripAsciiWhitespace(text.str()));
    if (token.empty()) {
      std::cerr << "error: --api-token-file: the file is empty\n";
      return kExitUnusable;
    }
  }

  LoadError error;
  absl::StatusOr<std::shared_ptr<const Served>> served = Load(flags.snapshot, flags.strict, &error);
  if (!served.ok()) {
    std::cerr << "error: " << error.message << '\n';
    return kExitUnusable;
  }
  std::shared_ptr<const Served> shadow;
  if (!flags.shadow.empty()) {
    absl::StatusOr<std::shared_ptr<const Served>> loaded = Load(flags.shadow, flags.strict, &error);
    if (!loaded.ok()) {
      std::cerr << "error: --shadow: " << error.message << '\n';
      return kExitUnusable;
    }
    shadow = *std::move(loaded);
  }
  std::unique_ptr<GeoResolver> geo;
  if (!flags.geoip.empty()) {
    IssueList geo_issues;
    absl::StatusOr<std::unique_ptr<GeoResolver>> opened =
        GeoResolver::Open(flags.geoip, &geo_issues);
    if (!opened.ok()) {
      std::cerr << "error: --geoip: " << opened.status().message() << '\n';
      return kExitUnusable;
    }
    geo = *std::move(opened);
  }

  Service service(flags, *std::move(served), std::move(shadow), std::move(geo), std::move(token));
  if (!service.log_ok()) {
    std::cerr << "error: --decision-log: cannot open " << flags.decision_log << '\n';
    return kExitUnusable;
  }
  if (absl::Status s = RunHttpServer(options, service); !s.ok()) {
    std::cerr << "error: " << s.message() << '\n';
    return kExitUnusable;
  }
  std::cerr << "stopped\n";
  return kExitOk;
}

}  // namespace verdict::cli
