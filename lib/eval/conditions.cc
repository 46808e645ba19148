#include "lib/eval/conditions.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "lib/eval/ip_service_categories.h"

namespace verdict::internal {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return s == value; });
}

bool ContainsIgnoreCase(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return absl::EqualsIgnoreCase(s, Sv(value)); });
}

bool ContainsIgnoreCaseSubstr(absl::string_view hay, absl::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (absl::EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

// Appends one verdict when tracing. `detail` is only called then, so an
// untraced check builds no strings.
template <typename Detail>
void Record(Verdicts* v, std::string_view condition, bool matched, Detail detail) {
  if (v != nullptr) v->push_back({std::string(condition), matched, std::string(detail())});
}

// The same for a condition named "<prefix>.<suffix>" (built only when tracing).
template <typename Detail>
void Record(Verdicts* v, std::string_view prefix, std::string_view suffix, bool matched,
            Detail detail) {
  if (v != nullptr) {
    v->push_back({absl::StrCat(Sv(prefix), ".", Sv(suffix)), matched, std::string(detail())});
  }
}

void Note(Notes* notes, std::string_view note) {
  if (notes != nullptr) notes->emplace_back(note);
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

bool CategoryMatches(const std::vector<std::string>& categories, const SignOnContext& ctx) {
  return std::any_of(categories.begin(), categories.end(),
                     [&](const std::string& cat) { return ServiceCategoryHolds(cat, ctx); });
}

}  // namespace

// DYNAMIC `proxyType`: Any = Tor or other anonymizer; Tor; NotTorAnonymizer
// = an anonymizer that is not Tor.
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

// DYNAMIC_V2 service categories: a listed category holds the client when it
// names one of the client IP's services, or is an umbrella holding one
// (ip_service_categories.h); the context's proxyType stands for an unnamed
// service of its kind.
bool ServiceCategoryHolds(std::string_view category, const SignOnContext& ctx) {
  const absl::string_view cat = Sv(category);
  for (const std::string& service : ctx.ip_service_categories) {
    if (absl::EqualsIgnoreCase(service, cat)) return true;
    if (UmbrellaHolds(category, KindOfIpService(service))) return true;
  }
  const std::optional<IpServiceKind> implied = KindOfProxyType(ContextProxy(ctx));
  if (!implied) return false;
  if (UmbrellaHolds(category, *implied)) return true;
  return *implied == IpServiceKind::kTor && absl::EqualsIgnoreCase(cat, "ANONYMIZER_TOR");
}

namespace {

// In at least one listed zone (a network include or exclude list).
bool InAnyListedZone(const std::vector<ResolvedNetwork::Entry>& entries, const ZoneMembership& m,
                     std::string* why) {
  std::vector<std::string> reasons;
  std::string r;
  std::string* rp = why != nullptr ? &r : nullptr;
  for (const ResolvedNetwork::Entry& e : entries) {
    if (e.all_zones) {
      if (m.InAnyAllZonesZone(rp)) {
        if (why != nullptr) *why = absl::StrCat("ALL_ZONES: ", r);
        return true;
      }
      if (why != nullptr) reasons.push_back("ALL_ZONES: in no active policy zone");
      continue;
    }
    if (e.zone == nullptr) {
      if (why != nullptr) reasons.push_back(absl::StrCat("zone ", Sv(e.id), " does not exist"));
      continue;
    }
    if (m.InZone(*e.zone, rp)) {
      if (why != nullptr) *why = r;
      return true;
    }
    if (why != nullptr) reasons.push_back(r);
  }
  if (why != nullptr) *why = absl::StrJoin(reasons, "; ");
  return false;
}

// Platform type and OS of one entry; MOBILE = iOS, Android; DESKTOP = macOS,
// Windows, ChromeOS, Linux; ANY wildcards.
bool PlatformTypeMatches(const PlatformEntry& e, const SignOnContext& ctx) {
  const std::string_view os = ctx.device.os_type;
  std::string_view type = ctx.device.platform_type;
  if (type.empty()) {
    if (os == "IOS" || os == "ANDROID") type = "MOBILE";
    if (os == "MACOS" || os == "WINDOWS" || os == "CHROMEOS" || os == "LINUX") type = "DESKTOP";
  }
  if (e.type != "ANY" && e.type != type) return false;
  if (e.os_type != "ANY" && e.os_type != os) return false;
  return true;
}

// `os.expression` of one entry: true only for the Boolean true. With `v` the
// verdict is recorded.
bool OsExpressionHolds(const PlatformEntry& e, const CompiledExpression* os,
                       const ConditionInputs& in, Verdicts* v) {
  if (os == nullptr) return false;
  std::string why;
  const bool ok =
      os->EvaluateBool(in.context, in.facts.expression_data(), v != nullptr ? &why : nullptr);
  Record(v, "platform.os.expression", ok,
         [&] { return absl::StrCat(e.os_expression, " → ", why); });
  return ok;
}

}  // namespace

bool ConditionsHold(const Conditions& c, const ConditionInputs& in, ConditionScope scope,
                    Verdicts* v, ConditionKind* first_failed) {
  const SignOnContext& ctx = in.context;
  bool ok = true;
  // When tracing, evaluate all of them, so the trace shows every verdict.
  // `kind` names the condition for first_failed: the first that fails.
  auto check = [&](bool result, ConditionKind kind) {
    if (ok && !result && first_failed != nullptr) *first_failed = kind;
    ok = ok && result;
    return ok || v != nullptr;
  };
  if (!c.unknown_keys.empty()) {
    Record(v, "unknown", false, [&] {
      return absl::StrCat("unknown condition(s) ", absl::StrJoin(c.unknown_keys, ", "),
                          ": cannot evaluate, never matches");
    });
    if (!check(false, ConditionKind::kUnknownKeys)) return false;
  }
  const bool skip_group_include = scope == ConditionScope::kAllButGroupInclude;
  // Whether this call checks `kind` (the compiled engine's indexes answer
  // the indexed kinds when it asks for kNotIndexed).
  auto checks = [&](ConditionKind kind) {
    return scope != ConditionScope::kNotIndexed || !IsIndexed(kind);
  };
  auto programs = [&]() -> const ConditionPrograms& { return in.facts.ProgramsOf(c); };
  // The order of the trace (and of the short circuit): as Okta's payloads
  // list them, the reference evaluator's order since the first release.
  if (checks(ConditionKind::kPeople) && c.people &&
      !check(PeopleHolds(*c.people, in, skip_group_include, v), ConditionKind::kPeople)) {
    return false;
  }
  if (c.users && !check(IncludeExcludeHolds("users", *c.users, ctx.user.id, ctx.has_user(), v),
                        ConditionKind::kUsers)) {
    return false;
  }
  if (c.groups && !check(GroupsHold(*c.groups, in, v), ConditionKind::kGroups)) return false;
  if (checks(ConditionKind::kNetwork) && c.network &&
      !check(NetworkHolds(*c.network, in, v), ConditionKind::kNetwork)) {
    return false;
  }
  if (checks(ConditionKind::kAuthContext) && c.auth_context &&
      !check(AuthContextHolds(*c.auth_context, ctx, v), ConditionKind::kAuthContext)) {
    return false;
  }
  if (checks(ConditionKind::kRiskBehaviors) && c.risk &&
      !check(BehaviorsHold(*c.risk, in, v), ConditionKind::kRiskBehaviors)) {
    return false;
  }
  if (checks(ConditionKind::kRiskScore) && c.risk_score &&
      !check(RiskScoreHolds(*c.risk_score, ctx, v), ConditionKind::kRiskScore)) {
    return false;
  }
  if (checks(ConditionKind::kIdentityProvider) && c.identity_provider &&
      !check(IdentityProviderHolds(*c.identity_provider, ctx, v),
             ConditionKind::kIdentityProvider)) {
    return false;
  }
  if (c.auth_provider &&
      !check(AuthProviderHolds(*c.auth_provider, ctx, v), ConditionKind::kAuthProvider)) {
    return false;
  }
  if (c.user_status &&
      !check(UserStatusHolds(*c.user_status, ctx, v), ConditionKind::kUserStatus)) {
    return false;
  }
  if (c.user_type &&
      !check(IncludeExcludeHolds("userType", *c.user_type, ctx.user.type, ctx.has_user(), v),
             ConditionKind::kUserType)) {
    return false;
  }
  if (c.app && !check(AppHolds(*c.app, in, v), ConditionKind::kApp)) return false;
  if (c.apps && !check(IncludeExcludeHolds("apps", *c.apps, ctx.app_id, !ctx.app_id.empty(), v),
                       ConditionKind::kApps)) {
    return false;
  }
  if (c.platform &&
      !check(PlatformHolds(*c.platform, programs(), in, v), ConditionKind::kPlatform)) {
    return false;
  }
  if (c.device && !check(DeviceHolds(*c.device, "device", ctx, v), ConditionKind::kDevice)) {
    return false;
  }
  if (c.context && !check(DeviceHolds(*c.context, "context", ctx, v), ConditionKind::kContext)) {
    return false;
  }
  if (c.user_identifier && !check(UserIdentifierHolds(*c.user_identifier, programs(), ctx, v),
                                  ConditionKind::kUserIdentifier)) {
    return false;
  }
  if (c.grant_types && !check(IncludeExcludeHolds("grantTypes", *c.grant_types, ctx.grant_type,
                                                  !ctx.grant_type.empty(), v),
                              ConditionKind::kGrantTypes)) {
    return false;
  }
  if (c.scopes && !check(ScopesHold(*c.scopes, ctx, v), ConditionKind::kScopes)) return false;
  if (c.clients && !check(ClientsHold(*c.clients, ctx, v), ConditionKind::kClients)) return false;
  if (c.el_condition &&
      !check(ElConditionHolds(*c.el_condition, programs(), in, v), ConditionKind::kElCondition)) {
    return false;
  }
  if (c.mdm_enrollment &&
      !check(MdmEnrollmentHolds(*c.mdm_enrollment, ctx, v), ConditionKind::kMdmEnrollment)) {
    return false;
  }
  if ((c.entity_risk || c.risk_detection_types) &&
      !check(EntityRiskHolds(c, ctx, v), ConditionKind::kEntityRisk)) {
    return false;
  }
  return ok;
}

// OKTA_SIGN_ON, PASSWORD, MFA_ENROLL: the default policy applies to
// everyone; any other applies to members of people.groups.include only.
// Its other conditions (authProvider for PASSWORD; network or app where a
// payload carries them) hold like rule conditions.
bool PolicyApplies(const Policy& policy, const ConditionInputs& in, Verdicts* v,
                   ConditionKind* first_failed) {
  const SignOnContext& ctx = in.context;
  auto fail = [&](ConditionKind kind) {
    if (first_failed != nullptr) *first_failed = kind;
    return false;
  };
  switch (policy.type) {
    case PolicyType::kOktaSignOn:
    case PolicyType::kPassword:
    case PolicyType::kMfaEnroll:
      break;
    case PolicyType::kAccessPolicy: {
      // Bound by a policy-mappings/ entry or, failing that, by the app's
      // apps.json _links.accessPolicy (the loader already settled conflicts).
      const bool by_mapping = Contains(policy.mapped_app_ids, ctx.app_id);
      const bool by_link = !by_mapping && Contains(policy.linked_app_ids, ctx.app_id);
      const bool mapped = by_mapping || by_link;
      Record(v, "app.mapping", mapped, [&] {
        return absl::StrCat("app ", ctx.app_id,
                            by_mapping ? " is mapped to this policy (policy-mappings/)"
                            : by_link  ? " is linked to this policy (apps.json _links.accessPolicy)"
                                       : " is not mapped to this policy");
      });
      if (!mapped) return fail(ConditionKind::kAppMapping);
      return ConditionsHold(policy.conditions, in, ConditionScope::kAll, v, first_failed);
    }
    default:
      return ConditionsHold(policy.conditions, in, ConditionScope::kAll, v, first_failed);
  }
  if (policy.system) {
    Record(v, "people.groups.include", true, [] { return "default policy: applies to everyone"; });
  } else {
    const std::vector<std::string>* include =
        policy.conditions.people ? &policy.conditions.people->groups.include : nullptr;
    if (include == nullptr || include->empty()) {
      Record(v, "people.groups.include", false,
             [] { return "no group include: a non-default policy applies to nobody"; });
      return fail(ConditionKind::kPeople);
    }
    std::string_view group;
    const bool member = UserInAnyGroup(*include, in, &group);
    Record(v, "people.groups.include", member, [&]() -> std::string {
      if (member) return absl::StrCat("user is in ", Sv(group));
      return ctx.has_user() ? "user is in none of the groups" : "no user";
    });
    if (!member) return fail(ConditionKind::kPeople);
  }
  return ConditionsHold(policy.conditions, in, ConditionScope::kAllButGroupInclude, v,
                        first_failed);
}

bool UserInAnyGroup(const std::vector<std::string>& groups, const ConditionInputs& in,
                    std::string_view* which) {
  const SignOnContext& ctx = in.context;
  if (!ctx.has_user()) return false;
  for (const std::string& g : groups) {
    if (Contains(ctx.user.groups, g) || in.facts.IsEveryoneGroup(g)) {
      if (which != nullptr) *which = g;
      return true;
    }
  }
  return false;
}

bool PeopleHolds(const PeopleCondition& p, const ConditionInputs& in, bool skip_group_include,
                 Verdicts* v) {
  const SignOnContext& ctx = in.context;
  const bool groups_include = !skip_group_include && !p.groups.include.empty();
  const bool any_include = !p.users.include.empty() || groups_include;
  if (any_include) {
    std::string_view group;
    const bool in_users = ctx.has_user() && Contains(p.users.include, ctx.user.id);
    const bool in_groups = groups_include && UserInAnyGroup(p.groups.include, in, &group);
    const bool included = in_users || in_groups;
    Record(v, "people.include", included, [&]() -> std::string {
      if (!ctx.has_user()) return "no user";
      if (in_users) return absl::StrCat("user ", ctx.user.id, " is listed");
      if (in_groups) return absl::StrCat("user is in ", Sv(group));
      return "user is neither listed nor in a listed group";
    });
    if (!included) return false;
  }
  if (ctx.has_user() && Contains(p.users.exclude, ctx.user.id)) {
    Record(v, "people.users.exclude", false,
           [&] { return absl::StrCat("user ", ctx.user.id, " is excluded"); });
    return false;
  }
  std::string_view group;
  if (UserInAnyGroup(p.groups.exclude, in, &group)) {
    Record(v, "people.groups.exclude", false,
           [&] { return absl::StrCat("user is in excluded group ", Sv(group)); });
    return false;
  }
  if (!any_include)
    Record(v, "people", true, [] { return "no include list: everyone the policy covers"; });
  return true;
}

bool GroupsHold(const IdList& groups, const ConditionInputs& in, Verdicts* v) {
  std::string_view group;
  if (!groups.include.empty() && !UserInAnyGroup(groups.include, in, &group)) {
    Record(v, "groups.include", false, [] { return "user is in none of the groups"; });
    return false;
  }
  if (UserInAnyGroup(groups.exclude, in, &group)) {
    Record(v, "groups.exclude", false,
           [&] { return absl::StrCat("user is in excluded group ", Sv(group)); });
    return false;
  }
  Record(v, "groups", true, [] { return "group condition holds"; });
  return true;
}

bool IncludeExcludeHolds(std::string_view name, const IdList& list, std::string_view value,
                         bool has_value, Verdicts* v) {
  if (!list.include.empty() && !(has_value && Contains(list.include, value))) {
    Record(v, name, "include", false, [&]() -> std::string {
      return has_value ? absl::StrCat("\"", Sv(value), "\" is not included")
                       : "no value in context";
    });
    return false;
  }
  if (has_value && Contains(list.exclude, value)) {
    Record(v, name, "exclude", false,
           [&] { return absl::StrCat("\"", Sv(value), "\" is excluded"); });
    return false;
  }
  Record(v, name, true, [&]() -> std::string {
    return has_value ? absl::StrCat("\"", Sv(value), "\"") : "no value";
  });
  return true;
}

bool NetworkHolds(const NetworkCondition& n, const ConditionInputs& in, Verdicts* v) {
  switch (n.connection) {
    case NetworkConnection::kAnywhere:
      Record(v, "network.connection", true, [] { return "ANYWHERE"; });
      return true;
    case NetworkConnection::kOnNetwork:
    case NetworkConnection::kOffNetwork: {
      const bool want_on = n.connection == NetworkConnection::kOnNetwork;
      const NetworkZone* legacy = in.facts.legacy_ip_zone();
      std::string why = v != nullptr ? "no LegacyIpZone in the snapshot" : "";
      const bool on = legacy != nullptr && in.zones.InZone(*legacy, v != nullptr ? &why : nullptr);
      Record(v, "network.connection", on == want_on,
             [&] { return absl::StrCat(want_on ? "ON_NETWORK: " : "OFF_NETWORK: ", why); });
      return on == want_on;
    }
    case NetworkConnection::kZone:
      break;
  }
  const ResolvedNetwork* resolved_or_null = in.facts.Resolve(n);
  if (resolved_or_null == nullptr) {
    Record(v, "network", false,
           [] { return "the condition is not part of the compiled snapshot: never holds"; });
    return false;
  }
  const ResolvedNetwork& resolved = *resolved_or_null;
  std::string why;
  std::string* wp = v != nullptr ? &why : nullptr;
  if (!resolved.include.empty()) {
    const bool in_zone = InAnyListedZone(resolved.include, in.zones, wp);
    Record(v, "network.include", in_zone, [&] { return why; });
    if (!in_zone) return false;
  }
  if (!resolved.exclude.empty()) {
    const bool in_zone = InAnyListedZone(resolved.exclude, in.zones, wp);
    Record(v, "network.exclude", !in_zone, [&] { return why; });
    if (in_zone) return false;
  }
  return true;
}

bool AuthContextHolds(const AuthContextCondition& a, const SignOnContext& ctx, Verdicts* v) {
  const bool ok = a.auth_type == "ANY" || absl::EqualsIgnoreCase(a.auth_type, ctx.auth_type);
  Record(v, "authContext.authType", ok,
         [&] { return absl::StrCat("rule ", a.auth_type, ", context ", ctx.auth_type); });
  return ok;
}

bool BehaviorsHold(const RiskBehaviorCondition& r, const ConditionInputs& in, Verdicts* v) {
  if (r.behaviors.empty()) {
    Record(v, "risk.behaviors", true, [] { return "no behaviors listed"; });
    return true;
  }
  for (const std::string& wanted : r.behaviors) {
    const Behavior* def = in.facts.BehaviorDefinition(wanted);
    for (const std::string& seen : in.context.behaviors) {
      const bool hit =
          absl::EqualsIgnoreCase(seen, wanted) ||
          (def != nullptr && (seen == def->id || absl::EqualsIgnoreCase(seen, def->name)));
      if (hit) {
        Record(v, "risk.behaviors", true,
               [&] { return absl::StrCat("behavior ", seen, " detected"); });
        return true;
      }
    }
  }
  Record(v, "risk.behaviors", false, [] { return "none of the listed behaviors detected"; });
  return false;
}

bool RiskScoreHolds(const RiskScoreCondition& r, const SignOnContext& ctx, Verdicts* v) {
  auto have = [&] { return Sv(ctx.risk_level ? RiskLevelName(*ctx.risk_level) : "none"); };
  if (r.level.has_value()) {
    const bool ok = ctx.risk_level == r.level;
    Record(v, "riskScore.level", ok, [&] {
      return absl::StrCat("rule ", Sv(RiskLevelName(*r.level)), ", context ", have());
    });
    if (!ok) return false;
  } else {
    Record(v, "riskScore.level", true, [] { return "ANY"; });
  }
  if (r.min_risk_level.has_value()) {
    const bool ok = ctx.risk_level.has_value() && *ctx.risk_level >= *r.min_risk_level;
    Record(v, "riskScore.minRiskLevel", ok, [&] {
      return absl::StrCat("minimum ", Sv(RiskLevelName(*r.min_risk_level)), ", context ", have());
    });
    if (!ok) return false;
  }
  return true;
}

bool IdentityProviderHolds(const IdentityProviderCondition& idp, const SignOnContext& ctx,
                           Verdicts* v) {
  bool ok = false;
  if (idp.provider == "ANY") {
    ok = true;
  } else if (idp.provider == "OKTA") {
    ok = absl::EqualsIgnoreCase(ctx.identity_provider_type, "OKTA");
  } else if (idp.provider == "SPECIFIC_IDP") {
    ok = !absl::EqualsIgnoreCase(ctx.identity_provider_type, "OKTA") &&
         Contains(idp.idp_ids, ctx.identity_provider_id);
  }
  Record(v, "identityProvider", ok, [&] {
    return absl::StrCat("rule ", idp.provider, ", context ", ctx.identity_provider_type,
                        ctx.identity_provider_id.empty() ? "" : " ", ctx.identity_provider_id);
  });
  return ok;
}

bool PolicyTypeCoversUser(PolicyType type, const SignOnContext& ctx, std::string* why) {
  if (type != PolicyType::kPassword) return true;
  const std::string& provider = ctx.user.provider;
  const bool covered = provider.empty() || absl::EqualsIgnoreCase(provider, "OKTA") ||
                       absl::EqualsIgnoreCase(provider, "ACTIVE_DIRECTORY") ||
                       absl::EqualsIgnoreCase(provider, "LDAP");
  if (!covered && why != nullptr) {
    *why = absl::StrCat("user.provider ", provider,
                        ": PASSWORD policies apply only to Okta-, AD- and LDAP-sourced users");
  }
  return covered;
}

bool AuthProviderHolds(const AuthProviderCondition& a, const SignOnContext& ctx, Verdicts* v) {
  const std::string& provider = ctx.user.provider;
  bool ok = a.provider == "ANY" || absl::EqualsIgnoreCase(a.provider, provider);
  if (ok && a.provider != "ANY" && !a.include.empty()) {
    ok = Contains(a.include, ctx.user.provider_id);
  }
  Record(v, "authProvider", ok,
         [&] { return absl::StrCat("rule ", a.provider, ", user ", provider); });
  return ok;
}

bool UserStatusHolds(const UserStatusCondition& s, const SignOnContext& ctx, Verdicts* v) {
  const bool ok = ctx.has_user() && absl::EqualsIgnoreCase(s.value, ctx.user.status);
  Record(v, "userStatus", ok,
         [&] { return absl::StrCat("rule ", s.value, ", user ", ctx.user.status); });
  return ok;
}

bool AppHolds(const AppCondition& a, const ConditionInputs& in, Verdicts* v) {
  const SignOnContext& ctx = in.context;
  const std::string_view app_name =
      ctx.app_id.empty() ? std::string_view() : in.facts.AppNameOf(ctx.app_id);
  auto matches = [&](const AppRef& ref) {
    if (ref.type == "APP_TYPE") return !app_name.empty() && ref.name == app_name;
    return !ctx.app_id.empty() && ref.id == ctx.app_id;
  };
  if (!a.include.empty() && std::none_of(a.include.begin(), a.include.end(), matches)) {
    Record(v, "app.include", false,
           [&] { return absl::StrCat("app \"", ctx.app_id, "\" is not included"); });
    return false;
  }
  if (std::any_of(a.exclude.begin(), a.exclude.end(), matches)) {
    Record(v, "app.exclude", false,
           [&] { return absl::StrCat("app ", ctx.app_id, " is excluded"); });
    return false;
  }
  Record(v, "app", true,
         [&]() -> std::string { return ctx.app_id.empty() ? "no app" : ctx.app_id; });
  return true;
}

bool PlatformHolds(const PlatformCondition& p, const ConditionPrograms& programs,
                   const ConditionInputs& in, Verdicts* v) {
  const SignOnContext& ctx = in.context;
  auto have = [&] {
    return absl::StrCat(ctx.device.platform_type.empty() ? "?" : ctx.device.platform_type, "/",
                        ctx.device.os_type.empty() ? "?" : ctx.device.os_type);
  };
  if (!programs.platform_os_error.ok()) {
    Record(v, "platform.os.expression", false, [&] {
      return absl::StrCat("malformed expression (", programs.platform_os_error.message(),
                          "): never matches");
    });
    return false;
  }
  // programs.platform_os: include entries, then exclude entries.
  auto os_of = [&](size_t k) -> const CompiledExpression* {
    return k < programs.platform_os.size() ? programs.platform_os[k].get() : nullptr;
  };
  auto entry_matches = [&](const PlatformEntry& e, size_t k) {
    return PlatformTypeMatches(e, ctx) &&
           (e.os_expression.empty() || OsExpressionHolds(e, os_of(k), in, nullptr));
  };
  auto any_matches = [&](const std::vector<PlatformEntry>& list, size_t offset) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (entry_matches(list[i], offset + i)) return true;
    }
    return false;
  };
  if (v != nullptr) {
    // The trace shows each expression whose entry's type and OS match.
    size_t k = 0;
    for (const auto* list : {&p.include, &p.exclude}) {
      for (const PlatformEntry& e : *list) {
        if (!e.os_expression.empty() && PlatformTypeMatches(e, ctx)) {
          OsExpressionHolds(e, os_of(k), in, v);
        }
        ++k;
      }
    }
  }
  if (!p.include.empty() && !any_matches(p.include, 0)) {
    Record(v, "platform.include", false,
           [&] { return absl::StrCat("platform ", have(), " not included"); });
    return false;
  }
  if (any_matches(p.exclude, p.include.size())) {
    Record(v, "platform.exclude", false,
           [&] { return absl::StrCat("platform ", have(), " excluded"); });
    return false;
  }
  Record(v, "platform", true, have);
  return true;
}

