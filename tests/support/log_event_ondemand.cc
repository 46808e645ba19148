// A test oracle (tests/support/log_event_oracles.h), once a production
// reading: ParseLogEvent with simdjson's on-demand API, one forward walk over
// the event that reads the fields of LogEvent as it meets them and validates
// every other value, without building a tree. It must give exactly what the
// nlohmann reading (log_event_dom.cc) gives — tests/logs/log_event_parser_test.cc
// compares them — so:
//   * every value is consumed by a validating read (Skip() for the ones not
//     needed): on-demand only checks what it is asked to read, and the DOM
//     parser rejects invalid JSON anywhere in the event;
//   * an object met twice under the same key (duplicate keys) resets what was
//     read from the first one: in the DOM the last one wins;
//   * the rare values whose text the DOM parser re-serialises (numbers that
//     are not 64-bit integers, objects and arrays inside debugData and
//     detailEntry) are handed to nlohmann, so the text is the same.
// Only simdjson's error-code API is used (Debian builds it with exceptions
// enabled; nothing here can throw).
#include <simdjson.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_padding.h"
#include "lib/logs/log_event_reading.h"
#include "lib/logs/log_event_recycler.h"
#include "tests/support/log_event_oracles.h"

namespace verdict::testing {
namespace ondemand {
namespace {

using logs::AnyText;
using logs::BoolFromText;
using logs::EventReading;
using logs::IntFromText;
using logs::JsonKind;
using logs::kMaxLogEventDepth;
using logs::LogEventRecycler;
using logs::ParseJsonText;
using logs::StringMap;

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kLogEventPadding >= simdjson::SIMDJSON_PADDING,
              "LogReader must leave simdjson's padding after each event");

error_code Skip(od::value v, int depth);

// The text between the quotes of a string that has no escapes, read in
// place (stage 1 has validated its UTF-8 and control characters); nullopt
// when it has escapes, which only simdjson's unescaping validates.
// `raw` points just after the opening quote.
std::optional<std::string_view> PlainString(const char* raw) {
  const char* p = raw;
  while (*p != '"') {
    if (*p == '\\') return std::nullopt;
    ++p;
  }
  return std::string_view(raw, static_cast<size_t>(p - raw));
}

template <typename Fn>
error_code ForEachField(od::object object, int depth, Fn&& fn) {
  for (auto result : object) {
    od::field field;
    SIMDJSON_TRY(std::move(result).get(field));
    std::string_view key;
    if (std::optional<std::string_view> plain = PlainString(field.key().raw())) {
      key = *plain;
    } else {
      SIMDJSON_TRY(field.unescaped_key().get(key));
    }
    SIMDJSON_TRY(fn(key, field.value(), depth + 1));
  }
  return SUCCESS;
}

// A string value: in place when it has no escapes, else unescaped (and so
// validated) by simdjson into the parser's buffer.
error_code StringValue(od::value v, std::string_view* out) {
  std::string_view token = v.raw_json_token();
  // The token runs to the next structural character, so it ends with the
  // closing quote and maybe whitespace. Finding the quote from the end and
  // the backslash with memchr is several times cheaper than PlainString's
  // byte loop on the long values (uuids, user agents, debugData).
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  std::optional<std::string_view> plain;
  if (token.size() >= 2 && token.back() == '"') {
    const std::string_view inner = token.substr(1, token.size() - 2);
    if (std::memchr(inner.data(), '\\', inner.size()) == nullptr) plain = inner;
  }
  if (plain) {
    od::raw_json_string raw;
    SIMDJSON_TRY(v.get_raw_json_string().get(raw));
    *out = *plain;
    return SUCCESS;
  }
  return v.get_string().get(*out);
}

// Calls fn(key, value, depth of value) for each member when `v` is an
// object; validates and ignores any other value (the DOM reading's Member()
// finds nothing in it).
template <typename Fn>
error_code Fields(od::value v, int depth, Fn&& fn) {
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  if (type != od::json_type::object) return Skip(v, depth);
  if (depth > kMaxLogEventDepth) return simdjson::DEPTH_ERROR;
  od::object object;
  SIMDJSON_TRY(v.get_object().get(object));
  return ForEachField(object, depth, std::forward<Fn>(fn));
}

// Calls fn(index, element, depth of element) for each element when `v` is an
// array; validates and ignores any other value. *is_array says which.
template <typename Fn>
error_code Elements(od::value v, int depth, bool* is_array, Fn&& fn) {
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  *is_array = type == od::json_type::array;
  if (!*is_array) return Skip(v, depth);
  if (depth > kMaxLogEventDepth) return simdjson::DEPTH_ERROR;
  od::array array;
  SIMDJSON_TRY(v.get_array().get(array));
  size_t index = 0;
  for (auto result : array) {
    od::value element;
    SIMDJSON_TRY(std::move(result).get(element));
    SIMDJSON_TRY(fn(index++, element, depth + 1));
  }
  return SUCCESS;
}

error_code SkipNumber(od::value v) {
  od::number number;
  if (v.get_number().get(number) == SUCCESS) return SUCCESS;
  // Integers beyond 64 bits: nlohmann reads them as doubles, and so does this.
  double d = 0;
  return v.get_double().get(d);
}

// Validates `v` (depth = its nesting level) the way nlohmann would.
error_code Skip(od::value v, int depth) {
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  switch (type) {
    case od::json_type::object:
      return Fields(v, depth, [](std::string_view, od::value x, int d) { return Skip(x, d); });
    case od::json_type::array: {
      bool is_array = false;
      return Elements(v, depth, &is_array, [](size_t, od::value x, int d) { return Skip(x, d); });
    }
    case od::json_type::string: {
      std::string_view s;
      return StringValue(v, &s);
    }
    case od::json_type::number:
      return SkipNumber(v);
    case od::json_type::boolean: {
      bool b = false;
      return v.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      SIMDJSON_TRY(v.is_null().get(is_null));
      return is_null ? SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

// A number as nlohmann reads it, for the cases not handled directly.
error_code DomNumber(od::value v, nlohmann::json* out) {
  const std::string_view raw = v.raw_json_token();
  SIMDJSON_TRY(SkipNumber(v));
  absl::StatusOr<nlohmann::json> parsed = ParseJsonText(raw);
  if (!parsed.ok()) return simdjson::NUMBER_ERROR;
  *out = *std::move(parsed);
  return SUCCESS;
}

// json_util's ScalarText: strings as they are, numbers and booleans as JSON
// text, "" for anything else.
error_code OdScalarText(od::value v, int depth, std::string* out) {
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      SIMDJSON_TRY(StringValue(v, &s));
      out->assign(s);
      return SUCCESS;
    }
    case od::json_type::number: {
      int64_t i = 0;
      if (v.get_int64().get(i) == SUCCESS) {
        *out = absl::StrCat(i);
        return SUCCESS;
      }
      nlohmann::json j;
      SIMDJSON_TRY(DomNumber(v, &j));
      *out = logs::ScalarText(&j);
      return SUCCESS;
    }
    case od::json_type::boolean: {
      bool b = false;
      SIMDJSON_TRY(v.get_bool().get(b));
      *out = b ? "true" : "false";
      return SUCCESS;
    }
    default:
      out->clear();
      return Skip(v, depth);
  }
}

// json_util's lenient readers: a value of type `wanted` through `read`, a
// string through `from_text`, anything else validated and left unset.
template <typename T, typename Read, typename FromText>
error_code Lenient(od::value v, int depth, od::json_type wanted, std::optional<T>* out, Read read,
                   FromText from_text) {
  out->reset();
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  if (type == wanted) return read(v, out);
  if (type == od::json_type::string) {
    std::string_view s;
    SIMDJSON_TRY(StringValue(v, &s));
    *out = from_text(s);
    return SUCCESS;
  }
  return Skip(v, depth);
}

// json_util's BoolValue.
error_code OdBoolValue(od::value v, int depth, std::optional<bool>* out) {
  return Lenient(
      v, depth, od::json_type::boolean, out,
      [](od::value x, std::optional<bool>* o) {
        bool b = false;
        SIMDJSON_TRY(x.get_bool().get(b));
        *o = b;
        return SUCCESS;
      },
      BoolFromText);
}

// json_util's IntValue.
error_code OdIntValue(od::value v, int depth, std::optional<int64_t>* out) {
  return Lenient(
      v, depth, od::json_type::number, out,
      [](od::value x, std::optional<int64_t>* o) {
        int64_t i = 0;
        if (x.get_int64().get(i) == SUCCESS) {
          *o = i;
          return SUCCESS;
        }
        nlohmann::json j;
        SIMDJSON_TRY(DomNumber(x, &j));
        *o = logs::IntValue(&j);
        return SUCCESS;
      },
      IntFromText);
}

// json_util's ReadStringMap over an object: strings as they are, other
// values as nlohmann's compact JSON text, null members left out.
error_code StringMapValue(od::value v, int depth, StringMap* out) {
  out->clear();
  return Fields(v, depth, [out](std::string_view key, od::value x, int d) -> error_code {
    od::json_type type;
    SIMDJSON_TRY(x.type().get(type));
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        SIMDJSON_TRY(StringValue(x, &s));
        (*out)[std::string(key)].assign(s);
        return SUCCESS;
      }
      case od::json_type::null: {
        SIMDJSON_TRY(Skip(x, d));
        // A later null replaces an earlier value of a duplicate key.
        if (auto it = out->find(key); it != out->end()) out->erase(it);
        return SUCCESS;
      }
      case od::json_type::object:
      case od::json_type::array: {
        // The value's text: from its first token to where the walk stands
        // once it is skipped (the ',' or '}' after it).
        const char* const start = x.raw_json_token().data();
        SIMDJSON_TRY(Skip(x, d));
        const char* end = nullptr;
        SIMDJSON_TRY(x.current_location().get(end));
        const std::string_view raw(start, static_cast<size_t>(end - start));
        absl::StatusOr<nlohmann::json> parsed = ParseJsonText(raw);
        if (!parsed.ok()) return simdjson::TAPE_ERROR;
        (*out)[std::string(key)] = AnyText(*parsed);
        return SUCCESS;
      }
      default:
        return OdScalarText(x, d, &(*out)[std::string(key)]);
    }
  });
}

// The primitives EventReading (log_event_reading.h) reads an event with.
struct OnDemandApi {
  using Value = od::value;
  template <typename Fn>
  static error_code Fields(od::value v, int depth, Fn&& fn) {
    return ondemand::Fields(v, depth, std::forward<Fn>(fn));
  }
  template <typename Fn>
  static error_code Fields(od::object root, int depth, Fn&& fn) {
    return ForEachField(root, depth, std::forward<Fn>(fn));
  }
  template <typename Fn>
  static error_code Elements(od::value v, int depth, bool* is_array, Fn&& fn) {
    return ondemand::Elements(v, depth, is_array, std::forward<Fn>(fn));
  }
  static error_code Skip(od::value v, int depth) { return ondemand::Skip(v, depth); }
  static error_code Kind(od::value v, JsonKind* kind) {
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    *kind = type == od::json_type::object   ? JsonKind::kObject
            : type == od::json_type::array  ? JsonKind::kArray
            : type == od::json_type::string ? JsonKind::kString
                                            : JsonKind::kOther;
    return SUCCESS;
  }
  static error_code ScalarText(od::value v, int depth, std::string* out, LogEventRecycler*) {
    return OdScalarText(v, depth, out);
  }
  static error_code BoolValue(od::value v, int depth, std::optional<bool>* out) {
    return OdBoolValue(v, depth, out);
  }
  static error_code IntValue(od::value v, int depth, std::optional<int64_t>* out) {
    return OdIntValue(v, depth, out);
  }
  static error_code StringMapValue(od::value v, int depth, StringMap* out, LogEventRecycler*) {
    return ondemand::StringMapValue(v, depth, out);
  }
};

std::string_view TypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "value";
}

