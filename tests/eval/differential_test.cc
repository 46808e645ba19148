// The compiled engine against the reference evaluator (issue 3): random orgs
// of varied sizes and seeds × random contexts, every policy type, and the
// zero-allocation guarantee of Evaluate.
#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/model_builder.h"
#include "tests/support/test_orgs.h"
#include "verdict/engine.h"
#include "verdict/enrollment.h"
#include "verdict/reference_evaluator.h"
#include "verdict/session.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// ≥ 200k comparisons in a normal build; a tenth under the sanitizers.
constexpr int64_t kComparisons = kSanitized ? 20000 : 210000;

void ExpectNoMismatch(const synth::DiffReport& report) {
  for (const synth::Mismatch& m : report.mismatches) {
    ADD_FAILURE() << "compiled != reference; reproducer:\n" << m.ToText();
  }
}

TEST(Differential, CompiledEqualsReferenceOnRandomOrgs) {
  const synth::DiffReport report = synth::RunDifferential(kComparisons, /*seed=*/1, 3);
  ExpectNoMismatch(report);
  EXPECT_GE(report.comparisons, kComparisons);
  // The generator must exercise both sides: blocked contexts and decisions.
  EXPECT_GT(report.blocked, 0);
  EXPECT_GT(report.decided, report.comparisons / 10);
  // ... and the satisfiability and enrollment reports printed beside them.
  EXPECT_GT(report.enrollment_reports, 0);
  std::cout << "orgs " << report.orgs << ", comparisons " << report.comparisons << ", blocked "
            << report.blocked << ", decided " << report.decided << "\n";
}

TEST(Differential, OtherSeeds) {
  for (uint64_t seed : {2, 3, 4}) {
    const synth::DiffReport report = synth::RunDifferential(kComparisons / 10, seed, 1);
    ExpectNoMismatch(report);
  }
}

TEST(Differential, RareConditionsOnly) {
  synth::OrgOptions o;
  o.policies = 30;
  o.rules_per_policy = 4;
  o.rare_condition_percent = 100;
  o.seed = 99;
  const Snapshot org = synth::GenerateOrg(o);
  auto set = Compile(org);
  ASSERT_TRUE(set.ok()) << set.status();
  const ReferenceEvaluator reference((*set)->snapshot());
  for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 2000, 5)) {
    for (PolicyType t : {PolicyType::kOktaSignOn, PolicyType::kPassword, PolicyType::kMfaEnroll,
                         PolicyType::kAccessPolicy}) {
      ASSERT_EQ((*set)->Evaluate(ctx, t), reference.Evaluate(ctx, t)) << synth::ContextToJson(ctx);
    }
  }
}

// The generator binds apps through `_links.accessPolicy` too, so the engines
// are compared on ACCESS_POLICY decisions that only an app link reaches.
TEST(Differential, AppsBoundOnlyByTheirLinkAreCompared) {
  int64_t by_link = 0;
  for (int64_t index = 0; index < 20; ++index) {
    auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(5, index)));
    ASSERT_TRUE(set.ok()) << set.status();
    const ReferenceEvaluator reference((*set)->snapshot());
    for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 500, index)) {
      const Decision want = reference.Evaluate(ctx, PolicyType::kAccessPolicy);
      ASSERT_EQ((*set)->Evaluate(ctx, PolicyType::kAccessPolicy), want)
          << synth::ContextToJson(ctx);
      if (want.policy == nullptr) continue;
      const std::vector<std::string>& linked = want.policy->linked_app_ids;
      by_link += std::find(linked.begin(), linked.end(), ctx.app_id) != linked.end();
    }
  }
  EXPECT_GT(by_link, 0);
  std::cout << "ACCESS_POLICY decisions through an app link: " << by_link << "\n";
}

// `org` written as a snapshot directory (named `name`, under the test's
// temporary directory) and loaded back; the directory is removed.
absl::StatusOr<Snapshot> WriteAndLoad(const Snapshot& org, const std::string& name,
                                      IssueList* issues) {
  const std::string dir = (std::filesystem::path(::testing::TempDir()) / name).string();
  std::filesystem::remove_all(dir);
  if (absl::Status s = synth::WriteSnapshotDir(org, dir); !s.ok()) return s;
  absl::StatusOr<Snapshot> loaded = LoadSnapshot(dir, issues);
  std::filesystem::remove_all(dir);
  return loaded;
}

