// ContextReader: a context line onto simdjson's tape, then the tape into a
// reused SignOnContext. ParseContext (lib/model/context_parser.cc) is the
// definition: the reading here is its happy path only. Every read below
// returns false ("not mine") where ParseContext would record an error or a
// warning, or where nlohmann and simdjson might not hold the same value;
// such a line goes to ParseContext, so messages, JSON pointers and warnings
// are its own. tests/logs/context_reader_test.cc compares both on fixtures,
// random contexts and hostile input.
//
// What falls back, and why:
//   * a simdjson error (syntax, a byte order mark, an integer beyond 64 bits,
//     nesting beyond simdjson's limit): ParseContext reports or reads it;
//   * a duplicate key: nlohmann keeps the last value at the first place, a
//     detail not worth copying;
//   * a member ParseContext warns about (unknown names outside comments);
//   * "\uD800".."\uDFFF" anywhere in the text: surrogate escapes, where the
//     two parsers' checks (a lone low surrogate, say) need not agree;
//   * a value whose type or content is an error (a bad IP, time, level ...);
//   * profile values other than strings, integers, booleans, null and
//     arrays of plain ASCII strings (their JSON text is nlohmann's dump);
//   * nesting deeper than kMaxDepth, refused by simdjson itself: far below
//     ParseContext's limit (256), which a value it ignores (a comment, an
//     extra member of {"ip": ...}) could otherwise exceed unseen.
#include "verdict/context_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
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
#include "lib/logs/context_reset.h"
#include "lib/logs/log_event_padding.h"
#include "verdict/authenticators.h"
#include "verdict/timestamp.h"

namespace verdict {
namespace {

namespace dom = simdjson::dom;
using simdjson::SUCCESS;

static_assert(kLogEventPadding >= simdjson::SIMDJSON_PADDING,
              "the padded copy must leave simdjson's padding");

// Far below ParseContext's nesting limit (256), far above what a context
// holds (5 levels: user, profile, an array) or a comment needs.
constexpr size_t kMaxDepth = 64;

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

void Upper(std::string* s) { absl::AsciiStrToUpper(s); }

bool IEquals(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(Av(a), Av(b));
}

// True when `text` escapes a UTF-16 surrogate ("\uD8..".."\uDF..").
bool EscapesSurrogate(std::string_view text) {
  for (size_t at = text.find('\\'); at != std::string_view::npos; at = text.find('\\', at + 1)) {
    if (at + 3 < text.size() && text[at + 1] == 'u' && (text[at + 2] | 0x20) == 'd') {
      const char c = static_cast<char>(text[at + 3] | 0x20);
      if ((c >= '8' && c <= '9') || (c >= 'a' && c <= 'f')) return true;
    }
  }
  return false;
}

// The object or array `v` is (its type checked by the caller; empty
// otherwise). A named value: a range-for over a simdjson_result temporary
// would dangle.
dom::object ObjectOf(dom::element v) {
  dom::object object;
  if (v.get_object().get(object) != SUCCESS) return {};
  return object;
}
dom::array ArrayOf(dom::element v) {
  dom::array array;
  if (v.get_array().get(array) != SUCCESS) return {};
  return array;
}

// What ParseContext does with a member not in an object's list.
enum class Unknown {
  kWarned,   // WarnUnknownFields: a warning unless a comment ("$", "_", verdictLog)
  kIgnored,  // read with Walker::Has/find only: silently ignored
};

// The members of one object named in `Names` (a std::array of names), by
// index; a JSON null counts as given (proxyType tells null from absent).
template <const auto& Names>
struct Members {
  static constexpr size_t kCount = Names.size();
  std::array<dom::element, kCount> value;
  uint32_t given = 0;

  // Present and not null: Walker::Has.
  bool Has(size_t i) const { return (given >> i & 1) != 0 && !value[i].is_null(); }
  bool Given(size_t i) const { return (given >> i & 1) != 0; }
  dom::element_type Type(size_t i) const { return value[i].type(); }

