// CompiledPolicySet::Evaluate: one context against the CompiledData of
// lib/compile/compiled_data.h. No allocation: scratch lives on the stack (or,
// for orgs too large for that, in a per-thread buffer sized on first use).
//
// Steps, each mirroring the reference evaluator:
//   1. the zone set: which zones the request is in (IP zones by the chain
//      walk over one index lookup per hop, dynamic zones from the context's
//      client attributes);
//   2. the blocklist (any chain IP, no hop limit) and DefaultExemptIpZone;
//   3. rule masks: OR the rule lists of the context's groups, user, zones,
//      behaviors, IdP and app into scratch; pick the static masks of its risk
//      level, auth type and IdP kind;
//   4. scan the AND of all masks word by word; the first candidate whose rare
//      conditions (and whose policy's own conditions) hold wins: those are
//      checked by the condition functions of lib/eval/conditions.h, the
//      same the reference evaluator calls.
// With a DecisionReasons buffer, Explain then walks the policies and rules
// before the winner through the same functions, to say why (the masks say
// that a rule failed, not which condition failed first).
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <new>
#include <optional>
#include <type_traits>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/compile/compiled_data.h"
#include "lib/compile/condition_kinds.h"
#include "lib/eval/conditions.h"
#include "lib/eval/dynamic_zone_match.h"
#include "lib/eval/idp_routing.h"
#include "verdict/decision_reasons.h"
#include "verdict/engine.h"

