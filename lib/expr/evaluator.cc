// Evaluation of a compiled program against one sign-on context. Never throws:
// every failure is an error value that propagates to the root and makes the
// condition false (Okta: type errors and missing attributes → no match).
//
// Allocation: strings read from the context or the program are borrowed
// (string_view); a value allocates only when a function builds a new string
// (toLowerCase, replace, ...) or an array (security.behaviors, lists,
// getGroups, add/remove), and error values carry their message.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lib/expr/program.h"
#include "verdict/expression.h"

namespace verdict {

ExpressionData::ExpressionData(const Snapshot& snapshot) {
  for (const Group& g : snapshot.groups) groups_.emplace(g.id, &g);
  everyone_ = snapshot.EveryoneGroups();
  for (const Behavior& b : snapshot.behaviors) behavior_names_.emplace(b.id, b.name);
  for (const LinkedObjectDefinition& d : snapshot.linked_object_definitions) {
    primary_names_.insert(d.primary_name);
  }
  for (const auto& [user_id, relationships] : snapshot.user_links) {
    for (const auto& [name, ids] : relationships) {
      std::vector<const SnapshotUser*>& users = links_[user_id][name];
      for (const std::string& id : ids) {
        auto it = snapshot.users.find(id);
        if (it != snapshot.users.end()) {
          users.push_back(&it->second);
          continue;
        }
        id_only_users_.push_back(std::make_unique<SnapshotUser>());
        id_only_users_.back()->id = id;
        users.push_back(id_only_users_.back().get());
      }
    }
  }
}

const std::vector<const SnapshotUser*>* ExpressionData::LinkedUsers(
    std::string_view user_id, std::string_view relationship) const {
  auto user = links_.find(absl::string_view(user_id.data(), user_id.size()));
  if (user == links_.end()) return nullptr;
  auto it = user->second.find(absl::string_view(relationship.data(), relationship.size()));
  return it == user->second.end() ? nullptr : &it->second;
}

bool ExpressionData::IsPrimaryRelationship(std::string_view name) const {
  return primary_names_.contains(absl::string_view(name.data(), name.size()));
}

const Group* ExpressionData::FindGroup(std::string_view id) const {
  auto it = groups_.find(absl::string_view(id.data(), id.size()));
  return it == groups_.end() ? nullptr : it->second;
}

std::string_view ExpressionData::BehaviorName(std::string_view id_or_name) const {
  auto it = behavior_names_.find(absl::string_view(id_or_name.data(), id_or_name.size()));
  return it == behavior_names_.end() ? id_or_name : std::string_view(it->second);
}

namespace expr {
namespace {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kList, kTime, kObject, kError };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  absl::Time time;          // kTime: the instant
  int32_t zone_offset = 0;  // kTime: seconds east of UTC, for toString/toWindows display
  const SnapshotUser* object = nullptr;  // kObject: a linked user ...
  bool object_is_profile = false;        // ... or its profile
  std::string_view view;                 // borrowed string (when !owns)
  std::string owned;                     // built string, or the error message
  bool owns = false;
  std::vector<Value> list;

  std::string_view str() const { return owns ? std::string_view(owned) : view; }

  static Value Null() { return Value(); }
  static Value Bool(bool b) {
    Value v;
    v.kind = Kind::kBool;
    v.boolean = b;
    return v;
  }
  static Value Number(double n) {
    Value v;
    v.kind = Kind::kNumber;
    v.number = n;
    return v;
  }
  static Value Borrow(std::string_view s) {
    Value v;
    v.kind = Kind::kString;
    v.view = s;
    return v;
  }
  static Value Own(std::string s) {
    Value v;
    v.kind = Kind::kString;
    v.owned = std::move(s);
    v.owns = true;
    return v;
  }
  static Value Time(absl::Time t, int32_t offset) {
    Value v;
    v.kind = Kind::kTime;
    v.time = t;
    v.zone_offset = offset;
    return v;
  }
  static Value Object(const SnapshotUser* user, bool profile) {
    Value v;
    v.kind = Kind::kObject;
    v.object = user;
    v.object_is_profile = profile;
    return v;
  }
  static Value List(std::vector<Value> items) {
    Value v;
    v.kind = Kind::kList;
    v.list = std::move(items);
    return v;
  }
  static Value Error(int col, std::string_view message) {
    Value v;
    v.kind = Kind::kError;
    v.owned = absl::StrCat("col ", col, ": ", std::string(message));
    v.owns = true;
    return v;
  }
  bool is_error() const { return kind == Kind::kError; }
};

// A profile attribute as the value of its JSON type: numbers compare as
// numbers, booleans as booleans, arrays are lists (which allocate), null is
// null; strings are borrowed; an object has no Expression Language value
// (its JSON text, as a string).
Value OfProfile(const ProfileValue& p) {
  switch (p.type) {
    case ProfileValue::Type::kString:
    case ProfileValue::Type::kObject:
      return Value::Borrow(p.text);
    case ProfileValue::Type::kNumber: {
      double d = 0;
      return absl::SimpleAtod(p.text, &d) ? Value::Number(d) : Value::Borrow(p.text);
    }
    case ProfileValue::Type::kBoolean:
      return Value::Bool(p.text == "true");
    case ProfileValue::Type::kNull:
      return Value::Null();
    case ProfileValue::Type::kArray: {
      std::vector<Value> items;
      items.reserve(p.items.size());
      for (const ProfileValue& item : p.items) items.push_back(OfProfile(item));
      return Value::List(std::move(items));
    }
  }
  return Value::Null();
}

const char* KindName(Value::Kind k) {
  switch (k) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return "Boolean";
    case Value::Kind::kNumber:
      return "number";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kList:
      return "array";
    case Value::Kind::kTime:
      return "Time";
    case Value::Kind::kObject:
      return "object";
    case Value::Kind::kError:
      return "error";
  }
  return "?";
}

