// Bad snapshots, one per case, each written into a fresh directory: the
// loader must name the exact file, JSON pointer, code and severity.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using testing::SnapshotDir;

constexpr char kDelete[] = "<delete>";
constexpr Issue::Severity kError = Issue::Severity::kError;
constexpr Issue::Severity kWarning = Issue::Severity::kWarning;

// A small valid snapshot every case starts from.
std::map<std::string, std::string> BaseFiles() {
  return {
      {"zones.json", R"([{"id": "nzo1", "name": "Office", "type": "IP", "status": "ACTIVE",
  "usage": "POLICY", "gateways": [{"type": "CIDR", "value": "10.0.0.0/8"}], "proxies": null}])"},
      {"policies/OKTA_SIGN_ON.json",
       R"([{"id": "00p1", "name": "Default", "type": "OKTA_SIGN_ON", "priority": 1,
  "status": "ACTIVE", "system": true, "conditions": {"people": {"groups": {"include": ["00g1"]}}}}])"},
      {"rules/00p1.json", R"([{"id": "0pr1", "name": "Office", "type": "SIGN_ON", "priority": 1,
  "status": "ACTIVE",
  "conditions": {"network": {"connection": "ZONE", "include": ["nzo1"]}},
  "actions": {"signon": {"access": "ALLOW", "requireFactor": false}}}])"},
  };
}

// One rule with the given conditions (JSON text).
std::string RuleWith(const std::string& conditions, const std::string& extra = "") {
  return R"([{"id": "0pr1", "name": "R", "type": "SIGN_ON", "priority": 1, "status": "ACTIVE",
  "conditions": )" +
         conditions + extra + R"(, "actions": {"signon": {"access": "ALLOW"}}}])";
}

// One IP zone with the given gateways (JSON text).
std::string ZoneWithGateways(const std::string& gateways) {
  return R"([{"id": "nzo1", "name": "Office", "type": "IP", "gateways": )" + gateways + "}]";
}

std::string DynamicZone(const std::string& body) {
  return R"([{"id": "nzo1", "name": "Office", "type": "IP"},
 {"id": "nzoD", "name": "Geo", "type": "DYNAMIC", )" +
         body + "}]";
}

// Two ACCESS_POLICYs (rstA with a mapping for 0oaMapped, rstB) and apps.json
// holding `apps` (JSON text of the array).
std::map<std::string, std::string> WithApps(const std::string& apps) {
  return {
      {"policies/ACCESS_POLICY.json",
       R"([{"id": "rstA", "name": "A", "type": "ACCESS_POLICY", "priority": 1},
  {"id": "rstB", "name": "B", "type": "ACCESS_POLICY", "priority": 2}])"},
      {"policy-mappings/rstA.json",
       R"([{"id": "rsm1", "_links": {"application": {"href": "https://x/api/v1/apps/0oaMapped"}}}])"},
      {"apps.json", apps}};
}

// One app whose `_links.accessPolicy` is `link` (JSON text).
std::string AppLinking(const std::string& id, const std::string& link) {
  return R"([{"id": ")" + id + R"(", "status": "ACTIVE", "_links": {"accessPolicy": )" + link +
         "}}]";
}

// One IDP_DISCOVERY policy whose rule has `idp` (the JSON text of its
// actions.idp) and `conditions`, plus idps.json holding `idps` (JSON text;
// kDelete leaves the file out).
std::map<std::string, std::string> WithIdps(
    const std::string& idps, const std::string& idp = R"({"providers": [{"type": "OKTA"}]})",
    const std::string& conditions = "null") {
  return {{"policies/IDP_DISCOVERY.json",
           R"([{"id": "00pIdp", "name": "Idp Discovery Policy", "type": "IDP_DISCOVERY",
  "priority": 1, "system": true, "conditions": null}])"},
          {"rules/00pIdp.json", R"([{"id": "0prIdp", "name": "R", "type": "IDP_DISCOVERY",
  "priority": 1, "status": "ACTIVE", "conditions": )" +
                                    conditions + R"(, "actions": {"idp": )" + idp + "}}]"},
          {"idps.json", idps}};
}

struct Case {
  std::string name;
  std::map<std::string, std::string> files;  // over BaseFiles(); kDelete removes
  Issue::Severity want_severity;
  std::string want_code;
  std::string want_file;
  std::string want_pointer;
  std::string want_substring;
  bool fatal;  // LoadSnapshot returns an error
  bool no_directory = false;
};

