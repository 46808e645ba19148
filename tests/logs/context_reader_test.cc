// ContextReader against ParseContext and ParseAndCheckContext, its
// definition: for every input the same status (message included), the same
// warnings and, when it parses, the same context in every field. Inputs:
// the fixture contexts, the contexts of the fixture suite and of the
// fixture System Log, synthetic contexts, random contexts that use every
// field in every form, mutations of all of them, and a table of hostile
// lines. Each reader is reused across its inputs, as eval uses it.
#include "verdict/context_reader.h"

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_stream.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

using Json = nlohmann::ordered_json;

// A new field must be added to Describe below (and read by the reader):
// this fails until both are done (sizes known for libstdc++ on x86-64, the
// platform CI builds on; context_reset.cc holds the same trip-wire).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(SignOnContext) == 1104,
              "SignOnContext changed: add the field to Describe() here and to "
              "lib/logs/context_reader.cc (ReadContext) and context_reset.cc");
#endif

std::string TimeText(const std::optional<absl::Time>& t) {
  return t.has_value() ? absl::FormatTime(absl::RFC3339_full, *t, absl::UTCTimeZone()) : "-";
}

template <typename T>
std::string Opt(const std::optional<T>& v) {
  return v.has_value() ? absl::StrCat(*v) : "-";
}

std::string List(const std::vector<std::string>& v) {
  return absl::StrCat("[", absl::StrJoin(v, "|"), "]", v.size());
}

std::string ProfileText(const ProfileValue& v) {
  std::string out = absl::StrCat(static_cast<int>(v.type), ":", v.text, "{");
  for (const ProfileValue& item : v.items) absl::StrAppend(&out, ProfileText(item), ",");
  return out + "}";
}

// Every field of a context, each on its own line, so a difference names it.
std::string Describe(const SignOnContext& c) {
  std::string out;
  absl::StrAppend(&out, "id=", c.id, "\n");
  absl::StrAppend(&out, "policy_types=");
  for (PolicyType t : c.policy_types) absl::StrAppend(&out, std::string(PolicyTypeName(t)), ",");
  absl::StrAppend(&out, "\napp_id=", c.app_id, "\n");
  absl::StrAppend(&out, "user.id=", c.user.id, "\nuser.login=", c.user.login,
                  "\nuser.status=", c.user.status, "\nuser.type=", c.user.type,
                  "\nuser.provider=", c.user.provider, "\nuser.provider_id=", c.user.provider_id,
                  "\nuser.admin=", c.user.admin, "\nuser.groups=", List(c.user.groups),
                  "\nuser.profile=");
  for (const auto& [k, v] : c.user.profile) absl::StrAppend(&out, k, "=", ProfileText(v), ";");
  absl::StrAppend(&out, "\nip_chain=");
  for (const IpAddress& ip : c.ip_chain) absl::StrAppend(&out, ip.ToString(), ",");
  absl::StrAppend(&out, "\nzones=", c.zones.has_value() ? List(*c.zones) : "-");
  absl::StrAppend(&out, "\ngeo=", c.geo.has_value() ? c.geo->country + "/" + c.geo->region : "-");
  absl::StrAppend(&out, "\nasn=", Opt(c.asn));
  absl::StrAppend(&out, "\nproxy_type=",
                  c.proxy_type.has_value() ? std::string(ProxyTypeName(*c.proxy_type)) : "-");
  absl::StrAppend(&out, "\nip_service_categories=", List(c.ip_service_categories));
  const ContextDevice& d = c.device;
  auto b = [](const std::optional<bool>& v) { return v.has_value() ? (*v ? "1" : "0") : "-"; };
  absl::StrAppend(&out, "\ndevice=", d.platform_type, "/", d.os_type, "/", b(d.registered),
                  b(d.managed), b(d.remembered), b(d.rooted), "/", d.trust_level, "/",
                  List(d.assurance));
  absl::StrAppend(
      &out, "\nrisk_level=",
      c.risk_level.has_value() ? std::string(RiskLevelName(*c.risk_level)) : std::string("-"));
  absl::StrAppend(&out, "\nentity_risk=");
  if (c.entity_risk.has_value()) {
    absl::StrAppend(
        &out,
        c.entity_risk->level.has_value() ? std::string(RiskLevelName(*c.entity_risk->level)) : "-",
        "/", List(c.entity_risk->detection_types));
  } else {
    absl::StrAppend(&out, "-");
  }
  absl::StrAppend(&out, "\nbehaviors=", List(c.behaviors), "\nauth_type=", c.auth_type,
                  "\nidentity_provider=", c.identity_provider_type, "/", c.identity_provider_id,
                  "\nclient_id=", c.client_id, "\ngrant_type=", c.grant_type,
                  "\nscopes=", List(c.scopes), "\nlogin_identifier=", c.login_identifier);
  absl::StrAppend(&out, "\nsession=", TimeText(c.session.created_at), "/",
                  TimeText(c.session.last_activity), "/",
                  TimeText(c.session.last_factor_verification), "/", List(c.session.amr));
  absl::StrAppend(&out, "\ntime=", TimeText(c.time), "\nthreat_suspected=", b(c.threat_suspected),
                  "\nauthenticators=", c.authenticators ? List(*c.authenticators) : "-", "\n");
  return out;
}