bool DeviceHolds(const DeviceCondition& d, std::string_view name, const SignOnContext& ctx,
                 Verdicts* v) {
  auto flag = [&](std::string_view what, const std::optional<bool>& want,
                  const std::optional<bool>& have) {
    if (!want.has_value()) return true;
    const bool ok = have.has_value() && *have == *want;
    Record(v, name, what, ok, [&] {
      return absl::StrCat("rule ", *want ? "true" : "false", ", context ",
                          have ? (*have ? "true" : "false") : "unknown");
    });
    return ok;
  };
  if (!flag("registered", d.registered, ctx.device.registered)) return false;
  // Device assurance presumes a registered device (Okta's Admin Console
  // offers "Device assurance policy is" only under "Device state is
  // Registered"): a rule with assurance and no `registered` reads as
  // registered: true (issue 18 item 9).
  if (!d.assurance_include.empty() && !d.registered.has_value() &&
      !flag("registered", true, ctx.device.registered)) {
    return false;
  }
  if (!flag("managed", d.managed, ctx.device.managed)) return false;
  if (!flag("rooted", d.rooted, ctx.device.rooted)) return false;
  if (!d.assurance_include.empty()) {
    const bool ok =
        std::any_of(d.assurance_include.begin(), d.assurance_include.end(),
                    [&](const std::string& id) { return Contains(ctx.device.assurance, id); });
    Record(v, name, "assurance.include", ok, [&] {
      return ok ? "device meets a listed assurance policy" : "no listed assurance policy met";
    });
    if (!ok) return false;
  }
  if (!d.trust_level.empty() && d.trust_level != "ANY") {
    const bool ok = absl::EqualsIgnoreCase(d.trust_level, ctx.device.trust_level);
    Record(v, name, "trustLevel", ok, [&] {
      return absl::StrCat("rule ", d.trust_level, ", context ", ctx.device.trust_level);
    });
    if (!ok) return false;
  }
  if (!d.platform_types.empty()) {
    // Classic platform types spell macOS "OSX".
    const std::string_view os =
        ctx.device.os_type == "MACOS" ? std::string_view("OSX") : ctx.device.os_type;
    const bool ok = Contains(d.platform_types, os);
    Record(v, name, "platform.types", ok, [&] { return absl::StrCat("context ", Sv(os)); });
    if (!ok) return false;
  }
  if (!d.supported_mdm_frameworks.empty()) {
    Record(v, name, "platform.supportedMDMFrameworks", false,
           [] { return "MDM frameworks are not in the context: never matches"; });
    return false;
  }
  return true;
}

