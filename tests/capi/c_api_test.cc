// The C API (include/verdict/c_api.h) against the C++ engine and the CLI:
// verdict_evaluate_json prints what `policy-sim eval --output jsonl` prints;
// the builder decides every fixture context it can express as the C++
// engine does, without allocating once warm; NULL handles and malformed
// values are errors, not crashes; reload keeps the old set on failure and
// never disturbs evaluating threads.
#include "verdict/c_api.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/alloc_counter.h"
#include "tests/support/subprocess.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/policy_type.h"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kSource = VERDICT_SOURCE_DIR;
const std::string kOrg = (kSource / "fixtures/org").string();
const std::string kOrgAfter = (kSource / "fixtures/org-after").string();

// Owns a string the API returned.
struct Freed {
  explicit Freed(char* p) : p(p) {}
  ~Freed() { verdict_free(p); }
  Freed(const Freed&) = delete;
  Freed& operator=(const Freed&) = delete;
  std::string str() const { return p == nullptr ? std::string("<NULL>") : std::string(p); }
  char* p;
};

struct EngineCloser {
  void operator()(verdict_engine* e) const { verdict_engine_close(e); }
};
using EnginePtr = std::unique_ptr<verdict_engine, EngineCloser>;
struct ContextFree {
  void operator()(verdict_context* c) const { verdict_context_free(c); }
};
using ContextPtr = std::unique_ptr<verdict_context, ContextFree>;
struct ResultFree {
  void operator()(verdict_result* r) const { verdict_result_free(r); }
};
using ResultPtr = std::unique_ptr<verdict_result, ResultFree>;

EnginePtr Open(const std::string& dir) {
  char* error = nullptr;
  EnginePtr engine(verdict_engine_open(dir.c_str(), &error));
  Freed owned(error);
  EXPECT_NE(engine, nullptr) << owned.str();
  EXPECT_EQ(error, nullptr);
  return engine;
}

std::vector<std::string> FixtureLines() {
  std::vector<std::string> out;
  std::ifstream in(kSource / "fixtures/contexts.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(line);
  }
  return out;
}

std::string EvaluateJson(verdict_engine* engine, std::string_view json) {
  return Freed(verdict_evaluate_json(engine, json.data(), json.size())).str();
}

TEST(CApiTest, VersionIsTheProjectVersion) {
  EXPECT_STREQ(verdict_version(), "0.1.0");
  EXPECT_EQ(verdict_version_number(),
            VERDICT_VERSION_MAJOR * 10000 + VERDICT_VERSION_MINOR * 100 + VERDICT_VERSION_PATCH);
}

TEST(CApiTest, NamesRoundTrip) {
  for (int t = 0; t < verdict::kPolicyTypeCount; ++t) {
    const char* name = verdict_policy_type_name(t);
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(verdict_policy_type_from_name(name, std::strlen(name)), t) << name;
  }
  EXPECT_EQ(verdict_policy_type_name(verdict::kPolicyTypeCount), nullptr);
  EXPECT_EQ(verdict_policy_type_name(-1), nullptr);
  EXPECT_EQ(verdict_policy_type_from_name("NOPE", 4), VERDICT_POLICY_UNKNOWN);
  EXPECT_EQ(verdict_policy_type_from_name(nullptr, 3), VERDICT_POLICY_UNKNOWN);
  // Not NUL-terminated: only `len` bytes count.
  EXPECT_EQ(verdict_policy_type_from_name("PASSWORDX", 8), VERDICT_POLICY_PASSWORD);
  EXPECT_STREQ(verdict_outcome_name(VERDICT_OUTCOME_ALLOW), "ALLOW");
  EXPECT_STREQ(verdict_outcome_name(VERDICT_OUTCOME_CHALLENGE), "CHALLENGE");
  EXPECT_STREQ(verdict_outcome_name(VERDICT_OUTCOME_NONE), "");
  EXPECT_EQ(verdict_outcome_name(7), nullptr);
}

