// The C API (include/verdict/c_api.h) over verdict::core.
//
// Every extern "C" function catches everything: a C++ exception must never
// unwind into a C, Lua or Go caller. The handles are plain C++ objects
// behind opaque C types; the context handle keeps spare strings so a reused
// handle refills its lists without allocating (StringList below).
#include "verdict/c_api.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/model/json_walker.h"
#include "nlohmann/json.hpp"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/ip_address.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/session.h"

#ifndef VERDICT_VERSION_STRING
#error "VERDICT_VERSION_STRING is defined by CMakeLists.txt from project(VERSION)"
#endif

// The header's version macros follow project(VERSION) in CMakeLists.txt.
static_assert(VERDICT_VERSION_MAJOR == VERDICT_BUILD_VERSION_MAJOR &&
                  VERDICT_VERSION_MINOR == VERDICT_BUILD_VERSION_MINOR &&
                  VERDICT_VERSION_PATCH == VERDICT_BUILD_VERSION_PATCH,
              "include/verdict/c_api.h VERDICT_VERSION_* differ from project(VERSION)");
static_assert(VERDICT_POLICY_USER_LIFECYCLE + 1 == verdict::kPolicyTypeCount,
              "a policy type was added: give it a VERDICT_POLICY_* value in c_api.h");
static_assert(static_cast<int>(verdict::PolicyType::kAccessPolicy) ==
                      VERDICT_POLICY_ACCESS_POLICY &&
                  static_cast<int>(verdict::PolicyType::kUserLifecycle) ==
                      VERDICT_POLICY_USER_LIFECYCLE,
              "VERDICT_POLICY_* values are PolicyType's");
static_assert(static_cast<int>(verdict::Outcome::kNone) == VERDICT_OUTCOME_NONE &&
                  static_cast<int>(verdict::Outcome::kAllow) == VERDICT_OUTCOME_ALLOW &&
                  static_cast<int>(verdict::Outcome::kDeny) == VERDICT_OUTCOME_DENY &&
                  static_cast<int>(verdict::Outcome::kChallenge) == VERDICT_OUTCOME_CHALLENGE,
              "VERDICT_OUTCOME_* values are Outcome's");

namespace verdict::capi {
namespace {

// Replaces `*out` with `value` in its own capacity. clear() + append() is a
// bounds check and a copy; assign() goes through the general _M_replace.
void Assign(std::string* out, std::string_view value) {
  out->clear();
  out->append(value.data(), value.size());
}

// A list of strings that keeps the strings it held: Clear() moves them to a
// spare pool (moving a string does not allocate) and Add() takes one back and
// assigns into its capacity, so refilling a list no longer than before, with
// strings no longer than before, allocates nothing.
class StringList {
 public:
  explicit StringList(std::vector<std::string>* list) : list_(list) {}
  void Clear() {
    while (!list_->empty()) {
      spare_.push_back(std::move(list_->back()));
      list_->pop_back();
    }
  }
  void Add(std::string_view value) {
    if (spare_.empty()) {
      list_->emplace_back(value);
    } else {
      list_->push_back(std::move(spare_.back()));
      spare_.pop_back();
      Assign(&list_->back(), value);
    }
  }

