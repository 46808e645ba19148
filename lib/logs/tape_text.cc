#include "lib/logs/tape_text.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_padding.h"
#include "lib/logs/log_event_reading.h"
#include "nlohmann/json.hpp"
#include "verdict/system_log.h"

namespace verdict::logs {
namespace {

namespace dom = simdjson::dom;
using simdjson::SUCCESS;

// nlohmann's tree of a tape value, for the compact text nlohmann's reading
// keeps of objects and arrays inside debugData/detailEntry (a later
// duplicate key wins, as in nlohmann's parse).
nlohmann::json ToNlohmann(dom::element v) {
  switch (v.type()) {
    case dom::element_type::OBJECT: {
      nlohmann::json j = nlohmann::json::object();
      dom::object object;
      if (v.get_object().get(object) != SUCCESS) return j;
      for (dom::key_value_pair member : object) {
        j[std::string(member.key)] = ToNlohmann(member.value);
      }
      return j;
    }
    case dom::element_type::ARRAY: {
      nlohmann::json j = nlohmann::json::array();
      dom::array array;
      if (v.get_array().get(array) != SUCCESS) return j;
      for (dom::element element : array) j.push_back(ToNlohmann(element));
      return j;
    }
    case dom::element_type::STRING:
      return std::string(v.get_string().value_unsafe());
    case dom::element_type::INT64:
      return v.get_int64().value_unsafe();
    case dom::element_type::UINT64:
      return v.get_uint64().value_unsafe();
    case dom::element_type::DOUBLE:
      return v.get_double().value_unsafe();
    case dom::element_type::BOOL:
      return v.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE:
      break;
  }
  return nullptr;
}

}  // namespace

std::string TapeValueText(dom::element value) { return AnyText(ToNlohmann(value)); }

bool RewriteThroughNlohmann(std::string_view json, std::string* out) {
  absl::StatusOr<nlohmann::json> whole = ParseJsonText(json);
  if (!whole.ok()) return false;
  *out = whole->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out->reserve(out->size() + kLogEventPadding);
  return true;
}

// The message for `text`, which simdjson refused with `error`: "invalid JSON
// near byte N: <simdjson's words>", the byte where the text goes wrong when
// it can be located. simdjson's DOM parser does not say where, so nlohmann
// (the reference reading) does, for rejected events only; a depth beyond the
// limit is located by counting brackets.
std::string DescribeSyntaxError(std::string_view text, simdjson::error_code error) {
  std::optional<size_t> at;
  switch (error) {
    case simdjson::UTF8_ERROR:
    case simdjson::UNCLOSED_STRING:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::EMPTY:
      // Found while indexing the text, before any value is read: no place
      // that says more than the message.
      break;
    case simdjson::DEPTH_ERROR:
      if (const size_t deep = DeeperThan(text, kMaxLogEventDepth); deep != text.npos) at = deep;
      break;
    default: {
      size_t offset = 0;
      if (ParseJsonText(text, &offset).ok()) break;
      // Where the text ends before the document does, the end is all there
      // is to say.
      if (offset >= text.size()) {
        error = simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
      } else {
        at = offset;
      }
    }
  }
  return absl::StrCat("invalid JSON", at ? absl::StrCat(" near byte ", *at) : "", ": ",
                      simdjson::error_message(error));
}

}  // namespace verdict::logs