TEST(CApiTest, OpenFailuresNameTheProblem) {
  char* error = nullptr;
  EXPECT_EQ(verdict_engine_open("/nonexistent/snapshot", &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_THAT(std::string(error), HasSubstr("/nonexistent/snapshot"));
  verdict_free(error);

  error = nullptr;
  EXPECT_EQ(verdict_engine_open(nullptr, &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_THAT(std::string(error), HasSubstr("NULL"));
  verdict_free(error);

  // A snapshot whose policy file is malformed: the message names the file
  // and the JSON pointer.
  verdict_test::TempDir dir;
  std::filesystem::copy(kOrg, dir.path() / "org", std::filesystem::copy_options::recursive);
  verdict_test::WriteFile(dir.path() / "org/zones.json", "[{\"id\": 5}]");
  error = nullptr;
  EXPECT_EQ(verdict_engine_open((dir.path() / "org").c_str(), &error), nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_THAT(std::string(error), HasSubstr("zones.json"));
  EXPECT_THAT(std::string(error), HasSubstr("/0/id"));
  verdict_free(error);

  // `error` may be NULL.
  EXPECT_EQ(verdict_engine_open("/nonexistent/snapshot", nullptr), nullptr);
}

// The JSON path prints exactly what the CLI prints for the fixture contexts.
TEST(CApiTest, EvaluateJsonPrintsWhatPolicySimEvalPrints) {
  verdict_test::TempDir scratch;
  const verdict_test::RunResult cli = verdict_test::RunPolicySim(
      {"eval", "--snapshot", kOrg, "--contexts", (kSource / "fixtures/contexts.jsonl").string(),
       "--output", "jsonl"},
      scratch.path());
  ASSERT_EQ(cli.exit_code, 0) << verdict_test::Describe(cli);

  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  std::string api;
  for (const std::string& line : FixtureLines()) api += EvaluateJson(engine.get(), line);
  EXPECT_EQ(api, cli.out);
  // The snapshot's warnings are those the CLI prints on stderr.
  std::string want_warnings;
  for (const std::string& line : verdict_test::Lines(cli.err)) {
    if (line.rfind("warning: ", 0) == 0) want_warnings += line.substr(9) + "\n";
  }
  EXPECT_FALSE(want_warnings.empty()) << "the fixture org has warnings (a priority tie)";
  EXPECT_EQ(Freed(verdict_engine_warnings(engine.get())).str(), want_warnings);
  EXPECT_EQ(verdict_engine_warnings(nullptr), nullptr);
  // The fixtures include combined Identity Engine lines; both paths print them.
  EXPECT_THAT(api, HasSubstr("\"combined\": "));
}

TEST(CApiTest, MalformedContextIsAnErrorObjectNamingThePointer) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  struct Case {
    std::string json;
    std::string want;
  };
  const Case cases[] = {
      {R"({"ipChain": ["203.0.113.7", "not-an-ip"]})", "/ipChain/1"},
      {R"({"user": {"groups": "00g1"}})", "/user/groups"},
      {R"({"risk": {"level": "EXTREME"}})", "/risk/level"},
      {R"({"policyTypes": ["NOPE"]})", "/policyTypes/0"},
      {"{\"id\": ", "byte 8"},
      {"[1, 2]", "object"},
  };
  for (const Case& c : cases) {
    const std::string out = EvaluateJson(engine.get(), c.json);
    EXPECT_THAT(out, StartsWith("{\"error\": \"")) << c.json;
    EXPECT_THAT(out, HasSubstr(c.want)) << c.json;
    EXPECT_EQ(out.back(), '\n');
    EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line";
  }
  // Only `len` bytes are read: the same text with a trailing garbage tail.
  const std::string padded = R"({"id": "x"}GARBAGE)";
  EXPECT_THAT(EvaluateJson(engine.get(), std::string_view(padded.data(), 11)),
              StartsWith("{\"id\": \"x\""));
}

TEST(CApiTest, NullHandlesAndStringsAreErrors) {
  EXPECT_EQ(EvaluateJson(nullptr, "{}"), "{\"error\": \"engine is NULL\"}\n");
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(Freed(verdict_evaluate_json(engine.get(), nullptr, 3)).str(),
            "{\"error\": \"context_json is NULL\"}\n");

  char* error = nullptr;
  EXPECT_EQ(verdict_engine_reload(nullptr, kOrg.c_str(), &error), VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(Freed(error).str(), "engine is NULL");
  error = nullptr;
  EXPECT_EQ(verdict_engine_reload(engine.get(), nullptr, &error), VERDICT_ERR_ARGUMENT);
  verdict_free(error);

  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  EXPECT_EQ(verdict_evaluate(nullptr, ctx.get(), VERDICT_POLICY_ALL, result.get()),
            VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_evaluate(engine.get(), nullptr, VERDICT_POLICY_ALL, result.get()),
            VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_ALL, nullptr),
            VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_evaluate(engine.get(), ctx.get(), 99, result.get()), VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_result_count(result.get()), 0u);

  EXPECT_EQ(verdict_context_set_user_id(nullptr, "u", 1), VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_context_set_user_id(ctx.get(), nullptr, 3), VERDICT_ERR_ARGUMENT);
  EXPECT_THAT(verdict_context_errmsg(ctx.get()), HasSubstr("/user/id"));
  EXPECT_EQ(verdict_context_add_ip(ctx.get(), nullptr, 0), VERDICT_ERR_ARGUMENT);
  EXPECT_STREQ(verdict_context_errmsg(nullptr), "context is NULL");
  // NULL with length 0 is the empty string.
  EXPECT_EQ(verdict_context_set_app(ctx.get(), nullptr, 0), VERDICT_OK);

  EXPECT_EQ(verdict_result_count(nullptr), 0u);
  EXPECT_EQ(verdict_result_outcome(nullptr, 0), -1);
  EXPECT_EQ(verdict_result_policy_type(result.get(), 0), -1);
  EXPECT_EQ(verdict_result_policy_id(nullptr, 0), nullptr);
  EXPECT_EQ(verdict_result_actions_json(result.get(), 3), nullptr);
  EXPECT_EQ(verdict_result_json(nullptr, 0), nullptr);
  verdict_free(nullptr);
  verdict_engine_close(nullptr);
  verdict_context_free(nullptr);
  verdict_result_free(nullptr);
}

TEST(CApiTest, MalformedBuilderValuesNameTheirPointer) {
  ContextPtr ctx(verdict_context_new());
  ASSERT_EQ(verdict_context_add_ip(ctx.get(), "203.0.113.7", 11), VERDICT_OK);
  EXPECT_EQ(verdict_context_add_ip(ctx.get(), "203.0.113", 9), VERDICT_ERR_CONTEXT);
  EXPECT_THAT(verdict_context_errmsg(ctx.get()), StartsWith("/ipChain/1: "));
  // All or nothing: the list's second entry is bad, so none is appended.
  const std::string list = "198.51.100.2, bad, 192.0.2.1";
  EXPECT_EQ(verdict_context_add_ip_list(ctx.get(), list.data(), list.size()), VERDICT_ERR_CONTEXT);
  EXPECT_THAT(verdict_context_errmsg(ctx.get()), StartsWith("/ipChain/2: "));
  EXPECT_EQ(verdict_context_set_risk(ctx.get(), "SEVERE", 6), VERDICT_ERR_CONTEXT);
  EXPECT_THAT(verdict_context_errmsg(ctx.get()), StartsWith("/risk/level: "));
  EXPECT_EQ(verdict_context_set_proxy_type(ctx.get(), "VPN", 3), VERDICT_ERR_CONTEXT);
  EXPECT_THAT(verdict_context_errmsg(ctx.get()), StartsWith("/proxyType: "));
  EXPECT_EQ(verdict_context_set_device_managed(ctx.get(), 2), VERDICT_ERR_ARGUMENT);
  EXPECT_EQ(verdict_context_add_policy_type(ctx.get(), 42), VERDICT_ERR_ARGUMENT);
  // A good call clears the message.
  EXPECT_EQ(verdict_context_set_risk(ctx.get(), "high", 4), VERDICT_OK);
  EXPECT_STREQ(verdict_context_errmsg(ctx.get()), "");
}

// Fills the builder from a parsed context. False when the context uses a
// field the builder does not offer (then the case is not comparable).
bool Fill(const verdict::SignOnContext& c, verdict_context* ctx) {
  if (!c.ip_service_categories.empty() || c.entity_risk.has_value() ||
      c.device.remembered.has_value() || c.device.rooted.has_value() ||
      !c.device.trust_level.empty() || !c.client_id.empty() || !c.grant_type.empty() ||
      !c.scopes.empty() || !c.login_identifier.empty() || c.session.created_at.has_value() ||
      c.session.last_activity.has_value() || c.session.last_factor_verification.has_value() ||
      !c.session.amr.empty() || c.user.provider != "OKTA" || !c.user.provider_id.empty() ||
      (c.time.has_value() && absl::ToUnixNanos(*c.time) % 1000000000 != 0)) {
    return false;
  }
  // Only what the context has, as a gateway would: whatever an earlier
  // context set must be gone after the reset.
  const auto set = [](int status) { EXPECT_EQ(status, VERDICT_OK); };
  const auto str = [&](auto setter, const std::string& v) {
    if (!v.empty()) set(setter(ctx, v.data(), v.size()));
  };
  set(verdict_context_reset(ctx));
  str(verdict_context_set_id, c.id);
  for (verdict::PolicyType t : c.policy_types) {
    set(verdict_context_add_policy_type(ctx, static_cast<int>(t)));
  }
  str(verdict_context_set_app, c.app_id);
  str(verdict_context_set_user_id, c.user.id);
  str(verdict_context_set_user_login, c.user.login);
  str(verdict_context_set_user_status, c.user.status);
  str(verdict_context_set_user_type, c.user.type);
  for (const std::string& g : c.user.groups)
    set(verdict_context_add_group(ctx, g.data(), g.size()));
  for (const auto& [key, value] : c.user.profile) {
    if (value.type == verdict::ProfileValue::Type::kString) {
      set(verdict_context_set_user_profile(ctx, key.data(), key.size(), value.text.data(),
                                           value.text.size()));
    } else {
      set(verdict_context_set_user_profile_json(ctx, key.data(), key.size(), value.text.data(),
                                                value.text.size()));
    }
  }
  for (const verdict::IpAddress& ip : c.ip_chain) {
    const std::string text = ip.ToString();
    set(verdict_context_add_ip(ctx, text.data(), text.size()));
  }
  if (c.geo.has_value()) {
    set(verdict_context_set_geo(ctx, c.geo->country.data(), c.geo->country.size(),
                                c.geo->region.data(), c.geo->region.size()));
  }
  if (c.asn.has_value()) set(verdict_context_set_asn(ctx, *c.asn));
  if (c.proxy_type.has_value()) {
    const std::string_view name =
        *c.proxy_type == verdict::ProxyType::kNone ? "" : verdict::ProxyTypeName(*c.proxy_type);
    set(verdict_context_set_proxy_type(ctx, name.data(), name.size()));
  }
  if (!c.device.platform_type.empty() || !c.device.os_type.empty()) {
    set(verdict_context_set_device_platform(ctx, c.device.platform_type.data(),
                                            c.device.platform_type.size(), c.device.os_type.data(),
                                            c.device.os_type.size()));
  }
  if (c.device.registered.has_value()) {
    set(verdict_context_set_device_registered(ctx, *c.device.registered ? 1 : 0));
  }
  if (c.device.managed.has_value()) {
    set(verdict_context_set_device_managed(ctx, *c.device.managed ? 1 : 0));
  }
  for (const std::string& a : c.device.assurance) {
    set(verdict_context_add_device_assurance(ctx, a.data(), a.size()));
  }
  if (c.risk_level.has_value()) {
    const std::string_view level = verdict::RiskLevelName(*c.risk_level);
    set(verdict_context_set_risk(ctx, level.data(), level.size()));
  }
  for (const std::string& b : c.behaviors)
    set(verdict_context_add_behavior(ctx, b.data(), b.size()));
  if (c.auth_type != "ANY") str(verdict_context_set_auth_type, c.auth_type);
  if (c.identity_provider_type != "OKTA" || !c.identity_provider_id.empty()) {
    set(verdict_context_set_identity_provider(
        ctx, c.identity_provider_type.data(), c.identity_provider_type.size(),
        c.identity_provider_id.data(), c.identity_provider_id.size()));
  }
  if (c.time.has_value()) set(verdict_context_set_time(ctx, absl::ToUnixSeconds(*c.time)));
  return true;
}

// The builder decides each fixture context it can express as the C++ engine
// does, type by type, and its accessors agree with the Decision.
TEST(CApiTest, BuilderDecidesFixtureContextsAsTheEngine) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  auto set = verdict::LoadAndCompile(kOrg, nullptr);
  ASSERT_TRUE(set.ok()) << set.status();
  const std::vector<verdict::PolicyType> snapshot_types = (*set)->snapshot().Types();

  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  int compared = 0;
  int skipped = 0;
  int combined_compared = 0;
  for (const std::string& line : FixtureLines()) {
    absl::StatusOr<verdict::SignOnContext> c = verdict::ParseContext(line);
    ASSERT_TRUE(c.ok()) << line;
    if (!Fill(*c, ctx.get())) {
      ++skipped;
      continue;
    }
    ASSERT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_ALL, result.get()),
              VERDICT_OK);
    const std::vector<verdict::PolicyType>& types =
        c->policy_types.empty() ? snapshot_types : c->policy_types;
    ASSERT_EQ(verdict_result_count(result.get()), types.size()) << line;
    for (size_t i = 0; i < types.size(); ++i) {
      const verdict::Decision want = (*set)->Evaluate(*c, types[i]);
      const std::string want_line = verdict::DecisionToJsonLine(c->id, want);
      EXPECT_EQ(Freed(verdict_result_json(result.get(), i)).str(), want_line) << line;
      EXPECT_EQ(verdict_result_policy_type(result.get(), i), static_cast<int>(types[i]));
      EXPECT_EQ(verdict_result_outcome(result.get(), i), static_cast<int>(want.outcome));
      EXPECT_EQ(verdict_result_blocked(result.get(), i), want.blocked ? 1 : 0);
      EXPECT_EQ(verdict_result_require_factor(result.get(), i), want.require_factor() ? 1 : 0);
      const char* policy_id = verdict_result_policy_id(result.get(), i);
      EXPECT_EQ(policy_id == nullptr ? "" : std::string(policy_id),
                want.policy == nullptr ? "" : want.policy->id);
      const char* rule_name = verdict_result_rule_name(result.get(), i);
      EXPECT_EQ(rule_name == nullptr ? "" : std::string(rule_name),
                want.rule == nullptr ? "" : want.rule->name);
      const char* actions = verdict_result_actions_json(result.get(), i);
      if (want.rule == nullptr) {
        EXPECT_EQ(actions, nullptr);
      } else {
        ASSERT_NE(actions, nullptr);
        EXPECT_THAT(want_line, HasSubstr(std::string("\"actions\": ") + actions));
      }
      const char* zone = verdict_result_blocking_zone_id(result.get(), i);
      EXPECT_EQ(zone == nullptr ? "" : std::string(zone),
                want.blocked && want.blocking_zone != nullptr ? want.blocking_zone->id : "");
    }
    // The combined outcome is the one the JSON path (the CLI) prints.
    const int combined = verdict_result_combined_outcome(result.get());
    const nlohmann::json* printed = nullptr;
    nlohmann::json lines = nlohmann::json::array();
    for (const std::string& l : verdict_test::Lines(EvaluateJson(engine.get(), line))) {
      lines.push_back(nlohmann::json::parse(l));
    }
    for (const nlohmann::json& l : lines) {
      if (l.contains("combined")) printed = &l["combined"]["outcome"];
    }
    // Both types evaluated for a context with an app, exactly when the JSON
    // path prints "combined".
    if (printed == nullptr) {
      EXPECT_EQ(combined, -1) << line;
    } else {
      const char* name = verdict_outcome_name(combined);
      EXPECT_EQ(name == nullptr ? std::string("<none>") : std::string(name),
                printed->is_null() ? std::string() : printed->get<std::string>())
          << line;
      ++combined_compared;
    }
    ++compared;
  }
  // Most fixture contexts are expressible; the rest use session, OAuth or
  // ITP fields the builder leaves to the JSON path.
  EXPECT_GT(compared, 200) << "skipped " << skipped;
  EXPECT_GT(combined_compared, 0);
}

TEST(CApiTest, BuilderEvaluatesOneTypeAndHeaderChains) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  const std::string json = R"({"id": "xff", "user": {"id": "00u1", "groups": ["00g1"]}, )"
                           R"("ipChain": ["203.0.113.7", "198.51.100.2"], "app": {"id": "0oa1"}})";
  ASSERT_EQ(verdict_context_set_id(ctx.get(), "xff", 3), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_id(ctx.get(), "00u1", 4), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_group(ctx.get(), "00g1", 4), VERDICT_OK);
  const std::string xff = " 203.0.113.7 ,,\t198.51.100.2 ";
  ASSERT_EQ(verdict_context_add_ip_list(ctx.get(), xff.data(), xff.size()), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_app(ctx.get(), "0oa1", 4), VERDICT_OK);
  ASSERT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_OKTA_SIGN_ON, result.get()),
            VERDICT_OK);
  ASSERT_EQ(verdict_result_count(result.get()), 1u);
  const std::string first_line = EvaluateJson(engine.get(), json);
  // The JSON path's OKTA_SIGN_ON line is the builder's.
  EXPECT_EQ(Freed(verdict_result_json(result.get(), 0)).str() + "\n",
            first_line.substr(0, first_line.find('\n') + 1));
}

