// ParseLogEvent with simdjson's on-demand API: one forward walk over the
// event that reads the fields of LogEvent as it meets them and validates
// every other value, without building a tree. It must give exactly what the
// DOM parser (log_event.cc) gives — tests/logs/log_event_parser_test.cc
// compares the two — so:
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
#include "lib/logs/log_event_parsers.h"

namespace verdict::logs {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kLogEventPadding >= simdjson::SIMDJSON_PADDING,
              "LogReader must leave simdjson's padding after each event");

using StringMap = std::map<std::string, std::string, std::less<>>;

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
error_code ScalarText(od::value v, int depth, std::string* out) {
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
error_code BoolValue(od::value v, int depth, std::optional<bool>* out) {
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
error_code IntValue(od::value v, int depth, std::optional<int64_t>* out) {
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
        return ScalarText(x, d, &(*out)[std::string(key)]);
    }
  });
}

struct Geo {
  std::string country;
  std::string state;
};

error_code GeoValue(od::value v, int depth, Geo* geo) {
  *geo = {};
  return Fields(v, depth, [geo](std::string_view key, od::value x, int d) {
    if (key == "country") return ScalarText(x, d, &geo->country);
    if (key == "state") return ScalarText(x, d, &geo->state);
    return Skip(x, d);
  });
}

// Fields read directly under one key: `field` of the object at `v`.
template <typename Fn>
error_code OneField(od::value v, int depth, std::string_view field, Fn&& fn) {
  return Fields(v, depth, [&](std::string_view key, od::value x, int d) {
    if (key == field) return fn(x, d);
    return Skip(x, d);
  });
}

// Everything read from one event, in document order; merged into the
// LogEvent at the end where the DOM reading has a precedence of its own.
struct Reading {
  LogEvent* e;
  Geo client_geo;
  Geo chain_geo;

  error_code Actor(od::value v, int depth) {
    e->actor_id.clear();
    e->actor_type.clear();
    e->actor_alternate_id.clear();
    return Fields(v, depth, [this](std::string_view key, od::value x, int d) {
      if (key == "id") return ScalarText(x, d, &e->actor_id);
      if (key == "type") return ScalarText(x, d, &e->actor_type);
      if (key == "alternateId") return ScalarText(x, d, &e->actor_alternate_id);
      return Skip(x, d);
    });
  }

  error_code Client(od::value v, int depth) {
    e->client_ip.clear();
    e->client_device.clear();
    e->user_agent_os.clear();
    client_geo = {};
    return Fields(v, depth, [this](std::string_view key, od::value x, int d) -> error_code {
      if (key == "ipAddress") return ScalarText(x, d, &e->client_ip);
      if (key == "device") return ScalarText(x, d, &e->client_device);
      if (key == "userAgent") {
        e->user_agent_os.clear();
        return OneField(x, d, "os", [this](od::value y, int dy) {
          return ScalarText(y, dy, &e->user_agent_os);
        });
      }
      if (key == "geographicalContext") return GeoValue(x, d, &client_geo);
      return Skip(x, d);
    });
  }

  error_code IpChain(od::value v, int depth) {
    e->ip_chain.clear();
    chain_geo = {};
    bool is_array = false;
    return Elements(v, depth, &is_array, [this](size_t index, od::value hop, int d) {
      std::string ip;
      error_code err = Fields(hop, d, [&](std::string_view key, od::value x, int dx) {
        if (key == "ip") return ScalarText(x, dx, &ip);
        if (key == "geographicalContext" && index == 0) return GeoValue(x, dx, &chain_geo);
        return Skip(x, dx);
      });
      if (err == SUCCESS && !ip.empty()) e->ip_chain.push_back(std::move(ip));
      return err;
    });
  }

  error_code Request(od::value v, int depth) {
    e->ip_chain.clear();
    chain_geo = {};
    return OneField(v, depth, "ipChain", [this](od::value x, int d) { return IpChain(x, d); });
  }