// Written as a snapshot directory and loaded back, the generated apps bind the
// same policies: the loader's precedence (a mapping wins over a contradicting
// link, reported) is the one the generator's model follows.
TEST(Differential, GeneratedAppLinksRoundTripThroughTheLoader) {
  int conflicts = 0;
  int linked = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    synth::OrgOptions o;
    o.seed = seed;
    o.policies = 40;
    const Snapshot org = synth::GenerateOrg(o);
    IssueList issues;
    absl::StatusOr<Snapshot> loaded =
        WriteAndLoad(org, "app_links_" + std::to_string(seed), &issues);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    ASSERT_EQ(loaded->apps.size(), org.apps.size());
    for (const Policy& p : org.policies) {
      const Policy* back = loaded->FindPolicy(p.id);
      ASSERT_NE(back, nullptr) << p.id;
      EXPECT_EQ(back->linked_app_ids, p.linked_app_ids) << p.id;
      linked += static_cast<int>(p.linked_app_ids.size());
    }
    for (const Issue& issue : issues) {
      EXPECT_FALSE(issue.is_error()) << issue.ToString();
      conflicts += issue.code == "app.policy_conflict";
    }
  }
  EXPECT_GT(linked, 0);
  EXPECT_GT(conflicts, 0);
}

// Issue 18 item 10: generated verificationMethods (ASSURANCE constraints,
// AUTH_METHOD_CHAIN), MFA_ENROLL settings and factors.json, written as a
// snapshot and loaded back, give the same satisfiability and enrollment
// reports; both answers (satisfiable or not, something missing or not) occur.
TEST(Differential, EnrollmentReportsRoundTripThroughTheLoader) {
  int satisfiable = 0, unsatisfiable = 0, enrollment = 0, chains = 0;
  for (int64_t index = 0; index < 12; ++index) {
    const Snapshot org = synth::GenerateOrg(synth::DifferentialOrgOptions(9, index));
    auto set = Compile(org);
    ASSERT_TRUE(set.ok()) << set.status();
    IssueList issues;
    absl::StatusOr<Snapshot> loaded =
        WriteAndLoad(org, "enrollment_" + std::to_string(index), &issues);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->user_factors, org.user_factors);
    auto loaded_set = Compile(*std::move(loaded));
    ASSERT_TRUE(loaded_set.ok()) << loaded_set.status();
    for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 200, index)) {
      for (const PolicyType type : {PolicyType::kAccessPolicy, PolicyType::kMfaEnroll}) {
        const Decision want = (*set)->Evaluate(ctx, type);
        const Decision back = (*loaded_set)->Evaluate(ctx, type);
        std::string want_keys, back_keys;
        AppendEnrollmentKeys((*set)->snapshot(), ctx, want, &want_keys);
        AppendEnrollmentKeys((*loaded_set)->snapshot(), ctx, back, &back_keys);
        EXPECT_EQ(back_keys, want_keys) << synth::ContextToJson(ctx);
        satisfiable += want_keys.find("\"satisfiable\": true") != std::string::npos;
        unsatisfiable += want_keys.find("\"satisfiable\": false") != std::string::npos;
        enrollment += want_keys.find("missingRequired") != std::string::npos;
        chains += want.rule != nullptr && want.rule->app_sign_on &&
                  !want.rule->app_sign_on->chains.empty() && !want_keys.empty();
      }
    }
  }
  EXPECT_GT(satisfiable, 0);
  EXPECT_GT(unsatisfiable, 0);
  EXPECT_GT(enrollment, 0);
  EXPECT_GT(chains, 0);
}