// A reset context decides as {} does, whatever was set before.
TEST(CApiTest, ResetForgetsEveryField) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  const auto decisions = [&] {
    EXPECT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_ALL, result.get()),
              VERDICT_OK);
    std::string out;
    for (size_t i = 0; i < verdict_result_count(result.get()); ++i) {
      out += Freed(verdict_result_json(result.get(), i)).str() + "\n";
    }
    return out;
  };
  const std::string empty = decisions();
  EXPECT_EQ(empty, EvaluateJson(engine.get(), "{}"));
  // Every setter, with values that change decisions in the fixture org
  // (a blocklisted address, quarantine group, HIGH risk, ...).
  const std::string xff = "203.0.113.235, 192.0.2.10";
  ASSERT_EQ(verdict_context_set_id(ctx.get(), "x", 1), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_policy_type(ctx.get(), VERDICT_POLICY_PASSWORD), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_app(ctx.get(), "0oa1", 4), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_id(ctx.get(), "00uKim000000000000g7", 20), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_login(ctx.get(), "kim@acme.example", 16), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_status(ctx.get(), "suspended", 9), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_type(ctx.get(), "oty1", 4), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_group(ctx.get(), "00gQuarantine00000g7", 20), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_user_profile(ctx.get(), "department", 10, "Sales", 5), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_ip_list(ctx.get(), xff.data(), xff.size()), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_geo(ctx.get(), "AU", 2, "NSW", 3), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_asn(ctx.get(), 64496), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_proxy_type(ctx.get(), "TOR", 3), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_device_platform(ctx.get(), "MOBILE", 6, "IOS", 3), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_device_registered(ctx.get(), 1), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_device_managed(ctx.get(), 0), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_device_assurance(ctx.get(), "dae1", 4), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_risk(ctx.get(), "HIGH", 4), VERDICT_OK);
  ASSERT_EQ(verdict_context_add_behavior(ctx.get(), "New IP", 6), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_auth_type(ctx.get(), "RADIUS", 6), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_identity_provider(ctx.get(), "IDP", 3, "0oaIdp", 6), VERDICT_OK);
  ASSERT_EQ(verdict_context_set_time(ctx.get(), 1795953600), VERDICT_OK);
  ASSERT_NE(decisions(), empty);
  ASSERT_EQ(verdict_context_reset(ctx.get()), VERDICT_OK);
  EXPECT_EQ(decisions(), empty);
}

