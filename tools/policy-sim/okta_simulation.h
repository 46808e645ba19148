// Okta's policy simulation operation (`POST /api/v1/policies/simulate`,
// createPolicySimulation) on a snapshot: the request body mapped onto a §2
// context (docs/interfaces.md §4), the reference evaluator's trace mapped
// onto Okta's SimulatePolicyEvaluations, and Okta's error body.
#ifndef VERDICT_TOOLS_POLICY_SIM_OKTA_SIMULATION_H_
#define VERDICT_TOOLS_POLICY_SIM_OKTA_SIMULATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"

namespace verdict::cli {

// An error as Okta's API returns it: HTTP status plus the error body.
struct OktaError {
  int status = 400;
  std::string code;     // "E0000003"
  std::string summary;  // errorSummary
  std::vector<std::string> causes;
};

// Okta's error body: {"errorCode", "errorSummary", "errorLink", "errorId",
// "errorCauses": [{"errorSummary"}]}. `error_id` is the caller's (a request
// id: Okta's are opaque and unique per request).
std::string OktaErrorJson(const OktaError& error, std::string_view error_id);

// What the simulation request said, mapped onto a context. The `gives_*`
// flags record which inputs the request carried, so that conditions on the
// others are reported UNDEFINED (the decision itself is Part A's for the
// context, exactly as `policy-sim eval` would give it).
struct SimulationRequest {
  SignOnContext context;
  bool gives_user = false;      // policyContext.user or .groups
  bool gives_network = false;   // policyContext.ip or .zones
  bool gives_platform = false;  // policyContext.device.platform
  bool gives_registered = false;
  bool gives_managed = false;
  bool gives_assurance = false;
  bool gives_risk = false;
};

// Parses a createPolicySimulation body: an object, or a one-element array of
// one (Okta's SDKs send an array); `policyType` is accepted for
// `policyTypes`. Memberships of `policyContext.user.id` come from the
// snapshot's users/<id>/groups.json unless `policyContext.groups` is given.
// Errors: not JSON or not an object → 400 E0000003; a field that does not
// validate → 400 E0000001; an app in neither apps.json nor policy-mappings/
// → 404 E0000007. Returns false and fills `error` on failure.
bool ParseSimulationRequest(std::string_view body, const Snapshot& snapshot,
                            SimulationRequest* request, OktaError* error);

struct SimulationExpand {
  bool evaluated = false;  // expand=EVALUATED: policies evaluated without a match
  bool rules = false;      // expand=RULE: every rule evaluated, with its conditions
};

// One policy type's decision for a simulation, with the policies and rules
// the response shows and their condition verdicts, as a Trace holds them.
struct SimulatedType {
  PolicyType type = PolicyType::kOktaSignOn;
  Decision decision;
  Trace trace;
};

// The decisions for `request`, one per policy type the context asks for
// (else every type of the snapshot). The compiled engine decides and says,
// through its DecisionReasons, which policies it passed over and why and
// which rules came before the winner; only the items the response shows
// under `expand` are checked again, one at a time, by `details` (a
// ReferenceEvaluator of the same set) for their verdicts: without expand,
// the winning policy and rule alone. Thread-safe.
std::vector<SimulatedType> SimulateTypes(const CompiledPolicySet& set,
                                         const ReferenceEvaluator& details,
                                         const SimulationRequest& request, SimulationExpand expand);

// The response {"evaluation": [...]}, one entry per element of `types`
// (tests render the reference evaluator's full traces with it, too).
std::string SimulationResponseJson(const std::vector<SimulatedType>& types,
                                   const SimulationRequest& request, SimulationExpand expand);

// SimulateTypes, then the response.
std::string SimulationResponseJson(const CompiledPolicySet& set, const ReferenceEvaluator& details,
                                   const SimulationRequest& request, SimulationExpand expand);

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_OKTA_SIMULATION_H_