bool UserIdentifierHolds(const UserIdentifierCondition& u, const ConditionPrograms& programs,
                         const SignOnContext& ctx, Verdicts* v) {
  absl::string_view subject;
  if (u.type == "ATTRIBUTE") {
    auto it = ctx.user.profile.find(u.attribute);
    if (it != ctx.user.profile.end()) subject = it->second.text;
  } else {
    subject = !ctx.login_identifier.empty() ? ctx.login_identifier : ctx.user.login;
  }
  for (size_t i = 0; i < u.patterns.size(); ++i) {
    const UserIdentifierPattern& p = u.patterns[i];
    const absl::string_view value = p.value;
    bool hit = false;
    if (p.match_type == "EQUALS") hit = absl::EqualsIgnoreCase(subject, value);
    if (p.match_type == "STARTS_WITH") hit = absl::StartsWithIgnoreCase(subject, value);
    if (p.match_type == "SUFFIX") hit = absl::EndsWithIgnoreCase(subject, value);
    if (p.match_type == "CONTAINS") hit = ContainsIgnoreCaseSubstr(subject, value);
    if (p.match_type == "EXPRESSION") {
      const CompiledRegex* re =
          i < programs.user_identifier.size() ? programs.user_identifier[i].get() : nullptr;
      hit = re != nullptr && re->FullMatch(std::string_view(subject.data(), subject.size()));
    }
    if (hit) {
      Record(v, "userIdentifier.patterns", true, [&] {
        return absl::StrCat("\"", subject, "\" ", p.match_type, " \"", p.value, "\"");
      });
      return true;
    }
  }
  Record(v, "userIdentifier.patterns", false,
         [&] { return absl::StrCat("\"", subject, "\" matches no pattern"); });
  return false;
}

