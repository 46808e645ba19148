// The reference evaluator: Part A written out literally. One function per
// Okta rule; each one's doc comment names the Part A paragraph it implements
// (docs/semantics.md maps them to sources and tests).
#include "verdict/reference_evaluator.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "lib/eval/idp_routing.h"
#include "verdict/client_ip.h"
#include "verdict/expression.h"

namespace verdict {
namespace internal {

// Every elCondition and userIdentifier EXPRESSION pattern of the snapshot,
// compiled once when the evaluator is built (keyed by the condition object).
struct RuleExpressions {
  ExpressionData data;
  std::map<const ElCondition*, absl::StatusOr<std::shared_ptr<const CompiledExpression>>> el;
  std::map<const UserIdentifierPattern*, absl::StatusOr<std::shared_ptr<const CompiledRegex>>>
      regex;
  std::map<const PlatformEntry*, absl::StatusOr<std::shared_ptr<const CompiledExpression>>> os;
  std::map<const Rule*, std::vector<std::shared_ptr<const CompiledExpression>>> idp;

  explicit RuleExpressions(const Snapshot& snapshot) : data(snapshot) {
    auto add = [&](const Conditions& c) {
      if (c.el_condition)
        el.emplace(&*c.el_condition, CompileExpression(c.el_condition->condition));
      if (c.user_identifier) {
        for (const UserIdentifierPattern& p : c.user_identifier->patterns) {
          if (p.match_type == "EXPRESSION") regex.emplace(&p, CompileRegex(p.value));
        }
      }
      if (c.platform) {
        for (const auto* list : {&c.platform->include, &c.platform->exclude}) {
          for (const PlatformEntry& e : *list) {
            if (!e.os_expression.empty()) os.emplace(&e, CompileExpression(e.os_expression));
          }
        }
      }
    };
    for (const Policy& policy : snapshot.policies) {
      add(policy.conditions);
      for (const Rule& rule : policy.rules) {
        add(rule.conditions);
        if (rule.idp) idp.emplace(&rule, CompileIdpCriteria(*rule.idp));
      }
    }
  }
};

}  // namespace internal
namespace {

constexpr int kMaxChainHops = 5;  // Part A §A2: at most 5 IPs, the gateway hop included.
constexpr absl::string_view kLegacyIpZone = "LegacyIpZone";
constexpr absl::string_view kDefaultExemptIpZone = "DefaultExemptIpZone";

bool Contains(const std::vector<std::string>& list, absl::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return absl::string_view(s) == value; });
}

bool ContainsIgnoreCase(const std::vector<std::string>& list, absl::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return absl::EqualsIgnoreCase(s, value); });
}

bool InRanges(const std::vector<IpRange>& ranges, IpAddress ip) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const IpRange& r) { return r.Contains(ip); });
}

// Part B §3.3 (HELP-IPZ): walk the chain from the hop that connects to Okta.
// A gateway ends the walk inside the zone; a proxy of the same zone steps one
// hop left; anything else, or the fifth IP examined, ends it outside.
bool ChainInIpZone(const NetworkZone& zone, const std::vector<IpAddress>& chain, std::string* why) {
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
      if (checked < kMaxChainHops) continue;
      *why = absl::StrCat(kMaxChainHops, " IPs checked without reaching a gateway of ", zone.name);
      return false;
    }
    *why = absl::StrCat(it->ToString(), " is neither gateway nor proxy of ", zone.name);
    return false;
  }
  *why = absl::StrCat("chain ends in proxies of ", zone.name, " without a gateway");
  return false;
}

bool LocationMatches(const std::vector<ZoneLocation>& locations, const SignOnContext& ctx) {
  if (!ctx.geo.has_value()) return false;
  return std::any_of(locations.begin(), locations.end(), [&](const ZoneLocation& loc) {
    if (!absl::EqualsIgnoreCase(loc.country, ctx.geo->country)) return false;
    return loc.region.empty() || absl::EqualsIgnoreCase(loc.region, ctx.geo->region);
  });
}

bool AsnMatches(const std::vector<uint32_t>& asns, const SignOnContext& ctx) {
  return ctx.asn.has_value() && std::find(asns.begin(), asns.end(), *ctx.asn) != asns.end();
}

ProxyType ContextProxy(const SignOnContext& ctx) {
  return ctx.proxy_type.value_or(ProxyType::kNone);
}

// DYNAMIC `proxyType` (Part A §A2): Any = Tor or other anonymizer; Tor;
// NotTorAnonymizer = an anonymizer that is not Tor.
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

// DYNAMIC_V2 service categories. The context's own categories count, and its
// proxyType implies the anonymizer categories.
bool CategoryMatches(const std::vector<std::string>& categories, const SignOnContext& ctx) {
  const ProxyType proxy = ContextProxy(ctx);
  for (const std::string& cat : categories) {
    if (ContainsIgnoreCase(ctx.ip_service_categories, cat)) return true;
    if (cat == "ALL_ANONYMIZERS" && proxy != ProxyType::kNone) return true;
    if (cat == "ANONYMIZER_TOR" && proxy == ProxyType::kTor) return true;
    if (cat == "ALL_ANONYMIZERS_EXCEPT_TOR" && proxy == ProxyType::kAnonymizer) return true;
  }
  return false;
}

