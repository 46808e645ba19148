// LogEventParser: the System Log's one production reading. simdjson's DOM
// parser (the library's, compiled for the CPU it runs on at run time, fully
// validating) parses each event into its tape, and EventReading
// (log_event_reading.h) walks the tape into a LogEvent or, for a conversion,
// into a LogEventView of string_views into the parser's own buffers; skipping
// a value costs nothing because the parse has validated it. Measured against
// the readings it replaced: docs/performance.md.
//
// It must read every event exactly as the nlohmann reading does (the
// reference, now a test oracle in tests/support with simdjson's on-demand
// walk; tests/logs/log_event_parser_test.cc compares all three), so the cases
// the tape does not hold as nlohmann would are handled here, not guessed:
//   * a number kept as text (ScalarText, debugData) that is not a 64-bit
//     integer is written as nlohmann writes the double both read ("1.5",
//     "64500.0"); an integer above INT64_MAX is text, not an IntValue;
//   * an object or array inside debugData/detailEntry is kept as nlohmann's
//     compact text of it, built from the tape;
//   * an integer beyond 64 bits, which simdjson's DOM refuses and nlohmann
//     reads as a double, makes the event go through nlohmann once: its dump
//     (the same values, the big integer as that double) is read from the
//     tape instead (rare: Okta writes no such numbers);
//   * nesting is limited to kMaxLogEventDepth by the parser itself;
//   * an invalid event's error names the byte where it goes wrong, found by
//     nlohmann only for events already rejected.
// Only simdjson's error-code API is used (Debian builds it with exceptions
// enabled; nothing here can throw).
//
// Per-thread state: all of it is a LogEventParser's, which its caller owns
// (ContextStream keeps one per worker); lib/logs has no thread_local. The
// free functions (ParseLogEvent, ContextFromLogEvent, ConvertLogEvents) set
// up what they need per call. What remains thread_local in the library is
// outside the System Log path: GeoResolver's per-thread lookup cache
// (lib/geo, shared by every caller of a resolver that is itself shared) and
// the compiled evaluator's scratch (lib/eval, behind a const Evaluate()).
#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/logs/iso3166.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_padding.h"
#include "lib/logs/log_event_reading.h"
#include "lib/logs/log_event_recycler.h"
#include "lib/logs/log_event_view.h"
#include "lib/logs/tape_text.h"
#include "verdict/system_log.h"

namespace verdict {
namespace logs {
namespace {

namespace dom = simdjson::dom;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kLogEventPadding >= simdjson::SIMDJSON_PADDING,
              "LogReader must leave simdjson's padding after each event");

// Text into a LogEvent's std::string, or kept by the view's parts for a
// LogEventView's std::string_view.
void SetText(std::string text, std::string* out, LogEventRecycler*) { *out = std::move(text); }
void SetText(std::string text, std::string_view* out, LogEventViewParts* parts) {
  *out = parts->Keep(std::move(text));
}

// The primitives EventReading reads the tape with. The parse has validated
// the whole event and bounded its depth, so none of them fails.
struct TapeApi {
  using Value = dom::element;

  template <typename Fn>
  static error_code Fields(dom::element v, int depth, Fn&& fn) {
    dom::object object;
    if (v.get_object().get(object) != SUCCESS) return SUCCESS;
    for (dom::key_value_pair member : object) {
      SIMDJSON_TRY(fn(member.key, member.value, depth + 1));
    }
    return SUCCESS;
  }

  template <typename Fn>
  static error_code Elements(dom::element v, int depth, bool* is_array, Fn&& fn) {
    dom::array array;
    *is_array = v.get_array().get(array) == SUCCESS;
    if (!*is_array) return SUCCESS;
    size_t index = 0;
    for (dom::element element : array) SIMDJSON_TRY(fn(index++, element, depth + 1));
    return SUCCESS;
  }

  static error_code Skip(dom::element, int) { return SUCCESS; }

