// LogEventParser (simdjson's tape, the one production reading) against the
// test oracles: the nlohmann reading (the reference) and simdjson's on-demand
// walk. The same LogEvent for every event of every fixture, the same
// accept/reject for a table of malformed and odd events, the values the tape
// holds otherwise than nlohmann read as nlohmann reads them, and the words of
// the rejections.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "lib/logs/log_event_padding.h"
#include "tests/support/log_event_oracles.h"
#include "tests/support/log_events.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using testing::Event;

// Every field, one per line, so a mismatch shows as a readable diff.
std::string Describe(const LogEvent& e) {
  std::string out = absl::StrCat(
      "position ", e.position.ToString(), "\nuuid ", e.uuid, "\neventType ", e.event_type,
      "\npublished ", e.published, "\nactor ", e.actor_id, " | ", e.actor_type, " | ",
      e.actor_alternate_id, "\nclient ", e.client_ip, " | ", e.client_device, " | ",
      e.user_agent_os, "\ngeo ", e.country, " | ", e.state, "\nipChain ",
      absl::StrJoin(e.ip_chain, ","), "\nauthProvider ", e.authentication_provider, "\nasNumber ");
  absl::StrAppend(&out, e.as_number ? absl::StrCat(*e.as_number) : "-", "\nisProxy ",
                  e.is_proxy ? (*e.is_proxy ? "true" : "false") : "-", "\nrisk ", e.risk_level);
  for (const LogBehavior& b : e.user_behaviors) {
    absl::StrAppend(&out, "\nbehavior ", b.id, " | ", b.name, " | ", b.result);
  }
  absl::StrAppend(&out, "\nipServiceCategories ", absl::StrJoin(e.ip_service_categories, ","));
  for (const auto& [k, v] : e.debug_data) absl::StrAppend(&out, "\ndebugData ", k, " = ", v);
  auto tri = [](const std::optional<bool>& b) { return b ? (*b ? "true" : "false") : "-"; };
  absl::StrAppend(&out, "\ndevice ", e.has_device ? "yes" : "no", " | ", e.device_os_platform,
                  " | ", tri(e.device_managed), " | ", tri(e.device_registered), " | ",
                  tri(e.device_jailbreak), "\noutcome ", e.outcome_result, " | ", e.outcome_reason);
  for (const LogTarget& t : e.targets) {
    absl::StrAppend(&out, "\ntarget ", t.id, " | ", t.type, " | ", t.alternate_id, " | ",
                    t.display_name);
    for (const auto& [k, v] : t.detail) absl::StrAppend(&out, "\n  detail ", k, " = ", v);
  }
  for (const SecurityCondition& c : e.security_conditions) {
    absl::StrAppend(&out, "\ncondition ", c.result ? "true" : "false", " ", c.condition);
  }
  absl::StrAppend(&out, "\nconditionsError ", e.security_conditions_error);
  return out;
}

// Parses `text` with the production parser and both oracles; they must
// agree. Returns whether the event was accepted.
bool ExpectSameParse(const std::string& text, const std::string& label) {
  absl::StatusOr<LogEvent> dom = testing::ParseLogEventDom(text);
  absl::StatusOr<LogEvent> on_demand = testing::ParseLogEventOnDemand(text);
  absl::StatusOr<LogEvent> tape = ParseLogEvent(text);
  EXPECT_EQ(dom.ok(), on_demand.ok())
      << label << "\nDOM: " << dom.status() << "\non-demand: " << on_demand.status()
      << "\ntext: " << text;
  EXPECT_EQ(dom.ok(), tape.ok()) << label << "\nDOM: " << dom.status()
                                 << "\ntape: " << tape.status() << "\ntext: " << text;
  if (!dom.ok() || !on_demand.ok() || !tape.ok()) return false;
  EXPECT_EQ(Describe(*dom), Describe(*on_demand)) << label;
  EXPECT_TRUE(*dom == *on_demand) << label;
  EXPECT_EQ(Describe(*dom), Describe(*tape)) << label;
  EXPECT_TRUE(*dom == *tape) << label;
  return true;
}

std::vector<RawLogEvent> ReadEvents(const fs::path& path) {
  std::vector<RawLogEvent> out;
  absl::StatusOr<std::unique_ptr<LogReader>> reader = LogReader::Open(path.string());
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  RawLogEvent raw;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&raw);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    out.push_back(std::move(raw));
  }
  return out;
}