// Dynamic zones (Part A §A2): each non-empty criterion must hold (AND), any
// entry of a list (OR). A zone with no criterion at all matches nothing
// (*chosen*: Okta refuses to create one; it must never match silently).
bool ClientInDynamicZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why) {
  const bool v2 = zone.type == ZoneType::kDynamicV2;
  const bool any_criterion =
      !zone.locations.empty() || !zone.asns.empty() ||
      zone.proxy_type != ZoneProxyCriterion::kNoConstraint ||
      (v2 && (!zone.ip_service_categories.empty() || !zone.locations_exclude.empty() ||
              !zone.asns_exclude.empty() || !zone.ip_service_categories_exclude.empty()));
  if (!any_criterion) {
    *why = absl::StrCat(zone.name, " has no criteria");
    return false;
  }
  if (!zone.locations.empty() && !LocationMatches(zone.locations, ctx)) {
    *why = absl::StrCat("client location ",
                        ctx.geo ? absl::StrCat(ctx.geo->country, "/", ctx.geo->region) : "unknown",
                        " not in ", zone.name);
    return false;
  }
  if (!zone.asns.empty() && !AsnMatches(zone.asns, ctx)) {
    *why = absl::StrCat("client ASN ", ctx.asn ? absl::StrCat(*ctx.asn) : "unknown", " not in ",
                        zone.name);
    return false;
  }
  if (!ProxyCriterionMatches(zone.proxy_type, ContextProxy(ctx))) {
    *why = absl::StrCat("client proxy type ", std::string(ProxyTypeName(ContextProxy(ctx))),
                        " does not meet the proxyType of ", zone.name);
    return false;
  }
  if (v2) {
    if (!zone.ip_service_categories.empty() && !CategoryMatches(zone.ip_service_categories, ctx)) {
      *why = absl::StrCat("client IP service category not in ", zone.name);
      return false;
    }
    if (!zone.locations_exclude.empty() && LocationMatches(zone.locations_exclude, ctx)) {
      *why = absl::StrCat("client location excluded by ", zone.name);
      return false;
    }
    if (!zone.asns_exclude.empty() && AsnMatches(zone.asns_exclude, ctx)) {
      *why = absl::StrCat("client ASN excluded by ", zone.name);
      return false;
    }
    if (!zone.ip_service_categories_exclude.empty() &&
        CategoryMatches(zone.ip_service_categories_exclude, ctx)) {
      *why = absl::StrCat("client IP service category excluded by ", zone.name);
      return false;
    }
  }
  *why = absl::StrCat("client attributes match ", zone.name);
  return true;
}

// Is the request "in" `zone`? An INACTIVE zone holds nobody (Part A §A2).
bool InZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why) {
  if (!zone.active) {
    *why = absl::StrCat(zone.name, " is INACTIVE");
    return false;
  }
  if (zone.type == ZoneType::kIp) return ChainInIpZone(zone, ctx.ip_chain, why);
  return ClientInDynamicZone(zone, ctx, why);
}

const NetworkZone* FindZoneByName(const Snapshot& snapshot, absl::string_view name) {
  for (const NetworkZone& z : snapshot.zones) {
    if (z.name == name) return &z;
  }
  return nullptr;
}

