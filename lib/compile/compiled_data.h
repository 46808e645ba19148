// The compiled form of a snapshot (issue 3): what Compile() builds and
// CompiledPolicySet::Evaluate() reads. Private to the library.
//
// Per policy type, every rule that can ever win is laid out in one flat
// vector in evaluation order (policies as the snapshot orders them, rules in
// their policy's order). Rules of inactive policies, inactive rules, rules
// with a condition that never matches and policies that apply to nobody are
// dropped: they can never produce a decision.
//
// Rule matching is a bitset AND. For each condition dimension the compiler
// records which rules each possible context value satisfies:
//   * static masks — one dense bitset per value of a small closed vocabulary
//     (risk level, auth type, IdP = OKTA); Evaluate just picks one;
//   * rule lists — for open vocabularies (group, user, zone, behavior, IdP id,
//     app) the rules each key touches, stored sparse (indices) or dense
//     (bitset words), whichever is smaller; Evaluate ORs the lists of the keys
//     the context holds into scratch words.
// The AND of the dimensions leaves the candidates; the first set bit is the
// winner unless a rule (or its policy) carries a rare condition that has no
// dimension (platform, device, userIdentifier, ...), which is then checked
// exactly — for candidates only.
#ifndef VERDICT_LIB_COMPILE_COMPILED_DATA_H_
#define VERDICT_LIB_COMPILE_COMPILED_DATA_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "lib/compile/dynamic_zone_table.h"
#include "lib/compile/snapshot_facts.h"
#include "lib/compile/string_keys.h"
#include "lib/net/chain.h"
#include "lib/net/zone_ip_index.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

inline constexpr uint32_t kNone = 0xffffffffu;

// A set of rule indices of one type, stored in one of the set's pools.
struct RuleList {
  uint32_t offset = 0;
  uint32_t count = 0;  // sparse: indices; dense: words (== the type's word count)
  bool dense = false;
  bool empty() const { return count == 0; }
};

// A network condition with its zones as zone indices (missing ids dropped).
struct CompiledNetwork {
  std::vector<uint32_t> include;
  bool include_all_zones = false;
  bool include_nonempty = false;
  std::vector<uint32_t> exclude;
  bool exclude_all_zones = false;
};

// A condition set checked condition by condition (the rare conditions of a
// rule, or a policy's own conditions).
struct ExactCheck {
  const Conditions* conditions = nullptr;
  // Policy level of OKTA_SIGN_ON/PASSWORD/MFA_ENROLL: groups.include was
  // already decided by the policy mask and is ignored here.
  bool skip_group_include = false;
  // Rule level: only the conditions without a bitset dimension are checked.
  bool only_rare = false;
};

struct CompiledRule {
  const Policy* policy = nullptr;
  const Rule* rule = nullptr;
  uint32_t policy_slot = 0;  // index into TypeProgram::policies
  uint32_t exact = kNone;    // index into CompiledData::exact_checks
};

struct CompiledPolicy {
  const Policy* policy = nullptr;
  uint32_t rule_begin = 0;
  uint32_t rule_end = 0;
  uint32_t exact = kNone;  // the policy's own conditions, when not trivial
};

// Rule lists of one key (a group, a user, a zone, ...) in one type.
struct GroupLists {
  RuleList people_include;
  RuleList people_exclude;
  RuleList policy_include;  // rules of policies whose groups.include lists it
};
struct IncludeExcludeLists {
  RuleList include;
  RuleList exclude;
};

// Everything for one policy type.
struct TypeProgram {
  bool present = false;
  uint32_t rule_count = 0;
  uint32_t words = 0;  // ceil(rule_count / 64)
  std::vector<CompiledRule> rules;
  std::vector<CompiledPolicy> policies;
  // Every policy of the type in evaluation order, as the reference walks
  // them (Snapshot::PoliciesOfType, without its allocation): the walk that
  // explains a decision (DecisionReasons) passes over them.
  std::vector<const Policy*> all_policies;

  // Static masks: offsets (in words) into CompiledData::dense_pool.
  // Policy applicability.
  uint32_t policy_always = 0;    // default/system policies, and types without groups
  uint32_t policy_everyone = 0;  // group include lists the Everyone group (needs a user)
  bool has_policy_lists = false;
  // people
  uint32_t people_free = 0;  // no people condition, or no include list
  uint32_t people_everyone_include = 0;
  uint32_t people_everyone_exclude = 0;
  bool has_people_lists = false;
  // Which of those lists the type has at all: the context's groups, user or
  // app are looked up only for a type with lists for them (an OKTA_SIGN_ON
  // type has no app lists; many have no user lists).
  bool has_group_lists = false;
  bool has_user_lists = false;
  bool has_app_lists = false;
  // network
  uint32_t net_free = 0;  // ANYWHERE, absent, or ZONE without include
  uint32_t net_on = 0;
  uint32_t net_off = 0;
  uint32_t net_include_all = 0;
  uint32_t net_exclude_all = 0;
  bool has_zone_lists = false;
  bool has_net_exclude = false;
  // Whether a rule or a policy of the type has a network condition other
  // than ANYWHERE: without one, Evaluate computes only the zones the
  // blocklist needs.
  bool reads_zones = false;
  // riskScore: index 0 = context without level, 1 + RiskLevel otherwise.
  std::array<uint32_t, 4> risk_by_level{};
  // authContext: mask for a context auth type equal (ignoring case) to
  // auth_values[i]; auth_other for any other auth type.
  std::vector<std::string> auth_values;
  std::vector<uint32_t> auth_masks;
  uint32_t auth_other = 0;
  // risk.behaviors
  uint32_t behaviors_free = 0;
  bool has_behavior_lists = false;
  // identityProvider
  uint32_t idp_okta_context = 0;  // ANY or OKTA rules
  uint32_t idp_any = 0;
  bool has_idp_lists = false;