 private:
  std::vector<std::string>* list_;
  std::vector<std::string> spare_;
};

// Copies a C string and NUL-terminates it for the caller (freed with
// verdict_free, i.e. free()).
char* CopyOut(std::string_view text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

std::string JsonQuote(std::string_view text) {
  // dump() with replace so invalid UTF-8 in user data never throws.
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// {"error": "<message>"}: the §3 error object of a context that cannot be
// parsed, without the line number (there is one context).
std::string JsonError(std::string_view message) {
  return absl::StrCat("{\"error\": ", JsonQuote(message), "}");
}

void SetError(char** error, std::string_view message) {
  if (error != nullptr) *error = CopyOut(message);
}

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string_view View(const char* text, size_t len) {
  return len == 0 ? std::string_view() : std::string_view(text, len);
}

void AssignUpper(std::string* out, std::string_view value) {
  Assign(out, value);
  for (char& ch : *out) ch = absl::ascii_toupper(static_cast<unsigned char>(ch));
}

std::string_view StatusMessage(const absl::Status& status) {
  return std::string_view(status.message().data(), status.message().size());
}

}  // namespace

// The engine handle holds the current compiled set as verdict::Engine does
// (an atomic shared_ptr swapped by reload, never locked by evaluators), with
// the snapshot's type list computed once at load and published together with
// the set, so "every type the snapshot has" costs nothing per call and never
// pairs one snapshot's set with another's types.
struct Served {
  std::shared_ptr<const CompiledPolicySet> set;
  std::vector<PolicyType> types;  // set->snapshot().Types()
  std::string warnings;           // the load's and compile's, one per line
};

std::atomic<uint64_t> next_engine_id{1};

struct Engine {
  // Unique for the life of the process (an address may be reused).
  const uint64_t id = next_engine_id.fetch_add(1, std::memory_order_relaxed);
  std::atomic<std::shared_ptr<const Served>> served;
  // Bumped (read-modify-write, so concurrent reloads form one release
  // sequence) after each swap. A result holding the set of the current
  // generation reuses it: one plain load instead of the atomic shared_ptr's
  // lock and reference count, which every evaluating thread would write.
  std::atomic<uint64_t> generation{0};

  void Publish(std::shared_ptr<const Served> next) {
    served.store(std::move(next), std::memory_order_release);
    generation.fetch_add(1, std::memory_order_acq_rel);
  }
};

// Loads and compiles a snapshot with its type list. The error names the
// file and JSON pointer (LoadAndCompile's status).
absl::StatusOr<std::shared_ptr<const Served>> Load(const char* snapshot_dir) {
  if (snapshot_dir == nullptr) return absl::InvalidArgumentError("snapshot_dir is NULL");
  IssueList issues;
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
      LoadAndCompile(snapshot_dir, &issues);
  if (!set.ok()) return set.status();
  auto served = std::make_shared<Served>();
  served->types = (*set)->snapshot().Types();
  for (const Issue& issue : issues) {
    if (!issue.is_error()) absl::StrAppend(&served->warnings, issue.ToString(), "\n");
  }
  served->set = *std::move(set);
  return std::shared_ptr<const Served>(std::move(served));
}

struct Context {
  Context()
      : groups(&context.user.groups),
        assurance(&context.device.assurance),
        behaviors(&context.behaviors) {}
  SignOnContext context;
  StringList groups;
  StringList assurance;
  StringList behaviors;
  std::string error;

  int Fail(int code, std::string_view message) {
    error.assign(message.data(), message.size());
    return code;
  }
  // Which groups of fields a setter has touched since the last Reset, so a
  // reset clears only those (the rest of SignOnContext is never set by the
  // builder and keeps its default).
  enum Field : uint32_t {
    kId = 1u << 0,
    kPolicyTypes = 1u << 1,
    kApp = 1u << 2,
    kUser = 1u << 3,
    kGroups = 1u << 4,
    kProfile = 1u << 5,
    kIpChain = 1u << 6,
    kGeo = 1u << 7,
    kAsn = 1u << 8,
    kProxyType = 1u << 9,
    kDevice = 1u << 10,
    kAssurance = 1u << 11,
    kRisk = 1u << 12,
    kBehaviors = 1u << 13,
    kAuthType = 1u << 14,
    kIdentityProvider = 1u << 15,
    kTime = 1u << 16,
  };
  uint32_t dirty = 0;

  void Reset() {
    SignOnContext& c = context;
    const uint32_t d = dirty;
    if (d & kId) c.id.clear();
    if (d & kPolicyTypes) c.policy_types.clear();
    if (d & kApp) c.app_id.clear();
    if (d & kUser) {
      c.user.id.clear();
      c.user.login.clear();
      c.user.status.clear();
      c.user.type.clear();
    }
    if (d & kGroups) groups.Clear();
    if (d & kProfile) c.user.profile.clear();
    if (d & kIpChain) c.ip_chain.clear();
    if (d & kGeo) c.geo.reset();
    if (d & kAsn) c.asn.reset();
    if (d & kProxyType) c.proxy_type.reset();
    if (d & kDevice) {
      c.device.platform_type.clear();
      c.device.os_type.clear();
      c.device.registered.reset();
      c.device.managed.reset();
    }
    if (d & kAssurance) assurance.Clear();
    if (d & kRisk) c.risk_level.reset();
    if (d & kBehaviors) behaviors.Clear();
    if (d & kAuthType) c.auth_type.assign("ANY");
    if (d & kIdentityProvider) {
      c.identity_provider_type.assign("OKTA");
      c.identity_provider_id.clear();
    }
    if (d & kTime) c.time.reset();
    dirty = 0;
    error.clear();
  }
};

struct Result {
  std::shared_ptr<const Served> served;  // keeps the decisions' snapshot alive
  uint64_t engine_id = 0;                // the engine and generation `served` came from
  uint64_t generation = 0;
  std::array<Decision, kPolicyTypeCount> decisions;
  size_t count = 0;
  std::string context_id;
  bool has_app = false;  // the combined outcome needs an app
  // The context carried a valid Okta session (OktaSessionValid), judged when
  // evaluated: the combined outcome is then the app's.
  bool okta_session_valid = false;

  const Decision* At(size_t i) const { return i < count ? &decisions[i] : nullptr; }
};

}  // namespace verdict::capi

struct verdict_engine : verdict::capi::Engine {};
struct verdict_context : verdict::capi::Context {};
struct verdict_result : verdict::capi::Result {};

using verdict::capi::Assign;
using verdict::capi::AssignUpper;
using verdict::capi::Av;
using verdict::capi::View;

namespace {

// Runs `body` for a setter: NULL checks and the catch-all.
template <typename Body>
int Setter(verdict_context* context, Body body) {
  if (context == nullptr) return VERDICT_ERR_ARGUMENT;
  try {
    context->error.clear();
    return body(*context);
  } catch (const std::bad_alloc&) {
    return context->Fail(VERDICT_ERR_INTERNAL, "out of memory");
  } catch (...) {
    return context->Fail(VERDICT_ERR_INTERNAL, "internal error");
  }
}

// A string setter: NULL text is an error unless `len` is 0.
template <typename Body>
int StringSetter(verdict_context* context, const char* text, size_t len, const char* pointer,
                 Body body) {
  return Setter(context, [&](verdict_context& c) {
    if (text == nullptr && len != 0) {
      return c.Fail(VERDICT_ERR_ARGUMENT, absl::StrCat(pointer, ": NULL string"));
    }
    body(c, View(text, len));
    return VERDICT_OK;
  });
}

int SetTristate(verdict_context* context, int value,
                std::optional<bool> verdict::ContextDevice::*field, const char* pointer) {
  return Setter(context, [&](verdict_context& c) {
    if (value < -1 || value > 1) {
      return c.Fail(VERDICT_ERR_ARGUMENT,
                    absl::StrCat(pointer, ": expected 1, 0 or -1, got ", value));
    }
    std::optional<bool>& slot = c.context.device.*field;
    if (value < 0) {
      slot.reset();
    } else {
      slot = value == 1;
    }
    c.dirty |= verdict_context::kDevice;
    return VERDICT_OK;
  });
}

const verdict::Decision* DecisionAt(const verdict_result* result, size_t i) {
  return result == nullptr ? nullptr : result->At(i);
}

}  // namespace

extern "C" {

const char* verdict_version(void) { return VERDICT_VERSION_STRING; }

int verdict_version_number(void) {
  return VERDICT_BUILD_VERSION_MAJOR * 10000 + VERDICT_BUILD_VERSION_MINOR * 100 +
         VERDICT_BUILD_VERSION_PATCH;
}

verdict_engine* verdict_engine_open(const char* snapshot_dir, char** error) {
  if (error != nullptr) *error = nullptr;
  try {
    absl::StatusOr<std::shared_ptr<const verdict::capi::Served>> served =
        verdict::capi::Load(snapshot_dir);
    if (!served.ok()) {
      verdict::capi::SetError(error, verdict::capi::StatusMessage(served.status()));
      return nullptr;
    }
    auto* engine = new verdict_engine();
    engine->Publish(*std::move(served));
    return engine;
  } catch (const std::bad_alloc&) {
    verdict::capi::SetError(error, "out of memory");
  } catch (...) {
    verdict::capi::SetError(error, "internal error");
  }
  return nullptr;
}

int verdict_engine_reload(verdict_engine* engine, const char* snapshot_dir, char** error) {
  if (error != nullptr) *error = nullptr;
  if (engine == nullptr) {
    verdict::capi::SetError(error, "engine is NULL");
    return VERDICT_ERR_ARGUMENT;
  }
  try {
    absl::StatusOr<std::shared_ptr<const verdict::capi::Served>> served =
        verdict::capi::Load(snapshot_dir);
    if (!served.ok()) {
      verdict::capi::SetError(error, verdict::capi::StatusMessage(served.status()));
      return snapshot_dir == nullptr ? VERDICT_ERR_ARGUMENT : VERDICT_ERR_SNAPSHOT;
    }
    engine->Publish(*std::move(served));
    return VERDICT_OK;
  } catch (const std::bad_alloc&) {
    verdict::capi::SetError(error, "out of memory");
  } catch (...) {
    verdict::capi::SetError(error, "internal error");
  }
  return VERDICT_ERR_INTERNAL;
}

char* verdict_evaluate_json(verdict_engine* engine, const char* context_json, size_t len) {
  try {
    std::string out;
    if (engine == nullptr) {
      out = R"({"error": "engine is NULL"})";
    } else if (context_json == nullptr) {
      out = R"({"error": "context_json is NULL"})";
    } else {
      absl::StatusOr<verdict::SignOnContext> context =
          verdict::ParseContext(std::string_view(context_json, len));
      if (!context.ok()) {
        // The §3 error object, without a line number (there is one context).
        out = verdict::capi::JsonError(verdict::capi::StatusMessage(context.status()));
      } else {
        const std::shared_ptr<const verdict::capi::Served> served =
            engine->served.load(std::memory_order_acquire);
        verdict::AppendDecisionLines(*served->set, *context, served->types, &out);
      }
    }
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
    return verdict::capi::CopyOut(out);
  } catch (...) {
    return verdict::capi::CopyOut("{\"error\": \"internal error\"}\n");
  }
}

char* verdict_engine_warnings(verdict_engine* engine) {
  if (engine == nullptr) return nullptr;
  try {
    const std::shared_ptr<const verdict::capi::Served> served =
        engine->served.load(std::memory_order_acquire);
    return verdict::capi::CopyOut(served->warnings);
  } catch (...) {
    return nullptr;
  }
}

void verdict_free(void* p) { std::free(p); }

void verdict_engine_close(verdict_engine* engine) { delete engine; }

const char* verdict_policy_type_name(int policy_type) {
  if (policy_type < 0 || policy_type >= verdict::kPolicyTypeCount) return nullptr;
  // PolicyTypeName returns views of string literals: NUL-terminated.
  return verdict::PolicyTypeName(static_cast<verdict::PolicyType>(policy_type)).data();
}

int verdict_policy_type_from_name(const char* name, size_t len) {
  if (name == nullptr) return VERDICT_POLICY_UNKNOWN;
  try {
    const std::optional<verdict::PolicyType> type =
        verdict::ParsePolicyType(std::string_view(name, len));
    return type.has_value() ? static_cast<int>(*type) : VERDICT_POLICY_UNKNOWN;
  } catch (...) {
    return VERDICT_POLICY_UNKNOWN;
  }
}

const char* verdict_outcome_name(int outcome) {
  if (outcome < VERDICT_OUTCOME_NONE || outcome > VERDICT_OUTCOME_CHALLENGE) return nullptr;
  return verdict::OutcomeName(static_cast<verdict::Outcome>(outcome)).data();
}

verdict_context* verdict_context_new(void) {
  try {
    return new verdict_context();
  } catch (...) {
    return nullptr;
  }
}

void verdict_context_free(verdict_context* context) { delete context; }

int verdict_context_reset(verdict_context* context) {
  return Setter(context, [](verdict_context& c) {
    c.Reset();
    return VERDICT_OK;
  });
}

const char* verdict_context_errmsg(const verdict_context* context) {
  return context == nullptr ? "context is NULL" : context->error.c_str();
}

int verdict_context_set_id(verdict_context* context, const char* id, size_t len) {
  return StringSetter(context, id, len, "/id", [](verdict_context& c, std::string_view v) {
    Assign(&c.context.id, v);
    c.dirty |= verdict_context::kId;
  });
}

int verdict_context_add_policy_type(verdict_context* context, int policy_type) {
  return Setter(context, [&](verdict_context& c) {
    if (policy_type < 0 || policy_type >= verdict::kPolicyTypeCount) {
      return c.Fail(VERDICT_ERR_ARGUMENT,
                    absl::StrCat("/policyTypes: unknown policy type ", policy_type));
    }
    c.context.policy_types.push_back(static_cast<verdict::PolicyType>(policy_type));
    c.dirty |= verdict_context::kPolicyTypes;
    return VERDICT_OK;
  });
}

int verdict_context_set_app(verdict_context* context, const char* app_id, size_t len) {
  return StringSetter(context, app_id, len, "/app/id", [](verdict_context& c, std::string_view v) {
    Assign(&c.context.app_id, v);
    c.dirty |= verdict_context::kApp;
  });
}

int verdict_context_set_user_id(verdict_context* context, const char* id, size_t len) {
  return StringSetter(context, id, len, "/user/id", [](verdict_context& c, std::string_view v) {
    Assign(&c.context.user.id, v);
    c.dirty |= verdict_context::kUser;
  });
}

int verdict_context_set_user_login(verdict_context* context, const char* login, size_t len) {
  return StringSetter(context, login, len, "/user/login",
                      [](verdict_context& c, std::string_view v) {
                        Assign(&c.context.user.login, v);
                        c.dirty |= verdict_context::kUser;
                      });
}

int verdict_context_set_user_status(verdict_context* context, const char* status, size_t len) {
  return StringSetter(context, status, len, "/user/status",
                      [](verdict_context& c, std::string_view v) {
                        AssignUpper(&c.context.user.status, v);
                        c.dirty |= verdict_context::kUser;
                      });
}

int verdict_context_set_user_type(verdict_context* context, const char* type_id, size_t len) {
  return StringSetter(context, type_id, len, "/user/type",
                      [](verdict_context& c, std::string_view v) {
                        Assign(&c.context.user.type, v);
                        c.dirty |= verdict_context::kUser;
                      });
}

int verdict_context_add_group(verdict_context* context, const char* group_id, size_t len) {
  return StringSetter(context, group_id, len, "/user/groups",
                      [](verdict_context& c, std::string_view v) {
                        c.groups.Add(v);
                        c.dirty |= verdict_context::kGroups;
                      });
}

int verdict_context_set_user_profile_json(verdict_context* context, const char* key, size_t key_len,
                                          const char* json, size_t json_len) {
  return Setter(context, [&](verdict_context& c) {
    if ((key == nullptr && key_len != 0) || (json == nullptr && json_len != 0)) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/user/profile: NULL string");
    }
    verdict::IssueList issues;
    std::optional<verdict::model_internal::Json> value =
        verdict::model_internal::ParseJson(View(json, json_len), "", &issues);
    const std::string ptr = absl::StrCat("/user/profile/", absl::string_view(key, key_len));
    if (!value.has_value()) {
      return c.Fail(VERDICT_ERR_CONTEXT,
                    absl::StrCat(ptr, ": ", issues.empty() ? "not JSON" : issues[0].message));
    }
    c.context.user.profile[std::string(View(key, key_len))] =
        verdict::model_internal::ToProfileValue(*value);
    c.dirty |= verdict_context::kProfile;
    return VERDICT_OK;
  });
}

int verdict_context_set_user_profile(verdict_context* context, const char* key, size_t key_len,
                                     const char* value, size_t value_len) {
  return Setter(context, [&](verdict_context& c) {
    if ((key == nullptr && key_len != 0) || (value == nullptr && value_len != 0)) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/user/profile: NULL string");
    }
    verdict::ProfileValue& slot = c.context.user.profile[std::string(View(key, key_len))];
    slot.type = verdict::ProfileValue::Type::kString;
    slot.items.clear();
    Assign(&slot.text, View(value, value_len));
    c.dirty |= verdict_context::kProfile;
    return VERDICT_OK;
  });
}

int verdict_context_add_ip(verdict_context* context, const char* ip, size_t len) {
  return Setter(context, [&](verdict_context& c) {
    const size_t index = c.context.ip_chain.size();
    if (ip == nullptr) {
      return c.Fail(VERDICT_ERR_ARGUMENT, absl::StrCat("/ipChain/", index, ": NULL string"));
    }
    absl::StatusOr<verdict::IpAddress> address = verdict::IpAddress::Parse(View(ip, len));
    if (!address.ok()) {
      return c.Fail(VERDICT_ERR_CONTEXT,
                    absl::StrCat("/ipChain/", index, ": ", address.status().message()));
    }
    c.context.ip_chain.push_back(*address);
    c.dirty |= verdict_context::kIpChain;
    return VERDICT_OK;
  });
}

int verdict_context_add_ip_list(verdict_context* context, const char* list, size_t len) {
  return Setter(context, [&](verdict_context& c) {
    if (list == nullptr && len != 0) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/ipChain: NULL string");
    }
    const size_t before = c.context.ip_chain.size();
    std::string_view rest = View(list, len);
    while (true) {
      const size_t comma = rest.find(',');
      std::string_view entry = rest.substr(0, comma);
      while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) {
        entry.remove_prefix(1);
      }
      while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) {
        entry.remove_suffix(1);
      }
      if (!entry.empty()) {
        absl::StatusOr<verdict::IpAddress> address = verdict::IpAddress::Parse(entry);
        if (!address.ok()) {
          const size_t index = c.context.ip_chain.size();
          c.context.ip_chain.resize(before);
          return c.Fail(VERDICT_ERR_CONTEXT,
                        absl::StrCat("/ipChain/", index, ": ", address.status().message()));
        }
        c.context.ip_chain.push_back(*address);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    c.dirty |= verdict_context::kIpChain;
    return VERDICT_OK;
  });
}

