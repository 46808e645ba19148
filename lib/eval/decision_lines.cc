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
  AppendDecisionLine(context_id, decision, {enrollment_keys, session_json, combined_json, {}}, out);
}

void AppendDecisionLine(std::string_view context_id, const Decision& decision,
                        const DecisionLineExtras& extras, std::string* out) {
  AppendDecisionJsonLine(context_id, decision, out);
  if (extras.enrollment_keys.empty() && extras.session_json.empty() &&
      extras.combined_json.empty() && extras.reasons_json.empty()) {
    return;
  }
  out->pop_back();  // the line's closing '}'
  out->append(extras.enrollment_keys);
  if (!extras.session_json.empty()) out->append(", \"session\": ").append(extras.session_json);
  if (!extras.combined_json.empty()) {
    out->append(", \"combined\": ").append(extras.combined_json);
  }
  if (!extras.reasons_json.empty()) out->append(", \"reasons\": ").append(extras.reasons_json);
  out->push_back('}');
}

void AppendDecisionReasonsJson(const DecisionReasons& reasons, std::string* out) {
  auto kind = [out](ConditionKind k) {
    out->append(", \"condition\": ");
    eval_internal::AppendJsonQuoted(ConditionKindName(k), out);
  };
  out->append(reasons.walked ? "{\"walked\": true" : "{\"walked\": false");
  out->append(", \"passedOver\": [");
  bool first = true;
  for (const PassedOverPolicy& p : reasons.passed_over) {
    out->append(first ? "{\"policy\": " : ", {\"policy\": ");
    first = false;
    eval_internal::AppendJsonQuoted(p.policy->id, out);
    switch (p.why) {
      case PassOver::kInactive:
        out->append(", \"why\": \"INACTIVE\"");
        break;
      case PassOver::kNoActiveRules:
        out->append(", \"why\": \"NO_ACTIVE_RULES\"");
        break;
      case PassOver::kNotApplicable:
        out->append(", \"why\": \"NOT_APPLICABLE\"");
        kind(p.condition);
        break;
      case PassOver::kNoRuleMatched:
        out->append(", \"why\": \"NO_RULE_MATCHED\"");
        break;
    }
    out->push_back('}');
  }
  out->append("], \"rulesBeforeWinner\": [");
  first = true;
  for (const FailedRule& r : reasons.rules_before_winner) {
    out->append(first ? "{\"rule\": " : ", {\"rule\": ");
    first = false;
    eval_internal::AppendJsonQuoted(r.rule->id, out);
    if (r.inactive) {
      out->append(", \"why\": \"INACTIVE\"");
    } else {
      out->append(", \"why\": \"CONDITION_FAILED\"");
      kind(r.condition);
    }
    out->push_back('}');
  }
  out->append("], \"winnerConditions\": [");
  for (int i = 0; i < reasons.winner_condition_count; ++i) {
    if (i > 0) out->append(", ");
    eval_internal::AppendJsonQuoted(ConditionKindName(reasons.winner_conditions[i]), out);
  }
  out->append(reasons.truncated ? "], \"truncated\": true}" : "], \"truncated\": false}");
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
