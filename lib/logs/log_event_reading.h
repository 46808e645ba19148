// Which fields of a System Log event become a LogEvent, written once: the
// production reading walks simdjson's parsed tape (log_event_parser.cc) into a
// LogEvent or, on a replay, into a LogEventView of the same fields; the
// on-demand walk in tests/support (a test oracle) uses the same mapping. Both
// must give exactly what the nlohmann reading (tests/support, the reference)
// gives; sharing this mapping means they cannot drift apart on which key feeds
// which field, or on duplicate keys.
//
// `Api` supplies the primitives over its value type (all return a
// simdjson::error_code):
//   Api::Value
//   Fields(v, depth, fn)          fn(key, value, depth) per member when v is
//                                 an object; any other value is skipped
//   Elements(v, depth, &is_array, fn)  fn(index, value, depth) per element
//   Skip(v, depth)                a value not read
//   Kind(v, &kind)                the JsonKind of v (does not consume it)
//   ScalarText(v, depth, &text, parts)  json_util's ScalarText (into a
//                                 std::string, or a std::string_view for a
//                                 LogEventView, whose text `parts` keeps)
//   BoolValue / IntValue          json_util's lenient readers
//   StringMapValue(v, depth, &map, parts)  json_util's ReadStringMap
// `parts` is the reading's `Parts` (below), owned by the caller.
// Every handler below resets what it fills before reading: an object met
// twice under one key (duplicate keys) keeps only the last, as in the DOM.
#ifndef VERDICT_LIB_LOGS_LOG_EVENT_READING_H_
#define VERDICT_LIB_LOGS_LOG_EVENT_READING_H_

#include <simdjson.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/attributes.h"
#include "lib/logs/log_event_recycler.h"
#include "verdict/system_log.h"

namespace verdict::logs {

// Deeper nesting is rejected by every reading alike: nlohmann would accept
// any depth and simdjson stops at 1024 by default.
inline constexpr int kMaxLogEventDepth = 256;

// The step after the fields are read into a LogEvent, shared by every
// reading: parses debug_data["securityConditions"] into security_conditions.
void FinishLogEvent(LogEvent* event);

enum class JsonKind { kObject, kArray, kString, kOther };

// key == word, as a length check and a fixed-size compare the compiler
// folds into a few loads. Forced inline: every member of every event goes
// through these, and whether `==` on a string_view was inlined depended on
// what else the compilation unit held (8% more instructions per event when
// it was not).
template <size_t N>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool Is(std::string_view key, const char (&word)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), word, N - 1) == 0;
}

inline void Empty(std::string* s) { s->clear(); }  // keeps the buffer
inline void Empty(std::string_view* s) { *s = {}; }

template <typename Text>
struct GeoTexts {
  Text country;
  Text state;
};

// `Event` is LogEvent, whose elements `Parts` (LogEventRecycler) builds from
// the previous event's, or LogEventView (lib/logs/log_event_view.h), whose
// strings are views into the parser's buffers and whose `Parts`
// (LogEventViewParts) keep the few texts that are not (only the tape reading
// reads into a view).
template <typename Api, typename Event = LogEvent, typename Parts = LogEventRecycler>
struct EventReading {
  using Value = typename Api::Value;
  using error_code = simdjson::error_code;
  using Text = decltype(Event::uuid);  // std::string, or std::string_view
  using GeoText = GeoTexts<Text>;

  Event* e;
  Parts* spare;  // the caller's: elements are built from its parts
  GeoText client_geo;
  GeoText chain_geo;

  // Reads the root object's members into *e; then the geography precedence
  // of the DOM reading (client.geographicalContext, else ipChain[0]'s).
  // `root` is the event's object: an Api::Value or whatever Api::Fields
  // takes for a document's root (depth 1: its members are at depth 2).
  template <typename RootObject>
  error_code Root(RootObject root) {
    error_code err = Api::Fields(
        root, 1, [this](std::string_view key, Value x, int d) { return Member(key, x, d); });
    if (err != simdjson::SUCCESS) return err;
    e->country =
        !client_geo.country.empty() ? std::move(client_geo.country) : std::move(chain_geo.country);
    e->state = !client_geo.state.empty() ? std::move(client_geo.state) : std::move(chain_geo.state);
    return simdjson::SUCCESS;
  }

 private:
  // Fields read directly under one key: `field` of the object at `v`.
  template <size_t N, typename Fn>
  static error_code OneField(Value v, int depth, const char (&field)[N], Fn&& fn) {
    return Api::Fields(v, depth, [&](std::string_view key, Value x, int d) {
      if (Is(key, field)) return fn(x, d);
      return Api::Skip(x, d);
    });
  }

