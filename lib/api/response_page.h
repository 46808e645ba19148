// What the pullers take from an answer of the Management API: the body as
// JSON (its depth checked before any value is built), the rel="next" link of
// its Link headers, Okta's error object in words and the JSON text written
// to disk. Pure functions of the server's bytes (no
// I/O, no client state), so the part of a pull that reads hostile input can
// be fuzzed on its own (tests/api/fuzz_pull.cc). Internal to lib/api.
#ifndef VERDICT_LIB_API_RESPONSE_PAGE_H_
#define VERDICT_LIB_API_RESPONSE_PAGE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace verdict::api {

using Json = nlohmann::ordered_json;

// Replaces secrets in a text before it is quoted (HttpClient::Redact).
using Redactor = std::function<std::string(std::string_view)>;

// Parses a 2xx body (an empty one is JSON null). OutOfRange "response nests
// deeper than 256 levels at byte N" when it does (found before any value is
// built; the server means it, so not worth asking again); DataLoss
// "response body is not valid JSON (N bytes, starting '…')" with a short
// excerpt of redact(body) (a body cut or garbled in transit: worth asking
// again). Never throws.
absl::StatusOr<Json> ParseResponseBody(std::string_view body, const Redactor& redact);

// What ParseResponseBody says of `body`, without building its value (a
// listing page is streamed afterwards, lib/api/listing_page.h): OK for JSON,
// the same OutOfRange or DataLoss otherwise.
absl::Status CheckResponseBody(std::string_view body, const Redactor& redact);

// The JSON type of a body CheckResponseBody accepted, from its first token,
// as Json::type_name() names it ("array", "object", …; "null" when empty).
const char* ResponseBodyType(std::string_view body);

// Parses the `rel="next"` target out of Link header values (each value may
// hold several comma-separated links). Empty when there is none.
std::string NextLink(const std::vector<std::string>& link_values);

// "E0000006 You do not have permission… (errorId x; causes: a; b)" from
// Okta's error object in `body`, or "body: <excerpt>" of another body, or ""
// for an empty one. `*error_code` is the errorCode ("" when none). The body
// should be redacted first. Never throws.
std::string DescribeErrorBody(std::string_view body, std::string* error_code);

// `value` as JSON text: indented by `indent` spaces, or on one line for -1.
// DataLoss "cannot serialise: …" for a string that is not UTF-8 (what the
// server sent is written as it is or not at all). Never throws.
absl::StatusOr<std::string> JsonText(const Json& value, int indent);

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_RESPONSE_PAGE_H_