namespace verdict {
namespace internal {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr size_t kStackScratchWords = 2048;  // 16 KiB
// Only the first kMaxChainHops hops from the right are ever read from the
// main index (the chain walk and DetermineClientIp stop there).
constexpr size_t kCachedHops = kMaxChainHops;
// Group ids kept per context (ForEachGroupId).
constexpr size_t kCachedGroups = 128;

bool SpanHas(absl::Span<const uint32_t> sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

bool TestBit(const uint64_t* bits, uint32_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
void SetBit(uint64_t* bits, uint32_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

// ------------------------------------------------------------ evaluation

// One evaluation. It is also the ZoneMembership the condition functions ask
// (from the zone set computed in step 1).
class Evaluation final : public ZoneMembership {
 public:
  Evaluation(const CompiledData& d, const SignOnContext& ctx, uint64_t* scratch)
      : d_(d), ctx_(ctx), scratch_(scratch) {}

  bool InZone(const NetworkZone& zone, std::string* /*why*/) const override {
    return TestBit(zone_bits_, static_cast<uint32_t>(&zone - d_.snapshot.zones.data()));
  }
  bool InAnyAllZonesZone(std::string* /*why*/) const override { return any_all_zones_; }

  // Steps 1 and 2, shared by every type decided for this context: the zone
  // set (all of it when `full_zone_set`, else only what the blocklist
  // needs) and the blocking zone.
  void Prepare(bool full_zone_set) {
    zone_bits_ = scratch_;
    if (d_.zone_words == 1) {
      zone_bits_[0] = 0;  // the common case, without a memset call
    } else {
      std::memset(zone_bits_, 0, d_.zone_words * sizeof(uint64_t));
    }
    if (full_zone_set) {
      ComputeZoneSet();
    } else {
      BlocklistZoneSet();
    }
    blocker_ = BlockingZone();
  }

  // Steps 3 and 4 for one type, after Prepare (with a full zone set if the
  // type's TypeProgram::reads_zones).
  Decision Decide(PolicyType type) {
    Decision decision;
    decision.type = type;
    if (blocker_ != kNone) {
      decision.blocked = true;
      decision.blocking_zone = &d_.snapshot.zones[blocker_];
      decision.outcome = Outcome::kDeny;
      return decision;
    }
    const TypeProgram& prog = d_.types[static_cast<int>(type)];
    if (type == PolicyType::kAccessPolicy && ctx_.app_id.empty()) return decision;
    if (!internal::PolicyTypeCoversUser(type, ctx_, nullptr)) return decision;
    if (prog.rule_count == 0) return decision;
    // Most types of most orgs have at most 64 rules: with the word count a
    // constant, the mask clearing and the scan need no loop or memset call.
    const uint32_t winner = prog.words == 1 ? FindWinner<1>(prog) : FindWinner<0>(prog);
    if (winner == kNone) return decision;
    const CompiledRule& cr = prog.rules[winner];
    decision.policy = cr.policy;
    decision.rule = cr.rule;
    decision.outcome = DecideOutcome(type, *cr.rule, ctx_, nullptr);
    if (type == PolicyType::kIdpDiscovery && cr.rule->idp) {
      const internal::IdpRoute route = internal::RouteIdp(*cr.rule, *d_.facts, ctx_, nullptr);
      decision.idp_provider = route.provider;
      decision.idp_fallback_to_okta = route.fallback_to_okta;
    }
    return decision;
  }

  // Why `decision` (Decide's answer for `type`, after Prepare with a full
  // zone set) came out so: the reference evaluator's walk, up to the winner,
  // with each policy and rule asked through the shared condition functions,
  // whose short circuit names the first condition that failed. Appends
  // within the capacities of `out`'s vectors only, so it never allocates.
  void Explain(PolicyType type, const Decision& decision, DecisionReasons* out) const {
    out->Clear();
    if (decision.blocked) return;
    if (type == PolicyType::kAccessPolicy && ctx_.app_id.empty()) return;
    if (!PolicyTypeCoversUser(type, ctx_, nullptr)) return;
    out->walked = true;
    const ConditionInputs in{ctx_, *d_.facts, *this};
    auto append = [&](auto& items, const auto& item) {
      if (items.size() < items.capacity()) {
        items.push_back(item);
      } else {
        out->truncated = true;
      }
    };
    for (const Policy* policy : d_.types[static_cast<int>(type)].all_policies) {
      if (policy == decision.policy) break;
      PassedOverPolicy item;
      item.policy = policy;
      if (!policy->active) {
        item.why = PassOver::kInactive;
      } else if (std::none_of(policy->rules.begin(), policy->rules.end(),
                              [](const Rule& r) { return r.active; })) {
        item.why = PassOver::kNoActiveRules;
      } else if (!PolicyApplies(*policy, in, nullptr, &item.condition)) {
        item.why = PassOver::kNotApplicable;
      } else {
        item.why = PassOver::kNoRuleMatched;  // it applied, and no rule of it won
      }
      append(out->passed_over, item);
    }
    if (decision.rule == nullptr) return;
    for (const Rule& rule : decision.policy->rules) {
      if (&rule == decision.rule) break;
      FailedRule item;
      item.rule = &rule;
      if (!rule.active) {
        item.inactive = true;
      } else {
        ConditionsHold(rule.conditions, in, ConditionScope::kAll, nullptr, &item.condition);
      }
      append(out->rules_before_winner, item);
    }
    for (int k = 0; k < kConditionKindCount; ++k) {
      const auto kind = static_cast<ConditionKind>(k);
      if (Has(decision.rule->conditions, kind)) {
        out->winner_conditions[out->winner_condition_count++] = kind;
      }
    }
  }

 private:
  // Lookup of the i-th chain IP counted from the right (0 = the hop that
  // connects to Okta). Looked up on first use: the walk usually stops after
  // one or two hops, so the rest of a long chain is never looked up.
  ZoneIpMatch Hop(size_t i) const {
    if (i < kCachedHops) {
      const size_t n = ctx_.ip_chain.size();
      for (; hops_done_ <= i; ++hops_done_) {
        // Placement new: the element's lifetime begins here (HopCache).
        new (&hops_.at[hops_done_])
            ZoneIpMatch(d_.ip_index.Lookup(ctx_.ip_chain[n - 1 - hops_done_]));
      }
      return hops_.at[i];
    }
    return d_.ip_index.Lookup(ctx_.ip_chain[ctx_.ip_chain.size() - 1 - i]);
  }

  // ---------------------------------------------------------- zones

  void ComputeZoneSet() {
    if (ctx_.zones) {
      ListedZoneSet();
    } else {
      ChainAndClientZoneSet();
    }
    in_legacy_ = d_.legacy_zone != kNone && TestBit(zone_bits_, d_.legacy_zone);
    any_all_zones_ = false;
    for (uint32_t w = 0; w < d_.zone_words; ++w) {
      if (zone_bits_[w] & d_.all_zones_eligible[w]) {
        any_all_zones_ = true;
        break;
      }
    }
  }

  // A type whose rules and policies never ask about zones: only the dynamic
  // BLOCKLIST zones matter (BlockingZone reads their bits; the IP blocklist
  // has its own index), so the chain walk and the other dynamic zones are
  // skipped. in_legacy_ and any_all_zones_ stay false, unread.
  void BlocklistZoneSet() {
    if (ctx_.zones) {
      ListedZoneSet();
      return;
    }
    if (d_.dynamic_blocklist_records.empty()) return;
    DynamicZoneClient client(d_.dynamic, ctx_);
    for (uint32_t r : d_.dynamic_blocklist_records) {
      const DynamicZoneRecord& record = d_.dynamic.records[r];
      if (client.InZone(record)) SetBit(zone_bits_, record.zone);
    }
  }

  // A context that gives its zones by id: the listed ACTIVE zones
  // (InListedZone of lib/eval/conditions.h).
  void ListedZoneSet() {
    for (const std::string& id : *ctx_.zones) {
      const uint32_t z = d_.zone_ids.Find(Sv(id));
      if (z != IdTable::kAbsent && d_.zones[z].active) SetBit(zone_bits_, z);
    }
  }

  void ChainAndClientZoneSet() {
    const uint32_t zone_count = static_cast<uint32_t>(d_.zones.size());
    const size_t n = ctx_.ip_chain.size();
    if (n > 0) {
      // Part B §3.3 per zone, all zones at once: hop 1 puts its gateway zones
      // in; its proxy zones stay alive and step left; a later hop keeps a
      // live zone when it is that zone's proxy, puts it in when it is that
      // zone's gateway, drops it otherwise; five hops at most.
      const ZoneIpMatch first = Hop(0);
      for (uint32_t z : first.gateway_zones) {
        if (z < zone_count) SetBit(zone_bits_, z);
      }
      uint32_t* alive = reinterpret_cast<uint32_t*>(scratch_ + d_.zone_words);
      uint32_t live = 0;
      if (n > 1) {
        for (uint32_t z : first.proxy_zones) {
          if (!SpanHas(first.gateway_zones, z)) alive[live++] = z;
        }
      }
      const size_t last_hop = std::min<size_t>(n, kMaxChainHops);
      for (size_t k = 2; k <= last_hop && live > 0; ++k) {
        const ZoneIpMatch m = Hop(k - 1);
        uint32_t kept = 0;
        for (uint32_t i = 0; i < live; ++i) {
          const uint32_t z = alive[i];
          if (SpanHas(m.gateway_zones, z)) {
            SetBit(zone_bits_, z);
          } else if (k < static_cast<size_t>(kMaxChainHops) && k < n && SpanHas(m.proxy_zones, z)) {
            alive[kept++] = z;
          }
        }
        live = kept;
      }
    }
    // Dynamic zones: only the records the index offers can hold the context,
    // tested on their flat form (lib/eval/dynamic_zone_match.h).
    if (d_.dynamic.records.empty()) return;
    DynamicZoneClient client(d_.dynamic, ctx_);
    auto test = [&](const std::vector<uint32_t>& records) {
      for (uint32_t r : records) {
        const DynamicZoneRecord& record = d_.dynamic.records[r];
        if (client.InZone(record)) SetBit(zone_bits_, record.zone);
      }
    };
    if (client.country() < d_.dynamic_by_country.size()) {
      // Filed under the context's country (and region): a location holds.
      // A zone filed under both lists is tested twice, to the same answer.
      // Records with an ASN list only under the context's ASN.
      auto test_located = [&](const CompiledData::LocatedZones& located) {
        for (uint32_t r : located.any_asn) {
          const DynamicZoneRecord& record = d_.dynamic.records[r];
          if (client.InZoneLocated(record)) SetBit(zone_bits_, record.zone);
        }
        if (!ctx_.asn.has_value() || located.by_asn.empty()) return;
        auto it = located.by_asn.find(*ctx_.asn);
        if (it == located.by_asn.end()) return;
        for (uint32_t r : it->second) {
          const DynamicZoneRecord& record = d_.dynamic.records[r];
          if (client.InZoneLocated(record)) SetBit(zone_bits_, record.zone);
        }
      };
      const CompiledData::CountryZones& country = d_.dynamic_by_country[client.country()];
      test_located(country.any_region);
      if (client.region() != kUnknownCode && !country.by_region.empty()) {
        auto r = country.by_region.find(client.region());
        if (r != country.by_region.end()) test_located(r->second);
      }
    }
    if (ctx_.asn.has_value() && !d_.dynamic_by_asn.empty()) {
      auto it = d_.dynamic_by_asn.find(*ctx_.asn);
      if (it != d_.dynamic_by_asn.end()) test(it->second);
    }
    for (uint32_t z :
         d_.dynamic_by_proxy[static_cast<int>(ctx_.proxy_type.value_or(ProxyType::kNone))]) {
      SetBit(zone_bits_, z);
    }
    test(d_.dynamic_other);
  }

  bool Exempt(ZoneIpMatch m) const {
    return d_.exempt_id != kNone && SpanHas(m.gateway_zones, d_.exempt_id);
  }

  // DetermineClientIp over the index: the first IP from the right that is
  // not a proxy of an ACTIVE IP zone, at most 5 examined. Returns its
  // position from the right, or -1 for an empty chain.
  int ClientHop() const {
    const size_t n = ctx_.ip_chain.size();
    for (size_t i = 0; i < n; ++i) {
      if (Hop(i).proxy_zones.empty() || i + 1 == kMaxChainHops || i + 1 == n) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  // False when no IP BLOCKLIST zone can hold `ip` (CompiledData::
  // block_v4_octets): its block_index lookup would find none.
  bool MayBeBlocklisted(IpAddress ip) const {
    const absl::uint128 v = ip.value();
    const uint64_t lo = absl::Uint128Low64(v);
    if (absl::Uint128High64(v) != 0 || (lo >> 32) != 0xffff) return d_.block_non_v4;
    const uint32_t octet = static_cast<uint32_t>(lo >> 24) & 0xff;
    return TestBit(d_.block_v4_octets.data(), octet);
  }

  // Part A §A2 blocklist; the first blocklist zone (in snapshot order) with
  // any hit, or kNone when not blocked.
  uint32_t BlockingZone() const {
    if (ctx_.zones) {
      const NetworkZone* z = ListedBlockingZone(*d_.facts, ctx_, nullptr);
      return z == nullptr ? kNone : static_cast<uint32_t>(z - d_.snapshot.zones.data());
    }
    if (!d_.has_ip_blocklist && d_.dynamic_blocklist_zones.empty()) return kNone;
    uint32_t first = kNone;
    bool any = false;
    bool all_exempt = true;
    if (d_.has_ip_blocklist) {
      const uint32_t zone_count = static_cast<uint32_t>(d_.zones.size());
      for (const IpAddress& ip : ctx_.ip_chain) {
        if (!MayBeBlocklisted(ip)) continue;
        // Ids ascend: blocklist zones first, the exempt pseudo id last.
        const absl::Span<const uint32_t> ids = d_.block_index.Lookup(ip).gateway_zones;
        if (ids.empty() || ids.front() >= zone_count) continue;
        any = true;
        first = std::min(first, ids.front());
        if (ids.back() != d_.block_exempt_id) all_exempt = false;
      }
    }
    for (uint32_t z : d_.dynamic_blocklist_zones) {
      if (!TestBit(zone_bits_, z)) continue;
      any = true;
      first = std::min(first, z);
      const int client = ClientHop();
      if (client < 0 || !Exempt(Hop(static_cast<size_t>(client)))) all_exempt = false;
    }
    if (!any || all_exempt) return kNone;
    return first;
  }

  // ---------------------------------------------------------- rule masks

  // kWords as for FindWinner: a dense list has that many words.
  template <uint32_t kWords = 0>
  void OrList(const RuleList& list, uint64_t* dst) const {
    if (list.dense) {
      const uint64_t* src = d_.dense_pool.data() + list.offset;
      const uint32_t words = kWords != 0 ? kWords : list.count;
      for (uint32_t w = 0; w < words; ++w) dst[w] |= src[w];
    } else {
      const uint32_t* src = d_.sparse_pool.data() + list.offset;
      for (uint32_t i = 0; i < list.count; ++i) SetBit(dst, src[i]);
    }
  }

  const uint64_t* Mask(uint32_t offset) const { return d_.dense_pool.data() + offset; }

  // kWords: prog.words when known at compile time, 0 otherwise.
  template <uint32_t kWords>
  uint32_t FindWinner(const TypeProgram& prog) {
    const uint32_t words = kWords != 0 ? kWords : prog.words;
    uint64_t* base = scratch_ + d_.zone_words + (d_.ip_zone_count + 2) / 2 + 1;
    uint64_t* zero = base;
    // With a constant word count all eight masks are cleared at once (a few
    // vector stores); otherwise each as it is handed out.
    if (kWords != 0) {
      std::memset(base, 0, 8 * words * sizeof(uint64_t));
    } else {
      std::memset(zero, 0, words * sizeof(uint64_t));
    }
    uint64_t* next = base + words;
    auto region = [&](bool needed) {
      if (!needed) return zero;
      uint64_t* r = next;
      next += words;
      if (kWords == 0) std::memset(r, 0, words * sizeof(uint64_t));
      return r;
    };
    const bool has_user = ctx_.has_user();
    uint64_t* policy = region(prog.has_policy_lists);
    uint64_t* people_in = region(has_user && prog.has_people_lists);
    uint64_t* people_out = region(has_user && prog.has_people_lists);
    uint64_t* net_in = region(prog.has_zone_lists);
    uint64_t* net_out = region(prog.has_zone_lists);
    uint64_t* behaviors = region(prog.has_behavior_lists && !ctx_.behaviors.empty());
    const bool idp_okta = AsciiEqualsIgnoreCase(ctx_.identity_provider_type, "OKTA");
    uint64_t* idp = region(!idp_okta && prog.has_idp_lists);

    if (has_user && prog.has_group_lists) {
      ForEachGroupId([&](uint32_t group) {
        if (group >= prog.by_group.size()) return;
        const GroupLists& lists = prog.by_group[group];
        if (people_in != zero) {
          OrList<kWords>(lists.people_include, people_in);
          OrList<kWords>(lists.people_exclude, people_out);
        }
        if (policy != zero) OrList<kWords>(lists.policy_include, policy);
      });
    }
    if (people_in != zero && prog.has_user_lists) {
      const uint32_t user = d_.user_ids.Find(Sv(ctx_.user.id));
      if (user < prog.by_user.size()) {
        OrList<kWords>(prog.by_user[user].include, people_in);
        OrList<kWords>(prog.by_user[user].exclude, people_out);
      }
    }
    if (prog.has_app_lists && !ctx_.app_id.empty()) {
      const uint32_t app = d_.app_ids.Find(Sv(ctx_.app_id));
      if (app < prog.by_app.size()) OrList<kWords>(prog.by_app[app], policy);
    }
    if (net_in != zero) {
      for (uint32_t w = 0; w < d_.zone_words; ++w) {
        for (uint64_t bits = zone_bits_[w]; bits != 0; bits &= bits - 1) {
          const uint32_t z = w * 64 + static_cast<uint32_t>(std::countr_zero(bits));
          OrList<kWords>(prog.by_zone[z].include, net_in);
          OrList<kWords>(prog.by_zone[z].exclude, net_out);
        }
      }
    }
    if (behaviors != zero) {
      for (const std::string& seen : ctx_.behaviors) {
        if (const std::vector<uint32_t>* tokens = d_.behavior_ci.Find(Sv(seen))) {
          for (uint32_t t : *tokens) OrList<kWords>(prog.by_behavior_token[t], behaviors);
        }
        if (const std::vector<uint32_t>* tokens = d_.behavior_exact.Find(Sv(seen))) {
          for (uint32_t t : *tokens) OrList<kWords>(prog.by_behavior_token[t], behaviors);
        }
      }
    }
    if (idp != zero) {
      const uint32_t id = d_.idp_ids.Find(Sv(ctx_.identity_provider_id));
      if (id < prog.by_idp.size()) OrList<kWords>(prog.by_idp[id], idp);
    }

    // Static masks for this context.
    const uint64_t user_mul = has_user ? ~uint64_t{0} : 0;
    const uint64_t all_mul = any_all_zones_ ? ~uint64_t{0} : 0;
    const uint64_t* policy_always = Mask(prog.policy_always);
    const uint64_t* policy_everyone = Mask(prog.policy_everyone);
    const uint64_t* people_free = Mask(prog.people_free);
    const uint64_t* people_every_in = Mask(prog.people_everyone_include);
    const uint64_t* people_every_out = Mask(prog.people_everyone_exclude);
    const uint64_t* net_free = Mask(prog.net_free);
    const uint64_t* net_legacy = Mask(in_legacy_ ? prog.net_on : prog.net_off);
    const uint64_t* net_all_in = Mask(prog.net_include_all);
    const uint64_t* net_all_out = Mask(prog.net_exclude_all);
    const uint64_t* risk =
        Mask(prog.risk_by_level[ctx_.risk_level ? 1 + static_cast<int>(*ctx_.risk_level) : 0]);
    uint32_t auth_offset = prog.auth_other;
    for (size_t i = 0; i < prog.auth_values.size(); ++i) {
      if (AsciiEqualsIgnoreCase(prog.auth_values[i], Sv(ctx_.auth_type))) {
        auth_offset = prog.auth_masks[i];
        break;
      }
    }
    const uint64_t* auth = Mask(auth_offset);
    const uint64_t* behaviors_free = Mask(prog.behaviors_free);
    const uint64_t* idp_static = Mask(idp_okta ? prog.idp_okta_context : prog.idp_any);

    auto candidates = [&](uint32_t w) {
      uint64_t c = policy_always[w] | (policy_everyone[w] & user_mul) | policy[w];
      c &= people_free[w] | (people_every_in[w] & user_mul) | people_in[w];
      c &= ~((people_every_out[w] & user_mul) | people_out[w]);
      c &= net_free[w] | net_legacy[w] | (net_all_in[w] & all_mul) | net_in[w];
      c &= ~((net_all_out[w] & all_mul) | net_out[w]);
      c &= risk[w] & auth[w];
      c &= behaviors_free[w] | behaviors[w];
      c &= idp_static[w] | idp[w];
      return c;
    };

    uint32_t policy_ok = kNone;
    uint32_t pos = 0;
    while (pos < prog.rule_count) {
      const uint32_t w = pos / 64;
      const uint64_t bits = candidates(w) & (~uint64_t{0} << (pos % 64));
      if (bits == 0) {
        pos = (w + 1) * 64;
        continue;
      }
      const uint32_t r = w * 64 + static_cast<uint32_t>(std::countr_zero(bits));
      const CompiledRule& cr = prog.rules[r];
      const CompiledPolicy& cp = prog.policies[cr.policy_slot];
      if (cp.exact != kNone && policy_ok != cr.policy_slot) {
        if (!ExactHolds(d_.exact_checks[cp.exact])) {
          pos = cp.rule_end;
          continue;
        }
        policy_ok = cr.policy_slot;
      }
      if (cr.exact != kNone && !ExactHolds(d_.exact_checks[cr.exact])) {
        pos = r + 1;
        continue;
      }
      return r;
    }
    return kNone;
  }

  // Calls f(id) for each of the context's groups that some rule or policy
  // names (its CompiledData::group_ids id). The ids are looked up once per
  // context and kept for the next type EvaluateAll decides; a context with
  // more than kCachedGroups groups is looked up each time instead.
  template <typename F>
  void ForEachGroupId(F f) {
    const std::vector<std::string>& groups = ctx_.user.groups;
    if (groups.size() > kCachedGroups) {
      for (const std::string& g : groups) {
        if (const uint32_t id = d_.group_ids.Find(Sv(g)); id != IdTable::kAbsent) f(id);
      }
      return;
    }
    if (!groups_cached_) {
      cached_group_count_ = 0;
      for (const std::string& g : groups) {
        if (const uint32_t id = d_.group_ids.Find(Sv(g)); id != IdTable::kAbsent) {
          group_ids_[cached_group_count_++] = id;
        }
      }
      groups_cached_ = true;
    }
    for (uint32_t i = 0; i < cached_group_count_; ++i) f(group_ids_[i]);
  }

  // ---------------------------------------------------------- exact checks

  // The conditions of a candidate (or of its policy) that the masks do not
  // answer, through the shared condition functions.
  bool ExactHolds(const ExactCheck& e) const {
    const ConditionScope scope = e.only_rare            ? ConditionScope::kNotIndexed
                                 : e.skip_group_include ? ConditionScope::kAllButGroupInclude
                                                        : ConditionScope::kAll;
    return ConditionsHold(*e.conditions, {ctx_, *d_.facts, *this}, scope, nullptr);
  }

  const CompiledData& d_;
  const SignOnContext& ctx_;
  uint64_t* scratch_;
  uint64_t* zone_bits_ = nullptr;
  bool in_legacy_ = false;
  bool any_all_zones_ = false;
  uint32_t blocker_ = kNone;  // the blocking zone, kNone when not blocked
  bool groups_cached_ = false;
  uint32_t cached_group_count_ = 0;
  uint32_t group_ids_[kCachedGroups];  // [0, cached_group_count_) once groups_cached_
  mutable size_t hops_done_ = 0;       // hops_.at[0, hops_done_) are looked up
  // Left uninitialised until Hop constructs them in place: the spans'
  // default constructors were ~20 stores per decision, for hops most
  // decisions never look up. (ZoneIpMatch is trivially destructible.)
  static_assert(std::is_trivially_destructible_v<ZoneIpMatch>);
  union HopCache {
    HopCache() {}
    ZoneIpMatch at[kCachedHops];
  };
  mutable HopCache hops_;
};

}  // namespace
}  // namespace internal

namespace internal {
namespace {

// Runs `f(scratch)` with scratch words enough for one evaluation of `d`.
template <typename F>
auto WithScratch(const CompiledData& d, F f) {
  if (d.scratch_words <= kStackScratchWords) {
    uint64_t scratch[kStackScratchWords];
    return f(scratch);
  }
  // Orgs too large for the stack buffer: one buffer per thread, grown to the
  // largest set this thread has evaluated, then reused without allocating.
  thread_local std::vector<uint64_t> scratch;
  if (scratch.size() < d.scratch_words) scratch.resize(d.scratch_words);
  return f(scratch.data());
}

}  // namespace
}  // namespace internal

Decision CompiledPolicySet::Evaluate(const SignOnContext& context, PolicyType type) const {
  const internal::CompiledData& d = *data_;
  return internal::WithScratch(d, [&](uint64_t* scratch) {
    internal::Evaluation evaluation(d, context, scratch);
    evaluation.Prepare(d.types[static_cast<int>(type)].reads_zones);
    return evaluation.Decide(type);
  });
}

Decision CompiledPolicySet::Evaluate(const SignOnContext& context, PolicyType type,
                                     DecisionReasons* reasons) const {
  if (reasons == nullptr) return Evaluate(context, type);
  const internal::CompiledData& d = *data_;
  return internal::WithScratch(d, [&](uint64_t* scratch) {
    internal::Evaluation evaluation(d, context, scratch);
    // The full zone set: the walk asks the network conditions of policies
    // and rules the masks had answered.
    evaluation.Prepare(/*full_zone_set=*/true);
    const Decision decision = evaluation.Decide(type);
    evaluation.Explain(type, decision, reasons);
    return decision;
  });
}

std::array<Decision, kPolicyTypeCount> CompiledPolicySet::EvaluateAll(
    const SignOnContext& context) const {
  const internal::CompiledData& d = *data_;
  return internal::WithScratch(d, [&](uint64_t* scratch) {
    internal::Evaluation evaluation(d, context, scratch);
    evaluation.Prepare(d.any_type_reads_zones);
    std::array<Decision, kPolicyTypeCount> decisions;
    for (int t = 0; t < kPolicyTypeCount; ++t) {
      decisions[t] = evaluation.Decide(static_cast<PolicyType>(t));
    }
    return decisions;
  });
}

}  // namespace verdict