  error_code UserBehaviors(od::value v, int depth) {
    e->user_behaviors.clear();
    bool is_array = false;
    return Elements(v, depth, &is_array, [this](size_t, od::value b, int d) {
      LogBehavior behavior;
      error_code err = Fields(b, d, [&behavior](std::string_view key, od::value x, int dx) {
        if (key == "id") return ScalarText(x, dx, &behavior.id);
        if (key == "name") return ScalarText(x, dx, &behavior.name);
        if (key == "result") return ScalarText(x, dx, &behavior.result);
        return Skip(x, dx);
      });
      if (err == SUCCESS && (!behavior.id.empty() || !behavior.name.empty())) {
        e->user_behaviors.push_back(std::move(behavior));
      }
      return err;
    });
  }

  error_code ServiceCategories(od::value v, int depth) {
    e->ip_service_categories.clear();
    bool is_array = false;
    return Elements(v, depth, &is_array, [this](size_t, od::value c, int d) -> error_code {
      od::json_type type;
      SIMDJSON_TRY(c.type().get(type));
      std::string name;
      if (type == od::json_type::string) {
        SIMDJSON_TRY(ScalarText(c, d, &name));
      } else {
        SIMDJSON_TRY(OneField(c, d, "name",
                              [&name](od::value x, int dx) { return ScalarText(x, dx, &name); }));
      }
      if (!name.empty()) e->ip_service_categories.push_back(std::move(name));
      return SUCCESS;
    });
  }

  error_code Security(od::value v, int depth) {
    e->as_number.reset();
    e->is_proxy.reset();
    e->risk_level.clear();
    e->user_behaviors.clear();
    e->ip_service_categories.clear();
    return Fields(v, depth, [this](std::string_view key, od::value x, int d) -> error_code {
      if (key == "asNumber") return IntValue(x, d, &e->as_number);
      if (key == "isProxy") return BoolValue(x, d, &e->is_proxy);
      if (key == "risk") {
        e->risk_level.clear();
        return OneField(x, d, "level",
                        [this](od::value y, int dy) { return ScalarText(y, dy, &e->risk_level); });
      }
      if (key == "userBehaviors") return UserBehaviors(x, d);
      if (key == "ipDetails") {
        e->ip_service_categories.clear();
        return OneField(x, d, "ipServiceCategories",
                        [this](od::value y, int dy) { return ServiceCategories(y, dy); });
      }
      return Skip(x, d);
    });
  }

  error_code Device(od::value v, int depth) {
    e->has_device = false;
    e->device_os_platform.clear();
    e->device_managed.reset();
    e->device_registered.reset();
    e->device_jailbreak.reset();
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    e->has_device = type == od::json_type::object;
    return Fields(v, depth, [this](std::string_view key, od::value x, int d) {
      if (key == "os_platform") return ScalarText(x, d, &e->device_os_platform);
      if (key == "managed") return BoolValue(x, d, &e->device_managed);
      if (key == "registered") return BoolValue(x, d, &e->device_registered);
      if (key == "jailbreak") return BoolValue(x, d, &e->device_jailbreak);
      return Skip(x, d);
    });
  }

  error_code Outcome(od::value v, int depth) {
    e->outcome_result.clear();
    e->outcome_reason.clear();
    return Fields(v, depth, [this](std::string_view key, od::value x, int d) {
      if (key == "result") return ScalarText(x, d, &e->outcome_result);
      if (key == "reason") return ScalarText(x, d, &e->outcome_reason);
      return Skip(x, d);
    });
  }

  error_code Targets(od::value v, int depth) {
    e->targets.clear();
    bool is_array = false;
    return Elements(v, depth, &is_array, [this](size_t, od::value t, int d) -> error_code {
      od::json_type type;
      SIMDJSON_TRY(t.type().get(type));
      if (type != od::json_type::object) return Skip(t, d);
      LogTarget target;
      SIMDJSON_TRY(Fields(t, d, [&target](std::string_view key, od::value x, int dx) {
        if (key == "id") return ScalarText(x, dx, &target.id);
        if (key == "type") return ScalarText(x, dx, &target.type);
        if (key == "alternateId") return ScalarText(x, dx, &target.alternate_id);
        if (key == "displayName") return ScalarText(x, dx, &target.display_name);
        if (key == "detailEntry") return StringMapValue(x, dx, &target.detail);
        return Skip(x, dx);
      }));
      e->targets.push_back(std::move(target));
      return SUCCESS;
    });
  }

