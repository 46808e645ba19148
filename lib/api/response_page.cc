// The Management API's answers as the pullers read them; see the header.
#include "lib/api/response_page.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/model/json_walker.h"

namespace verdict::api {

namespace {

absl::Status TooDeep(size_t byte) {
  // Refused before any value is built: a deep one would exhaust the stack
  // when written out.
  return absl::OutOfRangeError(absl::StrCat(
      "response nests deeper than ", model_internal::kMaxJsonDepth, " levels at byte ", byte));
}

absl::Status NotJson(std::string_view body, const Redactor& redact) {
  return absl::DataLossError(
      absl::StrCat("response body is not valid JSON (", body.size(), " bytes, starting ",
                   // Redacted before it is cut: a token cut in two would no longer be
                   // found by the final redaction.
                   model_internal::Excerpt(redact ? redact(body) : std::string(body)), ")"));
}

}  // namespace

absl::StatusOr<Json> ParseResponseBody(std::string_view body, const Redactor& redact) {
  if (body.empty()) return Json();
  if (std::optional<size_t> deep =
          model_internal::FindExcessiveNesting(body, model_internal::kMaxJsonDepth)) {
    return TooDeep(*deep);
  }
  Json value = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return NotJson(body, redact);
  return value;
}

absl::Status CheckResponseBody(std::string_view body, const Redactor& redact) {
  if (body.empty()) return absl::OkStatus();
  if (std::optional<size_t> deep =
          model_internal::FindExcessiveNesting(body, model_internal::kMaxJsonDepth)) {
    return TooDeep(*deep);
  }
  // accept() runs the parser with a SAX that keeps nothing.
  if (!Json::accept(body)) return NotJson(body, redact);
  return absl::OkStatus();
}

const char* ResponseBodyType(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "null";
  switch (body[first]) {
    case '[':
      return "array";
    case '{':
      return "object";
    case '"':
      return "string";
    case 't':
    case 'f':
      return "boolean";
    case 'n':
      return "null";
    default:
      return "number";
  }
}

std::string NextLink(const std::vector<std::string>& link_values) {
  for (const std::string& value : link_values) {
    size_t pos = 0;
    while (pos < value.size()) {
      const size_t open = value.find('<', pos);
      if (open == std::string::npos) break;
      const size_t close = value.find('>', open + 1);
      if (close == std::string::npos) break;
      std::string target = value.substr(open + 1, close - open - 1);
      size_t params_end = value.find('<', close + 1);
      if (params_end == std::string::npos) params_end = value.size();
      std::string params = absl::AsciiStrToLower(value.substr(close + 1, params_end - close - 1));
      // rel="next", rel=next, or a space-separated list containing next.
      const size_t rel = params.find("rel=");
      if (rel != std::string::npos) {
        std::string rels = params.substr(rel + 4);
        const size_t semi = rels.find_first_of(";,");
        if (semi != std::string::npos) rels = rels.substr(0, semi);
        absl::RemoveExtraAsciiWhitespace(&rels);
        rels.erase(std::remove(rels.begin(), rels.end(), '"'), rels.end());
        for (absl::string_view r : absl::StrSplit(rels, ' ')) {
          if (r == "next") return target;
        }
      }
      pos = params_end;
    }
  }
  return "";
}

std::string DescribeErrorBody(std::string_view body, std::string* error_code) {
  // A deep error object is read as any other body that is not Okta's.
  Json error = model_internal::FindExcessiveNesting(body, model_internal::kMaxJsonDepth)
                   ? Json()
                   : Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (error.is_object() && error.contains("errorCode")) {
    std::string code = error["errorCode"].is_string() ? error["errorCode"].get<std::string>() : "";
    *error_code = code;
    std::string out = code;
    if (error.contains("errorSummary") && error["errorSummary"].is_string()) {
      absl::StrAppend(&out, " ", error["errorSummary"].get<std::string>());
    }
    std::vector<std::string> causes;
    if (error.contains("errorCauses") && error["errorCauses"].is_array()) {
      for (const auto& cause : error["errorCauses"]) {
        if (cause.is_object() && cause.contains("errorSummary") &&
            cause["errorSummary"].is_string()) {
          causes.push_back(cause["errorSummary"].get<std::string>());
        }
      }
    }
    std::vector<std::string> extra;
    if (error.contains("errorId") && error["errorId"].is_string()) {
      extra.push_back(absl::StrCat("errorId ", error["errorId"].get<std::string>()));
    }
    if (!causes.empty()) extra.push_back(absl::StrCat("causes: ", absl::StrJoin(causes, "; ")));
    if (!extra.empty()) absl::StrAppend(&out, " (", absl::StrJoin(extra, "; "), ")");
    return out;
  }
  std::string excerpt(body.substr(0, 200));
  for (char& c : excerpt) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  excerpt = std::string(absl::StripAsciiWhitespace(excerpt));
  return excerpt.empty() ? "" : absl::StrCat("body: ", excerpt);
}

absl::StatusOr<std::string> JsonText(const Json& value, int indent) {
  try {
    return value.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::strict);
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat("cannot serialise: ", e.what()));
  }
}

}  // namespace verdict::api