std::vector<Case> Cases() {
  return {
      // ------------------------------------------------------------ JSON syntax
      {"MalformedZones",
       {{"zones.json", R"([{"id": "nzo1",}])"}},
       kError,
       "json.syntax",
       "zones.json",
       "",
       "byte 16 (line 1, column 16)",
       true},
      {"TrailingGarbage",
       {{"policies/OKTA_SIGN_ON.json", "[]\n  x"}},
       kError,
       "json.syntax",
       "policies/OKTA_SIGN_ON.json",
       "",
       "expected end of input",
       true},
      {"MalformedOnLineThree",
       {{"rules/00p1.json", "[\n  {\"id\": \"0pr1\",\n   \"name\": }\n]"}},
       kError,
       "json.syntax",
       "rules/00p1.json",
       "",
       "byte 31 (line 3, column 12): syntax error while parsing value - unexpected '}'",
       true},
      {"EmptyFile",
       {{"zones.json", ""}},
       kError,
       "json.syntax",
       "zones.json",
       "",
       "empty input",
       true},
      {"InvalidUtf8",
       {{"zones.json", "[\"\xff\"]"}},
       kError,
       "json.syntax",
       "zones.json",
       "",
       "byte 3",
       true},
      // ------------------------------------------------------------ top-level shape
      {"ZonesNotArray",
       {{"zones.json", R"({"id": "nzo1"})"}},
       kError,
       "json.type",
       "zones.json",
       "",
       "expected an array, got object",
       true},
      {"PoliciesNotArray",
       {{"policies/OKTA_SIGN_ON.json", R"("nope")"}},
       kError,
       "json.type",
       "policies/OKTA_SIGN_ON.json",
       "",
       "expected an array, got string",
       true},
      {"RulesNotArray",
       {{"rules/00p1.json", R"({})"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "",
       "expected an array, got object",
       true},
      {"GroupsNotArray",
       {{"groups.json", "3"}},
       kError,
       "json.type",
       "groups.json",
       "",
       "expected an array, got integer",
       true},
      {"ZoneNotObject",
       {{"zones.json", "[[]]"}},
       kError,
       "json.type",
       "zones.json",
       "/0",
       "expected an object, got array",
       true},
      // ------------------------------------------------------------ wrong types
      {"PriorityString",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "priority": "1"}])"}},
       kError,
       "json.type",
       "policies/OKTA_SIGN_ON.json",
       "/0/priority",
       "expected an integer, got string",
       true},
      {"PriorityFloat",
       {{"rules/00p1.json", R"([{"id": "0pr1", "priority": 1.5}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/priority",
       "expected an integer, got number",
       true},
      {"StatusNumber",
       {{"rules/00p1.json", R"([{"id": "0pr1", "status": 1}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/status",
       "expected a string, got integer",
       true},
      {"StatusUnknown",
       {{"rules/00p1.json", R"([{"id": "0pr1", "status": "ENABLED"}])"}},
       kError,
       "json.bad_value",
       "rules/00p1.json",
       "/0/status",
       "unknown value \"ENABLED\" (expected one of ACTIVE, INACTIVE)",
       true},
      {"SystemString",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "system": "true"}])"}},
       kError,
       "json.type",
       "policies/OKTA_SIGN_ON.json",
       "/0/system",
       "expected a boolean, got string",
       true},
      {"IncludeNotArray",
       {{"rules/00p1.json", RuleWith(R"({"network": {"connection": "ZONE", "include": "nzo1"}})")}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/conditions/network/include",
       "expected an array, got string",
       true},
      {"IncludeEntryNotString",
       {{"rules/00p1.json", RuleWith(R"({"people": {"users": {"exclude": ["00u1", 7]}}})")}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/conditions/people/users/exclude/1",
       "expected a string, got integer",
       true},
      {"ConditionsArray",
       {{"rules/00p1.json", RuleWith("[]")}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/conditions",
       "expected an object, got array",
       true},
      {"ConditionObjectString",
       {{"rules/00p1.json", RuleWith(R"({"riskScore": "HIGH"})")}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/conditions/riskScore",
       "expected an object, got string",
       true},
      {"ActionsNotObject",
       {{"rules/00p1.json", R"([{"id": "0pr1", "actions": ["signon"]}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/actions",
       "expected an object, got array",
       true},
      {"SignonAccessUnknown",
       {{"rules/00p1.json", R"([{"id": "0pr1", "actions": {"signon": {"access": "MAYBE"}}}])"}},
       kError,
       "json.bad_value",
       "rules/00p1.json",
       "/0/actions/signon/access",
       "unknown value \"MAYBE\"",
       true},
      {"FactorLifetimeString",
       {{"rules/00p1.json",
         R"([{"id": "0pr1", "actions": {"signon": {"access": "ALLOW", "factorLifetime": "15"}}}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/actions/signon/factorLifetime",
       "expected an integer, got string",
       true},
      {"SessionIdleBool",
       {{"rules/00p1.json",
         R"([{"id": "0pr1", "actions": {"signon": {"session": {"maxSessionIdleMinutes": true}}}}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/actions/signon/session/maxSessionIdleMinutes",
       "expected an integer, got boolean",
       true},
      {"ConstraintsString",
       {{"rules/00p1.json",
         R"([{"id": "0pr1", "actions": {"appSignOn": {"access": "ALLOW",
             "verificationMethod": {"type": "ASSURANCE", "constraints": "x"}}}}])"}},
       kError,
       "json.type",
       "rules/00p1.json",
       "/0/actions/appSignOn/verificationMethod/constraints",
       "expected an array or object, got string",
       true},
      {"EmbeddedRulesNotArray",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "_embedded": {"rules": {}}}])"},
        {"rules/00p1.json", kDelete}},
       kError,
       "json.type",
       "policies/OKTA_SIGN_ON.json",
       "/0/_embedded/rules",
       "expected an array, got object",
       true},
      {"RiskLevelUnknown",
       {{"rules/00p1.json", RuleWith(R"({"riskScore": {"level": "SEVERE"}})")}},
       kError,
       "json.bad_value",
       "rules/00p1.json",
       "/0/conditions/riskScore/level",
       "unknown risk level \"SEVERE\"",
       true},
      {"ConnectionUnknown",
       {{"rules/00p1.json", RuleWith(R"({"network": {"connection": "SOMEWHERE"}})")}},
       kError,
       "json.bad_value",
       "rules/00p1.json",
       "/0/conditions/network/connection",
       "unknown value \"SOMEWHERE\"",
       true},
      // ------------------------------------------------------------ policy types
      {"UnknownPolicyType",
       {{"policies/OKTA_SIGN_ON.json", R"([{"id": "00p1", "type": "OKTA_SIGN_IN"}])"},
        {"rules/00p1.json", kDelete}},
       kError,
       "policy.unknown_type",
       "policies/OKTA_SIGN_ON.json",
       "/0/type",
       "unknown policy type \"OKTA_SIGN_IN\"",
       true},
      {"UnknownPolicyFile",
       {{"policies/SIGN_ON.json", R"([])"}},
       kError,
       "policy.unknown_type",
       "policies/SIGN_ON.json",
       "",
       "no known policy type: \"SIGN_ON\"",
       true},
      {"TypeFileMismatch",
       {{"policies/OKTA_SIGN_ON.json", R"([{"id": "00p1", "type": "PASSWORD"}])"}},
       kError,
       "policy.type_mismatch",
       "policies/OKTA_SIGN_ON.json",
       "/0/type",
       "policy of type PASSWORD in the file for OKTA_SIGN_ON",
       true},
      // ------------------------------------------------------------ zones
      {"CidrBadOctet",
       {{"zones.json", ZoneWithGateways(R"([{"type": "CIDR", "value": "1.2.3.999/24"}])")}},
       kError,
       "zone.bad_cidr",
       "zones.json",
       "/0/gateways/0/value",
       "invalid IPv4 address \"1.2.3.999\"",
       true},
      {"CidrPrefixTooLong",
       {{"zones.json", ZoneWithGateways(R"([{"type": "CIDR", "value": "10.0.0.0/8"},
           {"type": "CIDR", "value": "10.0.0.0/33"}])")}},
       kError,
       "zone.bad_cidr",
       "zones.json",
       "/0/gateways/1/value",
       "10.0.0.0/33",
       true},
      {"RangeReversed",
       {{"zones.json", ZoneWithGateways(R"([{"type": "RANGE", "value": "10.0.0.5-10.0.0.1"}])")}},
       kError,
       "zone.bad_range",
       "zones.json",
       "/0/gateways/0/value",
       "10.0.0.5-10.0.0.1",
       true},
      {"Ipv6Garbage",
       {{"zones.json", ZoneWithGateways(R"([{"type": "CIDR", "value": "2001:db8::zz/64"}])")}},
       kError,
       "zone.bad_cidr",
       "zones.json",
       "/0/gateways/0/value",
       "invalid IPv6 address",
       true},
      {"RangeMixedFamily",
       {{"zones.json", ZoneWithGateways(R"([{"type": "RANGE", "value": "10.0.0.1-::1"}])")}},
       kError,
       "zone.bad_range",
       "zones.json",
       "/0/gateways/0/value",
       "10.0.0.1-::1",
       true},
      {"ProxyBadCidr",
       {{"zones.json", R"([{"id": "nzo1", "type": "IP", "gateways": [],
           "proxies": [{"type": "CIDR", "value": "300.1.1.1/32"}]}])"}},
       kError,
       "zone.bad_cidr",
       "zones.json",
       "/0/proxies/0/value",
       "invalid IPv4 address",
       true},
      {"AddressTypeUnknown",
       {{"zones.json", ZoneWithGateways(R"([{"type": "HOST", "value": "10.0.0.1"}])")}},
       kError,
       "zone.bad_address_type",
       "zones.json",
       "/0/gateways/0/type",
       "unknown address type \"HOST\" (expected CIDR or RANGE)",
       true},
      {"AddressMissingValue",
       {{"zones.json", ZoneWithGateways(R"([{"type": "CIDR"}])")}},
       kError,
       "json.missing",
       "zones.json",
       "/0/gateways/0/value",
       "missing required field \"value\"",
       true},
      {"ZoneTypeUnknown",
       {{"zones.json", R"([{"id": "nzo1", "type": "IP"}, {"id": "nzo2", "type": "GEO"}])"}},
       kError,
       "zone.unknown_type",
       "zones.json",
       "/1/type",
       "unknown value \"GEO\"",
       true},
      {"AsnNotNumeric",
       {{"zones.json", DynamicZone(R"("asns": ["13335", "AS13335"])")}},
       kError,
       "zone.bad_asn",
       "zones.json",
       "/1/asns/1",
       "invalid ASN \"AS13335\"",
       true},
      {"AsnTooLarge",
       {{"zones.json", DynamicZone(R"("asns": ["4294967296"])")}},
       kError,
       "zone.bad_asn",
       "zones.json",
       "/1/asns/0",
       "invalid ASN \"4294967296\"",
       true},
      {"ProxyTypeUnknown",
       {{"zones.json", DynamicZone(R"("proxyType": "Sometimes")")}},
       kError,
       "zone.bad_proxy_type",
       "zones.json",
       "/1/proxyType",
       "unknown proxyType \"Sometimes\"",
       true},
      {"CountryNotAlpha2",
       {{"zones.json", DynamicZone(R"("locations": [{"country": "USA", "region": null}])")}},
       kError,
       "zone.bad_location",
       "zones.json",
       "/1/locations/0/country",
       "invalid country code \"USA\"",
       true},
      {"LocationsV2ShapeInDynamic",
       {{"zones.json", DynamicZone(R"("locations": {"include": []})")}},
       kError,
       "json.type",
       "zones.json",
       "/1/locations",
       "expected an array, got object",
       true},
      {"ExclueMisspelled",
       {{"zones.json", R"([{"id": "nzo1", "type": "IP"}, {"id": "nzo2", "type": "DYNAMIC_V2",
           "ipServiceCategories": {"include": ["ALL_ANONYMIZERS"], "exclue": []}}])"}},
       kWarning,
       "zone.misspelled_exclude",
       "zones.json",
       "/1/ipServiceCategories/exclue",
       "read as \"exclude\"",
       false},
      // ------------------------------------------------------------ duplicates
      {"DuplicatePolicyId",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "priority": 1},
             {"id": "00p1", "type": "OKTA_SIGN_ON", "priority": 2}])"}},
       kError,
       "policy.duplicate_id",
       "policies/OKTA_SIGN_ON.json",
       "/1/id",
       "duplicate policy id \"00p1\" (first at policies/OKTA_SIGN_ON.json /0)",
       true},
      {"DuplicatePolicyIdAcrossFiles",
       {{"policies/PASSWORD.json", R"([{"id": "00p1", "type": "PASSWORD", "priority": 1}])"}},
       kError,
       "policy.duplicate_id",
       "policies/PASSWORD.json",
       "/0/id",
       "first at policies/OKTA_SIGN_ON.json /0",
       true},
      {"DuplicateRuleId",
       {{"rules/00p1.json", R"([{"id": "0pr1", "priority": 1}, {"id": "0pr1", "priority": 2}])"}},
       kError,
       "rule.duplicate_id",
       "rules/00p1.json",
       "/1/id",
       "duplicate rule id \"0pr1\" (first at rules/00p1.json /0)",
       true},
      {"DuplicateZoneId",
       {{"zones.json", R"([{"id": "nzo1", "type": "IP"}, {"id": "nzo1", "type": "IP"}])"}},
       kError,
       "zone.duplicate_id",
       "zones.json",
       "/1/id",
       "duplicate zone id \"nzo1\" (first at /0)",
       true},
      {"DuplicatePolicyPriority",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00pB", "type": "OKTA_SIGN_ON", "priority": 1},
             {"id": "00pA", "type": "OKTA_SIGN_ON", "priority": 1}])"},
        {"rules/00p1.json", kDelete},
        {"rules/00pA.json", "[]"}},
       kWarning,
       "policy.duplicate_priority",
       "policies/OKTA_SIGN_ON.json",
       "/0/priority",
       "priority 1 is also that of policy \"00pA\"",
       false},
      {"DuplicateRulePriority",
       {{"rules/00p1.json", R"([{"id": "0pr2", "priority": 3}, {"id": "0pr1", "priority": 3}])"}},
       kWarning,
       "rule.duplicate_priority",
       "rules/00p1.json",
       "/0/priority",
       "priority 3 is also that of rule \"0pr1\" (rules/00p1.json /1); ordered by id",
       false},
      // ------------------------------------------------------------ rules placement
      {"RulesGivenTwice",
       {{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "_embedded": {"rules": []}}])"}},
       kError,
       "policy.rules_twice",
       "rules/00p1.json",
       "",
       "rules given twice for policy \"00p1\"",
       true},
      {"RulesForUnknownPolicy",
       {{"rules/00pX.json", "[]"}},
       kWarning,
       "rules.unknown_policy",
       "rules/00pX.json",
       "",
       "rules for unknown policy \"00pX\"",
       false},
      {"MappingsForUnknownPolicy",
       {{"policy-mappings/00pX.json", "[]"}},
       kWarning,
       "mappings.unknown_policy",
       "policy-mappings/00pX.json",
       "",
       "unknown policy \"00pX\"",
       false},
      // ------------------------------------------------------------ apps.json
      {"MalformedApps", WithApps(R"([{"id": "0oa1"]])"), kError, "json.syntax", "apps.json", "",
       "byte ", true},
      {"AppsNotAnArray", WithApps(R"({"id": "0oa1"})"), kError, "json.type", "apps.json", "",
       "expected an array", true},
      {"AppWithoutId", WithApps(R"([{"label": "No id"}])"), kError, "json.missing", "apps.json",
       "/0/id", "missing required field \"id\"", true},
      {"AppDuplicateId", WithApps(R"([{"id": "0oa1"}, {"id": "0oa1"}])"), kError,
       "app.duplicate_id", "apps.json", "/1/id", "duplicate app id \"0oa1\" (first at /0)", true},
      {"AppUnknownStatus", WithApps(R"([{"id": "0oa1", "status": "ARCHIVED"}])"), kError,
       "json.bad_value", "apps.json", "/0/status", "ARCHIVED", true},
      {"AppLinkNotAPolicyUrl",
       WithApps(AppLinking("0oa1", R"({"href": "https://x.okta.com/api/v1/apps/0oa1"})")), kError,
       "app.bad_access_policy_href", "apps.json", "/0/_links/accessPolicy/href",
       "not a policy URL: \"https://x.okta.com/api/v1/apps/0oa1\"", true},
      {"AppLinkPolicyUrlWithTrailingPath",
       WithApps(AppLinking("0oa1", R"({"href": "https://x.okta.com/api/v1/policies/rstB/rules"})")),
       kError, "app.bad_access_policy_href", "apps.json", "/0/_links/accessPolicy/href",
       "expected .../api/v1/policies/<policyId>", true},
      {"AppLinkHrefNotAString", WithApps(AppLinking("0oa1", R"({"href": 42})")), kError,
       "json.type", "apps.json", "/0/_links/accessPolicy/href", "expected a string", true},
      {"AppLinkWithoutHref", WithApps(AppLinking("0oa1", R"({"hints": {}})")), kError,
       "json.missing", "apps.json", "/0/_links/accessPolicy/href",
       "missing required field \"href\"", true},
      {"AppLinkNotAnObject",
       WithApps(AppLinking("0oa1", R"("https://x.okta.com/api/v1/policies/rstB")")), kError,
       "json.type", "apps.json", "/0/_links/accessPolicy", "expected an object", true},
      {"AppLinkToUnknownPolicy",
       WithApps(AppLinking("0oa1", R"({"href": "https://x.okta.com/api/v1/policies/rstGone"})")),
       kWarning, "app.dangling_policy", "apps.json", "/0/_links/accessPolicy/href",
       "names unknown policy \"rstGone\"; the link is ignored", false},
      {"AppLinkToSignOnPolicy",
       WithApps(AppLinking("0oa1", R"({"href": "https://x.okta.com/api/v1/policies/00p1"})")),
       kWarning, "app.not_access_policy", "apps.json", "/0/_links/accessPolicy/href",
       "policy \"00p1\" of type OKTA_SIGN_ON, not ACCESS_POLICY", false},
      {"AppLinkContradictsMapping",
       WithApps(AppLinking("0oaMapped", R"({"href": "https://x.okta.com/api/v1/policies/rstB"})")),
       kWarning, "app.policy_conflict", "apps.json", "/0/_links/accessPolicy/href",
       "policy-mappings/rstA.json maps app \"0oaMapped\" to policy \"rstA\"; the mapping is used",
       false},
      {"RuleTypeMismatch",
       {{"rules/00p1.json", R"([{"id": "0pr1", "type": "PASSWORD"}])"}},
       kWarning,
       "rule.type_mismatch",
       "rules/00p1.json",
       "/0/type",
       "rule type \"PASSWORD\" in a OKTA_SIGN_ON policy (expected SIGN_ON)",
       false},
      // ------------------------------------------------------------ network condition
      {"ZoneWithoutZones",
       {{"rules/00p1.json", RuleWith(R"({"network": {"connection": "ZONE"}})")}},
       kError,
       "condition.zone_without_zones",
       "rules/00p1.json",
       "/0/conditions/network",
       "connection ZONE needs",
       true},
      {"ZoneWithEmptyLists",
       {{"rules/00p1.json",
         RuleWith(R"({"network": {"connection": "ZONE", "include": [], "exclude": []}})")}},
       kError,
       "condition.zone_without_zones",
       "rules/00p1.json",
       "/0/conditions/network",
       "connection ZONE needs",
       true},
      // ------------------------------------------------------------ dangling references
      {"DanglingZoneInclude",
       {{"rules/00p1.json",
         RuleWith(R"({"network": {"connection": "ZONE", "include": ["nzo1", "nzoX"]}})")}},
       kWarning,
       "rule.dangling_zone",
       "rules/00p1.json",
       "/0/conditions/network/include/1",
       "unknown zone \"nzoX\"",
       false},
      {"DanglingZoneExclude",
       {{"rules/00p1.json",
         RuleWith(R"({"network": {"connection": "ZONE", "exclude": ["nzoY"]}})")}},
       kWarning,
       "rule.dangling_zone",
       "rules/00p1.json",
       "/0/conditions/network/exclude/0",
       "unknown zone \"nzoY\"",
       false},
      {"DanglingZoneInEmbeddedRule",
       {{"policies/OKTA_SIGN_ON.json", R"([{"id": "00p1", "type": "OKTA_SIGN_ON",
           "_embedded": {"rules": [{"id": "0pr1", "conditions":
             {"network": {"connection": "ZONE", "include": ["nzoZ"]}}}]}}])"},
        {"rules/00p1.json", kDelete}},
       kWarning,
       "rule.dangling_zone",
       "policies/OKTA_SIGN_ON.json",
       "/0/_embedded/rules/0/conditions/network/include/0",
       "unknown zone \"nzoZ\"",
       false},
      {"DanglingZoneInPolicy",
       {{"policies/MFA_ENROLL.json", R"([{"id": "00pM", "type": "MFA_ENROLL",
           "conditions": {"network": {"connection": "ZONE", "include": ["nzoQ"]}}}])"}},
       kWarning,
       "policy.dangling_zone",
       "policies/MFA_ENROLL.json",
       "/0/conditions/network/include/0",
       "unknown zone \"nzoQ\"",
       false},
      {"DanglingGroup",
       {{"groups.json", R"([{"id": "00g1", "profile": {"name": "Everyone"}, "type": "BUILT_IN"}])"},
        {"rules/00p1.json",
         RuleWith(R"({"people": {"groups": {"include": ["EVERYONE"], "exclude": ["00g9"]}}})")}},
       kWarning,
       "rule.dangling_group",
       "rules/00p1.json",
       "/0/conditions/people/groups/exclude/0",
       "unknown group \"00g9\"",
       false},
      {"DanglingGroupInPolicy",
       {{"groups.json", R"([{"id": "00g2"}])"}},
       kWarning,
       "policy.dangling_group",
       "policies/OKTA_SIGN_ON.json",
       "/0/conditions/people/groups/include/0",
       "unknown group \"00g1\"",
       false},
      {"DanglingBehavior",
       {{"behaviors.json", R"([{"id": "abcBhv1", "name": "New IP", "type": "VELOCITY"}])"},
        {"rules/00p1.json",
         RuleWith(R"({"risk": {"behaviors": ["New IP", "abcBhv1", "New City"]}})")}},
       kWarning,
       "rule.dangling_behavior",
       "rules/00p1.json",
       "/0/conditions/risk/behaviors/2",
       "unknown behavior \"New City\"",
       false},
      {"UnknownConditionKey",
       {{"rules/00p1.json", RuleWith(R"({"fooBar": {"include": []}})")}},
       kWarning,
       "condition.unknown_key",
       "rules/00p1.json",
       "/0/conditions/fooBar",
       "unknown condition \"fooBar\"",
       false},
      // ------------------------------------------------------------ files and directories
      {"MissingDirectory",
       {},
       kError,
       "snapshot.missing_directory",
       "",
       "",
       "no such directory",
       true,
       /*no_directory=*/true},
      {"ZonesIsADirectory",
       {{"zones.json", kDelete}, {"zones.json/", ""}},
       kError,
       "snapshot.not_a_file",
       "zones.json",
       "",
       "expected a regular file, found a directory",
       true},
      {"MissingZonesFile",
       {{"zones.json", kDelete}},
       kWarning,
       "snapshot.missing_zones",
       "zones.json",
       "",
       "no zones.json",
       false},
      {"UserGroupsEntryWrongType",
       {{"users/00u1/groups.json", R"([{"id": "00g1"}, 5])"}},
       kError,
       "json.type",
       "users/00u1/groups.json",
       "/1",
       "expected an object, got integer",
       true},
      {"ManifestNotObject",
       {{"manifest.json", "[]"}},
       kError,
       "json.type",
       "manifest.json",
       "",
       "expected an object, got array",
       true},
  };
}

// gtest prints the case by name, not as bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// idps.json and the IDP_DISCOVERY rules' references to it (issue 18 item 1).
std::vector<Case> IdpCases() {
  return {
      // ------------------------------------------------------------ idps.json
      {"MalformedIdps", WithIdps(R"([{"id": "0oa1"]])"), kError, "json.syntax", "idps.json", "",
       "byte ", true},
      {"IdpsNotAnArray", WithIdps(R"({"id": "0oa1"})"), kError, "json.type", "idps.json", "",
       "expected an array", true},
      {"IdpWithoutId", WithIdps(R"([{"name": "acme.example", "type": "SAML2"}])"), kError,
       "json.missing", "idps.json", "/0/id", "missing required field \"id\"", true},
      {"IdpDuplicateId", WithIdps(R"([{"id": "0oa1"}, {"id": "0oa1"}])"), kError,
       "idp.duplicate_id", "idps.json", "/1/id", "duplicate IdP id \"0oa1\" (first at /0)", true},
      {"IdpUnknownStatus", WithIdps(R"([{"id": "0oa1", "status": "DELETED"}])"), kError,
       "json.bad_value", "idps.json", "/0/status", "DELETED", true},
      {"IdpNameNotAString", WithIdps(R"([{"id": "0oa1", "name": 7}])"), kError, "json.type",
       "idps.json", "/0/name", "expected a string", true},
      {"IdpProtocolNotAnObject", WithIdps(R"([{"id": "0oa1", "protocol": "SAML2"}])"), kError,
       "json.type", "idps.json", "/0/protocol", "expected an object", true},
      {"RuleProviderNamesUnknownIdp",
       WithIdps(R"([{"id": "0oa1", "name": "a.example", "type": "SAML2"}])",
                R"({"providers": [{"type": "OKTA"}, {"type": "SAML2", "id": "0oaGone"}]})"),
       kWarning, "rule.dangling_idp", "rules/00pIdp.json", "/0/actions/idp/providers/1/id",
       "unknown IdP \"0oaGone\"", false},
      {"DynamicRuleWithProviders",
       WithIdps(
           R"([{"id": "0oa1", "name": "a.example", "type": "SAML2"}])",
           R"json({"idpSelectionType": "DYNAMIC", "providers": [{"type": "SAML2", "id": "0oa1"}],
  "matchCriteria": [{"providerExpression": "login.identifier.substringAfter('@')"}]})json"),
       kWarning, "rule.dynamic_providers", "rules/00pIdp.json", "/0/actions/idp/providers",
       "You can't define", false},
      {"DynamicRuleWithoutIdpsFile",
       WithIdps(kDelete,
                R"json({"idpSelectionType": "DYNAMIC", "providers": [],
  "matchCriteria": [{"providerExpression": "login.identifier.substringAfter('@')"}]})json"),
       kWarning, "rule.dynamic_without_idps", "rules/00pIdp.json",
       "/0/actions/idp/idpSelectionType", "no idps.json", false},
      {"SignOnRuleNamesUnknownIdp",
       {{"idps.json", R"([{"id": "0oa1", "name": "a.example", "type": "SAML2"}])"},
        {"rules/00p1.json",
         RuleWith(
             R"({"identityProvider": {"provider": "SPECIFIC_IDP", "idpIds": ["0oa1", "0oaX"]}})")}},
       kWarning,
       "rule.dangling_idp",
       "rules/00p1.json",
       "/0/conditions/identityProvider/idpIds/1",
       "unknown idp \"0oaX\"",
       false},
  };
}

// Every case, the idps.json ones last.
std::vector<Case> AllCases() {
  std::vector<Case> all = Cases();
  for (Case& c : IdpCases()) all.push_back(std::move(c));
  return all;
}

class SnapshotBadInputTest : public ::testing::TestWithParam<Case> {};

TEST_P(SnapshotBadInputTest, ReportsExactLocation) {
  const Case& c = GetParam();
  SnapshotDir dir;
  std::map<std::string, std::string> files = BaseFiles();
  for (const auto& [path, content] : c.files) {
    if (content == kDelete) {
      files.erase(path);
    } else {
      files[path] = content;
    }
  }
  dir.WriteAll(files);
  const std::string root = c.no_directory ? dir.path() + "/does-not-exist" : dir.path();
  const std::string want_file = c.no_directory ? root : c.want_file;

  IssueList issues;
  absl::StatusOr<Snapshot> snapshot = LoadSnapshot(root, &issues);

  std::string all;
  for (const Issue& i : issues) {
    all += "  " + std::string(i.is_error() ? "E " : "W ") + i.code + " " + i.ToString() + "\n";
  }
  const Issue* found = nullptr;
  for (const Issue& i : issues) {
    if (i.code == c.want_code && i.file == want_file && i.pointer == c.want_pointer &&
        i.severity == c.want_severity) {
      found = &i;
      break;
    }
  }
  ASSERT_NE(found, nullptr) << "want " << c.want_code << " at " << want_file << " "
                            << c.want_pointer << "; got:\n"
                            << all;
  EXPECT_THAT(found->message, HasSubstr(c.want_substring)) << all;

  if (c.fatal) {
    ASSERT_FALSE(snapshot.ok()) << all;
    EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kInvalidArgument);
    // The wanted problem is the first error, and the status names it.
    const Issue* first_error = nullptr;
    for (const Issue& i : issues) {
      if (i.is_error()) {
        first_error = &i;
        break;
      }
    }
    ASSERT_NE(first_error, nullptr);
    EXPECT_EQ(first_error, found) << all;
    EXPECT_EQ(std::string(snapshot.status().message()), found->ToString());
  } else {
    EXPECT_TRUE(snapshot.ok()) << snapshot.status() << "\n" << all;
    EXPECT_FALSE(HasErrors(issues)) << all;
    // A CI gate that wants a clean snapshot gets an error for the same issue.
    IssueList strict_issues;
    LoadOptions strict;
    strict.warnings_as_errors = true;
    absl::StatusOr<Snapshot> gated = LoadSnapshot(root, &strict_issues, strict);
    EXPECT_FALSE(gated.ok());
    EXPECT_TRUE(HasErrors(strict_issues));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SnapshotBadInputTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(SnapshotBadInputCount, AtLeastFortyCases) { EXPECT_GE(AllCases().size(), 40u); }

// Golden messages: what a person reading the CLI's stderr sees.
TEST(SnapshotMessages, ReadAsSentences) {
  struct Golden {
    std::map<std::string, std::string> files;
    std::string want;
  };
  const std::vector<Golden> goldens = {
      {{{"zones.json", ZoneWithGateways(R"([{"type": "CIDR", "value": "10.0.0.0/8"},
           {"type": "CIDR", "value": "1.2.3.999/24"}])")}},
       "zones.json: /0/gateways/1/value: invalid CIDR block \"1.2.3.999/24\": invalid IPv4 address "
       "\"1.2.3.999\": octet 999 > 255"},
      {{{"policies/OKTA_SIGN_ON.json",
         R"([{"id": "00p1", "type": "OKTA_SIGN_ON", "priority": "1"}])"}},
       "policies/OKTA_SIGN_ON.json: /0/priority: expected an integer, got string"},
      {{{"rules/00p1.json",
         "[{\"id\": \"0pr1\",\n  \"conditions\": {\"network\": {\"connection\": \"ZONE\", "
         "\"include\": [\"nzoX\"]}}}]"}},
       "rules/00p1.json: /0/conditions/network/include/0: unknown zone \"nzoX\""},
      {{{"zones.json", "[\n  {\"id\": \"nzo1\" \"type\": \"IP\"}\n]"}},
       "zones.json: byte 24 (line 2, column 22): syntax error while parsing object - unexpected "
       "string literal; expected '}'"},
  };
  for (const Golden& g : goldens) {
    SnapshotDir dir;
    std::map<std::string, std::string> files = BaseFiles();
    for (const auto& [path, content] : g.files) files[path] = content;
    dir.WriteAll(files);
    IssueList issues;
    (void)LoadSnapshot(dir.path(), &issues);
    std::vector<std::string> texts;
    for (const Issue& i : issues) texts.push_back(i.ToString());
    EXPECT_THAT(texts, ::testing::Contains(::testing::StartsWith(g.want)))
        << ::testing::PrintToString(texts);
  }
}

}  // namespace
}  // namespace verdict
