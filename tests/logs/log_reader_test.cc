// LogReader: JSON arrays, JSON Lines and JSON streams, gzip or plain, with
// the position of every event, and large inputs read in small chunks.
#include <sys/stat.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "verdict/system_log.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;

fs::path FixtureDir() { return fs::path(VERDICT_SOURCE_DIR) / "fixtures" / "logs"; }

fs::path TempDir() {
  const fs::path dir =
      fs::path(::testing::TempDir()) /
      absl::StrCat("verdict_logs_",
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(dir);
  return dir;
}

void WriteFile(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

void WriteGzip(const fs::path& path, const std::string& data) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, data.data(), static_cast<unsigned>(data.size())),
            static_cast<int>(data.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<RawLogEvent> ReadAll(LogReader& reader, absl::Status* status = nullptr) {
  std::vector<RawLogEvent> out;
  RawLogEvent event;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&event);
    if (!more.ok()) {
      if (status != nullptr) *status = more.status();
      ADD_FAILURE_AT(__FILE__, __LINE__) << more.status();
      break;
    }
    if (!*more) break;
    out.push_back(event);
  }
  return out;
}

// Reads every event, counting them into *events; the reader's error, or OK
// at the end of the input.
absl::Status ReadToTheEnd(LogReader& reader, int* events) {
  RawLogEvent event;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&event);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    ++*events;
  }
}

std::vector<RawLogEvent> ReadString(const std::string& data, LogReaderOptions options = {}) {
  auto reader = LogReader::FromString(data, "<test>", options);
  return ReadAll(*reader);
}

TEST(LogReader, ArrayElementsWithPositions) {
  const std::string data = "[\n {\"a\": 1},\n {\"b\": \"x,]}\\\"\"} ,{\"c\":[1,{}]}\n]\n";
  auto reader = LogReader::FromString(data, "<test>");
  std::vector<RawLogEvent> events = ReadAll(*reader);
  EXPECT_EQ(reader->format(), LogFormat::kJsonArray);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].text, "{\"a\": 1}");
  EXPECT_EQ(events[1].text, "{\"b\": \"x,]}\\\"\"}");
  EXPECT_EQ(events[2].text, "{\"c\":[1,{}]}");
  EXPECT_EQ(events[0].position.ordinal, 1u);
  EXPECT_EQ(events[0].position.line, 2u);
  EXPECT_EQ(events[0].position.byte_offset, 3u);
  EXPECT_EQ(events[1].position.line, 3u);
  EXPECT_EQ(events[2].position.line, 3u);
  EXPECT_EQ(events[2].position.ordinal, 3u);
  EXPECT_EQ(data.substr(events[2].position.byte_offset, 5), "{\"c\":");
}

TEST(LogReader, EmptyArrayAndEmptyInput) {
  EXPECT_TRUE(ReadString("[]").empty());
  EXPECT_TRUE(ReadString("  [ \n ] ").empty());
  EXPECT_TRUE(ReadString("").empty());
  EXPECT_TRUE(ReadString("\n\n").empty());
}

TEST(LogReader, ConcatenatedPagesAreOneInput) {
  // `curl` in a loop appends one array per page.
  std::vector<RawLogEvent> events = ReadString("[{\"a\":1},{\"a\":2}]\n[{\"a\":3}]\n[]");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].text, "{\"a\":3}");
}

TEST(LogReader, GarbageElementsAreSlicedNotFatal) {
  std::vector<RawLogEvent> events = ReadString("[{\"a\":1}, oops, 42, {\"b\":2}]");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].text, "oops");
  EXPECT_EQ(events[2].text, "42");
  EXPECT_EQ(events[3].text, "{\"b\":2}");
}

TEST(LogReader, TruncatedArrayMarksLastEvent) {
  std::vector<RawLogEvent> events = ReadString("[{\"a\":1},\n{\"b\":{\"c\":");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].truncated);
  EXPECT_TRUE(events[1].truncated);
  EXPECT_EQ(events[1].position.line, 2u);
}

