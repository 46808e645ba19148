// Okta's rule conditions and outcome, one function each: the single home of
// every rule of Part A §A2–§A3 (docs/semantics.md names these functions).
//
// Both evaluators call them. The reference evaluator calls ConditionsHold for
// every policy and rule it walks, with a Verdicts list for its trace; the
// compiled engine answers the keyed conditions (people, network, risk, ...)
// with its indexes and calls ConditionsHold only for what they do not answer
// (ConditionScope::kNotIndexed), and for policies' own conditions, with no
// trace. What stays engine-specific: the chain walk (ZoneMembership), the
// indexes and masks, the blocklist scan and the policy walk.
//
// Pure functions of (condition, context, snapshot facts). With a null
// Verdicts/Notes they do not allocate (expressions aside: docs/expressions.md
// "Allocation"); with one they append what decided, in Okta's simulation
// names ("people.groups.include", "network.include", ...).
#ifndef VERDICT_LIB_EVAL_CONDITIONS_H_
#define VERDICT_LIB_EVAL_CONDITIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "lib/compile/condition_kinds.h"
#include "lib/compile/snapshot_facts.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

using Verdicts = std::vector<ConditionVerdict>;
using Notes = std::vector<std::string>;

// Which zones the request is in, as an engine computes it: the reference by
// walking the IP chain zone by zone, the compiled engine from its IP index.
class ZoneMembership {
 public:
  virtual ~ZoneMembership() = default;
  // Is the request in `zone` (an entry of the snapshot's zones)? An INACTIVE
  // zone holds nobody. `why` (may be null) receives the reason.
  virtual bool InZone(const NetworkZone& zone, std::string* why) const = 0;
  // Is it in any zone ALL_ZONES covers (SnapshotFacts::AllZonesCovers)?
  virtual bool InAnyAllZonesZone(std::string* why) const = 0;
};

// Everything a condition reads.
struct ConditionInputs {
  const SignOnContext& context;
  const SnapshotFacts& facts;
  const ZoneMembership& zones;
};

// Which conditions of a set the caller wants checked.
enum class ConditionScope {
  kAll,
  // A group-targeted policy's own conditions (OKTA_SIGN_ON, PASSWORD,
  // MFA_ENROLL): people.groups.include chose the policy and is not a
  // condition on top of that.
  kAllButGroupInclude,
  // The conditions the compiled engine's indexes do not answer (those whose
  // kind IsIndexed() says false, lib/compile/condition_kinds.h).
  kNotIndexed,
};

// Part A §A2: condition objects AND together; an absent one matches; a
// condition key Verdict does not know makes the set never hold. With `v`,
// every condition is evaluated (so the trace shows each verdict); without,
// the first failing one ends the check. `first_failed` (may be null)
// receives the kind of the first condition that failed, in this order (the
// order of the Trace's verdicts); untouched when all hold.
bool ConditionsHold(const Conditions& c, const ConditionInputs& in, ConditionScope scope,
                    Verdicts* v, ConditionKind* first_failed = nullptr);

// Part A §A1.3 and §A1.5: does `policy` apply to the context — its
// selection (the group include of OKTA_SIGN_ON, PASSWORD and MFA_ENROLL
// policies other than the default one; the app binding of ACCESS_POLICY),
// then its own conditions? Both evaluators' walk of the policies asks this;
// `v` and `first_failed` as for ConditionsHold (kPeople for a failed group
// include, kAppMapping for an app not bound).
bool PolicyApplies(const Policy& policy, const ConditionInputs& in, Verdicts* v,
                   ConditionKind* first_failed = nullptr);

// ---------------------------------------------------------------- each condition

// Group membership as conditions see it: false without a user; otherwise the
// first listed group the user is in (a context membership, or Okta's
// Everyone group, which holds every user); `which` (may be null) names it.
bool UserInAnyGroup(const std::vector<std::string>& groups, const ConditionInputs& in,
                    std::string_view* which);

// `people`: includes (users ∪ groups) are a union, excludes win, empty
// includes mean no constraint; without a user includes fail, excludes hold.
bool PeopleHolds(const PeopleCondition& p, const ConditionInputs& in, bool skip_group_include,
                 Verdicts* v);
// Top-level `groups` (lifecycle types).
bool GroupsHold(const IdList& groups, const ConditionInputs& in, Verdicts* v);
// Include-any / exclude-none over one context value; empty lists mean no
// constraint; a missing value fails includes only. `users`, `userType`,
// `apps`, `grantTypes`.
bool IncludeExcludeHolds(std::string_view name, const IdList& list, std::string_view value,
                         bool has_value, Verdicts* v);
// `network`: ANYWHERE; ON/OFF_NETWORK = (not) in LegacyIpZone; ZONE include
// = in a listed zone, exclude = in none; ALL_ZONES; a missing zone holds
// nobody.
bool NetworkHolds(const NetworkCondition& n, const ConditionInputs& in, Verdicts* v);
// `authContext.authType`: ANY, else equal ignoring case.
bool AuthContextHolds(const AuthContextCondition& a, const SignOnContext& ctx, Verdicts* v);
// `risk.behaviors`: at least one listed behavior detected (ids or names).
bool BehaviorsHold(const RiskBehaviorCondition& r, const ConditionInputs& in, Verdicts* v);
// `riskScore.level` (ANY or exactly equal) and `minRiskLevel` (a threshold).
bool RiskScoreHolds(const RiskScoreCondition& r, const SignOnContext& ctx, Verdicts* v);
// `identityProvider`: ANY, OKTA, SPECIFIC_IDP.
bool IdentityProviderHolds(const IdentityProviderCondition& idp, const SignOnContext& ctx,
                           Verdicts* v);