class Evaluation {
 public:
  Evaluation(const Snapshot& snapshot, const SignOnContext& ctx, Trace* trace,
             const internal::RuleExpressions& expressions)
      : snapshot_(snapshot), ctx_(ctx), trace_(trace), expressions_(expressions) {}

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
      std::vector<ConditionVerdict>* pverdicts = ptrace ? &ptrace->conditions : nullptr;
      if (!PolicyApplies(*policy, pverdicts)) continue;
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
        if (!ConditionsHold(rule.conditions, rtrace ? &rtrace->conditions : nullptr)) continue;
        if (rtrace) rtrace->matched = true;
        decision.policy = policy;
        decision.rule = &rule;
        decision.outcome = OutcomeOf(type, rule);
        if (type == PolicyType::kIdpDiscovery) RouteIdp(rule, &decision);
        return decision;
      }
      if (ptrace) ptrace->note = "no rule matched: falls through to the next policy";
    }
    return decision;
  }

 private:
  // Dynamic IdP routing of the winning rule; the trace notes say why.
  void RouteIdp(const Rule& rule, Decision* decision) {
    if (!rule.idp || rule.idp->selection_type != "DYNAMIC") return;
    auto it = expressions_.idp.find(&rule);
    const std::vector<std::shared_ptr<const CompiledExpression>> compiled =
        it != expressions_.idp.end() ? it->second : internal::CompileIdpCriteria(*rule.idp);
    std::vector<std::string> why;
    const internal::IdpRoute route =
        internal::RouteDynamicIdp(*rule.idp, compiled, ctx_, expressions_.data, &why);
    decision->idp_provider = route.provider;
    decision->idp_fallback_to_okta = route.fallback_to_okta;
    for (std::string& line : why) Note(std::move(line));
  }

  void Note(std::string note) {
    if (trace_ != nullptr) trace_->notes.push_back(std::move(note));
  }

  static void Record(std::vector<ConditionVerdict>* verdicts, std::string condition, bool matched,
                     std::string detail) {
    if (verdicts != nullptr) {
      verdicts->push_back({std::move(condition), matched, std::move(detail)});
    }
  }

  // ---------------------------------------------------------- blocklist

  // Part A §A2 "Blocklist": any chain IP in an ACTIVE IP BLOCKLIST zone (no hop
  // limit), or the client attributes in an ACTIVE dynamic BLOCKLIST zone,
  // blocks — unless every blocklisted chain IP is in DefaultExemptIpZone.
  const NetworkZone* BlockingZone() {
    const NetworkZone* exempt = FindZoneByName(snapshot_, kDefaultExemptIpZone);
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
        if (!ClientInDynamicZone(zone, ctx_, &why)) continue;
        any_blocklisted = true;
        if (first_blocker == nullptr) first_blocker = &zone;
        // The dynamic zone describes the client IP; it is exempt only if that
        // IP is. Without an IP nothing can be exempt.
        const std::optional<IpAddress> client = ClientIp();
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

  std::optional<IpAddress> ClientIp() const { return DetermineClientIp(snapshot_, ctx_.ip_chain); }

  // ---------------------------------------------------------- policies

  // Part A §A1.3 and §A1.5: which policies apply to the context.
  bool PolicyApplies(const Policy& policy, std::vector<ConditionVerdict>* verdicts) {
    switch (policy.type) {
      case PolicyType::kOktaSignOn:
      case PolicyType::kPassword:
      case PolicyType::kMfaEnroll:
        return GroupPolicyApplies(policy, verdicts);
      case PolicyType::kAccessPolicy: {
        // Bound by a policy-mappings/ entry or, failing that, by the app's
        // apps.json _links.accessPolicy (the loader already settled conflicts).
        const bool by_mapping = Contains(policy.mapped_app_ids, ctx_.app_id);
        const bool by_link = !by_mapping && Contains(policy.linked_app_ids, ctx_.app_id);
        const bool mapped = by_mapping || by_link;
        Record(verdicts, "app.mapping", mapped,
               absl::StrCat("app ", ctx_.app_id,
                            by_mapping ? " is mapped to this policy (policy-mappings/)"
                            : by_link  ? " is linked to this policy (apps.json _links.accessPolicy)"
                                       : " is not mapped to this policy"));
        return mapped && ConditionsHold(policy.conditions, verdicts);
      }
      default:
        return ConditionsHold(policy.conditions, verdicts);
    }
  }

  // OKTA_SIGN_ON, PASSWORD, MFA_ENROLL: the default policy applies to
  // everyone; any other applies to members of people.groups.include only.
  bool GroupPolicyApplies(const Policy& policy, std::vector<ConditionVerdict>* verdicts) {
    if (policy.system) {
      Record(verdicts, "people.groups.include", true, "default policy: applies to everyone");
    } else {
      const std::vector<std::string>* include =
          policy.conditions.people ? &policy.conditions.people->groups.include : nullptr;
      if (include == nullptr || include->empty()) {
        Record(verdicts, "people.groups.include", false,
               "no group include: a non-default policy applies to nobody");
        return false;
      }
      std::string group;
      const bool member = InAnyGroup(*include, &group);
      Record(verdicts, "people.groups.include", member,
             member ? absl::StrCat("user is in ", group)
                    : (ctx_.has_user ? "user is in none of the groups" : "no user"));
      if (!member) return false;
    }
    // The policy's other conditions (authProvider for PASSWORD; network or app
    // where a payload carries them) hold like rule conditions.
    Conditions rest = policy.conditions;
    if (rest.people) rest.people->groups.include.clear();
    return ConditionsHold(rest, verdicts);
  }

  // ---------------------------------------------------------- conditions

  // Part A §A2: condition objects AND together; an absent one matches. A
  // condition Verdict cannot evaluate makes the rule fail, never match.
  bool ConditionsHold(const Conditions& c, std::vector<ConditionVerdict>* v) {
    bool ok = true;
    // Evaluate all of them when tracing, so the trace shows every verdict.
    auto check = [&](bool result) {
      ok = ok && result;
      return ok || v != nullptr;
    };
    if (!c.unknown_keys.empty()) {
      Record(v, "unknown", false,
             absl::StrCat("unknown condition(s) ", absl::StrJoin(c.unknown_keys, ", "),
                          ": cannot evaluate, never matches"));
      if (!check(false)) return false;
    }
    if (c.people && !check(PeopleHolds(*c.people, v))) return false;
    if (c.users && !check(UsersHold(*c.users, v))) return false;
    if (c.groups && !check(GroupsHold(*c.groups, v))) return false;
    if (c.network && !check(NetworkHolds(*c.network, v))) return false;
    if (c.auth_context && !check(AuthContextHolds(*c.auth_context, v))) return false;
    if (c.risk && !check(BehaviorsHold(*c.risk, v))) return false;
    if (c.risk_score && !check(RiskScoreHolds(*c.risk_score, v))) return false;
    if (c.identity_provider && !check(IdentityProviderHolds(*c.identity_provider, v))) {
      return false;
    }
    if (c.auth_provider && !check(AuthProviderHolds(*c.auth_provider, v))) return false;
    if (c.user_status && !check(UserStatusHolds(*c.user_status, v))) return false;
    if (c.user_type &&
        !check(IncludeExclude("userType", *c.user_type, ctx_.user.type, ctx_.has_user, v))) {
      return false;
    }
    if (c.app && !check(AppHolds(*c.app, v))) return false;
    if (c.apps && !check(IncludeExclude("apps", *c.apps, ctx_.app_id, !ctx_.app_id.empty(), v))) {
      return false;
    }
    if (c.platform && !check(PlatformHolds(*c.platform, v))) return false;
    if (c.device && !check(DeviceHolds(*c.device, "device", v))) return false;
    if (c.context && !check(DeviceHolds(*c.context, "context", v))) return false;
    if (c.user_identifier && !check(UserIdentifierHolds(*c.user_identifier, v))) return false;
    if (c.grant_types && !check(IncludeExclude("grantTypes", *c.grant_types, ctx_.grant_type,
                                               !ctx_.grant_type.empty(), v))) {
      return false;
    }
    if (c.scopes && !check(ScopesHold(*c.scopes, v))) return false;
    if (c.clients && !check(ClientsHold(*c.clients, v))) return false;
    if (c.el_condition && !check(ElConditionHolds(*c.el_condition, v))) return false;
    if (c.mdm_enrollment && !check(MdmEnrollmentHolds(*c.mdm_enrollment, v))) return false;
    if ((c.entity_risk || c.risk_detection_types) && !check(EntityRiskHolds(c, v))) return false;
    return ok;
  }

  bool InAnyGroup(const std::vector<std::string>& groups, std::string* which) const {
    if (!ctx_.has_user) return false;
    for (const std::string& g : groups) {
      if (Contains(ctx_.user.groups, g) || IsEveryoneGroup(g)) {
        *which = g;
        return true;
      }
    }
    return false;
  }

  // Every user is a member of Okta's built-in Everyone group (groups.json
  // type BUILT_IN, name "Everyone"), and OAuth policies spell it EVERYONE.
  bool IsEveryoneGroup(absl::string_view id) const {
    if (id == "EVERYONE") return true;
    for (const Group& g : snapshot_.groups) {
      if (g.id == id) return g.type == "BUILT_IN" && g.name == "Everyone";
    }
    return false;
  }

  // Part A §A2 `people`: includes are a union, excludes win; empty includes
  // mean no constraint. Without a user, includes fail and excludes hold.
  bool PeopleHolds(const PeopleCondition& p, std::vector<ConditionVerdict>* v) {
    const bool any_include = !p.users.include.empty() || !p.groups.include.empty();
    if (any_include) {
      std::string group;
      const bool in_users = ctx_.has_user && Contains(p.users.include, ctx_.user.id);
      const bool in_groups = InAnyGroup(p.groups.include, &group);
      const bool included = in_users || in_groups;
      Record(v, "people.include", included,
             !ctx_.has_user ? "no user"
             : in_users     ? absl::StrCat("user ", ctx_.user.id, " is listed")
             : in_groups    ? absl::StrCat("user is in ", group)
                            : "user is neither listed nor in a listed group");
      if (!included) return false;
    }
    if (ctx_.has_user && Contains(p.users.exclude, ctx_.user.id)) {
      Record(v, "people.users.exclude", false, absl::StrCat("user ", ctx_.user.id, " is excluded"));
      return false;
    }
    std::string group;
    if (InAnyGroup(p.groups.exclude, &group)) {
      Record(v, "people.groups.exclude", false, absl::StrCat("user is in excluded group ", group));
      return false;
    }
    if (!any_include) Record(v, "people", true, "no include list: everyone the policy covers");
    return true;
  }

  bool UsersHold(const IdList& users, std::vector<ConditionVerdict>* v) {
    return IncludeExclude("users", users, ctx_.user.id, ctx_.has_user, v);
  }

  bool GroupsHold(const IdList& groups, std::vector<ConditionVerdict>* v) {
    std::string group;
    if (!groups.include.empty() && !InAnyGroup(groups.include, &group)) {
      Record(v, "groups.include", false, "user is in none of the groups");
      return false;
    }
    if (InAnyGroup(groups.exclude, &group)) {
      Record(v, "groups.exclude", false, absl::StrCat("user is in excluded group ", group));
      return false;
    }
    Record(v, "groups", true, "group condition holds");
    return true;
  }

  // Generic include-any / exclude-none over one context value (Part A §A2);
  // empty arrays mean no constraint; a missing value fails includes only.
  static bool IncludeExclude(absl::string_view name, const IdList& list, absl::string_view value,
                             bool has_value, std::vector<ConditionVerdict>* v) {
    if (!list.include.empty() && !(has_value && Contains(list.include, value))) {
      Record(v, absl::StrCat(name, ".include"), false,
             has_value ? absl::StrCat("\"", value, "\" is not included") : "no value in context");
      return false;
    }
    if (has_value && Contains(list.exclude, value)) {
      Record(v, absl::StrCat(name, ".exclude"), false, absl::StrCat("\"", value, "\" is excluded"));
      return false;
    }
    Record(v, std::string(name), true, has_value ? absl::StrCat("\"", value, "\"") : "no value");
    return true;
  }

  // Part A §A2 `network`.
  bool NetworkHolds(const NetworkCondition& n, std::vector<ConditionVerdict>* v) {
    switch (n.connection) {
      case NetworkConnection::kAnywhere:
        Record(v, "network.connection", true, "ANYWHERE");
        return true;
      case NetworkConnection::kOnNetwork:
      case NetworkConnection::kOffNetwork: {
        const bool want_on = n.connection == NetworkConnection::kOnNetwork;
        const NetworkZone* legacy = FindZoneByName(snapshot_, kLegacyIpZone);
        std::string why = "no LegacyIpZone in the snapshot";
        const bool on = legacy != nullptr && InZone(*legacy, ctx_, &why);
        Record(v, "network.connection", on == want_on,
               absl::StrCat(want_on ? "ON_NETWORK: " : "OFF_NETWORK: ", why));
        return on == want_on;
      }
      case NetworkConnection::kZone:
        break;
    }
    if (!n.include.empty()) {
      std::string why;
      const bool in = InAnyListedZone(n.include, &why);
      Record(v, "network.include", in, why);
      if (!in) return false;
    }
    if (!n.exclude.empty()) {
      std::string why;
      const bool in = InAnyListedZone(n.exclude, &why);
      Record(v, "network.exclude", !in, why);
      if (in) return false;
    }
    return true;
  }

  // In at least one listed zone; ALL_ZONES = any ACTIVE POLICY-usage zone but
  // DefaultExemptIpZone. A missing zone id matches nothing.
  bool InAnyListedZone(const std::vector<std::string>& ids, std::string* why) {
    std::vector<std::string> reasons;
    for (const std::string& id : ids) {
      if (id == kAllZones) {
        for (const NetworkZone& z : snapshot_.zones) {
          if (z.usage != ZoneUsage::kPolicy || z.name == kDefaultExemptIpZone) continue;
          std::string r;
          if (InZone(z, ctx_, &r)) {
            *why = absl::StrCat("ALL_ZONES: ", r);
            return true;
          }
        }
        reasons.push_back("ALL_ZONES: in no active policy zone");
        continue;
      }
      const NetworkZone* zone = snapshot_.FindZone(id);
      if (zone == nullptr) {
        reasons.push_back(absl::StrCat("zone ", id, " does not exist"));
        continue;
      }
      std::string r;
      if (InZone(*zone, ctx_, &r)) {
        *why = r;
        return true;
      }
      reasons.push_back(r);
    }
    *why = absl::StrJoin(reasons, "; ");
    return false;
  }

  bool AuthContextHolds(const AuthContextCondition& a, std::vector<ConditionVerdict>* v) {
    const bool ok = a.auth_type == "ANY" || absl::EqualsIgnoreCase(a.auth_type, ctx_.auth_type);
    Record(v, "authContext.authType", ok,
           absl::StrCat("rule ", a.auth_type, ", context ", ctx_.auth_type));
    return ok;
  }

  // Part A §A2 `risk.behaviors`: at least one listed behavior detected (OR).
  // The rule lists ids; the context may give ids or names.
  bool BehaviorsHold(const RiskBehaviorCondition& r, std::vector<ConditionVerdict>* v) {
    if (r.behaviors.empty()) {
      Record(v, "risk.behaviors", true, "no behaviors listed");
      return true;
    }
    for (const std::string& wanted : r.behaviors) {
      const Behavior* def = nullptr;
      for (const Behavior& b : snapshot_.behaviors) {
        if (b.id == wanted || absl::EqualsIgnoreCase(b.name, wanted)) def = &b;
      }
      for (const std::string& seen : ctx_.behaviors) {
        const bool hit =
            seen == wanted || absl::EqualsIgnoreCase(seen, wanted) ||
            (def != nullptr && (seen == def->id || absl::EqualsIgnoreCase(seen, def->name)));
        if (hit) {
          Record(v, "risk.behaviors", true, absl::StrCat("behavior ", seen, " detected"));
          return true;
        }
      }
    }
    Record(v, "risk.behaviors", false, "none of the listed behaviors detected");
    return false;
  }

  // Part A §A2 `riskScore.level`: ANY or exactly equal (*chosen*).
  bool RiskScoreHolds(const RiskScoreCondition& r, std::vector<ConditionVerdict>* v) {
    const std::string have =
        ctx_.risk_level ? std::string(RiskLevelName(*ctx_.risk_level)) : "none";
    if (r.level.has_value()) {
      const bool ok = ctx_.risk_level == r.level;
      Record(v, "riskScore.level", ok,
             absl::StrCat("rule ", std::string(RiskLevelName(*r.level)), ", context ", have));
      if (!ok) return false;
    } else {
      Record(v, "riskScore.level", true, "ANY");
    }
    if (r.min_risk_level.has_value()) {
      const bool ok = ctx_.risk_level.has_value() && *ctx_.risk_level >= *r.min_risk_level;
      Record(v, "riskScore.minRiskLevel", ok,
             absl::StrCat("minimum ", std::string(RiskLevelName(*r.min_risk_level)), ", context ",
                          have));
      if (!ok) return false;
    }
    return true;
  }

  bool IdentityProviderHolds(const IdentityProviderCondition& idp,
                             std::vector<ConditionVerdict>* v) {
    bool ok = false;
    if (idp.provider == "ANY") {
      ok = true;
    } else if (idp.provider == "OKTA") {
      ok = absl::EqualsIgnoreCase(ctx_.identity_provider_type, "OKTA");
    } else if (idp.provider == "SPECIFIC_IDP") {
      ok = !absl::EqualsIgnoreCase(ctx_.identity_provider_type, "OKTA") &&
           Contains(idp.idp_ids, ctx_.identity_provider_id);
    }
    Record(v, "identityProvider", ok,
           absl::StrCat("rule ", idp.provider, ", context ", ctx_.identity_provider_type,
                        ctx_.identity_provider_id.empty() ? "" : " ", ctx_.identity_provider_id));
    return ok;
  }

  // Part A §A1.3 PASSWORD `authProvider`.
  bool AuthProviderHolds(const AuthProviderCondition& a, std::vector<ConditionVerdict>* v) {
    const std::string& provider = ctx_.user.provider;
    bool ok = a.provider == "ANY" || absl::EqualsIgnoreCase(a.provider, provider);
    if (ok && a.provider != "ANY" && !a.include.empty()) {
      ok = Contains(a.include, ctx_.user.provider_id);
    }
    Record(v, "authProvider", ok, absl::StrCat("rule ", a.provider, ", user ", provider));
    return ok;
  }

  bool UserStatusHolds(const UserStatusCondition& s, std::vector<ConditionVerdict>* v) {
    const bool ok = ctx_.has_user && absl::EqualsIgnoreCase(s.value, ctx_.user.status);
    Record(v, "userStatus", ok, absl::StrCat("rule ", s.value, ", user ", ctx_.user.status));
    return ok;
  }

  bool AppMatches(const AppRef& ref) const {
    if (ref.type == "APP_TYPE") return false;  // app type names are not in the context
    return !ctx_.app_id.empty() && ref.id == ctx_.app_id;
  }

  bool AppHolds(const AppCondition& a, std::vector<ConditionVerdict>* v) {
    if (!a.include.empty() && std::none_of(a.include.begin(), a.include.end(),
                                           [&](const AppRef& r) { return AppMatches(r); })) {
      Record(v, "app.include", false, absl::StrCat("app \"", ctx_.app_id, "\" is not included"));
      return false;
    }
    if (std::any_of(a.exclude.begin(), a.exclude.end(),
                    [&](const AppRef& r) { return AppMatches(r); })) {
      Record(v, "app.exclude", false, absl::StrCat("app ", ctx_.app_id, " is excluded"));
      return false;
    }
    Record(v, "app", true, ctx_.app_id.empty() ? "no app" : ctx_.app_id);
    return true;
  }

  // Part A §A2 `platform`: MOBILE = iOS, Android; DESKTOP = macOS, Windows,
  // ChromeOS, Linux; ANY wildcards.
  bool PlatformEntryMatches(const PlatformEntry& e) const {
    return PlatformTypeMatches(e) && (e.os_expression.empty() || OsExpressionHolds(e, nullptr));
  }

  bool PlatformTypeMatches(const PlatformEntry& e) const {
    const std::string& os = ctx_.device.os_type;
    std::string type = ctx_.device.platform_type;
    if (type.empty()) {
      if (os == "IOS" || os == "ANDROID") type = "MOBILE";
      if (os == "MACOS" || os == "WINDOWS" || os == "CHROMEOS" || os == "LINUX") type = "DESKTOP";
    }
    if (e.type != "ANY" && e.type != type) return false;
    if (e.os_type != "ANY" && e.os_type != os) return false;
    return true;
  }

  // `os.expression` (docs/expressions.md): evaluated like elCondition, against
  // the whole context; true only for the Boolean true. With `v`, the verdict
  // is recorded.
  bool OsExpressionHolds(const PlatformEntry& e, std::vector<ConditionVerdict>* v) const {
    auto it = expressions_.os.find(&e);
    const auto compiled =
        it != expressions_.os.end() ? it->second : CompileExpression(e.os_expression);
    if (!compiled.ok()) return false;
    std::string why;
    const bool ok = (*compiled)->EvaluateBool(ctx_, expressions_.data, &why);
    Record(v, "platform.os.expression", ok, absl::StrCat(e.os_expression, " → ", why));
    return ok;
  }

  // A malformed os.expression anywhere in the condition: the rule never
  // matches (as for elCondition), whatever the entry's list.
  const absl::Status* MalformedOsExpression(const PlatformCondition& p) const {
    for (const auto* list : {&p.include, &p.exclude}) {
      for (const PlatformEntry& e : *list) {
        auto it = expressions_.os.find(&e);
        if (it != expressions_.os.end() && !it->second.ok()) return &it->second.status();
      }
    }
    return nullptr;
  }

  bool PlatformHolds(const PlatformCondition& p, std::vector<ConditionVerdict>* v) {
    const std::string have =
        absl::StrCat(ctx_.device.platform_type.empty() ? "?" : ctx_.device.platform_type, "/",
                     ctx_.device.os_type.empty() ? "?" : ctx_.device.os_type);
    if (const absl::Status* bad = MalformedOsExpression(p)) {
      Record(v, "platform.os.expression", false,
             absl::StrCat("malformed expression (", bad->message(), "): never matches"));
      return false;
    }
    // The trace shows each expression whose entry's type and OS match.
    for (const auto* list : {&p.include, &p.exclude}) {
      for (const PlatformEntry& e : *list) {
        if (!e.os_expression.empty() && PlatformTypeMatches(e)) OsExpressionHolds(e, v);
      }
    }
    if (!p.include.empty() && std::none_of(p.include.begin(), p.include.end(),
                                           [&](auto& e) { return PlatformEntryMatches(e); })) {
      Record(v, "platform.include", false, absl::StrCat("platform ", have, " not included"));
      return false;
    }
    if (std::any_of(p.exclude.begin(), p.exclude.end(),
                    [&](auto& e) { return PlatformEntryMatches(e); })) {
      Record(v, "platform.exclude", false, absl::StrCat("platform ", have, " excluded"));
      return false;
    }
    Record(v, "platform", true, have);
    return true;
  }

  // Part A §A2 `device`: each flag the rule sets must equal the context's (a
  // context without it fails); assurance: at least one listed policy holds.
  bool DeviceHolds(const DeviceCondition& d, absl::string_view name,
                   std::vector<ConditionVerdict>* v) {
    auto flag = [&](absl::string_view what, const std::optional<bool>& want,
                    const std::optional<bool>& have) {
      if (!want.has_value()) return true;
      const bool ok = have.has_value() && *have == *want;
      Record(v, absl::StrCat(name, ".", what), ok,
             absl::StrCat("rule ", *want ? "true" : "false", ", context ",
                          have ? (*have ? "true" : "false") : "unknown"));
      return ok;
    };
    if (!flag("registered", d.registered, ctx_.device.registered)) return false;
    if (!flag("managed", d.managed, ctx_.device.managed)) return false;
    if (!flag("rooted", d.rooted, ctx_.device.rooted)) return false;
    if (!d.assurance_include.empty()) {
      const bool ok =
          std::any_of(d.assurance_include.begin(), d.assurance_include.end(),
                      [&](const std::string& id) { return Contains(ctx_.device.assurance, id); });
      Record(v, absl::StrCat(name, ".assurance.include"), ok,
             ok ? "device meets a listed assurance policy" : "no listed assurance policy met");
      if (!ok) return false;
    }
    if (!d.trust_level.empty() && d.trust_level != "ANY") {
      const bool ok = absl::EqualsIgnoreCase(d.trust_level, ctx_.device.trust_level);
      Record(v, absl::StrCat(name, ".trustLevel"), ok,
             absl::StrCat("rule ", d.trust_level, ", context ", ctx_.device.trust_level));
      if (!ok) return false;
    }
    if (!d.platform_types.empty()) {
      std::string os = ctx_.device.os_type == "MACOS" ? "OSX" : ctx_.device.os_type;
      const bool ok = Contains(d.platform_types, os);
      Record(v, absl::StrCat(name, ".platform.types"), ok, absl::StrCat("context ", os));
      if (!ok) return false;
    }
    if (!d.supported_mdm_frameworks.empty()) {
      Record(v, absl::StrCat(name, ".platform.supportedMDMFrameworks"), false,
             "MDM frameworks are not in the context: never matches");
      return false;
    }
    return true;
  }

  // Part A §A2 `elCondition`: the compiled expression must evaluate to true; a
  // malformed expression never matches (the loader warned about it).
  bool ElConditionHolds(const ElCondition& e, std::vector<ConditionVerdict>* v) {
    auto it = expressions_.el.find(&e);
    const auto compiled = it != expressions_.el.end() ? it->second : CompileExpression(e.condition);
    if (!compiled.ok()) {
      Record(
          v, "elCondition", false,
          absl::StrCat("malformed expression (", compiled.status().message(), "): never matches"));
      return false;
    }
    std::string why;
    const bool ok = (*compiled)->EvaluateBool(ctx_, expressions_.data, &why);
    Record(v, "elCondition", ok, absl::StrCat(e.condition, " → ", why));
    return ok;
  }

  // userIdentifier EXPRESSION: an RE2 full match of the subject as given.
  bool RegexHolds(const UserIdentifierPattern& p, const std::string& subject) const {
    auto it = expressions_.regex.find(&p);
    const auto compiled = it != expressions_.regex.end() ? it->second : CompileRegex(p.value);
    return compiled.ok() && (*compiled)->FullMatch(subject);
  }

  // Part A §A2 `userIdentifier`: OR over patterns, case-insensitive; EXPRESSION
  // is an RE2 full match (an invalid pattern matches nothing).
  bool UserIdentifierHolds(const UserIdentifierCondition& u, std::vector<ConditionVerdict>* v) {
    std::string subject;
    if (u.type == "ATTRIBUTE") {
      auto it = ctx_.user.profile.find(u.attribute);
      if (it != ctx_.user.profile.end()) subject = it->second;
    } else {
      subject = !ctx_.login_identifier.empty() ? ctx_.login_identifier : ctx_.user.login;
    }
    const std::string lower = absl::AsciiStrToLower(subject);
    for (const UserIdentifierPattern& p : u.patterns) {
      const std::string value = absl::AsciiStrToLower(p.value);
      bool hit = false;
      if (p.match_type == "EQUALS") hit = lower == value;
      if (p.match_type == "STARTS_WITH") hit = absl::StartsWith(lower, value);
      if (p.match_type == "SUFFIX") hit = absl::EndsWith(lower, value);
      if (p.match_type == "CONTAINS") hit = absl::StrContains(lower, value);
      if (p.match_type == "EXPRESSION") hit = RegexHolds(p, subject);
      if (hit) {
        Record(v, "userIdentifier.patterns", true,
               absl::StrCat("\"", subject, "\" ", p.match_type, " \"", p.value, "\""));
        return true;
      }
    }
    Record(v, "userIdentifier.patterns", false,
           absl::StrCat("\"", subject, "\" matches no pattern"));
    return false;
  }

  bool ScopesHold(const IdList& s, std::vector<ConditionVerdict>* v) {
    bool ok = s.include.empty() || Contains(s.include, "*");
    for (const std::string& scope : ctx_.scopes) ok = ok || Contains(s.include, scope);
    Record(v, "scopes.include", ok, absl::StrCat("requested ", absl::StrJoin(ctx_.scopes, " ")));
    return ok;
  }

  // ENTITY_RISK (Part B §1.3): `entityRisk.level` ANY matches every context,
  // another level only a context whose entityRisk.level is exactly that
  // (*chosen*, as riskScore.level); `riskDetectionTypes` include: the context
  // has at least one listed detection; exclude: none of them. A context
  // without entityRisk matches only ANY and an exclude-only list.
  bool EntityRiskHolds(const Conditions& c, std::vector<ConditionVerdict>* v) {
    const ContextEntityRisk none;
    const ContextEntityRisk& er = ctx_.entity_risk ? *ctx_.entity_risk : none;
    const std::string have =
        er.level ? std::string(RiskLevelName(*er.level)) : std::string("unknown");
    if (c.entity_risk && !c.entity_risk->level.empty() && c.entity_risk->level != "ANY") {
      const bool ok = er.level.has_value() && RiskLevelName(*er.level) == c.entity_risk->level;
      Record(v, "entityRisk.level", ok,
             absl::StrCat("rule ", c.entity_risk->level, ", context ", have));
      if (!ok) return false;
    }
    if (c.risk_detection_types) {
      const IdList& d = *c.risk_detection_types;
      const auto any_listed = [&](const std::vector<std::string>& list) {
        return std::any_of(er.detection_types.begin(), er.detection_types.end(),
                           [&](const std::string& t) { return ContainsIgnoreCase(list, t); });
      };
      const std::string detail =
          absl::StrCat("context detections: ", er.detection_types.empty()
                                                   ? std::string("none")
                                                   : absl::StrJoin(er.detection_types, ", "));
      if (!d.include.empty() && !any_listed(d.include)) {
        Record(v, "riskDetectionTypes.include", false, detail);
        return false;
      }
      if (any_listed(d.exclude)) {
        Record(v, "riskDetectionTypes.exclude", false, detail);
        return false;
      }
    }
    Record(v, "entityRisk", true, absl::StrCat("entity risk ", have));
    return true;
  }

  // Legacy `mdmEnrollment` (*chosen*, docs/semantics.md): ANY_OR_NONE (or no
  // value) matches every device; OMM (Okta Mobility Management) needs
  // enrollment data no context carries, so it never matches.
  // `blockNonSafeAndroid: true` fails for an Android device unless it is
  // known not to be rooted.
  bool MdmEnrollmentHolds(const MdmEnrollmentCondition& m, std::vector<ConditionVerdict>* v) {
    if (!m.enrollment.empty() && !absl::EqualsIgnoreCase(m.enrollment, "ANY_OR_NONE")) {
      Record(v, "mdmEnrollment.enrollment", false,
             absl::StrCat(m.enrollment, ": enrollment is not in the context, never matches"));
      return false;
    }
    if (m.block_non_safe_android.value_or(false) && ctx_.device.os_type == "ANDROID" &&
        ctx_.device.rooted.value_or(true)) {
      Record(v, "mdmEnrollment.blockNonSafeAndroid", false,
             "Android device not known to be unrooted");
      return false;
    }
    Record(v, "mdmEnrollment", true, "ANY_OR_NONE");
    return true;
  }

  bool ClientsHold(const IdList& c, std::vector<ConditionVerdict>* v) {
    const bool ok = c.include.empty() || Contains(c.include, "ALL_CLIENTS") ||
                    (!ctx_.client_id.empty() && Contains(c.include, ctx_.client_id));
    Record(v, "clients.include", ok, absl::StrCat("client ", ctx_.client_id));
    return ok;
  }

  // ---------------------------------------------------------- outcome

  // Part A §A3.
  Outcome OutcomeOf(PolicyType type, const Rule& rule) {
    if (type == PolicyType::kAccessPolicy) {
      const bool deny = rule.app_sign_on && rule.app_sign_on->access == Access::kDeny;
      return deny ? Outcome::kDeny : Outcome::kAllow;
    }
    if (type != PolicyType::kOktaSignOn) return Outcome::kNone;
    if (!rule.signon.has_value()) {
      Note("rule has no signon action: outcome DENY (fail closed)");
      return Outcome::kDeny;
    }
    const SignOnAction& s = *rule.signon;
    if (s.access == Access::kDeny) return Outcome::kDeny;
    if (s.access == Access::kChallenge) return Outcome::kChallenge;
    if (s.access != Access::kAllow) {
      Note("signon.access is missing: outcome DENY (fail closed)");
      return Outcome::kDeny;
    }
    if (s.require_factor && FactorDue(s)) return Outcome::kChallenge;
    return Outcome::kAllow;
  }

  bool FactorDue(const SignOnAction& s) {
    switch (s.factor_prompt_mode) {
      case FactorPromptMode::kSession: {
        if (!ctx_.time || !ctx_.session.last_factor_verification || !s.factor_lifetime_minutes) {
          Note("factor prompt SESSION: no time, verification or lifetime — factor due");
          return true;
        }
        const absl::Duration since = *ctx_.time - *ctx_.session.last_factor_verification;
        const bool due = since > absl::Minutes(*s.factor_lifetime_minutes);
        Note(absl::StrCat("factor prompt SESSION: last verification ", absl::FormatDuration(since),
                          " ago, lifetime ", *s.factor_lifetime_minutes, " min — ",
                          due ? "due" : "not due"));
        return due;
      }
      case FactorPromptMode::kDevice: {
        const bool remembered = ctx_.device.remembered.value_or(false);
        Note(absl::StrCat("factor prompt DEVICE: device ",
                          remembered ? "remembered — not due" : "not remembered — due"));
        return !remembered;
      }
      case FactorPromptMode::kAlways:
      case FactorPromptMode::kUnset:
        return true;
    }
    return true;
  }

  const Snapshot& snapshot_;
  const SignOnContext& ctx_;
  Trace* trace_;
  const internal::RuleExpressions& expressions_;
};

}  // namespace

Decision ReferenceEvaluator::Evaluate(const SignOnContext& context, PolicyType type,
                                      Trace* trace) const {
  return Evaluation(snapshot_, context, trace, *expressions_).Run(type);
}

ReferenceEvaluator::ReferenceEvaluator(const Snapshot& snapshot)
    : snapshot_(snapshot), expressions_(std::make_shared<internal::RuleExpressions>(snapshot)) {}

ReferenceEvaluator::~ReferenceEvaluator() = default;

}  // namespace verdict