bool Equal(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.boolean == b.boolean;
    case Value::Kind::kNumber:
      return a.number == b.number;
    case Value::Kind::kString:
      return a.str() == b.str();
    case Value::Kind::kList:
      if (a.list.size() != b.list.size()) return false;
      for (size_t i = 0; i < a.list.size(); ++i) {
        if (!Equal(a.list[i], b.list[i])) return false;
      }
      return true;
    case Value::Kind::kTime:
      return a.time == b.time;  // the same instant, whatever the display zone
    case Value::Kind::kObject:
      return a.object == b.object && a.object_is_profile == b.object_is_profile;
    case Value::Kind::kError:
      return false;
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const Program& p, const SignOnContext& ctx, const ExpressionData& data)
      : p_(p), ctx_(ctx), data_(data) {}

  Value Eval(uint32_t index) {
    const Node& n = p_.nodes[index];
    if (++steps_ > p_.max_steps) {
      return Value::Error(n.col, absl::StrCat("evaluation exceeded ", p_.max_steps, " steps"));
    }
    switch (n.op) {
      case Op::kNull:
        return Value::Null();
      case Op::kBool:
        return Value::Bool(n.boolean);
      case Op::kNumber:
        return Value::Number(n.number);
      case Op::kString:
        return Value::Borrow(p_.strings[n.str]);
      case Op::kList: {
        if (Value over = Charge(n, n.num_args * sizeof(Value)); over.is_error()) return over;
        std::vector<Value> items;
        items.reserve(n.num_args);
        for (uint32_t i = 0; i < n.num_args; ++i) {
          Value v = Eval(Arg(n, i));
          if (v.is_error()) return v;
          items.push_back(std::move(v));
        }
        return Value::List(std::move(items));
      }
      case Op::kMap:
        return Value::Error(n.col,
                            "a criteria object {...} is only valid as an argument of "
                            "user.isMemberOf / user.getGroups");
      case Op::kAttr:
        return Attribute(n);
      case Op::kMember: {
        Value v = Eval(Arg(n, 0));
        if (v.is_error()) return v;
        if (v.kind == Value::Kind::kObject) return Member(n, v, p_.strings[n.str]);
        return Value::Error(
            n.col, absl::StrCat("no property '", p_.strings[n.str], "' on ", KindName(v.kind)));
      }
      case Op::kNot: {
        Value v = Eval(Arg(n, 0));
        if (v.is_error()) return v;
        if (v.kind != Value::Kind::kBool) return TypeError(n, "'!'", v);
        return Value::Bool(!v.boolean);
      }
      case Op::kNeg: {
        Value v = Eval(Arg(n, 0));
        if (v.is_error()) return v;
        if (v.kind != Value::Kind::kNumber) return TypeError(n, "'-'", v);
        return Value::Number(-v.number);
      }
      case Op::kAnd:
      case Op::kOr: {
        const bool is_and = n.op == Op::kAnd;
        Value l = Eval(Arg(n, 0));
        if (l.is_error()) return l;
        if (l.kind != Value::Kind::kBool) return TypeError(n, is_and ? "'&&'" : "'||'", l);
        if (l.boolean != is_and) return l;  // short circuit
        Value r = Eval(Arg(n, 1));
        if (r.is_error()) return r;
        if (r.kind != Value::Kind::kBool) return TypeError(n, is_and ? "'&&'" : "'||'", r);
        return r;
      }
      case Op::kEq:
      case Op::kNe: {
        Value l = Eval(Arg(n, 0));
        if (l.is_error()) return l;
        Value r = Eval(Arg(n, 1));
        if (r.is_error()) return r;
        const bool eq = Equal(l, r);
        return Value::Bool(n.op == Op::kEq ? eq : !eq);
      }
      case Op::kLt:
      case Op::kGt:
      case Op::kLe:
      case Op::kGe:
        return Compare(n);
      case Op::kTernary: {
        Value c = Eval(Arg(n, 0));
        if (c.is_error()) return c;
        if (c.kind != Value::Kind::kBool) return TypeError(n, "'?:'", c);
        return Eval(Arg(n, c.boolean ? 1 : 2));
      }
      case Op::kCall:
        return Call(n);
    }
    return Value::Error(n.col, "unknown node");
  }

 private:
  uint32_t Arg(const Node& n, uint32_t i) const { return p_.args[n.first_arg + i]; }

  // A profile attribute's value (OfProfile), an array's items charged.
  Value Profile(const Node& n, const ProfileValue& p) {
    if (p.type == ProfileValue::Type::kArray) {
      if (Value over = Charge(n, p.items.size() * sizeof(Value)); over.is_error()) return over;
    }
    return OfProfile(p);
  }

  // Accounts `bytes` about to be built (a string, list items) against the
  // program's budget; an error value once the evaluation would exceed it.
  // Null on success.
  Value Charge(const Node& n, size_t bytes) {
    built_ += static_cast<int64_t>(std::min<size_t>(bytes, size_t{1} << 40));
    if (built_ <= p_.max_built_bytes) return Value::Null();
    return Value::Error(n.col, absl::StrCat("evaluation would build more than ", p_.max_built_bytes,
                                            " bytes of strings and lists"));
  }

  static Value TypeError(const Node& n, std::string_view what, const Value& v) {
    return Value::Error(n.col,
                        absl::StrCat(std::string(what), " does not apply to ", KindName(v.kind)));
  }

  Value Compare(const Node& n) {
    Value l = Eval(Arg(n, 0));
    if (l.is_error()) return l;
    Value r = Eval(Arg(n, 1));
    if (r.is_error()) return r;
    int cmp = 0;
    if (l.kind == Value::Kind::kNumber && r.kind == Value::Kind::kNumber) {
      cmp = l.number < r.number ? -1 : (l.number > r.number ? 1 : 0);
      if (std::isnan(l.number) || std::isnan(r.number)) return Value::Bool(false);
    } else if (l.kind == Value::Kind::kString && r.kind == Value::Kind::kString) {
      cmp = l.str().compare(r.str());
    } else if (l.kind == Value::Kind::kTime && r.kind == Value::Kind::kTime) {
      cmp = l.time < r.time ? -1 : (l.time > r.time ? 1 : 0);
    } else {
      return Value::Error(
          n.col, absl::StrCat("cannot compare ", KindName(l.kind), " with ", KindName(r.kind)));
    }
    switch (n.op) {
      case Op::kLt:
        return Value::Bool(cmp < 0);
      case Op::kGt:
        return Value::Bool(cmp > 0);
      case Op::kLe:
        return Value::Bool(cmp <= 0);
      default:
        return Value::Bool(cmp >= 0);
    }
  }

  static Value OptBool(const std::optional<bool>& b) { return b ? Value::Bool(*b) : Value::Null(); }
  static Value StrOrNull(std::string_view s) {
    return s.empty() ? Value::Null() : Value::Borrow(s);
  }
  // A list of the context's strings (borrowed), charged to the budget.
  Value StrList(const Node& n, const std::vector<std::string>& items) {
    if (Value over = Charge(n, items.size() * sizeof(Value)); over.is_error()) return over;
    std::vector<Value> out;
    out.reserve(items.size());
    for (const std::string& s : items) out.push_back(Value::Borrow(s));
    return Value::List(std::move(out));
  }

  Value Attribute(const Node& n) {
    switch (n.attr) {
      case Attr::kUserId:
        return ctx_.has_user() ? StrOrNull(ctx_.user.id) : Value::Null();
      case Attr::kUserLogin:
        return ctx_.has_user() ? StrOrNull(ctx_.user.login) : Value::Null();
      case Attr::kUserStatus:
        return ctx_.has_user() ? StrOrNull(ctx_.user.status) : Value::Null();
      case Attr::kUserType:
        return ctx_.has_user() ? StrOrNull(ctx_.user.type) : Value::Null();
      case Attr::kUserProfile: {
        if (!ctx_.has_user()) return Value::Null();
        const std::string& name = p_.strings[n.str];
        auto it = ctx_.user.profile.find(name);
        if (it != ctx_.user.profile.end()) return Profile(n, it->second);
        if (name == "login") return StrOrNull(ctx_.user.login);
        return Value::Null();
      }
      case Attr::kRiskLevel:
        if (!ctx_.risk_level) return Value::Null();
        return Value::Borrow(verdict::RiskLevelName(*ctx_.risk_level));
      case Attr::kBehaviors: {
        if (Value over = Charge(n, ctx_.behaviors.size() * sizeof(Value)); over.is_error()) {
          return over;
        }
        std::vector<Value> out;
        out.reserve(ctx_.behaviors.size());
        for (const std::string& b : ctx_.behaviors) {
          out.push_back(Value::Borrow(data_.BehaviorName(b)));
        }
        return Value::List(std::move(out));
      }
      case Attr::kDeviceRegistered:
        return OptBool(ctx_.device.registered);
      case Attr::kDeviceManaged:
        return OptBool(ctx_.device.managed);
      case Attr::kDevicePlatform:
        return StrOrNull(ctx_.device.os_type);
      case Attr::kDeviceAssurance:
        return StrList(n, ctx_.device.assurance);
      case Attr::kSessionAmr:
        return StrList(n, ctx_.session.amr);
      case Attr::kLoginIdentifier:
        return StrOrNull(!ctx_.login_identifier.empty() ? std::string_view(ctx_.login_identifier)
                                                        : std::string_view(ctx_.user.login));
      case Attr::kUnmodeled:
        return Value::Null();
    }
    return Value::Null();
  }

  // The context array an attribute node names, read in place (no copy).
  const std::vector<std::string>* ContextList(const Node& node) const {
    if (node.op != Op::kAttr) return nullptr;
    switch (node.attr) {
      case Attr::kSessionAmr:
        return &ctx_.session.amr;
      case Attr::kDeviceAssurance:
        return &ctx_.device.assurance;
      case Attr::kBehaviors:
        return &ctx_.behaviors;
      default:
        return nullptr;
    }
  }

  // The user's groups: the context's ids plus the built-in Everyone group.
  template <typename F>
  void ForEachGroup(F&& f) const {
    if (!ctx_.has_user()) return;
    for (const std::string& id : ctx_.user.groups) f(std::string_view(id), data_.FindGroup(id));
    for (const Group* everyone : data_.everyone()) {
      const bool listed = std::find(ctx_.user.groups.begin(), ctx_.user.groups.end(),
                                    everyone->id) != ctx_.user.groups.end();
      if (!listed) f(std::string_view(everyone->id), everyone);
    }
  }

  // Does `group` satisfy every criterion of the criteria object `map_node`?
  // Values are evaluated first into `criteria` (key, value) pairs.
  static constexpr size_t kMaxCriteria = 8;
  struct Criteria {
    std::array<std::pair<std::string_view, Value>, kMaxCriteria> entries;
    size_t size = 0;
    bool exact = false;
  };
  Value LoadCriteria(const Node& map_node, Criteria* out) {
    for (uint32_t k = 0; k < map_node.num_args; k += 2) {
      std::string_view key = p_.strings[p_.nodes[Arg(map_node, k)].str];
      Value v = Eval(Arg(map_node, k + 1));
      if (v.is_error()) return v;
      if (key == "operator") {
        if (v.kind != Value::Kind::kString || (v.str() != "EXACT" && v.str() != "STARTS_WITH")) {
          return Value::Error(map_node.col, "operator must be 'EXACT' or 'STARTS_WITH'");
        }
        out->exact = v.str() == "EXACT";
        continue;
      }
      const bool ok = v.kind == Value::Kind::kString ||
                      (v.kind == Value::Kind::kList &&
                       std::all_of(v.list.begin(), v.list.end(),
                                   [](const Value& x) { return x.kind == Value::Kind::kString; }));
      if (!ok) {
        return Value::Error(map_node.col, absl::StrCat("criterion '", std::string(key),
                                                       "' needs a string or an array of strings"));
      }
      if (out->size == kMaxCriteria) {
        return Value::Error(map_node.col, "too many criteria in one object");
      }
      out->entries[out->size++] = {key, std::move(v)};
    }
    return Value::Bool(true);
  }
  static bool AnyValue(const Value& v, const std::function<bool(std::string_view)>& pred) {
    if (v.kind == Value::Kind::kString) return pred(v.str());
    for (const Value& x : v.list) {
      if (pred(x.str())) return true;
    }
    return false;
  }
  static bool GroupMatches(const Criteria& c, std::string_view id, const Group* g) {
    for (size_t i = 0; i < c.size; ++i) {
      const auto& [key, value] = c.entries[i];
      bool hit = false;
      if (key == "group.id") {
        hit = AnyValue(value, [&](std::string_view want) { return want == id; });
      } else if (key == "group.type") {
        hit =
            g != nullptr && AnyValue(value, [&](std::string_view want) { return want == g->type; });
      } else if (key == "group.profile.name") {
        hit = g != nullptr && AnyValue(value, [&](std::string_view want) {
                return c.exact ? std::string_view(g->name) == want
                               : std::string_view(g->name).starts_with(want);
              });
      }  // group.source.id: not in the model, never matches
      if (!hit) return false;
    }
    return true;
  }

  Value Groups(const Node& n, bool collect) {
    std::array<Criteria, kMaxCriteria> all;  // num_args <= 8 (compiler.cc)
    const uint32_t count = std::min<uint32_t>(n.num_args, kMaxCriteria);
    for (uint32_t i = 0; i < count; ++i) {
      Value v = LoadCriteria(p_.nodes[Arg(n, i)], &all[i]);
      if (v.is_error()) return v;
    }
    std::vector<Value> out;
    bool any = false;
    ForEachGroup([&](std::string_view id, const Group* g) {
      // Several criteria objects: a group qualifies when it satisfies any one.
      bool hit = count == 0;
      for (uint32_t i = 0; i < count; ++i) hit = hit || GroupMatches(all[i], id, g);
      if (hit) {
        any = true;
        if (collect) out.push_back(Value::Borrow(id));
      }
    });
    if (!collect) return Value::Bool(any);
    if (Value over = Charge(n, out.size() * sizeof(Value)); over.is_error()) return over;
    return Value::List(std::move(out));
  }

  Value ClassicGroup(const Node& n) {
    Value want = Eval(Arg(n, 0));
    if (want.is_error()) return want;
    if (want.kind != Value::Kind::kString) {
      return Value::Error(n.col, "group function needs a string argument");
    }
    const std::string_view w = want.str();
    bool any = false;
    ForEachGroup([&](std::string_view id, const Group* g) {
      const std::string_view name = g != nullptr ? std::string_view(g->name) : "";
      switch (n.fn) {
        case Fn::kIsMemberOfGroupName:
          any = any || (g != nullptr && name == w);
          break;
        case Fn::kIsMemberOfGroupNameStartsWith:
          any = any || (g != nullptr && name.starts_with(w));
          break;
        case Fn::kIsMemberOfGroupNameContains:
          any = any || (g != nullptr && name.find(w) != std::string_view::npos);
          break;
        default:
          any = any || id == w;
          break;
      }
    });
    return Value::Bool(any);
  }

  Value Call(const Node& n) {
    switch (n.fn) {
      case Fn::kIsMemberOf:
        return Groups(n, false);
      case Fn::kGetGroups:
        return Groups(n, true);
      case Fn::kGetLinkedObject:
        return LinkedObject(n);
      case Fn::kIsMemberOfGroupName:
      case Fn::kIsMemberOfGroupNameStartsWith:
      case Fn::kIsMemberOfGroupNameContains:
      case Fn::kIsMemberOfGroup:
        return ClassicGroup(n);
      case Fn::kNow:
        return Now(n);
      default:
        break;
    }
    if (const std::vector<std::string>* list = ContextList(p_.nodes[Arg(n, 0)]);
        list != nullptr && (n.fn == Fn::kContains || n.fn == Fn::kSize || n.fn == Fn::kIsEmpty)) {
      ++steps_;
      if (n.fn == Fn::kSize) return Value::Number(static_cast<double>(list->size()));
      if (n.fn == Fn::kIsEmpty) return Value::Bool(list->empty());
      Value a = Eval(Arg(n, 1));
      if (a.is_error()) return a;
      if (a.kind != Value::Kind::kString) return Value::Bool(false);
      const bool behaviors = p_.nodes[Arg(n, 0)].attr == Attr::kBehaviors;
      for (const std::string& x : *list) {
        if ((behaviors ? data_.BehaviorName(x) : std::string_view(x)) == a.str()) {
          return Value::Bool(true);
        }
      }
      return Value::Bool(false);
    }
    Value self = Eval(Arg(n, 0));
    if (self.is_error()) return self;
    Value a;
    Value b;
    if (n.num_args > 1) {
      a = Eval(Arg(n, 1));
      if (a.is_error()) return a;
    }
    if (n.num_args > 2) {
      b = Eval(Arg(n, 2));
      if (b.is_error()) return b;
    }
    const bool is_str = self.kind == Value::Kind::kString;
    const bool is_list = self.kind == Value::Kind::kList;
    auto bad = [&](std::string_view fn) {
      return Value::Error(
          n.col, absl::StrCat("'", std::string(fn), "' does not apply to ", KindName(self.kind)));
    };
    auto need_str = [&](const Value& v, std::string_view fn) {
      return v.kind == Value::Kind::kString
                 ? Value::Bool(true)
                 : Value::Error(
                       n.col, absl::StrCat("'", std::string(fn), "' needs a string argument, got ",
                                           KindName(v.kind)));
    };
    if (n.fn >= Fn::kParseWindowsTime && n.fn <= Fn::kWithin) return TimeCall(n, self, a);
    const std::string_view s = self.str();
    switch (n.fn) {
      case Fn::kToUpperCase:
        if (!is_str) return bad("toUpperCase");
        if (Value over = Charge(n, s.size()); over.is_error()) return over;
        return Value::Own(absl::AsciiStrToUpper(std::string(s)));
      case Fn::kToLowerCase:
        if (!is_str) return bad("toLowerCase");
        if (Value over = Charge(n, s.size()); over.is_error()) return over;
        return Value::Own(absl::AsciiStrToLower(std::string(s)));
      case Fn::kLength:
        if (!is_str) return bad("length");
        return Value::Number(static_cast<double>(s.size()));
      case Fn::kRemoveSpaces: {
        if (!is_str) return bad("removeSpaces");
        if (Value over = Charge(n, s.size()); over.is_error()) return over;
        std::string out(s);
        out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
        return Value::Own(std::move(out));
      }
      case Fn::kSubstring: {
        if (!is_str) return bad("substring");
        if (a.kind != Value::Kind::kNumber || (n.num_args > 2 && b.kind != Value::Kind::kNumber)) {
          return Value::Error(n.col, "'substring' needs number arguments");
        }
        const double begin = a.number;
        const double end = n.num_args > 2 ? b.number : static_cast<double>(s.size());
        if (begin < 0 || end > static_cast<double>(s.size()) || begin > end) {
          return Value::Error(n.col, "'substring' index out of range");
        }
        const size_t i = static_cast<size_t>(begin);
        const size_t j = static_cast<size_t>(end);
        Value out = Value::Borrow(s.substr(i, j - i));
        if (!self.owns) return out;
        if (Value over = Charge(n, j - i); over.is_error()) return over;
        return Value::Own(std::string(out.view));
      }
      case Fn::kReplace:
      case Fn::kReplaceFirst: {
        if (!is_str) return bad("replace");
        if (Value c = need_str(a, "replace"); c.is_error()) return c;
        if (Value c = need_str(b, "replace"); c.is_error()) return c;
        // The result's size first: it is charged before anything is built.
        size_t matches = 0;
        if (!a.str().empty()) {
          for (size_t at = s.find(a.str()); at != std::string_view::npos;
               at = s.find(a.str(), at + a.str().size())) {
            ++matches;
            if (n.fn == Fn::kReplaceFirst) break;
          }
        }
        const size_t size = s.size() + matches * b.str().size() - matches * a.str().size();
        if (Value over = Charge(n, size); over.is_error()) return over;
        if (a.str().empty()) return Value::Own(std::string(s));
        if (n.fn == Fn::kReplace) {
          std::string out;
          out.reserve(size);
          size_t from = 0;
          for (size_t at = s.find(a.str()); at != std::string_view::npos;
               at = s.find(a.str(), from)) {
            out.append(s.substr(from, at - from));
            out.append(b.str());
            from = at + a.str().size();
          }
          out.append(s.substr(from));
          return Value::Own(std::move(out));
        }
        std::string out(s);
        const size_t at = out.find(a.str());
        if (at != std::string::npos) out.replace(at, a.str().size(), b.str());
        return Value::Own(std::move(out));
      }
      case Fn::kContains:
        if (is_list) {
          for (const Value& x : self.list) {
            if (Equal(x, a)) return Value::Bool(true);
          }
          return Value::Bool(false);
        }
        if (!is_str) return bad("contains");
        if (Value c = need_str(a, "contains"); c.is_error()) return c;
        return Value::Bool(s.find(a.str()) != std::string_view::npos);
      case Fn::kSubstringBefore:
      case Fn::kSubstringAfter: {
        if (!is_str)
          return bad(n.fn == Fn::kSubstringBefore ? "substringBefore" : "substringAfter");
        if (Value c = need_str(a, "substringBefore/After"); c.is_error()) return c;
        const size_t at = s.find(a.str());
        // Apache Commons StringUtils: not found → before: the whole string, after: "".
        std::string_view part;
        if (n.fn == Fn::kSubstringBefore) {
          part = at == std::string_view::npos ? s : s.substr(0, at);
        } else {
          part = at == std::string_view::npos ? std::string_view() : s.substr(at + a.str().size());
        }
        if (!self.owns) return Value::Borrow(part);
        if (Value over = Charge(n, part.size()); over.is_error()) return over;
        return Value::Own(std::string(part));
      }
      case Fn::kStartsWith:
      case Fn::kEndsWith:
        if (!is_str) return bad(n.fn == Fn::kStartsWith ? "startsWith" : "endsWith");
        if (Value c = need_str(a, "startsWith/endsWith"); c.is_error()) return c;
        return Value::Bool(n.fn == Fn::kStartsWith ? s.starts_with(a.str()) : s.ends_with(a.str()));
      case Fn::kMatches:
        if (!is_str) return bad("matches");
        return Value::Bool(p_.regexes[n.regex]->FullMatch(s));
      case Fn::kToInteger:
      case Fn::kToNumber: {
        double d = 0;
        if (self.kind == Value::Kind::kNumber) {
          d = self.number;
        } else if (!is_str || !absl::SimpleAtod(absl::string_view(s.data(), s.size()), &d) ||
                   !std::isfinite(d)) {
          return Value::Error(n.col, "not a number");
        }
        return Value::Number(n.fn == Fn::kToInteger ? std::trunc(d) : d);
      }
      case Fn::kSize:
        if (is_list) return Value::Number(static_cast<double>(self.list.size()));
        if (is_str) return Value::Number(static_cast<double>(s.size()));
        return bad("size");
      case Fn::kIsEmpty:
        if (is_list) return Value::Bool(self.list.empty());
        if (is_str) return Value::Bool(s.empty());
        return bad("isEmpty");
      case Fn::kAdd: {
        if (!is_list) return bad("add");
        if (Value over = Charge(n, sizeof(Value)); over.is_error()) return over;
        Value out = std::move(self);
        out.list.push_back(std::move(a));
        return out;
      }
      case Fn::kRemove: {
        if (!is_list) return bad("remove");
        Value out = std::move(self);
        auto it = std::find_if(out.list.begin(), out.list.end(),
                               [&](const Value& x) { return Equal(x, a); });
        if (it != out.list.end()) out.list.erase(it);
        return out;
      }
      default:
        return Value::Error(n.col, "unknown function");
    }
  }

  // user.getLinkedObject(name): the linked user for a primary name, an array
  // of them for an associated name, null when the user has none.
  Value LinkedObject(const Node& n) {
    Value name = Eval(Arg(n, 0));
    if (name.is_error()) return name;
    if (name.kind != Value::Kind::kString) {
      return Value::Error(n.col, "'getLinkedObject' needs a relationship name (string)");
    }
    if (!ctx_.has_user()) return Value::Null();
    const std::vector<const SnapshotUser*>* users = data_.LinkedUsers(ctx_.user.id, name.str());
    if (users == nullptr || users->empty()) return Value::Null();
    if (data_.IsPrimaryRelationship(name.str())) return Value::Object(users->front(), false);
    if (Value over = Charge(n, users->size() * sizeof(Value)); over.is_error()) return over;
    std::vector<Value> out;
    out.reserve(users->size());
    for (const SnapshotUser* u : *users) out.push_back(Value::Object(u, false));
    return Value::List(std::move(out));
  }

  // A property of a linked user: id, status, profile, profile.<attr>; any
  // other property (created, ...) is not in the snapshot model: null.
  Value Member(const Node& n, const Value& v, std::string_view name) {
    const SnapshotUser& u = *v.object;
    if (v.object_is_profile) {
      auto it = u.profile.find(name);
      return it == u.profile.end() ? Value::Null() : Profile(n, it->second);
    }
    if (name == "id") return Value::Borrow(u.id);
    if (name == "status") return StrOrNull(u.status);
    if (name == "profile") return Value::Object(&u, true);
    return Value::Null();
  }

  // DateTime.now() is the context's `time`: answers never depend on the wall
  // clock, so an evaluation can be replayed.
  Value Now(const Node& n) const {
    if (!ctx_.time) return Value::Error(n.col, "DateTime.now() needs the context's 'time'");
    return Value::Time(*ctx_.time, 0);
  }

  // An integer from a string of digits (optionally signed) or a whole number.
  static bool ToInt64(const Value& v, int64_t* out) {
    if (v.kind == Value::Kind::kNumber) {
      if (!std::isfinite(v.number) || std::fabs(v.number) > 9.0e18) return false;
      *out = static_cast<int64_t>(v.number);
      return true;
    }
    const std::string_view s = v.str();
    return v.kind == Value::Kind::kString &&
           absl::SimpleAtoi(absl::string_view(s.data(), s.size()), out);
  }

  // ISO 8601 / RFC 3339: YYYY-MM-DD, optionally followed by THH:MM[:SS[.fraction]]
  // and Z or ±HH:MM (no offset: UTC). Parsed by hand: absl::ParseTime
  // copies its arguments to the heap, and evaluation must not allocate.
  static bool ParseIso8601(std::string_view s, absl::Time* out) {
    size_t i = 0;
    auto digits = [&](int count, int* value) {
      *value = 0;
      for (int k = 0; k < count; ++k, ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        *value = *value * 10 + (s[i] - '0');
      }
      return true;
    };
    auto literal = [&](char c) { return i < s.size() && s[i] == c ? (++i, true) : false; };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(4, &year) || !literal('-') || !digits(2, &month) || !literal('-') ||
        !digits(2, &day)) {
      return false;
    }
    int64_t nanos = 0;
    int offset = 0;
    if (i < s.size()) {
      if (!(literal('T') || literal('t') || literal(' ')) || !digits(2, &hour) || !literal(':') ||
          !digits(2, &minute)) {
        return false;
      }
      if (literal(':') && !digits(2, &second)) return false;
      if (literal('.') || literal(',')) {
        int64_t scale = 100000000;
        const size_t start = i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
          nanos += (s[i] - '0') * scale;
        }
        if (i == start) return false;
      }
      if (literal('Z') || literal('z')) {
      } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i++] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(2, &oh) || !(literal(':'), digits(2, &om)) || oh > 18 || om > 59) return false;
        offset = sign * (oh * 3600 + om * 60);
      }
      if (i != s.size()) return false;
    }
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
    const absl::CivilSecond civil(year, month, day, hour, minute, second);
    if (civil.day() != day) return false;  // 2024-02-30 normalises to March: reject
    *out = absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Seconds(offset) +
           absl::Nanoseconds(nanos);
    return true;
  }

  // Windows FILETIME: 100 ns ticks since 1601-01-01 UTC.
  static constexpr int64_t kWindowsEpochTicks = 116444736000000000;  // at 1970-01-01

  Value TimeCall(const Node& n, const Value& self, const Value& a) {
    const bool is_time = self.kind == Value::Kind::kTime;
    auto bad = [&](std::string_view fn) {
      return Value::Error(
          n.col, absl::StrCat("'", std::string(fn), "' does not apply to ", KindName(self.kind)));
    };
    switch (n.fn) {
      case Fn::kParseUnixTime:
      case Fn::kParseWindowsTime: {
        int64_t x = 0;
        if (!ToInt64(self, &x)) return Value::Error(n.col, "not an integer time stamp");
        if (n.fn == Fn::kParseUnixTime) return Value::Time(absl::FromUnixMillis(x), 0);
        // Split before scaling: ticks * 100 ns overflows int64.
        const int64_t since_unix = x - kWindowsEpochTicks;
        if (x < 0) return Value::Error(n.col, "Windows time out of range");
        return Value::Time(absl::UnixEpoch() + absl::Microseconds(since_unix / 10) +
                               absl::Nanoseconds((since_unix % 10) * 100),
                           0);
      }
      case Fn::kParseStringTime: {
        if (self.kind != Value::Kind::kString) return bad("parseStringTime");
        absl::Time t;
        if (!ParseIso8601(self.str(), &t)) {
          return Value::Error(n.col, "not an ISO 8601 time ('2024-05-01T12:00:00Z')");
        }
        return Value::Time(t, 0);
      }
      case Fn::kToWindows:
      case Fn::kToUnix: {
        if (!is_time) return bad(n.fn == Fn::kToUnix ? "toUnix" : "toWindows");
        if (n.fn == Fn::kToUnix) return Value::Own(absl::StrCat(absl::ToUnixMillis(self.time)));
        const int64_t micros = absl::ToUnixMicros(self.time);
        constexpr int64_t kLimit = (INT64_MAX - kWindowsEpochTicks) / 10;
        if (micros > kLimit || micros < -kWindowsEpochTicks / 10) {
          return Value::Error(n.col, "time out of the Windows time range");
        }
        return Value::Own(absl::StrCat(micros * 10 + kWindowsEpochTicks));
      }
      case Fn::kToString: {
        if (!is_time) return bad("toString");
        const absl::TimeZone zone = absl::FixedTimeZone(self.zone_offset);
        if (n.str >= 0) {
          // The rule's own format: the result is as long as it makes it.
          std::string formatted = absl::FormatTime(p_.strings[n.str], self.time, zone);
          if (Value over = Charge(n, formatted.size()); over.is_error()) return over;
          return Value::Own(std::move(formatted));
        }
        return Value::Own(absl::FormatTime(
            self.zone_offset == 0 ? "%Y-%m-%dT%H:%M:%E3SZ" : "%Y-%m-%dT%H:%M:%E3S%Ez", self.time,
            zone));
      }
      case Fn::kToZone:
        if (!is_time) return bad("toZone");
        return Value::Time(self.time, static_cast<int32_t>(n.number));
      case Fn::kPlusTime:
      case Fn::kMinusTime:
      case Fn::kWithin: {
        if (!is_time) return bad("plus/minus/within");
        if (a.kind != Value::Kind::kNumber || !std::isfinite(a.number)) {
          return Value::Error(n.col,
                              absl::StrCat("needs a number argument, got ", KindName(a.kind)));
        }
        const absl::Duration d = absl::Seconds(a.number * n.number);
        if (n.fn == Fn::kPlusTime) return Value::Time(self.time + d, self.zone_offset);
        if (n.fn == Fn::kMinusTime) return Value::Time(self.time - d, self.zone_offset);
        Value now = Now(n);
        if (now.is_error()) return now;
        return Value::Bool(absl::AbsDuration(now.time - self.time) <= d);
      }
      default:
        return Value::Error(n.col, "unknown function");
    }
  }

  const Program& p_;
  const SignOnContext& ctx_;
  const ExpressionData& data_;
  int64_t steps_ = 0;
  int64_t built_ = 0;  // bytes of strings and list items built so far
};

}  // namespace
}  // namespace expr

