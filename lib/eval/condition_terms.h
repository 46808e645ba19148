// The symbolic form of the conditions `policy-sim lint` reasons about: the
// same rules as PeopleHolds, UserInAnyGroup, NetworkHolds and BehaviorsHold
// (conditions.h), restated as a disjunction of conjunctions of literals
// ("the user is u", "the user is in group g", "the request is in zone z",
// "behavior b was detected") so that lib/lint can intersect and subtract
// them instead of evaluating one context at a time.
//
// This is the one place besides conditions.cc that states those rules; it
// lives beside them so a change to one is seen next to the other, and
// tests/eval/condition_terms_test.cc holds the two equal on random orgs and
// contexts (LiteralHolds below evaluates each literal with the functions of
// conditions.h). The conditions without a symbolic form here are evaluated
// by lint on representative contexts with the functions themselves.
#ifndef VERDICT_LIB_EVAL_CONDITION_TERMS_H_
#define VERDICT_LIB_EVAL_CONDITION_TERMS_H_

#include <string>
#include <vector>

#include "lib/compile/snapshot_facts.h"
#include "lib/eval/conditions.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

struct Literal {
  enum class Kind {
    kHasUser,         // the context names a user (SignOnContext::has_user)
    kUserIs,          // user.id == id (and has_user)
    kInGroup,         // has a user, and `id` is among its groups (never Everyone: see kHasUser)
    kInZone,          // InZone(*zone); only ACTIVE zones appear (an inactive one holds nobody)
    kInAllZonesZone,  // ZoneMembership::InAnyAllZonesZone
    kBehavior,        // BehaviorsHold of the single behavior string `id`
  };
  Kind kind = Kind::kHasUser;
  bool negated = false;
  std::string id;
  const NetworkZone* zone = nullptr;
};

// A conjunction of literals; an empty one is true.
using Term = std::vector<Literal>;
// A disjunction of terms; no term is false, one empty term is true.
using Terms = std::vector<Term>;

// `people` (PeopleHolds, with `skip_group_include` as there).
Terms PeopleTerms(const PeopleCondition& people, const SnapshotFacts& facts,
                  bool skip_group_include);
// UserInAnyGroup(groups): the selection of a group-targeted policy.
Terms AnyGroupTerms(const std::vector<std::string>& groups, const SnapshotFacts& facts);
// `network` (NetworkHolds). `network` must be an object of facts' snapshot.
Terms NetworkTerms(const NetworkCondition& network, const SnapshotFacts& facts);
// `risk.behaviors` (BehaviorsHold).
Terms BehaviorTerms(const RiskBehaviorCondition& risk);

// Whether one literal holds for `in` (ignoring `negated`), asked of the
// functions of conditions.h.
bool LiteralHolds(const Literal& literal, const ConditionInputs& in);

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_CONDITION_TERMS_H_
