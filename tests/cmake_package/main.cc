// Embedding the engine: load and compile a snapshot once, evaluate many
// contexts from any number of threads, reload without stopping. Links
// verdict::core only (no libcurl, simdjson or zlib). README.md shows this
// file as it is; docs/embedding.md explains each step.
#include <iostream>
#include <memory>
#include <string>

#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/engine.h"

int main(int argc, char** argv) {
  const std::string snapshot_dir = argc > 1 ? argv[1] : "fixtures/org";

  // Load + compile once. Warnings (dangling ids, malformed expressions) come
  // with their file and JSON pointer; an error leaves nothing to serve.
  verdict::IssueList issues;
  absl::StatusOr<std::shared_ptr<const verdict::CompiledPolicySet>> compiled =
      verdict::LoadAndCompile(snapshot_dir, &issues);
  for (const verdict::Issue& issue : issues) std::cerr << issue.ToString() << "\n";
  if (!compiled.ok()) {
    std::cerr << compiled.status().message() << "\n";
    return 2;
  }
  // The Engine holds the current set; Reload(dir) swaps in a new one without
  // blocking evaluators and keeps the old one if the new one fails.
  verdict::Engine engine(*std::move(compiled));

  // Per request: a context (JSON here; or fill a verdict::SignOnContext).
  absl::StatusOr<verdict::SignOnContext> context = verdict::ParseContext(
      R"({"id": "req-1", "user": {"id": "00u1", "groups": ["00g1"]}, "ip": "203.0.113.7"})");
  if (!context.ok()) {
    std::cerr << context.status().message() << "\n";
    return 3;
  }
  // Keep the set alive while its Decisions are used (they point into it).
  const std::shared_ptr<const verdict::CompiledPolicySet> set = engine.current();
  const verdict::Decision decision = set->Evaluate(*context, verdict::PolicyType::kOktaSignOn);
  if (decision.blocked || decision.outcome == verdict::Outcome::kDeny) {
    std::cout << "deny\n";
  } else if (decision.outcome == verdict::Outcome::kChallenge) {
    std::cout << "challenge: factor " << (decision.require_factor() ? "required" : "due") << "\n";
  } else {
    std::cout << "allow\n";
  }
  std::cout << verdict::DecisionToJsonLine(context->id, decision) << "\n";
  return 0;
}
