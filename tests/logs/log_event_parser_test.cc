// The simdjson readings (tape, the default, and on-demand) against the DOM
// parser (nlohmann): the same LogEvent for every event of every fixture, and
// the same accept/reject for a table of malformed and odd events.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "lib/logs/log_event_parsers.h"
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

// Parses `text` with all three parsers; they must agree. Returns whether the
// event was accepted.
bool ExpectSameParse(const std::string& text, const std::string& label) {
  absl::StatusOr<LogEvent> dom = ParseLogEvent(text, {}, LogJsonParser::kDom);
  absl::StatusOr<LogEvent> on_demand = ParseLogEvent(text, {}, LogJsonParser::kOnDemand);
  absl::StatusOr<LogEvent> tape = ParseLogEvent(text, {}, LogJsonParser::kTape);
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
  size_t accepted_on_demand = 0;  // accepted events the tape left to on-demand
  // One LogEvent per reading reused across every event of every file, as a
  // replay does: nothing of one event may leak into the next.
  LogEvent reused_tape;
  LogEvent reused_on_demand;
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
      const size_t fallbacks_before = logs::TapeFallbacksOnThisThread();
      absl::StatusOr<LogEvent> tape = ParseLogEvent(raw);  // the default
      const bool tape_fell_back = logs::TapeFallbacksOnThisThread() != fallbacks_before;
      absl::StatusOr<LogEvent> on_demand = ParseLogEvent(raw, LogJsonParser::kOnDemand);
      absl::StatusOr<LogEvent> dom = ParseLogEvent(raw, LogJsonParser::kDom);
      ASSERT_EQ(tape.ok(), dom.ok()) << label << " " << tape.status() << " / " << dom.status();
      ASSERT_EQ(on_demand.ok(), dom.ok())
          << label << " " << on_demand.status() << " / " << dom.status();
      if (!dom.ok()) {
        ++rejected;
        EXPECT_TRUE(tape_fell_back) << label << ": a rejected event is worded by on-demand";
        continue;
      }
      ++accepted;
      if (tape_fell_back) ++accepted_on_demand;
      EXPECT_EQ(Describe(*dom), Describe(*tape)) << label;
      EXPECT_TRUE(*dom == *tape) << label;
      EXPECT_EQ(Describe(*dom), Describe(*on_demand)) << label;
      EXPECT_TRUE(*dom == *on_demand) << label;
      EXPECT_EQ(dom->position, raw.position) << label;
      ASSERT_TRUE(ParseLogEvent(raw, LogJsonParser::kTape, &reused_tape).ok()) << label;
      EXPECT_EQ(Describe(*dom), Describe(reused_tape)) << label << " (reused LogEvent)";
      EXPECT_TRUE(*dom == reused_tape) << label;
      ASSERT_TRUE(ParseLogEvent(raw, LogJsonParser::kOnDemand, &reused_on_demand).ok()) << label;
      EXPECT_TRUE(*dom == reused_on_demand) << label << " (reused LogEvent)";
    }
  }
  // signon-events.json, signon-events.jsonl, org-signon.jsonl, org-export.jsonl.gz.
  EXPECT_GE(files, 4u);
  EXPECT_GT(accepted, 5000u);
  EXPECT_GE(rejected, 9u);  // the malformed lines the fixtures hold on purpose
  // The comparison above is of the tape reading, not of its fallback: Okta's
  // events (string debugData, integer numbers) are read from the tape.
  EXPECT_LT(accepted_on_demand * 100, accepted) << accepted_on_demand << " of " << accepted;
}

TEST(LogEventParsers, SameAcceptAndRejectForMalformedEvents) {
  using Case = testing::OddLogEvent;
  const std::vector<Case> cases = testing::OddLogEvents();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ExpectSameParse(c.text, c.name), c.accepted) << c.name;
  }
  // The same table through one reused LogEvent per reading, twice over (so
  // each case follows a different one the second time): the odd shapes
  // (duplicate keys, wrong types, nulls) must not leave anything behind.
  LogEvent reused_tape;
  LogEvent reused_on_demand;
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = round == 0 ? cases[i] : cases[cases.size() - 1 - i];
      if (!c.accepted) continue;
      RawLogEvent raw;
      raw.text.reserve(c.text.size() + kLogEventPadding);
      raw.text = c.text;
      absl::StatusOr<LogEvent> dom = ParseLogEvent(c.text, {}, LogJsonParser::kDom);
      ASSERT_TRUE(dom.ok()) << c.name;
      ASSERT_TRUE(ParseLogEvent(raw, LogJsonParser::kTape, &reused_tape).ok()) << c.name;
      EXPECT_EQ(Describe(*dom), Describe(reused_tape))
          << c.name << " (reused, round " << round << ")";
      ASSERT_TRUE(ParseLogEvent(raw, LogJsonParser::kOnDemand, &reused_on_demand).ok()) << c.name;
      EXPECT_EQ(Describe(*dom), Describe(reused_on_demand))
          << c.name << " (reused, round " << round << ")";
    }
  }
}

// Which events the tape reading hands to the on-demand walk: only those it
// cannot read as nlohmann does, so the table above tests the tape itself.
TEST(LogEventParsers, TapeFallsBackOnlyWhereItMust) {
  auto falls_back = [](const std::string& text) {
    const size_t before = logs::TapeFallbacksOnThisThread();
    (void)ParseLogEvent(text, {}, LogJsonParser::kTape);
    return logs::TapeFallbacksOnThisThread() != before;
  };
  EXPECT_FALSE(falls_back(Event(R"("published":"2026-11-28T12:00:00.000Z")")));
  EXPECT_FALSE(falls_back(Event(R"("securityContext":{"asNumber":64500,"isProxy":"TRUE"})")));
  EXPECT_FALSE(falls_back(Event(R"("debugContext":{"debugData":{"s":"x","i":-3,"z":null}})")));
  EXPECT_FALSE(falls_back("\xEF\xBB\xBF" + Event(R"("x":1)")));
  EXPECT_FALSE(falls_back(Event(R"("x":[[[[{"a":[1.5e3]}]]]])")));  // unread values
  // Text that only nlohmann's serialisation gives, and invalid JSON.
  EXPECT_TRUE(falls_back(Event(R"("debugContext":{"debugData":{"o":{"b":1}}})")));
  EXPECT_TRUE(falls_back(Event(R"("debugContext":{"debugData":{"n":1.50}})")));
  EXPECT_TRUE(falls_back(Event(R"("securityContext":{"asNumber":64500.0})")));
  EXPECT_TRUE(falls_back(Event(R"("x":tru)")));
  // Deeper than the tape parser is allocated for: on-demand applies the
  // 256-level limit.
  EXPECT_TRUE(
      falls_back(Event(absl::StrCat(R"("x":)", std::string(100, '['), std::string(100, ']')))));
}

TEST(LogEventParsers, RejectionsNameTheProblem) {
  absl::StatusOr<LogEvent> e = ParseLogEvent(R"({"uuid":"x","a":[1,,2]})");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("invalid JSON"), std::string_view::npos) << e.status();
  e = ParseLogEvent("[1]");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "an event is a JSON object, not array");
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