// After a warm-up, reset + fill + evaluate + accessors allocate nothing.
TEST(CApiTest, BuilderPathDoesNotAllocateOnceWarm) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  std::vector<verdict::SignOnContext> contexts;
  for (const std::string& line : FixtureLines()) {
    absl::StatusOr<verdict::SignOnContext> c = verdict::ParseContext(line);
    ASSERT_TRUE(c.ok());
    // Profile attributes are the documented exception (a map).
    if (c->user.profile.empty()) contexts.push_back(*std::move(c));
  }
  ASSERT_GT(contexts.size(), 100u);
  // The request path of a gateway: the strings are the request's own.
  struct Request {
    std::string id, user, app, xff, risk;
    std::vector<std::string> groups;
  };
  std::vector<Request> requests;
  for (const verdict::SignOnContext& c : contexts) {
    Request r{c.id, c.user.id, c.app_id, "", "", c.user.groups};
    for (const verdict::IpAddress& ip : c.ip_chain) {
      r.xff += (r.xff.empty() ? "" : ", ") + ip.ToString();
    }
    if (c.risk_level.has_value()) r.risk = std::string(verdict::RiskLevelName(*c.risk_level));
    requests.push_back(std::move(r));
  }
  size_t checksum = 0;
  const auto serve = [&](const Request& r) {
    verdict_context_reset(ctx.get());
    verdict_context_set_id(ctx.get(), r.id.data(), r.id.size());
    verdict_context_set_user_id(ctx.get(), r.user.data(), r.user.size());
    for (const std::string& g : r.groups) verdict_context_add_group(ctx.get(), g.data(), g.size());
    verdict_context_add_ip_list(ctx.get(), r.xff.data(), r.xff.size());
    verdict_context_set_app(ctx.get(), r.app.data(), r.app.size());
    verdict_context_set_risk(ctx.get(), r.risk.data(), r.risk.size());
    verdict_context_add_behavior(ctx.get(), "New IP", 6);
    verdict_context_set_device_platform(ctx.get(), "desktop", 7, "macos", 5);
    verdict_context_set_time(ctx.get(), 1795953600);
    EXPECT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_ALL, result.get()),
              VERDICT_OK);
    for (size_t i = 0; i < verdict_result_count(result.get()); ++i) {
      checksum += static_cast<size_t>(verdict_result_outcome(result.get(), i));
      const char* rule = verdict_result_rule_id(result.get(), i);
      checksum += rule == nullptr ? 0 : std::strlen(rule);
      const char* actions = verdict_result_actions_json(result.get(), i);
      checksum += actions == nullptr ? 0 : std::strlen(actions);
    }
  };
  for (int round = 0; round < 2; ++round) {
    for (const Request& r : requests) serve(r);
  }
  const uint64_t before = verdict::testing::AllocationCount();
  for (const Request& r : requests) serve(r);
  EXPECT_EQ(verdict::testing::AllocationCount() - before, 0u);
  EXPECT_GT(checksum, 0u);
}