TEST(LogReader, JsonLinesWithBlankAndBrokenLines) {
  const std::string data = "{\"a\":1}\r\n\n{\"b\":\n  \n{\"c\":3}";
  auto reader = LogReader::FromString(data, "<test>");
  std::vector<RawLogEvent> events = ReadAll(*reader);
  EXPECT_EQ(reader->format(), LogFormat::kJsonLines);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].text, "{\"a\":1}");
  EXPECT_EQ(events[1].text, "{\"b\":");
  EXPECT_EQ(events[1].position.line, 3u);
  EXPECT_EQ(events[2].text, "{\"c\":3}");
  EXPECT_EQ(events[2].position.line, 5u);
  EXPECT_EQ(events[2].position.ordinal, 3u);
}

TEST(LogReader, PrettyPrintedObjectIsAStream) {
  const std::string data = "{\n \"a\": {\n  \"b\": 1\n }\n}\n{\"c\": 2}\n";
  auto reader = LogReader::FromString(data, "<test>");
  std::vector<RawLogEvent> events = ReadAll(*reader);
  EXPECT_EQ(reader->format(), LogFormat::kJsonStream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].text, "{\n \"a\": {\n  \"b\": 1\n }\n}");
  EXPECT_EQ(events[1].position.line, 6u);
}

TEST(LogReader, StrayCloseAndCommaInStreamAreEvents) {
  LogReaderOptions options;
  options.format = LogFormat::kJsonStream;
  std::vector<RawLogEvent> events = ReadString("{\"a\":1} } , {\"b\":2}", options);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].text, "}");
  EXPECT_EQ(events[2].text, ",");
}

TEST(LogReader, OversizedJsonLineIsTruncatedAndReadingGoesOn) {
  LogReaderOptions options;
  options.max_event_bytes = 100;
  const std::string big = absl::StrCat("{\"x\":\"", std::string(500, 'y'), "\"}");
  std::vector<RawLogEvent> events = ReadString(absl::StrCat(big, "\n{\"a\":1}\n"), options);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].truncated);
  EXPECT_EQ(events[1].text, "{\"a\":1}");
}

TEST(LogReader, OversizedArrayElementStopsTheRead) {
  const fs::path path = TempDir() / "big.json";
  const std::string text = absl::StrCat("[", "{\"x\":\"", std::string(5000, 'y'), "\"}]");
  WriteFile(path, text);
  // Read in chunks, mapped whole, and from memory: the limit holds in each.
  for (int how = 0; how < 3; ++how) {
    SCOPED_TRACE(how);
    LogReaderOptions options;
    options.max_event_bytes = 1000;
    options.read_chunk_bytes = 64;
    options.map_plain_files = how == 1;
    std::unique_ptr<LogReader> reader;
    if (how < 2) {
      auto opened = LogReader::Open(path.string(), options);
      ASSERT_TRUE(opened.ok()) << opened.status();
      reader = *std::move(opened);
    } else {
      reader = LogReader::FromString(text, "<test>", options);
    }
    RawLogEvent event;
    absl::StatusOr<bool> more = reader->Next(&event);
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_LE(event.text.size(), 1000u + 64u);  // at most one chunk past the limit
  }
}

// A JSON Lines export whose first event is cut (an unclosed brace) must not
// be read as one pretty-printed stream that swallows every later event.
TEST(LogReader, MalformedFirstLineDoesNotSwallowTheRest) {
  const std::string data = "{\"a\": {\"b\": 1\n{\"c\":2}\n\n{\"d\":3}\n";
  auto reader = LogReader::FromString(data, "<test>");
  std::vector<RawLogEvent> events = ReadAll(*reader);
  EXPECT_EQ(reader->format(), LogFormat::kJsonLines);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].text, "{\"a\": {\"b\": 1");
  EXPECT_EQ(events[1].text, "{\"c\":2}");
  EXPECT_EQ(events[2].text, "{\"d\":3}");
  EXPECT_EQ(events[2].position.line, 4u);
}

// A JSON array export with one element that is never closed must not run on
// into the elements after it: it ends where a new element visibly begins and
// the rest are read (issue 17, item 5).
struct ResyncCase {
  std::string name;
  std::string input;
  std::vector<std::string> want;  // the events' texts
};

void PrintTo(const ResyncCase& c, std::ostream* os) { *os << c.name; }

class LogReaderArrayResync : public ::testing::TestWithParam<ResyncCase> {};

