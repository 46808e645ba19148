// policy-sim eval's per-context output rules (which types, where the combined
// outcome goes, how extra keys are appended), shared with the C API.
#include "verdict/decision_lines.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "lib/eval/json_text.h"
#include "verdict/enrollment.h"
#include "verdict/session.h"

namespace verdict {
namespace {

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

void AppendCombinedOutcomeJson(const SignOnContext& context, const Decision& global_session,
                               const Decision& app, std::string* out) {
  const bool session_valid = OktaSessionValid(context, global_session);
  const std::string_view outcome =
      OutcomeName(CombineIdentityEngineOutcome(global_session, app, session_valid));
  out->append("{\"globalSession\": ");
  AppendDecisionJson(global_session, DecisionJsonForm::kIds, {}, out);
  out->append(", \"app\": ");
  AppendDecisionJson(app, DecisionJsonForm::kIds, {}, out);
  out->append(session_valid ? ", \"oktaSessionValid\": true" : ", \"oktaSessionValid\": false");
  out->append(", \"outcome\": ");
  if (outcome.empty()) {
    out->append("null");
  } else {
    eval_internal::AppendJsonQuoted(outcome, out);
  }
  out->push_back('}');
}

std::string CombinedOutcomeJson(const SignOnContext& context, const Decision& global_session,
                                const Decision& app) {
  std::string out;
  AppendCombinedOutcomeJson(context, global_session, app, &out);
  return out;
}

void AppendDecisionLineWithExtras(std::string_view context_id, const Decision& decision,
                                  std::string_view session_json, std::string_view combined_json,
                                  std::string* out) {
  AppendDecisionLineWithExtras(context_id, decision, {}, session_json, combined_json, out);
}

void AppendDecisionLineWithExtras(std::string_view context_id, const Decision& decision,
                                  std::string_view enrollment_keys, std::string_view session_json,
                                  std::string_view combined_json, std::string* out) {
  AppendDecisionJsonLine(context_id, decision, out);
  if (enrollment_keys.empty() && session_json.empty() && combined_json.empty()) return;
  out->pop_back();  // the line's closing '}'
  out->append(enrollment_keys);
  if (!session_json.empty()) out->append(", \"session\": ").append(session_json);
  if (!combined_json.empty()) out->append(", \"combined\": ").append(combined_json);
  out->push_back('}');
}

std::string DecisionLineWithExtras(std::string_view context_id, const Decision& decision,
                                   std::string_view session_json, std::string_view combined_json) {
  std::string line;
  AppendDecisionLineWithExtras(context_id, decision, session_json, combined_json, &line);
  return line;
}

void AppendDecisionLines(const CompiledPolicySet& set, const SignOnContext& context,
                         absl::Span<const PolicyType> snapshot_types, std::string* out) {
  const absl::Span<const PolicyType> types = TypesToEvaluate(context, snapshot_types);
  const std::optional<PolicyType> combined_on = CombinedOutcomeLine(context, types, false);
  // Every type in one pass: the chain, zones and group lookups once per
  // context rather than once per printed type.
  const std::array<Decision, kPolicyTypeCount> all = set.EvaluateAll(context);
  // Both types are printed whenever the outcome is combined without force.
  const Decision& global_session = all[static_cast<size_t>(PolicyType::kOktaSignOn)];
  std::string combined;
  std::string enrollment;
  for (const PolicyType type : types) {
    const Decision& decision = all[static_cast<size_t>(type)];
    combined.clear();
    enrollment.clear();
    if (combined_on == type)
      AppendCombinedOutcomeJson(context, global_session, decision, &combined);
    AppendEnrollmentKeys(set.snapshot(), context, decision, &enrollment);
    AppendDecisionLineWithExtras(context.id, decision, enrollment, "", combined, out);
    out->push_back('\n');
  }
}

}  // namespace verdict
