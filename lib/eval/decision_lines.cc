// policy-sim eval's per-context output rules (which types, where the combined
// outcome goes, how extra keys are appended), shared with the C API.
#include "verdict/decision_lines.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "verdict/session.h"

namespace verdict {
namespace {

std::string Quote(std::string_view s) {
  // dump() with replace so invalid UTF-8 in user data never throws.
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool Contains(absl::Span<const PolicyType> types, PolicyType type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace

absl::Span<const PolicyType> TypesToEvaluate(const SignOnContext& context,
                                             absl::Span<const PolicyType> snapshot_types) {
  if (context.policy_types.empty()) return snapshot_types;
  return absl::MakeConstSpan(context.policy_types);
}

std::optional<PolicyType> CombinedOutcomeLine(const SignOnContext& context,
                                              absl::Span<const PolicyType> types, bool force) {
  if (context.app_id.empty()) return std::nullopt;
  const bool sign_on = Contains(types, PolicyType::kOktaSignOn);
  const bool access = Contains(types, PolicyType::kAccessPolicy);
  if (!(sign_on && access) && !(force && (sign_on || access))) return std::nullopt;
  return access ? PolicyType::kAccessPolicy : PolicyType::kOktaSignOn;
}

std::string CombinedOutcomeJson(const SignOnContext& context, const Decision& global_session,
                                const Decision& app) {
  const bool session_valid = OktaSessionValid(context, global_session);
  const std::string_view outcome =
      OutcomeName(CombineIdentityEngineOutcome(global_session, app, session_valid));
  return absl::StrCat(
      "{\"globalSession\": ", DecisionToJson(global_session, DecisionJsonForm::kIds),
      ", \"app\": ", DecisionToJson(app, DecisionJsonForm::kIds),
      ", \"oktaSessionValid\": ", session_valid ? "true" : "false",
      ", \"outcome\": ", outcome.empty() ? std::string("null") : Quote(outcome), "}");
}

std::string DecisionLineWithExtras(std::string_view context_id, const Decision& decision,
                                   std::string_view session_json, std::string_view combined_json) {
  std::string line = DecisionToJsonLine(context_id, decision);
  if (session_json.empty() && combined_json.empty()) return line;
  if (!line.empty() && line.back() == '}') line.pop_back();
  if (!session_json.empty()) line.append(", \"session\": ").append(session_json);
  if (!combined_json.empty()) line.append(", \"combined\": ").append(combined_json);
  line.push_back('}');
  return line;
}

void AppendDecisionLines(const CompiledPolicySet& set, const SignOnContext& context,
                         absl::Span<const PolicyType> snapshot_types, std::string* out) {
  const absl::Span<const PolicyType> types = TypesToEvaluate(context, snapshot_types);
  const std::optional<PolicyType> combined_on = CombinedOutcomeLine(context, types, false);
  // Both types are printed whenever the outcome is combined without force.
  std::optional<Decision> global_session;
  if (combined_on.has_value()) global_session = set.Evaluate(context, PolicyType::kOktaSignOn);
  for (const PolicyType type : types) {
    const Decision decision = set.Evaluate(context, type);
    std::string combined;
    if (combined_on == type) combined = CombinedOutcomeJson(context, *global_session, decision);
    absl::StrAppend(out, DecisionLineWithExtras(context.id, decision, "", combined), "\n");
  }
}

}  // namespace verdict
