// Parser and compiler: tokens → flat program. Attribute paths and function
// names are resolved here, so evaluation never looks at a name; regex
// patterns of matches() are compiled here, once.
//
// Grammar (precedence low → high):
//   ternary  := or ('?' ternary ':' ternary)?
//   or       := and ('||' and)*
//   and      := eq ('&&' eq)*
//   eq       := rel (('=='|'!=') rel)*
//   rel      := unary (('<'|'>'|'<='|'>=') unary)*
//   unary    := ('!'|'-') unary | postfix
//   postfix  := primary ('.' ident ('(' args ')')?)*
//   primary  := literal | '(' ternary ')' | '{' list-or-map '}' | path ('(' args ')')?
//   path     := ident ('.' ident | '[' string ']')*
// An index is only a name written as a string (user.profile['cost center'],
// security.userBehaviors['New IP'].detected, the form the System Log records
// in securityConditions); indexing any other value is a compile error.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/expr/lexer.h"
#include "lib/expr/program.h"

namespace verdict::expr {
namespace {

struct MethodSpec {
  std::string_view name;
  Fn fn;
  int min_args;
  int max_args;
};

// Methods called on a value (receiver first).
constexpr MethodSpec kMethods[] = {
    {"toUpperCase", Fn::kToUpperCase, 0, 0},
    {"toLowerCase", Fn::kToLowerCase, 0, 0},
    {"substring", Fn::kSubstring, 1, 2},
    {"replace", Fn::kReplace, 2, 2},
    {"replaceFirst", Fn::kReplaceFirst, 2, 2},
    {"length", Fn::kLength, 0, 0},
    {"removeSpaces", Fn::kRemoveSpaces, 0, 0},
    {"contains", Fn::kContains, 1, 1},
    {"substringBefore", Fn::kSubstringBefore, 1, 1},
    {"substringAfter", Fn::kSubstringAfter, 1, 1},
    {"startsWith", Fn::kStartsWith, 1, 1},
    {"endsWith", Fn::kEndsWith, 1, 1},
    {"matches", Fn::kMatches, 1, 1},
    {"toInteger", Fn::kToInteger, 0, 0},
    {"toNumber", Fn::kToNumber, 0, 0},
    {"size", Fn::kSize, 0, 0},
    {"isEmpty", Fn::kIsEmpty, 0, 0},
    {"add", Fn::kAdd, 1, 1},
    {"remove", Fn::kRemove, 1, 1},
    {"parseWindowsTime", Fn::kParseWindowsTime, 0, 0},
    {"parseUnixTime", Fn::kParseUnixTime, 0, 0},
    {"parseStringTime", Fn::kParseStringTime, 0, 0},
    {"toWindows", Fn::kToWindows, 0, 0},
    {"toUnix", Fn::kToUnix, 0, 0},
    {"toString", Fn::kToString, 0, 1},
    {"toZone", Fn::kToZone, 1, 1},
    {"plusDays", Fn::kPlusTime, 1, 1},
    {"plusHours", Fn::kPlusTime, 1, 1},
    {"plusMinutes", Fn::kPlusTime, 1, 1},
    {"plusSeconds", Fn::kPlusTime, 1, 1},
    {"minusDays", Fn::kMinusTime, 1, 1},
    {"minusHours", Fn::kMinusTime, 1, 1},
    {"minusMinutes", Fn::kMinusTime, 1, 1},
    {"minusSeconds", Fn::kMinusTime, 1, 1},
    {"withinDays", Fn::kWithin, 1, 1},
    {"withinHours", Fn::kWithin, 1, 1},
    {"withinMinutes", Fn::kWithin, 1, 1},
    {"withinSeconds", Fn::kWithin, 1, 1},
};

// DateTime.f() (no receiver).
constexpr MethodSpec kDateTimeFunctions[] = {{"now", Fn::kNow, 0, 0}};

// Seconds per unit of plus/minus/within<Unit>, from the method name's suffix.
double SecondsPerUnit(std::string_view name) {
  if (name.ends_with("Days")) return 86400;
  if (name.ends_with("Hours")) return 3600;
  if (name.ends_with("Minutes")) return 60;
  return 1;
}

// toZone's argument: 'UTC', 'GMT', 'Z', or a fixed offset '+05:30', '-0800',
// '+05', optionally after 'UTC'/'GMT'. Region ids ('America/New_York') need
// the tz database, whose contents vary by machine: answers would not be
// reproducible, so they are refused. Returns seconds east of UTC.
absl::StatusOr<int> ParseZoneOffset(std::string_view z) {
  const std::string_view original = z;
  auto unsupported = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("time zone '", std::string(original),
                     "' is not supported (use 'UTC' or a fixed offset such as '+05:30')"));
  };
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (z.starts_with(prefix)) {
      z.remove_prefix(prefix.size());
      break;
    }
  }
  if (z.empty() || z == "Z") return 0;
  if (z[0] != '+' && z[0] != '-') return unsupported();
  const int sign = z[0] == '-' ? -1 : 1;
  z.remove_prefix(1);
  int digits[4] = {0, 0, 0, 0};
  int n = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const char c = z[i];
    if (c == ':' && n == 2 && i == 2) continue;
    if (c < '0' || c > '9' || n == 4) return unsupported();
    digits[n++] = c - '0';
  }
  if (n != 2 && n != 4 && n != 1) return unsupported();
  const int hours = n == 1 ? digits[0] : digits[0] * 10 + digits[1];
  const int minutes = n == 4 ? digits[2] * 10 + digits[3] : 0;
  if (hours > 18 || minutes > 59 || hours * 60 + minutes > 18 * 60) return unsupported();
  return sign * (hours * 3600 + minutes * 60);
}

