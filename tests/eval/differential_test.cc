// The compiled engine against the reference evaluator (issue 3): random orgs
// of varied sizes and seeds × random contexts, every policy type, and the
// zero-allocation guarantee of Evaluate.
#include "lib/synth/differential.h"

#include <cstdint>
#include <iostream>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "lib/synth/random_org.h"
#include "tests/support/alloc_counter.h"
#include "verdict/engine.h"
#include "verdict/reference_evaluator.h"

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

TEST(EngineAllocation, EvaluateDoesNotAllocateAfterWarmUp) {
  for (int size = 0; size < 5; ++size) {
    synth::OrgOptions o = synth::DifferentialOrgOptions(7, size);
    if (size == 4) {  // large enough for the per-thread scratch buffer
      o.policies = 400;
      o.zones = 200;
      o.cidrs = 5000;
    }
    auto set = Compile(synth::GenerateOrg(o));
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

}  // namespace
}  // namespace verdict