  // False on a duplicate name and on a member ParseContext would warn about.
  bool Collect(dom::element object, Unknown unknown) {
    static_assert(kCount <= 32);
    for (dom::key_value_pair member : ObjectOf(object)) {
      size_t i = 0;
      while (i < kCount && Names[i] != member.key) ++i;
      if (i < kCount) {
        if (Given(i)) return false;
        given |= uint32_t{1} << i;
        value[i] = member.value;
        continue;
      }
      const std::string_view key = member.key;
      const bool comment = !key.empty() && (key[0] == '$' || key[0] == '_' || key == "verdictLog");
      if (unknown == Unknown::kWarned && !comment) return false;
    }
    return true;
  }
};

std::string_view Text(dom::element v) { return v.get_string().value_unsafe(); }

// Walker::String: absent or null leaves `out` as it is.
template <typename M>
bool ReadString(const M& m, size_t i, std::string* out) {
  if (!m.Has(i)) return true;
  if (m.Type(i) != dom::element_type::STRING) return false;
  out->assign(Text(m.value[i]));
  return true;
}

template <typename M>
bool ReadBool(const M& m, size_t i, std::optional<bool>* out) {
  if (!m.Has(i)) return true;
  if (m.Type(i) != dom::element_type::BOOL) return false;
  *out = m.value[i].get_bool().value_unsafe();
  return true;
}

// Walker::StringList into `out`, which holds the previous line's strings:
// they are overwritten in place, so their buffers serve again. Absent or
// null: no strings.
template <typename M>
bool ReadStrings(const M& m, size_t i, std::vector<std::string>* out, bool upper = false) {
  size_t n = 0;
  if (m.Has(i)) {
    if (m.Type(i) != dom::element_type::ARRAY) return false;
    for (dom::element item : ArrayOf(m.value[i])) {
      if (item.type() != dom::element_type::STRING) return false;
      if (n < out->size()) {
        (*out)[n].assign(Text(item));
      } else {
        out->emplace_back(Text(item));
      }
      if (upper) Upper(&(*out)[n]);
      ++n;
    }
  }
  out->resize(n);
  return true;
}

// RFC 3339 time, as ParseTime in context_parser.cc.
template <typename M>
bool ReadTime(const M& m, size_t i, std::optional<absl::Time>* out) {
  if (!m.Has(i)) return true;
  if (m.Type(i) != dom::element_type::STRING) return false;
  absl::Time t;
  std::string err;
  if (!ParseRfc3339(Text(m.value[i]), &t, &err)) return false;
  *out = t;
  return true;
}

// `key` as {"id": "..."} or a bare string (ParseIdObject).
inline constexpr std::array<std::string_view, 1> kIdNames = {"id"};
template <typename M>
bool ReadIdObject(const M& m, size_t i, std::string* out) {
  if (!m.Has(i)) return true;
  if (m.Type(i) == dom::element_type::STRING) {
    out->assign(Text(m.value[i]));
    return true;
  }
  if (m.Type(i) != dom::element_type::OBJECT) return false;
  Members<kIdNames> id;
  return id.Collect(m.value[i], Unknown::kIgnored) && ReadString(id, 0, out);
}

// One profile value as ToProfileValue (json_walker.cc) makes it.
bool ReadProfileValue(dom::element v, ProfileValue* out) {
  switch (v.type()) {
    case dom::element_type::STRING:
      *out = ProfileValue(std::string(Text(v)));
      return true;
    case dom::element_type::INT64:
      *out = ProfileValue::Number(absl::StrCat(v.get_int64().value_unsafe()));
      return true;
    case dom::element_type::UINT64:
      *out = ProfileValue::Number(absl::StrCat(v.get_uint64().value_unsafe()));
      return true;
    case dom::element_type::BOOL:
      *out = ProfileValue::Boolean(v.get_bool().value_unsafe());
      return true;
    case dom::element_type::NULL_VALUE:
      *out = ProfileValue::Null();
      return true;
    case dom::element_type::ARRAY: {
      // nlohmann's dump of an array of plain strings: ["a","b"].
      std::vector<ProfileValue> items;
      std::string json = "[";
      for (dom::element item : ArrayOf(v)) {
        if (item.type() != dom::element_type::STRING) return false;
        const std::string_view s = Text(item);
        for (char c : s) {
          if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
        }
        if (!items.empty()) json += ',';
        absl::StrAppend(&json, "\"", Av(s), "\"");
        items.emplace_back(std::string(s));
      }
      json += ']';
      *out = ProfileValue::Array(std::move(items), std::move(json));
      return true;
    }
    default:
      // Doubles and objects: nlohmann's number and object text.
      return false;
  }
}

inline constexpr std::array<std::string_view, 9> kUserNames = {
    "id", "login", "status", "type", "provider", "providerId", "groups", "profile", "admin"};

bool ReadUser(dom::element u, ContextUser* out) {
  Members<kUserNames> m;
  if (!m.Collect(u, Unknown::kWarned)) return false;
  if (!ReadString(m, 0, &out->id) || !ReadString(m, 1, &out->login) ||
      !ReadString(m, 2, &out->status) || !ReadString(m, 3, &out->type) ||
      !ReadString(m, 4, &out->provider) || !ReadString(m, 5, &out->provider_id) ||
      !ReadStrings(m, 6, &out->groups)) {
    return false;
  }
  Upper(&out->status);
  Upper(&out->provider);
  if (m.Has(8)) {  // a Boolean; anything else is the slow path's error
    if (m.Type(8) != dom::element_type::BOOL) return false;
    out->admin = m.value[8].get_bool().value_unsafe();
  }
  if (m.Has(7)) {
    if (m.Type(7) != dom::element_type::OBJECT) return false;
    for (dom::key_value_pair member : ObjectOf(m.value[7])) {
      auto [it, inserted] = out->profile.try_emplace(std::string(member.key));
      // A duplicate attribute: nlohmann's last value wins; not worth copying.
      if (!inserted || !ReadProfileValue(member.value, &it->second)) return false;
    }
  }
  return true;
}

inline constexpr std::array<std::string_view, 7> kDeviceNames = {
    "platform", "registered", "managed", "remembered", "rooted", "trustLevel", "assurance"};
inline constexpr std::array<std::string_view, 2> kPlatformNames = {"type", "os"};
inline constexpr std::array<std::string_view, 1> kOsNames = {"type"};

bool ReadDevice(dom::element d, ContextDevice* out) {
  Members<kDeviceNames> m;
  if (!m.Collect(d, Unknown::kWarned)) return false;
  if (m.Has(0)) {
    if (m.Type(0) != dom::element_type::OBJECT) return false;
    Members<kPlatformNames> platform;
    if (!platform.Collect(m.value[0], Unknown::kIgnored) ||
        !ReadString(platform, 0, &out->platform_type)) {
      return false;
    }
    Upper(&out->platform_type);
    if (platform.Has(1)) {
      if (platform.Type(1) == dom::element_type::STRING) {
        out->os_type.assign(Text(platform.value[1]));
      } else if (platform.Type(1) == dom::element_type::OBJECT) {
        Members<kOsNames> os;
        if (!os.Collect(platform.value[1], Unknown::kIgnored) || !ReadString(os, 0, &out->os_type))
          return false;
      } else {
        return false;
      }
      Upper(&out->os_type);
      if (out->os_type == "OSX") out->os_type = "MACOS";
    }
  }
  if (!ReadBool(m, 1, &out->registered) || !ReadBool(m, 2, &out->managed) ||
      !ReadBool(m, 3, &out->remembered) || !ReadBool(m, 4, &out->rooted) ||
      !ReadString(m, 5, &out->trust_level) || !ReadStrings(m, 6, &out->assurance)) {
    return false;
  }
  Upper(&out->trust_level);
  return true;
}

// One IP: "a.b.c.d" or {"ip": "..."} (the System Log's shape).
inline constexpr std::array<std::string_view, 1> kIpNames = {"ip"};
bool ReadIp(dom::element v, IpAddress* out) {
  std::string_view text;
  if (v.type() == dom::element_type::STRING) {
    text = Text(v);
  } else if (v.type() == dom::element_type::OBJECT) {
    Members<kIpNames> m;
    if (!m.Collect(v, Unknown::kIgnored) || !m.Has(0) || m.Type(0) != dom::element_type::STRING) {
      return false;
    }
    text = Text(m.value[0]);
  } else {
    return false;
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  if (!ip.ok()) return false;
  *out = *ip;
  return true;
}

bool ReadProxyType(dom::element v, std::optional<ProxyType>* out) {
  if (v.is_null()) {
    *out = ProxyType::kNone;
    return true;
  }
  if (v.type() != dom::element_type::STRING) return false;
  const std::string_view text = Text(v);
  if (text.empty() || IEquals(text, "NONE")) {
    *out = ProxyType::kNone;
  } else if (IEquals(text, "TOR") || IEquals(text, "TorAnonymizer")) {
    *out = ProxyType::kTor;
  } else if (IEquals(text, "ANONYMIZER") || IEquals(text, "NotTorAnonymizer")) {
    *out = ProxyType::kAnonymizer;
  } else {
    return false;
  }
  return true;
}

// A risk level: "HIGH" or {"level": "HIGH"}; "" and "ANY" leave it unset.
inline constexpr std::array<std::string_view, 1> kRiskNames = {"level"};
inline constexpr std::array<std::string_view, 2> kEntityRiskNames = {"level", "detectionTypes"};
bool ReadRiskLevel(std::string_view text, std::optional<RiskLevel>* out) {
  if (text.empty() || IEquals(text, "ANY")) return true;
  *out = ParseRiskLevel(text);
  return out->has_value();
}

bool ReadRisk(dom::element v, std::optional<RiskLevel>* out) {
  if (v.type() == dom::element_type::STRING) return ReadRiskLevel(Text(v), out);
  if (v.type() != dom::element_type::OBJECT) return false;
  Members<kRiskNames> m;
  if (!m.Collect(v, Unknown::kIgnored)) return false;
  if (!m.Has(0)) return true;
  return m.Type(0) == dom::element_type::STRING && ReadRiskLevel(Text(m.value[0]), out);
}

bool ReadEntityRisk(dom::element v, ContextEntityRisk* out) {
  Members<kEntityRiskNames> m;
  if (!m.Collect(v, Unknown::kIgnored)) return false;
  if (m.Has(0) &&
      (m.Type(0) != dom::element_type::STRING || !ReadRiskLevel(Text(m.value[0]), &out->level))) {
    return false;
  }
  return ReadStrings(m, 1, &out->detection_types, /*upper=*/true);
}

// ASN: an integer or a string of decimal digits, 0..4294967295 (ParseAsn).
bool ReadAsn(dom::element v, std::optional<uint32_t>* out) {
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  uint64_t n = 0;
  if (v.type() == dom::element_type::INT64) {
    const int64_t i = v.get_int64().value_unsafe();
    if (i < 0) return false;
    n = static_cast<uint64_t>(i);
  } else if (v.type() == dom::element_type::STRING) {
    const std::string_view s = Text(v);
    if (s.empty() || s.size() > 10) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
  } else {
    return false;  // UINT64 is above kMax; doubles are errors
  }
  if (n > kMax) return false;
  *out = static_cast<uint32_t>(n);
  return true;
}

// The geo object: country upper case, region "CC-RR" (NormalizeRegion).
inline constexpr std::array<std::string_view, 2> kGeoNames = {"country", "region"};
bool ReadGeo(dom::element v, ContextGeo* out) {
  Members<kGeoNames> m;
  std::string region;
  if (!m.Collect(v, Unknown::kWarned) || !ReadString(m, 0, &out->country) ||
      !ReadString(m, 1, &region)) {
    return false;
  }
  Upper(&out->country);
  Upper(&region);
  if (!region.empty() && region.find('-') == std::string::npos && !out->country.empty()) {
    region = absl::StrCat(out->country, "-", region);
  }
  out->region = std::move(region);
  if (out->country.empty() && out->region.find('-') != std::string::npos) {
    out->country = out->region.substr(0, out->region.find('-'));
  }
  return true;
}

inline constexpr std::array<std::string_view, 2> kIdpNames = {"type", "id"};
inline constexpr std::array<std::string_view, 4> kSessionNames = {"createdAt", "lastActivity",
                                                                  "lastFactorVerification", "amr"};

// ParseContextObject's fields, in its order.
// clang-format off
inline constexpr std::array<std::string_view, 25> kContextNames = {
    "id", "policyTypes", "app", "user", "ipChain", "ip", "zones", "geo", "asn", "proxyType",
    "ipServiceCategories", "device", "risk", "entityRisk", "behaviors", "authType",
    "identityProvider", "client", "grantType", "scopes", "loginIdentifier", "session", "time",
    "threatSuspected", "authenticators"};
// clang-format on
enum Field : size_t {
  kId,
  kPolicyTypes,
  kApp,
  kUser,
  kIpChain,
  kIp,
  kZones,
  kGeo,
  kAsn,
  kProxyType,
  kIpServiceCategories,
  kDevice,
  kRisk,
  kEntityRisk,
  kBehaviors,
  kAuthType,
  kIdentityProvider,
  kClient,
  kGrantType,
  kScopes,
  kLoginIdentifier,
  kSession,
  kTime,
  kThreatSuspected,
  kAuthenticators,
};

// The root object into *c. False: ParseContext's turn (*c half filled).
bool ReadContext(dom::element root, SignOnContext* c) {
  if (root.type() != dom::element_type::OBJECT) return false;
  Members<kContextNames> m;
  if (!m.Collect(root, Unknown::kWarned)) return false;
  logs::ResetContextKeepingBuffers(c);
  // An explicit "id": null is a warning (context.null_id): ParseContext's.
  if (m.Given(kId) && m.value[kId].is_null()) return false;
  if (m.Has(kId)) {
    switch (m.Type(kId)) {
      case dom::element_type::STRING:
        c->id.assign(Text(m.value[kId]));
        break;
      case dom::element_type::INT64:
        c->id = absl::StrCat(m.value[kId].get_int64().value_unsafe());
        break;
      case dom::element_type::UINT64:
        c->id = absl::StrCat(m.value[kId].get_uint64().value_unsafe());
        break;
      default:
        return false;
    }
  }
  if (m.Has(kPolicyTypes)) {
    if (m.Type(kPolicyTypes) != dom::element_type::ARRAY) return false;
    std::string name;
    for (dom::element item : ArrayOf(m.value[kPolicyTypes])) {
      if (item.type() != dom::element_type::STRING) return false;
      name.assign(Text(item));
      Upper(&name);
      std::optional<PolicyType> type = ParsePolicyType(name);
      if (!type.has_value()) return false;
      c->policy_types.push_back(*type);
    }
  }
  if (!ReadIdObject(m, kApp, &c->app_id)) return false;
  if (m.Has(kUser)) {
    if (m.Type(kUser) != dom::element_type::OBJECT || !ReadUser(m.value[kUser], &c->user))
      return false;
  } else {
    c->user.groups.clear();  // the one list the reset leaves to the reader
  }
  if (m.Has(kIpChain)) {
    if (m.Type(kIpChain) != dom::element_type::ARRAY) return false;
    for (dom::element item : ArrayOf(m.value[kIpChain])) {
      if (!ReadIp(item, &c->ip_chain.emplace_back())) return false;
    }
  }
  if (m.Has(kIp)) {
    IpAddress ip;
    if (!ReadIp(m.value[kIp], &ip)) return false;
    if (c->ip_chain.empty()) {
      c->ip_chain.push_back(ip);
    } else if (!(c->ip_chain.front() == ip)) {
      return false;  // context.ip_conflict
    }
  }
  if (m.Has(kZones)) {
    if (!c->ip_chain.empty()) return false;  // context.zones_and_ip
    if (!ReadStrings(m, kZones, &c->zones.emplace())) return false;
  }
  if (m.Has(kGeo)) {
    if (m.Type(kGeo) != dom::element_type::OBJECT || !ReadGeo(m.value[kGeo], &c->geo.emplace()))
      return false;
  }
  if (m.Has(kAsn) && !ReadAsn(m.value[kAsn], &c->asn)) return false;
  if (m.Given(kProxyType) && !ReadProxyType(m.value[kProxyType], &c->proxy_type)) return false;
  if (!ReadStrings(m, kIpServiceCategories, &c->ip_service_categories, /*upper=*/true)) {
    return false;
  }
  if (m.Has(kDevice)) {
    if (m.Type(kDevice) != dom::element_type::OBJECT || !ReadDevice(m.value[kDevice], &c->device))
      return false;
  }
  if (m.Has(kRisk) && !ReadRisk(m.value[kRisk], &c->risk_level)) return false;
  if (m.Has(kEntityRisk)) {
    if (m.Type(kEntityRisk) != dom::element_type::OBJECT ||
        !ReadEntityRisk(m.value[kEntityRisk], &c->entity_risk.emplace())) {
      return false;
    }
  }
  if (!ReadStrings(m, kBehaviors, &c->behaviors) || !ReadString(m, kAuthType, &c->auth_type)) {
    return false;
  }
  Upper(&c->auth_type);
  if (m.Has(kIdentityProvider)) {
    const dom::element idp = m.value[kIdentityProvider];
    if (idp.type() == dom::element_type::STRING) {
      c->identity_provider_type.assign(Text(idp));
    } else if (idp.type() == dom::element_type::OBJECT) {
      Members<kIdpNames> p;
      if (!p.Collect(idp, Unknown::kIgnored) || !ReadString(p, 0, &c->identity_provider_type) ||
          !ReadString(p, 1, &c->identity_provider_id)) {
        return false;
      }
    } else {
      return false;
    }
    Upper(&c->identity_provider_type);
  }
  if (!ReadIdObject(m, kClient, &c->client_id) || !ReadString(m, kGrantType, &c->grant_type) ||
      !ReadStrings(m, kScopes, &c->scopes) ||
      !ReadString(m, kLoginIdentifier, &c->login_identifier)) {
    return false;
  }
  if (m.Has(kSession)) {
    if (m.Type(kSession) != dom::element_type::OBJECT) return false;
    Members<kSessionNames> s;
    if (!s.Collect(m.value[kSession], Unknown::kWarned) ||
        !ReadTime(s, 0, &c->session.created_at) || !ReadTime(s, 1, &c->session.last_activity) ||
        !ReadTime(s, 2, &c->session.last_factor_verification) ||
        !ReadStrings(s, 3, &c->session.amr)) {
      return false;
    }
  }
  if (!ReadTime(m, kTime, &c->time) || !ReadBool(m, kThreatSuspected, &c->threat_suspected)) {
    return false;
  }
  if (m.Has(kAuthenticators)) {
    std::vector<std::string>& enrolled = c->authenticators.emplace();
    if (!ReadStrings(m, kAuthenticators, &enrolled)) return false;
    for (std::string& e : enrolled) {
      absl::AsciiStrToLower(&e);
      // An unknown authenticator is ParseContext's warning.
      if (!IsKnownEnrollment(e)) return false;
    }
  }
  return true;
}

}  // namespace

struct ContextReader::State {
  simdjson::dom::parser parser;
  // The line with simdjson's padding after it.
  std::string padded;
  Counts counts;

