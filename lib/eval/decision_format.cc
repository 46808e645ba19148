// Rendering of decisions and traces for people and scripts.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "verdict/decision.h"

namespace verdict {
namespace {

std::string Quote(std::string_view s) {
  // dump() with replace so invalid UTF-8 in user data never throws.
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string IdName(std::string_view id, std::string_view name) {
  return absl::StrCat("{\"id\": ", Quote(id), ", \"name\": ", Quote(name), "}");
}

}  // namespace

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

std::string EvalLine(std::string_view context_id, const Decision& decision) {
  std::string out = absl::StrCat("{\"id\": ", Quote(context_id),
                                 ", \"policyType\": ", Quote(PolicyTypeName(decision.type)),
                                 ", \"blocked\": ", decision.blocked ? "true" : "false");
  if (decision.blocked && decision.blocking_zone != nullptr) {
    absl::StrAppend(&out, ", \"blockedBy\": ",
                    IdName(decision.blocking_zone->id, decision.blocking_zone->name));
  }
  absl::StrAppend(&out, ", \"policy\": ",
                  decision.policy ? IdName(decision.policy->id, decision.policy->name) : "null");
  absl::StrAppend(&out, ", \"rule\": ",
                  decision.rule ? IdName(decision.rule->id, decision.rule->name) : "null");
  if (decision.outcome != Outcome::kNone) {
    absl::StrAppend(&out, ", \"outcome\": ", Quote(OutcomeName(decision.outcome)));
  }
  if (decision.rule != nullptr) {
    absl::StrAppend(&out, ", \"actions\": ",
                    decision.rule->actions_json.empty() ? "{}" : decision.rule->actions_json);
  }
  // Dynamic IdP routing only: lines of other rules keep the contract's keys.
  if (decision.rule != nullptr && decision.rule->idp &&
      decision.rule->idp->selection_type == "DYNAMIC") {
    const IdpProvider* p = decision.idp_provider;
    absl::StrAppend(&out, ", \"idpProvider\": ",
                    p != nullptr
                        ? absl::StrCat("{\"type\": ", Quote(p->type), ", \"id\": ", Quote(p->id),
                                       ", \"name\": ", Quote(p->name), "}")
                    : decision.idp_fallback_to_okta ? "{\"type\": \"OKTA\", \"fallback\": true}"
                                                    : "null");
  }
  out += "}";
  return out;
}

std::string Summary(const Decision& decision) {
  const auto id_or_null = [](const auto* item) {
    return item == nullptr ? std::string("null") : Quote(item->id);
  };
  const std::string_view outcome = OutcomeName(decision.outcome);
  std::string out = absl::StrCat("{\"blocked\":", decision.blocked ? "true" : "false");
  if (decision.blocking_zone != nullptr) {
    absl::StrAppend(&out, ",\"blockingZone\":", Quote(decision.blocking_zone->id));
  }
  absl::StrAppend(&out, ",\"outcome\":", outcome.empty() ? std::string("null") : Quote(outcome),
                  ",\"policy\":", id_or_null(decision.policy));
  if (decision.policy != nullptr) {
    absl::StrAppend(&out, ",\"policyName\":", Quote(decision.policy->name));
  }
  absl::StrAppend(&out, ",\"rule\":", id_or_null(decision.rule));
  if (decision.rule != nullptr) absl::StrAppend(&out, ",\"ruleName\":", Quote(decision.rule->name));
  out += "}";
  return out;
}

std::string Ids(const Decision& decision) {
  const auto id_or_null = [](const auto* item) {
    return item == nullptr ? std::string("null") : Quote(item->id);
  };
  const std::string_view outcome = OutcomeName(decision.outcome);
  return absl::StrCat(
      "{\"policy\": ", id_or_null(decision.policy), ", \"rule\": ", id_or_null(decision.rule),
      ", \"blocked\": ", decision.blocked ? "true" : "false",
      ", \"outcome\": ", outcome.empty() ? std::string("null") : Quote(outcome), "}");
}

}  // namespace

std::string DecisionToJson(const Decision& decision, DecisionJsonForm form,
                           std::string_view context_id) {
  switch (form) {
    case DecisionJsonForm::kEvalLine:
      return EvalLine(context_id, decision);
    case DecisionJsonForm::kSummary:
      return Summary(decision);
    case DecisionJsonForm::kIds:
      return Ids(decision);
  }
  return "";
}

std::string DecisionToJsonLine(std::string_view context_id, const Decision& decision) {
  return EvalLine(context_id, decision);
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
