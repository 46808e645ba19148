// What does the C API cost on top of the C++ call?
//
// On the fixture org (/0: fixtures/org and fixtures/contexts.jsonl) and the
// 10k-rule synthetic org (/10000: BenchOrgOptions(10000) written as a
// snapshot directory, 512 GenerateContexts contexts), one OKTA_SIGN_ON
// decision per iteration, contexts in rotation:
//   BM_CApiCxxEvaluate       CompiledPolicySet::Evaluate on a prebuilt
//                            SignOnContext (the C++ call alone)
//   BM_CApiCxxFillAndEvaluate  the same after refilling a reused
//                            SignOnContext from the request's strings (what
//                            a C++ gateway does per request)
//   BM_CApiEvaluateBuilder   verdict_context_reset + the setters from the
//                            request's strings + verdict_evaluate + reading
//                            outcome and rule id (a gateway's request path)
//   BM_CApiEvaluateJson      verdict_evaluate_json on the context's JSON +
//                            verdict_free (parse, evaluate, format)
//   BM_CApiJsonParseOnly, BM_CApiJsonFormatOnly: ParseContext alone and
//                            DecisionToJsonLine alone, to say where the JSON
//                            path's time goes
// All three evaluate the same context (reduced to the fields the builder
// sets) and check the rule id against the C++ answer in the loop.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/input_cache.h"
#include "benchmark/benchmark.h"
#include "verdict/c_api.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/ip_address.h"
#include "verdict/policy_type.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  if (const char* dir = std::getenv("VERDICT_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::current_path() : exe.parent_path()).parent_path();
}

// A request as a gateway holds it: strings it will hand to the setters.
struct Request {
  std::string id, app, user, risk, platform, os, auth_type, idp_type, idp_id, country, region;
  std::vector<std::string> groups, ips, behaviors, assurance;
  std::optional<uint32_t> asn;
  int registered = -1, managed = -1;
  std::optional<int64_t> time;
};

// The context reduced to what the builder sets, one type.
SignOnContext Reduce(const SignOnContext& c) {
  SignOnContext r;
  r.id = c.id;
  r.policy_types = {PolicyType::kOktaSignOn};
  r.app_id = c.app_id;
  r.user.id = c.user.id;
  r.user.groups = c.user.groups;
  r.ip_chain = c.ip_chain;
  r.geo = c.geo;
  r.asn = c.asn;
  r.device.platform_type = c.device.platform_type;
  r.device.os_type = c.device.os_type;
  r.device.registered = c.device.registered;
  r.device.managed = c.device.managed;
  r.device.assurance = c.device.assurance;
  r.risk_level = c.risk_level;
  r.behaviors = c.behaviors;
  r.auth_type = c.auth_type;
  r.identity_provider_type = c.identity_provider_type;
  r.identity_provider_id = c.identity_provider_id;
  if (c.time.has_value()) r.time = absl::FromUnixSeconds(absl::ToUnixSeconds(*c.time));
  return r;
}

Request ToRequest(const SignOnContext& c) {
  Request r;
  r.id = c.id;
  r.app = c.app_id;
  r.user = c.user.id;
  r.groups = c.user.groups;
  for (const IpAddress& ip : c.ip_chain) r.ips.push_back(ip.ToString());
  if (c.geo.has_value()) {
    r.country = c.geo->country;
    r.region = c.geo->region;
  }
  r.asn = c.asn;
  r.platform = c.device.platform_type;
  r.os = c.device.os_type;
  const auto tri = [](const std::optional<bool>& b) { return b ? (*b ? 1 : 0) : -1; };
  r.registered = tri(c.device.registered);
  r.managed = tri(c.device.managed);
  r.assurance = c.device.assurance;
  if (c.risk_level.has_value()) r.risk = std::string(RiskLevelName(*c.risk_level));
  r.behaviors = c.behaviors;
  r.auth_type = c.auth_type;
  r.idp_type = c.identity_provider_type;
  r.idp_id = c.identity_provider_id;
  if (c.time.has_value()) r.time = absl::ToUnixSeconds(*c.time);
  return r;
}

struct Inputs {
  std::string dir;
  std::shared_ptr<const CompiledPolicySet> set;
  std::vector<SignOnContext> contexts;  // reduced
  std::vector<Request> requests;
  std::vector<std::string> json;
  std::vector<std::string> expected_rule;  // "" = no rule
  std::vector<std::string> expected_line;  // verdict_evaluate_json's answer
  verdict_engine* engine = nullptr;
  bool ok = false;
};

