#include "tests/support/log_events.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace verdict::testing {

std::string Event(const std::string& field) {
  return absl::StrCat(
      R"({"uuid":"u1","eventType":"policy.evaluate_sign_on","actor":{"id":"00u1","type":"User"},)",
      field, R"(,"outcome":{"result":"ALLOW"}})");
}

std::vector<OddLogEvent> OddLogEvents() {
  const std::string deep_ok = std::string(200, '[') + std::string(200, ']');
  const std::string deep_bad = std::string(300, '[') + std::string(300, ']');
  return {
      {"valid", Event(R"("published":"2026-11-28T12:00:00.000Z")"), true},
      {"truncated", Event(R"("client":{"ipAddress":"192.0.2.1")").substr(0, 60), false},
      {"truncated inside a string", R"({"uuid":"abc)", false},
      {"truncated after a key", R"({"uuid":)", false},
      {"empty", "", false},
      {"blank", "   ", false},
      {"not an object: array", R"([{"uuid":"u1"}])", false},
      {"not an object: string", R"("event")", false},
      {"not an object: number", "42", false},
      {"not an object: null", "null", false},
      {"trailing garbage", Event(R"("x":1)") + " x", false},
      {"two objects", Event(R"("x":1)") + Event(R"("y":2)"), false},
      {"trailing whitespace", Event(R"("x":1)") + " \r\n\t", true},
      {"byte order mark", "\xEF\xBB\xBF" + Event(R"("x":1)"), true},
      {"trailing comma", Event(R"("x":[1,2,])"), false},
      {"missing comma in an unread field", Event(R"("x":{"a":1 "b":2})"), false},
      {"double comma in an unread array", Event(R"("x":[1,,2])"), false},
      {"bad literal in an unread field", Event(R"("x":tru)"), false},
      {"bad literal nul", Event(R"("x":nul)"), false},
      {"bad number in an unread field", Event(R"("x":01)"), false},
      {"bad number 1.", Event(R"("x":1.)"), false},
      {"number overflow", Event(R"("x":1e400)"), false},
      {"number underflow", Event(R"("x":1e-400)"), true},
      {"integer beyond 64 bits", Event(R"("x":123456789012345678901234567890)"), true},
      {"bad escape in an unread string", Event(R"("x":"a\qb")"), false},
      {"lone high surrogate", Event(R"("x":"\ud800")"), false},
      {"lone low surrogate", Event(R"("x":"\udc00")"), false},
      {"surrogate pair", Event(R"("x":"\ud83d\ude00")"), true},
      {"control character in a string", Event("\"x\":\"a\tb\""), false},
      {"escaped NUL", Event(R"("x":"a\u0000b")"), true},
      {"comment", Event(R"("x":1 /* c */)"), false},
      {"NaN", Event(R"("x":NaN)"), false},
      {"single quotes", Event(R"('x':1)"), false},
      {"non-UTF-8 in an unread string", Event("\"x\":\"caf\xE9\""), false},
      {"non-UTF-8 in a read string", Event("\"client\":{\"ipAddress\":\"\xFF\"}"), false},
      {"overlong UTF-8", Event("\"x\":\"\xC0\xAF\""), false},
      {"UTF-8 surrogate", Event("\"x\":\"\xED\xA0\x80\""), false},
      {"valid UTF-8",
       Event("\"client\":{\"geographicalContext\":{\"state\":\"Qu\xC3\xA9"
             "bec\"}}"),
       true},
      {"deep nesting within the limit", Event(absl::StrCat(R"("x":)", deep_ok)), true},
      {"deep nesting beyond the limit", Event(absl::StrCat(R"("x":)", deep_bad)), false},
      {"deep nesting inside debugData",
       Event(absl::StrCat(R"("debugContext":{"debugData":{"k":)", deep_bad, "}}")), false},
      {"unclosed deep nesting", std::string(5000, '['), false},
      // Wrong types: ignored, not rejected.
      {"actor is a string", Event(R"("actor":"00u1")"), true},
      {"target is an object", Event(R"("target":{"id":"0pr1"})"), true},
      {"target elements of every type",
       Event(R"("target":[1,"x",null,[],{"id":7,"type":true,"detailEntry":[1]}])"), true},
      {"targets with details",
       Event(
           R"("target":[{"id":"0pr1","type":"PolicyRule","detailEntry":{"policyType":"OKTA_SIGN_ON","x":"y"}},{"id":"0oa1","type":"AppInstance","detailEntry":{"a":"b"}}])"),
       true},
      {"targets without details",
       Event(
           R"("target":[{"id":"0pr2","type":"PolicyRule"},{"id":"0oa2","type":"AppInstance"},{"id":"00u3","type":"User"}])"),
       true},
      {"ipChain of odd hops",
       Event(R"("request":{"ipChain":[5,{"ip":null},{"ip":1.5},{"ip":"192.0.2.1"}]})"), true},
      {"asNumber as a string", Event(R"("securityContext":{"asNumber":"64500"})"), true},
      {"asNumber as a float", Event(R"("securityContext":{"asNumber":64500.0})"), true},
      {"asNumber negative zero", Event(R"("securityContext":{"asNumber":-0})"), true},
      {"asNumber beyond int64", Event(R"("securityContext":{"asNumber":9223372036854775808})"),
       true},
      {"asNumber beyond 64 bits", Event(R"("securityContext":{"asNumber":1e30})"), true},
      {"isProxy as a string", Event(R"("securityContext":{"isProxy":"TRUE"})"), true},
      {"isProxy as a number", Event(R"("securityContext":{"isProxy":1})"), true},
      {"risk is a string", Event(R"("securityContext":{"risk":"HIGH"})"), true},
      {"userBehaviors of odd entries",
       Event(
           R"("securityContext":{"userBehaviors":[null,{"id":1},{"name":"New IP","result":"POSITIVE"}]})"),
       true},
      {"ipServiceCategories mixed",
       Event(
           R"("securityContext":{"ipDetails":{"ipServiceCategories":["TOR",{"name":"VPN"},3,{}]}})"),
       true},
      {"device is a string", Event(R"("device":"laptop")"), true},
      {"device fields of odd types",
       Event(R"("device":{"os_platform":7,"managed":"false","registered":null,"jailbreak":[]})"),
       true},
      {"debugData values of every type",
       Event(
           R"("debugContext":{"debugData":{"s":"x","n":1.50,"i":-3,"b":false,"z":null,"o":{"b":[1, 2.0],"a":"\u00e9"},"a":[ ]}})"),
       true},
      {"numbers as ScalarText", Event(R"("uuid":1.0e2,"eventType":true,"published":-0)"), true},
      {"missing fields", R"({})", true},
      {"null fields",
       R"({"uuid":null,"actor":null,"client":null,"request":null,"securityContext":null,"debugContext":null,"device":null,"outcome":null,"target":null})",
       true},
      {"duplicate keys: the last wins",
       R"({"actor":{"id":"a","type":"User"},"actor":{"id":"b"},"client":{"userAgent":{"os":"iOS"},"userAgent":{}},"debugContext":{"debugData":{"k":"1","k":null,"j":"2","j":"3"}}})",
       true},
      {"escaped keys", R"({"\u0075uid":"u1","event\u0054ype":"user.session.start"})", true},
      {"escaped strings", Event(R"("client":{"ipAddress":"192.0.2.1\/32 \"x\" \\ \n"})"), true},
      {"geo from the chain when the client has none",
       Event(
           R"("request":{"ipChain":[{"ip":"192.0.2.1","geographicalContext":{"country":"Germany","state":"Berlin"}},{"geographicalContext":{"country":"France"}}]},"client":{"geographicalContext":{"country":null,"state":"Bavaria"}})"),
       true},
      {"odd Java map strings",
       Event(
           R"("debugContext":{"debugData":{"behaviors":"{New IP=POSITIVE, {x=[y}","risk":"{reasons=a, b=, level=HIGH","securityConditions":"[{result=maybe, condition=x}]"}})"),
       true},
      {"securityConditions with commas, braces and quotes",
       Event(
           R"("debugContext":{"debugData":{"securityConditions":"[{result=true, condition=user.isMemberOf({'group.id':'00g1'}) && security.behaviors.contains('a, b}')}, {condition=security.risk.level == \"HIGH\", result=false}]"}})"),
       true},
  };
}

std::string DescribeConversion(const LogEventConversion& c) {
  std::string out = WriteContextJson(c.context);
  absl::StrAppend(&out, "\nhas_user ", c.context.has_user(), "\ngroups ",
                  absl::StrJoin(c.context.user.groups, ","), "\nmemberships ", c.memberships_found);
  const RecordedOutcome& r = c.recorded;
  absl::StrAppend(&out, "\nrecorded ", r.event_type, " | ", r.result, " | ", r.reason, " | ",
                  r.access ? static_cast<int>(*r.access) : -1, " | ",
                  r.security_conditions_unreadable);
  for (const RecordedDecision& d : r.decisions) {
    const std::string_view type = d.policy_type ? PolicyTypeName(*d.policy_type) : "-";
    absl::StrAppend(&out, "\ndecision ", absl::string_view(type.data(), type.size()), " ",
                    d.policy_type_inferred, " ", d.policy_id, " ", d.policy_name, " ", d.rule_id,
                    " ", d.rule_name, " ", d.redacted);
  }
  for (const SecurityCondition& s : r.security_conditions) {
    absl::StrAppend(&out, "\ncondition ", s.result, " ", s.condition);
  }
  for (const std::string& note : c.notes) absl::StrAppend(&out, "\nnote ", note);
  return out;
}

}  // namespace verdict::testing
