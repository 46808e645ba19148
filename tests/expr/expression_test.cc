// The expression language table: each row an expression and its value
// against the fixture context below (true / false), or a compile error and
// the text (with column) it must contain.
#include "verdict/expression.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace verdict {
namespace {

Snapshot FixtureSnapshot() {
  Snapshot s;
  s.groups = {{"00gEng", "Engineering Admins", "OKTA_GROUP"},
              {"00gSales", "Sales West", "APP_GROUP"},
              {"00gEveryone", "Everyone", "BUILT_IN"},
              {"00gOther", "Other", "OKTA_GROUP"}};
  s.behaviors = {{"abcNewIp", "New IP", "VELOCITY", true},
                 {"abcNewDevice", "New Device", "NEW_DEVICE", true}};
  s.linked_object_definitions = {{"manager", "subordinates"}};
  s.users["00uBoss"] = {
      "00uBoss", "ACTIVE", {{"email", "boss@example.com"}, {"department", "Exec"}}};
  s.users["00uA"] = {"00uA", "ACTIVE", {{"email", "a@example.com"}}};
  s.user_links["00u1"]["manager"] = {"00uBoss"};
  s.user_links["00u1"]["subordinates"] = {"00uA", "00uNoFile"};
  return s;
}

SignOnContext FixtureContext() {
  SignOnContext c;
  c.user.id = "00u1";
  c.user.login = "alice@example.com";
  c.user.status = "ACTIVE";
  c.user.type = "oty1";
  c.user.groups = {"00gEng", "00gSales", "00gUnknown"};
  c.user.profile = {{"department", "Engineering"},
                    {"email", "alice@example.com"},
                    {"title", "O'Brien \"Lead\""},
                    {"costCenter", "42"},
                    {"spaced", " a b c "},
                    {"empty", ""},
                    {"hireDate", "2024-04-15T09:00:00Z"}};
  c.risk_level = RiskLevel::kHigh;
  c.behaviors = {"abcNewIp"};
  c.device.registered = true;
  c.device.managed = false;
  c.device.os_type = "MACOS";
  c.device.assurance = {"dae1"};
  c.session.amr = {"pwd", "otp", "mfa"};
  c.login_identifier = "alice@example.com";
  c.time = absl::FromUnixSeconds(1714564800);  // 2024-05-01T12:00:00Z: DateTime.now()
  return c;
}

struct Row {
  const char* expr;
  bool expected;
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const Row& c, std::ostream* os) { *os << c.expr; }

// clang-format off
const Row kRows[] = {
    // Literals and Boolean logic.
    {"true", true}, {"false", false}, {"!false", true}, {"!!true", true},
    {"true && true", true}, {"true && false", false}, {"false || true", true},
    {"false || false", false}, {"(true)", true}, {"((false))", false},
    // Precedence: && binds tighter than ||; ! tighter than both.
    {"true || false && false", true}, {"(true || false) && false", false},
    {"!true || true", true}, {"!(true || true)", false}, {"false && false || true", true},
    {"1 < 2 == true", true}, {"1 == 1 && 2 == 2", true},
    // Numbers.
    {"1 == 1", true}, {"1 == 1.0", true}, {"1 != 2", true}, {"2 > 1", true}, {"2 < 1", false},
    {"2 >= 2", true}, {"2 <= 1.5", false}, {"-1 < 0", true}, {"- -1 == 1", true},
    {"0.5 < 1", true},
    // Strings, quoting and escaping.
    {"'a' == 'a'", true}, {"\"a\" == 'a'", true}, {"'a' != 'b'", true},
    {"'it''s' == \"it's\"", true}, {"\"say \"\"hi\"\"\" == 'say \"hi\"'", true},
    {"'a\\b'.length() == 3", true}, {"'' == \"\"", true}, {"'abc' < 'abd'", true},
    {"'b' > 'a'", true}, {"'A' < 'a'", true}, {"'abc' >= 'abc'", true},
    {"user.profile.title == 'O''Brien \"Lead\"'", true},
    // Null.
    {"null == null", true}, {"user.profile.missing == null", true},
    {"user.profile.missing != null", false}, {"user.profile.missing == 'x'", false},
    {"user.profile.missing != 'x'", true}, {"null != false", true},
    {"user.profile.missing", false}, {"user.profile.missing.contains('x')", false},
    {"user.profile.missing < 1", false}, {"!user.profile.missing", false},
    {"user.created == null", true}, {"session.id == null", true},
    {"device.provider.wsc.fireWall == 'ENABLED'", false},
    {"device.provider.wsc.fireWall == null", true},
    {"accessRequest.enroll == null", true},
    // Type errors make the condition false.
    {"'a' && true", false}, {"true && 'a'", false}, {"1 < 'a'", false}, {"!'x'", false},
    {"'x'", false}, {"1", false}, {"'abc'.size() > 1 ? 'yes' : 'no'", false},
    {"true < false", false}, {"(1 ? true : true)", false},
    // Short circuit: the right side is not evaluated.
    {"false && 'a'", false}, {"true || 'a'", true}, {"true || user.profile.missing.contains('x')", true},
    // Ternary.
    {"true ? true : false", true}, {"false ? true : false", false},
    {"1 > 2 ? false : true", true}, {"true ? false ? false : true : false", true},
    {"(user.profile.department == 'Engineering' ? 'eng' : 'other') == 'eng'", true},
    // User attributes.
    {"user.id == '00u1'", true}, {"user.login == 'alice@example.com'", true},
    {"user.status == 'ACTIVE'", true}, {"user.type == 'oty1'", true},
    {"user.profile.department == 'Engineering'", true},
    {"user.profile.login == 'alice@example.com'", true},
    {"user.profile.costCenter == '42'", true},
    {"user.profile.costCenter.toInteger() == 42", true},
    {"user.profile.costCenter.toNumber() > 41.5", true},
    {"user.profile.department.toInteger() == 0", false},
    {"user.profile.email.substringAfter('@') == 'example.com'", true},
    // String methods.
    {"'Hello'.toUpperCase() == 'HELLO'", true}, {"'Hello'.toLowerCase() == 'hello'", true},
    {"user.profile.department.toLowerCase() == 'engineering'", true},
    {"'abcdef'.substring(2) == 'cdef'", true}, {"'abcdef'.substring(1, 3) == 'bc'", true},
    {"'abc'.substring(0, 0) == ''", true}, {"'abc'.substring(4) == ''", false},
    {"'abc'.substring(2, 1) == ''", false}, {"'abc'.substring('a') == ''", false},
    {"'a-b-c'.replace('-', '+') == 'a+b+c'", true},
    {"'a-b-c'.replaceFirst('-', '+') == 'a+b-c'", true},
    {"'abc'.replace('', 'x') == 'abc'", true},
    {"'abc'.length() == 3", true}, {"''.length() == 0", true},
    {"user.profile.spaced.removeSpaces() == 'abc'", true},
    {"'This is a test'.contains('is a')", true},
    {"'This is a test'.contains('Test')", false},
    {"'x@y.com'.substringBefore('@') == 'x'", true},
    {"'x@y.com'.substringAfter('@') == 'y.com'", true},
    {"'xyz'.substringBefore('@') == 'xyz'", true}, {"'xyz'.substringAfter('@') == ''", true},
    {"'abc'.startsWith('ab')", true}, {"'abc'.startsWith('bc')", false},
    {"'abc'.endsWith('bc')", true}, {"'abc'.endsWith('ab')", false},
    {"'abc'.isEmpty()", false}, {"''.isEmpty()", true}, {"user.profile.empty.isEmpty()", true},
    {"'abc'.size() == 3", true},
    {"'a'.toUpperCase().toLowerCase() == 'a'", true},
    {"'A-B'.toLowerCase().replace('-', '').length() == 2", true},
    {"'abc'.contains(1)", false}, {"true.toUpperCase() == 'TRUE'", false},
    // matches: RE2 full match.
    {"'alice@example.com'.matches('.*@example\\.com')", true},
    {"'alice@example.com'.matches('example')", false},
    {"user.login.matches('[a-z]+@example[.]com')", true},
    {"'A1'.matches('\\w\\d')", true}, {"'ab'.matches('(a|b)+')", true},
    {"user.profile.missing.matches('.*')", false},
    // Arrays.
    {"{'a', 'b'}.contains('a')", true}, {"{'a', 'b'}.contains('c')", false},
    {"{}.isEmpty()", true}, {"{1, 2, 3}.size() == 3", true}, {"{1, 2}.contains(2)", true},
    {"{'a'}.add('b').size() == 2", true}, {"{'a', 'b'}.remove('a').contains('a')", false},
    {"{'a', 'b'} == {'a', 'b'}", true}, {"{'a'} == {'b'}", false},
    {"{'a'}.add('b').contains('b')", true},
    // security.*
    {"security.risk.level == 'HIGH'", true}, {"security.risk.level == 'LOW'", false},
    {"security.risk.level != 'LOW'", true},
    {"security.behaviors.contains('New IP')", true},
    {"security.behaviors.contains('New Device')", false},
    {"security.behaviors.contains('abcNewIp')", false},
    // The System Log's securityConditions form of the same question.
    {"security.userBehaviors['New IP'].detected", true},
    {"security.userBehaviors['New Device'].detected", false},
    {"!security.userBehaviors['New Device'].detected && security.risk.level != null", true},
    {"user.profile['department'] == 'Engineering'", true},
    {"user.profile['no such attribute'] == null", true},
    {"security.behaviors.size() == 1", true}, {"!security.behaviors.isEmpty()", true},
    // device.*
    {"device.registered == true", true}, {"device.managed == false", true},
    {"device.registered && !device.managed", true},
    {"device.profile.registered", true}, {"device.profile.managed", false},
    {"device.platform == 'MACOS'", true}, {"device.profile.platform == 'WINDOWS'", false},
    {"device.assurance.contains('dae1')", true}, {"device.id == null", true},
    // session.* and login.*
    {"session.amr.contains('mfa')", true}, {"session.amr.contains('hwk')", false},
    {"session.amr.size() == 3", true},
    {"login.identifier == 'alice@example.com'", true},
    {"login.identifier.substringAfter('@') == 'example.com'", true},
    {"login.identifier.endsWith('@example.com')", true},
    // isMemberOf / getGroups.
    {"user.isMemberOf({'group.profile.name': 'Engineering'})", true},
    {"user.isMemberOf({'group.profile.name': 'Engineering', 'operator': 'EXACT'})", false},
    {"user.isMemberOf({'group.profile.name': 'Engineering Admins', 'operator': 'EXACT'})", true},
    {"user.isMemberOf({'group.profile.name': 'Sales', 'operator': 'STARTS_WITH'})", true},
    {"user.isMemberOf({'group.profile.name': 'engineering'})", false},
    {"user.isMemberOf({'group.id': '00gEng'})", true},
    {"user.isMemberOf({'group.id': '00gOther'})", false},
    {"user.isMemberOf({'group.id': '00gUnknown'})", true},
    {"user.isMemberOf({'group.id': {'00gOther', '00gSales'}})", true},
    {"user.isMemberOf({'group.type': 'APP_GROUP'})", true},
    {"user.isMemberOf({'group.type': 'APP_GROUP', 'group.profile.name': 'Eng'})", false},
    {"user.isMemberOf({'group.type': 'OKTA_GROUP', 'group.profile.name': 'Eng'})", true},
    {"user.isMemberOf({'group.profile.name': {'Nope', 'Sales W'}})", true},
    {"user.isMemberOf({'group.profile.name': 'Everyone', 'operator': 'EXACT'})", true},
    {"user.isMemberOf({'group.type': 'BUILT_IN'})", true},
    {"user.isMemberOf({'group.source.id': '0oa1'})", false},
    {"user.isMemberOf({'group.id': 'x'}, {'group.id': '00gEng'})", true},
    {"user.isMemberOf({'group.profile.name': 'E', 'operator': 'FUZZY'})", false},
    {"user.isMemberOf({'group.profile.name': 1})", false},
    {"user.getGroups({'group.type': 'APP_GROUP'}).size() == 1", true},
    {"user.getGroups({'group.profile.name': 'Zzz'}).isEmpty()", true},
    {"user.getGroups().size() == 4", true},
    {"user.getGroups({'group.type': 'OKTA_GROUP'}).contains('00gEng')", true},
    // Linked objects: 00u1's manager is 00uBoss; 00uA and 00uNoFile (no user.json) report to 00u1.
    {"user.getLinkedObject('manager') != null", true},
    {"user.getLinkedObject('manager').profile.email == 'boss@example.com'", true},
    {"user.getLinkedObject('manager').profile.email == 'x'", false},
    {"user.getLinkedObject('manager').profile.department.toLowerCase() == 'exec'", true},
    {"user.getLinkedObject('manager').id == '00uBoss'", true},
    {"user.getLinkedObject('manager').status == 'ACTIVE'", true},
    {"user.getLinkedObject('manager').profile.missing == null", true},
    {"user.getLinkedObject('manager').created == null", true},
    {"user.getLinkedObject('manager') == user.getLinkedObject('manager')", true},
    {"user.getLinkedObject('subordinates').size() == 2", true},
    {"user.getLinkedObject('subordinates').contains(user.getLinkedObject('manager'))", false},
    {"user.getLinkedObject('assistant') == null", true},
    {"user.getLinkedObject(1) == null", false},
    {"user.getLinkedObject('manager').profile.missing.contains('x')", false},
    {"user.getLinkedObject('assistant').profile.email == null", false},
    // Time: DateTime.now() is the context's time (2024-05-01T12:00:00Z).
    {"DateTime.now() == '2024-05-01T12:00:00Z'.parseStringTime()", true},
    {"DateTime.now().toString() == '2024-05-01T12:00:00.000Z'", true},
    {"DateTime.now() == '2024-05-01T12:00:00.000Z'", false},
    {"DateTime.now().toUnix() == '1714564800000'", true},
    {"'1714564800000'.parseUnixTime() == DateTime.now()", true},
    {"(1714564800000).parseUnixTime().toString() == '2024-05-01T12:00:00.000Z'", true},
    {"'133590384000000000'.parseWindowsTime() == DateTime.now()", true},
    {"DateTime.now().toWindows() == '133590384000000000'", true},
    {"'133590384000000001'.parseWindowsTime() > DateTime.now()", true},
    {"DateTime.now().toZone('+05:30').toString() == '2024-05-01T17:30:00.000+05:30'", true},
    {"DateTime.now().toZone('UTC-08:00').toString('yyyy-MM-dd HH:mm') == '2024-05-01 04:00'", true},
    {"DateTime.now().toZone('-0800').toZone('Z').toString() == '2024-05-01T12:00:00.000Z'", true},
    {"DateTime.now().toZone('+05:30') == DateTime.now()", true},
    {"DateTime.now().toString('yyyy-MM-dd''T''HH EEE') == '2024-05-01T12 Wed'", true},
    {"DateTime.now().toString('dd/MM/yy hh a SSS XXX') == '01/05/24 12 PM 000 +00:00'", true},
    {"DateTime.now().plusDays(1).toString() == '2024-05-02T12:00:00.000Z'", true},
    {"DateTime.now().minusHours(12).toString('yyyy-MM-dd HH') == '2024-05-01 00'", true},
    {"DateTime.now().plusMinutes(90).minusSeconds(30).toString() == '2024-05-01T13:29:30.000Z'", true},
    {"DateTime.now().minusDays(1) < DateTime.now()", true},
    {"DateTime.now().plusSeconds(1) <= DateTime.now()", false},
    {"'2024-04-25T00:00:00Z'.parseStringTime().withinDays(7)", true},
    {"'2024-04-20T00:00:00Z'.parseStringTime().withinDays(7)", false},
    {"'2024-05-01T11:30:00+00:00'.parseStringTime().withinHours(1)", true},
    {"'2024-05-01T11:30:00'.parseStringTime().withinMinutes(29)", false},
    {"'2024-05-01T12:00:10Z'.parseStringTime().withinSeconds(10)", true},
    {"'2024-05-01T12:00:11Z'.parseStringTime().withinSeconds(10)", false},
    {"'2024-05-01'.parseStringTime() < DateTime.now()", true},
    {"'2024-02-30'.parseStringTime() == null", false},
    {"'2024-05-01T12:00:00.5+00:00'.parseStringTime() > DateTime.now()", true},
    {"'2024-05-01T17:30+05:30'.parseStringTime() == DateTime.now()", true},
    {"'2024-05-01T12:00:00Zjunk'.parseStringTime() == null", false},
    {"'2024-05-01T14:00:00+02:00'.parseStringTime() == DateTime.now()", true},
    {"user.profile.hireDate.parseStringTime().withinDays(30)", true},
    {"user.profile.hireDate.parseStringTime().withinDays(15)", false},
    {"'yesterday'.parseStringTime() == null", false},
    {"'abc'.parseUnixTime() == null", false}, {"'-1'.parseWindowsTime() == null", false},
    {"user.profile.missing.parseStringTime().withinDays(1)", false},
    {"DateTime.now().plusDays('x') == null", false}, {"'x'.toUnix() == 'x'", false},
    {"DateTime.now() < 'x'", false}, {"DateTime.now().withinDays('7')", false},
    // Classic aliases.
    {"isMemberOfGroupName('Sales West')", true}, {"isMemberOfGroupName('Sales')", false},
    {"user.isMemberOfGroupName('Engineering Admins')", true},
    {"isMemberOfGroupNameStartsWith('Eng')", true},
    {"isMemberOfGroupNameContains('West')", true}, {"isMemberOfGroupNameContains('East')", false},
    {"isMemberOfGroup('00gSales')", true}, {"isMemberOfGroup('00gOther')", false},
    {"String.stringContains(user.login, 'example')", true},
    {"String.stringContains('abc', 'z')", false},
    {"String.toUpperCase('a') == 'A'", true}, {"String.len('abcd') == 4", true},
    {"String.substringAfter('a@b', '@') == 'b'", true},
    {"Arrays.contains(session.amr, 'otp')", true}, {"Arrays.contains({'x'}, 'y')", false},
    {"Arrays.size(session.amr) == 3", true}, {"Arrays.isEmpty({})", true},
    // Realistic policy conditions.
    {"user.profile.department == 'Engineering' && security.risk.level != 'LOW'", true},
    {"user.isMemberOf({'group.profile.name': 'Sales'}) && device.managed", false},
    {"!user.isMemberOf({'group.id': '00gOther'}) && session.amr.contains('mfa')", true},
    {"user.profile.email.endsWith('@example.com') || user.status == 'SUSPENDED'", true},
};
// clang-format on

class ExpressionTableTest : public ::testing::TestWithParam<Row> {};

TEST_P(ExpressionTableTest, EvaluatesAsExpected) {
  const Row& row = GetParam();
  auto compiled = CompileExpression(row.expr);
  ASSERT_TRUE(compiled.ok()) << row.expr << ": " << compiled.status();
  const Snapshot snapshot = FixtureSnapshot();
  const ExpressionData data(snapshot);
  std::string why;
  EXPECT_EQ((*compiled)->EvaluateBool(FixtureContext(), data, &why), row.expected)
      << row.expr << " (" << why << ")";
}

INSTANTIATE_TEST_SUITE_P(Table, ExpressionTableTest, ::testing::ValuesIn(kRows));

struct ErrorRow {
  const char* expr;
  const char* error;  // substring of the message
};
// Names the case in test output (ctest lists it) instead of its raw bytes.
void PrintTo(const ErrorRow& c, std::ostream* os) { *os << c.expr; }

// clang-format off
const ErrorRow kErrors[] = {
    {"user.isMemberof({'group.id': 'x'})", "col 6: unknown function 'isMemberof'"},
    {"user.profile.x.toLower()", "col 16: unknown function 'toLower'"},
    {"frobnicate('x')", "col 1: unknown function 'frobnicate'"},
    {"foo.bar == 1", "col 1: unknown attribute 'foo.bar'"},
    {"user.nickname == 'x'", "unknown attribute 'user.nickname'"},
    {"security.score > 1", "unknown attribute 'security.score'"},
    {"user", "col 1: 'user' is not a value"},
    {"user.profile", "'user.profile' is not a value"},
    {"a = 1", "col 3: assignment '=' is not allowed"},
    {"1 + 0 == 1", "col 3: unexpected character '+'"},
    {"user.id = 'x'", "col 9: assignment '=' is not allowed"},
    {"'abc", "col 1: unterminated string literal"},
    {"\"abc", "col 1: unterminated string literal"},
    {"true &", "col 6: unexpected '&'"},
    {"true | false", "col 6: unexpected '|'"},
    {"true &&", "col 8: unexpected end of expression"},
    {"(true", "col 6: expected ')'"},
    {"true)", "col 5: unexpected token after expression"},
    {"true ? false", "col 13: expected ':'"},
    {"'a'.substring()", "col 5: 'substring' takes 1 to 2 argument(s), got 0"},
    {"'a'.length(1)", "'length' takes 0 argument(s), got 1"},
    {"'a'.matches(user.login)", "matches() needs a string literal pattern"},
    {"'a'.matches('(')", "col 13: invalid regular expression"},
    {"user.isMemberOf('Sales')", "col 17: 'isMemberOf' expects criteria objects"},
    {"user.isMemberOf({'group.name': 'x'})", "col 18: unknown group criterion 'group.name'"},
    {"1abc", "col 2: malformed number"},
    {"user.id == #", "col 12: unexpected character '#'"},
    {"user.profile[0] == 'x'", "col 14: an index must be a name in quotes: ['name']"},
    {"user.profile[user.id] == 'x'", "col 14: an index must be a name in quotes: ['name']"},
    {"security.userBehaviors['New IP']", "col 10: read security.userBehaviors as"},
    {"security.userBehaviors['New IP'].seen", "col 10: read security.userBehaviors as"},
    {"user.login.toLowerCase()['a'] == 'x'", "col 25: only an attribute path can be indexed"},
    {"String.frob('a')", "unknown function 'String.frob'"},
    {"{'a', }", "col 7: unexpected token"},
    {"user.", "col 1: 'user' is not a value"},
    {"'a'.", "col 5: expected a name after '.'"},
    {"", "col 1: unexpected end of expression"},
    {"true and false", "col 6: unexpected token after expression"},
    {"DateTime.now().toZone('America/New_York')",
     "col 23: time zone 'America/New_York' is not supported"},
    {"DateTime.now().toZone('+25:00')", "col 23: time zone '+25:00' is not supported"},
    {"DateTime.now().toString('yyyy-QQ')", "col 25: time pattern letter 'QQ' is not supported"},
    {"DateTime.now().toString('yyyy ''T')", "unterminated quote in time pattern"},
    {"DateTime.now().toZone(user.profile.tz)", "col 23: 'toZone' needs a string literal"},
    {"DateTime.later()", "col 10: unknown function 'DateTime.later'"},
    {"DateTime.now(1)", "'now' takes 0 argument(s), got 1"},
    {"DateTime.now().plusDays()", "'plusDays' takes 1 argument(s), got 0"},
};
// clang-format on

class ExpressionErrorTest : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(ExpressionErrorTest, ReportsColumn) {
  const ErrorRow& row = GetParam();
  auto compiled = CompileExpression(row.expr);
  ASSERT_FALSE(compiled.ok()) << row.expr;
  EXPECT_NE(std::string(compiled.status().message()).find(row.error), std::string::npos)
      << row.expr << " → " << compiled.status().message();
}

INSTANTIATE_TEST_SUITE_P(Table, ExpressionErrorTest, ::testing::ValuesIn(kErrors));

TEST(ExpressionLimitsTest, LengthDepthAndSteps) {
  ExpressionEnv env;
  env.max_length = 16;
  EXPECT_FALSE(CompileExpression("user.id == 'abcdefghijkl'", env).ok());

  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "(";
  deep += "true";
  for (int i = 0; i < 100; ++i) deep += ")";
  auto d = CompileExpression(deep);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(std::string(d.status().message()).find("nested deeper than 64"), std::string::npos);

  std::string nots(200, '!');
  EXPECT_FALSE(CompileExpression(nots + "true").ok());

  ExpressionEnv small;
  small.max_steps = 5;
  auto many = CompileExpression("true && true && true && true && true && true", small);
  ASSERT_TRUE(many.ok());
  std::string why;
  EXPECT_FALSE((*many)->EvaluateBool(FixtureContext(), ExpressionData(), &why));
  EXPECT_NE(why.find("exceeded 5 steps"), std::string::npos) << why;
}

// Six chained replace() calls on a short login would build 10·64⁶ bytes; the
// budget stops the evaluation (false, with the reason) before anything is
// built, whatever the function that grows the string.
TEST(ExpressionLimitsTest, BuiltBytesAreBounded) {
  SignOnContext c = FixtureContext();
  c.user.login = "aaaaaaaaaa";
  const std::string wide(64, 'a');
  std::string growth = "user.login";
  for (int i = 0; i < 6; ++i) growth += ".replace('a', '" + wide + "')";
  for (const std::string& text :
       {growth + " == 'x'", growth + ".toLowerCase() == 'x'", growth + ".length() > 0",
        "user.login.replace('a', '" + wide + "').replace('a', '" + wide + "').replace('a', '" +
            wide + "').toUpperCase().substringAfter('A') == ''"}) {
    auto e = CompileExpression(text);
    ASSERT_TRUE(e.ok()) << text << ": " << e.status();
    std::string why;
    EXPECT_FALSE((*e)->EvaluateBool(c, ExpressionData(), &why)) << text;
    EXPECT_NE(why.find("more than 65536 bytes"), std::string::npos) << why;
  }
  // Within the budget the same functions work: 10 × 64 = 640 bytes.
  auto fits = CompileExpression("user.login.replace('a', '" + wide + "').length() == 640");
  ASSERT_TRUE(fits.ok());
  std::string why;
  EXPECT_TRUE((*fits)->EvaluateBool(c, ExpressionData(), &why)) << why;
  // A budget of the caller's choosing.
  ExpressionEnv tight;
  tight.max_built_bytes = 100;
  auto small = CompileExpression("user.login.replace('a', '" + wide + "').length() == 640", tight);
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE((*small)->EvaluateBool(c, ExpressionData(), &why));
  EXPECT_NE(why.find("more than 100 bytes"), std::string::npos) << why;
  // Huge substring indexes are an error, not an allocation.
  auto sub = CompileExpression("user.login.substring(0, 1000000000000) == ''");
  ASSERT_TRUE(sub.ok());
  EXPECT_FALSE((*sub)->EvaluateBool(c, ExpressionData(), &why));
  EXPECT_NE(why.find("out of range"), std::string::npos) << why;
}

// Profile attributes keep their JSON types, and the Expression Language
// compares them as such (a number is not the string of its digits).
TEST(ExpressionTest, TypedProfileAttributes) {
  absl::StatusOr<SignOnContext> c = ParseContext(
      R"({"user": {"id": "00u1", "profile": {"level": 7, "ratio": 0.5, "active": true,
          "tags": ["a", "b", 3], "nick": null, "title": "7"}}})");
  ASSERT_TRUE(c.ok()) << c.status();
  struct Case {
    const char* expr;
    bool want;
  };
  for (const Case& t :
       {Case{"user.profile.level > 5", true}, Case{"user.profile.level == 7", true},
        Case{"user.profile.level < 7", false}, Case{"user.profile.ratio < 1", true},
        Case{"user.profile.active == true", true}, Case{"user.profile.active", true},
        Case{"user.profile.tags.contains('b')", true}, Case{"user.profile.tags.contains(3)", true},
        Case{"user.profile.tags.size() == 3", true}, Case{"user.profile.nick == null", true},
        // "7" is a string: equal to the string, never to the number.
        Case{"user.profile.title == '7'", true}, Case{"user.profile.title == 7", false},
        Case{"user.profile.level == '7'", false}}) {
    auto e = CompileExpression(t.expr);
    ASSERT_TRUE(e.ok()) << t.expr << ": " << e.status();
    std::string why;
    EXPECT_EQ((*e)->EvaluateBool(*c, ExpressionData(), &why), t.want) << t.expr << " → " << why;
  }
  // A number compared with a string is a type error (false), not a match.
  auto mixed = CompileExpression("user.profile.level > '5'");
  ASSERT_TRUE(mixed.ok());
  std::string why;
  EXPECT_FALSE((*mixed)->EvaluateBool(*c, ExpressionData(), &why));
  EXPECT_FALSE(why.empty());
}