// toString's argument: a Java DateTimeFormatter pattern, translated to an
// absl::FormatTime format once, here. Supported letters: y M d H h m s S a E
// Z X; 'quoted text'; any other letter is a compile error.
absl::StatusOr<std::string> TranslateTimePattern(std::string_view java) {
  std::string out;
  for (size_t i = 0; i < java.size();) {
    const char c = java[i];
    if (c == '\'') {
      const size_t end = java.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError("unterminated quote in time pattern");
      }
      if (end == i + 1) out += '\'';
      for (char q : java.substr(i + 1, end - i - 1))
        out += q == '%' ? std::string("%%") : std::string(1, q);
      i = end + 1;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      out += c == '%' ? std::string("%%") : std::string(1, c);
      ++i;
      continue;
    }
    size_t run = 1;
    while (i + run < java.size() && java[i + run] == c) ++run;
    const char* spec = nullptr;
    std::string fraction;
    switch (c) {
      case 'y':
        spec = run == 2 ? "%y" : "%Y";
        break;
      case 'M':
        spec = run == 2 ? "%m" : (run == 3 ? "%b" : (run == 4 ? "%B" : nullptr));
        break;
      case 'd':
        spec = run == 2 ? "%d" : nullptr;
        break;
      case 'H':
        spec = run == 2 ? "%H" : nullptr;
        break;
      case 'h':
        spec = run == 2 ? "%I" : nullptr;
        break;
      case 'm':
        spec = run == 2 ? "%M" : nullptr;
        break;
      case 's':
        spec = run == 2 ? "%S" : nullptr;
        break;
      case 'S':
        if (run <= 9) fraction = absl::StrCat("%E", run, "f");
        break;
      case 'a':
        spec = run == 1 ? "%p" : nullptr;
        break;
      case 'E':
        spec = run <= 3 ? "%a" : (run == 4 ? "%A" : nullptr);
        break;
      case 'Z':
        spec = run <= 3 ? "%z" : nullptr;
        break;
      case 'X':
        spec = run == 3 ? "%Ez" : (run <= 2 ? "%z" : nullptr);
        break;
      default:
        break;
    }
    if (spec == nullptr && fraction.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("time pattern letter '", std::string(run, c),
                       "' is not supported (use y M d H h m s S a E Z X)"));
    }
    out += spec != nullptr ? std::string(spec) : fraction;
    i += run;
  }
  return out;
}

// Functions of `user` and the Classic global group functions (no receiver).
constexpr MethodSpec kUserFunctions[] = {
    {"isMemberOf", Fn::kIsMemberOf, 1, 8},
    {"getGroups", Fn::kGetGroups, 0, 8},
    {"getLinkedObject", Fn::kGetLinkedObject, 1, 1},
    {"isMemberOfGroupName", Fn::kIsMemberOfGroupName, 1, 1},
    {"isMemberOfGroupNameStartsWith", Fn::kIsMemberOfGroupNameStartsWith, 1, 1},
    {"isMemberOfGroupNameContains", Fn::kIsMemberOfGroupNameContains, 1, 1},
    {"isMemberOfGroup", Fn::kIsMemberOfGroup, 1, 1},
};