absl::Status Parse(std::string_view text, size_t capacity, const LogEventPosition& position,
                   LogEvent* out) {
  od::parser parser;
  LogEventRecycler recycler;
  const char* const begin = text.data();
  // nlohmann skips a UTF-8 byte order mark at the start; simdjson does not.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    capacity -= 3;
  }
  recycler.Reset(out);
  LogEvent& e = *out;
  e.position = position;
  od::document doc;
  error_code err = parser.iterate(text.data(), text.size(), capacity).get(doc);
  const bool have_doc = err == SUCCESS;  // a document to ask where it failed
  if (err == SUCCESS) {
    od::json_type type;
    err = doc.type().get(type);
    if (err == SUCCESS && type != od::json_type::object) {
      return absl::InvalidArgumentError(
          absl::StrCat("an event is a JSON object, not ", std::string(TypeName(type))));
    }
  }
  if (err == SUCCESS) {
    od::object root;
    err = doc.get_object().get(root);
    if (err == SUCCESS) {
      EventReading<OnDemandApi> reading{&e, &recycler, {}, {}};
      err = reading.Root(root);
      if (err == SUCCESS) {
        // After the root object only whitespace may follow.
        const char* next = nullptr;
        if (doc.current_location().get(next) == SUCCESS) err = simdjson::TRAILING_CONTENT;
      }
    }
  }
  if (err != SUCCESS) {
    std::string where;
    const char* at = nullptr;
    if (have_doc && doc.current_location().get(at) == SUCCESS && at >= begin) {
      where = absl::StrCat(" near byte ", at - begin);
    }
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON", where, ": ", simdjson::error_message(err)));
  }
  logs::FinishLogEvent(&e);
  return absl::OkStatus();
}

}  // namespace
}  // namespace ondemand

absl::StatusOr<LogEvent> ParseLogEventOnDemand(std::string_view text,
                                               const LogEventPosition& position) {
  // simdjson reads up to kLogEventPadding bytes past the end of the text.
  std::string padded(text.size() + kLogEventPadding, ' ');
  padded.replace(0, text.size(), text);
  LogEvent event;
  if (absl::Status status = ondemand::Parse(std::string_view(padded.data(), text.size()),
                                            padded.size(), position, &event);
      !status.ok()) {
    return status;
  }
  return event;
}

}  // namespace verdict::testing