TEST(LogEventParsers, SameEventsForEveryFixture) {
  const fs::path dir = fs::path(VERDICT_SOURCE_DIR) / "fixtures" / "logs";
  size_t files = 0;
  size_t accepted = 0;
  size_t rejected = 0;
  // One parser and one LogEvent reused across every event of every file, as
  // a replay's worker does: nothing of one event may leak into the next.
  LogEventParser parser;
  LogEvent reused;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find("memberships") != std::string::npos) continue;
    if (entry.path().extension() != ".json" && entry.path().extension() != ".jsonl" &&
        entry.path().extension() != ".gz") {
      continue;
    }
    ++files;
    for (const RawLogEvent& raw : ReadEvents(entry.path())) {
      const std::string label = absl::StrCat(name, ": ", raw.position.ToString());
      // The reader's events are read in place (padding in their capacity).
      ASSERT_GE(raw.text.capacity(), raw.text.size() + kLogEventPadding) << label;
      absl::StatusOr<LogEvent> tape = ParseLogEvent(raw);
      absl::StatusOr<LogEvent> on_demand = testing::ParseLogEventOnDemand(raw.text, raw.position);
      absl::StatusOr<LogEvent> dom = testing::ParseLogEventDom(raw.text, raw.position);
      const absl::Status reused_status = parser.Parse(raw, &reused);
      ASSERT_EQ(tape.ok(), dom.ok()) << label << " " << tape.status() << " / " << dom.status();
      ASSERT_EQ(on_demand.ok(), dom.ok())
          << label << " " << on_demand.status() << " / " << dom.status();
      ASSERT_EQ(reused_status.ok(), dom.ok()) << label << " " << reused_status;
      if (!dom.ok()) {
        ++rejected;
        EXPECT_EQ(reused_status, tape.status()) << label;
        continue;
      }
      ++accepted;
      EXPECT_EQ(Describe(*dom), Describe(*tape)) << label;
      EXPECT_TRUE(*dom == *tape) << label;
      EXPECT_EQ(Describe(*dom), Describe(*on_demand)) << label;
      EXPECT_TRUE(*dom == *on_demand) << label;
      EXPECT_EQ(dom->position, raw.position) << label;
      EXPECT_EQ(Describe(*dom), Describe(reused)) << label << " (reused LogEvent)";
      EXPECT_TRUE(*dom == reused) << label;
    }
  }
  // signon-events.json, signon-events.jsonl, org-signon.jsonl, org-export.jsonl.gz.
  EXPECT_GE(files, 4u);
  EXPECT_GT(accepted, 5000u);
  EXPECT_GE(rejected, 9u);  // the malformed lines the fixtures hold on purpose
}

TEST(LogEventParsers, SameAcceptAndRejectForMalformedEvents) {
  using Case = testing::OddLogEvent;
  const std::vector<Case> cases = testing::OddLogEvents();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ExpectSameParse(c.text, c.name), c.accepted) << c.name;
  }
  // The same table through one reused parser and LogEvent, twice over (so
  // each case follows a different one the second time): the odd shapes
  // (duplicate keys, wrong types, nulls) must not leave anything behind.
  LogEventParser parser;
  LogEvent reused;
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = round == 0 ? cases[i] : cases[cases.size() - 1 - i];
      RawLogEvent raw;
      raw.text.reserve(c.text.size() + kLogEventPadding);
      raw.text = c.text;
      const absl::Status status = parser.Parse(raw, &reused);
      EXPECT_EQ(status.ok(), c.accepted) << c.name << ": " << status;
      if (!c.accepted) continue;
      absl::StatusOr<LogEvent> dom = testing::ParseLogEventDom(c.text);
      ASSERT_TRUE(dom.ok()) << c.name;
      EXPECT_EQ(Describe(*dom), Describe(reused)) << c.name << " (reused, round " << round << ")";
    }
  }
}