int verdict_context_set_geo(verdict_context* context, const char* country, size_t country_len,
                            const char* region, size_t region_len) {
  return Setter(context, [&](verdict_context& c) {
    if ((country == nullptr && country_len != 0) || (region == nullptr && region_len != 0)) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/geo: NULL string");
    }
    // As the JSON form: "CA" in US is "US-CA"; "US-CA" alone gives country US.
    verdict::ContextGeo& geo = c.context.geo.emplace();
    AssignUpper(&geo.country, View(country, country_len));
    AssignUpper(&geo.region, View(region, region_len));
    const size_t dash = geo.region.find('-');
    if (!geo.region.empty() && dash == std::string::npos && !geo.country.empty()) {
      geo.region.insert(0, "-");
      geo.region.insert(0, geo.country);
    } else if (geo.country.empty() && dash != std::string::npos) {
      geo.country.assign(geo.region, 0, dash);
    }
    c.dirty |= verdict_context::kGeo;
    return VERDICT_OK;
  });
}

int verdict_context_set_asn(verdict_context* context, uint32_t asn) {
  return Setter(context, [&](verdict_context& c) {
    c.context.asn = asn;
    c.dirty |= verdict_context::kAsn;
    return VERDICT_OK;
  });
}

int verdict_context_set_proxy_type(verdict_context* context, const char* proxy_type, size_t len) {
  return Setter(context, [&](verdict_context& c) {
    const std::string_view v = proxy_type == nullptr ? std::string_view() : View(proxy_type, len);
    if (v.empty()) {
      c.context.proxy_type = verdict::ProxyType::kNone;
    } else if (absl::EqualsIgnoreCase(Av(v), "TOR")) {
      c.context.proxy_type = verdict::ProxyType::kTor;
    } else if (absl::EqualsIgnoreCase(Av(v), "ANONYMIZER")) {
      c.context.proxy_type = verdict::ProxyType::kAnonymizer;
    } else {
      return c.Fail(VERDICT_ERR_CONTEXT, absl::StrCat("/proxyType: unknown proxy type \"", Av(v),
                                                      "\" (expected TOR, ANONYMIZER or null)"));
    }
    c.dirty |= verdict_context::kProxyType;
    return VERDICT_OK;
  });
}