std::string DescribeIssues(const IssueList& issues) {
  std::string out;
  for (const Issue& i : issues) {
    absl::StrAppend(&out, static_cast<int>(i.severity), " ", i.code, " ", i.file, " ", i.pointer,
                    " ", i.message, "\n");
  }
  return out;
}

// ParseContext's answer, or ParseAndCheckContext's when `check` is given,
// as one text: status, warnings, context.
std::string Slow(const std::string& line, const ContextCheckOptions* check) {
  IssueList warnings;
  absl::StatusOr<SignOnContext> c = check != nullptr ? ParseAndCheckContext(line, *check, &warnings)
                                                     : ParseContext(line, &warnings);
  if (!c.ok()) return absl::StrCat("error: ", c.status().message(), "\n", DescribeIssues(warnings));
  return absl::StrCat("ok\n", DescribeIssues(warnings), Describe(*c));
}

std::string Fast(ContextReader& reader, SignOnContext* reused, const std::string& line,
                 const ContextCheckOptions* check) {
  IssueList warnings;
  absl::Status s = check != nullptr ? reader.Read(line, *check, reused, &warnings)
                                    : reader.Parse(line, reused, &warnings);
  if (!s.ok()) return absl::StrCat("error: ", s.message(), "\n", DescribeIssues(warnings));
  return absl::StrCat("ok\n", DescribeIssues(warnings), Describe(*reused));
}

// Compares the reader with ParseContext on `lines` (one reader, one reused
// context), and with ParseAndCheckContext against `snapshot` with and
// without --strict. Returns the reader's counts of the ParseContext pass.
ContextReader::Counts ExpectSameAnswers(const std::vector<std::string>& lines,
                                        const Snapshot* snapshot = nullptr) {
  ContextReader reader;
  SignOnContext reused;
  for (const std::string& line : lines) {
    EXPECT_EQ(Fast(reader, &reused, line, nullptr), Slow(line, nullptr)) << "line: " << line;
  }
  const ContextReader::Counts counts = reader.counts();
  if (snapshot != nullptr) {
    for (bool strict : {false, true}) {
      ContextCheckOptions check;
      check.snapshot = snapshot;
      check.warnings_are_errors = strict;
      check.file = "contexts.jsonl";
      ContextReader checked;
      for (const std::string& line : lines) {
        EXPECT_EQ(Fast(checked, &reused, line, &check), Slow(line, &check))
            << "strict " << strict << ", line: " << line;
      }
    }
  }
  return counts;
}

std::vector<std::string> FileLines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

const std::string kSource = VERDICT_SOURCE_DIR;

const Snapshot& FixtureOrg() {
  static const Snapshot* org = [] {
    IssueList issues;
    absl::StatusOr<Snapshot> s = LoadSnapshot(kSource + "/fixtures/org", &issues);
    EXPECT_TRUE(s.ok()) << s.status();
    return new Snapshot(s.ok() ? *std::move(s) : Snapshot());
  }();
  return *org;
}

TEST(ContextReaderTest, FixtureContextsReadThemselvesAndAgree) {
  const std::vector<std::string> lines = FileLines(kSource + "/fixtures/contexts.jsonl");
  ASSERT_GT(lines.size(), 200u);
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &FixtureOrg());
  // Proves the reader's own path is what was compared, not ParseContext
  // twice: every fixture line is read by the reader itself.
  EXPECT_EQ(counts.fast, lines.size());
  EXPECT_EQ(counts.fallback, 0u);
}