void BuildInputs(int rules, Inputs& in) {
  std::vector<SignOnContext> originals;
  if (rules == 0) {
    in.dir = (SourceDir() / "fixtures/org").string();
    std::ifstream file(SourceDir() / "fixtures/contexts.jsonl");
    for (std::string line; std::getline(file, line);) {
      absl::StatusOr<SignOnContext> c = ParseContext(line);
      if (c.ok() && !line.empty()) originals.push_back(*std::move(c));
    }
  } else {
    const Snapshot org = synth::GenerateOrg(synth::BenchOrgOptions(rules));
    in.dir = (fs::temp_directory_path() /
              ("verdict-capi-bench-" + std::to_string(rules) + "-" + std::to_string(::getpid())))
                 .string();
    if (!synth::WriteSnapshotDir(org, in.dir).ok()) return;
    originals = synth::GenerateContexts(org, 512, 7);
  }
  auto set = LoadAndCompile(in.dir, nullptr);
  if (!set.ok() || originals.empty()) return;
  in.set = *set;
  in.engine = verdict_engine_open(in.dir.c_str(), nullptr);
  if (rules != 0) fs::remove_all(in.dir);
  if (in.engine == nullptr) return;
  for (const SignOnContext& original : originals) {
    SignOnContext c = Reduce(original);
    const Decision d = in.set->Evaluate(c, PolicyType::kOktaSignOn);
    in.expected_rule.push_back(d.rule != nullptr ? d.rule->id : "");
    in.json.push_back(synth::ContextToJson(c));
    char* line = verdict_evaluate_json(in.engine, in.json.back().data(), in.json.back().size());
    in.expected_line.push_back(line);
    verdict_free(line);
    in.requests.push_back(ToRequest(c));
    in.contexts.push_back(std::move(c));
  }
  in.ok = true;
  return;
}

const Inputs& InputsFor(int rules) { return bench::CachedInputs<Inputs>(rules, BuildInputs); }

bool SameRule(const std::string& want, const char* got) {
  return got == nullptr ? want.empty() : want == got;
}

