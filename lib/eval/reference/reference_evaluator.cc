// The reference evaluator: Part A written out literally. It walks every
// policy of the type in order and every rule of an applying policy, and asks
// the condition functions of lib/eval/conditions.h (the one home of each Okta
// condition, and of which policies apply: PolicyApplies) with a trace. What
// is its own, and independent of the compiled engine's decision (whose
// masks answer which policies apply without PolicyApplies): the policy
// walk, the blocklist scan and the IP-zone chain walk, zone by zone.
#include "verdict/reference_evaluator.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/compile/snapshot_facts.h"
#include "lib/eval/conditions.h"
#include "lib/eval/idp_routing.h"
#include "lib/net/chain.h"
#include "verdict/client_ip.h"
#include "verdict/engine.h"

namespace verdict {
namespace {

using internal::ConditionInputs;
using internal::ConditionScope;
using internal::SnapshotFacts;

bool InRanges(const std::vector<IpRange>& ranges, IpAddress ip) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const IpRange& r) { return r.Contains(ip); });
}

// Part B §3.3 (HELP-IPZ): walk the chain from the hop that connects to Okta.
// A gateway ends the walk inside the zone; a proxy of the same zone steps one
// hop left; anything else, or the fifth IP examined, ends it outside.
bool ChainInIpZone(const NetworkZone& zone, const std::vector<IpAddress>& chain, std::string* why) {
  constexpr int kMaxHops = internal::kMaxChainHops;
  if (chain.empty()) {
    *why = "no IP in the context";
    return false;
  }
  int checked = 0;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    ++checked;
    if (InRanges(zone.gateways, *it)) {
      *why = absl::StrCat(it->ToString(), " is a gateway of ", zone.name);
      return true;
    }
    if (InRanges(zone.proxies, *it)) {
      if (checked < kMaxHops) continue;
      *why = absl::StrCat(kMaxHops, " IPs checked without reaching a gateway of ", zone.name);
      return false;
    }
    *why = absl::StrCat(it->ToString(), " is neither gateway nor proxy of ", zone.name);
    return false;
  }
  *why = absl::StrCat("chain ends in proxies of ", zone.name, " without a gateway");
  return false;
}

// Zone membership computed zone by zone, on demand: the chain walk for IP
// zones, the client's attributes for dynamic ones.
class WalkedZones : public internal::ZoneMembership {
 public:
  WalkedZones(const SnapshotFacts& facts, const SignOnContext& ctx) : facts_(facts), ctx_(ctx) {}

  // An INACTIVE zone holds nobody (Part A §A2).
  bool InZone(const NetworkZone& zone, std::string* why) const override {
    std::string unused;
    std::string* reason = why != nullptr ? why : &unused;
    if (ctx_.zones) return internal::InListedZone(zone, ctx_, reason);
    if (!zone.active) {
      *reason = absl::StrCat(zone.name, " is INACTIVE");
      return false;
    }
    if (zone.type == ZoneType::kIp) return ChainInIpZone(zone, ctx_.ip_chain, reason);
    return internal::ClientInDynamicZone(zone, ctx_, reason);
  }

  bool InAnyAllZonesZone(std::string* why) const override {
    for (const NetworkZone& z : facts_.snapshot().zones) {
      if (!facts_.AllZonesCovers(z)) continue;
      if (InZone(z, why)) return true;
    }
    return false;
  }

 private:
  const SnapshotFacts& facts_;
  const SignOnContext& ctx_;
};

class Evaluation {
 public:
  Evaluation(const SnapshotFacts& facts, const SignOnContext& ctx, Trace* trace)
      : snapshot_(facts.snapshot()),
        facts_(facts),
        ctx_(ctx),
        trace_(trace),
        zones_(facts, ctx),
        in_{ctx, facts, zones_} {}

