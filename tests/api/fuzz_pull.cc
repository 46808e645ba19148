// libFuzzer harness for what a pull reads from the server
// (lib/api/response_page.h): the input is Link header values, one per line,
// then a blank line, then a body. The body goes through everything a 2xx
// page and an error answer go through: checked and parsed (depth first, the
// two must agree), streamed as a listing (its text must be the DOM's) with
// its ids, the snapshot file's text and the JSON Lines of logs pull, Okta's
// error object described; the Link values give the next link. Whatever is
// written must read back as the value it came from, and a logs line must be
// one line. A disagreement aborts. Built only with -DVERDICT_FUZZ=ON (clang); run
// through scripts/fuzz.sh pull.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "lib/api/listing_page.h"
#include "lib/api/response_page.h"

namespace {

using verdict::api::Json;

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_pull: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// What was written reads back as the same value.
void ExpectReadsBack(const Json& value, const std::string& text) {
  Json back = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (back.is_discarded() || back != value) Fail("written JSON does not read back", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t blank = input.find("\n\n");
  const std::string_view headers =
      blank == input.npos ? std::string_view() : input.substr(0, blank);
  const std::string_view body = blank == input.npos ? input : input.substr(blank + 2);

  std::vector<std::string> links;
  for (size_t start = 0; start < headers.size();) {
    size_t end = headers.find('\n', start);
    if (end == headers.npos) end = headers.size();
    links.emplace_back(headers.substr(start, end - start));
    start = end + 1;
  }
  (void)verdict::api::NextLink(links);

  std::string error_code;
  (void)verdict::api::DescribeErrorBody(body, &error_code);

  const verdict::api::Redactor redact = [](std::string_view t) { return std::string(t); };
  absl::StatusOr<Json> value = verdict::api::ParseResponseBody(body, redact);
  if (!value.ok()) return 0;
  if (absl::StatusOr<std::string> file = verdict::api::JsonText(*value, 2); file.ok()) {
    ExpectReadsBack(*value, *file);
  }
  if (verdict::api::CheckResponseBody(body, redact) != value.status()) {
    Fail("CheckResponseBody disagrees with ParseResponseBody", body);
  }
  if (value->is_array()) {
    // The streamed listing text is the DOM's, unless an object repeats a key
    // (refused: the DOM keeps one of the two).
    std::string streamed;
    verdict::api::ListingItemIds ids;
    absl::Status s = verdict::api::StreamListingPage(
        body,
        [&](std::string_view chunk) {
          streamed.append(chunk);
          return absl::OkStatus();
        },
        &ids);
    if (s.ok()) {
      absl::StatusOr<std::string> file = verdict::api::JsonText(*value, 2);
      const std::string expected =
          !file.ok() || value->empty() ? "" : file->substr(0, file->size() - 2);  // less "\n]"
      if (file.ok() && streamed != expected) Fail("streamed listing differs from the DOM's", body);
      if (ids.size() != static_cast<int64_t>(value->size())) {
        Fail("streamed listing lost items", body);
      }
      (void)ids.Ids("GET /api/v1/fuzz", redact);
    } else if (s.code() != absl::StatusCode::kDataLoss) {
      Fail("a checked array was refused as not JSON", body);
    }
  }
  if (value->is_array()) {
    for (const Json& event : *value) {
      absl::StatusOr<std::string> line = verdict::api::JsonText(event, -1);
      if (!line.ok()) continue;
      if (line->find('\n') != std::string::npos) Fail("a logs line holds a line break", *line);
      ExpectReadsBack(event, *line);
    }
  }
  return 0;
}