  error_code Root(od::object root) {
    return ForEachField(root, 1, [this](std::string_view key, od::value x, int d) -> error_code {
      switch (key.empty() ? '\0' : key[0]) {
        case 'a':
          if (key == "actor") return Actor(x, d);
          if (key == "authenticationContext") {
            e->authentication_provider.clear();
            return OneField(x, d, "authenticationProvider", [this](od::value y, int dy) {
              return ScalarText(y, dy, &e->authentication_provider);
            });
          }
          break;
        case 'c':
          if (key == "client") return Client(x, d);
          break;
        case 'd':
          if (key == "debugContext") {
            e->debug_data.clear();
            return OneField(x, d, "debugData", [this](od::value y, int dy) {
              return StringMapValue(y, dy, &e->debug_data);
            });
          }
          if (key == "device") return Device(x, d);
          break;
        case 'e':
          if (key == "eventType") return ScalarText(x, d, &e->event_type);
          break;
        case 'o':
          if (key == "outcome") return Outcome(x, d);
          break;
        case 'p':
          if (key == "published") return ScalarText(x, d, &e->published);
          break;
        case 'r':
          if (key == "request") return Request(x, d);
          break;
        case 's':
          if (key == "securityContext") return Security(x, d);
          break;
        case 't':
          if (key == "target") return Targets(x, d);
          break;
        case 'u':
          if (key == "uuid") return ScalarText(x, d, &e->uuid);
          break;
      }
      return Skip(x, d);
    });
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

// Clears *e for the next event but keeps the buffers of its top-level
// strings (most are longer than the small-string buffer: uuids, logins,
// addresses, timestamps), so a loop reusing one LogEvent does not allocate
// them per event. Everything else, including any field added later, comes
// from a default-constructed LogEvent.
void ResetKeepingBuffers(LogEvent* e) {
  LogEvent fresh;
  for (std::string LogEvent::*field :
       {&LogEvent::uuid, &LogEvent::event_type, &LogEvent::published, &LogEvent::actor_id,
        &LogEvent::actor_type, &LogEvent::actor_alternate_id, &LogEvent::client_ip,
        &LogEvent::client_device, &LogEvent::user_agent_os, &LogEvent::authentication_provider,
        &LogEvent::risk_level, &LogEvent::outcome_result, &LogEvent::outcome_reason}) {
    (e->*field).clear();
    (fresh.*field).swap(e->*field);
  }
  *e = std::move(fresh);
}

}  // namespace

absl::StatusOr<LogEvent> ParseLogEventOnDemand(std::string_view text, size_t capacity,
                                               const LogEventPosition& position) {
  LogEvent e;
  if (absl::Status status = ParseLogEventOnDemand(text, capacity, position, &e); !status.ok()) {
    return status;
  }
  return e;
}

absl::Status ParseLogEventOnDemand(std::string_view text, size_t capacity,
                                   const LogEventPosition& position, LogEvent* out) {
  // One parser per thread: it keeps its buffers (sized to the largest event
  // seen) from one event to the next.
  thread_local od::parser parser;
  const char* const begin = text.data();
  // nlohmann skips a UTF-8 byte order mark at the start; simdjson does not.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    capacity -= 3;
  }
  ResetKeepingBuffers(out);
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
      Reading reading{&e, {}, {}};
      err = reading.Root(root);
      if (err == SUCCESS) {
        // After the root object only whitespace may follow.
        const char* next = nullptr;
        if (doc.current_location().get(next) == SUCCESS) err = simdjson::TRAILING_CONTENT;
        e.country = !reading.client_geo.country.empty() ? std::move(reading.client_geo.country)
                                                        : std::move(reading.chain_geo.country);
        e.state = !reading.client_geo.state.empty() ? std::move(reading.client_geo.state)
                                                    : std::move(reading.chain_geo.state);
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
  FinishLogEvent(&e);
  return absl::OkStatus();
}

}  // namespace verdict::logs
