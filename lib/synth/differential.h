// The differential check of issue 3: random orgs × random contexts, the
// compiled engine's decision against the reference evaluator's, every policy
// type. Shared by tests/eval/differential_test.cc and `policy-sim selftest`.
#ifndef VERDICT_LIB_SYNTH_DIFFERENTIAL_H_
#define VERDICT_LIB_SYNTH_DIFFERENTIAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/synth/random_org.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict::synth {

// One disagreement, with a reproducer: the org shrunk to the policies
// involved (when the disagreement survives shrinking; else the whole type)
// and the context.
struct Mismatch {
  PolicyType type = PolicyType::kOktaSignOn;
  std::string reference;  // the two decisions, as text
  std::string compiled;
  Snapshot org;  // the reproducer org
  SignOnContext context;
  std::string ToText() const;  // everything above, JSON included
};

struct DiffReport {
  int64_t orgs = 0;
  int64_t comparisons = 0;
  int64_t blocked = 0;  // comparisons where the context was blocked
  int64_t decided = 0;  // comparisons where some rule won
  std::vector<Mismatch> mismatches;
};

// The org shape for the i-th org of a run: sizes cycle from tiny to a few
// hundred rules and thousands of CIDRs.
OrgOptions DifferentialOrgOptions(uint64_t seed, int64_t index);

// Compares at least `comparisons` (org, context, type) decisions, orgs and
// contexts drawn from `seed`; stops early after `max_mismatches`
// disagreements. `contexts_per_org` bounds the work per compiled org.
DiffReport RunDifferential(int64_t comparisons, uint64_t seed, int max_mismatches = 1,
                           int contexts_per_org = 400);

// Text of a decision ("blocked by Z", "P / R ALLOW", "no decision").
std::string DecisionText(const Decision& d);

}  // namespace verdict::synth

#endif  // VERDICT_LIB_SYNTH_DIFFERENTIAL_H_
