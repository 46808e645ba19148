// Links against the installed verdict::verdict target and calls into it: a
// context parsed from JSON (pulls in the library's private JSON dependency),
// evaluated against an empty snapshot.
#include <iostream>
#include <optional>

#include "verdict/context.h"
#include "verdict/decision.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
#include "verdict/snapshot.h"

int main() {
  const std::optional<verdict::PolicyType> type = verdict::ParsePolicyType("OKTA_SIGN_ON");
  if (!type.has_value() || verdict::PolicyTypeName(*type) != "OKTA_SIGN_ON") {
    std::cerr << "verdict_consumer: ParsePolicyType failed\n";
    return 1;
  }
  const auto context =
      verdict::ParseContext(R"({"id": "consumer", "user": {"id": "00u1"}, "ip": "203.0.113.7"})");
  if (!context.ok()) {
    std::cerr << "verdict_consumer: ParseContext failed: " << context.status() << "\n";
    return 1;
  }
  const verdict::Snapshot snapshot;
  const verdict::ReferenceEvaluator evaluator(snapshot);
  const verdict::Decision decision = evaluator.Evaluate(*context, *type);
  if (decision.policy != nullptr) {
    std::cerr << "verdict_consumer: an empty snapshot produced a policy\n";
    return 1;
  }
  std::cout << "verdict_consumer: " << verdict::DecisionToJsonLine(context->id, decision) << "\n";
  return 0;
}
