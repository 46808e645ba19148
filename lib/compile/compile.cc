// Compile(): a Snapshot into the flat, immutable CompiledData of
// compiled_data.h. The indexes and masks here encode the keyed conditions
// (people, network, riskScore, authContext, risk.behaviors,
// identityProvider) whose single definition is lib/eval/conditions.cc; the
// differential test (tests/eval/differential_test.cc) holds the two together.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lib/compile/compiled_data.h"
#include "lib/compile/condition_kinds.h"
#include "lib/compile/snapshot_facts.h"
#include "verdict/engine.h"

namespace verdict {
namespace internal {
namespace {

bool IsGroupPolicyType(PolicyType type) {
  return type == PolicyType::kOktaSignOn || type == PolicyType::kPassword ||
         type == PolicyType::kMfaEnroll;
}

// Conditions that make a condition set never hold, whatever the context
// (Part A §A2: unknown keys, elCondition).
bool NeverMatches(const Conditions& c) { return !c.unknown_keys.empty(); }

// Conditions without a bitset dimension, checked exactly for candidates.
bool HasRareConditions(const Conditions& c) { return HasUnindexedConditions(c); }

// True when the condition set holds for every context (so the policy needs
// no check of its own). Conservative: false when unsure.
bool TriviallyHolds(const Conditions& c, bool skip_group_include) {
  if (NeverMatches(c) || HasRareConditions(c)) return false;
  if (c.people) {
    const PeopleCondition& p = *c.people;
    if (!p.users.include.empty() || !p.users.exclude.empty() || !p.groups.exclude.empty()) {
      return false;
    }
    if (!skip_group_include && !p.groups.include.empty()) return false;
  }
  if (c.network && c.network->connection != NetworkConnection::kAnywhere) return false;
  if (c.auth_context && c.auth_context->auth_type != "ANY") return false;
  if (c.risk && !c.risk->behaviors.empty()) return false;
  if (c.risk_score && (c.risk_score->level || c.risk_score->min_risk_level)) return false;
  if (c.identity_provider && c.identity_provider->provider != "ANY") return false;
  return true;
}

// Rule indices gathered per key while compiling one type.
using Lists = std::vector<std::vector<uint32_t>>;

class Compiler {
 public:
  explicit Compiler(CompiledData* d) : d_(*d) {}

  absl::Status Run() {
    CompileZones();
    if (absl::Status s = BuildIndex(); !s.ok()) return s;
    CompileKeys();
    for (int t = 0; t < kPolicyTypeCount; ++t) {
      CompileType(static_cast<PolicyType>(t));
      if (d_.types[t].reads_zones) d_.any_type_reads_zones = true;
    }
    for (IdTable* ids : {&d_.zone_ids, &d_.group_ids, &d_.user_ids, &d_.idp_ids, &d_.app_ids}) {
      ids->ShrinkToFit();
    }
    d_.dynamic.country_codes.ShrinkToFit();
    d_.dynamic.region_codes.ShrinkToFit();
    return absl::OkStatus();
  }

 private:
  const Snapshot& snap() const { return d_.snapshot; }
  const SnapshotFacts& facts() const { return *d_.facts; }

  uint32_t ZoneIndex(const NetworkZone* z) const {
    return z == nullptr ? kNone : static_cast<uint32_t>(z - snap().zones.data());
  }

  // ---------------------------------------------------------------- zones

