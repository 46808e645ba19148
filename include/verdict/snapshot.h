// The typed model of an Okta org: policies, rules and network zones exactly as
// the Management API describes them, validated, with no meaning of their own.
// Evaluation lives elsewhere (reference_evaluator.h, engine.h).
//
// A Snapshot is loaded from the directory layout of docs/interfaces.md §1 by
// LoadSnapshot(). It is a plain value: copyable, movable, thread-compatible.
#ifndef VERDICT_SNAPSHOT_H_
#define VERDICT_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/export.h"
#include "verdict/ip_address.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/profile_value.h"

namespace verdict {

// ---------------------------------------------------------------- zones

enum class ZoneType { kIp, kDynamic, kDynamicV2 };
enum class ZoneUsage { kPolicy, kBlocklist };

// DYNAMIC zone `proxyType`. kNoConstraint for null/"" (and absent).
enum class ZoneProxyCriterion { kNoConstraint, kAny, kTor, kNotTorAnonymizer };

struct ZoneLocation {
  std::string country;  // ISO 3166-1 alpha-2, upper case ("US")
  std::string region;   // ISO 3166-2 "CC-RR" ("US-CA"), or empty for the whole country
};

struct NetworkZone {
  std::string id;
  std::string name;
  ZoneType type = ZoneType::kIp;
  bool active = true;  // status ACTIVE
  ZoneUsage usage = ZoneUsage::kPolicy;
  bool system = false;
  // `useAsExemptList`: true only on the system DefaultExemptIpZone (which
  // admins may rename); nullopt when the payload does not say.
  std::optional<bool> use_as_exempt_list;

  // IP zones. Order as in the payload.
  std::vector<IpRange> gateways;
  std::vector<IpRange> proxies;

  // DYNAMIC: `locations`, `asns`, `proxyType`.
  // DYNAMIC_V2: the `include` lists go in the same fields, `exclude` below.
  std::vector<ZoneLocation> locations;
  std::vector<uint32_t> asns;
  ZoneProxyCriterion proxy_type = ZoneProxyCriterion::kNoConstraint;
  std::vector<ZoneLocation> locations_exclude;
  std::vector<uint32_t> asns_exclude;
  std::vector<std::string> ip_service_categories;  // include, upper case
  std::vector<std::string> ip_service_categories_exclude;