// The generator gives every org an idps.json and IDP_DISCOVERY rules that route
// dynamically (by name, id or type, INACTIVE IdPs included) or, with a
// userIdentifier condition, to Okta alone: the engines are compared on each
// kind of route, and a written snapshot loads back to the same routes.
TEST(Differential, IdpRoutingIsCompared) {
  int64_t to_idp = 0, to_nowhere = 0, okta_only = 0;
  for (int64_t index = 0; index < 30; ++index) {
    const Snapshot org = synth::GenerateOrg(synth::DifferentialOrgOptions(6, index));
    ASSERT_TRUE(org.has_idps_file);
    auto set = Compile(org);
    ASSERT_TRUE(set.ok()) << set.status();
    absl::StatusOr<Snapshot> loaded =
        WriteAndLoad(org, "idp_routes_" + std::to_string(index), nullptr);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto loaded_set = Compile(*std::move(loaded));
    ASSERT_TRUE(loaded_set.ok()) << loaded_set.status();
    const ReferenceEvaluator reference((*set)->snapshot());
    auto route_of = [](const Decision& d) {
      return d.idp_provider == nullptr ? std::string("-")
                                       : d.idp_provider->type + "/" + d.idp_provider->id;
    };
    for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 300, index)) {
      const Decision want = reference.Evaluate(ctx, PolicyType::kIdpDiscovery);
      ASSERT_EQ((*set)->Evaluate(ctx, PolicyType::kIdpDiscovery), want)
          << synth::ContextToJson(ctx);
      EXPECT_EQ(route_of((*loaded_set)->Evaluate(ctx, PolicyType::kIdpDiscovery)), route_of(want))
          << synth::ContextToJson(ctx);
      if (want.rule == nullptr || !want.rule->idp) continue;
      if (want.rule->idp->selection_type == "DYNAMIC") {
        ++(want.idp_provider != nullptr ? to_idp : to_nowhere);
      } else if (want.idp_provider != nullptr) {
        ++okta_only;
      }
    }
  }
  EXPECT_GT(to_idp, 0);
  EXPECT_GT(to_nowhere, 0);
  EXPECT_GT(okta_only, 0);
  std::cout << "IDP_DISCOVERY routes: to an IdP " << to_idp << ", to no IdP " << to_nowhere
            << ", Okta only " << okta_only << "\n";
}

// The generator's global session rules carry primaryFactor and
// usePersistentCookie and one user is an administrator: the session report
// (one function of the decision) is the same for both engines' decisions, and
// each branch of issue 18 item 11 is reached.
TEST(Differential, SessionReportsAreCompared) {
  int64_t admin_without_cookie = 0, cookie = 0, passwordless = 0, password = 0;
  for (int64_t index = 0; index < 20; ++index) {
    auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(8, index)));
    ASSERT_TRUE(set.ok()) << set.status();
    const ReferenceEvaluator reference((*set)->snapshot());
    for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 400, index)) {
      const Decision want = reference.Evaluate(ctx, PolicyType::kOktaSignOn);
      const Decision got = (*set)->Evaluate(ctx, PolicyType::kOktaSignOn);
      ASSERT_EQ(got, want) << synth::ContextToJson(ctx);
      const SessionReport r = ComputeSession(ctx, want);
      ASSERT_EQ(SessionToJson(ctx, ComputeSession(ctx, got)), SessionToJson(ctx, r));
      if (!r.applies) continue;
      admin_without_cookie += ctx.user.admin && r.use_persistent_cookie && !r.persistent_cookie;
      cookie += r.persistent_cookie;
      ++(r.password_required ? password : passwordless);
    }
  }
  EXPECT_GT(admin_without_cookie, 0);
  EXPECT_GT(cookie, 0);
  EXPECT_GT(passwordless, 0);
  EXPECT_GT(password, 0);
}