bool ScopesHold(const IdList& s, const SignOnContext& ctx, Verdicts* v) {
  bool ok = s.include.empty() || Contains(s.include, "*");
  for (const std::string& scope : ctx.scopes) ok = ok || Contains(s.include, scope);
  Record(v, "scopes.include", ok,
         [&] { return absl::StrCat("requested ", absl::StrJoin(ctx.scopes, " ")); });
  return ok;
}

bool ClientsHold(const IdList& c, const SignOnContext& ctx, Verdicts* v) {
  const bool ok = c.include.empty() || Contains(c.include, "ALL_CLIENTS") ||
                  (!ctx.client_id.empty() && Contains(c.include, ctx.client_id));
  Record(v, "clients.include", ok, [&] { return absl::StrCat("client ", ctx.client_id); });
  return ok;
}

bool ElConditionHolds(const ElCondition& e, const ConditionPrograms& programs,
                      const ConditionInputs& in, Verdicts* v) {
  if (programs.el == nullptr) {
    Record(v, "elCondition", false, [&] {
      return absl::StrCat("malformed expression (", programs.el_error.message(),
                          "): never matches");
    });
    return false;
  }
  std::string why;
  const bool ok = programs.el->EvaluateBool(in.context, in.facts.expression_data(),
                                            v != nullptr ? &why : nullptr);
  Record(v, "elCondition", ok, [&] { return absl::StrCat(e.condition, " → ", why); });
  return ok;
}