CompiledExpression::CompiledExpression(std::unique_ptr<const expr::Program> program)
    : program_(std::move(program)) {}
CompiledExpression::~CompiledExpression() = default;

const std::string& CompiledExpression::text() const { return program_->text; }

bool CompiledExpression::ReadsGroupMemberships() const {
  for (const expr::Node& node : program_->nodes) {
    if (node.op != expr::Op::kCall) continue;
    switch (node.fn) {
      case expr::Fn::kIsMemberOf:
      case expr::Fn::kGetGroups:
      case expr::Fn::kIsMemberOfGroupName:
      case expr::Fn::kIsMemberOfGroupNameStartsWith:
      case expr::Fn::kIsMemberOfGroupNameContains:
      case expr::Fn::kIsMemberOfGroup:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool CompiledExpression::EvaluateBool(const SignOnContext& context, const ExpressionData& data,
                                      std::string* why) const {
  expr::Evaluator evaluator(*program_, context, data);
  const expr::Value v = evaluator.Eval(program_->root);
  if (v.is_error()) {
    if (why != nullptr) *why = std::string(v.str());
    return false;
  }
  if (v.kind != expr::Value::Kind::kBool) {
    if (why != nullptr) {
      *why = absl::StrCat("result is ", expr::KindName(v.kind), ", not a Boolean",
                          v.kind == expr::Value::Kind::kNull ? " (missing attribute?)" : "");
    }
    return false;
  }
  if (why != nullptr) *why = v.boolean ? "true" : "false";
  return v.boolean;
}

bool CompiledExpression::EvaluateString(const SignOnContext& context, const ExpressionData& data,
                                        absl::FunctionRef<void(std::string_view)> use,
                                        std::string* why) const {
  expr::Evaluator evaluator(*program_, context, data);
  const expr::Value v = evaluator.Eval(program_->root);
  if (v.kind != expr::Value::Kind::kString) {
    if (why != nullptr) {
      *why = v.is_error() ? std::string(v.str())
                          : absl::StrCat("result is ", expr::KindName(v.kind), ", not a string");
    }
    return false;
  }
  if (why != nullptr) *why = absl::StrCat("'", std::string(v.str()), "'");
  use(v.str());
  return true;
}

absl::StatusOr<std::shared_ptr<const CompiledExpression>> CompileExpression(
    std::string_view text, const ExpressionEnv& env) {
  auto program = expr::Compile(text, env);
  if (!program.ok()) return program.status();
  return std::make_shared<const CompiledExpression>(*std::move(program));
}

}  // namespace verdict