TEST_P(LogReaderArrayResync, MalformedElementDoesNotSwallowTheRest) {
  const ResyncCase& c = GetParam();
  // From memory and through a tiny read buffer: chunk ends change nothing.
  for (const size_t chunk : {size_t{0}, size_t{3}}) {
    SCOPED_TRACE(chunk);
    std::vector<RawLogEvent> events;
    if (chunk == 0) {
      events = ReadString(c.input);
    } else {
      const fs::path path = TempDir() / absl::StrCat(c.name, ".json.gz");
      WriteGzip(path, c.input);
      LogReaderOptions options;
      options.read_chunk_bytes = chunk;
      auto reader = LogReader::Open(path.string(), options);
      ASSERT_TRUE(reader.ok()) << reader.status();
      events = ReadAll(**reader);
    }
    std::vector<std::string> texts;
    for (const RawLogEvent& e : events) texts.push_back(e.text);
    EXPECT_EQ(texts, c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    LogReader, LogReaderArrayResync,
    ::testing::Values(
        ResyncCase{"UnclosedBraceCompact",
                   "[{\"a\":1},{\"b\":{\"c\":2},{\"d\":3},{\"e\":4}]",
                   {"{\"a\":1}", "{\"b\":{\"c\":2},", "{\"d\":3}", "{\"e\":4}"}},
        ResyncCase{"CutMemberPrettyPrinted",
                   "[\n  {\n    \"t\": [\n      {\"x\": 1},\n  {\n    \"d\": 3\n  }\n]\n",
                   {"{\n    \"t\": [\n      {\"x\": 1},\n  ", "{\n    \"d\": 3\n  }"}},
        ResyncCase{"UnclosedStringPrettyPrinted",
                   "[\n  {\"a\": \"x,\n  \"b\": 1},\n  {\"c\": 2}\n]",
                   {"{\"a\": \"x,\n  \"b\": 1}", "{\"c\": 2}"}},
        ResyncCase{"ArrayCloseEndsTheElement",
                   "[{\"a\":1},{\"b\":2]\n[{\"c\":3}]",
                   {"{\"a\":1}", "{\"b\":2", "{\"c\":3}"}},
        // Compact exports cut inside an event's nested array (its targets):
        // the next event is known by its first key.
        ResyncCase{"CutInsideTargetsCompact",
                   "[{\"uuid\":\"1\",\"target\":[{\"id\":\"t1\"},"
                   "{\"actor\":{\"id\":\"a\"},\"uuid\":\"2\"},{\"uuid\":\"3\"}]",
                   {"{\"uuid\":\"1\",\"target\":[{\"id\":\"t1\"},",
                    "{\"actor\":{\"id\":\"a\"},\"uuid\":\"2\"}", "{\"uuid\":\"3\"}"}},
        ResyncCase{"CutRightAfterTheTargetsOpen",
                   "[{\"eventType\":\"x\",\"target\":[,{ \"published\":\"p\"}]",
                   {"{\"eventType\":\"x\",\"target\":[,", "{ \"published\":\"p\"}"}},
        ResyncCase{"CutInsideIpChainCompact",
                   "[{\"request\":{\"ipChain\":[{\"ip\":\"192.0.2.1\"},{\"eventType\":\"y\"}]",
                   {"{\"request\":{\"ipChain\":[{\"ip\":\"192.0.2.1\"},", "{\"eventType\":\"y\"}"}},
        // A string cut on a compact line: the next event starts at its key.
        ResyncCase{"CutInsideAStringCompact",
                   "[{\"uuid\":\"1\",\"displayMessage\":\"cut her,{\"uuid\":\"2\"},"
                   "{\"uuid\":\"3\"}]",
                   {"{\"uuid\":\"1\",\"displayMessage\":\"cut her,", "{\"uuid\":\"2\"}",
                    "{\"uuid\":\"3\"}"}},
        ResyncCase{"EscapedEventTextInAStringIsNeverCut",
                   "[{\"m\":\"a,{\\\"uuid\\\":1},{ \\\"actor\\\"\"},{\"uuid\":\"2\"}]",
                   {"{\"m\":\"a,{\\\"uuid\\\":1},{ \\\"actor\\\"\"}", "{\"uuid\":\"2\"}"}},
        // Objects in nested arrays with other keys (a target's, an IP's, a
        // key that only starts like an event's) are part of the event.
        ResyncCase{"ValidTargetsAreNeverCut",
                   "[{\"uuid\":\"1\",\"target\":[{\"id\":\"t1\"},{\"actors\":1},"
                   "{\"uuidx\":2},{\"type\":\"User\"}]},{\"uuid\":\"2\"}]",
                   {"{\"uuid\":\"1\",\"target\":[{\"id\":\"t1\"},{\"actors\":1},"
                    "{\"uuidx\":2},{\"type\":\"User\"}]}",
                    "{\"uuid\":\"2\"}"}},
        // Valid input, written as jq and as one element per line: never cut.
        ResyncCase{"ValidNestedArraysOfObjects",
                   "[{\"t\":[{\"a\":1}, {\"b\":[{},{}]}]},\n{\"x\":{\"y\":{}}}]",
                   {"{\"t\":[{\"a\":1}, {\"b\":[{},{}]}]}", "{\"x\":{\"y\":{}}}"}},
        ResyncCase{"ValidPrettyPrinted",
                   "[\n  {\n    \"t\": [\n      {\n        \"a\": 1\n      },\n      {\n"
                   "        \"b\": \"x\\n\"\n      }\n    ]\n  },\n  {\n    \"c\": 2\n  }\n]\n",
                   {"{\n    \"t\": [\n      {\n        \"a\": 1\n      },\n      {\n"
                    "        \"b\": \"x\\n\"\n      }\n    ]\n  }",
                    "{\n    \"c\": 2\n  }"}}),
    [](const ::testing::TestParamInfo<ResyncCase>& info) { return info.param.name; });

// The element cut off is reported with where it starts (its event number and
// byte offset) and what is wrong, and every later event is still converted.
TEST(LogReader, MalformedArrayElementIsReportedWithItsPosition) {
  const std::string sign_on =
      "{\"uuid\":\"u%d\",\"eventType\":\"policy.evaluate_sign_on\","
      "\"published\":\"2026-11-28T12:00:00.000Z\",\"actor\":{\"id\":\"00u1\"}}";
  std::string data = "[";
  for (int i = 1; i <= 4; ++i) {
    std::string event = absl::StrReplaceAll(sign_on, {{"%d", absl::StrCat(i)}});
    if (i == 2) event.pop_back();  // the actor's object is never closed
    absl::StrAppend(&data, i > 1 ? "," : "", event);
  }
  data += "]";
  auto reader = LogReader::FromString(data, "export.json");
  IssueList issues;
  LogTotals totals;
  std::vector<std::string> uuids;
  const absl::Status status = ConvertLogEvents(
      *reader, {},
      [&](LogEventConversion&& c, const LogEventPosition&) { uuids.push_back(c.context.id); },
      &issues, &totals);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(totals.read, 4u);
  EXPECT_EQ(totals.malformed, 1u);
  EXPECT_EQ(totals.converted, 3u);
  EXPECT_EQ(uuids, (std::vector<std::string>{"u1", "u3", "u4"}));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].file, "export.json");
  const size_t second = data.find("{\"uuid\":\"u2\"");
  EXPECT_TRUE(
      absl::StartsWith(issues[0].message, absl::StrCat("line 1 (byte ", second, ", event 2): ")))
      << issues[0].message;
}

