// LogEventParser::Convert, the replay's path (the tape read into views,
// converted without a LogEvent), against the reference path: the nlohmann
// oracle's LogEvent, then ContextFromLogEvent. The same conversion, the same
// accept/skip/reject, for every fixture event and every odd event, through
// one reused parser and conversion.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/logs/log_event_padding.h"
#include "tests/support/log_event_oracles.h"
#include "tests/support/log_events.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using testing::DescribeConversion;

// The reference reading of `raw` converted; nullopt when it is not a sign-on
// event; the parse error for a malformed one.
absl::StatusOr<std::optional<LogEventConversion>> Reference(const RawLogEvent& raw,
                                                            const LogConversionOptions& options) {
  absl::StatusOr<LogEvent> event = testing::ParseLogEventDom(raw.text, raw.position);
  if (!event.ok()) return event.status();
  if (!IsSignOnEventType(event->event_type)) return std::nullopt;
  return ContextFromLogEvent(*event, options);
}

// Converts `raw` with `parser` into *reused and compares with the reference.
// Returns 1 when it was converted, 0 when skipped or rejected.
int ExpectSameConversion(const RawLogEvent& raw, const LogConversionOptions& options,
                         LogEventParser* parser, LogEventConversion* reused,
                         const std::string& label) {
  absl::StatusOr<std::optional<LogEventConversion>> expected = Reference(raw, options);
  absl::StatusOr<bool> converted = parser->Convert(raw, options, reused);
  EXPECT_EQ(converted.ok(), expected.ok())
      << label << "\nreference: " << expected.status() << "\nConvert: " << converted.status();
  if (!converted.ok() || !expected.ok()) return 0;
  EXPECT_EQ(*converted, expected->has_value()) << label;
  if (!*converted || !expected->has_value()) return 0;
  EXPECT_EQ(DescribeConversion(*reused), DescribeConversion(**expected)) << label;
  return 1;
}

std::vector<RawLogEvent> FixtureEvents() {
  std::vector<RawLogEvent> out;
  const fs::path dir = fs::path(VERDICT_SOURCE_DIR) / "fixtures" / "logs";
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find("memberships") != std::string::npos) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".json" && ext != ".jsonl" && ext != ".gz") continue;
    absl::StatusOr<std::unique_ptr<LogReader>> reader = LogReader::Open(entry.path().string());
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) continue;
    RawLogEvent raw;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&raw);
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
      // Moved, not copied: a copy of the text would lose the padding in its
      // capacity, and Convert would then read a padded copy instead.
      if (!raw.truncated) out.push_back(std::move(raw));
      raw = RawLogEvent();
    }
  }
  return out;
}

TEST(LogEventParserConvert, SameConversionAsTheReferenceForEveryFixtureEvent) {
  const std::vector<RawLogEvent> events = FixtureEvents();
  ASSERT_GT(events.size(), 5000u);
  for (const RawLogEvent& raw : events) {
    ASSERT_GE(raw.text.capacity(), raw.text.size() + kLogEventPadding) << raw.position.ToString();
  }
  absl::StatusOr<MembershipMap> memberships = LoadMemberships(
      (fs::path(VERDICT_SOURCE_DIR) / "fixtures" / "logs" / "org-memberships.json").string());
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  LogConversionOptions options;
  options.memberships = &*memberships;
  LogEventParser parser;
  LogEventConversion reused;
  size_t converted = 0;
  // Forwards then backwards: each event follows a different one.
  for (int round = 0; round < 2; ++round) {
    for (size_t k = 0; k < events.size(); ++k) {
      const RawLogEvent& raw = events[round == 0 ? k : events.size() - 1 - k];
      converted += ExpectSameConversion(raw, options, &parser, &reused, raw.position.ToString());
    }
  }
  EXPECT_GT(converted, 2 * 4000u);
}