// The values simdjson's tape holds otherwise than nlohmann, read as nlohmann
// reads them (once, these events went to another reading).
TEST(LogEventParsers, ValuesTheTapeHoldsOtherwiseReadAsNlohmannDoes) {
  struct Case {
    std::string name;
    std::string field;  // a member of the event
    std::string debug_key;
    std::string want_debug;  // debugData[debug_key]
  };
  const std::vector<Case> cases = {
      {"decimal", R"("debugContext":{"debugData":{"n":1.50}})", "n", "1.5"},
      {"integral double", R"("debugContext":{"debugData":{"n":64500.0}})", "n", "64500.0"},
      {"exponent", R"("debugContext":{"debugData":{"n":1E2}})", "n", "100.0"},
      {"large exponent", R"("debugContext":{"debugData":{"n":1e30}})", "n", "1e+30"},
      {"underflow", R"("debugContext":{"debugData":{"n":1e-400}})", "n", "0.0"},
      {"negative zero", R"("debugContext":{"debugData":{"n":-0.0}})", "n", "-0.0"},
      {"integer negative zero", R"("debugContext":{"debugData":{"n":-0}})", "n", "0"},
      {"above INT64_MAX", R"("debugContext":{"debugData":{"n":18446744073709551615}})", "n",
       "18446744073709551615"},
      {"beyond 64 bits", R"("debugContext":{"debugData":{"n":123456789012345678901234567890}})",
       "n", "1.2345678901234568e+29"},
      {"below INT64_MIN", R"("debugContext":{"debugData":{"n":-9223372036854775809}})", "n",
       "-9.223372036854776e+18"},
      {"object, keys sorted, the last duplicate wins",
       R"("debugContext":{"debugData":{"o":{"b":[1, 2.0, "\u00e9"],"a":null,"b":true}}})", "o",
       R"({"a":null,"b":true})"},
      {"array", R"("debugContext":{"debugData":{"a":[ {"x":-1}, [], 1.0 ]}})", "a",
       R"([{"x":-1},[],1.0])"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<LogEvent> e = ParseLogEvent(Event(c.field));
    ASSERT_TRUE(e.ok()) << e.status();
    const auto it = e->debug_data.find(c.debug_key);
    ASSERT_NE(it, e->debug_data.end());
    EXPECT_EQ(it->second, c.want_debug);
    absl::StatusOr<LogEvent> dom = testing::ParseLogEventDom(Event(c.field));
    ASSERT_TRUE(dom.ok()) << dom.status();
    EXPECT_TRUE(*dom == *e) << Describe(*dom) << "\n---\n" << Describe(*e);
  }
  // Numbers nlohmann does not hold as a signed 64-bit integer are no AS
  // number, and their text elsewhere is nlohmann's.
  for (const std::string number :
       {"64500.0", "9223372036854775808", "123456789012345678901234567890", "1e3"}) {
    const std::string text = Event(
        absl::StrCat(R"("securityContext":{"asNumber":)", number, R"(},"published":)", number));
    absl::StatusOr<LogEvent> e = ParseLogEvent(text);
    ASSERT_TRUE(e.ok()) << number << ": " << e.status();
    EXPECT_FALSE(e->as_number.has_value()) << number;
    absl::StatusOr<LogEvent> dom = testing::ParseLogEventDom(text);
    ASSERT_TRUE(dom.ok());
    EXPECT_EQ(e->published, dom->published) << number;
  }
}

// The words of a rejection: simdjson's, and where it can be located, the
// byte (within the event) at which the text goes wrong.
TEST(LogEventParsers, RejectionsNameTheProblemAndWhere) {
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"double comma", R"({"uuid":"x","a":[1,,2]})",
       "invalid JSON near byte 19: The JSON document has an improper structure: missing or "
       "superfluous commas, braces, missing keys, etc."},
      {"bad literal", R"({"uuid":"x","a":tru})",
       "invalid JSON near byte 19: Problem while parsing an atom starting with the letter 't'"},
      {"too deep",
       absl::StrCat(R"({"uuid":"d","x":)", std::string(300, '['), std::string(300, ']'), "}"),
       "invalid JSON near byte 271: The JSON document was too deep (too many nested objects and "
       "arrays)"},
      {"ends early", R"({"uuid":"x","a":[1,2)",
       "invalid JSON: JSON document ended early in the middle of an object or array."},
      {"unclosed string", R"({"uuid": "broken)",
       "invalid JSON: A string is opened, but never closed."},
      {"not UTF-8", "{\"uuid\":\"caf\xE9\"}", "invalid JSON: The input is not valid UTF-8"},
      {"array", "[1]", "an event is a JSON object, not array"},
      {"boolean", "true", "an event is a JSON object, not boolean"},
      {"big number", "123456789012345678901234567890", "an event is a JSON object, not number"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<LogEvent> e = ParseLogEvent(c.text);
    ASSERT_FALSE(e.ok()) << c.name;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(e.status().message(), c.want) << c.name;
    // The reference rejects it too.
    EXPECT_FALSE(testing::ParseLogEventDom(c.text).ok()) << c.name;
  }
}

TEST(LogEventParsers, ReadsSecurityConditions) {
  absl::StatusOr<LogEvent> e = ParseLogEvent(Event(
      R"("debugContext":{"debugData":{"securityConditions":"[{result=true, condition=security.risk.level == 'MEDIUM'}, {result=false, condition=security.userBehaviors['New Device'].detected}]"}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->security_conditions.size(), 2u);
  EXPECT_EQ(e->security_conditions[0].condition, "security.risk.level == 'MEDIUM'");
  EXPECT_TRUE(e->security_conditions[0].result);
  EXPECT_EQ(e->security_conditions[1].condition, "security.userBehaviors['New Device'].detected");
  EXPECT_FALSE(e->security_conditions[1].result);
  EXPECT_EQ(e->security_conditions_error, "");

  e = ParseLogEvent(
      Event(R"("debugContext":{"debugData":{"securityConditions":"[{result=true, condition=x"}})"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->security_conditions.empty());
  EXPECT_NE(e->security_conditions_error, "");
}

}  // namespace
}  // namespace verdict