// The event size limit holds while the format is being detected: a first
// value longer than it is not kept whole to find its end (here an unclosed
// string, whose end never comes). Observed on a pipe whose writer stays
// open: the reader answers with the first line, cut at the limit, without
// waiting for the end of the input.
TEST(LogReader, FormatDetectionStopsAtTheEventLimit) {
  const fs::path fifo = TempDir() / "first-value.fifo";
  fs::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  std::promise<void> reader_done;
  std::future<void> reader_done_future = reader_done.get_future();
  std::atomic<bool> writer_closed{false};
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    // An unclosed string: scanning for the value's end would never stop.
    // Events after it, more than zlib's 128 KiB input buffer of them: whole
    // reads never wait on the open pipe before the cut line is past.
    out << "{\"x\": \"" << std::string(8000, 'y') << "\n";
    for (int i = 0; i < 40000; ++i) out << "{\"a\":1}\n";
    out.flush();
    // Keep the value open until the reader has answered (or give up).
    reader_done_future.wait_for(std::chrono::seconds(20));
    writer_closed = true;
  });
  LogReaderOptions options;
  options.max_event_bytes = 1000;
  options.read_chunk_bytes = 256;
  options.map_plain_files = false;
  auto reader = LogReader::Open(fifo.string(), options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  RawLogEvent event;
  absl::StatusOr<bool> more = (*reader)->Next(&event);
  const bool answered_while_open = !writer_closed;
  reader_done.set_value();
  // Drain the pipe, so the writer can finish and close it.
  std::vector<RawLogEvent> rest = ReadAll(**reader);
  writer.join();
  EXPECT_EQ(rest.size(), 40000u);
  EXPECT_TRUE(answered_while_open) << "the reader waited for the whole first value";
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_TRUE(event.truncated);
  EXPECT_LE(event.text.size(), 1000u + 1u);
}