// Legacy `mdmEnrollment` (*chosen*, docs/semantics.md): ANY_OR_NONE (or no
// value) matches every device; OMM (Okta Mobility Management) needs
// enrollment data no context carries, so it never matches.
// `blockNonSafeAndroid: true` fails for an Android device unless it is
// known not to be rooted.
bool MdmEnrollmentHolds(const MdmEnrollmentCondition& m, const SignOnContext& ctx, Verdicts* v) {
  if (!m.enrollment.empty() && !absl::EqualsIgnoreCase(m.enrollment, "ANY_OR_NONE")) {
    Record(v, "mdmEnrollment.enrollment", false, [&] {
      return absl::StrCat(m.enrollment, ": enrollment is not in the context, never matches");
    });
    return false;
  }
  if (m.block_non_safe_android.value_or(false) && ctx.device.os_type == "ANDROID" &&
      ctx.device.rooted.value_or(true)) {
    Record(v, "mdmEnrollment.blockNonSafeAndroid", false,
           [] { return "Android device not known to be unrooted"; });
    return false;
  }
  Record(v, "mdmEnrollment", true, [] { return "ANY_OR_NONE"; });
  return true;
}

// ENTITY_RISK (Part B §1.3): `entityRisk.level` ANY matches every context,
// another level only a context whose entityRisk.level is exactly that
// (*chosen*, as riskScore.level); `riskDetectionTypes` include: the context
// has at least one listed detection; exclude: none of them. A context
// without entityRisk matches only ANY and an exclude-only list.
bool EntityRiskHolds(const Conditions& c, const SignOnContext& ctx, Verdicts* v) {
  // A pointer rather than a copied optional: GCC 12 -O2 warns (falsely) that
  // a copied std::optional<RiskLevel> may be used uninitialized.
  const RiskLevel* level =
      ctx.entity_risk && ctx.entity_risk->level.has_value() ? &*ctx.entity_risk->level : nullptr;
  auto have = [&] { return Sv(level != nullptr ? RiskLevelName(*level) : "unknown"); };
  if (c.entity_risk && !c.entity_risk->level.empty() && c.entity_risk->level != "ANY") {
    const bool ok = level != nullptr && RiskLevelName(*level) == c.entity_risk->level;
    Record(v, "entityRisk.level", ok,
           [&] { return absl::StrCat("rule ", c.entity_risk->level, ", context ", have()); });
    if (!ok) return false;
  }
  if (c.risk_detection_types) {
    const absl::Span<const std::string> detections =
        ctx.entity_risk ? absl::MakeConstSpan(ctx.entity_risk->detection_types)
                        : absl::Span<const std::string>();
    const IdList& d = *c.risk_detection_types;
    const auto any_listed = [&](const std::vector<std::string>& list) {
      return std::any_of(detections.begin(), detections.end(),
                         [&](const std::string& t) { return ContainsIgnoreCase(list, t); });
    };
    auto detail = [&] {
      return absl::StrCat("context detections: ", detections.empty()
                                                      ? std::string("none")
                                                      : absl::StrJoin(detections, ", "));
    };
    if (!d.include.empty() && !any_listed(d.include)) {
      Record(v, "riskDetectionTypes.include", false, detail);
      return false;
    }
    if (any_listed(d.exclude)) {
      Record(v, "riskDetectionTypes.exclude", false, detail);
      return false;
    }
  }
  Record(v, "entityRisk", true, [&] { return absl::StrCat("entity risk ", have()); });
  return true;
}