TEST(CApiTest, FailedReloadKeepsServingAndGoodReloadSwaps) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  std::string all;
  for (const std::string& line : FixtureLines()) all += EvaluateJson(engine.get(), line);

  char* error = nullptr;
  EXPECT_EQ(verdict_engine_reload(engine.get(), "/nonexistent/snapshot", &error),
            VERDICT_ERR_SNAPSHOT);
  EXPECT_THAT(Freed(error).str(), HasSubstr("/nonexistent/snapshot"));
  std::string after_failure;
  for (const std::string& line : FixtureLines()) after_failure += EvaluateJson(engine.get(), line);
  EXPECT_EQ(after_failure, all);

  ASSERT_EQ(verdict_engine_reload(engine.get(), kOrgAfter.c_str(), nullptr), VERDICT_OK);
  std::string swapped;
  for (const std::string& line : FixtureLines()) swapped += EvaluateJson(engine.get(), line);
  EXPECT_NE(swapped, all) << "fixtures/org-after changes decisions";
  EnginePtr after = Open(kOrgAfter);
  std::string want_after;
  for (const std::string& line : FixtureLines()) want_after += EvaluateJson(after.get(), line);
  EXPECT_EQ(swapped, want_after);
}

// A result keeps its snapshot alive: its strings stay valid after a reload
// and after the engine is closed.
TEST(CApiTest, ResultOutlivesReloadAndClose) {
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  ContextPtr ctx(verdict_context_new());
  ResultPtr result(verdict_result_new());
  ASSERT_EQ(verdict_evaluate(engine.get(), ctx.get(), VERDICT_POLICY_ALL, result.get()),
            VERDICT_OK);
  ASSERT_GT(verdict_result_count(result.get()), 0u);
  const std::string before = Freed(verdict_result_json(result.get(), 0)).str();
  ASSERT_EQ(verdict_engine_reload(engine.get(), kOrgAfter.c_str(), nullptr), VERDICT_OK);
  engine.reset();
  EXPECT_EQ(Freed(verdict_result_json(result.get(), 0)).str(), before);
}