  error_code Geo(Value v, int depth, GeoText* geo) {
    *geo = {};
    return Api::Fields(v, depth, [this, geo](std::string_view key, Value x, int d) {
      if (Is(key, "country")) return Api::ScalarText(x, d, &geo->country, spare);
      if (Is(key, "state")) return Api::ScalarText(x, d, &geo->state, spare);
      return Api::Skip(x, d);
    });
  }

  error_code Member(std::string_view key, Value x, int d) {
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (Is(key, "actor")) return Actor(x, d);
        if (Is(key, "authenticationContext")) {
          Empty(&e->authentication_provider);
          return OneField(x, d, "authenticationProvider", [this](Value y, int dy) {
            return Api::ScalarText(y, dy, &e->authentication_provider, spare);
          });
        }
        break;
      case 'c':
        if (Is(key, "client")) return Client(x, d);
        break;
      case 'd':
        if (Is(key, "debugContext")) {
          e->debug_data.clear();
          return OneField(x, d, "debugData", [this](Value y, int dy) {
            return Api::StringMapValue(y, dy, &e->debug_data, spare);
          });
        }
        if (Is(key, "device")) return Device(x, d);
        break;
      case 'e':
        if (Is(key, "eventType")) return Api::ScalarText(x, d, &e->event_type, spare);
        break;
      case 'o':
        if (Is(key, "outcome")) return Outcome(x, d);
        break;
      case 'p':
        if (Is(key, "published")) return Api::ScalarText(x, d, &e->published, spare);
        break;
      case 'r':
        if (Is(key, "request")) {
          e->ip_chain.clear();
          chain_geo = {};
          return OneField(x, d, "ipChain", [this](Value y, int dy) { return IpChain(y, dy); });
        }
        break;
      case 's':
        if (Is(key, "securityContext")) return Security(x, d);
        break;
      case 't':
        if (Is(key, "target")) return Targets(x, d);
        break;
      case 'u':
        if (Is(key, "uuid")) return Api::ScalarText(x, d, &e->uuid, spare);
        break;
    }
    return Api::Skip(x, d);
  }

  error_code Actor(Value v, int depth) {
    Empty(&e->actor_id);
    Empty(&e->actor_type);
    Empty(&e->actor_alternate_id);
    return Api::Fields(v, depth, [this](std::string_view key, Value x, int d) {
      if (Is(key, "id")) return Api::ScalarText(x, d, &e->actor_id, spare);
      if (Is(key, "type")) return Api::ScalarText(x, d, &e->actor_type, spare);
      if (Is(key, "alternateId")) return Api::ScalarText(x, d, &e->actor_alternate_id, spare);
      return Api::Skip(x, d);
    });
  }

  error_code Client(Value v, int depth) {
    Empty(&e->client_ip);
    Empty(&e->client_device);
    Empty(&e->user_agent_os);
    client_geo = {};
    return Api::Fields(v, depth, [this](std::string_view key, Value x, int d) -> error_code {
      if (Is(key, "ipAddress")) return Api::ScalarText(x, d, &e->client_ip, spare);
      if (Is(key, "device")) return Api::ScalarText(x, d, &e->client_device, spare);
      if (Is(key, "userAgent")) {
        Empty(&e->user_agent_os);
        return OneField(x, d, "os", [this](Value y, int dy) {
          return Api::ScalarText(y, dy, &e->user_agent_os, spare);
        });
      }
      if (Is(key, "geographicalContext")) return Geo(x, d, &client_geo);
      return Api::Skip(x, d);
    });
  }

  error_code IpChain(Value v, int depth) {
    e->ip_chain.clear();
    chain_geo = {};
    bool is_array = false;
    return Api::Elements(v, depth, &is_array, [this](size_t index, Value hop, int d) {
      auto& ip = spare->AddString(&e->ip_chain);
      error_code err = Api::Fields(hop, d, [&](std::string_view key, Value x, int dx) {
        if (Is(key, "ip")) return Api::ScalarText(x, dx, &ip, spare);
        if (Is(key, "geographicalContext") && index == 0) return Geo(x, dx, &chain_geo);
        return Api::Skip(x, dx);
      });
      if (err != simdjson::SUCCESS || ip.empty()) spare->DropLast(&e->ip_chain);
      return err;
    });
  }

  error_code UserBehaviors(Value v, int depth) {
    e->user_behaviors.clear();
    bool is_array = false;
    return Api::Elements(v, depth, &is_array, [this](size_t, Value b, int d) {
      auto& behavior = spare->AddBehavior(&e->user_behaviors);
      error_code err = Api::Fields(b, d, [this, &behavior](std::string_view key, Value x, int dx) {
        if (Is(key, "id")) return Api::ScalarText(x, dx, &behavior.id, spare);
        if (Is(key, "name")) return Api::ScalarText(x, dx, &behavior.name, spare);
        if (Is(key, "result")) return Api::ScalarText(x, dx, &behavior.result, spare);
        return Api::Skip(x, dx);
      });
      if (err != simdjson::SUCCESS || (behavior.id.empty() && behavior.name.empty())) {
        spare->DropLast(&e->user_behaviors);
      }
      return err;
    });
  }

  error_code ServiceCategories(Value v, int depth) {
    e->ip_service_categories.clear();
    bool is_array = false;
    return Api::Elements(v, depth, &is_array, [this](size_t, Value c, int d) -> error_code {
      JsonKind kind;
      SIMDJSON_TRY(Api::Kind(c, &kind));
      Text name;
      if (kind == JsonKind::kString) {
        SIMDJSON_TRY(Api::ScalarText(c, d, &name, spare));
      } else {
        SIMDJSON_TRY(OneField(c, d, "name", [this, &name](Value x, int dx) {
          return Api::ScalarText(x, dx, &name, spare);
        }));
      }
      if (!name.empty()) e->ip_service_categories.push_back(std::move(name));
      return simdjson::SUCCESS;
    });
  }

  error_code Security(Value v, int depth) {
    e->as_number.reset();
    e->is_proxy.reset();
    Empty(&e->risk_level);
    e->user_behaviors.clear();
    e->ip_service_categories.clear();
    return Api::Fields(v, depth, [this](std::string_view key, Value x, int d) -> error_code {
      if (Is(key, "asNumber")) return Api::IntValue(x, d, &e->as_number);
      if (Is(key, "isProxy")) return Api::BoolValue(x, d, &e->is_proxy);
      if (Is(key, "risk")) {
        Empty(&e->risk_level);
        return OneField(x, d, "level", [this](Value y, int dy) {
          return Api::ScalarText(y, dy, &e->risk_level, spare);
        });
      }
      if (Is(key, "userBehaviors")) return UserBehaviors(x, d);
      if (Is(key, "ipDetails")) {
        e->ip_service_categories.clear();
        return OneField(x, d, "ipServiceCategories",
                        [this](Value y, int dy) { return ServiceCategories(y, dy); });
      }
      return Api::Skip(x, d);
    });
  }

  error_code Device(Value v, int depth) {
    e->has_device = false;
    Empty(&e->device_os_platform);
    e->device_managed.reset();
    e->device_registered.reset();
    e->device_jailbreak.reset();
    JsonKind kind;
    SIMDJSON_TRY(Api::Kind(v, &kind));
    e->has_device = kind == JsonKind::kObject;
    return Api::Fields(v, depth, [this](std::string_view key, Value x, int d) {
      if (Is(key, "os_platform")) return Api::ScalarText(x, d, &e->device_os_platform, spare);
      if (Is(key, "managed")) return Api::BoolValue(x, d, &e->device_managed);
      if (Is(key, "registered")) return Api::BoolValue(x, d, &e->device_registered);
      if (Is(key, "jailbreak")) return Api::BoolValue(x, d, &e->device_jailbreak);
      return Api::Skip(x, d);
    });
  }

  error_code Outcome(Value v, int depth) {
    Empty(&e->outcome_result);
    Empty(&e->outcome_reason);
    return Api::Fields(v, depth, [this](std::string_view key, Value x, int d) {
      if (Is(key, "result")) return Api::ScalarText(x, d, &e->outcome_result, spare);
      if (Is(key, "reason")) return Api::ScalarText(x, d, &e->outcome_reason, spare);
      return Api::Skip(x, d);
    });
  }

  error_code Targets(Value v, int depth) {
    e->targets.clear();
    bool is_array = false;
    return Api::Elements(v, depth, &is_array, [this](size_t, Value t, int d) -> error_code {
      JsonKind kind;
      SIMDJSON_TRY(Api::Kind(t, &kind));
      if (kind != JsonKind::kObject) return Api::Skip(t, d);
      auto& target = spare->AddTarget(&e->targets);
      return Api::Fields(t, d, [this, &target](std::string_view key, Value x, int dx) {
        if (Is(key, "id")) return Api::ScalarText(x, dx, &target.id, spare);
        if (Is(key, "type")) return Api::ScalarText(x, dx, &target.type, spare);
        if (Is(key, "alternateId")) return Api::ScalarText(x, dx, &target.alternate_id, spare);
        if (Is(key, "displayName")) return Api::ScalarText(x, dx, &target.display_name, spare);
        if (Is(key, "detailEntry")) return Api::StringMapValue(x, dx, &target.detail, spare);
        return Api::Skip(x, dx);
      });
    });
  }
};

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_LOG_EVENT_READING_H_