bool ClientInDynamicZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why) {
  auto fail = [&](auto reason) {
    if (why != nullptr) *why = reason();
    return false;
  };
  const bool v2 = zone.type == ZoneType::kDynamicV2;
  const bool any_criterion =
      !zone.locations.empty() || !zone.asns.empty() ||
      zone.proxy_type != ZoneProxyCriterion::kNoConstraint ||
      (v2 && (!zone.ip_service_categories.empty() || !zone.locations_exclude.empty() ||
              !zone.asns_exclude.empty() || !zone.ip_service_categories_exclude.empty()));
  if (!any_criterion) {
    return fail([&] { return absl::StrCat(zone.name, " has no criteria"); });
  }
  if (!zone.locations.empty() && !LocationMatches(zone.locations, ctx)) {
    return fail([&] {
      return absl::StrCat(
          "client location ",
          ctx.geo ? absl::StrCat(ctx.geo->country, "/", ctx.geo->region) : "unknown", " not in ",
          zone.name);
    });
  }
  if (!zone.asns.empty() && !AsnMatches(zone.asns, ctx)) {
    return fail([&] {
      return absl::StrCat("client ASN ", ctx.asn ? absl::StrCat(*ctx.asn) : "unknown", " not in ",
                          zone.name);
    });
  }
  if (!ProxyCriterionMatches(zone.proxy_type, ContextProxy(ctx))) {
    return fail([&] {
      // An unknown proxy type is not "NONE": say what the context gave.
      return absl::StrCat("client proxy type ",
                          ctx.proxy_type ? Sv(ProxyTypeName(*ctx.proxy_type)) : "unknown",
                          " does not meet the proxyType of ", zone.name);
    });
  }
  if (v2) {
    if (!zone.ip_service_categories.empty() && !CategoryMatches(zone.ip_service_categories, ctx)) {
      return fail([&] { return absl::StrCat("client IP service category not in ", zone.name); });
    }
    if (!zone.locations_exclude.empty() && LocationMatches(zone.locations_exclude, ctx)) {
      return fail([&] { return absl::StrCat("client location excluded by ", zone.name); });
    }
    if (!zone.asns_exclude.empty() && AsnMatches(zone.asns_exclude, ctx)) {
      return fail([&] { return absl::StrCat("client ASN excluded by ", zone.name); });
    }
    if (!zone.ip_service_categories_exclude.empty() &&
        CategoryMatches(zone.ip_service_categories_exclude, ctx)) {
      return fail(
          [&] { return absl::StrCat("client IP service category excluded by ", zone.name); });
    }
  }
  if (why != nullptr) *why = absl::StrCat("client attributes match ", zone.name);
  return true;
}