int verdict_context_set_device_platform(verdict_context* context, const char* platform_type,
                                        size_t type_len, const char* os, size_t os_len) {
  return Setter(context, [&](verdict_context& c) {
    if ((platform_type == nullptr && type_len != 0) || (os == nullptr && os_len != 0)) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/device/platform: NULL string");
    }
    AssignUpper(&c.context.device.platform_type, View(platform_type, type_len));
    AssignUpper(&c.context.device.os_type, View(os, os_len));
    if (c.context.device.os_type == "OSX") c.context.device.os_type.assign("MACOS");
    c.dirty |= verdict_context::kDevice;
    return VERDICT_OK;
  });
}

int verdict_context_set_device_registered(verdict_context* context, int registered) {
  return SetTristate(context, registered, &verdict::ContextDevice::registered,
                     "/device/registered");
}

int verdict_context_set_device_managed(verdict_context* context, int managed) {
  return SetTristate(context, managed, &verdict::ContextDevice::managed, "/device/managed");
}

int verdict_context_add_device_assurance(verdict_context* context, const char* policy_id,
                                         size_t len) {
  return StringSetter(context, policy_id, len, "/device/assurance",
                      [](verdict_context& c, std::string_view v) {
                        c.assurance.Add(v);
                        c.dirty |= verdict_context::kAssurance;
                      });
}