  void CompileZones() {
    const auto& zones = snap().zones;
    d_.zones.resize(zones.size());
    d_.zone_words = static_cast<uint32_t>((zones.size() + 63) / 64);
    d_.all_zones_eligible.assign(d_.zone_words, 0);
    const NetworkZone* exempt = facts().default_exempt_zone();
    d_.legacy_zone = ZoneIndex(facts().legacy_ip_zone());
    for (uint32_t i = 0; i < zones.size(); ++i) {
      const NetworkZone& z = zones[i];
      ZoneInfo& info = d_.zones[i];
      info.active = z.active;
      info.ip = z.type == ZoneType::kIp;
      info.blocklist = z.usage == ZoneUsage::kBlocklist;
      info.all_zones_eligible = facts().AllZonesCovers(z);
      d_.zone_ids.Intern(z.id, i);  // the first zone of an id keeps it
      if (info.all_zones_eligible) d_.all_zones_eligible[i / 64] |= uint64_t{1} << (i % 64);
      if (!z.active) continue;
      if (info.ip) {
        ++d_.ip_zone_count;
        if (info.blocklist) d_.has_ip_blocklist = true;
      } else {
        const uint32_t record = IndexDynamicZone(z, i);
        if (info.blocklist) {
          d_.dynamic_blocklist_zones.push_back(i);
          d_.dynamic_blocklist_records.push_back(record);
        }
      }
    }
    if (exempt != nullptr && exempt->active) {
      d_.exempt_id =
          exempt->type == ZoneType::kIp ? ZoneIndex(exempt) : static_cast<uint32_t>(zones.size());
    }
  }

  // Appends `record` unless it was the last one appended (a zone's locations
  // and ASNs are added in a row; sorted, so repeats are adjacent).
  static void AddRecord(std::vector<uint32_t>& list, uint32_t record) {
    if (list.empty() || list.back() != record) list.push_back(record);
  }

  // Adds the zone's record and files it; returns the record's index.
  uint32_t IndexDynamicZone(const NetworkZone& z, uint32_t i) {
    const bool v2 = z.type == ZoneType::kDynamicV2;
    const bool v2_extras =
        v2 && (!z.ip_service_categories.empty() || !z.locations_exclude.empty() ||
               !z.asns_exclude.empty() || !z.ip_service_categories_exclude.empty());
    const uint32_t record = d_.dynamic.Add(z, i);
    const DynamicZoneRecord& r = d_.dynamic.records[record];
    if (r.locations_end != r.locations_begin) {
      for (uint32_t l = r.locations_begin; l < r.locations_end; ++l) {
        const LocationCode loc = d_.dynamic.locations[l];
        if (d_.dynamic_by_country.size() <= loc.country) {
          d_.dynamic_by_country.resize(loc.country + 1);
        }
        CompiledData::CountryZones& country = d_.dynamic_by_country[loc.country];
        CompiledData::LocatedZones& located =
            loc.region == kWholeCountry ? country.any_region : country.by_region[loc.region];
        // A zone with an ASN list holds only contexts with one of those ASNs.
        if (r.asns_end == r.asns_begin) {
          AddRecord(located.any_asn, record);
        } else {
          for (uint32_t a = r.asns_begin; a < r.asns_end; ++a) {
            AddRecord(located.by_asn[d_.dynamic.asns[a]], record);
          }
        }
      }
    } else if (!z.asns.empty()) {
      for (uint32_t asn : z.asns) AddRecord(d_.dynamic_by_asn[asn], record);
    } else if (v2_extras) {
      d_.dynamic_other.push_back(record);
    } else if (z.proxy_type != ZoneProxyCriterion::kNoConstraint) {
      // ClientInDynamicZone reduces to the proxyType criterion.
      const auto c = z.proxy_type;
      if (c == ZoneProxyCriterion::kAny || c == ZoneProxyCriterion::kTor) {
        d_.dynamic_by_proxy[static_cast<int>(ProxyType::kTor)].push_back(i);
      }
      if (c == ZoneProxyCriterion::kAny || c == ZoneProxyCriterion::kNotTorAnonymizer) {
        d_.dynamic_by_proxy[static_cast<int>(ProxyType::kAnonymizer)].push_back(i);
      }
    }
    // No criterion at all: the zone holds nobody.
    return record;
  }