TEST(ContextReaderTest, FixtureSuiteContextsAgree) {
  std::ifstream in(kSource + "/fixtures/suite.json");
  const Json suite = Json::parse(in);
  std::vector<std::string> lines;
  for (const Json& c : suite.at("cases")) {
    if (c.contains("context")) lines.push_back(c.at("context").dump());
  }
  ASSERT_GT(lines.size(), 40u);
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &FixtureOrg());
  EXPECT_GT(counts.fast, lines.size() * 9 / 10);
}

// The contexts `policy-sim contexts` writes for the fixture System Log: IP
// objects, sessions, devices, behaviors as Okta records them.
TEST(ContextReaderTest, ContextsWrittenFromTheFixtureLogAgree) {
  std::vector<std::string> lines;
  for (const char* file :
       {"/fixtures/logs/org-signon.jsonl", "/fixtures/logs/signon-events.jsonl"}) {
    ContextStreamOptions options;
    options.threads = 1;
    absl::StatusOr<std::unique_ptr<ContextStream>> stream =
        ContextStream::Open(ContextSource::kSystemLog, kSource + file, options);
    ASSERT_TRUE(stream.ok()) << stream.status();
    ContextHandlers<int> handlers;
    handlers.in_order = [&](StreamedContext& c, int&) {
      lines.push_back(WriteContextJson(c.conversion.context));
    };
    ASSERT_TRUE((*stream)->Run(handlers).ok());
  }
  ASSERT_GT(lines.size(), 20u);
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &FixtureOrg());
  EXPECT_EQ(counts.fast, lines.size());
}

TEST(ContextReaderTest, SyntheticContextsAgree) {
  const Snapshot org = synth::GenerateOrg(synth::BenchOrgOptions(100, 7));
  std::vector<std::string> lines;
  for (const SignOnContext& c : synth::GenerateContexts(org, 2000, 11)) {
    lines.push_back(synth::ContextToJson(c));
    lines.push_back(WriteContextJson(c));
  }
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &org);
  EXPECT_EQ(counts.fast, lines.size());
}

// A random context using every field, each in one of the forms the format
// allows (string or object, null, upper or lower case, comments ...).
class RandomContexts {
 public:
  explicit RandomContexts(uint64_t seed) : rng_(seed) {}