  // Per key, indexed by the CompiledData key ids.
  std::vector<GroupLists> by_group;
  std::vector<IncludeExcludeLists> by_user;
  std::vector<IncludeExcludeLists> by_zone;
  std::vector<RuleList> by_behavior_token;
  std::vector<RuleList> by_idp;
  std::vector<RuleList> by_app;  // ACCESS_POLICY mappings
};

// Per-zone facts for the zone-set computation.
struct ZoneInfo {
  bool active = false;
  bool ip = false;
  bool blocklist = false;
  bool all_zones_eligible = false;  // POLICY usage, not DefaultExemptIpZone
};

struct CompiledData {
  Snapshot snapshot;
  // Derived once from `snapshot` (compiled expressions, Everyone groups,
  // behavior definitions, system zones); the condition functions read it.
  std::unique_ptr<const SnapshotFacts> facts;

  // Zones, indexed as snapshot.zones.
  std::vector<ZoneInfo> zones;
  uint32_t zone_words = 0;
  uint32_t ip_zone_count = 0;
  // ACTIVE dynamic zones (any usage) as flat records, indexed by their most
  // selective criterion so an evaluation only tests the records that can
  // hold the context: by country code (zones with locations; a location with
  // a region is filed under that region of its country only; within that, a
  // zone with an ASN list under each of its ASNs), else by ASN,
  // else by the context's proxy type (zones whose only criterion is
  // proxyType: the answer is precomputed, zone indices), else tested every
  // time. The lists other than dynamic_by_proxy hold record indices.
  DynamicZoneTable dynamic;
  struct LocatedZones {
    std::vector<uint32_t> any_asn;  // records without an ASN include list
    absl::flat_hash_map<uint32_t, std::vector<uint32_t>> by_asn;  // the others, per ASN
  };
  struct CountryZones {
    LocatedZones any_region;  // a location of the country without region
    absl::flat_hash_map<uint32_t, LocatedZones> by_region;  // region code -> records
  };
  std::vector<CountryZones> dynamic_by_country;  // by country code
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> dynamic_by_asn;
  std::array<std::vector<uint32_t>, 3> dynamic_by_proxy;  // by ProxyType, zone indices
  std::vector<uint32_t> dynamic_other;
  std::vector<uint32_t> dynamic_blocklist_zones;    // ACTIVE dynamic BLOCKLIST zones
  std::vector<uint32_t> dynamic_blocklist_records;  // their records, in the same order
  bool has_ip_blocklist = false;
  bool block_non_v4 = false;     // see block_v4_octets
  uint32_t legacy_zone = kNone;  // SnapshotFacts::legacy_ip_zone()
  // DefaultExemptIpZone's id in the index (its zone index, or a pseudo id
  // past the zones when it is not an IP zone), kNone without an active one.
  uint32_t exempt_id = kNone;
  std::vector<uint64_t> all_zones_eligible;  // zone bitset
  ZoneIpIndex ip_index;
  // A second, small index for the blocklist check (every chain IP, no hop
  // limit): the gateways and proxies of ACTIVE IP BLOCKLIST zones under
  // their zone index, and the gateways of an active DefaultExemptIpZone
  // under block_exempt_id (= zones.size() + 1, the largest id).
  ZoneIpIndex block_index;
  uint32_t block_exempt_id = kNone;
  // What can hit block_index's blocklist zones, for skipping its lookup:
  // bit o of block_v4_octets is set when a gateway or proxy of an ACTIVE IP
  // BLOCKLIST zone holds an IPv4 address whose first octet is o, and
  // block_non_v4 when one holds an address outside ::ffff:0:0/96. A chain
  // address outside both is in no blocklist zone (an exempt-only hit does
  // not count), so its lookup is skipped: most were, at fixture size
  // (issue 20, "Latency round three").
  std::array<uint64_t, 4> block_v4_octets{};

  // Key ids shared by every type (IdTable::kAbsent for a key no rule or
  // policy names).
  IdTable zone_ids;  // zone id -> index into zones (the first of an id)
  IdTable group_ids;
  IdTable user_ids;
  IdTable idp_ids;
  IdTable app_ids;
  // Behavior tokens: a context behavior `seen` hits the tokens listed under
  // it, compared without case, or (exactly) under behavior_exact.
  KeyedLists</*kFoldCase=*/true> behavior_ci;
  KeyedLists</*kFoldCase=*/false> behavior_exact;

  std::array<TypeProgram, kPolicyTypeCount> types;
  bool any_type_reads_zones = false;  // some TypeProgram::reads_zones
  std::vector<ExactCheck> exact_checks;

  std::vector<uint32_t> sparse_pool;
  std::vector<uint64_t> dense_pool;

  // Scratch words one evaluation needs (rule masks of the largest type, the
  // zone bitset, the chain walk's live zone list).
  size_t scratch_words = 0;

  size_t MemoryBytes() const;
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_COMPILED_DATA_H_
