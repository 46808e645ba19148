#include "lib/lint/expression_cells.h"

#include <z3++.h>

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "verdict/expression_program.h"

namespace verdict::internal::lint {
namespace {

using expr::Attr;
using expr::Fn;
using expr::Node;
using expr::Op;
using expr::Program;

// What a sub-expression is, statically. Only attributes have a type known at
// run time alone; they are modelled as "null or a string" (kText), which
// behaves as every other run-time type does wherever the fragment lets an
// attribute appear: == and != against strings, null and other attributes
// (a number or Boolean is unequal to all of them, like some string) and
// string methods (an error on anything but a string, like null).
enum class Kind { kBool, kText, kNumber };

// The checks of the fragment, shared by EncodableExpression (no solver) and
// the encoder, so the two cannot disagree.
class Fragment {
 public:
  explicit Fragment(const Program& p) : p_(p) {}

  // The kind of node `i`, or nullopt (with why_) when it is outside.
  std::optional<Kind> KindOf(uint32_t i) {
    const Node& n = p_.nodes[i];
    switch (n.op) {
      case Op::kNull:
        return Kind::kText;
      case Op::kBool:
        return Kind::kBool;
      case Op::kNumber:
        return Kind::kNumber;
      case Op::kString:
        for (char c : p_.strings[n.str]) {
          if (c < 0x20 || c > 0x7e || c == '\\') {
            return Out(n, "a string with non-printable or escaped characters");
          }
        }
        return Kind::kText;
      case Op::kAttr:
        if (n.attr == Attr::kUserLogin || n.attr == Attr::kUserProfile) return Kind::kText;
        return Out(n, "an attribute other than user.login and user.profile.*");
      case Op::kNot:
        return Want(Arg(n, 0), Kind::kBool, n) ? std::optional(Kind::kBool) : std::nullopt;
      case Op::kAnd:
      case Op::kOr:
        return Want(Arg(n, 0), Kind::kBool, n) && Want(Arg(n, 1), Kind::kBool, n)
                   ? std::optional(Kind::kBool)
                   : std::nullopt;
      case Op::kEq:
      case Op::kNe: {
        std::optional<Kind> l = KindOf(Arg(n, 0));
        std::optional<Kind> r = KindOf(Arg(n, 1));
        if (!l || !r) return std::nullopt;
        // A typed profile value may be a Boolean or a number at run time:
        // compared with a Boolean or number literal it could be equal, which
        // "null or string" cannot show.
        if (*l != *r) return Out(n, "== or != between an attribute and a non-string");
        return Kind::kBool;
      }
      case Op::kLt:
      case Op::kGt:
      case Op::kLe:
      case Op::kGe:
        return Want(Arg(n, 0), Kind::kNumber, n) && Want(Arg(n, 1), Kind::kNumber, n)
                   ? std::optional(Kind::kBool)
                   : std::nullopt;
      case Op::kCall:
        return CallKind(n);
      default:
        return Out(n, "an operator outside the analysed fragment");
    }
  }

  uint32_t Arg(const Node& n, uint32_t k) const { return p_.args[n.first_arg + k]; }
  const std::string& why() const { return why_; }

 private:
  std::optional<Kind> CallKind(const Node& n) {
    switch (n.fn) {
      case Fn::kStartsWith:
      case Fn::kEndsWith:
        if (n.num_args != 2) return Out(n, "a call with unexpected arguments");
        return Want(Arg(n, 0), Kind::kText, n) && Want(Arg(n, 1), Kind::kText, n)
                   ? std::optional(Kind::kBool)
                   : std::nullopt;
      case Fn::kContains: {
        // On a profile attribute that holds an array, contains() is element
        // membership: only user.login (always a string) is encoded.
        if (n.num_args != 2) return Out(n, "a call with unexpected arguments");
        const Node& self = p_.nodes[Arg(n, 0)];
        if (self.op != Op::kAttr || self.attr != Attr::kUserLogin) {
          return Out(n, "contains() on something other than user.login");
        }
        return Want(Arg(n, 1), Kind::kText, n) ? std::optional(Kind::kBool) : std::nullopt;
      }
      case Fn::kLength:
        if (n.num_args != 1) return Out(n, "a call with unexpected arguments");
        return Want(Arg(n, 0), Kind::kText, n) ? std::optional(Kind::kNumber) : std::nullopt;
      default:
        return Out(n, "a function outside the analysed fragment");
    }
  }

  bool Want(uint32_t i, Kind want, const Node& parent) {
    std::optional<Kind> k = KindOf(i);
    if (!k) return false;
    if (*k != want) {
      Out(parent, "an operand of the wrong type");
      return false;
    }
    return true;
  }

  std::nullopt_t Out(const Node& n, const char* what) {
    if (why_.empty()) why_ = absl::StrCat("col ", n.col, ": ", what);
    return std::nullopt;
  }