TEST(LogEventParserConvert, SameConversionAsTheReferenceForOddEvents) {
  std::vector<testing::OddLogEvent> cases = testing::OddLogEvents();
  // Besides the shared table: shapes that only the views store differently
  // (numbers and booleans written as text, duplicate and null detail
  // entries, a redacted and a numeric uuid, unparsable securityConditions).
  std::vector<testing::OddLogEvent> more = {
      {"numbers as text in debugData and targets",
       testing::Event(
           R"("debugContext":{"debugData":{"threatSuspected":true,"proxyType":7,"risk":"{level=HIGH}"}},"target":[{"id":12,"type":"PolicyRule","displayName":false,"detailEntry":{"policyType":"OktaSignOn","policyId":42,"policyId":"00p1"}}])"),
       true},
      {"null detail entry removes an earlier one",
       testing::Event(
           R"("target":[{"id":"0pr1","type":"PolicyRule","detailEntry":{"policyType":"ACCESS_POLICY","policyType":null}},{"id":"00p9","type":"PolicyEntity"}])"),
       true},
      {"redacted uuid",
       R"({"uuid":"1","eventType":"user.session.start","actor":{"type":"User","alternateId":"a@b.c"}})",
       true},
      {"unparsable securityConditions",
       testing::Event(R"("debugContext":{"debugData":{"securityConditions":"[{result=true}"}})"),
       true},
      {"a non-sign-on event", R"({"uuid":"u2","eventType":"user.lifecycle.create"})", true},
      {"geo and ip chain",
       testing::Event(
           R"("client":{"ipAddress":"192.0.2.9","geographicalContext":{"country":"Germany","state":"Bavaria"},"userAgent":{"os":"Mac OS X"},"device":"Computer"},"request":{"ipChain":[{"ip":"198.51.100.1"},{"ip":"bad"}]},"securityContext":{"asNumber":64500,"isProxy":false,"ipDetails":{"ipServiceCategories":["vpn"]},"userBehaviors":[{"id":"b1","name":"New IP","result":"POSITIVE"}]})"),
       true},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  LogEventParser parser;
  LogEventConversion reused;
  int converted = 0;
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const testing::OddLogEvent& c = round == 0 ? cases[i] : cases[cases.size() - 1 - i];
      RawLogEvent raw;
      raw.text.reserve(c.text.size() + kLogEventPadding);
      raw.text = c.text;
      converted += ExpectSameConversion(raw, {}, &parser, &reused,
                                        absl::StrCat(c.name, " (round ", round, ")"));
      // Malformed events are rejected by Convert as by ParseLogEvent.
      EXPECT_EQ(parser.Convert(raw, {}, &reused).ok(), c.accepted) << c.name;
    }
  }
  EXPECT_GT(converted, 2 * 35);
}

// An event without padding after it (not from LogReader) is converted too,
// through a padded copy.
TEST(LogEventParserConvert, TextWithoutPadding) {
  RawLogEvent raw;
  raw.text = testing::Event(R"("client":{"ipAddress":"192.0.2.1"})");
  raw.text.shrink_to_fit();
  ASSERT_LT(raw.text.capacity(), raw.text.size() + kLogEventPadding);
  LogEventParser parser;
  LogEventConversion out;
  absl::StatusOr<bool> converted = parser.Convert(raw, {}, &out);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_TRUE(*converted);
  ASSERT_EQ(out.context.ip_chain.size(), 1u);
  EXPECT_EQ(out.context.ip_chain[0].ToString(), "192.0.2.1");
}

// Parsers are independent: two of them, used in turn, give what one gives.
TEST(LogEventParserConvert, ParsersDoNotShareState) {
  const std::vector<RawLogEvent> events = FixtureEvents();
  ASSERT_FALSE(events.empty());
  LogEventParser one;
  LogEventParser a;
  LogEventParser b;
  LogEventConversion from_one;
  LogEventConversion from_pair;
  for (size_t k = 0; k < events.size() && k < 600; ++k) {
    absl::StatusOr<bool> want = one.Convert(events[k], {}, &from_one);
    absl::StatusOr<bool> got = (k % 2 == 0 ? a : b).Convert(events[k], {}, &from_pair);
    ASSERT_EQ(want.ok(), got.ok()) << events[k].position.ToString();
    if (!want.ok() || !*want) continue;
    ASSERT_TRUE(*got);
    EXPECT_EQ(testing::DescribeConversion(from_pair), testing::DescribeConversion(from_one))
        << events[k].position.ToString();
  }
}

}  // namespace
}  // namespace verdict
