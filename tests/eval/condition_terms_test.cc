// The symbolic form of people, group selection, network and behaviors
// (lib/eval/condition_terms.h) held equal to the functions it restates
// (PeopleHolds, UserInAnyGroup, NetworkHolds, BehaviorsHold) on random orgs
// and contexts: each literal is asked of conditions.h, the disjunction of
// conjunctions must give the function's answer.
#include "lib/eval/condition_terms.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "lib/compile/snapshot_facts.h"
#include "lib/eval/conditions.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict::internal {
namespace {

// Zone membership as the reference evaluator walks it.
class ReferenceZones : public ZoneMembership {
 public:
  ReferenceZones(const ReferenceEvaluator& ref, const SnapshotFacts& facts,
                 const SignOnContext& ctx)
      : ref_(ref), facts_(facts), ctx_(ctx) {}
  bool InZone(const NetworkZone& zone, std::string*) const override {
    return ref_.InZone(ctx_, zone);
  }
  bool InAnyAllZonesZone(std::string*) const override {
    for (const NetworkZone& z : facts_.snapshot().zones) {
      if (facts_.AllZonesCovers(z) && ref_.InZone(ctx_, z)) return true;
    }
    return false;
  }

 private:
  const ReferenceEvaluator& ref_;
  const SnapshotFacts& facts_;
  const SignOnContext& ctx_;
};

bool TermsHold(const Terms& terms, const ConditionInputs& in) {
  for (const Term& term : terms) {
    bool all = true;
    for (const Literal& l : term) all = all && (LiteralHolds(l, in) != l.negated);
    if (all) return true;
  }
  return false;
}

TEST(ConditionTerms, EqualToTheConditionFunctionsOnRandomOrgs) {
  int64_t compared = 0;
  for (int i = 0; i < 30; ++i) {
    const Snapshot org = synth::GenerateOrg(synth::DifferentialOrgOptions(/*seed=*/7, i));
    std::unique_ptr<const SnapshotFacts> facts = SnapshotFacts::Build(org, nullptr);
    const ReferenceEvaluator ref(org);
    for (const SignOnContext& ctx : synth::GenerateContexts(org, 150, 500 + i)) {
      if (ctx.zones) continue;  // the zones-by-id form: InZone answers it too, but lint skips it
      const ReferenceZones zones(ref, *facts, ctx);
      const ConditionInputs in{ctx, *facts, zones};
      for (const Policy& p : org.policies) {
        if (p.conditions.people && !p.conditions.people->groups.include.empty()) {
          EXPECT_EQ(TermsHold(AnyGroupTerms(p.conditions.people->groups.include, *facts), in),
                    UserInAnyGroup(p.conditions.people->groups.include, in, nullptr));
        }
        for (const Rule& r : p.rules) {
          const Conditions& c = r.conditions;
          if (c.people) {
            for (bool skip : {false, true}) {
              EXPECT_EQ(TermsHold(PeopleTerms(*c.people, *facts, skip), in),
                        PeopleHolds(*c.people, in, skip, nullptr))
                  << r.id << " " << synth::ContextToJson(ctx);
            }
          }
          if (c.network) {
            EXPECT_EQ(TermsHold(NetworkTerms(*c.network, *facts), in),
                      NetworkHolds(*c.network, in, nullptr))
                << r.id << " " << synth::ContextToJson(ctx);
          }
          if (c.risk) {
            EXPECT_EQ(TermsHold(BehaviorTerms(*c.risk), in), BehaviorsHold(*c.risk, in, nullptr));
          }
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 10000);
}

}  // namespace
}  // namespace verdict::internal
