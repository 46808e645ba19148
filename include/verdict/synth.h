// Synthetic Okta orgs and the differential check (a tool header: part of
// verdict::verdict, not of verdict::core). A seeded, deterministic generator
// of orgs of any size, realistic in shape — group-targeted policies of several
// types with a default policy each, zone include/exclude (ALL_ZONES,
// ON/OFF_NETWORK), IP zones with gateways and proxies (IPv4 and IPv6, CIDR and
// RANGE), dynamic zones, a blocklist and DefaultExemptIpZone, risk, behavior,
// auth type and IdP rules, a sprinkling of rare conditions and of inactive
// policies and rules — plus random contexts aimed at the edges (range ends,
// proxy chains up to 7 hops, unknown groups, missing users); and the check
// that compares the compiled engine with the reference evaluator on them.
//
// Used by the differential test, the benchmarks and `policy-sim synth` /
// `policy-sim selftest`.
#ifndef VERDICT_SYNTH_H_
#define VERDICT_SYNTH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict::synth {

struct OrgOptions {
  int policies = 10;         // non-default policies, all types together
  int rules_per_policy = 4;  // average; the default policies get 1-3
  int zones = 12;            // network zones, system zones included
  int cidrs = 60;            // gateway + proxy entries over all IP zones
  int groups = 16;
  uint64_t seed = 1;
  // Percent of rules and policies carrying conditions without a bitset
  // dimension (platform, device, userIdentifier, ...). Default 6.
  int rare_condition_percent = 6;
};

// The benchmark org shapes: about `rules` rules in total (5 per policy), 10
// CIDR entries per rule (so 10000 rules come with 100000 entries), a zone per
// 10 rules and a group per 20.
OrgOptions BenchOrgOptions(int rules, uint64_t seed = 42);

// The org: policies grouped by type in evaluation order, rules in priority
// order, exactly as LoadSnapshot would store them. Deterministic in options.
Snapshot GenerateOrg(const OrgOptions& options);

// `count` contexts for `org`, deterministic in `seed`.
std::vector<SignOnContext> GenerateContexts(const Snapshot& org, int count, uint64_t seed);

// Turns `context` into the zones-by-id form of Okta's simulation
// (SignOnContext::zones): no IP chain, 0–3 of `org`'s zones (blocklist, exempt,
// inactive and system zones included) and now and then an id `org` lacks.
// Deterministic in `seed`.
void ToZoneForm(const Snapshot& org, uint64_t seed, SignOnContext* context);

// Writes `org` as a snapshot directory in the Management API's JSON shape
// (manifest.json, zones.json, policies/<TYPE>.json, rules/<policyId>.json,
// policy-mappings/<policyId>.json, apps.json, behaviors.json, groups.json), loadable by
// LoadSnapshot. Creates `directory` if needed.
absl::Status WriteSnapshotDir(const Snapshot& org, const std::string& directory);

// One context as a JSON object in the docs/interfaces.md §2 form (one line).
std::string ContextToJson(const SignOnContext& context);

// The whole snapshot as one JSON object {"zones": [...], "policies": [...]
// (rules under _embedded.rules), "behaviors": [...], "groups": [...],
// "apps": [...]}, for
// printing a reproducer.
std::string SnapshotToJson(const Snapshot& org);

// A reproducer, smaller: `org` reduced to the policies named in `policy_ids`,
// the zones they reference, the zones holding any IP of `context`'s chain and
// the system and blocklist zones. Behaviors, groups and apps are kept (an app's
// link only where it binds the app in `org`).
Snapshot ShrinkOrg(const Snapshot& org, const std::vector<std::string>& policy_ids,
                   const SignOnContext& context);

// ---------------------------------------------------------------- differential check

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
  // Comparisons whose line carries a satisfiability or enrollment report
  // (verdict/enrollment.h), the same for both engines' decisions.
  int64_t enrollment_reports = 0;
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

#endif  // VERDICT_SYNTH_H_