  bool Chance(int percent) { return Pick(100) < static_cast<size_t>(percent); }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <typename T>
  const T& OneOf(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::string Word() {
    static const std::vector<std::string> words = {"00u1abcdefghijklmno",
                                                   "00g2abcdefghijklmno",
                                                   "sales",
                                                   "Eng",
                                                   "",
                                                   "a b",
                                                   "tab\there",
                                                   "quote\"d",
                                                   "back\\slash",
                                                   "caf\xC3\xA9",
                                                   "\xE2\x82\xAC",
                                                   "emoji \xF0\x9F\x98\x80",
                                                   "nul\x01",
                                                   "LongerThanTheSmallStringBufferOfLibstdcxx",
                                                   "/slash",
                                                   "~tilde"};
    return OneOf(words);
  }

  Json Words(int max) {
    Json a = Json::array();
    const size_t n = Pick(max + 1);
    for (size_t i = 0; i < n; ++i) a.push_back(Word());
    return a;
  }

  std::string Time() {
    static const std::vector<std::string> times = {
        "2026-11-28T12:00:00Z", "2026-11-28T12:00:00.5Z", "2026-11-28T11:50:00+00:00",
        "2026-02-03T04:05:06.123456789-07:30", "1999-12-31T23:59:59Z"};
    return OneOf(times);
  }

  Json Ip() {
    static const std::vector<std::string> ips = {"203.0.113.7", "198.51.100.2", "10.0.0.1",
                                                 "::1",         "2001:db8::7",  "::ffff:192.0.2.1"};
    const std::string ip = OneOf(ips);
    if (Chance(30)) return Json{{"ip", ip}, {"geographicalContext", {{"city", "X"}}}};
    return ip;
  }

  Json Case(const std::string& s) {
    if (Chance(30)) return absl::AsciiStrToLower(s);
    return s;
  }

  Json ProfileValueJson() {
    switch (Pick(8)) {
      case 0:
        return Word();
      case 1:
        return static_cast<int64_t>(Pick(1000000)) - 500000;
      case 2:
        return Chance(50);
      case 3:
        return nullptr;
      case 4:
        return Json::array({"a", "b c"});
      case 5:
        return Words(3);
      case 6:
        return 1.5;
      default:
        return Json{{"nested", Word()}};
    }
  }

  std::string Next() {
    Json c = Json::object();
    std::vector<std::function<void()>> fields = {
        [&] { c["id"] = Chance(80) ? Json(Word()) : Json(Pick(100000)); },
        [&] {
          c["policyTypes"] = Json::array();
          for (const char* t : {"OKTA_SIGN_ON", "ACCESS_POLICY", "okta_sign_on", "MFA_ENROLL"}) {
            if (Chance(40)) c["policyTypes"].push_back(t);
          }
        },
        [&] {
          c["app"] = Chance(50) ? Json(Word()) : Json{{"id", Word()}};
        },
        [&] {
          Json u = Json::object();
          for (const char* k : {"id", "login", "type", "providerId"}) {
            if (Chance(60)) u[k] = Word();
          }
          if (Chance(60)) u["status"] = Case("ACTIVE");
          if (Chance(40)) u["provider"] = Case("ACTIVE_DIRECTORY");
          if (Chance(20)) u["admin"] = Chance(80) ? Json(Chance(50)) : Json("yes");
          if (Chance(70)) u["groups"] = Words(4);
          if (Chance(40)) {
            Json p = Json::object();
            const size_t n = Pick(4);
            for (size_t i = 0; i < n; ++i) p[absl::StrCat("attr", i)] = ProfileValueJson();
            u["profile"] = p;
          }
          if (Chance(10)) u["_note"] = "comment";
          if (Chance(10)) u["id"] = nullptr;
          c["user"] = u;
        },
        [&] {
          if (Chance(50)) {
            c["ip"] = Ip();
          } else {
            c["ipChain"] = Json::array({Ip(), Ip()});
          }
        },
        [&] {
          if (Chance(30) && !c.contains("ip") && !c.contains("ipChain")) c["zones"] = Words(3);
        },
        [&] {
          Json g = Json::object();
          if (Chance(70)) g["country"] = Case("US");
          if (Chance(70)) g["region"] = Case(Chance(50) ? "CA" : "US-CA");
          c["geo"] = g;
        },
        [&] { c["asn"] = Chance(50) ? Json(Pick(70000)) : Json(absl::StrCat(Pick(70000))); },
        [&] {
          c["proxyType"] =
              OneOf(std::vector<Json>{nullptr, "", "NONE", "tor", "TorAnonymizer", "Anonymizer"});
        },
        [&] { c["ipServiceCategories"] = Json::array({Case("APPLE_ICLOUD_RELAY_PROXY")}); },
        [&] {
          Json d = Json::object();
          Json platform = Json::object();
          if (Chance(70)) platform["type"] = Case("MOBILE");
          if (Chance(50)) {
            platform["os"] = Chance(50) ? Case("OSX") : Json{{"type", Case("IOS")}};
          }
          if (Chance(80)) d["platform"] = platform;
          for (const char* k : {"registered", "managed", "remembered", "rooted"}) {
            if (Chance(50)) d[k] = Chance(50);
          }
          if (Chance(50)) d["trustLevel"] = Case("TRUSTED");
          if (Chance(50)) d["assurance"] = Words(2);
          c["device"] = d;
        },
        [&] {
          c["risk"] = Chance(50) ? Json(Case(OneOf(std::vector<std::string>{"LOW", "HIGH", "ANY"})))
                                 : Json{{"level", Case("MEDIUM")}};
        },
        [&] {
          Json e = Json::object();
          if (Chance(70)) e["level"] = Case("HIGH");
          if (Chance(70)) e["detectionTypes"] = Json::array({Case("BRUTE_FORCE_ATTACK")});
          c["entityRisk"] = e;
        },
        [&] { c["behaviors"] = Words(3); },
        [&] { c["authType"] = Case("RADIUS"); },
        [&] {
          c["identityProvider"] =
              Chance(50) ? Case("IDP") : Json{{"type", Case("IDP")}, {"id", Word()}};
        },
        [&] {
          c["client"] = Chance(50) ? Json(Word()) : Json{{"id", Word()}};
        },
        [&] { c["grantType"] = "authorization_code"; },
        [&] { c["scopes"] = Words(3); },
        [&] { c["loginIdentifier"] = Word(); },
        [&] {
          Json s = Json::object();
          for (const char* k : {"createdAt", "lastActivity", "lastFactorVerification"}) {
            if (Chance(60)) s[k] = Time();
          }
          if (Chance(60)) s["amr"] = Words(2);
          c["session"] = s;
        },
        [&] { c["time"] = Time(); },
        [&] { c["threatSuspected"] = Chance(50); },
        [&] {
          // Known keys (the fast path), an unknown one (ParseContext's warning).
          c["authenticators"] = Chance(80)
                                    ? Json::array({"okta_password", Case("okta_verify:push")})
                                    : Json::array({"okta_password", "carrier_pigeon"});
        },
        [&] {
          c["$comment"] = Json{{"why", Word()}};
        },
        [&] {
          c["verdictLog"] = Json{{"at", Time()}};
        },
    };
    for (auto& f : fields) {
      if (Chance(55)) f();
    }
    // A null for a field: ParseContext's "absent" (proxyType: "not a proxy").
    if (Chance(10))
      c[OneOf(std::vector<std::string>{"user", "geo", "asn", "device", "session", "time", "app",
                                       "risk", "zones"})] = nullptr;
    return Chance(20) ? c.dump(2) : c.dump();
  }

  // A line changed in one of the ways that put the reader's fallback (or
  // ParseContext's errors) to work.
  std::string Mutate(std::string line) {
    if (line.empty()) return line;
    const size_t at = Pick(line.size());
    switch (Pick(14)) {
      case 0:
        return line.erase(at, 1);  // a byte lost: mostly a syntax error
      case 1:
        return line.insert(at, 1,
                           OneOf(std::vector<char>{'{', '}', '[', ']', ',', ':', '"', '\\', '\x01',
                                                   '\xff', ' ', '0'}));
      case 2: {
        // A duplicate key: the first member again at the end.
        const size_t colon = line.find(':');
        if (colon == std::string::npos || line.back() != '}') return line;
        return line.substr(0, line.size() - 1) + "," + line.substr(1, colon) + "null}";
      }
      case 3:
        return line.insert(1, "\"ipAddress\": \"1.2.3.4\", ");  // an unknown field
      case 4:
        return line.insert(1, "\"$c\": [[[[[[[[[[]]]]]]]]]], ");
      case 5:
        return line.insert(1, "\"_x\": \"\\ud83d\\ude00 \\udc00\", ");  // a lone surrogate
      case 6:
        return line.insert(1, "\"id\": \"\\u00e9\\ud83d\\ude00\", ");
      case 7:
        return line.insert(1, "\"asn\": 123456789012345678901234567890, ");
      case 8:
        return line.insert(1, "\"asn\": -1, ");
      case 9:
        return line + OneOf(std::vector<std::string>{" ", "\n", "x", "{}", std::string(1, '\0')});
      case 10:
        return "\xEF\xBB\xBF" + line;
      case 11: {
        // A value replaced by one of another type.
        const size_t colon = line.find(": ", at);
        if (colon == std::string::npos) return line;
        return line.insert(colon + 2,
                           OneOf(std::vector<std::string>{
                               "null, \"_\": ", "1, \"_\": ", "[], \"_\": ", "{}, \"_\": ",
                               "1e400, \"_\": ", "-0, \"_\": ", "true, \"_\": "}));
      }
      case 12: {
        // A string value's case or content changed.
        const size_t quote = line.find(": \"", at);
        if (quote == std::string::npos) return line;
        return line.insert(quote + 3, OneOf(std::vector<std::string>{"x", "X", "-", "\\n", " "}));
      }
      default:
        return std::string(line.begin(), line.begin() + static_cast<long>(at));  // cut short
    }
  }

 private:
  std::mt19937_64 rng_;
};

TEST(ContextReaderTest, RandomContextsOfEveryFieldAgree) {
  RandomContexts random(20261207);
  std::vector<std::string> lines;
  for (int i = 0; i < 6000; ++i) lines.push_back(random.Next());
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &FixtureOrg());
  // Most take the reader's own path (the rest hold doubles, objects or
  // escapes in profiles, or an error).
  EXPECT_GT(counts.fast, lines.size() / 2);
  EXPECT_GT(counts.fallback, 0u);
}