// Classic static calls: String.f(s, ...) and Arrays.f(a, ...) → s.g(...).
struct StaticSpec {
  std::string_view klass;
  std::string_view name;
  std::string_view method;
};
constexpr StaticSpec kStatics[] = {
    {"String", "stringContains", "contains"},
    {"String", "toUpperCase", "toUpperCase"},
    {"String", "toLowerCase", "toLowerCase"},
    {"String", "substring", "substring"},
    {"String", "substringBefore", "substringBefore"},
    {"String", "substringAfter", "substringAfter"},
    {"String", "replace", "replace"},
    {"String", "replaceFirst", "replaceFirst"},
    {"String", "removeSpaces", "removeSpaces"},
    {"String", "len", "length"},
    {"Arrays", "contains", "contains"},
    {"Arrays", "size", "size"},
    {"Arrays", "isEmpty", "isEmpty"},
};

constexpr std::string_view kCriteriaKeys[] = {"group.id", "group.type", "group.profile.name",
                                              "group.source.id", "operator"};

const MethodSpec* FindSpec(const MethodSpec* begin, const MethodSpec* end, std::string_view name) {
  for (const MethodSpec* s = begin; s != end; ++s) {
    if (s->name == name) return s;
  }
  return nullptr;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ExpressionEnv& env, Program* program)
      : toks_(std::move(tokens)), env_(env), p_(program) {}

  absl::StatusOr<uint32_t> ParseAll() {
    auto root = Ternary();
    if (!root.ok()) return root.status();
    if (Peek().kind != Tok::kEnd) return Error(Peek().col, "unexpected token after expression");
    return *root;
  }

 private:
  using Result = absl::StatusOr<uint32_t>;

  const Token& Peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& Take() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  static absl::Status Error(int col, std::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat("col ", col, ": ", std::string(message)));
  }
  absl::Status Expect(Tok kind, std::string_view what) {
    if (Peek().kind != kind) {
      return Error(Peek().col, absl::StrCat("expected ", std::string(what)));
    }
    Take();
    return absl::OkStatus();
  }

  // Adds a node whose children are `children`; enforces the depth limit.
  Result Add(Node node, const std::vector<uint32_t>& children) {
    int depth = 1;
    for (uint32_t c : children) depth = std::max(depth, depth_[c] + 1);
    if (depth > env_.max_depth) {
      return Error(node.col, absl::StrCat("expression nested deeper than ", env_.max_depth));
    }
    node.first_arg = static_cast<uint32_t>(p_->args.size());
    node.num_args = static_cast<uint32_t>(children.size());
    p_->args.insert(p_->args.end(), children.begin(), children.end());
    p_->nodes.push_back(node);
    depth_.push_back(depth);
    return static_cast<uint32_t>(p_->nodes.size() - 1);
  }
  Result Leaf(Node node) { return Add(node, {}); }
  int32_t Intern(std::string s) {
    p_->strings.push_back(std::move(s));
    return static_cast<int32_t>(p_->strings.size() - 1);
  }

  // Guards parser recursion (nesting that creates no node, e.g. parentheses).
  struct DepthGuard {
    explicit DepthGuard(int* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    int* d_;
  };
  absl::Status CheckRecursion(int col) {
    if (recursion_ > env_.max_depth) {
      return Error(col, absl::StrCat("expression nested deeper than ", env_.max_depth));
    }
    return absl::OkStatus();
  }

  Result Ternary() {
    DepthGuard guard(&recursion_);
    if (auto s = CheckRecursion(Peek().col); !s.ok()) return s;
    auto cond = Or();
    if (!cond.ok() || Peek().kind != Tok::kQuestion) return cond;
    const int col = Take().col;
    auto then = Ternary();
    if (!then.ok()) return then;
    if (auto s = Expect(Tok::kColon, "':' of the ternary operator"); !s.ok()) return s;
    auto otherwise = Ternary();
    if (!otherwise.ok()) return otherwise;
    Node n;
    n.op = Op::kTernary;
    n.col = col;
    return Add(n, {*cond, *then, *otherwise});
  }

  template <typename Next>
  Result Binary(Next next, std::initializer_list<std::pair<Tok, Op>> ops) {
    auto left = (this->*next)();
    if (!left.ok()) return left;
    while (true) {
      const Token& t = Peek();
      const std::pair<Tok, Op>* hit = nullptr;
      for (const auto& op : ops) {
        if (op.first == t.kind) hit = &op;
      }
      if (hit == nullptr) return left;
      const int col = Take().col;
      auto right = (this->*next)();
      if (!right.ok()) return right;
      Node n;
      n.op = hit->second;
      n.col = col;
      left = Add(n, {*left, *right});
      if (!left.ok()) return left;
    }
  }
  Result Or() { return Binary(&Parser::And, {{Tok::kOr, Op::kOr}}); }
  Result And() { return Binary(&Parser::Equality, {{Tok::kAnd, Op::kAnd}}); }
  Result Equality() {
    return Binary(&Parser::Relational, {{Tok::kEq, Op::kEq}, {Tok::kNe, Op::kNe}});
  }
  Result Relational() {
    return Binary(
        &Parser::Unary,
        {{Tok::kLt, Op::kLt}, {Tok::kGt, Op::kGt}, {Tok::kLe, Op::kLe}, {Tok::kGe, Op::kGe}});
  }

  Result Unary() {
    DepthGuard guard(&recursion_);
    if (auto s = CheckRecursion(Peek().col); !s.ok()) return s;
    if (Peek().kind == Tok::kNot || Peek().kind == Tok::kMinus) {
      const Token& t = Take();
      const Op op = t.kind == Tok::kNot ? Op::kNot : Op::kNeg;
      const int col = t.col;
      auto operand = Unary();
      if (!operand.ok()) return operand;
      Node n;
      n.op = op;
      n.col = col;
      return Add(n, {*operand});
    }
    return Postfix();
  }

  absl::StatusOr<std::vector<uint32_t>> Args() {
    std::vector<uint32_t> args;
    if (auto s = Expect(Tok::kLParen, "'('"); !s.ok()) return s;
    if (Peek().kind == Tok::kRParen) {
      Take();
      return args;
    }
    while (true) {
      auto a = Ternary();
      if (!a.ok()) return a.status();
      args.push_back(*a);
      if (Peek().kind == Tok::kComma) {
        Take();
        continue;
      }
      if (auto s = Expect(Tok::kRParen, "',' or ')'"); !s.ok()) return s;
      return args;
    }
  }

  // A method call on `receiver` (or a receiver-less function when receiver < 0).
  Result Call(const MethodSpec& spec, int col, int64_t receiver, std::vector<uint32_t> args) {
    const int n = static_cast<int>(args.size());
    if (n < spec.min_args || n > spec.max_args) {
      return Error(col, absl::StrCat("'", std::string(spec.name), "' takes ",
                                     spec.min_args == spec.max_args
                                         ? absl::StrCat(spec.min_args)
                                         : absl::StrCat(spec.min_args, " to ", spec.max_args),
                                     " argument(s), got ", n));
    }
    Node node;
    node.op = Op::kCall;
    node.fn = spec.fn;
    node.col = col;
    if (spec.fn == Fn::kMatches) {
      const Node& pattern = p_->nodes[args[0]];
      if (pattern.op != Op::kString) {
        return Error(col, "matches() needs a string literal pattern");
      }
      auto re = CompileRegex(p_->strings[pattern.str]);
      if (!re.ok()) return Error(pattern.col, std::string(re.status().message()));
      p_->regexes.push_back(*std::move(re));
      node.regex = static_cast<int32_t>(p_->regexes.size() - 1);
    }
    if (spec.fn == Fn::kIsMemberOf || spec.fn == Fn::kGetGroups) {
      for (uint32_t a : args) {
        const Node& m = p_->nodes[a];
        if (m.op != Op::kMap) {
          return Error(m.col, absl::StrCat("'", std::string(spec.name),
                                           "' expects criteria objects {'group.profile.name': …}"));
        }
        for (uint32_t k = 0; k < m.num_args; k += 2) {
          const Node& key = p_->nodes[p_->args[m.first_arg + k]];
          const std::string& name = p_->strings[key.str];
          if (std::find(std::begin(kCriteriaKeys), std::end(kCriteriaKeys), name) ==
              std::end(kCriteriaKeys)) {
            return Error(key.col, absl::StrCat("unknown group criterion '", name, "'"));
          }
        }
      }
    }
    if (spec.fn == Fn::kPlusTime || spec.fn == Fn::kMinusTime || spec.fn == Fn::kWithin) {
      node.number = SecondsPerUnit(spec.name);
    }
    if (spec.fn == Fn::kToZone || (spec.fn == Fn::kToString && n == 1)) {
      // Zones and patterns are checked and translated once, here.
      const Node& arg = p_->nodes[args[0]];
      if (arg.op != Op::kString) {
        return Error(arg.col, absl::StrCat("'", std::string(spec.name),
                                           "' needs a string literal argument"));
      }
      const std::string& text = p_->strings[arg.str];
      if (spec.fn == Fn::kToZone) {
        auto offset = ParseZoneOffset(text);
        if (!offset.ok()) return Error(arg.col, std::string(offset.status().message()));
        node.number = *offset;
      } else {
        auto format = TranslateTimePattern(text);
        if (!format.ok()) return Error(arg.col, std::string(format.status().message()));
        node.str = Intern(*std::move(format));
      }
      args.clear();  // the argument lives on in the node
    }
    if (receiver >= 0) args.insert(args.begin(), static_cast<uint32_t>(receiver));
    return Add(node, args);
  }

  Result Postfix() {
    auto value = Primary();
    if (!value.ok()) return value;
    while (Peek().kind == Tok::kDot) {
      Take();
      if (Peek().kind != Tok::kIdent) return Error(Peek().col, "expected a name after '.'");
      const Token& name = Take();
      const std::string fname = name.text;
      const int col = name.col;
      if (Peek().kind == Tok::kLParen) {
        const MethodSpec* spec = FindSpec(std::begin(kMethods), std::end(kMethods), fname);
        if (spec == nullptr) return Error(col, absl::StrCat("unknown function '", fname, "'"));
        auto args = Args();
        if (!args.ok()) return args.status();
        value = Call(*spec, col, *value, *std::move(args));
      } else {
        Node n;
        n.op = Op::kMember;
        n.col = col;
        n.str = Intern(fname);
        value = Add(n, {*value});
      }
      if (!value.ok()) return value;
    }
    if (Peek().kind == Tok::kLBracket) {
      return Error(Peek().col, "only an attribute path can be indexed (user.profile['name'])");
    }
    return value;
  }

  Result Primary() {
    const Token& t = Peek();
    Node n;
    n.col = t.col;
    switch (t.kind) {
      case Tok::kNumber:
        n.op = Op::kNumber;
        n.number = Take().number;
        return Leaf(n);
      case Tok::kString:
        n.op = Op::kString;
        n.str = Intern(Take().text);
        return Leaf(n);
      case Tok::kLParen: {
        Take();
        auto inner = Ternary();
        if (!inner.ok()) return inner;
        if (auto s = Expect(Tok::kRParen, "')'"); !s.ok()) return s;
        return inner;
      }
      case Tok::kLBrace:
        return ListOrMap();
      case Tok::kIdent:
        return PathOrCall();
      case Tok::kEnd:
        return Error(t.col, "unexpected end of expression");
      default:
        return Error(t.col, "unexpected token");
    }
  }

  // {a, b, ...} is an inline list, {'k': v, ...} an inline map (SpEL).
  Result ListOrMap() {
    Node n;
    n.col = Take().col;
    std::vector<uint32_t> items;
    if (Peek().kind == Tok::kRBrace) {
      Take();
      n.op = Op::kList;
      return Add(n, items);
    }
    const bool is_map = Peek(1).kind == Tok::kColon;
    n.op = is_map ? Op::kMap : Op::kList;
    while (true) {
      if (is_map) {
        const Token& key = Peek();
        if (key.kind != Tok::kString && key.kind != Tok::kIdent) {
          return Error(key.col, "expected a map key");
        }
        Node k;
        k.op = Op::kString;
        k.col = key.col;
        k.str = Intern(Take().text);
        auto kn = Leaf(k);
        if (!kn.ok()) return kn;
        items.push_back(*kn);
        if (auto s = Expect(Tok::kColon, "':'"); !s.ok()) return s;
      }
      auto item = Ternary();
      if (!item.ok()) return item;
      items.push_back(*item);
      if (Peek().kind == Tok::kComma) {
        Take();
        continue;
      }
      if (auto s = Expect(Tok::kRBrace, "',' or '}'"); !s.ok()) return s;
      return Add(n, items);
    }
  }

  Result PathOrCall() {
    const Token& first = Take();
    const int col = first.col;
    if (first.text == "true" || first.text == "false") {
      Node n;
      n.op = Op::kBool;
      n.boolean = first.text == "true";
      n.col = col;
      return Leaf(n);
    }
    if (first.text == "null") {
      Node n;
      n.op = Op::kNull;
      n.col = col;
      return Leaf(n);
    }
    // Collect a dotted path; stop before a name that is called.
    std::vector<std::string> path = {first.text};
    std::vector<int> cols = {col};
    while (true) {
      if (Peek().kind == Tok::kDot && Peek(1).kind == Tok::kIdent && Peek(2).kind != Tok::kLParen) {
        Take();
        const Token& name = Take();
        path.push_back(name.text);
        cols.push_back(name.col);
      } else if (Peek().kind == Tok::kLBracket) {
        Take();
        if (Peek().kind != Tok::kString || Peek(1).kind != Tok::kRBracket) {
          return Error(Peek().col, "an index must be a name in quotes: ['name']");
        }
        const Token& name = Take();
        path.push_back(name.text);
        cols.push_back(name.col);
        Take();
      } else {
        break;
      }
    }
    if (Peek().kind == Tok::kLParen && path.size() == 1) {
      // A global function: only the Classic group functions exist.
      const MethodSpec* spec =
          FindSpec(std::begin(kUserFunctions) + 3, std::end(kUserFunctions), path[0]);
      if (spec == nullptr) return Error(col, absl::StrCat("unknown function '", path[0], "'"));
      auto args = Args();
      if (!args.ok()) return args.status();
      return Call(*spec, col, -1, *std::move(args));
    }
    if (Peek().kind == Tok::kDot && Peek(1).kind == Tok::kIdent && Peek(2).kind == Tok::kLParen) {
      const std::string& root = path[0];
      if (path.size() == 1 &&
          (root == "user" || root == "String" || root == "Arrays" || root == "DateTime")) {
        Take();
        const Token& name = Take();
        const std::string fname = name.text;
        const int fcol = name.col;
        if (root == "user" || root == "DateTime") {
          const MethodSpec* spec =
              root == "user"
                  ? FindSpec(std::begin(kUserFunctions), std::end(kUserFunctions), fname)
                  : FindSpec(std::begin(kDateTimeFunctions), std::end(kDateTimeFunctions), fname);
          if (spec == nullptr) {
            return Error(fcol, absl::StrCat("unknown function '",
                                            root == "user" ? fname : root + "." + fname, "'"));
          }
          auto args = Args();
          if (!args.ok()) return args.status();
          return Call(*spec, fcol, -1, *std::move(args));
        }
        for (const StaticSpec& s : kStatics) {
          if (s.klass == root && s.name == fname) {
            const MethodSpec* spec = FindSpec(std::begin(kMethods), std::end(kMethods), s.method);
            auto args = Args();
            if (!args.ok()) return args.status();
            if (args->empty()) {
              return Error(fcol, absl::StrCat("'", root, ".", fname, "' needs an argument"));
            }
            const uint32_t receiver = args->front();
            args->erase(args->begin());
            return Call(*spec, fcol, receiver, *std::move(args));
          }
        }
        return Error(fcol, absl::StrCat("unknown function '", root, ".", fname, "'"));
      }
    }
    return Attribute(path, cols);
  }

  Result Attribute(const std::vector<std::string>& path, const std::vector<int>& cols) {
    Node n;
    n.op = Op::kAttr;
    n.col = cols[0];
    const std::string full = absl::StrJoin(path, ".");
    const std::string& root = path[0];
    size_t used = path.size();  // components consumed by the attribute; the rest are members
    auto unknown = [&]() { return Error(cols[0], absl::StrCat("unknown attribute '", full, "'")); };
    if (root == "user") {
      if (path.size() < 2) return Error(cols[0], "'user' is not a value (use user.<attribute>)");
      const std::string& a = path[1];
      used = 2;
      if (a == "id") {
        n.attr = Attr::kUserId;
      } else if (a == "login") {
        n.attr = Attr::kUserLogin;
      } else if (a == "status") {
        n.attr = Attr::kUserStatus;
      } else if (a == "type") {
        n.attr = Attr::kUserType;
      } else if (a == "created" || a == "lastUpdated" || a == "passwordChanged" ||
                 a == "lastLogin" || a == "activated" || a == "statusChanged") {
        n.attr = Attr::kUnmodeled;
      } else if (a == "profile") {
        if (path.size() < 3) return Error(cols[0], "'user.profile' is not a value");
        n.attr = Attr::kUserProfile;
        n.str = Intern(path[2]);
        used = 3;
      } else {
        return unknown();
      }
    } else if (root == "security") {
      if (path.size() >= 3 && path[1] == "risk" && path[2] == "level") {
        n.attr = Attr::kRiskLevel;
        used = 3;
      } else if (path.size() >= 2 && path[1] == "behaviors") {
        n.attr = Attr::kBehaviors;
        used = 2;
      } else if (path.size() >= 2 && path[1] == "userBehaviors") {
        return UserBehaviorDetected(path, cols);
      } else {
        return unknown();
      }
    } else if (root == "device") {
      if (path.size() < 2) return Error(cols[0], "'device' is not a value");
      // device.x and device.profile.x name the same signals here.
      size_t i = 1;
      if (path[1] == "profile" && path.size() >= 3) i = 2;
      const std::string& a = path[i];
      used = i + 1;
      if (a == "registered") {
        n.attr = Attr::kDeviceRegistered;
      } else if (a == "managed") {
        n.attr = Attr::kDeviceManaged;
      } else if (a == "platform") {
        n.attr = Attr::kDevicePlatform;
      } else if (a == "assurance" && path.size() == i + 1) {
        n.attr = Attr::kDeviceAssurance;
      } else {
        n.attr = Attr::kUnmodeled;  // device.provider.*, device.caller.*, ...: not in the context
        used = path.size();
      }
    } else if (root == "session") {
      if (path.size() >= 2 && path[1] == "amr") {
        n.attr = Attr::kSessionAmr;
        used = 2;
      } else if (path.size() >= 2 && path[1] == "id") {
        n.attr = Attr::kUnmodeled;
        used = 2;
      } else {
        return unknown();
      }
    } else if (root == "login") {
      if (path.size() >= 2 && path[1] == "identifier") {
        n.attr = Attr::kLoginIdentifier;
        used = 2;
      } else {
        return unknown();
      }
    } else if (root == "accessRequest") {
      n.attr = Attr::kUnmodeled;
      used = path.size();
    } else {
      return unknown();
    }
    return Members(Leaf(n), path, cols, used);
  }

  // path[from...] read as members of `value`.
  Result Members(Result value, const std::vector<std::string>& path, const std::vector<int>& cols,
                 size_t from) {
    for (size_t i = from; i < path.size() && value.ok(); ++i) {
      Node m;
      m.op = Op::kMember;
      m.col = cols[i];
      m.str = Intern(path[i]);
      value = Add(m, {*value});
    }
    return value;
  }

  // security.userBehaviors['<name>'].detected, the form Okta records in the
  // System Log's securityConditions, asks what
  // security.behaviors.contains('<name>') asks; it compiles to that call.
  Result UserBehaviorDetected(const std::vector<std::string>& path, const std::vector<int>& cols) {
    if (path.size() < 4 || path[3] != "detected") {
      return Error(cols[1],
                   "read security.userBehaviors as security.userBehaviors['<name>'].detected");
    }
    Node list;
    list.op = Op::kAttr;
    list.attr = Attr::kBehaviors;
    list.col = cols[0];
    auto receiver = Leaf(list);
    if (!receiver.ok()) return receiver;
    Node name;
    name.op = Op::kString;
    name.col = cols[2];
    name.str = Intern(path[2]);
    auto arg = Leaf(name);
    if (!arg.ok()) return arg;
    const MethodSpec* contains = FindSpec(std::begin(kMethods), std::end(kMethods), "contains");
    return Members(Call(*contains, cols[3], *receiver, {*arg}), path, cols, 4);
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  const ExpressionEnv& env_;
  Program* p_;
  std::vector<int> depth_;
  int recursion_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<const Program>> Compile(std::string_view text,
                                                       const ExpressionEnv& env) {
  if (text.size() > env.max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("col 1: expression longer than ", env.max_length, " bytes"));
  }
  auto tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  auto program = std::make_unique<Program>();
  program->text = std::string(text);
  program->max_steps = env.max_steps;
  program->max_built_bytes = env.max_built_bytes;
  Parser parser(*std::move(tokens), env, program.get());
  auto root = parser.ParseAll();
  if (!root.ok()) return root.status();
  program->root = *root;
  return std::unique_ptr<const Program>(std::move(program));
}

}  // namespace verdict::expr