// The compiled engine skips the blocklist index for a chain address whose
// first IPv4 octet no IP BLOCKLIST range touches (or, for other addresses,
// when no range leaves the IPv4 block): random blocklist ranges, some across
// octet and family boundaries, an exempt zone, inactive and policy zones,
// and chains of addresses near the ranges' ends, against the reference.
TEST(Differential, BlocklistPrefilterOnRandomRanges) {
  std::mt19937_64 rng(20);
  const absl::uint128 v4_base = absl::MakeUint128(0, uint64_t{0xffff} << 32);
  auto v4 = [&](uint32_t a) { return IpAddress::FromV4(a); };
  auto v6 = [&](absl::uint128 a) { return IpAddress::FromV6(a); };
  int blocked = 0, comparisons = 0;
  for (int org = 0; org < 60; ++org) {
    Snapshot s;
    std::vector<IpAddress> edges;
    auto add_range = [&](NetworkZone& z, bool proxy) {
      IpRange r;
      switch (rng() % 4) {
        case 0: {  // within one /8, or a few
          const uint32_t first = static_cast<uint32_t>(rng());
          const uint32_t size =
              static_cast<uint32_t>(rng() % 4 == 0 ? rng() % (1u << 26) : rng() % 4096);
          const uint32_t last = first > 0xffffffffu - size ? 0xffffffffu : first + size;
          r = {v4(first), v4(last)};
          break;
        }
        case 1: {  // across the start or the end of the IPv4 block
          const uint64_t d = rng() % 1000;
          r = rng() % 2 == 0 ? IpRange{v6(v4_base - d - 1), v4(static_cast<uint32_t>(rng() % 1000))}
                             : IpRange{v4(0xffffffffu - static_cast<uint32_t>(d)),
                                       v6(v4_base + 0xffffffffu + 1 + d)};
          break;
        }
        case 2: {  // IPv6
          const absl::uint128 first =
              absl::MakeUint128(0x20010db800000000ull | (rng() % 16), rng());
          r = {v6(first), v6(first + rng() % 100000)};
          break;
        }
        default: {  // an octet boundary
          const uint32_t boundary = static_cast<uint32_t>(1 + rng() % 255) << 24;
          r = {v4(boundary - 1 - static_cast<uint32_t>(rng() % 10)),
               v4(boundary + static_cast<uint32_t>(rng() % 10))};
          break;
        }
      }
      (proxy ? z.proxies : z.gateways).push_back(r);
      for (IpAddress a : {r.first, r.last}) edges.push_back(a);
    };
    const int zones = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < zones; ++i) {
      NetworkZone z = testing::IpZone(absl::StrCat("nzo", i), absl::StrCat("zone ", i), {}, {},
                                      rng() % 4 == 0 ? ZoneUsage::kPolicy : ZoneUsage::kBlocklist);
      z.active = rng() % 6 != 0;
      for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n) add_range(z, rng() % 3 == 0);
      s.zones.push_back(std::move(z));
    }
    NetworkZone exempt = testing::IpZone("nzoExempt", "DefaultExemptIpZone", {});
    exempt.system = true;
    exempt.use_as_exempt_list = true;
    if (rng() % 2 == 0 && !edges.empty()) {
      const IpAddress a = edges[rng() % edges.size()];
      exempt.gateways.push_back({a, a});
    }
    s.zones.push_back(std::move(exempt));
    s.policies = {testing::MakePolicy("p", PolicyType::kOktaSignOn, 1, {},
                                      {testing::MakeRule("r", 1)}, /*system=*/true)};
    auto set = Compile(s);
    ASSERT_TRUE(set.ok()) << set.status();
    const ReferenceEvaluator reference((*set)->snapshot());
    for (int c = 0; c < 300; ++c) {
      SignOnContext ctx = testing::UserContext({"00gA"});
      for (int n = 1 + static_cast<int>(rng() % 7); n > 0; --n) {
        IpAddress ip;
        switch (rng() % 3) {
          case 0:
            ip = v4(static_cast<uint32_t>(rng()));
            break;
          case 1:
            ip = v6(absl::MakeUint128(0x20010db800000000ull | (rng() % 16), rng()));
            break;
          default: {
            const absl::uint128 e = edges[rng() % edges.size()].value();
            ip = v6(rng() % 2 == 0 ? e + rng() % 3 : e - rng() % 3);
            break;
          }
        }
        ctx.ip_chain.push_back(ip);
      }
      const Decision want = reference.Evaluate(ctx, PolicyType::kOktaSignOn);
      EXPECT_TRUE((*set)->Evaluate(ctx, PolicyType::kOktaSignOn) == want)
          << "org " << org << " context " << c;
      if (want.blocked) ++blocked;
      ++comparisons;
    }
  }
  // Both answers occur often enough to mean something.
  EXPECT_GT(blocked, comparisons / 20);
  EXPECT_LT(blocked, comparisons - comparisons / 20);
}

TEST(EngineAllocation, EvaluateDoesNotAllocateAfterWarmUp) {
  for (int size = 0; size < 5; ++size) {
    auto set = Compile(synth::GenerateOrg(testing::AllocationTestOrg(size)));
    ASSERT_TRUE(set.ok()) << set.status();
    const std::vector<SignOnContext> contexts =
        synth::GenerateContexts((*set)->snapshot(), 300, 11);
    for (const SignOnContext& ctx : contexts) (*set)->Evaluate(ctx, PolicyType::kOktaSignOn);
    const uint64_t before = testing::AllocationCount();
    int decided = 0;
    for (const SignOnContext& ctx : contexts) {
      for (PolicyType t : {PolicyType::kOktaSignOn, PolicyType::kPassword, PolicyType::kMfaEnroll,
                           PolicyType::kAccessPolicy, PolicyType::kIdpDiscovery}) {
        decided += (*set)->Evaluate(ctx, t).rule != nullptr;
      }
    }
    EXPECT_EQ(testing::AllocationCount() - before, 0u) << "org size class " << size;
    EXPECT_GT(decided, 0);
  }
}

