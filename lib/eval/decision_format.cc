// Rendering of decisions and traces for people and scripts.
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/eval/json_text.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"

namespace verdict {

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllow:
      return "ALLOW";
    case Outcome::kDeny:
      return "DENY";
    case Outcome::kChallenge:
      return "CHALLENGE";
    case Outcome::kNone:
      return "";
  }
  return "";
}

bool TypeHasOutcome(PolicyType type) {
  return type == PolicyType::kOktaSignOn || type == PolicyType::kAccessPolicy;
}

namespace {

using eval_internal::AppendJsonQuoted;

void AppendIdName(std::string_view id, std::string_view name, std::string* out) {
  out->append("{\"id\": ");
  AppendJsonQuoted(id, out);
  out->append(", \"name\": ");
  AppendJsonQuoted(name, out);
  out->push_back('}');
}

// An item's id quoted, or null.
template <typename T>
void AppendIdOrNull(const T* item, std::string* out) {
  if (item == nullptr) {
    out->append("null");
  } else {
    AppendJsonQuoted(item->id, out);
  }
}

// An outcome's name quoted, or null for none.
void AppendOutcomeOrNull(Outcome outcome, std::string* out) {
  const std::string_view name = OutcomeName(outcome);
  if (name.empty()) {
    out->append("null");
  } else {
    AppendJsonQuoted(name, out);
  }
}

void AppendSummary(const Decision& decision, std::string* out) {
  out->append(decision.blocked ? "{\"blocked\":true" : "{\"blocked\":false");
  if (decision.blocking_zone != nullptr) {
    out->append(",\"blockingZone\":");
    AppendJsonQuoted(decision.blocking_zone->id, out);
  }
  out->append(",\"outcome\":");
  AppendOutcomeOrNull(decision.outcome, out);
  out->append(",\"policy\":");
  AppendIdOrNull(decision.policy, out);
  if (decision.policy != nullptr) {
    out->append(",\"policyName\":");
    AppendJsonQuoted(decision.policy->name, out);
  }
  out->append(",\"rule\":");
  AppendIdOrNull(decision.rule, out);
  if (decision.rule != nullptr) {
    out->append(",\"ruleName\":");
    AppendJsonQuoted(decision.rule->name, out);
  }
  out->push_back('}');
}

void AppendIds(const Decision& decision, std::string* out) {
  out->append("{\"policy\": ");
  AppendIdOrNull(decision.policy, out);
  out->append(", \"rule\": ");
  AppendIdOrNull(decision.rule, out);
  out->append(decision.blocked ? ", \"blocked\": true" : ", \"blocked\": false");
  out->append(", \"outcome\": ");
  AppendOutcomeOrNull(decision.outcome, out);
  out->push_back('}');
}

}  // namespace

void AppendDecisionJson(const Decision& decision, DecisionJsonForm form,
                        std::string_view context_id, std::string* out) {
  switch (form) {
    case DecisionJsonForm::kEvalLine:
      AppendDecisionJsonLine(context_id, decision, out);
      return;
    case DecisionJsonForm::kSummary:
      AppendSummary(decision, out);
      return;
    case DecisionJsonForm::kIds:
      AppendIds(decision, out);
      return;
  }
}

void AppendDecisionJsonLine(std::string_view context_id, const Decision& decision,
                            std::string* out) {
  out->append("{\"id\": ");
  AppendJsonQuoted(context_id, out);
  out->append(", \"policyType\": ");
  AppendJsonQuoted(PolicyTypeName(decision.type), out);
  out->append(decision.blocked ? ", \"blocked\": true" : ", \"blocked\": false");
  if (decision.blocked && decision.blocking_zone != nullptr) {
    out->append(", \"blockedBy\": ");
    AppendIdName(decision.blocking_zone->id, decision.blocking_zone->name, out);
  }
  out->append(", \"policy\": ");
  if (decision.policy != nullptr) {
    AppendIdName(decision.policy->id, decision.policy->name, out);
  } else {
    out->append("null");
  }
  out->append(", \"rule\": ");
  if (decision.rule != nullptr) {
    AppendIdName(decision.rule->id, decision.rule->name, out);
  } else {
    out->append("null");
  }
  if (decision.outcome != Outcome::kNone) {
    out->append(", \"outcome\": ");
    AppendJsonQuoted(OutcomeName(decision.outcome), out);
  }
  if (decision.rule != nullptr) {
    out->append(", \"actions\": ");
    out->append(decision.rule->actions_json.empty()
                    ? std::string_view("{}")
                    : std::string_view(decision.rule->actions_json));
  }
  // IdP routing only (dynamic, or Okta exclusively): lines of other rules keep
  // the contract's keys.
  if (decision.rule != nullptr && decision.rule->idp &&
      (decision.rule->idp->selection_type == "DYNAMIC" || decision.idp_provider != nullptr)) {
    out->append(", \"idpProvider\": ");
    if (const IdpProvider* p = decision.idp_provider; p != nullptr) {
      // An OKTA provider has no id and often no name: null, not "".
      auto append_or_null = [out](const std::string& value) {
        if (value.empty()) {
          out->append("null");
        } else {
          AppendJsonQuoted(value, out);
        }
      };
      out->append("{\"id\": ");
      append_or_null(p->id);
      out->append(", \"name\": ");
      append_or_null(p->name);
      out->append(", \"type\": ");
      append_or_null(p->type);
      out->push_back('}');
    } else {
      out->append("null");
    }
  }
  out->push_back('}');
}

std::string DecisionToJson(const Decision& decision, DecisionJsonForm form,
                           std::string_view context_id) {
  std::string out;
  AppendDecisionJson(decision, form, context_id, &out);
  return out;
}

std::string DecisionToJsonLine(std::string_view context_id, const Decision& decision) {
  std::string out;
  AppendDecisionJsonLine(context_id, decision, &out);
  return out;
}

std::string TraceToText(const Trace& trace) {
  std::string out;
  for (const std::string& note : trace.notes) absl::StrAppend(&out, "  ", note, "\n");
  for (const PolicyTrace& p : trace.policies) {
    absl::StrAppend(&out, "  policy ", p.policy->name, " (", p.policy->id, ", priority ",
                    p.policy->priority ? absl::StrCat(*p.policy->priority) : "none", "): ");
    if (!p.evaluated) {
      absl::StrAppend(&out, "skipped — ", p.note, "\n");
      continue;
    }
    absl::StrAppend(&out, p.applies ? "applies" : "does not apply",
                    p.note.empty() ? "" : absl::StrCat(" — ", p.note), "\n");
    for (const ConditionVerdict& c : p.conditions) {
      absl::StrAppend(&out, "      ", c.matched ? "✓ " : "✗ ", c.condition, ": ", c.detail, "\n");
    }
    for (const RuleTrace& r : p.rules) {
      absl::StrAppend(&out, "    rule ", r.rule->name, " (", r.rule->id, ", priority ",
                      r.rule->priority ? absl::StrCat(*r.rule->priority) : "none", "): ");
      if (!r.evaluated) {
        absl::StrAppend(&out, "skipped — ", r.note, "\n");
        continue;
      }
      absl::StrAppend(&out, r.matched ? "MATCH" : "no match",
                      r.note.empty() ? "" : absl::StrCat(" — ", r.note), "\n");
      for (const ConditionVerdict& c : r.conditions) {
        absl::StrAppend(&out, "        ", c.matched ? "✓ " : "✗ ", c.condition, ": ", c.detail,
                        "\n");
      }
    }
  }
  return out;
}

}  // namespace verdict