  std::string raw_json;  // the zone object as received
};

// ---------------------------------------------------------------- conditions

struct IdList {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};

// Lifecycle sub-conditions of `users` (USER_LIFECYCLE and friends); kept
// typed so they survive a round trip, not evaluated for sign-on types.
struct DurationSpec {
  int64_t number = 0;
  std::string unit;  // "DAYS", ...
};
struct UserLifecycleConditions {
  std::optional<DurationSpec> inactivity;
  std::optional<DurationSpec> password_expiration;
  std::optional<DurationSpec> lifecycle_expiration;
  std::string lifecycle_expiration_status;  // lifecycleExpiration.lifecycleStatus
  std::string user_lifecycle_attribute_name;
  std::string user_lifecycle_attribute_value;
};

struct PeopleCondition {
  IdList users;
  IdList groups;
  UserLifecycleConditions lifecycle;
};

enum class NetworkConnection { kAnywhere, kZone, kOnNetwork, kOffNetwork };
inline constexpr std::string_view kAllZones = "ALL_ZONES";

struct NetworkCondition {
  NetworkConnection connection = NetworkConnection::kAnywhere;
  std::vector<std::string> include;  // zone ids, or the single "ALL_ZONES"
  std::vector<std::string> exclude;
};

struct AuthContextCondition {
  std::string auth_type = "ANY";  // ANY | RADIUS | LDAP_INTERFACE (upper case)
};

struct RiskBehaviorCondition {
  std::vector<std::string> behaviors;  // behavior ids (names tolerated)
};

struct RiskScoreCondition {
  // `level`: nullopt = ANY. `minRiskLevel` (SESSION_VIOLATION_DETECTION).
  std::optional<RiskLevel> level;
  std::optional<RiskLevel> min_risk_level;
};

struct IdentityProviderCondition {
  std::string provider = "ANY";  // ANY | OKTA | SPECIFIC_IDP
  std::vector<std::string> idp_ids;
};

struct AuthProviderCondition {
  std::string provider = "OKTA";  // OKTA | ACTIVE_DIRECTORY | LDAP | ANY
  std::vector<std::string> include;
};

struct UserStatusCondition {
  std::string value;  // ACTIVE, SUSPENDED, ...
};

struct PlatformEntry {
  std::string type = "ANY";     // ANY | DESKTOP | MOBILE | OTHER
  std::string os_type = "ANY";  // ANY | IOS | ANDROID | MACOS (OSX folded in) | WINDOWS | ...
  std::string os_expression;
  std::string os_version_match_type;
  std::string os_version_value;
};
struct PlatformCondition {
  std::vector<PlatformEntry> include;
  std::vector<PlatformEntry> exclude;
};

struct DeviceCondition {
  // Identity Engine access-policy device condition.
  std::optional<bool> registered;
  std::optional<bool> managed;
  std::vector<std::string> assurance_include;
  // Classic (legacy) device condition.
  std::optional<bool> migrated;
  std::optional<bool> rooted;
  std::string trust_level;                            // ANY | TRUSTED
  std::vector<std::string> platform_types;            // ANDROID | IOS | OSX | WINDOWS
  std::vector<std::string> supported_mdm_frameworks;  // AFW | NATIVE | SAFE
};

struct UserIdentifierPattern {
  std::string match_type;  // EQUALS | STARTS_WITH | SUFFIX | CONTAINS | EXPRESSION
  std::string value;
};
struct UserIdentifierCondition {
  std::string type = "IDENTIFIER";  // IDENTIFIER | ATTRIBUTE
  std::string attribute;
  std::vector<UserIdentifierPattern> patterns;
};

struct AppRef {
  std::string type;  // APP | APP_TYPE
  std::string id;
  std::string name;
};
struct AppCondition {
  std::vector<AppRef> include;
  std::vector<AppRef> exclude;
};

struct MdmEnrollmentCondition {
  std::string enrollment;  // ANY_OR_NONE | OMM
  std::optional<bool> block_non_safe_android;
};

struct ElCondition {
  std::string condition;
};

struct EntityRiskCondition {
  std::string level;  // ANY | LOW | MEDIUM | HIGH
};

// All condition objects a policy or rule can carry. An absent optional is an
// absent (or null) condition object, which matches (Part A §A2).
struct Conditions {
  std::optional<PeopleCondition> people;
  std::optional<IdList> users;   // top-level `users` (lifecycle types)
  std::optional<IdList> groups;  // top-level `groups`
  std::optional<NetworkCondition> network;
  std::optional<AuthContextCondition> auth_context;
  std::optional<RiskBehaviorCondition> risk;
  std::optional<RiskScoreCondition> risk_score;
  std::optional<IdentityProviderCondition> identity_provider;
  std::optional<AuthProviderCondition> auth_provider;
  std::optional<UserStatusCondition> user_status;
  std::optional<PlatformCondition> platform;
  std::optional<DeviceCondition> device;
  std::optional<UserIdentifierCondition> user_identifier;
  std::optional<AppCondition> app;
  std::optional<IdList> apps;
  std::optional<IdList> user_type;
  std::optional<MdmEnrollmentCondition> mdm_enrollment;
  std::optional<ElCondition> el_condition;
  std::optional<IdList> grant_types;
  std::optional<IdList> scopes;
  std::optional<IdList> clients;
  std::optional<DeviceCondition> context;  // `context` (device fields + expression)
  std::optional<EntityRiskCondition> entity_risk;
  std::optional<IdList> risk_detection_types;
  // Names of condition keys present in the payload that Verdict does not know.
  // A rule with one never matches silently: evaluators report it (Part A §A2).
  std::vector<std::string> unknown_keys;
};

// ---------------------------------------------------------------- actions

enum class Access { kUnset, kAllow, kDeny, kChallenge };
enum class FactorPromptMode { kUnset, kAlways, kDevice, kSession };

// The sign-on action (`actions.signon`) typed, for the outcome of Part A §A3
// and the session of issue 4. Everything else in `actions` is echoed from
// Rule::actions_json.
struct SignOnAction {
  Access access = Access::kUnset;
  bool require_factor = false;
  FactorPromptMode factor_prompt_mode = FactorPromptMode::kUnset;
  std::optional<int64_t> factor_lifetime_minutes;
  bool remember_device_by_default = false;
  std::string primary_factor;
  std::optional<int64_t> max_session_idle_minutes;
  std::optional<int64_t> max_session_lifetime_minutes;
  std::optional<bool> use_persistent_cookie;
};

// An authenticator and method named by a rule (SPEC#AuthenticationMethodObject):
// `key` (okta_verify, ...), `method` (push, ...; empty: any method of it).
struct AuthenticationMethodRef {
  std::string key;
  std::string method;
  // AUTH_METHOD_CHAIN entries: `userVerification: REQUIRED` (the method must
  // verify the user, e.g. with biometrics).
  bool user_verification_required = false;
};

// The knowledge or possession part of one ASSURANCE constraint object
// (SPEC#KnowledgeConstraint, SPEC#PossessionConstraint). Characteristic
// fields hold the rule's value upper-cased ("REQUIRED", "OPTIONAL") or ""
// when absent (Okta's defaults then apply: docs/semantics.md).
struct FactorConstraint {
  // `required` (default true; Okta returns false when the constraint only
  // excludes methods).
  bool required = true;
  std::vector<std::string> types;    // upper case: PASSWORD, SECURITY_QUESTION, PHONE, ...
  std::vector<std::string> methods;  // upper case: PASSWORD, SMS, PUSH, SIGNED_NONCE, ...
  std::vector<AuthenticationMethodRef> authentication_methods;           // only these
  std::vector<AuthenticationMethodRef> excluded_authentication_methods;  // never these
  std::string reauthenticate_in;  // ISO 8601; when re-verification is due, not whether possible
  std::string device_bound;
  std::string hardware_protection;
  std::string phishing_resistant;
  std::string user_presence;
  std::string user_verification;
};

// One object of `verificationMethod.constraints`: every part present must be
// satisfied; one object of the list suffices (SPEC#AccessPolicyConstraints).
struct AssuranceConstraint {
  std::optional<FactorConstraint> knowledge;
  std::optional<FactorConstraint> possession;
};

// One link of an AUTH_METHOD_CHAIN (SPEC#AuthenticationMethodChain): the user
// verifies with one of `methods`, then continues with one of `next` (none:
// the chain ends).
struct AuthMethodChain {
  std::vector<AuthenticationMethodRef> methods;
  std::vector<AuthMethodChain> next;
};

struct AppSignOnAction {
  Access access = Access::kUnset;
  bool has_verification_method = false;
  std::string verification_method_type;  // ASSURANCE | AUTH_METHOD_CHAIN | ID_PROOFING
  std::string factor_mode;               // 1FA | 2FA
  std::string reauthenticate_in;         // ISO 8601 duration
  // ASSURANCE `constraints` (an array, or Okta's single-object form).
  std::vector<AssuranceConstraint> constraints;
  // AUTH_METHOD_CHAIN `chains`.
  std::vector<AuthMethodChain> chains;
};

// One entry of an MFA_ENROLL policy's `settings.authenticators`
// (SPEC#AuthenticatorEnrollmentPolicyAuthenticatorSettings).
struct EnrollmentSetting {
  std::string key;   // okta_verify, ...
  std::string self;  // enroll.self, upper case: REQUIRED | OPTIONAL | NOT_ALLOWED
};

// IDP_DISCOVERY `actions.idp` (SPEC#IdpPolicyRuleAction).
struct IdpProvider {
  std::string type;  // OKTA, SAML2, OIDC, AgentlessDSSO, IWA, ...
  std::string id;
  std::string name;
};
struct IdpMatchCriterion {
  std::string provider_expression;  // Okta EL, e.g. login.identifier.substringAfter('@')
  // The property of the org's IdP (idps.json) it must equal: name | id |
  // type; absent in the rule means `name` (OLDPOLICY "Policy Action with
  // Dynamic IdP routing").
  std::string property_name = "name";
};
struct IdpAction {
  std::vector<IdpProvider> providers;
  std::string selection_type = "SPECIFIC";  // SPECIFIC | DYNAMIC (upper case)
  std::vector<IdpMatchCriterion> match_criteria;
  // shouldFallBackToOkta: when authentication with the IdP the rule routed
  // to fails, the user may sign in with Okta instead (docs/semantics.md).
  bool fall_back_to_okta = false;
};

// One Identity Provider of idps.json (GET /api/v1/idps), the IdPs a DYNAMIC
// IDP_DISCOVERY rule routes among (docs/semantics.md). Its IdpProvider part
// holds the id, name and type a decision reports; the object is kept whole
// in raw_json.
struct IdentityProvider : IdpProvider {
  bool active = true;         // status ACTIVE; INACTIVE IdPs are never routed to
  std::string protocol_type;  // protocol.type (SAML2, OIDC, ...), for traces
  std::string raw_json;
  std::string file;     // "idps.json"
  std::string pointer;  // "/2"
};

// ---------------------------------------------------------------- policies

struct Rule {
  std::string id;
  std::string name;
  std::string type;                 // SIGN_ON, PASSWORD, ACCESS_POLICY, ...
  std::optional<int64_t> priority;  // null/absent sorts last
  bool active = true;
  bool system = false;
  bool conditions_null = false;  // `conditions: null` or absent
  Conditions conditions;
  std::optional<SignOnAction> signon;
  std::optional<AppSignOnAction> app_sign_on;
  std::optional<IdpAction> idp;
  std::string actions_json;  // `actions` exactly as received ("{}" if absent)
  std::string raw_json;
  // Where the rule came from, for error messages and traces.
  std::string file;     // "rules/00p1.json" or "policies/OKTA_SIGN_ON.json"
  std::string pointer;  // "/2" or "/0/_embedded/rules/1"
};

struct Policy {
  std::string id;
  std::string name;
  std::string description;
  PolicyType type = PolicyType::kOktaSignOn;
  std::optional<int64_t> priority;
  bool active = true;
  bool system = false;
  Conditions conditions;
  std::string settings_json;  // `settings` as received, or empty
  // MFA_ENROLL `settings.authenticators` in their order (empty otherwise).
  std::vector<EnrollmentSetting> enrollment_settings;
  std::string raw_json;
  // Rules in evaluation order: ascending priority, then id (byte order).
  std::vector<Rule> rules;
  // App ids bound to this ACCESS_POLICY by policy-mappings/<id>.json.
  std::vector<std::string> mapped_app_ids;
  // App ids bound to this ACCESS_POLICY only by their apps.json
  // `_links.accessPolicy` (the loader leaves out links that a policy-mappings/
  // entry contradicts or repeats; docs/semantics.md). Kept apart from
  // mapped_app_ids so traces can say which source bound the app.
  std::vector<std::string> linked_app_ids;
  std::string file;
  std::string pointer;
};

struct Behavior {
  std::string id;
  std::string name;
  std::string type;
  bool active = true;
};

struct Group {
  std::string id;
  std::string name;
  std::string type;
};

// One Application object of apps.json (GET /api/v1/apps). Only what policy
// selection needs is typed; the object is kept whole in raw_json.
struct Application {
  std::string id;
  std::string name;    // catalog name ("bookmark", "oidc_client", ...)
  std::string label;   // display name
  bool active = true;  // status ACTIVE (INACTIVE apps keep their binding)
  // `_links.accessPolicy.href` as received, and the policy id it names (its
  // last path segment after /api/v1/policies/); both empty without a link.
  std::string access_policy_href;
  std::string access_policy_id;
  std::string raw_json;
  std::string file;     // "apps.json"
  std::string pointer;  // "/3"
};

// linked-objects.json (GET /api/v1/meta/schemas/user/linkedObjects): one
// relationship, e.g. primary "manager", associated "subordinates".
struct LinkedObjectDefinition {
  std::string primary_name;
  std::string associated_name;
};

// users/<userId>/user.json (GET /api/v1/users/{id}): what an expression reads
// of a linked user (user.getLinkedObject('manager').profile.email).
struct SnapshotUser {
  std::string id;
  std::string status;
  Profile profile;  // each value with its JSON type
};

struct Manifest {
  int format_version = 1;
  std::string org;
  std::string pulled_at;
  std::string source;
};

struct VERDICT_EXPORT Snapshot {
  std::string directory;
  Manifest manifest;
  std::vector<NetworkZone> zones;
  // Every policy of every type, grouped by type, each type in evaluation
  // order: ascending priority (absent last), then id.
  std::vector<Policy> policies;
  std::vector<Behavior> behaviors;  // behaviors.json, may be empty
  std::vector<Group> groups;        // groups.json, may be empty
  bool has_behaviors_file = false;
  bool has_groups_file = false;
  std::vector<Application> apps;  // apps.json, may be empty
  bool has_apps_file = false;
  std::vector<IdentityProvider> idps;  // idps.json, in its order, may be empty
  bool has_idps_file = false;
  // users/<userId>/groups.json: user id -> group ids.
  std::map<std::string, std::vector<std::string>> user_groups;
  // users/<userId>/factors.json (GET /api/v1/users/{id}/factors): user id ->
  // the user's enrollments, each "key:method" (verdict/authenticators.h),
  // ACTIVE factors only, the password included (docs/semantics.md).
  std::map<std::string, std::vector<std::string>, std::less<>> user_factors;
  // Linked objects (lib/model/linked_objects_loader.cc): the relationship
  // definitions, users/<userId>/user.json by id, and
  // users/<userId>/linkedObjects/<relationshipName>.json as user id ->
  // relationship name -> linked user ids (in the file's order).
  std::vector<LinkedObjectDefinition> linked_object_definitions;
  bool has_linked_objects_file = false;
  std::map<std::string, SnapshotUser, std::less<>> users;
  std::map<std::string, std::map<std::string, std::vector<std::string>, std::less<>>, std::less<>>
      user_links;