  Decision Run(PolicyType type) {
    Decision decision;
    decision.type = type;
    if (const NetworkZone* blocker = BlockingZone(); blocker != nullptr) {
      decision.blocked = true;
      decision.blocking_zone = blocker;
      decision.outcome = Outcome::kDeny;
      return decision;
    }
    if (type == PolicyType::kAccessPolicy && ctx_.app_id.empty()) {
      Note("no app in the context: no ACCESS_POLICY decision");
      return decision;
    }
    if (std::string why; !internal::PolicyTypeCoversUser(type, ctx_, &why)) {
      Note(why);
      return decision;
    }
    for (const Policy* policy : snapshot_.PoliciesOfType(type)) {
      PolicyTrace* ptrace = nullptr;
      if (trace_ != nullptr) {
        trace_->policies.emplace_back();
        trace_->policies.back().policy = policy;
        ptrace = &trace_->policies.back();
      }
      if (!policy->active) {
        if (ptrace) ptrace->note = "policy is INACTIVE";
        continue;
      }
      if (std::none_of(policy->rules.begin(), policy->rules.end(),
                       [](const Rule& r) { return r.active; })) {
        if (ptrace) ptrace->note = "policy has no active rules";
        continue;
      }
      if (ptrace) ptrace->evaluated = true;
      if (!PolicyApplies(*policy, ptrace ? &ptrace->conditions : nullptr)) continue;
      if (ptrace) ptrace->applies = true;
      for (const Rule& rule : policy->rules) {
        RuleTrace* rtrace = nullptr;
        if (ptrace != nullptr) {
          ptrace->rules.emplace_back();
          ptrace->rules.back().rule = &rule;
          rtrace = &ptrace->rules.back();
        }
        if (!rule.active) {
          if (rtrace) rtrace->note = "rule is INACTIVE";
          continue;
        }
        if (rtrace) rtrace->evaluated = true;
        if (!internal::ConditionsHold(rule.conditions, in_, ConditionScope::kAll,
                                      rtrace ? &rtrace->conditions : nullptr)) {
          continue;
        }
        if (rtrace) rtrace->matched = true;
        decision.policy = policy;
        decision.rule = &rule;
        decision.outcome = internal::DecideOutcome(type, rule, ctx_, notes());
        if (type == PolicyType::kIdpDiscovery) RouteIdp(rule, &decision);
        return decision;
      }
      if (ptrace) ptrace->note = "no rule matched: falls through to the next policy";
    }
    return decision;
  }

 private:
  std::vector<std::string>* notes() { return trace_ != nullptr ? &trace_->notes : nullptr; }

  void Note(std::string note) {
    if (trace_ != nullptr) trace_->notes.push_back(std::move(note));
  }

  // IdP routing of the winning rule; the trace notes say why.
  void RouteIdp(const Rule& rule, Decision* decision) {
    const internal::IdpRoute route = internal::RouteIdp(rule, facts_, ctx_, notes());
    decision->idp_provider = route.provider;
    decision->idp_fallback_to_okta = route.fallback_to_okta;
  }

  // ---------------------------------------------------------- blocklist