// Whether policies of `type` can apply to the context's user at all: PASSWORD
// policies only to users whose credentials Okta or a directory masters
// (`user.provider` OKTA, the default, ACTIVE_DIRECTORY or LDAP); every other
// type to everyone. Checked before any policy of the type (issue 18 item 8).
bool PolicyTypeCoversUser(PolicyType type, const SignOnContext& ctx, std::string* why);
// PASSWORD `authProvider`.
bool AuthProviderHolds(const AuthProviderCondition& a, const SignOnContext& ctx, Verdicts* v);
// `userStatus`: the user's status, ignoring case.
bool UserStatusHolds(const UserStatusCondition& s, const SignOnContext& ctx, Verdicts* v);
// `app`: APP entries by the context's app id; APP_TYPE entries by that app's
// catalog `name` in apps.json (an app apps.json lacks matches none).
bool AppHolds(const AppCondition& a, const ConditionInputs& in, Verdicts* v);
// `platform`: include any / exclude none over {type, os.type}, with
// os.expression; a malformed expression anywhere: never holds.
bool PlatformHolds(const PlatformCondition& p, const ConditionPrograms& programs,
                   const ConditionInputs& in, Verdicts* v);
// `device` (Identity Engine and Classic) and `context` (named by `name`):
// each flag the rule sets must equal the context's; assurance: one listed
// policy met, on a registered device (presumed when the rule has assurance); trust level; Classic
// platform types; MDM frameworks never.
bool DeviceHolds(const DeviceCondition& d, std::string_view name, const SignOnContext& ctx,
                 Verdicts* v);
// `userIdentifier`: OR over patterns, case-insensitive; EXPRESSION is an RE2
// full match of the subject as given.
bool UserIdentifierHolds(const UserIdentifierCondition& u, const ConditionPrograms& programs,
                         const SignOnContext& ctx, Verdicts* v);
// `scopes` (`*` any) and `clients` (ALL_CLIENTS).
bool ScopesHold(const IdList& s, const SignOnContext& ctx, Verdicts* v);
bool ClientsHold(const IdList& c, const SignOnContext& ctx, Verdicts* v);
// `elCondition`: the compiled expression evaluates to true.
bool ElConditionHolds(const ElCondition& e, const ConditionPrograms& programs,
                      const ConditionInputs& in, Verdicts* v);
// Legacy `mdmEnrollment`.
bool MdmEnrollmentHolds(const MdmEnrollmentCondition& m, const SignOnContext& ctx, Verdicts* v);
// ENTITY_RISK `entityRisk.level` and `riskDetectionTypes`.
bool EntityRiskHolds(const Conditions& c, const SignOnContext& ctx, Verdicts* v);

// ---------------------------------------------------------------- zones

// Dynamic zones (DYNAMIC, DYNAMIC_V2): each non-empty criterion holds (AND),
// any entry of a list (OR); a zone without criteria holds nobody. Does not
// look at the zone's status. `why` (may be null) receives the reason.
bool ClientInDynamicZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why);

// The criteria ClientInDynamicZone combines, one at a time, for the compiled
// engine's flat dynamic-zone records (lib/eval/dynamic_zone_match.h), which
// must answer exactly as ClientInDynamicZone does.
// DYNAMIC `proxyType` against the context's proxy type (kNone when not given).
bool ProxyCriterionMatches(ZoneProxyCriterion criterion, ProxyType proxy);
// One DYNAMIC_V2 `ipServiceCategories` entry (a service or an umbrella):
// does it hold the client (its IP's services, or the service its proxyType
// implies)?
bool ServiceCategoryHolds(std::string_view category, const SignOnContext& ctx);

// A context that gives its zones by id (SignOnContext::zones): is the client
// in `zone`? Only a listed ACTIVE zone holds it.
bool InListedZone(const NetworkZone& zone, const SignOnContext& ctx, std::string* why);

// The blocklist for such a context: the first ACTIVE BLOCKLIST zone (in
// snapshot order) it lists, unless it also lists an ACTIVE
// DefaultExemptIpZone (the client's address is then exempt); null when not
// blocked. `notes` (may be null) says why.
const NetworkZone* ListedBlockingZone(const SnapshotFacts& facts, const SignOnContext& ctx,
                                      Notes* notes);

// ---------------------------------------------------------------- outcome

// Part A §A3 "factor due": is the rule's factor prompted now? Never without
// requireFactor; ALWAYS: yes; SESSION: unless the last verification is at
// most factorLifetime minutes before `time` (no time, verification or
// lifetime: yes); DEVICE: unless the device is remembered.
bool FactorDue(const SignOnAction& s, const SignOnContext& ctx, Notes* notes);

// Part A §A3: the outcome of `rule` winning a decision of `type`.
Outcome DecideOutcome(PolicyType type, const Rule& rule, const SignOnContext& ctx, Notes* notes);

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_CONDITIONS_H_
