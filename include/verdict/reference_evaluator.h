// Tool header: in verdict::core, for explanations (traces) and as the test
// oracle; a gateway evaluates with CompiledPolicySet (verdict/engine.h).
//
// The reference evaluator: Part A of docs/semantics.md written as directly as
// possible — every policy, every rule, every condition, in order. It is the
// oracle the compiled engine is tested against, so clarity beats speed.
#ifndef VERDICT_REFERENCE_EVALUATOR_H_
#define VERDICT_REFERENCE_EVALUATOR_H_

#include <memory>
#include <vector>

#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace internal {
class SnapshotFacts;
}  // namespace internal

class CompiledPolicySet;

class ReferenceEvaluator {
 public:
  // `snapshot` must outlive the evaluator and every Decision it returns.
  // Compiles every expression of the snapshot once (malformed ones never
  // match; Compile() is where they are reported).
  explicit ReferenceEvaluator(const Snapshot& snapshot);
  // Evaluates the snapshot `set` was compiled from, sharing what Compile()
  // already derived from it (its compiled expressions among them) instead of
  // deriving it again. Keeps `set` alive; Decisions point into set->snapshot().
  explicit ReferenceEvaluator(std::shared_ptr<const CompiledPolicySet> set);
  ~ReferenceEvaluator();

  // Evaluates one policy type for `context`. When `trace` is non-null it is
  // filled with every policy and rule considered and each condition's verdict.
  // Thread-safe (const, no shared mutable state). Never fails: a missing
  // attribute makes its condition false and is recorded in the trace.
  Decision Evaluate(const SignOnContext& context, PolicyType type, Trace* trace = nullptr) const;

  // The pieces of Evaluate, one at a time, for checking a claim about one
  // policy or rule (`policy-sim lint` proves its witnesses with them). Each
  // ignores the blocklist and every other policy and rule. `policy` and
  // `rule` must belong to the snapshot this evaluator was made from.
  //
  // Whether `policy` applies to `context` (Part A §A1.3, §A1.5: its
  // selection by group or app, then its own conditions).
  //
  // With `verdicts`, every condition's verdict is appended to it, as a
  // Trace's PolicyTrace::conditions would hold them: the detail of one item,
  // on demand, for a caller that learned from the compiled engine's
  // DecisionReasons (verdict/decision_reasons.h) which item to print,
  // instead of tracing every policy of the type.
  bool PolicyApplies(const SignOnContext& context, const Policy& policy,
                     std::vector<ConditionVerdict>* verdicts = nullptr) const;
  // Whether `rule`'s own conditions all hold for `context`; `verdicts` as
  // above (RuleTrace::conditions).
  bool RuleConditionsHold(const SignOnContext& context, const Rule& rule,
                          std::vector<ConditionVerdict>* verdicts = nullptr) const;
  // Whether `context` is in `zone` (the chain walk for IP zones, the client's
  // attributes for dynamic ones; an INACTIVE zone holds nobody).
  bool InZone(const SignOnContext& context, const NetworkZone& zone) const;

 private:
  std::shared_ptr<const internal::SnapshotFacts> facts_;
};

}  // namespace verdict

#endif  // VERDICT_REFERENCE_EVALUATOR_H_
