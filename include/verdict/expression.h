// Tool header: in verdict::core (Compile uses it), exposed for tools and tests
// that compile expressions themselves; a gateway never needs it.
//
// The Okta Expression Language (Identity Engine dialect, Part B §7 of
// docs/semantics.md's source): parse → compile once into an immutable flat
// program → evaluate many times against a sign-on context. docs/expressions.md
// lists the supported language and what Verdict does not model.
#ifndef VERDICT_EXPRESSION_H_
#define VERDICT_EXPRESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "verdict/context.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {

// Compile-time and run-time limits. Every one is checked; exceeding a
// compile-time limit is a compile error, exceeding max_steps or
// max_built_bytes makes the evaluation false (with the reason).
struct ExpressionEnv {
  size_t max_length = 4096;   // bytes of expression text
  int max_depth = 64;         // nesting of sub-expressions
  int64_t max_steps = 10000;  // evaluated nodes per EvaluateBool call
  // Bytes of strings and lists one evaluation may build (toLowerCase,
  // replace, lists, ...): six chained replace() calls can otherwise ask for
  // gigabytes. Exceeding it makes the evaluation false, with the reason.
  int64_t max_built_bytes = 64 * 1024;
};

// The parts of a snapshot an expression can see: groups (id → name/type, for
// user.isMemberOf), behaviors (id → name, for security.behaviors, which holds
// names) and linked objects (user.getLinkedObject). Built once per snapshot
// (the compiled engine: in Compile()), so evaluation only looks things up.
// Must not outlive the snapshot it was built from.
class ExpressionData {
 public:
  ExpressionData() = default;
  explicit ExpressionData(const Snapshot& snapshot);

  // nullptr when the snapshot has no such group.
  const Group* FindGroup(std::string_view id) const;
  // The built-in Everyone groups (Snapshot::EveryoneGroups): every user is in them.
  const std::vector<const Group*>& everyone() const { return everyone_; }
  // The behavior's name for an id; any other value is returned as given.
  std::string_view BehaviorName(std::string_view id_or_name) const;
  // The users `user_id` is linked to by `relationship` (a primary or
  // associated name of linked-objects.json), in the snapshot's order; nullptr
  // when none. A linked id without users/<id>/user.json yields a user with
  // only its id.
  const std::vector<const SnapshotUser*>* LinkedUsers(std::string_view user_id,
                                                      std::string_view relationship) const;
  // True for a primary name ("manager"): the relationship links one user.
  bool IsPrimaryRelationship(std::string_view name) const;

 private:
  absl::flat_hash_map<std::string, const Group*> groups_;
  absl::flat_hash_map<std::string, std::string> behavior_names_;
  std::vector<const Group*> everyone_;
  absl::flat_hash_map<std::string,
                      absl::flat_hash_map<std::string, std::vector<const SnapshotUser*>>>
      links_;
  absl::flat_hash_set<std::string> primary_names_;
  std::vector<std::unique_ptr<SnapshotUser>> id_only_users_;
};

namespace expr {
struct Program;
}  // namespace expr

// An immutable compiled expression; safe for concurrent use by many threads.
class CompiledExpression {
 public:
  explicit CompiledExpression(std::unique_ptr<const expr::Program> program);
  ~CompiledExpression();
  CompiledExpression(const CompiledExpression&) = delete;
  CompiledExpression& operator=(const CompiledExpression&) = delete;

  // True only when the expression evaluates to the Boolean true. Type errors,
  // missing attributes, non-Boolean results and the step limit all make it
  // false (Okta's behaviour); the reason is written to `why` when non-null.
  // Never throws.
  bool EvaluateBool(const SignOnContext& context, const ExpressionData& data,
                    std::string* why) const;

  // Evaluates to a string and passes it to `use` (valid only during the
  // call): IdP-discovery providerExpression. False when the result is an
  // error or not a string; the reason is written to `why` when non-null.
  bool EvaluateString(const SignOnContext& context, const ExpressionData& data,
                      absl::FunctionRef<void(std::string_view)> use, std::string* why) const;

  const std::string& text() const;

  // True when the expression reads the user's group memberships
  // (user.isMemberOf, user.getGroups, the classic isMemberOfGroup* aliases):
  // a context without memberships cannot be decided by it.
  bool ReadsGroupMemberships() const;

  // The compiled program, for analysis tools (verdict/expression_program.h).
  const expr::Program& program() const { return *program_; }

 private:
  std::unique_ptr<const expr::Program> program_;
};

// Parses and compiles `text`. On failure the message starts with the 1-based
// column: "col 17: unknown function 'isMemberof'".
absl::StatusOr<std::shared_ptr<const CompiledExpression>> CompileExpression(
    std::string_view text, const ExpressionEnv& env = ExpressionEnv());

// A regular expression compiled once (RE2, linear time). Identical patterns
// share one compiled object. `FullMatch` is the userIdentifier EXPRESSION and
// String.matches() semantics.
class CompiledRegex {
 public:
  virtual ~CompiledRegex() = default;
  virtual bool FullMatch(std::string_view text) const = 0;
  virtual bool PartialMatch(std::string_view text) const = 0;
};
absl::StatusOr<std::shared_ptr<const CompiledRegex>> CompileRegex(std::string_view pattern);

}  // namespace verdict

#endif  // VERDICT_EXPRESSION_H_