TEST(LogReader, MissingFileIsNotFound) {
  auto reader = LogReader::Open("/nonexistent/verdict/events.json");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
}

TEST(LogReader, FixtureArrayAndItsGzipReadTheSame) {
  const fs::path plain = FixtureDir() / "signon-events.json";
  const fs::path gz = TempDir() / "signon-events.json.gz";
  WriteGzip(gz, ReadFile(plain));

  LogReaderOptions options;
  options.read_chunk_bytes = 97;  // many refills, events straddle chunks
  auto a = LogReader::Open(plain.string(), options);
  auto b = LogReader::Open(gz.string(), options);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<RawLogEvent> from_plain = ReadAll(**a);
  std::vector<RawLogEvent> from_gz = ReadAll(**b);
  EXPECT_FALSE((*a)->compressed());
  EXPECT_TRUE((*b)->compressed());
  EXPECT_TRUE((*a)->mapped());
  EXPECT_FALSE((*b)->mapped());  // gzip is read and decompressed in chunks
  ASSERT_EQ(from_plain.size(), 10u);
  ASSERT_EQ(from_gz.size(), 10u);
  for (size_t i = 0; i < from_plain.size(); ++i) {
    EXPECT_EQ(from_plain[i].text, from_gz[i].text);
    EXPECT_EQ(from_plain[i].position.byte_offset, from_gz[i].position.byte_offset);
    EXPECT_EQ(from_plain[i].position.line, from_gz[i].position.line);
  }
}

TEST(LogReader, TruncatedGzipIsAnErrorAfterTheEventsBeforeIt) {
  std::string data = "[";
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&data, i ? "," : "", "{\"n\":", i, "}");
  data += "]";
  const fs::path full = TempDir() / "full.json.gz";
  WriteGzip(full, data);
  std::string bytes = ReadFile(full);
  const fs::path cut = TempDir() / "cut.json.gz";
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));

  auto reader = LogReader::Open(cut.string());
  ASSERT_TRUE(reader.ok());
  int events = 0;
  const absl::Status status = ReadToTheEnd(**reader, &events);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_GT(events, 0);
  EXPECT_LT(events, 2000);
}

// A gzip stream that zlib finds corrupt ends the read with an error naming
// the file (not zlib's "<fd:3>") and how far it got, and nothing is read
// after it (issue 17, item 10).
TEST(LogReader, CorruptGzipIsNamedByItsPathAndEndsTheRead) {
  std::string data;
  for (int i = 0; i < 20000; ++i) absl::StrAppend(&data, "{\"n\":", i * 7919 % 10007, "}\n");
  const fs::path full = TempDir() / "full.jsonl.gz";
  WriteGzip(full, data);
  std::string bytes = ReadFile(full);
  // Garbage over the middle of the deflate stream (the header stays gzip).
  for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] = '\xff';
  const fs::path bad = TempDir() / "corrupt.jsonl.gz";
  WriteFile(bad, bytes);

  auto reader = LogReader::Open(bad.string());
  ASSERT_TRUE(reader.ok()) << reader.status();
  int events = 0;
  const absl::Status status = ReadToTheEnd(**reader, &events);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), bad.string() + ": corrupt gzip input: "))
      << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "<fd:")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), " decompressed bytes")) << status;
  // Known bad: the reader ends there.
  RawLogEvent event;
  absl::StatusOr<bool> after = (*reader)->Next(&event);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_FALSE(*after);
}