  const Program& p_;
  std::string why_;
};

// A user attribute as the solver sees it: null, or a string.
struct AttrVars {
  z3::expr null;
  z3::expr text;
};

// A sub-expression's symbolic value: `error` holds when evaluation fails
// there (and the whole condition is false); otherwise `value` (Bool, String
// or Real) is the result, and for kText `null` says whether it is null.
struct Sym {
  Kind kind;
  z3::expr error;
  z3::expr value;
  z3::expr null;
};

class Encoder {
 public:
  Encoder(z3::context& z, std::map<std::string, AttrVars>& attrs) : z_(z), attrs_(attrs) {}

  // True when the program (already checked by Fragment) holds: no error and
  // the Boolean true.
  // Constraints on the attributes' values that encoding them added
  // (user.login is never "").
  const std::vector<z3::expr>& domain() const { return domain_; }

  z3::expr Holds(const Program& p) {
    p_ = &p;
    Sym root = Encode(p.root);
    return !root.error && root.value;
  }

 private:
  uint32_t Arg(const Node& n, uint32_t k) const { return p_->args[n.first_arg + k]; }

  Sym Text(z3::expr null, z3::expr value) {
    return Sym{Kind::kText, z_.bool_val(false), std::move(value), std::move(null)};
  }
  Sym Bool(z3::expr error, z3::expr value) {
    return Sym{Kind::kBool, std::move(error), std::move(value), z_.bool_val(false)};
  }

  AttrVars& Attribute(const std::string& key, bool non_empty) {
    auto it = attrs_.find(key);
    if (it != attrs_.end()) return it->second;
    AttrVars v{z_.bool_const(("null:" + key).c_str()), z_.string_const(("text:" + key).c_str())};
    it = attrs_.emplace(key, v).first;
    // user.login "" reads as null (the evaluator's StrOrNull).
    if (non_empty) domain_.push_back(v.null || v.text.length() > 0);
    return it->second;
  }

  Sym Encode(uint32_t i) {
    const Node& n = p_->nodes[i];
    switch (n.op) {
      case Op::kNull:
        return Text(z_.bool_val(true), z_.string_val(""));
      case Op::kBool:
        return Bool(z_.bool_val(false), z_.bool_val(n.boolean));
      case Op::kNumber:
        return Sym{Kind::kNumber, z_.bool_val(false), Real(n.number), z_.bool_val(false)};
      case Op::kString:
        return Text(z_.bool_val(false), z_.string_val(p_->strings[n.str]));
      case Op::kAttr: {
        const bool login = n.attr == Attr::kUserLogin;
        AttrVars& v =
            Attribute(login ? std::string("login") : "profile." + p_->strings[n.str], login);
        return Text(v.null, v.text);
      }
      case Op::kNot: {
        Sym a = Encode(Arg(n, 0));
        return Bool(a.error, !a.value);
      }
      case Op::kAnd:
      case Op::kOr: {
        const bool is_and = n.op == Op::kAnd;
        Sym l = Encode(Arg(n, 0));
        Sym r = Encode(Arg(n, 1));
        // Short circuit: the right side's error counts only when it runs.
        z3::expr runs_right = is_and ? l.value : !l.value;
        return Bool(l.error || (runs_right && r.error),
                    is_and ? l.value && r.value : l.value || r.value);
      }
      case Op::kEq:
      case Op::kNe: {
        Sym l = Encode(Arg(n, 0));
        Sym r = Encode(Arg(n, 1));
        z3::expr eq = l.kind == Kind::kText
                          ? (l.null && r.null) || (!l.null && !r.null && l.value == r.value)
                          : l.value == r.value;
        return Bool(l.error || r.error, n.op == Op::kEq ? eq : !eq);
      }
      case Op::kLt:
      case Op::kGt:
      case Op::kLe:
      case Op::kGe: {
        Sym l = Encode(Arg(n, 0));
        Sym r = Encode(Arg(n, 1));
        z3::expr c = n.op == Op::kLt   ? l.value < r.value
                     : n.op == Op::kGt ? l.value > r.value
                     : n.op == Op::kLe ? l.value <= r.value
                                       : l.value >= r.value;
        return Bool(l.error || r.error, c);
      }
      case Op::kCall: {
        Sym self = Encode(Arg(n, 0));
        if (n.fn == Fn::kLength) {
          return Sym{Kind::kNumber, self.error || self.null, z3::to_real(self.value.length()),
                     z_.bool_val(false)};
        }
        Sym a = Encode(Arg(n, 1));
        // The receiver must be a string, and so must the argument.
        z3::expr error = self.error || self.null || a.error || a.null;
        z3::expr value = n.fn == Fn::kStartsWith ? z3::prefixof(a.value, self.value)
                         : n.fn == Fn::kEndsWith ? z3::suffixof(a.value, self.value)
                                                 : self.value.contains(a.value);
        return Bool(error, value);
      }
      default:
        // Fragment rejected it; not reached.
        return Bool(z_.bool_val(true), z_.bool_val(false));
    }
  }