int verdict_context_set_risk(verdict_context* context, const char* level, size_t len) {
  return Setter(context, [&](verdict_context& c) {
    if (level == nullptr && len != 0) return c.Fail(VERDICT_ERR_ARGUMENT, "/risk: NULL string");
    const std::string_view v = View(level, len);
    if (v.empty() || absl::EqualsIgnoreCase(Av(v), "ANY")) {
      c.context.risk_level.reset();
      return VERDICT_OK;
    }
    const std::optional<verdict::RiskLevel> parsed = verdict::ParseRiskLevel(v);
    if (!parsed.has_value()) {
      return c.Fail(VERDICT_ERR_CONTEXT, absl::StrCat("/risk/level: unknown risk level \"", Av(v),
                                                      "\" (expected LOW, MEDIUM or HIGH)"));
    }
    c.context.risk_level = parsed;
    c.dirty |= verdict_context::kRisk;
    return VERDICT_OK;
  });
}

int verdict_context_add_behavior(verdict_context* context, const char* behavior, size_t len) {
  return StringSetter(context, behavior, len, "/behaviors",
                      [](verdict_context& c, std::string_view v) {
                        c.behaviors.Add(v);
                        c.dirty |= verdict_context::kBehaviors;
                      });
}

int verdict_context_set_auth_type(verdict_context* context, const char* auth_type, size_t len) {
  return StringSetter(context, auth_type, len, "/authType",
                      [](verdict_context& c, std::string_view v) {
                        if (v.empty()) {
                          c.context.auth_type.assign("ANY");
                        } else {
                          AssignUpper(&c.context.auth_type, v);
                        }
                        c.dirty |= verdict_context::kAuthType;
                      });
}

