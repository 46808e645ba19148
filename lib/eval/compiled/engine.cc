// Engine: the current compiled set behind an atomic shared_ptr, for hot
// reload. Evaluators load the pointer (and so keep their set alive while they
// use it); Reload compiles off to the side and publishes with one store, so a
// failed load or compile leaves the serving set untouched.
#include "verdict/engine.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace verdict {

Engine::Engine(std::shared_ptr<const CompiledPolicySet> initial) : current_(std::move(initial)) {}

std::shared_ptr<const CompiledPolicySet> Engine::current() const {
  return current_.load(std::memory_order_acquire);
}

void Engine::Swap(std::shared_ptr<const CompiledPolicySet> next) {
  current_.store(std::move(next), std::memory_order_release);
}

absl::Status Engine::Reload(std::string_view directory, IssueList* issues) {
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> compiled =
      LoadAndCompile(directory, issues);
  if (!compiled.ok()) return compiled.status();
  Swap(*std::move(compiled));
  return absl::OkStatus();
}

}  // namespace verdict