TEST(ContextReaderTest, MutatedContextsAgree) {
  RandomContexts random(42);
  std::vector<std::string> lines;
  const std::vector<std::string> fixtures = FileLines(kSource + "/fixtures/contexts.jsonl");
  for (int i = 0; i < 6000; ++i) {
    std::string line = i % 2 == 0 ? random.Next() : fixtures[random.Pick(fixtures.size())];
    const size_t mutations = 1 + random.Pick(3);
    for (size_t m = 0; m < mutations; ++m) line = random.Mutate(line);
    lines.push_back(line);
  }
  const ContextReader::Counts counts = ExpectSameAnswers(lines, &FixtureOrg());
  EXPECT_GT(counts.fast, 0u);
  EXPECT_GT(counts.fallback, lines.size() / 4);
}

// Hostile and edge input, one case each; `fast` says whether the reader
// reads it itself (the rest must be ParseContext's, errors included).
struct EdgeCase {
  std::string name;
  std::string line;
  bool fast;
};

void PrintTo(const EdgeCase& c, std::ostream* os) { *os << c.name; }

class ContextReaderEdgeTest : public testing::TestWithParam<EdgeCase> {};

TEST_P(ContextReaderEdgeTest, SameAnswerAsParseContext) {
  const EdgeCase& c = GetParam();
  ContextReader reader;
  SignOnContext reused;
  // A full context first, so that nothing of it may survive into the case.
  const std::string full = R"({"id": "prev", "policyTypes": ["OKTA_SIGN_ON"], "app": "0oa1",
    "user": {"id": "00u1", "login": "l", "status": "active", "type": "t", "provider": "ldap",
    "providerId": "p", "groups": ["00g1", "00g2"], "profile": {"a": 1}}, "ipChain": ["1.2.3.4"],
    "geo": {"country": "us", "region": "ca"}, "asn": 7, "proxyType": "tor",
    "ipServiceCategories": ["x"], "device": {"platform": {"type": "mobile", "os": "ios"},
    "registered": true, "managed": true, "remembered": true, "rooted": true, "trustLevel": "t",
    "assurance": ["d"]}, "risk": "high", "entityRisk": {"level": "low", "detectionTypes": ["d"]},
    "behaviors": ["b"], "authType": "radius", "identityProvider": {"type": "idp", "id": "i"},
    "client": "c", "grantType": "g", "scopes": ["s"], "loginIdentifier": "li",
    "session": {"createdAt": "2026-11-28T12:00:00Z", "lastActivity": "2026-11-28T12:00:00Z",
    "lastFactorVerification": "2026-11-28T12:00:00Z", "amr": ["pwd"]},
    "time": "2026-11-28T12:00:00Z", "threatSuspected": true})";
  EXPECT_EQ(Fast(reader, &reused, full, nullptr), Slow(full, nullptr));
  EXPECT_EQ(Fast(reader, &reused, c.line, nullptr), Slow(c.line, nullptr));
  EXPECT_EQ(reader.counts().fast, c.fast ? 2u : 1u) << "fallback " << reader.counts().fallback;
}

