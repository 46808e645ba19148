// A sign-on context: who signs in, from where, with what — the input of every
// evaluation. Its JSON form is docs/interfaces.md §2.
#ifndef VERDICT_CONTEXT_H_
#define VERDICT_CONTEXT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "verdict/export.h"
#include "verdict/ip_address.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/profile_value.h"

namespace verdict {

struct ContextUser {
  std::string id;
  std::string login;
  std::string status;             // ACTIVE, SUSPENDED, ... (empty = unknown)
  std::string type;               // user type id
  std::string provider = "OKTA";  // credential provider: OKTA | ACTIVE_DIRECTORY | LDAP | ...
  std::string provider_id;        // directory integration id
  std::vector<std::string> groups;
  // user.profile, each value with its JSON type.
  Profile profile;
  // The user holds an Okta administrator role (context `user.admin`; absent =
  // not an administrator): administrators never get a persistent session
  // cookie (docs/semantics.md, session report).
  bool admin = false;
};

struct ContextGeo {
  std::string country;  // ISO 3166-1 alpha-2, upper case, or empty
  std::string region;   // ISO 3166-2 "CC-RR", or empty
};

struct ContextDevice {
  std::string platform_type;  // DESKTOP | MOBILE | OTHER (upper case), empty = unknown
  std::string os_type;        // IOS | ANDROID | MACOS | WINDOWS | CHROMEOS | LINUX | OTHER
  std::optional<bool> registered;
  std::optional<bool> managed;
  std::optional<bool> remembered;
  std::optional<bool> rooted;
  std::string trust_level;             // TRUSTED | ...
  std::vector<std::string> assurance;  // satisfied device assurance policy ids
};

struct ContextSession {
  std::optional<absl::Time> created_at;
  std::optional<absl::Time> last_activity;
  std::optional<absl::Time> last_factor_verification;
  std::vector<std::string> amr;
};

// ENTITY_RISK input (Identity Threat Protection): the user's entity risk
// level and the detections that raised it. JSON
// `entityRisk: {"level": "HIGH", "detectionTypes": ["BRUTE_FORCE_ATTACK"]}`.
struct ContextEntityRisk {
  std::optional<RiskLevel> level;            // nullopt: not given
  std::vector<std::string> detection_types;  // upper case
};

struct SignOnContext {
  std::string id;
  std::vector<PolicyType> policy_types;  // empty = every type in the snapshot
  std::string app_id;                    // empty = no app
  ContextUser user;
  std::vector<IpAddress> ip_chain;  // client first, the hop connecting to Okta last
  // "The client is in exactly these zones" (zone ids), instead of an IP
  // chain: the form of Okta's policy simulation (policyContext.zones.ids).
  // nullopt: zones come from ip_chain. Given, only listed ACTIVE zones hold
  // the client (docs/semantics.md, "Zones given by id"). JSON `zones`; a
  // context gives zones or an IP chain, not both.
  std::optional<std::vector<std::string>> zones;
  // Client-IP attributes. nullopt = not given (the geo databases may supply it).
  std::optional<ContextGeo> geo;
  std::optional<uint32_t> asn;
  // Given explicitly: kNone for JSON null ("not a proxy"); nullopt = not given.
  std::optional<ProxyType> proxy_type;
  std::vector<std::string> ip_service_categories;  // DYNAMIC_V2 categories (upper case)
  ContextDevice device;
  std::optional<RiskLevel> risk_level;
  std::optional<ContextEntityRisk> entity_risk;  // nullopt: not given
  std::vector<std::string> behaviors;            // names or ids
  std::string auth_type = "ANY";                 // ANY | RADIUS | LDAP_INTERFACE
  std::string identity_provider_type = "OKTA";   // OKTA | IDP
  std::string identity_provider_id;
  // OAuth authorization-server requests.
  std::string client_id;
  std::string grant_type;
  std::vector<std::string> scopes;
  std::string login_identifier;  // IdP discovery; defaults to user.login when empty
  ContextSession session;
  std::optional<absl::Time> time;
  // The user's enrolled authenticators (JSON `authenticators`), each "key"
  // (every method of the authenticator: "okta_verify") or "key:method"
  // ("phone_number:sms"), lower case (verdict/authenticators.h). nullopt: not
  // given (the snapshot's users/<id>/factors.json may know them); an empty
  // list: the user has enrolled nothing. Read by eval's satisfiability report
  // (verdict/enrollment.h), by no condition.
  std::optional<std::vector<std::string>> authenticators;
  // True when the context names a user: its id, login, status, type,
  // provider id, groups or profile (the credential provider alone does not
  // count: it defaults to OKTA). There is no flag to forget: a context that
  // says nothing about its user has none, and then group and user includes
  // fail while excludes hold (docs/semantics.md A2 `people`). `"user": {}`
  // is the same as no user.
  bool has_user() const {
    return !user.id.empty() || !user.login.empty() || !user.status.empty() || !user.type.empty() ||
           !user.provider_id.empty() || !user.groups.empty() || !user.profile.empty();
  }

  // ThreatInsight's verdict on the request (System Log
  // `debugData.threatSuspected`); recorded for reports, no condition reads it.
  // JSON `threatSuspected`. nullopt = not known.
  std::optional<bool> threat_suspected;
};

// Parses one context object (docs/interfaces.md §2). On failure the status
// message names the JSON pointer ("/ipChain/1: invalid IPv4 address ...").
// Unknown fields are ignored. Never throws.
VERDICT_EXPORT absl::StatusOr<SignOnContext> ParseContext(std::string_view json_text);
// The same, and each unknown field (a typo such as "ipaddress") is a warning
// appended to `warnings` (may be null): code "context.unknown_field", its
// JSON pointer, and "did you mean" when a field of that object is close.
// Members named "$..." or "_..." (comments) and "verdictLog" are not warned
// about; "id": null is ("context.null_id"). Warnings carry no file: the caller knows it.
VERDICT_EXPORT absl::StatusOr<SignOnContext> ParseContext(std::string_view json_text,
                                                          IssueList* warnings);

// Where `json_text` nests deeper than ParseContext accepts (256 arrays or
// objects): the 1-based byte, or nullopt. For a caller that builds a DOM of
// several contexts before handing each to ParseContext: the check that keeps
// a hostile body from exhausting the stack of the DOM's recursive walks.
// Linear; never throws.
VERDICT_EXPORT std::optional<size_t> FindExcessiveContextNesting(std::string_view json_text);

// The contexts of a JSON array (serve's /v1/evaluate body), each as its own
// bytes of `json_text` for ParseContext or a ContextReader, found without
// building the array: nothing of a hostile body is built but the spans.
// InvalidArgument "byte N: JSON nested deeper than 256 levels", "the body is
// not JSON" or "the body is not a JSON array". Never throws.
VERDICT_EXPORT absl::StatusOr<std::vector<std::string_view>> SplitContextArray(
    std::string_view json_text);

}  // namespace verdict

#endif  // VERDICT_CONTEXT_H_