int verdict_context_set_identity_provider(verdict_context* context, const char* type,
                                          size_t type_len, const char* idp_id, size_t id_len) {
  return Setter(context, [&](verdict_context& c) {
    if ((type == nullptr && type_len != 0) || (idp_id == nullptr && id_len != 0)) {
      return c.Fail(VERDICT_ERR_ARGUMENT, "/identityProvider: NULL string");
    }
    const std::string_view t = View(type, type_len);
    if (t.empty()) {
      c.context.identity_provider_type.assign("OKTA");
    } else {
      AssignUpper(&c.context.identity_provider_type, t);
    }
    Assign(&c.context.identity_provider_id, View(idp_id, id_len));
    c.dirty |= verdict_context::kIdentityProvider;
    return VERDICT_OK;
  });
}

int verdict_context_set_time(verdict_context* context, int64_t unix_seconds) {
  return Setter(context, [&](verdict_context& c) {
    c.context.time = absl::FromUnixSeconds(unix_seconds);
    c.dirty |= verdict_context::kTime;
    return VERDICT_OK;
  });
}

verdict_result* verdict_result_new(void) {
  try {
    return new verdict_result();
  } catch (...) {
    return nullptr;
  }
}

void verdict_result_free(verdict_result* result) { delete result; }

int verdict_evaluate(verdict_engine* engine, const verdict_context* context, int policy_type,
                     verdict_result* result) {
  if (result != nullptr) result->count = 0;
  if (engine == nullptr || context == nullptr || result == nullptr) return VERDICT_ERR_ARGUMENT;
  if (policy_type != VERDICT_POLICY_ALL &&
      (policy_type < 0 || policy_type >= verdict::kPolicyTypeCount)) {
    return VERDICT_ERR_ARGUMENT;
  }
  try {
    // The engine's current set, reloaded only when a reload has published a
    // new one since this result last looked (no allocation either way).
    const uint64_t generation = engine->generation.load(std::memory_order_acquire);
    if (result->engine_id != engine->id || result->generation != generation) {
      result->served = engine->served.load(std::memory_order_acquire);
      result->engine_id = engine->id;
      result->generation = generation;
    }
    const verdict::CompiledPolicySet& set = *result->served->set;
    const verdict::SignOnContext& ctx = context->context;
    Assign(&result->context_id, ctx.id);
    result->has_app = !ctx.app_id.empty();
    if (policy_type != VERDICT_POLICY_ALL) {
      result->decisions[0] = set.Evaluate(ctx, static_cast<verdict::PolicyType>(policy_type));
      result->count = 1;
      return VERDICT_OK;
    }
    size_t n = 0;
    const absl::Span<const verdict::PolicyType> types =
        verdict::TypesToEvaluate(ctx, result->served->types);
    if (types.size() > 1) {
      // Several types: one pass (the chain, zones and group lookups once).
      const std::array<verdict::Decision, verdict::kPolicyTypeCount> all = set.EvaluateAll(ctx);
      for (const verdict::PolicyType type : types) {
        if (n == result->decisions.size()) break;  // a context listing a type twice
        result->decisions[n++] = all[static_cast<size_t>(type)];
      }
    } else {
      for (const verdict::PolicyType type : types) result->decisions[n++] = set.Evaluate(ctx, type);
    }
    result->count = n;
    result->okta_session_valid = false;
    for (size_t i = 0; i < n; ++i) {
      if (result->decisions[i].type == verdict::PolicyType::kOktaSignOn) {
        result->okta_session_valid = verdict::OktaSessionValid(ctx, result->decisions[i]);
      }
    }
    return VERDICT_OK;
  } catch (...) {
    result->count = 0;
    return VERDICT_ERR_INTERNAL;
  }
}