  // Part A §A2 "Blocklist": any chain IP in an ACTIVE IP BLOCKLIST zone (no hop
  // limit), or the client attributes in an ACTIVE dynamic BLOCKLIST zone,
  // blocks — unless every blocklisted chain IP is in DefaultExemptIpZone.
  const NetworkZone* BlockingZone() {
    if (ctx_.zones) return internal::ListedBlockingZone(facts_, ctx_, notes());
    const NetworkZone* exempt = facts_.default_exempt_zone();
    if (exempt != nullptr && !exempt->active) exempt = nullptr;
    auto is_exempt = [&](IpAddress ip) {
      return exempt != nullptr && InRanges(exempt->gateways, ip);
    };
    const NetworkZone* first_blocker = nullptr;
    bool any_blocklisted = false;
    bool all_exempt = true;
    for (const NetworkZone& zone : snapshot_.zones) {
      if (!zone.active || zone.usage != ZoneUsage::kBlocklist) continue;
      if (zone.type == ZoneType::kIp) {
        for (IpAddress ip : ctx_.ip_chain) {
          if (!InRanges(zone.gateways, ip) && !InRanges(zone.proxies, ip)) continue;
          any_blocklisted = true;
          if (first_blocker == nullptr) first_blocker = &zone;
          if (is_exempt(ip)) {
            Note(absl::StrCat(ip.ToString(), " is in blocklist ", zone.name,
                              " but exempt (DefaultExemptIpZone)"));
          } else {
            Note(absl::StrCat(ip.ToString(), " is in blocklist ", zone.name));
            all_exempt = false;
          }
        }
      } else {
        std::string why;
        if (!internal::ClientInDynamicZone(zone, ctx_, &why)) continue;
        any_blocklisted = true;
        if (first_blocker == nullptr) first_blocker = &zone;
        // The dynamic zone describes the client IP; it is exempt only if that
        // IP is. Without an IP nothing can be exempt.
        const std::optional<IpAddress> client = DetermineClientIp(snapshot_, ctx_.ip_chain);
        if (client.has_value() && is_exempt(*client)) {
          Note(absl::StrCat("client ", client->ToString(), " matches blocklist ", zone.name,
                            " but is exempt (DefaultExemptIpZone)"));
        } else {
          Note(absl::StrCat("blocked by dynamic blocklist ", zone.name, ": ", why));
          all_exempt = false;
        }
      }
    }
    if (!any_blocklisted || all_exempt) return nullptr;
    return first_blocker;
  }

  // ---------------------------------------------------------- policies

 public:
  // Part A §A1.3 and §A1.5: which policies apply to the context (the one
  // home of that rule is lib/eval/conditions.h).
  bool PolicyApplies(const Policy& policy, std::vector<ConditionVerdict>* verdicts) {
    return internal::PolicyApplies(policy, in_, verdicts);
  }

  bool RuleConditionsHold(const Rule& rule, std::vector<ConditionVerdict>* verdicts) {
    return internal::ConditionsHold(rule.conditions, in_, ConditionScope::kAll, verdicts);
  }

  bool InZone(const NetworkZone& zone) { return zones_.InZone(zone, nullptr); }

 private:
  const Snapshot& snapshot_;
  const SnapshotFacts& facts_;
  const SignOnContext& ctx_;
  Trace* trace_;
  WalkedZones zones_;
  ConditionInputs in_;
};

}  // namespace

ReferenceEvaluator::ReferenceEvaluator(const Snapshot& snapshot)
    : facts_(internal::SnapshotFacts::Build(snapshot, nullptr)) {}

ReferenceEvaluator::ReferenceEvaluator(std::shared_ptr<const CompiledPolicySet> set)
    : facts_(set, &set->facts()) {}

ReferenceEvaluator::~ReferenceEvaluator() = default;

Decision ReferenceEvaluator::Evaluate(const SignOnContext& context, PolicyType type,
                                      Trace* trace) const {
  return Evaluation(*facts_, context, trace).Run(type);
}

bool ReferenceEvaluator::PolicyApplies(const SignOnContext& context, const Policy& policy,
                                       std::vector<ConditionVerdict>* verdicts) const {
  return Evaluation(*facts_, context, nullptr).PolicyApplies(policy, verdicts);
}

bool ReferenceEvaluator::RuleConditionsHold(const SignOnContext& context, const Rule& rule,
                                            std::vector<ConditionVerdict>* verdicts) const {
  return Evaluation(*facts_, context, nullptr).RuleConditionsHold(rule, verdicts);
}

bool ReferenceEvaluator::InZone(const SignOnContext& context, const NetworkZone& zone) const {
  return Evaluation(*facts_, context, nullptr).InZone(zone);
}

}  // namespace verdict
