// libFuzzer harness for the System Log path: the first byte picks the target,
// the rest is its input.
//   0  one event: the production parser (simdjson's tape, LogEventParser,
//      reused across inputs as a replay's worker reuses it) must accept and
//      reject exactly what the nlohmann reading (the reference,
//      tests/support) does and read the same LogEvent; its conversion must be
//      that of ParseLogEvent + ContextFromLogEvent; the context it writes
//      must read back (ParseContext).
//   1  an export: LogReader slices the input (the second byte picks the
//      format, a small event limit) and every event goes through the parser.
// A disagreement aborts (a silently wrong reading is a bug like a crash).
// Built only with -DVERDICT_FUZZ=ON (clang); run through scripts/fuzz.sh logs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "tests/support/log_event_oracles.h"
#include "verdict/context.h"
#include "verdict/system_log.h"

namespace {

verdict::LogEventParser& Parser() {
  static verdict::LogEventParser* parser = new verdict::LogEventParser();
  return *parser;
}

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_logs: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void FuzzEvent(std::string_view text) {
  // The parser a replay's worker keeps (ParseLogEvent sets one up per call:
  // slower, and the same reading).
  verdict::RawLogEvent raw;
  raw.text = std::string(text);
  static verdict::LogEvent* tape = new verdict::LogEvent();
  const absl::Status status = Parser().Parse(raw, tape);
  absl::StatusOr<verdict::LogEvent> reference = verdict::testing::ParseLogEventDom(text);
  if (status.ok() != reference.ok()) {
    Fail("the tape and the reference disagree on accepting the event",
         std::string(status.ok() ? reference.status().message() : status.message()));
  }
  static verdict::LogEventConversion* converted = new verdict::LogEventConversion();
  absl::StatusOr<bool> convert = Parser().Convert(raw, {}, converted);
  if (convert.ok() != status.ok()) Fail("Convert decides otherwise than Parse", text);
  if (!status.ok()) return;
  if (!(*tape == *reference)) Fail("the tape reads another event than the reference", text);

  const verdict::LogEventConversion conversion = verdict::ContextFromLogEvent(*tape);
  const std::string written = verdict::WriteContextJson(conversion.context);
  if (*convert && written != verdict::WriteContextJson(converted->context)) {
    Fail("Convert gives another context than ContextFromLogEvent", written);
  }
  absl::StatusOr<verdict::SignOnContext> back = verdict::ParseContext(written);
  if (!back.ok()) {
    Fail("a written context does not read back", std::string(back.status().message()));
  }
  if (verdict::WriteContextJson(*back) != written) {
    Fail("a written context reads back as another", written);
  }
}

void FuzzExport(std::string_view input) {
  if (input.empty()) return;
  static constexpr verdict::LogFormat kFormats[] = {
      verdict::LogFormat::kAuto, verdict::LogFormat::kJsonArray, verdict::LogFormat::kJsonLines,
      verdict::LogFormat::kJsonStream};
  verdict::LogReaderOptions options;
  options.format = kFormats[static_cast<unsigned char>(input[0]) % 4];
  options.max_event_bytes = 4096;
  input.remove_prefix(1);
  std::unique_ptr<verdict::LogReader> reader =
      verdict::LogReader::FromString(std::string(input), "<fuzz>", options);
  verdict::RawLogEvent raw;
  static verdict::LogEvent* event = new verdict::LogEvent();
  uint64_t events = 0;
  uint64_t last_offset = 0;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&raw);
    if (!more.ok() || !*more) break;
    // Every event starts after the one before it, and within the input:
    // reading always moves on.
    if (events > 0 && raw.position.byte_offset <= last_offset) Fail("an event did not move on", "");
    if (raw.position.byte_offset >= input.size()) Fail("an event past the input", "");
    last_offset = raw.position.byte_offset;
    if (++events > input.size()) Fail("more events than bytes", "");
    (void)Parser().Parse(raw, event);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    FuzzEvent(text);
  } else {
    FuzzExport(text);
  }
  return 0;
}