namespace {
bool Listed(const SignOnContext& ctx, std::string_view zone_id) {
  return ctx.zones.has_value() && Contains(*ctx.zones, zone_id);
}
}  // namespace

bool InListedZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why) {
  const bool listed = Listed(ctx, zone.id);
  if (why != nullptr) {
    *why = !listed       ? absl::StrCat(zone.name, " is not among the context's zones")
           : zone.active ? absl::StrCat(zone.name, " is among the context's zones")
                         : absl::StrCat(zone.name, " is among the context's zones but INACTIVE");
  }
  return listed && zone.active;
}

const NetworkZone* ListedBlockingZone(const SnapshotFacts& facts, const SignOnContext& ctx,
                                      Notes* notes) {
  const NetworkZone* blocker = nullptr;
  for (const NetworkZone& zone : facts.snapshot().zones) {
    if (zone.usage == ZoneUsage::kBlocklist && InListedZone(zone, ctx, nullptr)) {
      blocker = &zone;
      break;
    }
  }
  if (blocker == nullptr) return nullptr;
  const NetworkZone* exempt = facts.default_exempt_zone();
  if (exempt != nullptr && InListedZone(*exempt, ctx, nullptr)) {
    if (notes != nullptr) {
      notes->push_back(absl::StrCat("the context's zones include blocklist ", blocker->name,
                                    " but also ", exempt->name, ": exempt"));
    }
    return nullptr;
  }
  if (notes != nullptr) {
    notes->push_back(absl::StrCat("the context's zones include blocklist ", blocker->name));
  }
  return blocker;
}