  // One interval index over the gateways and proxies of every ACTIVE IP zone
  // (plus the gateways of a non-IP DefaultExemptIpZone under a pseudo id).
  absl::Status BuildIndex() {
    std::vector<ZoneIpIndex::Entry> entries;
    size_t n = 0;
    for (const NetworkZone& z : snap().zones) n += z.gateways.size() + z.proxies.size();
    entries.reserve(n);
    const auto& zones = snap().zones;
    for (uint32_t i = 0; i < zones.size(); ++i) {
      const NetworkZone& z = zones[i];
      if (!z.active || z.type != ZoneType::kIp) continue;
      for (const IpRange& r : z.gateways) entries.push_back({r, i, ZoneIpRole::kGateway});
      for (const IpRange& r : z.proxies) entries.push_back({r, i, ZoneIpRole::kProxy});
    }
    if (d_.exempt_id == zones.size()) {
      for (const IpRange& r : facts().default_exempt_zone()->gateways) {
        entries.push_back({r, d_.exempt_id, ZoneIpRole::kGateway});
      }
    }
    absl::StatusOr<ZoneIpIndex> index = ZoneIpIndex::Build(std::move(entries));
    if (!index.ok()) return index.status();
    d_.ip_index = *std::move(index);
    if (!d_.has_ip_blocklist) return absl::OkStatus();

    std::vector<ZoneIpIndex::Entry> blocked;
    d_.block_exempt_id = static_cast<uint32_t>(zones.size() + 1);
    for (uint32_t i = 0; i < zones.size(); ++i) {
      const NetworkZone& z = zones[i];
      if (!z.active || z.type != ZoneType::kIp || z.usage != ZoneUsage::kBlocklist) continue;
      for (const IpRange& r : z.gateways) blocked.push_back({r, i, ZoneIpRole::kGateway});
      for (const IpRange& r : z.proxies) blocked.push_back({r, i, ZoneIpRole::kGateway});
    }
    for (const ZoneIpIndex::Entry& e : blocked) NoteBlockedRange(e.range);
    if (d_.exempt_id != kNone) {
      for (const IpRange& r : facts().default_exempt_zone()->gateways) {
        blocked.push_back({r, d_.block_exempt_id, ZoneIpRole::kGateway});
      }
    }
    absl::StatusOr<ZoneIpIndex> block_index = ZoneIpIndex::Build(std::move(blocked));
    if (!block_index.ok()) return block_index.status();
    d_.block_index = *std::move(block_index);
    return absl::OkStatus();
  }

  // CompiledData::block_v4_octets and block_non_v4 for one blocklist range.
  void NoteBlockedRange(const IpRange& r) {
    const absl::uint128 v4_first = absl::MakeUint128(0, uint64_t{0xffff} << 32);
    const absl::uint128 v4_last = v4_first + 0xffffffffu;
    const absl::uint128 first = r.first.value();
    const absl::uint128 last = r.last.value();
    if (first > last) return;
    if (first < v4_first || last > v4_last) d_.block_non_v4 = true;
    if (last < v4_first || first > v4_last) return;
    const uint32_t lo = static_cast<uint32_t>(std::max(first, v4_first) - v4_first);
    const uint32_t hi = static_cast<uint32_t>(std::min(last, v4_last) - v4_first);
    for (uint32_t o = lo >> 24; o <= hi >> 24; ++o) {
      d_.block_v4_octets[o / 64] |= uint64_t{1} << (o % 64);
    }
  }

  // ---------------------------------------------------------------- keys

  static uint32_t Intern(IdTable& ids, const std::string& key) {
    return ids.Intern(key, static_cast<uint32_t>(ids.size()));
  }

  bool IsEveryone(const std::string& id) const { return facts().IsEveryoneGroup(id); }

