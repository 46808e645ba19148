// Org shapes the allocation tests share (tests/eval/differential_test.cc,
// tests/eval/decision_reasons_test.cc).
#ifndef VERDICT_TESTS_SUPPORT_TEST_ORGS_H_
#define VERDICT_TESTS_SUPPORT_TEST_ORGS_H_

#include "verdict/synth.h"

namespace verdict::testing {

// Size classes 0–3: the differential orgs of seed 7; class 4: an org large
// enough that the engine's scratch leaves the stack for its per-thread
// buffer, which must not allocate after warm-up either.
inline synth::OrgOptions AllocationTestOrg(int size_class) {
  synth::OrgOptions o = synth::DifferentialOrgOptions(7, size_class);
  if (size_class == 4) {
    o.policies = 400;
    o.zones = 200;
    o.cidrs = 5000;
  }
  return o;
}

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SUPPORT_TEST_ORGS_H_
