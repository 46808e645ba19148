// ParseLogEvent over simdjson's DOM tape: the library parses and validates
// the whole event with the kernel chosen for this CPU at run time (the
// on-demand walk, being inline header code, runs Debian's baseline x86-64
// build), and EventReading then walks the tape, where skipping a value costs
// nothing because the parse has validated it. Measured on the fixture
// export: see docs/performance.md.
//
// The tape reading never guesses: wherever the nlohmann reading would keep a
// value's JSON text (numbers other than 64-bit integers, objects and arrays
// inside debugData/detailEntry) or the event is not valid JSON, it stops
// and the on-demand walk reads the event, so both always agree
// (tests/logs/log_event_parser_test.cc compares all three readings).
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/logs/json_util.h"
#include "lib/logs/log_event_parsers.h"
#include "lib/logs/log_event_reading.h"
#include "lib/logs/log_event_recycler.h"
#include "lib/logs/log_event_view.h"

namespace verdict::logs {
namespace {

namespace dom = simdjson::dom;
using simdjson::error_code;
using simdjson::SUCCESS;

// What a tape walk returns for a value it leaves to the on-demand reading.
constexpr error_code kReadOnDemand = simdjson::UNSUPPORTED_ARCHITECTURE;

thread_local size_t tape_fallbacks = 0;
thread_local size_t tape_view_reads = 0;
// The text of this thread's LogEventView that is not on the tape.
thread_local ViewTextStore view_texts;

struct TapeApi {
  using Value = dom::element;

  template <typename Fn>
  static error_code Fields(dom::element v, int depth, Fn&& fn) {
    dom::object object;
    if (v.get_object().get(object) != SUCCESS) return SUCCESS;
    if (depth > kMaxLogEventDepth) return kReadOnDemand;
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
    if (depth > kMaxLogEventDepth) return kReadOnDemand;
    size_t index = 0;
    for (dom::element element : array) SIMDJSON_TRY(fn(index++, element, depth + 1));
    return SUCCESS;
  }

  // The parse has validated every value.
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

  // Into a LogEvent's std::string, or a LogEventView's std::string_view:
  // then strings are views into the parser's string buffer, and the few
  // other scalars text kept in this thread's view_texts.
  template <typename Text>
  static error_code ScalarText(dom::element v, int, Text* out) {
    switch (v.type()) {
      case dom::element_type::STRING:
        *out = v.get_string().value_unsafe();
        return SUCCESS;
      case dom::element_type::INT64:
        SetText(absl::StrCat(v.get_int64().value_unsafe()), out);
        return SUCCESS;
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        return kReadOnDemand;  // nlohmann's text of the number
      case dom::element_type::BOOL:
        *out = v.get_bool().value_unsafe() ? "true" : "false";
        return SUCCESS;
      default:
        *out = {};
        return SUCCESS;
    }
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

  static error_code IntValue(dom::element v, int, std::optional<int64_t>* out) {
    out->reset();
    switch (v.type()) {
      case dom::element_type::INT64:
        *out = v.get_int64().value_unsafe();
        return SUCCESS;
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE:
        return kReadOnDemand;
      case dom::element_type::STRING:
        *out = IntFromText(v.get_string().value_unsafe());
        return SUCCESS;
      default:
        return SUCCESS;
    }
  }

  // debugData / detailEntry into a LogEvent's StringMap (its nodes from
  // this thread's recycler) or a LogEventView's FlatStringMap.
  template <typename Map>
  static error_code StringMapValue(dom::element v, int depth, Map* out) {
    MapClear(out);
    return Fields(v, depth, [out](std::string_view key, dom::element x, int d) {
      switch (x.type()) {
        case dom::element_type::NULL_VALUE:
          // A later null replaces an earlier value of a duplicate key.
          MapErase(out, key);
          return SUCCESS;
        case dom::element_type::OBJECT:
        case dom::element_type::ARRAY:
          return kReadOnDemand;  // nlohmann's compact text of the value
        default:
          return ScalarText(x, d, &MapSlot(out, key));
      }
    });
  }

 private:
  static void SetText(std::string text, std::string* out) { *out = std::move(text); }
  static void SetText(std::string text, std::string_view* out) {
    *out = view_texts.Keep(std::move(text));
  }
  static void MapClear(StringMap* m) { LogEventRecycler::ThisThread().Clear(m); }
  static void MapClear(FlatStringMap* m) { m->clear(); }
  static void MapErase(StringMap* m, std::string_view key) {
    LogEventRecycler::ThisThread().Erase(m, key);
  }
  static void MapErase(FlatStringMap* m, std::string_view key) { m->Erase(key); }
  static std::string& MapSlot(StringMap* m, std::string_view key) {
    return LogEventRecycler::ThisThread().MapSlot(m, key);
  }
  static std::string_view& MapSlot(FlatStringMap* m, std::string_view key) { return m->Slot(key); }
};

// One parser per thread, keeping its buffers between events. Documents
// nested deeper than kTapeMaxDepth fail to parse here and so go on demand,
// which applies the 256-level limit both other readings share.
struct TapeParser {
  dom::parser parser;
  // Without its depth limit the tape would accept what on-demand rejects:
  // when the allocation fails, every event goes on demand.
  bool ready = parser.allocate(64 * 1024, kTapeMaxDepth) == SUCCESS;
};

// The event's root object on this thread's tape; false when the tape cannot
// hold it (invalid JSON, too deep, not an object, no padding).
bool ParseToTape(std::string_view text, size_t capacity, dom::element* root) {
  thread_local TapeParser tape;
  std::string_view json = text;
  // nlohmann skips a UTF-8 byte order mark at the start; simdjson does not.
  if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);
  return tape.ready && capacity >= text.size() + simdjson::SIMDJSON_PADDING &&
         tape.parser.parse(json.data(), json.size(), /*realloc_if_needed=*/false).get(*root) ==
             SUCCESS &&
         root->type() == dom::element_type::OBJECT;
}

}  // namespace

size_t TapeFallbacksOnThisThread() { return tape_fallbacks; }
size_t TapeViewReadsOnThisThread() { return tape_view_reads; }

absl::Status ParseLogEventTape(std::string_view text, size_t capacity,
                               const LogEventPosition& position, LogEvent* out) {
  dom::element root;
  if (ParseToTape(text, capacity, &root)) {
    LogEventRecycler::ThisThread().Reset(out);
    out->position = position;
    EventReading<TapeApi> reading{out, &LogEventRecycler::ThisThread(), {}, {}};
    if (reading.Root(root) == SUCCESS) {
      FinishLogEvent(out);
      return absl::OkStatus();
    }
  }
  ++tape_fallbacks;
  return ParseLogEventOnDemand(text, capacity, position, out);
}

bool ReadLogEventViewTape(std::string_view text, size_t capacity, const LogEventPosition& position,
                          LogEventView* out) {
  dom::element root;
  out->Clear();
  view_texts.Clear();
  if (ParseToTape(text, capacity, &root)) {
    out->position = position;
    LogEventViewParts parts;
    EventReading<TapeApi, LogEventView, LogEventViewParts> reading{out, &parts, {}, {}};
    if (reading.Root(root) == SUCCESS) {
      ++tape_view_reads;
      return true;
    }
  }
  ++tape_fallbacks;
  return false;
}

}  // namespace verdict::logs