size_t verdict_result_count(const verdict_result* result) {
  return result == nullptr ? 0 : result->count;
}

int verdict_result_policy_type(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr ? -1 : static_cast<int>(d->type);
}

int verdict_result_outcome(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr ? -1 : static_cast<int>(d->outcome);
}

int verdict_result_blocked(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d != nullptr && d->blocked ? 1 : 0;
}

const char* verdict_result_blocking_zone_id(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr || !d->blocked || d->blocking_zone == nullptr ? nullptr
                                                                    : d->blocking_zone->id.c_str();
}

const char* verdict_result_policy_id(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr || d->policy == nullptr ? nullptr : d->policy->id.c_str();
}

const char* verdict_result_policy_name(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr || d->policy == nullptr ? nullptr : d->policy->name.c_str();
}

const char* verdict_result_rule_id(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr || d->rule == nullptr ? nullptr : d->rule->id.c_str();
}

const char* verdict_result_rule_name(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d == nullptr || d->rule == nullptr ? nullptr : d->rule->name.c_str();
}

int verdict_result_require_factor(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  return d != nullptr && d->require_factor() ? 1 : 0;
}

const char* verdict_result_actions_json(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  if (d == nullptr || d->rule == nullptr) return nullptr;
  return d->rule->actions_json.empty() ? "{}" : d->rule->actions_json.c_str();
}

int verdict_result_combined_outcome(const verdict_result* result) {
  if (result == nullptr || !result->has_app) return -1;
  const verdict::Decision* global_session = nullptr;
  const verdict::Decision* app = nullptr;
  for (size_t i = 0; i < result->count; ++i) {
    const verdict::Decision& d = result->decisions[i];
    if (d.type == verdict::PolicyType::kOktaSignOn) global_session = &d;
    if (d.type == verdict::PolicyType::kAccessPolicy) app = &d;
  }
  if (global_session == nullptr || app == nullptr) return -1;
  return static_cast<int>(
      verdict::CombineIdentityEngineOutcome(*global_session, *app, result->okta_session_valid));
}

char* verdict_result_json(const verdict_result* result, size_t i) {
  const verdict::Decision* d = DecisionAt(result, i);
  if (d == nullptr) return nullptr;
  try {
    return verdict::capi::CopyOut(verdict::DecisionToJsonLine(result->context_id, *d));
  } catch (...) {
    return nullptr;
  }
}

}  // extern "C"