bool FactorDue(const SignOnAction& s, const SignOnContext& ctx, Notes* notes) {
  if (!s.require_factor) return false;
  switch (s.factor_prompt_mode) {
    case FactorPromptMode::kSession: {
      if (!ctx.time || !ctx.session.last_factor_verification || !s.factor_lifetime_minutes) {
        Note(notes, "factor prompt SESSION: no time, verification or lifetime — factor due");
        return true;
      }
      const absl::Duration since = *ctx.time - *ctx.session.last_factor_verification;
      const bool due = since > absl::Minutes(*s.factor_lifetime_minutes);
      if (notes != nullptr) {
        notes->push_back(absl::StrCat(
            "factor prompt SESSION: last verification ", absl::FormatDuration(since),
            " ago, lifetime ", *s.factor_lifetime_minutes, " min — ", due ? "due" : "not due"));
      }
      return due;
    }
    case FactorPromptMode::kDevice: {
      const bool remembered = ctx.device.remembered.value_or(false);
      Note(notes, remembered ? "factor prompt DEVICE: device remembered — not due"
                             : "factor prompt DEVICE: device not remembered — due");
      return !remembered;
    }
    case FactorPromptMode::kAlways:
    case FactorPromptMode::kUnset:
      return true;
  }
  return true;
}

Outcome DecideOutcome(PolicyType type, const Rule& rule, const SignOnContext& ctx, Notes* notes) {
  if (type == PolicyType::kAccessPolicy) {
    const bool deny = rule.app_sign_on && rule.app_sign_on->access == Access::kDeny;
    return deny ? Outcome::kDeny : Outcome::kAllow;
  }
  if (type != PolicyType::kOktaSignOn) return Outcome::kNone;
  if (!rule.signon.has_value()) {
    Note(notes, "rule has no signon action: outcome DENY (fail closed)");
    return Outcome::kDeny;
  }
  const SignOnAction& s = *rule.signon;
  if (s.access == Access::kDeny) return Outcome::kDeny;
  if (s.access == Access::kChallenge) return Outcome::kChallenge;
  if (s.access != Access::kAllow) {
    Note(notes, "signon.access is missing: outcome DENY (fail closed)");
    return Outcome::kDeny;
  }
  return FactorDue(s, ctx, notes) ? Outcome::kChallenge : Outcome::kAllow;
}

}  // namespace verdict::internal