void BM_CApiCxxEvaluate(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  size_t i = 0;
  for (auto _ : state) {
    const Decision d = in.set->Evaluate(in.contexts[i], PolicyType::kOktaSignOn);
    if (!SameRule(in.expected_rule[i], d.rule != nullptr ? d.rule->id.c_str() : nullptr)) {
      state.SkipWithError("wrong rule");
    }
    benchmark::DoNotOptimize(d);
    i = (i + 1) % in.contexts.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiCxxEvaluate)->Arg(0)->Arg(10000);

// The C++ equivalent of the builder path: one reused SignOnContext refilled
// in place from the request's strings (strings assigned into their capacity,
// addresses parsed), then Evaluate. The like-for-like baseline of
// BM_CApiEvaluateBuilder.
void BM_CApiCxxFillAndEvaluate(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  SignOnContext c;
  c.policy_types = {PolicyType::kOktaSignOn};
  size_t i = 0;
  for (auto _ : state) {
    const Request& r = in.requests[i];
    c.id = r.id;
    c.app_id = r.app;
    c.user.id = r.user;
    c.user.groups.resize(r.groups.size());
    for (size_t g = 0; g < r.groups.size(); ++g) c.user.groups[g] = r.groups[g];
    c.ip_chain.clear();
    for (const std::string& ip : r.ips) {
      absl::StatusOr<IpAddress> address = IpAddress::Parse(ip);
      if (address.ok()) c.ip_chain.push_back(*address);
    }
    if (!r.country.empty() || !r.region.empty()) {
      ContextGeo& geo = c.geo.emplace();
      geo.country = r.country;
      geo.region = r.region;
    } else {
      c.geo.reset();
    }
    c.asn = r.asn;
    c.device.platform_type = r.platform;
    c.device.os_type = r.os;
    c.device.registered = r.registered < 0 ? std::nullopt : std::optional<bool>(r.registered == 1);
    c.device.managed = r.managed < 0 ? std::nullopt : std::optional<bool>(r.managed == 1);
    c.device.assurance.resize(r.assurance.size());
    for (size_t a = 0; a < r.assurance.size(); ++a) c.device.assurance[a] = r.assurance[a];
    c.risk_level = r.risk.empty() ? std::nullopt : ParseRiskLevel(r.risk);
    c.behaviors.resize(r.behaviors.size());
    for (size_t b = 0; b < r.behaviors.size(); ++b) c.behaviors[b] = r.behaviors[b];
    c.auth_type = r.auth_type;
    c.identity_provider_type = r.idp_type;
    c.identity_provider_id = r.idp_id;
    if (r.time.has_value()) {
      c.time = absl::FromUnixSeconds(*r.time);
    } else {
      c.time.reset();
    }
    const Decision d = in.set->Evaluate(c, PolicyType::kOktaSignOn);
    if (!SameRule(in.expected_rule[i], d.rule != nullptr ? d.rule->id.c_str() : nullptr)) {
      state.SkipWithError("wrong rule");
    }
    benchmark::DoNotOptimize(d);
    i = (i + 1) % in.requests.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiCxxFillAndEvaluate)->Arg(0)->Arg(10000);

void BM_CApiEvaluateBuilder(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  verdict_context* ctx = verdict_context_new();
  verdict_result* result = verdict_result_new();
  size_t i = 0;
  for (auto _ : state) {
    const Request& r = in.requests[i];
    // A gateway sets what the request has.
    verdict_context_reset(ctx);
    verdict_context_set_id(ctx, r.id.data(), r.id.size());
    if (!r.app.empty()) verdict_context_set_app(ctx, r.app.data(), r.app.size());
    if (!r.user.empty()) verdict_context_set_user_id(ctx, r.user.data(), r.user.size());
    for (const std::string& g : r.groups) verdict_context_add_group(ctx, g.data(), g.size());
    for (const std::string& ip : r.ips) verdict_context_add_ip(ctx, ip.data(), ip.size());
    if (!r.country.empty() || !r.region.empty()) {
      verdict_context_set_geo(ctx, r.country.data(), r.country.size(), r.region.data(),
                              r.region.size());
    }
    if (r.asn.has_value()) verdict_context_set_asn(ctx, *r.asn);
    if (!r.platform.empty() || !r.os.empty()) {
      verdict_context_set_device_platform(ctx, r.platform.data(), r.platform.size(), r.os.data(),
                                          r.os.size());
    }
    if (r.registered >= 0) verdict_context_set_device_registered(ctx, r.registered);
    if (r.managed >= 0) verdict_context_set_device_managed(ctx, r.managed);
    for (const std::string& a : r.assurance) {
      verdict_context_add_device_assurance(ctx, a.data(), a.size());
    }
    if (!r.risk.empty()) verdict_context_set_risk(ctx, r.risk.data(), r.risk.size());
    for (const std::string& b : r.behaviors) verdict_context_add_behavior(ctx, b.data(), b.size());
    if (r.auth_type != "ANY") {
      verdict_context_set_auth_type(ctx, r.auth_type.data(), r.auth_type.size());
    }
    if (r.idp_type != "OKTA" || !r.idp_id.empty()) {
      verdict_context_set_identity_provider(ctx, r.idp_type.data(), r.idp_type.size(),
                                            r.idp_id.data(), r.idp_id.size());
    }
    if (r.time.has_value()) verdict_context_set_time(ctx, *r.time);
    if (verdict_evaluate(in.engine, ctx, VERDICT_POLICY_OKTA_SIGN_ON, result) != VERDICT_OK ||
        !SameRule(in.expected_rule[i], verdict_result_rule_id(result, 0))) {
      state.SkipWithError("wrong rule");
    }
    benchmark::DoNotOptimize(verdict_result_outcome(result, 0));
    i = (i + 1) % in.requests.size();
  }
  verdict_result_free(result);
  verdict_context_free(ctx);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiEvaluateBuilder)->Arg(0)->Arg(10000);

void BM_CApiEvaluateJson(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& json = in.json[i];
    char* out = verdict_evaluate_json(in.engine, json.data(), json.size());
    if (out == nullptr || in.expected_line[i] != out) state.SkipWithError("wrong answer");
    bytes += json.size();
    verdict_free(out);
    i = (i + 1) % in.json.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_CApiEvaluateJson)->Arg(0)->Arg(10000);

// Where the JSON path's time goes: ParseContext alone, and the decision
// line alone (DecisionToJsonLine), on the same contexts.
void BM_CApiJsonParseOnly(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<SignOnContext> c = ParseContext(in.json[i]);
    if (!c.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(c);
    i = (i + 1) % in.json.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiJsonParseOnly)->Arg(0)->Arg(10000);

void BM_CApiJsonFormatOnly(benchmark::State& state) {
  const Inputs& in = InputsFor(static_cast<int>(state.range(0)));
  if (!in.ok) return state.SkipWithError("inputs unavailable");
  std::vector<Decision> decisions;
  for (const SignOnContext& c : in.contexts) {
    decisions.push_back(in.set->Evaluate(c, PolicyType::kOktaSignOn));
  }
  size_t i = 0;
  for (auto _ : state) {
    std::string line = DecisionToJsonLine(in.contexts[i].id, decisions[i]);
    benchmark::DoNotOptimize(line);
    i = (i + 1) % decisions.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CApiJsonFormatOnly)->Arg(0)->Arg(10000);

}  // namespace
}  // namespace verdict
