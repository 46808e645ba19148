// Expression Language conditions as one finite dimension of lint's condition
// space, decided by an SMT solver (Z3).
//
// A policy type's rules may carry several expressions over the same user
// attributes (`user.profile.department == "Sales"`, `... .startsWith("VP")`).
// Each context gives each expression a truth value; the combinations that
// some context can give are the dimension's atoms ("cells"), found by asking
// Z3 for one assignment per combination. An expression is then exactly the
// set of cells where it is true, and the box algebra of space.h reasons over
// it like over groups or zones: a rule whose expression is implied by an
// earlier rule's is shadowed, an expression no assignment satisfies makes the
// rule unsatisfiable. Each cell keeps the attribute values Z3 found, so a
// witness context carries them.
//
// Only what can be encoded exactly is: Boolean operators, == and != between
// strings, null and string-valued attributes, startsWith / endsWith on
// strings, contains on user.login, length() compared with numbers, over the
// attributes user.login and user.profile.*. Anything else (group functions,
// regexes, arrays, time, typed profile values used as Booleans or numbers)
// leaves the expression unknown, as before: over-approximated, never the
// cause of a finding. docs/lint.md says the same for users.
#ifndef VERDICT_LIB_LINT_EXPRESSION_CELLS_H_
#define VERDICT_LIB_LINT_EXPRESSION_CELLS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "verdict/context.h"
#include "verdict/expression.h"

namespace verdict::internal::lint {

// Whether `expression` is in the encodable fragment; if not, why (for the
// expression-unanalysable note).
bool EncodableExpression(const CompiledExpression& expression, std::string* why);

class ExpressionCells {
 public:
  // Encodes `expressions` (the snapshot's compiled elConditions, as
  // SnapshotFacts holds them; duplicates are fine, outside the fragment ones
  // are left out) and enumerates the cells, within
  // `max_cells` cells and about `budget_ms` of solver time. When the solver
  // gives up (timeout, too many cells, an internal error), no expression
  // counts as encoded: lint then treats them all as unknown.
  static ExpressionCells Build(const std::vector<const CompiledExpression*>& expressions,
                               int max_cells = 256, int64_t budget_ms = 5000);

  // True when `text` was encoded and the cells were found.
  bool Encoded(const std::string& text) const { return truth_.count(text) > 0; }
  // Number of cells (atoms); 0 when nothing was encoded. Cell 0 is the one a
  // context without the attributes (no user, no profile) falls in.
  int cells() const { return static_cast<int>(models_.size()); }
  // For an encoded expression: per cell, whether it is true there.
  const std::vector<bool>& TrueIn(const std::string& text) const { return truth_.at(text); }
  // Writes cell `cell`'s attribute values into `context` (login and profile
  // attributes; absent ones are left out).
  void Apply(int cell, SignOnContext* context) const;
  // Why nothing was encoded, when the solver gave up ("" otherwise).
  const std::string& gave_up() const { return gave_up_; }

 private:
  struct Model {
    std::optional<std::string> login;
    std::map<std::string, std::string> profile;
  };
  std::map<std::string, std::vector<bool>> truth_;
  std::vector<Model> models_;
  std::string gave_up_;
};

}  // namespace verdict::internal::lint

#endif  // VERDICT_LIB_LINT_EXPRESSION_CELLS_H_