// Two threads evaluate while a third reloads between two snapshots (and
// fails every other time): every answer is one of the two snapshots' answers
// for that context, never an error.
TEST(CApiTest, EvaluatorsNeverSeeAReloadHalfDone) {
  const std::vector<std::string> lines = FixtureLines();
  EnginePtr before_engine = Open(kOrg);
  EnginePtr after_engine = Open(kOrgAfter);
  std::vector<std::string> want_before, want_after;
  for (const std::string& line : lines) {
    want_before.push_back(EvaluateJson(before_engine.get(), line));
    want_after.push_back(EvaluateJson(after_engine.get(), line));
  }
  EnginePtr engine = Open(kOrg);
  ASSERT_NE(engine, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::atomic<int> evaluated{0};
  const auto evaluate = [&](size_t offset) {
    // At least one full pass each, whatever the reloads' pace.
    for (size_t n = 0, i = offset; !stop.load() || n < lines.size();
         ++n, i = (i + 1) % lines.size()) {
      const std::string out = EvaluateJson(engine.get(), lines[i]);
      if (out != want_before[i] && out != want_after[i]) ++wrong;
      ++evaluated;
    }
  };
  std::thread a(evaluate, 0), b(evaluate, lines.size() / 2);
  int reloads = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string& dir = i % 3 == 2 ? std::string("/nonexistent") : (i % 2 ? kOrg : kOrgAfter);
    const int status = verdict_engine_reload(engine.get(), dir.c_str(), nullptr);
    EXPECT_EQ(status, dir == "/nonexistent" ? VERDICT_ERR_SNAPSHOT : VERDICT_OK);
    ++reloads;
  }
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(evaluated.load(), 0);
  EXPECT_EQ(reloads, 12);
}

}  // namespace