// 50,000 events streamed through a small read buffer, gzip-compressed: every
// event comes out once, in order, with the right line.
TEST(LogReader, LargeStreamedArray) {
  constexpr int kEvents = 50000;
  std::string data = "[\n";
  for (int i = 0; i < kEvents; ++i) {
    absl::StrAppend(&data, i == 0 ? "" : ",\n", "{\"uuid\":\"u", i,
                    "\",\"eventType\":\"user.session.start\",",
                    "\"debugContext\":{\"debugData\":{\"behaviors\":\"{New IP=POSITIVE, x=]}\"}}}");
  }
  data += "\n]\n";
  const fs::path path = TempDir() / "large.json.gz";
  WriteGzip(path, data);

  LogReaderOptions options;
  options.read_chunk_bytes = 4096;
  auto reader = LogReader::Open(path.string(), options);
  ASSERT_TRUE(reader.ok());
  RawLogEvent event;
  int n = 0;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&event);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ASSERT_FALSE(event.truncated);
    ASSERT_EQ(event.position.line, static_cast<uint64_t>(n + 2));
    const std::string prefix = absl::StrCat("{\"uuid\":\"u", n, "\"");
    ASSERT_EQ(event.text.compare(0, prefix.size(), prefix), 0) << event.text;
    ++n;
  }
  EXPECT_EQ(n, kEvents);
}

}  // namespace
}  // namespace verdict

namespace verdict {
namespace {

// A plain file is mapped into memory and sliced in place by default; the
// events, their positions and their truncation marks must be exactly those
// of reading it in small chunks, and of the same bytes given from memory.
// A named pipe is opened once and read from that one descriptor: opening it
// a second time would lose what a writer sent and closed in between, and
// then wait for a writer that never comes.
TEST(LogReader, NamedPipeIsReadNotMapped) {
  const fs::path fifo = TempDir() / "events.pipe";
  fs::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const std::string text = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
  std::thread writer([&] {
    // Blocks until the reader opens its end; writes everything and closes
    // at once, before the reader has read anything.
    std::ofstream out(fifo, std::ios::binary);
    out << text;
  });
  auto read = std::async(std::launch::async, [&] {
    std::vector<RawLogEvent> events;
    auto reader = LogReader::Open(fifo.string());
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return events;
    EXPECT_FALSE((*reader)->mapped());
    return ReadAll(**reader);
  });
  if (read.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "the read is stuck: was the pipe opened a second time?";
    std::ofstream unblock(fifo, std::ios::binary);  // lets a second open() return
  }
  const std::vector<RawLogEvent> events = read.get();
  writer.join();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].text, "{\"c\":3}");
}

TEST(LogReader, MappedAndReadFilesGiveTheSameEvents) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(FixtureDir())) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".json" || ext == ".jsonl") files.push_back(entry.path());
  }
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"no-final-newline.jsonl", "{\"a\":1}\n{\"b\":2}"},
      {"crlf.jsonl", "{\"a\":1}\r\n\r\n{\"b\":2}\r\n"},
      {"blank-lines.jsonl", "\n\n  {\"a\":1}\n\t\n{\"b\":[1,\n"},
      {"array.json", "[ {\"a\":1} , {\"b\":\"]\"} ]"},
      {"stream.json", "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n"},
      {"cut-array.json", "[{\"a\":1},{\"b\":"},
      {"empty.json", ""},
  };
  for (const auto& [name, text] : shapes) {
    files.push_back(TempDir() / name);
    WriteFile(files.back(), text);
  }
  ASSERT_GE(files.size(), shapes.size() + 3);
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    LogReaderOptions mapped_options;
    LogReaderOptions read_options;
    read_options.map_plain_files = false;
    read_options.read_chunk_bytes = 97;  // events straddle many refills
    auto mapped = LogReader::Open(path.string(), mapped_options);
    auto read = LogReader::Open(path.string(), read_options);
    ASSERT_TRUE(mapped.ok() && read.ok());
    EXPECT_EQ((*mapped)->mapped(), fs::file_size(path) > 0);  // an empty file is not mapped
    EXPECT_FALSE((*read)->mapped());
    const std::vector<RawLogEvent> a = ReadAll(**mapped);
    const std::vector<RawLogEvent> b = ReadAll(**read);
    const std::vector<RawLogEvent> c = ReadString(ReadFile(path));
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.size(), c.size());
    for (size_t i = 0; i < a.size(); ++i) {
      for (const RawLogEvent* other : {&b[i], &c[i]}) {
        EXPECT_EQ(a[i].text, other->text) << i;
        EXPECT_EQ(a[i].truncated, other->truncated) << i;
        EXPECT_EQ(a[i].position, other->position) << i;
      }
    }
  }
}

}  // namespace
}  // namespace verdict