  void CompileKeys() {
    // Behavior tokens: one per distinct rule behavior string.
    absl::flat_hash_map<std::string, uint32_t> tokens;
    for (const Policy& p : snap().policies) {
      for (const Rule& r : p.rules) {
        if (!r.conditions.risk) continue;
        for (const std::string& wanted : r.conditions.risk->behaviors) {
          if (tokens.contains(wanted)) continue;
          const uint32_t token = static_cast<uint32_t>(tokens.size());
          tokens.emplace(wanted, token);
          // BehaviorsHold (lib/eval/conditions.cc): seen hits wanted when
          // equal ignoring case, or equal to the id / (ignoring case) the
          // name of the behaviors.json entry wanted names.
          AddToken(d_.behavior_ci[wanted], token);
          if (const Behavior* def = facts().BehaviorDefinition(wanted); def != nullptr) {
            AddToken(d_.behavior_exact[def->id], token);
            AddToken(d_.behavior_ci[def->name], token);
          }
        }
      }
    }
    behavior_token_count_ = static_cast<uint32_t>(tokens.size());
    behavior_tokens_ = std::move(tokens);
  }

  static void AddToken(std::vector<uint32_t>& list, uint32_t token) {
    if (std::find(list.begin(), list.end(), token) == list.end()) list.push_back(token);
  }

  // ---------------------------------------------------------------- types

  uint32_t NewMask(uint32_t words) {
    const uint32_t offset = static_cast<uint32_t>(d_.dense_pool.size());
    d_.dense_pool.resize(d_.dense_pool.size() + std::max<uint32_t>(words, 1), 0);
    return offset;
  }
  void SetBit(uint32_t mask, uint32_t rule) {
    d_.dense_pool[mask + rule / 64] |= uint64_t{1} << (rule % 64);
  }

  RuleList Finish(std::vector<uint32_t>& rules, uint32_t words) {
    RuleList list;
    if (rules.empty()) return list;
    std::sort(rules.begin(), rules.end());
    rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    if (rules.size() > 2 * size_t{words}) {
      list.dense = true;
      list.offset = NewMask(words);
      list.count = words;
      for (uint32_t r : rules) SetBit(list.offset, r);
    } else {
      list.offset = static_cast<uint32_t>(d_.sparse_pool.size());
      list.count = static_cast<uint32_t>(rules.size());
      d_.sparse_pool.insert(d_.sparse_pool.end(), rules.begin(), rules.end());
    }
    return list;
  }

  static void Add(Lists& lists, uint32_t key, uint32_t rule) {
    if (lists.size() <= key) lists.resize(key + 1);
    lists[key].push_back(rule);
  }

  CompiledNetwork CompileNetwork(const NetworkCondition& n) const {
    const ResolvedNetwork& resolved = *facts().Resolve(n);  // n is the snapshot's
    CompiledNetwork c;
    c.include_nonempty = !resolved.include.empty();
    for (const ResolvedNetwork::Entry& e : resolved.include) {
      if (e.all_zones) c.include_all_zones = true;
      if (e.zone != nullptr) c.include.push_back(ZoneIndex(e.zone));
    }
    for (const ResolvedNetwork::Entry& e : resolved.exclude) {
      if (e.all_zones) c.exclude_all_zones = true;
      if (e.zone != nullptr) c.exclude.push_back(ZoneIndex(e.zone));
    }
    return c;
  }

  // A network condition other than ANYWHERE asks the zone set (ON_NETWORK
  // and OFF_NETWORK the legacy IP zone).
  static bool ReadsZones(const Conditions& c) {
    return c.network.has_value() && c.network->connection != NetworkConnection::kAnywhere;
  }

  uint32_t AddExact(const Conditions& c, bool skip_group_include, bool only_rare) {
    d_.exact_checks.push_back({&c, skip_group_include, only_rare});
    return static_cast<uint32_t>(d_.exact_checks.size() - 1);
  }