  static error_code Kind(dom::element v, JsonKind* kind) {
    switch (v.type()) {
      case dom::element_type::OBJECT:
        *kind = JsonKind::kObject;
        break;
      case dom::element_type::ARRAY:
        *kind = JsonKind::kArray;
        break;
      case dom::element_type::STRING:
        *kind = JsonKind::kString;
        break;
      default:
        *kind = JsonKind::kOther;
    }
    return SUCCESS;
  }

  // json_util's ScalarText: strings as they are, numbers and booleans as
  // nlohmann's JSON text of them, "" otherwise.
  template <typename Text, typename Parts>
  static error_code ScalarText(dom::element v, int, Text* out, Parts* parts) {
    switch (v.type()) {
      case dom::element_type::STRING:
        *out = v.get_string().value_unsafe();
        break;
      case dom::element_type::INT64:
        SetText(absl::StrCat(v.get_int64().value_unsafe()), out, parts);
        break;
      case dom::element_type::UINT64:
        SetText(absl::StrCat(v.get_uint64().value_unsafe()), out, parts);
        break;
      case dom::element_type::DOUBLE:
        SetText(DoubleText(v.get_double().value_unsafe()), out, parts);
        break;
      case dom::element_type::BOOL:
        *out = v.get_bool().value_unsafe() ? "true" : "false";
        break;
      default:
        Empty(out);
    }
    return SUCCESS;
  }

  static error_code BoolValue(dom::element v, int, std::optional<bool>* out) {
    out->reset();
    if (v.type() == dom::element_type::BOOL) {
      *out = v.get_bool().value_unsafe();
    } else if (v.type() == dom::element_type::STRING) {
      *out = BoolFromText(v.get_string().value_unsafe());
    }
    return SUCCESS;
  }

  // json_util's IntValue: a signed 64-bit integer; nlohmann holds a larger
  // one as unsigned (or a double), which IntValue does not read either.
  static error_code IntValue(dom::element v, int, std::optional<int64_t>* out) {
    out->reset();
    if (v.type() == dom::element_type::INT64) {
      *out = v.get_int64().value_unsafe();
    } else if (v.type() == dom::element_type::STRING) {
      *out = IntFromText(v.get_string().value_unsafe());
    }
    return SUCCESS;
  }

  // json_util's ReadStringMap: debugData / detailEntry into a LogEvent's
  // StringMap or a LogEventView's FlatStringMap (`parts` supplies the map
  // operations and keeps the views' texts).
  template <typename Map, typename Parts>
  static error_code StringMapValue(dom::element v, int depth, Map* out, Parts* parts) {
    parts->Clear(out);
    return Fields(v, depth, [out, parts](std::string_view key, dom::element x, int d) {
      switch (x.type()) {
        case dom::element_type::NULL_VALUE:
          // A later null replaces an earlier value of a duplicate key.
          parts->Erase(out, key);
          return SUCCESS;
        case dom::element_type::OBJECT:
        case dom::element_type::ARRAY:
          SetText(TapeValueText(x), &parts->MapSlot(out, key), parts);
          return SUCCESS;
        default:
          return ScalarText(x, d, &parts->MapSlot(out, key), parts);
      }
    });
  }
};

std::string_view TypeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "number";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

}  // namespace
}  // namespace logs

// What a LogEventParser keeps from one event to the next.
struct LogEventParser::State {
  simdjson::dom::parser parser;
  // The depth limit is the parser's: with it the tape refuses exactly what
  // the other readings refuse. Should the allocation fail, every event is
  // refused with ResourceExhausted.
  bool ready = parser.allocate(64 * 1024, logs::kMaxLogEventDepth) == simdjson::SUCCESS;
  // A padded copy of text that has no padding after it.
  std::string padded;
  // An event with integers beyond 64 bits, as nlohmann writes it.
  std::string normalized;
  // The elements of the LogEvents Parse() filled before.
  logs::LogEventRecycler recycler;
  // Convert()'s reading of the current event, and the text it shows that
  // is not in the parser's buffers.
  logs::LogEventView view;
  logs::ViewTextStore view_texts;
  logs::PlaceCodeCache places;