// EvaluateAll shares the per-context work between types; every element must
// still be the answer of Evaluate for that type (which the tests above hold
// to the reference evaluator).
TEST(Differential, EvaluateAllEqualsEvaluateForEveryType) {
  for (int size = 0; size < 4; ++size) {
    auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(21, size)));
    ASSERT_TRUE(set.ok()) << set.status();
    for (const SignOnContext& ctx : synth::GenerateContexts((*set)->snapshot(), 400, 23)) {
      const std::array<Decision, kPolicyTypeCount> all = (*set)->EvaluateAll(ctx);
      for (int t = 0; t < kPolicyTypeCount; ++t) {
        ASSERT_EQ(all[t], (*set)->Evaluate(ctx, static_cast<PolicyType>(t)))
            << "type " << PolicyTypeName(static_cast<PolicyType>(t)) << "\n"
            << synth::ContextToJson(ctx);
      }
    }
  }
}

TEST(EngineAllocation, EvaluateAllDoesNotAllocateAfterWarmUp) {
  for (int size = 0; size < 4; ++size) {
    auto set = Compile(synth::GenerateOrg(synth::DifferentialOrgOptions(7, size)));
    ASSERT_TRUE(set.ok()) << set.status();
    const std::vector<SignOnContext> contexts =
        synth::GenerateContexts((*set)->snapshot(), 300, 11);
    for (const SignOnContext& ctx : contexts) (*set)->EvaluateAll(ctx);
    const uint64_t before = testing::AllocationCount();
    int decided = 0;
    for (const SignOnContext& ctx : contexts) {
      for (const Decision& d : (*set)->EvaluateAll(ctx)) decided += d.rule != nullptr;
    }
    EXPECT_EQ(testing::AllocationCount() - before, 0u) << "org size class " << size;
    EXPECT_GT(decided, 0);
  }
}

// engine.h's allocation contract for expression rules: conditions that only
// compare attributes, test memberships or read lists in place evaluate
// without allocating, whether they hold or not; those that build a string
// (toLowerCase) or fail with an error do allocate, as the header says.
TEST(EngineAllocation, ExpressionRulesAllocateOnlyWhenTheyBuildValues) {
  using testing::MakePolicy;
  using testing::MakeRule;
  auto el = [](std::string text) {
    Conditions c;
    c.el_condition = ElCondition{std::move(text)};
    return c;
  };
  auto allocations = [&](std::vector<std::string> expressions) {
    Snapshot s;
    s.groups = {{"00gSales", "Sales West", "OKTA_GROUP"}};
    std::vector<Rule> rules;
    for (size_t i = 0; i < expressions.size(); ++i) {
      rules.push_back(
          MakeRule("0prEl" + std::to_string(i), static_cast<int64_t>(i + 1), el(expressions[i])));
    }
    rules.push_back(MakeRule("0prDefault", 99));
    s.policies = {MakePolicy("00pDefault", PolicyType::kOktaSignOn, 99, {}, std::move(rules),
                             /*system=*/true)};
    auto set = Compile(std::move(s));
    EXPECT_TRUE(set.ok()) << set.status();
    SignOnContext sales = testing::UserContext({"00gSales"});
    // Longer than the short-string buffer, so a copy of it must allocate.
    sales.user.profile["department"] = "Sales and Marketing, West";
    sales.behaviors = {"New IP"};
    SignOnContext other = testing::UserContext({});
    other.user.profile["department"] = "Eng";
    for (const SignOnContext* ctx : {&sales, &other})
      (*set)->Evaluate(*ctx, PolicyType::kOktaSignOn);
    const uint64_t before = testing::AllocationCount();
    for (int i = 0; i < 10; ++i) {
      for (const SignOnContext* ctx : {&sales, &other}) {
        (*set)->Evaluate(*ctx, PolicyType::kOktaSignOn);
      }
    }
    return testing::AllocationCount() - before;
  };
  EXPECT_EQ(
      allocations(
          {"user.profile.department == 'HR'", "user.isMemberOf({'group.profile.name': 'Nobody'})",
           "security.behaviors.contains('Velocity')", "user.login.endsWith('@nowhere.example')"}),
      0u);
  EXPECT_GT(allocations({"user.profile.department.toLowerCase() == 'sales'"}), 0u);
}

}  // namespace
}  // namespace verdict
