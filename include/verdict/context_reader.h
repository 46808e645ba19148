// ContextReader: context lines (docs/interfaces.md §2) read with simdjson
// into a SignOnContext the caller reuses from line to line, for the commands
// that read many of them (`policy-sim eval`, ContextStream, `serve`). A tool
// header (verdict::verdict, beside the System Log reader): the core keeps
// ParseContext, which stays the definition of the format.
//
//   ContextReader reader;  // one per thread
//   SignOnContext context;  // reused: its strings and vectors keep their room
//   for (const std::string& line : lines) {
//     IssueList warnings;
//     absl::Status status = reader.Read(line, check, &context, &warnings);
//     ...
//   }
//
// The answer is ParseAndCheckContext's, byte for byte: the same context, the
// same error message and the same warnings. The reader reads the common case
// itself (known fields of the expected types, valid values) and hands every
// other line — anything that is an error, that would warn, or that it does
// not handle (duplicate keys, escaped surrogates, numbers nlohmann and
// simdjson might read differently) — to ParseContext
// (tests/logs/context_reader_test.cc proves both agree).
#ifndef VERDICT_CONTEXT_READER_H_
#define VERDICT_CONTEXT_READER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/issue.h"

namespace verdict {

class ContextReader {
 public:
  // How many lines each path read (for tests and benchmarks).
  struct Counts {
    uint64_t fast = 0;      // read by the reader itself
    uint64_t fallback = 0;  // handed to ParseContext
  };

  ContextReader();
  ~ContextReader();
  ContextReader(ContextReader&&) noexcept;
  ContextReader& operator=(ContextReader&&) noexcept;

  // What ParseContext(json_text, warnings) returns, into *context: OK with
  // *context the parsed context (every field set, the previous line's
  // content gone), or the same InvalidArgument message. On error *context
  // holds no meaning. Warnings (unknown fields) are appended to `warnings`
  // (may be null). Not thread-safe: one reader per thread.
  absl::Status Parse(std::string_view json_text, SignOnContext* context, IssueList* warnings);

  // What ParseAndCheckContext(json_text, options, warnings) returns, into
  // *context (as Parse).
  absl::Status Read(std::string_view json_text, const ContextCheckOptions& options,
                    SignOnContext* context, IssueList* warnings);

  const Counts& counts() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace verdict

#endif  // VERDICT_CONTEXT_READER_H_