INSTANTIATE_TEST_SUITE_P(
    Edges, ContextReaderEdgeTest,
    testing::ValuesIn(std::vector<EdgeCase>{
        {"Empty", "", false},
        {"Blank", "  \t ", false},
        {"EmptyObject", "{}", true},
        {"NotAnObject", "[1, 2]", false},
        {"String", "\"x\"", false},
        {"TrailingGarbage", R"({"id": "a"} x)", false},
        {"TwoObjects", R"({"id": "a"}{"id": "b"})", false},
        {"TrailingNul", std::string(R"({"id": "a"})") + '\0' + "junk", false},
        {"ByteOrderMark", "\xEF\xBB\xBF{\"id\": \"a\"}", false},
        {"DuplicateKey", R"({"id": "a", "id": "b"})", false},
        {"DuplicateNestedKey", R"({"user": {"id": "a", "id": "b"}})", false},
        {"DuplicateProfileKey", R"({"user": {"profile": {"k": 1, "k": "two"}}})", false},
        {"DuplicateIgnoredKey", R"({"_c": 1, "_c": 2, "id": "a"})", true},
        {"UnicodeEscapes", R"({"id": "caf\u00e9 \u20ac \u0041"})", true},
        {"EscapedNul", R"({"id": "a\u0000b"})", true},
        {"SurrogatePair", R"({"id": "\ud83d\ude00"})", false},
        {"LoneHighSurrogate", R"({"id": "\ud83d"})", false},
        {"LoneLowSurrogate", R"({"id": "\udc00"})", false},
        {"LowSurrogateInComment", R"({"_c": "\uDC00", "id": "a"})", false},
        {"InvalidUtf8", "{\"id\": \"\xff\"}", false},
        {"OverlongUtf8", "{\"id\": \"\xc0\xaf\"}", false},
        {"Utf8Surrogate", "{\"id\": \"\xed\xa0\x80\"}", false},
        {"RawControlCharacter", "{\"id\": \"a\x01\"}", false},
        {"BadEscape", R"({"id": "\x"})", false},
        {"HugeInteger", R"({"asn": 123456789012345678901234567890})", false},
        {"HugeExponent", R"({"asn": 1e400})", false},
        {"AsnAboveUint32", R"({"asn": 4294967296})", false},
        {"AsnMax", R"({"asn": 4294967295})", true},
        {"AsnUint64", R"({"asn": 18446744073709551615})", false},
        {"AsnNegative", R"({"asn": -1})", false},
        {"AsnDouble", R"({"asn": 1.0})", false},
        {"AsnString", R"({"asn": "0013335"})", true},
        {"AsnStringTooLong", R"({"asn": "00000000001"})", false},
        {"AsnStringNotDigits", R"({"asn": "AS13335"})", false},
        {"IdInteger", R"({"id": 17})", true},
        {"IdNegative", R"({"id": -17})", true},
        {"IdMinusZero", R"({"id": -0})", true},
        {"IdUint64", R"({"id": 18446744073709551615})", true},
        {"IdDouble", R"({"id": 1.5})", false},
        {"IdBool", R"({"id": true})", false},
        {"IdNull", R"({"id": null})", false},  // a warning (context.null_id): the slow path
        {"ProfileNumbers", R"({"user": {"profile": {"a": 3, "b": -4, "c": 0, "d": -0}}})", true},
        {"ProfileBig", R"({"user": {"profile": {"a": 18446744073709551615}}})", true},
        {"ProfileDouble", R"({"user": {"profile": {"a": 1.5}}})", false},
        {"ProfileScalars", R"({"user": {"profile": {"a": true, "b": null, "c": "x"}}})", true},
        {"ProfileArray", R"({"user": {"profile": {"a": ["x", "y z"], "b": []}}})", true},
        {"ProfileArrayEscapes", R"({"user": {"profile": {"a": ["q\"", "\u00e9"]}}})", false},
        {"ProfileArrayMixed", R"({"user": {"profile": {"a": ["x", 1]}}})", false},
        {"ProfileObject", R"({"user": {"profile": {"a": {"b": 1}}}})", false},
        {"ProfileNull", R"({"user": {"profile": null}})", true},
        {"ProfileNotObject", R"({"user": {"profile": []}})", false},
        {"DeepComment",
         absl::StrCat(R"({"$c": )", std::string(300, '['), std::string(300, ']'),
                      R"(, "id": "a"})"),
         false},
        {"NestedComment", R"({"$c": [[[{"a": [1]}]]], "id": "a"})", true},
        {"DeepIgnoredIpMember",
         absl::StrCat(R"({"ip": {"ip": "1.2.3.4", "x": )", std::string(300, '['),
                      std::string(300, ']'), "}}"),
         false},
        {"UnknownField", R"({"ipaddress": "1.2.3.4"})", false},
        {"UnknownUserField", R"({"user": {"groupIds": []}})", false},
        {"UnknownDeviceField", R"({"device": {"os": "ios"}})", false},
        {"UnknownGeoField", R"({"geo": {"city": "x"}})", false},
        {"UnknownSessionField", R"({"session": {"amrs": []}})", false},
        {"CommentsEverywhere",
         R"({"$c": 1, "_c": 2, "verdictLog": {}, "user": {"_c": 1}, "device": {"$c": 1},
             "geo": {"_c": 1}, "session": {"verdictLog": 1}})",
         true},
        {"NullsEverywhere",
         R"({"id": null, "policyTypes": null, "app": null, "user": null, "ipChain": null,
             "ip": null, "zones": null, "geo": null, "asn": null, "proxyType": null,
             "ipServiceCategories": null, "device": null, "risk": null, "entityRisk": null,
             "behaviors": null, "authType": null, "identityProvider": null, "client": null,
             "grantType": null, "scopes": null, "loginIdentifier": null, "session": null,
             "time": null, "threatSuspected": null})",
         false},  // "id": null warns
        {"NullsEverywhereButId",
         R"({"policyTypes": null, "app": null, "user": null, "ipChain": null,
             "ip": null, "zones": null, "geo": null, "asn": null, "proxyType": null,
             "ipServiceCategories": null, "device": null, "risk": null, "entityRisk": null,
             "behaviors": null, "authType": null, "identityProvider": null, "client": null,
             "grantType": null, "scopes": null, "loginIdentifier": null, "session": null,
             "time": null, "threatSuspected": null})",
         true},
        {"NullsInside",
         R"({"user": {"id": null, "groups": null, "provider": null}, "device": {"platform":
             {"type": null, "os": null}, "registered": null}, "geo": {"country": null},
             "session": {"amr": null, "createdAt": null}, "entityRisk": {"level": null},
             "identityProvider": {"type": null}, "app": {"id": null}, "risk": {"level": null}})",
         true},
        {"NullInList", R"({"behaviors": ["a", null]})", false},
        {"WrongTypes", R"({"user": "00u1"})", false},
        {"WrongTypeGroups", R"({"user": {"groups": "00g1"}})", false},
        {"WrongTypeBool", R"({"threatSuspected": "true"})", false},
        {"WrongTypeDevice", R"({"device": {"platform": "MOBILE"}})", false},
        {"WrongTypeOs", R"({"device": {"platform": {"os": 1}}})", false},
        {"BadIp", R"({"ip": "1.2.3"})", false},
        {"IpObjectWithoutIp", R"({"ipChain": [{"geo": 1}]})", false},
        {"IpObjectExtraMembers", R"({"ipChain": [{"ip": "1.2.3.4", "geographicalContext": {}}]})",
         true},
        {"IpConflict", R"({"ip": "1.2.3.4", "ipChain": ["5.6.7.8"]})", false},
        {"IpAgreesWithChain", R"({"ip": "1.2.3.4", "ipChain": ["1.2.3.4", "5.6.7.8"]})", true},
        {"ZonesAndIp", R"({"ip": "1.2.3.4", "zones": ["nzo1"]})", false},
        {"ZonesEmpty", R"({"zones": []})", true},
        {"BadTime", R"({"time": "yesterday"})", false},
        {"BadPolicyType", R"({"policyTypes": ["SIGN_ON"]})", false},
        {"LowerPolicyType", R"({"policyTypes": ["access_policy"]})", true},
        {"BadProxyType", R"({"proxyType": "VPN"})", false},
        {"BadRisk", R"({"risk": "SEVERE"})", false},
        {"RiskAny", R"({"risk": {"level": "any", "extra": [1]}})", true},
        {"RiskNumber", R"({"risk": 3})", false},
        {"EntityRiskBadLevel", R"({"entityRisk": {"level": "x"}})", false},
        {"EntityRiskExtra", R"({"entityRisk": {"score": 5}})", true},
        {"GeoRegionOnly", R"({"geo": {"region": "us-ca"}})", true},
        {"GeoRegionShort", R"({"geo": {"country": "us", "region": "ca"}})", true},
        {"OsObjectExtra", R"({"device": {"platform": {"os": {"type": "osx", "version": "14"}}}})",
         true},
        {"IdpString", R"({"identityProvider": "idp"})", true},
        {"ClientObjectExtra", R"({"client": {"id": "c", "name": "n"}})", true},
        {"AppNumber", R"({"app": 5})", false},
        {"Pretty", "{\n  \"id\": \"a\",\r\n  \"user\": {\"id\": \"u\"}\n}\n", true},
    }),
    [](const testing::TestParamInfo<EdgeCase>& info) { return info.param.name; });

// A longer line than the parser has room for, after short ones: the reader
// grows its buffers and still answers as ParseContext.
TEST(ContextReaderTest, LongLineAfterShortOnes) {
  std::string groups;
  for (int i = 0; i < 20000; ++i) absl::StrAppend(&groups, i == 0 ? "" : ",", "\"00g", i, "\"");
  const std::vector<std::string> lines = {
      R"({"id": "a"})", absl::StrCat(R"({"id": "b", "user": {"groups": [)", groups, "]}}"),
      R"({"id": "c", "user": {"groups": ["x"]}})"};
  const ContextReader::Counts counts = ExpectSameAnswers(lines);
  EXPECT_EQ(counts.fast, 3u);
}

}  // namespace
}  // namespace verdict
