// The reference evaluator: Part A of docs/semantics.md written as directly as
// possible — every policy, every rule, every condition, in order. It is the
// oracle the compiled engine is tested against, so clarity beats speed.
#ifndef VERDICT_REFERENCE_EVALUATOR_H_
#define VERDICT_REFERENCE_EVALUATOR_H_

#include <memory>

#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace internal {
struct RuleExpressions;
}  // namespace internal

class ReferenceEvaluator {
 public:
  // `snapshot` must outlive the evaluator and every Decision it returns.
  // Compiles every elCondition and userIdentifier EXPRESSION once.
  explicit ReferenceEvaluator(const Snapshot& snapshot);
  ~ReferenceEvaluator();

  // Evaluates one policy type for `context`. When `trace` is non-null it is
  // filled with every policy and rule considered and each condition's verdict.
  // Thread-safe (const, no shared mutable state). Never fails: a missing
  // attribute makes its condition false and is recorded in the trace.
  Decision Evaluate(const SignOnContext& context, PolicyType type, Trace* trace = nullptr) const;

 private:
  const Snapshot& snapshot_;
  std::shared_ptr<const internal::RuleExpressions> expressions_;
};

}  // namespace verdict

#endif  // VERDICT_REFERENCE_EVALUATOR_H_
