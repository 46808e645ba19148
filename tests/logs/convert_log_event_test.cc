// ConvertLogEvent, the replay's path (the tape read into views, converted
// without a LogEvent), against the reference path: nlohmann's LogEvent, then
// ContextFromLogEvent. The same conversion, the same accept/skip/reject, for
// every fixture event and every odd event, through one reused conversion.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/logs/log_event_parsers.h"
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
  absl::StatusOr<LogEvent> event = ParseLogEvent(raw.text, raw.position, LogJsonParser::kDom);
  if (!event.ok()) return event.status();
  if (!IsSignOnEventType(event->event_type)) return std::nullopt;
  return ContextFromLogEvent(*event, options);
}

// Converts `raw` with `parser` into *reused and compares with the reference.
// Returns 1 when it was converted, 0 when skipped or rejected.
int ExpectSameConversion(const RawLogEvent& raw, const LogConversionOptions& options,
                         LogJsonParser parser, LogEventConversion* reused,
                         const std::string& label) {
  absl::StatusOr<std::optional<LogEventConversion>> expected = Reference(raw, options);
  absl::StatusOr<bool> converted = ConvertLogEvent(raw, options, reused, parser);
  EXPECT_EQ(converted.ok(), expected.ok()) << label << "\nreference: " << expected.status()
                                           << "\nConvertLogEvent: " << converted.status();
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
      // capacity, and ConvertLogEvent would then read a padded copy instead.
      if (!raw.truncated) out.push_back(std::move(raw));
      raw = RawLogEvent();
    }
  }
  return out;
}

TEST(ConvertLogEvent, SameConversionAsTheReferenceForEveryFixtureEvent) {
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
  for (LogJsonParser parser :
       {LogJsonParser::kTape, LogJsonParser::kOnDemand, LogJsonParser::kDom}) {
    LogEventConversion reused;
    size_t converted = 0;
    const size_t fallbacks_before = logs::TapeFallbacksOnThisThread();
    const size_t view_reads_before = logs::TapeViewReadsOnThisThread();
    // Forwards then backwards: each event follows a different one.
    for (int round = 0; round < 2; ++round) {
      for (size_t k = 0; k < events.size(); ++k) {
        const RawLogEvent& raw = events[round == 0 ? k : events.size() - 1 - k];
        converted += ExpectSameConversion(
            raw, options, parser, &reused,
            absl::StrCat(raw.position.ToString(), " parser ", static_cast<int>(parser)));
      }
    }
    EXPECT_GT(converted, 2 * 4000u);
    if (parser == LogJsonParser::kTape) {
      // The views, not their fallback, were compared: every event was read
      // into a view but the malformed fixture lines (rejected, and worded by
      // the on-demand reading) and a few odd events.
      const size_t view_reads = logs::TapeViewReadsOnThisThread() - view_reads_before;
      const size_t fallbacks = logs::TapeFallbacksOnThisThread() - fallbacks_before;
      EXPECT_EQ(view_reads + fallbacks, 2 * events.size());
      EXPECT_LT(fallbacks * 100, view_reads) << fallbacks << " of " << 2 * events.size();
    }
  }
}

TEST(ConvertLogEvent, SameConversionAsTheReferenceForOddEvents) {
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
  LogEventConversion reused;
  int converted = 0;
  const size_t view_reads_before = logs::TapeViewReadsOnThisThread();
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const testing::OddLogEvent& c = round == 0 ? cases[i] : cases[cases.size() - 1 - i];
      RawLogEvent raw;
      raw.text.reserve(c.text.size() + kLogEventPadding);
      raw.text = c.text;
      converted += ExpectSameConversion(raw, {}, LogJsonParser::kTape, &reused,
                                        absl::StrCat(c.name, " (round ", round, ")"));
      // Malformed events are rejected by ConvertLogEvent as by ParseLogEvent.
      EXPECT_EQ(ConvertLogEvent(raw, {}, &reused).ok(), c.accepted) << c.name;
    }
  }
  EXPECT_GT(converted, 2 * 35);
  // Most odd events are read into views (the rest: invalid JSON, numbers or
  // objects whose nlohmann text is kept).
  EXPECT_GT(logs::TapeViewReadsOnThisThread() - view_reads_before, 2 * 25u);
}

// An event without padding after it (not from LogReader) is converted too,
// through a view of a padded copy.
TEST(ConvertLogEvent, TextWithoutPadding) {
  RawLogEvent raw;
  raw.text = testing::Event(R"("client":{"ipAddress":"192.0.2.1"})");
  raw.text.shrink_to_fit();
  LogEventConversion out;
  const size_t view_reads_before = logs::TapeViewReadsOnThisThread();
  absl::StatusOr<bool> converted = ConvertLogEvent(raw, {}, &out);
  EXPECT_EQ(logs::TapeViewReadsOnThisThread(), view_reads_before + 1);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_TRUE(*converted);
  ASSERT_EQ(out.context.ip_chain.size(), 1u);
  EXPECT_EQ(out.context.ip_chain[0].ToString(), "192.0.2.1");
}

}  // namespace
}  // namespace verdict