// Which groups are Everyone is decided once (Snapshot::EveryoneGroups) for
// the expression evaluator and the engines' people conditions alike: every
// BUILT_IN "Everyone" group, and for a repeated id its first entry only.
TEST(ExpressionTest, EveryoneGroupsAreTheSnapshotsOnes) {
  Snapshot s;
  s.groups = {{"00gEveryone", "Everyone", "BUILT_IN"},
              {"00gDup", "Dup", "OKTA_GROUP"},
              {"00gEveryone2", "Everyone", "BUILT_IN"},
              {"00gDup", "Everyone", "BUILT_IN"}};
  std::vector<std::string> ids;
  for (const Group* g : s.EveryoneGroups()) ids.push_back(g->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"00gEveryone", "00gEveryone2"}));
  const ExpressionData data(s);
  SignOnContext c;
  c.user.id = "00u1";
  for (const auto& [id, member] : std::vector<std::pair<std::string, bool>>{
           {"00gEveryone", true}, {"00gEveryone2", true}, {"00gDup", false}}) {
    auto e = CompileExpression("user.isMemberOf({'group.id': '" + id + "'})");
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)->EvaluateBool(c, data, nullptr), member) << id;
  }
  // Listed by the context as well: still one membership, no duplicate.
  c.user.groups = {"00gEveryone2"};
  auto n = CompileExpression("user.getGroups({'group.type': 'BUILT_IN'}).size() == 2");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE((*n)->EvaluateBool(c, data, nullptr));
}

