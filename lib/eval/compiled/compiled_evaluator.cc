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
//      conditions (and whose policy's own conditions) hold wins.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/compile/compiled_data.h"
#include "lib/eval/idp_routing.h"
#include "verdict/engine.h"

namespace verdict {
namespace internal {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

constexpr size_t kStackScratchWords = 2048;  // 16 KiB
// Only the first kMaxChainHops hops from the right are ever read from the
// main index (the chain walk and DetermineClientIp stop there).
constexpr size_t kCachedHops = kMaxChainHops;

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  for (const std::string& s : list) {
    if (s == value) return true;
  }
  return false;
}

bool ContainsIgnoreCase(const std::vector<std::string>& list, std::string_view value) {
  for (const std::string& s : list) {
    if (absl::EqualsIgnoreCase(s, Sv(value))) return true;
  }
  return false;
}

bool SpanHas(absl::Span<const uint32_t> sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

bool TestBit(const uint64_t* bits, uint32_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
void SetBit(uint64_t* bits, uint32_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

bool ContainsIgnoreCaseSubstr(absl::string_view hay, absl::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (absl::EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

// ------------------------------------------------------------ dynamic zones

bool LocationMatches(const std::vector<ZoneLocation>& locations, const SignOnContext& ctx) {
  if (!ctx.geo.has_value()) return false;
  for (const ZoneLocation& loc : locations) {
    if (!absl::EqualsIgnoreCase(loc.country, ctx.geo->country)) continue;
    if (loc.region.empty() || absl::EqualsIgnoreCase(loc.region, ctx.geo->region)) return true;
  }
  return false;
}

bool AsnMatches(const std::vector<uint32_t>& asns, const SignOnContext& ctx) {
  return ctx.asn.has_value() && std::find(asns.begin(), asns.end(), *ctx.asn) != asns.end();
}

bool ProxyCriterionMatches(ZoneProxyCriterion criterion, ProxyType proxy) {
  switch (criterion) {
    case ZoneProxyCriterion::kNoConstraint:
      return true;
    case ZoneProxyCriterion::kAny:
      return proxy == ProxyType::kTor || proxy == ProxyType::kAnonymizer;
    case ZoneProxyCriterion::kTor:
      return proxy == ProxyType::kTor;
    case ZoneProxyCriterion::kNotTorAnonymizer:
      return proxy == ProxyType::kAnonymizer;
  }
  return false;
}

bool CategoryMatches(const std::vector<std::string>& categories, const SignOnContext& ctx) {
  const ProxyType proxy = ctx.proxy_type.value_or(ProxyType::kNone);
  for (const std::string& cat : categories) {
    if (ContainsIgnoreCase(ctx.ip_service_categories, cat)) return true;
    if (cat == "ALL_ANONYMIZERS" && proxy != ProxyType::kNone) return true;
    if (cat == "ANONYMIZER_TOR" && proxy == ProxyType::kTor) return true;
    if (cat == "ALL_ANONYMIZERS_EXCEPT_TOR" && proxy == ProxyType::kAnonymizer) return true;
  }
  return false;
}

// Part A §A2 dynamic zones (reference ClientInDynamicZone).
bool ClientInDynamicZone(const NetworkZone& zone, const SignOnContext& ctx) {
  const bool v2 = zone.type == ZoneType::kDynamicV2;
  const bool any_criterion =
      !zone.locations.empty() || !zone.asns.empty() ||
      zone.proxy_type != ZoneProxyCriterion::kNoConstraint ||
      (v2 && (!zone.ip_service_categories.empty() || !zone.locations_exclude.empty() ||
              !zone.asns_exclude.empty() || !zone.ip_service_categories_exclude.empty()));
  if (!any_criterion) return false;
  if (!zone.locations.empty() && !LocationMatches(zone.locations, ctx)) return false;
  if (!zone.asns.empty() && !AsnMatches(zone.asns, ctx)) return false;
  if (!ProxyCriterionMatches(zone.proxy_type, ctx.proxy_type.value_or(ProxyType::kNone))) {
    return false;
  }
  if (v2) {
    if (!zone.ip_service_categories.empty() && !CategoryMatches(zone.ip_service_categories, ctx)) {
      return false;
    }
    if (!zone.locations_exclude.empty() && LocationMatches(zone.locations_exclude, ctx)) {
      return false;
    }
    if (!zone.asns_exclude.empty() && AsnMatches(zone.asns_exclude, ctx)) return false;
    if (!zone.ip_service_categories_exclude.empty() &&
        CategoryMatches(zone.ip_service_categories_exclude, ctx)) {
      return false;
    }
  }
  return true;
}

// ------------------------------------------------------------ evaluation

class Evaluation {
 public:
  Evaluation(const CompiledData& d, const SignOnContext& ctx, uint64_t* scratch)
      : d_(d), ctx_(ctx), scratch_(scratch) {}

  Decision Run(PolicyType type) {
    Decision decision;
    decision.type = type;
    zone_bits_ = scratch_;
    std::memset(zone_bits_, 0, d_.zone_words * sizeof(uint64_t));
    ComputeZoneSet();
    if (const uint32_t blocker = BlockingZone(); blocker != kNone) {
      decision.blocked = true;
      decision.blocking_zone = &d_.snapshot.zones[blocker];
      decision.outcome = Outcome::kDeny;
      return decision;
    }
    if (type == PolicyType::kAccessPolicy && ctx_.app_id.empty()) return decision;
    const TypeProgram& prog = d_.types[static_cast<int>(type)];
    if (prog.rule_count == 0) return decision;
    const uint32_t winner = FindWinner(prog);
    if (winner == kNone) return decision;
    const CompiledRule& cr = prog.rules[winner];
    decision.policy = cr.policy;
    decision.rule = cr.rule;
    decision.outcome = OutcomeOf(cr);
    if (cr.rule->idp && cr.rule->idp->selection_type == "DYNAMIC") {
      const internal::IdpRoute route = internal::RouteDynamicIdp(*cr.rule->idp, cr.idp_criteria,
                                                                 ctx_, d_.expression_data, nullptr);
      decision.idp_provider = route.provider;
      decision.idp_fallback_to_okta = route.fallback_to_okta;
    }
    return decision;
  }

 private:
  // Lookup of the i-th chain IP counted from the right (0 = the hop that
  // connects to Okta). Looked up on first use: the walk usually stops after
  // one or two hops, so the rest of a long chain is never looked up.
  ZoneIpMatch Hop(size_t i) const {
    if (i < kCachedHops) {
      const size_t n = ctx_.ip_chain.size();
      for (; hops_done_ <= i; ++hops_done_) {
        hops_[hops_done_] = d_.ip_index.Lookup(ctx_.ip_chain[n - 1 - hops_done_]);
      }
      return hops_[i];
    }
    return d_.ip_index.Lookup(ctx_.ip_chain[ctx_.ip_chain.size() - 1 - i]);
  }

  // ---------------------------------------------------------- zones

  void ComputeZoneSet() {
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
    // Dynamic zones: only those the index offers can hold the context.
    auto test = [&](const std::vector<uint32_t>& zones) {
      for (uint32_t z : zones) {
        if (ClientInDynamicZone(d_.snapshot.zones[z], ctx_)) SetBit(zone_bits_, z);
      }
    };
    if (ctx_.geo.has_value() && !d_.dynamic_by_country.empty()) {
      // A zone filed under both lists is tested twice, to the same answer.
      auto it = d_.dynamic_by_country.find(Sv(ctx_.geo->country));
      if (it != d_.dynamic_by_country.end()) {
        test(it->second.any_region);
        if (!ctx_.geo->region.empty() && !it->second.by_region.empty()) {
          auto r = it->second.by_region.find(Sv(ctx_.geo->region));
          if (r != it->second.by_region.end()) test(r->second);
        }
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
    in_legacy_ = d_.legacy_zone != kNone && TestBit(zone_bits_, d_.legacy_zone);
    any_all_zones_ = false;
    for (uint32_t w = 0; w < d_.zone_words; ++w) {
      if (zone_bits_[w] & d_.all_zones_eligible[w]) {
        any_all_zones_ = true;
        break;
      }
    }
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

  // Part A §A2 blocklist; the first blocklist zone (in snapshot order) with
  // any hit, or kNone when not blocked.
  uint32_t BlockingZone() const {
    if (!d_.has_ip_blocklist && d_.dynamic_blocklist_zones.empty()) return kNone;
    uint32_t first = kNone;
    bool any = false;
    bool all_exempt = true;
    if (d_.has_ip_blocklist) {
      const uint32_t zone_count = static_cast<uint32_t>(d_.zones.size());
      for (const IpAddress& ip : ctx_.ip_chain) {
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

  void OrList(const RuleList& list, uint64_t* dst) const {
    if (list.dense) {
      const uint64_t* src = d_.dense_pool.data() + list.offset;
      for (uint32_t w = 0; w < list.count; ++w) dst[w] |= src[w];
    } else {
      const uint32_t* src = d_.sparse_pool.data() + list.offset;
      for (uint32_t i = 0; i < list.count; ++i) SetBit(dst, src[i]);
    }
  }

  const uint64_t* Mask(uint32_t offset) const { return d_.dense_pool.data() + offset; }

  uint32_t FindWinner(const TypeProgram& prog) {
    const uint32_t words = prog.words;
    uint64_t* base = scratch_ + d_.zone_words + (d_.ip_zone_count + 2) / 2 + 1;
    uint64_t* zero = base;
    std::memset(zero, 0, words * sizeof(uint64_t));
    uint64_t* next = base + words;
    auto region = [&](bool needed) {
      if (!needed) return zero;
      uint64_t* r = next;
      next += words;
      std::memset(r, 0, words * sizeof(uint64_t));
      return r;
    };
    const bool has_user = ctx_.has_user;
    uint64_t* policy = region(prog.has_policy_lists);
    uint64_t* people_in = region(has_user && prog.has_people_lists);
    uint64_t* people_out = region(has_user && prog.has_people_lists);
    uint64_t* net_in = region(prog.has_zone_lists);
    uint64_t* net_out = region(prog.has_zone_lists);
    uint64_t* behaviors = region(prog.has_behavior_lists && !ctx_.behaviors.empty());
    const bool idp_okta = absl::EqualsIgnoreCase(ctx_.identity_provider_type, "OKTA");
    uint64_t* idp = region(!idp_okta && prog.has_idp_lists);

    if (has_user && (prog.has_policy_lists || prog.has_people_lists)) {
      for (const std::string& g : ctx_.user.groups) {
        auto it = d_.group_ids.find(Sv(g));
        if (it == d_.group_ids.end() || it->second >= prog.by_group.size()) continue;
        const GroupLists& lists = prog.by_group[it->second];
        if (people_in != zero) {
          OrList(lists.people_include, people_in);
          OrList(lists.people_exclude, people_out);
        }
        if (policy != zero) OrList(lists.policy_include, policy);
      }
      if (people_in != zero) {
        auto it = d_.user_ids.find(Sv(ctx_.user.id));
        if (it != d_.user_ids.end() && it->second < prog.by_user.size()) {
          OrList(prog.by_user[it->second].include, people_in);
          OrList(prog.by_user[it->second].exclude, people_out);
        }
      }
    }
    if (policy != zero && !ctx_.app_id.empty()) {
      auto it = d_.app_ids.find(Sv(ctx_.app_id));
      if (it != d_.app_ids.end() && it->second < prog.by_app.size()) {
        OrList(prog.by_app[it->second], policy);
      }
    }
    if (net_in != zero) {
      for (uint32_t w = 0; w < d_.zone_words; ++w) {
        for (uint64_t bits = zone_bits_[w]; bits != 0; bits &= bits - 1) {
          const uint32_t z = w * 64 + static_cast<uint32_t>(std::countr_zero(bits));
          OrList(prog.by_zone[z].include, net_in);
          OrList(prog.by_zone[z].exclude, net_out);
        }
      }
    }
    if (behaviors != zero) {
      for (const std::string& seen : ctx_.behaviors) {
        if (auto it = d_.behavior_ci.find(Sv(seen)); it != d_.behavior_ci.end()) {
          for (uint32_t t : it->second) OrList(prog.by_behavior_token[t], behaviors);
        }
        if (auto it = d_.behavior_exact.find(Sv(seen)); it != d_.behavior_exact.end()) {
          for (uint32_t t : it->second) OrList(prog.by_behavior_token[t], behaviors);
        }
      }
    }
    if (idp != zero) {
      auto it = d_.idp_ids.find(Sv(ctx_.identity_provider_id));
      if (it != d_.idp_ids.end() && it->second < prog.by_idp.size()) {
        OrList(prog.by_idp[it->second], idp);
      }
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
      if (absl::EqualsIgnoreCase(prog.auth_values[i], Sv(ctx_.auth_type))) {
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

  // ---------------------------------------------------------- outcome

  Outcome OutcomeOf(const CompiledRule& cr) const {
    switch (cr.outcome_kind) {
      case OutcomeKind::kFixed:
        return cr.outcome;
      case OutcomeKind::kFactorDevice:
        return ctx_.device.remembered.value_or(false) ? Outcome::kAllow : Outcome::kChallenge;
      case OutcomeKind::kFactorSession: {
        if (!ctx_.time || !ctx_.session.last_factor_verification || !cr.factor_lifetime_minutes) {
          return Outcome::kChallenge;
        }
        const absl::Duration since = *ctx_.time - *ctx_.session.last_factor_verification;
        return since > absl::Minutes(*cr.factor_lifetime_minutes) ? Outcome::kChallenge
                                                                  : Outcome::kAllow;
      }
    }
    return cr.outcome;
  }

  // ---------------------------------------------------------- exact checks
  // Allocation-free ports of the reference evaluator's condition functions,
  // used for the conditions that have no bitset dimension and for policies'
  // own conditions.

  bool ExactHolds(const ExactCheck& e) const {
    const Conditions& c = *e.conditions;
    if (!c.unknown_keys.empty()) return false;
    if (c.el_condition && !(e.el && e.el->EvaluateBool(ctx_, d_.expression_data, nullptr))) {
      return false;
    }
    if (!e.only_rare) {
      if (c.people && !PeopleHolds(*c.people, e.skip_group_include)) return false;
      if (c.network && !NetworkHolds(e.network)) return false;
      if (c.auth_context && !AuthContextHolds(*c.auth_context)) return false;
      if (c.risk && !BehaviorsHold(*c.risk)) return false;
      if (c.risk_score && !RiskScoreHolds(*c.risk_score)) return false;
      if (c.identity_provider && !IdentityProviderHolds(*c.identity_provider)) return false;
    }
    if (c.users && !IncludeExclude(*c.users, ctx_.user.id, ctx_.has_user)) return false;
    if (c.groups && !GroupsHold(*c.groups)) return false;
    if (c.auth_provider && !AuthProviderHolds(*c.auth_provider)) return false;
    if (c.user_status &&
        !(ctx_.has_user && absl::EqualsIgnoreCase(c.user_status->value, ctx_.user.status))) {
      return false;
    }
    if (c.user_type && !IncludeExclude(*c.user_type, ctx_.user.type, ctx_.has_user)) return false;
    if (c.app && !AppHolds(*c.app)) return false;
    if (c.apps && !IncludeExclude(*c.apps, ctx_.app_id, !ctx_.app_id.empty())) return false;
    if (c.platform && !PlatformHolds(*c.platform, e)) return false;
    if (c.device && !DeviceHolds(*c.device)) return false;
    if (c.context && !DeviceHolds(*c.context)) return false;
    if (c.user_identifier && !UserIdentifierHolds(*c.user_identifier, e)) return false;
    if (c.grant_types &&
        !IncludeExclude(*c.grant_types, ctx_.grant_type, !ctx_.grant_type.empty())) {
      return false;
    }
    if (c.scopes && !ScopesHold(*c.scopes)) return false;
    if (c.clients && !ClientsHold(*c.clients)) return false;
    if (c.mdm_enrollment && !MdmEnrollmentHolds(*c.mdm_enrollment)) return false;
    if ((c.entity_risk || c.risk_detection_types) && !EntityRiskHolds(c)) return false;
    return true;
  }

  bool InAnyGroup(const std::vector<std::string>& groups) const {
    if (!ctx_.has_user) return false;
    for (const std::string& g : groups) {
      if (Contains(ctx_.user.groups, g) || d_.everyone_groups.contains(Sv(g))) return true;
    }
    return false;
  }

  bool PeopleHolds(const PeopleCondition& p, bool skip_group_include) const {
    const bool groups_include = !skip_group_include && !p.groups.include.empty();
    const bool any_include = !p.users.include.empty() || groups_include;
    if (any_include) {
      const bool in_users = ctx_.has_user && Contains(p.users.include, ctx_.user.id);
      const bool in_groups = groups_include && InAnyGroup(p.groups.include);
      if (!in_users && !in_groups) return false;
    }
    if (ctx_.has_user && Contains(p.users.exclude, ctx_.user.id)) return false;
    if (InAnyGroup(p.groups.exclude)) return false;
    return true;
  }

  bool GroupsHold(const IdList& groups) const {
    if (!groups.include.empty() && !InAnyGroup(groups.include)) return false;
    return !InAnyGroup(groups.exclude);
  }

  static bool IncludeExclude(const IdList& list, std::string_view value, bool has_value) {
    if (!list.include.empty() && !(has_value && Contains(list.include, value))) return false;
    return !(has_value && Contains(list.exclude, value));
  }

  bool InAnyListedZone(const std::vector<uint32_t>& zones, bool all_zones) const {
    if (all_zones && any_all_zones_) return true;
    for (uint32_t z : zones) {
      if (TestBit(zone_bits_, z)) return true;
    }
    return false;
  }

  bool NetworkHolds(const CompiledNetwork& n) const {
    switch (n.connection) {
      case NetworkConnection::kAnywhere:
        return true;
      case NetworkConnection::kOnNetwork:
        return in_legacy_;
      case NetworkConnection::kOffNetwork:
        return !in_legacy_;
      case NetworkConnection::kZone:
        break;
    }
    if (n.include_nonempty && !InAnyListedZone(n.include, n.include_all_zones)) return false;
    return !InAnyListedZone(n.exclude, n.exclude_all_zones);
  }

  bool AuthContextHolds(const AuthContextCondition& a) const {
    return a.auth_type == "ANY" || absl::EqualsIgnoreCase(a.auth_type, ctx_.auth_type);
  }

  bool BehaviorsHold(const RiskBehaviorCondition& r) const {
    if (r.behaviors.empty()) return true;
    for (const std::string& wanted : r.behaviors) {
      const Behavior* def = nullptr;
      for (const Behavior& b : d_.snapshot.behaviors) {
        if (b.id == wanted || absl::EqualsIgnoreCase(b.name, wanted)) def = &b;
      }
      for (const std::string& seen : ctx_.behaviors) {
        if (absl::EqualsIgnoreCase(seen, wanted) ||
            (def != nullptr && (seen == def->id || absl::EqualsIgnoreCase(seen, def->name)))) {
          return true;
        }
      }
    }
    return false;
  }

  bool RiskScoreHolds(const RiskScoreCondition& r) const {
    if (r.level.has_value() && ctx_.risk_level != r.level) return false;
    if (r.min_risk_level.has_value() &&
        !(ctx_.risk_level.has_value() && *ctx_.risk_level >= *r.min_risk_level)) {
      return false;
    }
    return true;
  }

  bool IdentityProviderHolds(const IdentityProviderCondition& idp) const {
    if (idp.provider == "ANY") return true;
    if (idp.provider == "OKTA") return absl::EqualsIgnoreCase(ctx_.identity_provider_type, "OKTA");
    if (idp.provider == "SPECIFIC_IDP") {
      return !absl::EqualsIgnoreCase(ctx_.identity_provider_type, "OKTA") &&
             Contains(idp.idp_ids, ctx_.identity_provider_id);
    }
    return false;
  }

  bool AuthProviderHolds(const AuthProviderCondition& a) const {
    bool ok = a.provider == "ANY" || absl::EqualsIgnoreCase(a.provider, ctx_.user.provider);
    if (ok && a.provider != "ANY" && !a.include.empty()) {
      ok = Contains(a.include, ctx_.user.provider_id);
    }
    return ok;
  }

  bool AppMatches(const AppRef& ref) const {
    if (ref.type == "APP_TYPE") return false;
    return !ctx_.app_id.empty() && ref.id == ctx_.app_id;
  }

  bool AppHolds(const AppCondition& a) const {
    if (!a.include.empty() && std::none_of(a.include.begin(), a.include.end(),
                                           [&](const AppRef& r) { return AppMatches(r); })) {
      return false;
    }
    return std::none_of(a.exclude.begin(), a.exclude.end(),
                        [&](const AppRef& r) { return AppMatches(r); });
  }

  // `os` is the entry's compiled os.expression (null: none).
  bool PlatformEntryMatches(const PlatformEntry& e, const CompiledExpression* os_expression) const {
    if (!PlatformTypeMatches(e)) return false;
    return os_expression == nullptr ||
           os_expression->EvaluateBool(ctx_, d_.expression_data, nullptr);
  }

  bool PlatformTypeMatches(const PlatformEntry& e) const {
    const std::string_view os = ctx_.device.os_type;
    std::string_view type = ctx_.device.platform_type;
    if (type.empty()) {
      if (os == "IOS" || os == "ANDROID") type = "MOBILE";
      if (os == "MACOS" || os == "WINDOWS" || os == "CHROMEOS" || os == "LINUX") type = "DESKTOP";
    }
    if (e.type != "ANY" && e.type != type) return false;
    if (e.os_type != "ANY" && e.os_type != os) return false;
    return true;
  }

  bool PlatformHolds(const PlatformCondition& p, const ExactCheck& check) const {
    if (check.platform_os_malformed) return false;
    // check.platform_os: include entries, then exclude entries.
    auto matches = [&](const std::vector<PlatformEntry>& list, size_t offset) {
      for (size_t i = 0; i < list.size(); ++i) {
        const size_t k = offset + i;
        if (PlatformEntryMatches(
                list[i], k < check.platform_os.size() ? check.platform_os[k].get() : nullptr)) {
          return true;
        }
      }
      return false;
    };
    if (!p.include.empty() && !matches(p.include, 0)) return false;
    return !matches(p.exclude, p.include.size());
  }

  bool DeviceHolds(const DeviceCondition& d) const {
    auto flag = [](const std::optional<bool>& want, const std::optional<bool>& have) {
      return !want.has_value() || (have.has_value() && *have == *want);
    };
    if (!flag(d.registered, ctx_.device.registered)) return false;
    if (!flag(d.managed, ctx_.device.managed)) return false;
    if (!flag(d.rooted, ctx_.device.rooted)) return false;
    if (!d.assurance_include.empty() &&
        std::none_of(d.assurance_include.begin(), d.assurance_include.end(),
                     [&](const std::string& id) { return Contains(ctx_.device.assurance, id); })) {
      return false;
    }
    if (!d.trust_level.empty() && d.trust_level != "ANY" &&
        !absl::EqualsIgnoreCase(d.trust_level, ctx_.device.trust_level)) {
      return false;
    }
    if (!d.platform_types.empty()) {
      const std::string_view os =
          ctx_.device.os_type == "MACOS" ? std::string_view("OSX") : ctx_.device.os_type;
      if (!Contains(d.platform_types, os)) return false;
    }
    return d.supported_mdm_frameworks.empty();
  }

  bool UserIdentifierHolds(const UserIdentifierCondition& u, const ExactCheck& e) const {
    absl::string_view subject;
    if (u.type == "ATTRIBUTE") {
      auto it = ctx_.user.profile.find(u.attribute);
      if (it != ctx_.user.profile.end()) subject = it->second;
    } else {
      subject = Sv(!ctx_.login_identifier.empty() ? ctx_.login_identifier : ctx_.user.login);
    }
    for (const UserIdentifierPattern& p : u.patterns) {
      const absl::string_view value = p.value;
      bool hit = false;
      if (p.match_type == "EQUALS") hit = absl::EqualsIgnoreCase(subject, value);
      if (p.match_type == "STARTS_WITH") hit = absl::StartsWithIgnoreCase(subject, value);
      if (p.match_type == "SUFFIX") hit = absl::EndsWithIgnoreCase(subject, value);
      if (p.match_type == "CONTAINS") hit = ContainsIgnoreCaseSubstr(subject, value);
      if (p.match_type == "EXPRESSION") {
        const auto& re = e.user_identifier_regexes[&p - u.patterns.data()];
        hit = re && re->FullMatch(std::string_view(subject.data(), subject.size()));
      }
      if (hit) return true;
    }
    return false;
  }

  bool ScopesHold(const IdList& s) const {
    if (s.include.empty() || Contains(s.include, "*")) return true;
    for (const std::string& scope : ctx_.scopes) {
      if (Contains(s.include, scope)) return true;
    }
    return false;
  }

  // Ports of the reference evaluator's EntityRiskHolds / MdmEnrollmentHolds.
  bool EntityRiskHolds(const Conditions& c) const {
    // A pointer rather than a copied optional: GCC 12 -O2 warns (falsely) that a
    // copied std::optional<RiskLevel> may be used uninitialized.
    const RiskLevel* level = ctx_.entity_risk && ctx_.entity_risk->level.has_value()
                                 ? &*ctx_.entity_risk->level
                                 : nullptr;
    if (c.entity_risk && !c.entity_risk->level.empty() && c.entity_risk->level != "ANY") {
      if (level == nullptr || RiskLevelName(*level) != c.entity_risk->level) return false;
    }
    if (c.risk_detection_types) {
      if (!ctx_.entity_risk) return c.risk_detection_types->include.empty();
      const std::vector<std::string>& have = ctx_.entity_risk->detection_types;
      const auto any_listed = [&](const std::vector<std::string>& list) {
        return std::any_of(have.begin(), have.end(),
                           [&](const std::string& t) { return ContainsIgnoreCase(list, t); });
      };
      if (!c.risk_detection_types->include.empty() &&
          !any_listed(c.risk_detection_types->include)) {
        return false;
      }
      if (any_listed(c.risk_detection_types->exclude)) return false;
    }
    return true;
  }

  bool MdmEnrollmentHolds(const MdmEnrollmentCondition& m) const {
    if (!m.enrollment.empty() && !absl::EqualsIgnoreCase(m.enrollment, "ANY_OR_NONE")) {
      return false;
    }
    return !(m.block_non_safe_android.value_or(false) && ctx_.device.os_type == "ANDROID" &&
             ctx_.device.rooted.value_or(true));
  }

  bool ClientsHold(const IdList& c) const {
    return c.include.empty() || Contains(c.include, "ALL_CLIENTS") ||
           (!ctx_.client_id.empty() && Contains(c.include, ctx_.client_id));
  }

  const CompiledData& d_;
  const SignOnContext& ctx_;
  uint64_t* scratch_;
  uint64_t* zone_bits_ = nullptr;
  bool in_legacy_ = false;
  bool any_all_zones_ = false;
  mutable size_t hops_done_ = 0;  // hops_[0, hops_done_) are looked up
  mutable ZoneIpMatch hops_[kCachedHops];
};

}  // namespace
}  // namespace internal

Decision CompiledPolicySet::Evaluate(const SignOnContext& context, PolicyType type) const {
  const internal::CompiledData& d = *data_;
  if (d.scratch_words <= internal::kStackScratchWords) {
    uint64_t scratch[internal::kStackScratchWords];
    return internal::Evaluation(d, context, scratch).Run(type);
  }
  // Orgs too large for the stack buffer: one buffer per thread, grown to the
  // largest set this thread has evaluated, then reused without allocating.
  thread_local std::vector<uint64_t> scratch;
  if (scratch.size() < d.scratch_words) scratch.resize(d.scratch_words);
  return internal::Evaluation(d, context, scratch.data()).Run(type);
}

}  // namespace verdict