  // True when `text` was read into *context; false when ParseContext must.
  bool Fast(std::string_view text, SignOnContext* context);
  absl::Status Slow(std::string_view text, SignOnContext* context, IssueList* warnings);
};

bool ContextReader::State::Fast(std::string_view text, SignOnContext* context) {
  if (EscapesSurrogate(text)) return false;
  if (padded.size() < text.size() + kLogEventPadding) padded.resize(text.size() + kLogEventPadding);
  padded.replace(0, text.size(), text);
  if ((text.size() > parser.capacity() || parser.max_depth() != kMaxDepth) &&
      parser.allocate(std::max<size_t>(text.size(), 4096), kMaxDepth) != SUCCESS) {
    return false;
  }
  dom::element root;
  if (parser.parse(padded.data(), text.size(), /*realloc_if_needed=*/false).get(root) != SUCCESS) {
    return false;
  }
  return ReadContext(root, context);
}

absl::Status ContextReader::State::Slow(std::string_view text, SignOnContext* context,
                                        IssueList* warnings) {
  absl::StatusOr<SignOnContext> parsed = ParseContext(text, warnings);
  if (!parsed.ok()) return parsed.status();
  *context = *std::move(parsed);
  return absl::OkStatus();
}

ContextReader::ContextReader() : state_(std::make_unique<State>()) {}
ContextReader::~ContextReader() = default;
ContextReader::ContextReader(ContextReader&&) noexcept = default;
ContextReader& ContextReader::operator=(ContextReader&&) noexcept = default;

const ContextReader::Counts& ContextReader::counts() const { return state_->counts; }

absl::Status ContextReader::Parse(std::string_view json_text, SignOnContext* context,
                                  IssueList* warnings) {
  if (state_->Fast(json_text, context)) {
    ++state_->counts.fast;
    return absl::OkStatus();
  }
  ++state_->counts.fallback;
  return state_->Slow(json_text, context, warnings);
}

absl::Status ContextReader::Read(std::string_view json_text, const ContextCheckOptions& options,
                                 SignOnContext* context, IssueList* warnings) {
  IssueList parse_warnings;
  if (state_->Fast(json_text, context)) {
    ++state_->counts.fast;
  } else {
    ++state_->counts.fallback;
    if (absl::Status s = state_->Slow(json_text, context, &parse_warnings); !s.ok()) return s;
  }
  return CheckParsedContext(*context, options, std::move(parse_warnings), warnings);
}

}  // namespace verdict