  void CompileType(PolicyType type) {
    TypeProgram& prog = d_.types[static_cast<int>(type)];
    const std::vector<const Policy*> policies = snap().PoliciesOfType(type);
    if (policies.empty()) return;
    prog.all_policies = policies;
    prog.present = true;
    const bool group_type = IsGroupPolicyType(type);

    // Pass 1: the rules that can win, in evaluation order.
    for (const Policy* p : policies) {
      if (!p->active) continue;
      if (std::none_of(p->rules.begin(), p->rules.end(), [](const Rule& r) { return r.active; })) {
        continue;
      }
      if (NeverMatches(p->conditions)) continue;
      if (group_type && !p->system &&
          (!p->conditions.people || p->conditions.people->groups.include.empty())) {
        continue;  // a non-default policy without a group include applies to nobody
      }
      if (type == PolicyType::kAccessPolicy && p->mapped_app_ids.empty() &&
          p->linked_app_ids.empty()) {
        continue;  // no app reaches it
      }
      CompiledPolicy cp;
      cp.policy = p;
      cp.rule_begin = static_cast<uint32_t>(prog.rules.size());
      const uint32_t slot = static_cast<uint32_t>(prog.policies.size());
      for (const Rule& r : p->rules) {
        if (!r.active || NeverMatches(r.conditions)) continue;
        CompiledRule cr;
        cr.policy = p;
        cr.rule = &r;
        cr.policy_slot = slot;
        if (HasRareConditions(r.conditions)) cr.exact = AddExact(r.conditions, false, true);
        if (ReadsZones(r.conditions)) prog.reads_zones = true;
        prog.rules.push_back(cr);
      }
      cp.rule_end = static_cast<uint32_t>(prog.rules.size());
      if (cp.rule_begin == cp.rule_end) continue;
      if (!TriviallyHolds(p->conditions, group_type)) {
        cp.exact = AddExact(p->conditions, group_type, false);
        if (ReadsZones(p->conditions)) prog.reads_zones = true;
      }
      prog.policies.push_back(cp);
    }
    prog.rule_count = static_cast<uint32_t>(prog.rules.size());
    const uint32_t w = prog.words = (prog.rule_count + 63) / 64;

    prog.policy_always = NewMask(w);
    prog.policy_everyone = NewMask(w);
    prog.people_free = NewMask(w);
    prog.people_everyone_include = NewMask(w);
    prog.people_everyone_exclude = NewMask(w);
    prog.net_free = NewMask(w);
    prog.net_on = NewMask(w);
    prog.net_off = NewMask(w);
    prog.net_include_all = NewMask(w);
    prog.net_exclude_all = NewMask(w);
    for (uint32_t& m : prog.risk_by_level) m = NewMask(w);
    prog.auth_other = NewMask(w);
    prog.behaviors_free = NewMask(w);
    prog.idp_okta_context = NewMask(w);
    prog.idp_any = NewMask(w);

    Lists group_include, group_exclude, group_policy, user_include, user_exclude, zone_include,
        zone_exclude, behavior, idp, app;
    std::vector<std::vector<uint32_t>> auth_rules;  // parallel to prog.auth_values

    // Policy applicability.
    for (const CompiledPolicy& cp : prog.policies) {
      const Policy& p = *cp.policy;
      auto each_rule = [&](auto fn) {
        for (uint32_t r = cp.rule_begin; r < cp.rule_end; ++r) fn(r);
      };
      if (group_type && !p.system) {
        for (const std::string& g : p.conditions.people->groups.include) {
          if (IsEveryone(g)) {
            each_rule([&](uint32_t r) { SetBit(prog.policy_everyone, r); });
          } else {
            const uint32_t id = Intern(d_.group_ids, g);
            each_rule([&](uint32_t r) { Add(group_policy, id, r); });
          }
        }
      } else if (type == PolicyType::kAccessPolicy) {
        // Mapped and linked apps bind alike. The loader keeps the two lists
        // disjoint; a hand-built snapshot may not, and a rule must be listed
        // once per key.
        auto bind = [&](const std::string& a) {
          const uint32_t id = Intern(d_.app_ids, a);
          each_rule([&](uint32_t r) { Add(app, id, r); });
        };
        for (const std::string& a : p.mapped_app_ids) bind(a);
        for (const std::string& a : p.linked_app_ids) {
          const auto& m = p.mapped_app_ids;
          if (std::find(m.begin(), m.end(), a) == m.end()) bind(a);
        }
      } else {
        each_rule([&](uint32_t r) { SetBit(prog.policy_always, r); });
      }
    }

    // Rule dimensions.
    for (uint32_t r = 0; r < prog.rule_count; ++r) {
      const Conditions& c = prog.rules[r].rule->conditions;
      // people
      if (!c.people) {
        SetBit(prog.people_free, r);
      } else {
        const PeopleCondition& p = *c.people;
        if (p.users.include.empty() && p.groups.include.empty()) SetBit(prog.people_free, r);
        for (const std::string& u : p.users.include) Add(user_include, Intern(d_.user_ids, u), r);
        for (const std::string& u : p.users.exclude) Add(user_exclude, Intern(d_.user_ids, u), r);
        for (const std::string& g : p.groups.include) {
          if (IsEveryone(g)) {
            SetBit(prog.people_everyone_include, r);
          } else {
            Add(group_include, Intern(d_.group_ids, g), r);
          }
        }
        for (const std::string& g : p.groups.exclude) {
          if (IsEveryone(g)) {
            SetBit(prog.people_everyone_exclude, r);
          } else {
            Add(group_exclude, Intern(d_.group_ids, g), r);
          }
        }
      }
      // network
      if (!c.network || c.network->connection == NetworkConnection::kAnywhere) {
        SetBit(prog.net_free, r);
      } else if (c.network->connection == NetworkConnection::kOnNetwork) {
        SetBit(prog.net_on, r);
      } else if (c.network->connection == NetworkConnection::kOffNetwork) {
        SetBit(prog.net_off, r);
      } else {
        const CompiledNetwork n = CompileNetwork(*c.network);
        if (!n.include_nonempty) SetBit(prog.net_free, r);
        if (n.include_all_zones) SetBit(prog.net_include_all, r);
        if (n.exclude_all_zones) {
          SetBit(prog.net_exclude_all, r);
          prog.has_net_exclude = true;
        }
        for (uint32_t z : n.include) Add(zone_include, z, r);
        for (uint32_t z : n.exclude) Add(zone_exclude, z, r);
      }
      // riskScore
      for (int level = 0; level < 4; ++level) {
        bool ok = true;
        if (c.risk_score) {
          const std::optional<RiskLevel> have =
              level == 0 ? std::nullopt
                         : std::optional<RiskLevel>(static_cast<RiskLevel>(level - 1));
          if (c.risk_score->level.has_value()) ok = have == c.risk_score->level;
          if (ok && c.risk_score->min_risk_level.has_value()) {
            ok = have.has_value() && *have >= *c.risk_score->min_risk_level;
          }
        }
        if (ok) SetBit(prog.risk_by_level[level], r);
      }
      // authContext
      if (!c.auth_context || c.auth_context->auth_type == "ANY") {
        SetBit(prog.auth_other, r);
        for (auto& rules : auth_rules) rules.push_back(r);
        any_auth_rules_.push_back(r);
      } else {
        const std::string& value = c.auth_context->auth_type;
        size_t i = 0;
        while (i < prog.auth_values.size() && !absl::EqualsIgnoreCase(prog.auth_values[i], value)) {
          ++i;
        }
        if (i == prog.auth_values.size()) {
          prog.auth_values.push_back(value);
          auth_rules.push_back(any_auth_rules_);  // every ANY rule so far
        }
        auth_rules[i].push_back(r);
      }
      // risk.behaviors
      if (!c.risk || c.risk->behaviors.empty()) {
        SetBit(prog.behaviors_free, r);
      } else {
        for (const std::string& wanted : c.risk->behaviors) {
          Add(behavior, behavior_tokens_.at(wanted), r);
        }
      }
      // identityProvider
      if (!c.identity_provider || c.identity_provider->provider == "ANY") {
        SetBit(prog.idp_any, r);
        SetBit(prog.idp_okta_context, r);
      } else if (c.identity_provider->provider == "OKTA") {
        SetBit(prog.idp_okta_context, r);
      } else if (c.identity_provider->provider == "SPECIFIC_IDP") {
        for (const std::string& id : c.identity_provider->idp_ids) {
          Add(idp, Intern(d_.idp_ids, id), r);
        }
      }
    }
    any_auth_rules_.clear();
    for (auto& rules : auth_rules) {
      const uint32_t m = NewMask(w);
      for (uint32_t r : rules) SetBit(m, r);
      prog.auth_masks.push_back(m);
    }

    // Lists, indexed by key id.
    prog.by_group.resize(d_.group_ids.size());
    for (uint32_t g = 0; g < group_include.size(); ++g) {
      prog.by_group[g].people_include = Finish(group_include[g], w);
    }
    for (uint32_t g = 0; g < group_exclude.size(); ++g) {
      prog.by_group[g].people_exclude = Finish(group_exclude[g], w);
    }
    for (uint32_t g = 0; g < group_policy.size(); ++g) {
      prog.by_group[g].policy_include = Finish(group_policy[g], w);
    }
    prog.by_user.resize(d_.user_ids.size());
    for (uint32_t u = 0; u < user_include.size(); ++u) {
      prog.by_user[u].include = Finish(user_include[u], w);
    }
    for (uint32_t u = 0; u < user_exclude.size(); ++u) {
      prog.by_user[u].exclude = Finish(user_exclude[u], w);
    }
    prog.by_zone.resize(snap().zones.size());
    for (uint32_t z = 0; z < zone_include.size(); ++z) {
      prog.by_zone[z].include = Finish(zone_include[z], w);
    }
    for (uint32_t z = 0; z < zone_exclude.size(); ++z) {
      prog.by_zone[z].exclude = Finish(zone_exclude[z], w);
      if (!prog.by_zone[z].exclude.empty()) prog.has_net_exclude = true;
    }
    prog.by_behavior_token.resize(behavior_token_count_);
    for (uint32_t t = 0; t < behavior.size(); ++t)
      prog.by_behavior_token[t] = Finish(behavior[t], w);
    prog.by_idp.resize(d_.idp_ids.size());
    for (uint32_t i = 0; i < idp.size(); ++i) prog.by_idp[i] = Finish(idp[i], w);
    prog.by_app.resize(d_.app_ids.size());
    for (uint32_t a = 0; a < app.size(); ++a) prog.by_app[a] = Finish(app[a], w);

    prog.has_policy_lists = !group_policy.empty() || !app.empty();
    prog.has_group_lists =
        !group_policy.empty() || !group_include.empty() || !group_exclude.empty();
    prog.has_user_lists = !user_include.empty() || !user_exclude.empty();
    prog.has_app_lists = !app.empty();
    prog.has_people_lists = !group_include.empty() || !group_exclude.empty() ||
                            !user_include.empty() || !user_exclude.empty();
    prog.has_zone_lists = !zone_include.empty() || !zone_exclude.empty();
    prog.has_behavior_lists = !behavior.empty();
    prog.has_idp_lists = !idp.empty();
  }