TEST(ExpressionTest, NoUserAndWhy) {
  SignOnContext c;
  auto e = CompileExpression("user.profile.department == 'Engineering'");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE((*e)->EvaluateBool(c, ExpressionData(), nullptr));
  auto g = CompileExpression("user.isMemberOf({'group.profile.name': 'E'})");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE((*g)->EvaluateBool(c, ExpressionData(), nullptr));
  auto t = CompileExpression("'a' < 1");
  ASSERT_TRUE(t.ok());
  std::string why;
  EXPECT_FALSE((*t)->EvaluateBool(c, ExpressionData(), &why));
  EXPECT_EQ(why, "col 5: cannot compare string with number");
  EXPECT_EQ((*t)->text(), "'a' < 1");
}

TEST(ExpressionTest, NowNeedsTheContextTime) {
  SignOnContext c = FixtureContext();
  c.time.reset();
  auto e = CompileExpression("'2024-05-01'.parseStringTime().withinDays(3650)");
  ASSERT_TRUE(e.ok());
  std::string why;
  EXPECT_FALSE((*e)->EvaluateBool(c, ExpressionData(), &why));
  EXPECT_NE(why.find("DateTime.now() needs the context's 'time'"), std::string::npos) << why;
  EXPECT_TRUE((*e)->EvaluateBool(FixtureContext(), ExpressionData(), &why)) << why;
}

TEST(RegexTest, SharedAndLinear) {
  auto a = CompileRegex("a+b");
  auto b = CompileRegex("a+b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_TRUE((*a)->FullMatch("aaab"));
  EXPECT_FALSE((*a)->FullMatch("aaabc"));
  EXPECT_TRUE((*a)->PartialMatch("xaabx"));
  EXPECT_FALSE(CompileRegex("(").ok());
  auto hostile = CompileRegex("(a+)+$");
  ASSERT_TRUE(hostile.ok());
  EXPECT_FALSE((*hostile)->FullMatch(std::string(10000, 'a') + "!"));
}

}  // namespace
}  // namespace verdict