  const NetworkZone* FindZone(std::string_view id) const;
  // The system zones, found by what they are rather than by name (admins may
  // rename them; docs/semantics.md, "System zones"): the DefaultExemptIpZone
  // (the blocklist's exemptions) and LegacyIpZone (what ON_NETWORK means).
  // Null when the snapshot has none. The one definition both engines use.
  // Cost: a scan of the zones.
  const NetworkZone* DefaultExemptZone() const;
  const NetworkZone* LegacyIpZone() const;
  const Policy* FindPolicy(std::string_view id) const;
  const Application* FindApp(std::string_view id) const;
  // Okta's built-in Everyone group (type BUILT_IN, name "Everyone"), which
  // every user is in: normally one; every such group when a hand-made
  // snapshot has several, and for a repeated group id only its first entry
  // (as every lookup by id). The one definition both engines and the
  // expression evaluator use.
  std::vector<const Group*> EveryoneGroups() const;
  const IdentityProvider* FindIdp(std::string_view id) const;
  // Policies of one type in evaluation order.
  std::vector<const Policy*> PoliciesOfType(PolicyType type) const;
  // The policy types present in the snapshot, in enum order.
  std::vector<PolicyType> Types() const;
};

struct LoadOptions {
  // Treat warnings as errors (a CI gate wants no dangling references).
  // Default false.
  bool warnings_as_errors = false;
};

// Reads a snapshot directory (docs/interfaces.md §1). Every problem found is
// appended to `issues` (which may be null), each with file and JSON pointer.
// Returns InvalidArgument naming the first error when any issue is an error;
// warnings alone leave the snapshot usable. Never throws.
VERDICT_EXPORT absl::StatusOr<Snapshot> LoadSnapshot(std::string_view directory, IssueList* issues,
                                                     const LoadOptions& options = {});

// Reads one optional JSON file of a snapshot directory that LoadSnapshot
// does not model (lint's admins.json, users.json, ...) by the loader's rules:
// only a regular file whose real path lies inside the directory, up to the
// loader's size limit, nested no deeper than the loader allows (so the
// caller's parser cannot run out of stack; docs/reliability.md). nullopt when
// nothing is at `relative`; an error naming the path for a link outside, a
// FIFO, a device, a directory, an unreadable, oversized or too deeply nested
// file — nothing of its content is quoted.
absl::StatusOr<std::optional<std::string>> ReadOptionalSnapshotJson(std::string_view directory,
                                                                    std::string_view relative);

}  // namespace verdict

#endif  // VERDICT_SNAPSHOT_H_