  // Parses `raw` onto the tape: *root is the event's object, or the status
  // says why the event is malformed.
  absl::Status ToTape(const RawLogEvent& raw, simdjson::dom::element* root);
};

absl::Status LogEventParser::State::ToTape(const RawLogEvent& raw, simdjson::dom::element* root) {
  namespace dom = simdjson::dom;
  if (!ready) return absl::ResourceExhaustedError("cannot allocate the JSON parser");
  std::string_view text = raw.text;
  if (raw.text.capacity() < text.size() + kLogEventPadding) {
    // Not from LogReader: simdjson reads up to kLogEventPadding bytes past
    // the end of the text.
    if (padded.size() < text.size() + kLogEventPadding)
      padded.resize(text.size() + kLogEventPadding);
    padded.replace(0, text.size(), text);
    text = std::string_view(padded.data(), text.size());
  }
  // nlohmann skips a UTF-8 byte order mark at the start; simdjson does not.
  std::string_view json = text;
  if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);
  simdjson::error_code error =
      parser.parse(json.data(), json.size(), /*realloc_if_needed=*/false).get(*root);
  if (error == simdjson::NUMBER_ERROR) {
    // Perhaps an integer beyond 64 bits, valid JSON that simdjson's DOM does
    // not read: nlohmann reads it as a double, and so does the tape from
    // nlohmann's text of the event. Anything else stays an error.
    if (logs::RewriteThroughNlohmann(json, &normalized)) {
      error = parser.parse(normalized.data(), normalized.size(), false).get(*root);
    }
  }
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(logs::DescribeSyntaxError(text, error));
  }
  if (root->type() != dom::element_type::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat("an event is a JSON object, not ", std::string(logs::TypeName(root->type()))));
  }
  return absl::OkStatus();
}

LogEventParser::LogEventParser() : state_(std::make_unique<State>()) {}
LogEventParser::~LogEventParser() = default;
LogEventParser::LogEventParser(LogEventParser&&) noexcept = default;
LogEventParser& LogEventParser::operator=(LogEventParser&&) noexcept = default;

absl::Status LogEventParser::Parse(const RawLogEvent& raw, LogEvent* event) {
  simdjson::dom::element root;
  if (absl::Status status = state_->ToTape(raw, &root); !status.ok()) return status;
  state_->recycler.Reset(event);
  event->position = raw.position;
  logs::EventReading<logs::TapeApi> reading{event, &state_->recycler, {}, {}};
  if (reading.Root(root) != simdjson::SUCCESS) {
    return absl::InternalError("the event's tape could not be read");  // see TapeApi
  }
  logs::FinishLogEvent(event);
  return absl::OkStatus();
}

absl::StatusOr<bool> LogEventParser::Convert(const RawLogEvent& raw,
                                             const LogConversionOptions& options,
                                             LogEventConversion* out) {
  simdjson::dom::element root;
  if (absl::Status status = state_->ToTape(raw, &root); !status.ok()) return status;
  logs::LogEventView& view = state_->view;
  view.Clear();
  state_->view_texts.Clear();
  view.position = raw.position;
  logs::LogEventViewParts parts{&state_->view_texts};
  logs::EventReading<logs::TapeApi, logs::LogEventView, logs::LogEventViewParts> reading{
      &view, &parts, {}, {}};
  if (reading.Root(root) != simdjson::SUCCESS) {
    return absl::InternalError("the event's tape could not be read");  // see TapeApi
  }
  if (!IsSignOnEventType(view.event_type)) return false;
  logs::ContextFromLogEventView(view, options, out, &state_->places);
  return true;
}

}  // namespace verdict
