// The context check of verdict/context_check.h with its lookups built once
// per snapshot: hashed ids, case-folded names and the "did you mean"
// candidates folded in advance. CheckContext builds all of that from the
// snapshot on every call; a command that checks thousands of contexts
// against one snapshot (eval, ContextStream, serve) builds a ContextChecker
// once and asks it for each context.
#ifndef VERDICT_CONTEXT_CHECKER_H_
#define VERDICT_CONTEXT_CHECKER_H_

#include <memory>
#include <string>

#include "verdict/context.h"
#include "verdict/export.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {

namespace model_internal {
struct ContextCheckTables;
}  // namespace model_internal

// Immutable after construction and safe to share across threads. It copies
// what it needs: the snapshot need not outlive it. Not copyable (share it by
// pointer); movable.
class ContextChecker {
 public:
  // Builds the lookups for `snapshot`'s groups, behaviors, zones and apps.
  // Cost: linear in their number (a hash insert and a case fold per id and
  // name).
  VERDICT_EXPORT explicit ContextChecker(const Snapshot& snapshot);
  VERDICT_EXPORT ~ContextChecker();
  VERDICT_EXPORT ContextChecker(ContextChecker&&) noexcept;
  VERDICT_EXPORT ContextChecker& operator=(ContextChecker&&) noexcept;
  ContextChecker(const ContextChecker&) = delete;
  ContextChecker& operator=(const ContextChecker&) = delete;

  // Exactly CheckContext(context, snapshot, file, warnings) for the snapshot
  // this checker was built from: the same warnings, byte for byte, in the
  // same order. No-op when `warnings` is null. Cost: a hash lookup per
  // reference; a "did you mean" scan of the candidates only for a reference
  // that is neither an id nor a name.
  VERDICT_EXPORT void Check(const SignOnContext& context, const std::string& file,
                            IssueList* warnings) const;

 private:
  std::unique_ptr<const model_internal::ContextCheckTables> tables_;
};

}  // namespace verdict

#endif  // VERDICT_CONTEXT_CHECKER_H_
