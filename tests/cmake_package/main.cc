// Links against the installed verdict::verdict target and calls into it.
#include <iostream>
#include <optional>

#include "verdict/decision.h"
#include "verdict/policy_type.h"

int main() {
  const std::optional<verdict::PolicyType> type = verdict::ParsePolicyType("OKTA_SIGN_ON");
  if (!type.has_value() || verdict::PolicyTypeName(*type) != "OKTA_SIGN_ON" ||
      !verdict::TypeHasOutcome(*type)) {
    std::cerr << "verdict_consumer: unexpected answer from the installed library\n";
    return 1;
  }
  std::cout << "verdict_consumer: linked against verdict, " << verdict::PolicyTypeName(*type)
            << " parsed\n";
  return 0;
}