  CompiledData& d_;
  uint32_t behavior_token_count_ = 0;
  absl::flat_hash_map<std::string, uint32_t> behavior_tokens_;
  std::vector<uint32_t> any_auth_rules_;
};

}  // namespace

size_t CompiledData::MemoryBytes() const {
  size_t bytes = sizeof(*this) + ip_index.MemoryBytes() - sizeof(ip_index) +
                 block_index.MemoryBytes() - sizeof(block_index);
  bytes += sparse_pool.capacity() * sizeof(uint32_t) + dense_pool.capacity() * sizeof(uint64_t);
  bytes += zones.capacity() * sizeof(ZoneInfo) + dynamic.MemoryBytes();
  bytes += exact_checks.capacity() * sizeof(ExactCheck);
  for (const TypeProgram& t : types) {
    bytes += t.rules.capacity() * sizeof(CompiledRule) +
             t.policies.capacity() * sizeof(CompiledPolicy) +
             t.all_policies.capacity() * sizeof(const Policy*) +
             t.by_group.capacity() * sizeof(GroupLists) +
             (t.by_user.capacity() + t.by_zone.capacity()) * sizeof(IncludeExcludeLists) +
             (t.by_behavior_token.capacity() + t.by_idp.capacity() + t.by_app.capacity()) *
                 sizeof(RuleList);
  }
  bytes += group_ids.MemoryBytes() + user_ids.MemoryBytes() + idp_ids.MemoryBytes() +
           app_ids.MemoryBytes();
  return bytes;
}

}  // namespace internal

CompiledPolicySet::CompiledPolicySet() : data_(std::make_unique<internal::CompiledData>()) {}
CompiledPolicySet::~CompiledPolicySet() = default;

const Snapshot& CompiledPolicySet::snapshot() const { return data_->snapshot; }

const internal::SnapshotFacts& CompiledPolicySet::facts() const { return *data_->facts; }

size_t CompiledPolicySet::MemoryBytes() const { return data_->MemoryBytes(); }

const std::vector<SnapshotLocation>& CompiledPolicySet::GroupMembershipReaders() const {
  return data_->facts->group_membership_readers();
}

absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> Compile(Snapshot snapshot) {
  return Compile(std::move(snapshot), nullptr);
}

absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> Compile(Snapshot snapshot,
                                                                 IssueList* issues) {
  for (const Policy& p : snapshot.policies) {
    if (p.rules.size() >= (size_t{1} << 31)) {
      return absl::InvalidArgumentError(absl::StrCat("policy ", p.id, " has too many rules"));
    }
  }
  std::shared_ptr<CompiledPolicySet> set(new CompiledPolicySet());
  set->data_->snapshot = std::move(snapshot);
  set->data_->facts = internal::SnapshotFacts::Build(set->data_->snapshot, issues);
  internal::Compiler compiler(set->data_.get());
  if (absl::Status s = compiler.Run(); !s.ok()) return s;
  internal::CompiledData& d = *set->data_;
  uint32_t max_words = 0;
  for (const internal::TypeProgram& t : d.types) max_words = std::max(max_words, t.words);
  // The zone bitset, the live zone list of the chain walk, seven rule masks
  // and one all-zero mask.
  d.scratch_words = 8 * size_t{max_words} + d.zone_words + (d.ip_zone_count + 2) / 2 + 1;
  return std::shared_ptr<const CompiledPolicySet>(std::move(set));
}

absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> LoadAndCompile(
    std::string_view directory, IssueList* issues, const LoadOptions& options) {
  IssueList compile_issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(directory, issues, options);
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
      Compile(*std::move(snapshot), &compile_issues);
  if (!set.ok()) {
    if (issues != nullptr) {
      issues->insert(issues->end(), compile_issues.begin(), compile_issues.end());
    }
    return set.status();
  }
  if (options.warnings_as_errors) {
    for (Issue& issue : compile_issues) {
      if (!issue.is_error()) issue.severity = Issue::Severity::kError;
    }
  }
  const Issue* first_error = nullptr;
  for (const Issue& issue : compile_issues) {
    if (issue.is_error() && first_error == nullptr) first_error = &issue;
  }
  absl::Status status = first_error != nullptr ? absl::InvalidArgumentError(first_error->ToString())
                                               : absl::OkStatus();
  if (issues != nullptr) {
    issues->insert(issues->end(), compile_issues.begin(), compile_issues.end());
  }
  if (!status.ok()) return status;
  return set;
}

}  // namespace verdict
