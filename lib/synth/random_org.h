// A synthetic Okta org generator (issue 3): seeded and deterministic, any
// size, realistic in shape — group-targeted policies of several types with a
// default policy each, zone include/exclude (ALL_ZONES, ON/OFF_NETWORK), IP
// zones with gateways and proxies (IPv4 and IPv6, CIDR and RANGE), dynamic
// zones, a blocklist and DefaultExemptIpZone, risk, behavior, auth type and
// IdP rules, a sprinkling of rare conditions and of inactive policies and
// rules — plus random contexts aimed at the edges (range ends, proxy chains
// up to 7 hops, unknown groups, missing users).
//
// Used by the differential test, the benchmarks and `policy-sim synth` /
// `policy-sim selftest`. Private to the project (not installed).
#ifndef VERDICT_LIB_SYNTH_RANDOM_ORG_H_
#define VERDICT_LIB_SYNTH_RANDOM_ORG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "verdict/context.h"
#include "verdict/snapshot.h"

namespace verdict::synth {

// A small deterministic generator (SplitMix64): the same seed gives the same
// org on every platform, unlike the std distributions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // Uniform in [0, n); 0 when n == 0.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // True with probability `percent` / 100.
  bool Chance(int percent) { return static_cast<int>(Below(100)) < percent; }

 private:
  uint64_t state_;
};

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

}  // namespace verdict::synth

#endif  // VERDICT_LIB_SYNTH_RANDOM_ORG_H_