  z3::expr Real(double d) {
    // Numbers print exactly enough for a decimal literal Z3 reads.
    return z_.real_val(absl::StrCat(d).c_str());
  }

  z3::context& z_;
  std::map<std::string, AttrVars>& attrs_;
  const Program* p_ = nullptr;
  std::vector<z3::expr> domain_;
};

}  // namespace

bool EncodableExpression(const CompiledExpression& expression, std::string* why) {
  Fragment f(expression.program());
  std::optional<Kind> k = f.KindOf(expression.program().root);
  if (k == Kind::kBool) return true;
  if (why != nullptr) {
    *why = k ? "the expression's value is not a Boolean" : f.why();
  }
  return false;
}

ExpressionCells ExpressionCells::Build(const std::vector<const CompiledExpression*>& expressions,
                                       int max_cells, int64_t budget_ms) {
  ExpressionCells out;
  // The distinct encodable expressions, in first-seen order.
  std::vector<std::pair<std::string, const CompiledExpression*>> exprs;
  for (const CompiledExpression* e : expressions) {
    bool seen = false;
    for (const auto& x : exprs) seen = seen || x.first == e->text();
    if (seen || !EncodableExpression(*e, nullptr)) continue;
    exprs.emplace_back(e->text(), e);
  }
  if (exprs.empty()) return out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  try {
    z3::context z;
    std::map<std::string, AttrVars> attrs;
    Encoder enc(z, attrs);
    z3::solver s(z);
    std::vector<z3::expr> truth;
    for (size_t i = 0; i < exprs.size(); ++i) {
      z3::expr t = z.bool_const(absl::StrCat("holds:", i).c_str());
      s.add(t == enc.Holds(exprs[i].second->program()));
      truth.push_back(t);
    }
    for (const z3::expr& e : enc.domain()) s.add(e);
    // Values printable ASCII without the backslash, as string literals are
    // (Fragment): any assignment maps onto one of those with the same truths,
    // and the witness is a context a user can read (Z3 escapes no character).
    const z3::expr printable = z3::star(z3::range(z.string_val(" "), z.string_val("[")) +
                                        z3::range(z.string_val("]"), z.string_val("~")));
    for (auto& [key, v] : attrs) s.add(z3::in_re(v.text, printable));

    auto remaining_ms = [&] {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      return static_cast<unsigned>(std::max<int64_t>(left.count(), 1));
    };
    auto record = [&](const z3::model& m) {
      Model model;
      for (auto& [key, v] : attrs) {
        if (m.eval(v.null, true).is_true()) continue;
        std::string text = m.eval(v.text, true).get_string();
        if (key == "login") {
          model.login = std::move(text);
        } else {
          model.profile[key.substr(std::string("profile.").size())] = std::move(text);
        }
      }
      z3::expr_vector differs(z);
      for (size_t i = 0; i < truth.size(); ++i) {
        const bool t = m.eval(truth[i], true).is_true();
        auto& row = out.truth_[exprs[i].first];
        row.push_back(t);
        differs.push_back(t ? !truth[i] : truth[i]);
      }
      out.models_.push_back(std::move(model));
      s.add(z3::mk_or(differs));  // the next cell is another combination
    };

    // Cell 0: every attribute null, as in a context without a user.
    {
      z3::params params(z);
      params.set("timeout", remaining_ms());
      s.set(params);
      s.push();
      for (auto& [key, v] : attrs) s.add(v.null);
      if (s.check() != z3::sat) {
        out = ExpressionCells();
        out.gave_up_ = "the solver could not evaluate the expressions without attributes";
        return out;
      }
      z3::model m = s.get_model();
      s.pop();
      record(m);
    }
    while (true) {
      if (out.cells() > max_cells) {
        std::string why = absl::StrCat("more than ", max_cells, " combinations of ", exprs.size(),
                                       " expressions");
        out = ExpressionCells();
        out.gave_up_ = std::move(why);
        return out;
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      z3::params params(z);
      params.set("timeout", remaining_ms());
      s.set(params);
      const z3::check_result r = s.check();
      if (r == z3::unsat) return out;
      if (r != z3::sat) break;
      record(s.get_model());
    }
    out = ExpressionCells();
    out.gave_up_ = absl::StrCat("the solver ran out of its ", budget_ms, " ms");
    return out;
  } catch (const z3::exception& e) {
    out = ExpressionCells();
    out.gave_up_ = absl::StrCat("the solver failed: ", e.msg());
    return out;
  }
}

void ExpressionCells::Apply(int cell, SignOnContext* context) const {
  const Model& m = models_[cell];
  if (m.login) context->user.login = *m.login;
  for (const auto& [name, value] : m.profile) context->user.profile[name] = value;
}

}  // namespace verdict::internal::lint
