// Checks a context against the snapshot it is evaluated on, for the typos a
// parser cannot see: a group given by name instead of id, a behavior, zone
// or app the snapshot does not have. Each would make a condition quietly not
// match (and a CI gate pass for the wrong reason); policy-sim prints them as
// warnings, and as errors with --strict.
#ifndef VERDICT_CONTEXT_CHECK_H_
#define VERDICT_CONTEXT_CHECK_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "verdict/context.h"
#include "verdict/context_checker.h"
#include "verdict/export.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {

// Appends a warning to `warnings` for each reference of `context` that
// `snapshot` does not resolve, with the JSON pointer of the context field
// and a "did you mean" when a close id or a name matches:
//   context.group_by_name   user.groups holds a group's name, not its id
//   context.unknown_group   neither (only when the snapshot has groups.json)
//   context.unknown_behavior  behaviors names no behaviors.json entry (by id
//                           or name, ignoring case; only with behaviors.json)
//   context.unknown_zone    zones holds an id zones.json does not have
//   context.unknown_app     app is no apps.json id (only with apps.json)
// `file` is the Issue::file of each warning (the contexts file).
// Cost: builds a ContextChecker (verdict/context_checker.h) for `snapshot`,
// linear in its groups, zones, apps and behaviors, on every call; a caller
// checking many contexts against one snapshot builds the checker once.
VERDICT_EXPORT void CheckContext(const SignOnContext& context, const Snapshot& snapshot,
                                 const std::string& file, IssueList* warnings);

struct ContextCheckOptions {
  // Checked against with CheckContext when non-null and `checker` is null,
  // which rebuilds the lookups on every call (~100 µs at 2000 rules): set
  // `checker` when checking more than a few contexts.
  const Snapshot* snapshot = nullptr;
  // Checked with when non-null (instead of `snapshot`): the checker built
  // once for the snapshot, so that no call rebuilds its lookups. Must
  // outlive the calls that use these options. Default null.
  const ContextChecker* checker = nullptr;
  // Any warning makes the context an error (--strict): the first warning's
  // pointer and message, and how many more there were.
  bool warnings_are_errors = false;
  // Issue::file of the warnings.
  std::string file;
};

// ParseContext (unknown fields as warnings) then CheckContext: what every
// policy-sim command and ContextStream use for a context they are given.
// Warnings are appended to `warnings` (may be null).
VERDICT_EXPORT absl::StatusOr<SignOnContext> ParseAndCheckContext(
    std::string_view json_text, const ContextCheckOptions& options, IssueList* warnings);

// The part of ParseAndCheckContext after the parse, for a reader that parsed
// `context` itself (ContextReader): `parse_warnings` are the parse's
// warnings (their file becomes options.file); CheckContext's follow them.
// With options.warnings_are_errors any warning is the returned error;
// otherwise all are appended to `warnings` (may be null).
VERDICT_EXPORT absl::Status CheckParsedContext(const SignOnContext& context,
                                               const ContextCheckOptions& options,
                                               IssueList parse_warnings, IssueList* warnings);

}  // namespace verdict

#endif  // VERDICT_CONTEXT_CHECK_H_
