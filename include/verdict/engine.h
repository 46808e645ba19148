// The compiled decision engine — the core of verdict::core: a snapshot
// compiled once into an immutable structure that answers Evaluate() from any
// number of threads, with cost growing sub-linearly in the size of the org,
// and (see Evaluate) without allocating. docs/embedding.md shows it in use.
#ifndef VERDICT_ENGINE_H_
#define VERDICT_ENGINE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/decision_reasons.h"
#include "verdict/export.h"
#include "verdict/issue.h"
#include "verdict/policy_type.h"
#include "verdict/snapshot.h"

namespace verdict {

namespace internal {
struct CompiledData;  // lib/compile: indexes, bitsets, flattened rules
class SnapshotFacts;  // lib/compile: what both evaluators derive from a snapshot
}  // namespace internal

class ReferenceEvaluator;

// An immutable compiled policy set. Safe for concurrent use by any number of
// threads; not copyable (share it through the shared_ptr Compile returns).
class VERDICT_EXPORT CompiledPolicySet {
 public:
  ~CompiledPolicySet();
  CompiledPolicySet(const CompiledPolicySet&) = delete;
  CompiledPolicySet& operator=(const CompiledPolicySet&) = delete;

  // Same answer as ReferenceEvaluator::Evaluate for the same snapshot and
  // context (proven by the differential tests). const and lock-free. The
  // Decision points into snapshot().
  //
  // Allocation: none, with one exception — a rule or platform condition
  // whose Okta Expression Language builds a new string or array while it is
  // evaluated (toLowerCase, replace, concatenation, inline lists, getGroups,
  // ...), or fails with an error (the error's message), and RE2 the first
  // time its lazy DFA meets new input (userIdentifier EXPRESSION). Attribute
  // comparisons, isMemberOf, contains and time functions do not allocate
  // (docs/expressions.md, "Allocation"; tests/eval/differential_test.cc
  // counts both kinds). The first Evaluate on a thread of an org too large
  // for the 16 KiB stack scratch grows that thread's buffer once.
  Decision Evaluate(const SignOnContext& context, PolicyType type) const;

  // The same decision, and, when `reasons` is non-null, why
  // (verdict/decision_reasons.h): `reasons` is cleared and refilled. With a
  // null `reasons` this is Evaluate(context, type), at its cost. Filling it
  // never allocates: items go within the capacities the buffer was
  // constructed with (expressions aside, as above). It costs a walk of the
  // policies before the winner and of the winning policy's rules before the
  // winning rule, each checked condition by condition: ~100 ns more on a
  // 31-rule org, ~2.5x the decision at 10k rules (docs/performance.md,
  // "Reasons with the compiled engine"). Same thread safety as Evaluate.
  Decision Evaluate(const SignOnContext& context, PolicyType type, DecisionReasons* reasons) const;

  // Every policy type for one context in one pass: element t is
  // Evaluate(context, PolicyType(t)) (tests/eval/differential_test.cc checks
  // it). The per-context work — the chain walk and the dynamic zones, the
  // blocklist, the lookup of the context's group ids — is done once instead
  // of once per type, so it costs less than the calls it replaces; a type
  // without policies costs a few branches. Same thread safety and
  // allocation contract as Evaluate.
  std::array<Decision, kPolicyTypeCount> EvaluateAll(const SignOnContext& context) const;

  // The snapshot this set was compiled from (owned by the set).
  const Snapshot& snapshot() const;

  // The conditions that read the user's group memberships beyond Everyone
  // (people.groups, groups, Expression Language calling user.isMemberOf and
  // friends), as file + JSON pointer, in snapshot order. A context whose
  // memberships are unknown (a System Log event without --memberships)
  // cannot be decided faithfully where any of them is; empty when none.
  const std::vector<SnapshotLocation>& GroupMembershipReaders() const;

  // Heap bytes held by the compiled structures (IP index, rule lists, masks),
  // not counting the snapshot itself. For capacity planning and benchmarks.
  size_t MemoryBytes() const;

 private:
  friend absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> Compile(Snapshot snapshot,
                                                                          IssueList* issues);
  friend class ReferenceEvaluator;  // shares facts() instead of deriving them again
  CompiledPolicySet();
  const internal::SnapshotFacts& facts() const;
  std::unique_ptr<internal::CompiledData> data_;
};

// Compiles a loaded snapshot: every expression is compiled here, once, and
// each one that does not compile is a warning (code "rule.bad_expression",
// file, JSON pointer and column) appended to `issues` (may be null); such a
// condition never matches. Fails (InvalidArgument) only on a snapshot the
// engine cannot represent faithfully; the loader has already rejected
// malformed input. Cost: linear in the snapshot (see docs/performance.md).
VERDICT_EXPORT absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> Compile(Snapshot snapshot,
                                                                                IssueList* issues);
// The same, discarding warnings.
VERDICT_EXPORT absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> Compile(Snapshot snapshot);

// LoadSnapshot then Compile: every issue of both goes to `issues` (may be
// null). The error of whichever failed (file + JSON pointer), else the set.
VERDICT_EXPORT absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> LoadAndCompile(
    std::string_view directory, IssueList* issues, const LoadOptions& options = {});

// Holds the current compiled set for embedders and swaps in new ones without
// blocking evaluators (hot reload). Thread-safe.
class VERDICT_EXPORT Engine {
 public:
  Engine() = default;
  explicit Engine(std::shared_ptr<const CompiledPolicySet> initial);

  // The current set; callers keep it alive for as long as they use Decisions
  // from it. Lock-free.
  std::shared_ptr<const CompiledPolicySet> current() const;

  // Loads and compiles `directory`; on success swaps it in. On failure the
  // previous set keeps serving and the error (file + JSON pointer) is
  // returned; `issues` (may be null) receives every problem found.
  absl::Status Reload(std::string_view directory, IssueList* issues = nullptr);

  // Swaps in an already compiled set.
  void Swap(std::shared_ptr<const CompiledPolicySet> next);

 private:
  std::atomic<std::shared_ptr<const CompiledPolicySet>> current_;
};

}  // namespace verdict

#endif  // VERDICT_ENGINE_H_
