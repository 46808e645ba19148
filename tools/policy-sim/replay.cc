// `policy-sim replay`: evaluates every recorded sign-on of a System Log
// export against a snapshot (compiled once, all cores, input order kept) and
// compares with what Okta recorded: agreement per policy type, the
// disagreements grouped by (recorded rule → computed rule), and coverage.
// With --decision-log it reads `policy-sim serve --decision-log` instead: the
// decisions the server answered stand where Okta's recorded ones do, and the
// rest (compare, tally, render, gates) is the same code.
//
// RunReplay reads in five steps, each a function with plain data between:
//   read      flags, then the snapshot, memberships and GeoIP (ReplayInputs);
//   evaluate  each event's context on the worker that converted it
//             (EventResult: comparisons with what Okta recorded, recorded
//             conditions checked);
//   tally     the results in input order (ReplayReport);
//   render    the report as text or JSON;
//   gates     --fail-on-disagreement and --min-agreement → the exit status.
#include "tools/policy-sim/replay.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context.h"
#include "verdict/context_stream.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/expression.h"
#include "verdict/geo.h"
#include "verdict/policy_type.h"
#include "verdict/reference_evaluator.h"
#include "verdict/system_log.h"

namespace verdict::cli {

namespace {

const char kReplayUsage[] =
    "usage: policy-sim replay --snapshot DIR --logs FILE [options]\n"
    "       policy-sim replay --snapshot DIR --decision-log FILE [options]\n"
    "\n"
    "Evaluates every sign-on event of a System Log export and compares the\n"
    "computed decision with the one Okta recorded (rule id when recorded and\n"
    "not redacted; ALLOW/DENY/CHALLENGE of policy.evaluate_sign_on events).\n"
    "Prints agreement per policy type and overall, the disagreements grouped\n"
    "by (recorded rule -> computed rule) with examples and the first condition\n"
    "that differs, and the active rules no event reached (coverage).\n"
    "\n"
    "  --snapshot DIR        snapshot directory (its users/ folder supplies\n"
    "                        group memberships)\n"
    "  --logs FILE           JSON array or JSON Lines, gzip or plain\n"
    "  --decision-log FILE   instead of --logs: a 'policy-sim serve\n"
    "                        --decision-log' file; the decisions the server\n"
    "                        answered (\"served\") are compared as recorded ones\n"
    "  --no-mmap             read a plain log file instead of mapping it (use\n"
    "                        when the file may be truncated while it is read)\n"
    "  --memberships FILE    user id or login -> groups (consulted first)\n"
    "  --assume-no-groups    decide events whose user has no known memberships\n"
    "                        as a user in no group but Everyone (without it,\n"
    "                        such events exit 2 when a rule reads groups)\n"
    "  --output FORMAT       text (default) or json\n"
    "  --geoip DIR           MaxMind databases for events without geo/ASN\n"
    "  --examples N          examples per disagreement group (default 3)\n"
    "  --jobs N              threads for parsing, conversion and evaluation\n"
    "                        (default: every core)\n"
    "  --fail-on-disagreement  exit 1 when any recorded decision disagrees\n"
    "  --min-agreement PCT   exit 1 when fewer than PCT percent (0-100) of the\n"
    "                        compared decisions agree, or none was compared\n"
    "  --allow-malformed N   up to N malformed events do not change the exit\n"
    "                        status (default 0)\n"
    "{strict}"
    "  --json-parser tape    the System Log parser (simdjson's, fields read from\n"
    "                        its tape); the only one since ondemand and dom were\n"
    "                        removed (accepted for scripts that name it)\n"
    "  -h, --help            this help\n"
    "\n"
    "Recorded debugData.securityConditions (Expression Language conditions\n"
    "with their truth values) are compiled and evaluated against the event's\n"
    "context: matched, disagreed or not compilable, with examples.\n"
    "\n"
    "Exit status: 0 replayed (without a gate, disagreements are reported, not\n"
    "failures); 1 a gate (--fail-on-disagreement, --min-agreement) is\n"
    "breached; 2 arguments, snapshot or input unusable, or events without\n"
    "group memberships where rules read them (see --assume-no-groups); 3 more\n"
    "than --allow-malformed events were malformed (and no gate breached).\n";

// The on-demand and nlohmann readings left production (they are test
// oracles now, tests/support): asking for them is a usage error that says so.
constexpr char kJsonParserError[] =
    "--json-parser needs tape (the only System Log parser; ondemand and dom were "
    "removed, docs/cli.md)";

// ---------------------------------------------------------------- read

struct ReplayFlags {
  std::string snapshot;
  std::string logs;
  std::string decision_log;  // --decision-log: serve's log instead of --logs
  std::string memberships;
  std::string geoip;
  bool json = false;
  int64_t examples = 3;
  int64_t jobs = 0;  // 0: every core
  bool fail_on_disagreement = false;
  std::optional<double> min_agreement;
  bool no_mmap = false;
  bool assume_no_groups = false;
  int64_t allow_malformed = 0;
  bool strict = false;
};

// The exit status after --help or a usage error; nullopt to go on.
std::optional<int> ParseReplayFlags(const std::vector<std::string>& args, ReplayFlags* flags) {
  static const std::string usage = WithStrictHelp(kReplayUsage);
  FlagParser parser(usage);
  parser.Switch("--strict", &flags->strict);
  parser.String("--snapshot", "--snapshot needs a directory", &flags->snapshot);
  parser.String("--logs", "--logs needs a file", &flags->logs);
  parser.String("--decision-log", "--decision-log needs a file", &flags->decision_log);
  parser.String("--memberships", "--memberships needs a file", &flags->memberships);
  parser.String("--geoip", "--geoip needs a directory", &flags->geoip);
  parser.Value("--output", "--output needs text or json", [flags](const std::string& v) {
    if (v != "text" && v != "json") return std::string("--output needs text or json");
    flags->json = v == "json";
    return std::string();
  });
  parser.Int("--jobs", "--jobs needs a number of threads (1 or more)", 1, INT32_MAX, &flags->jobs);
  parser.Switch("--no-mmap", &flags->no_mmap);
  parser.Switch("--fail-on-disagreement", &flags->fail_on_disagreement);
  parser.Switch("--assume-no-groups", &flags->assume_no_groups);
  parser.Int("--allow-malformed", "--allow-malformed needs a number of events (0 or more)", 0,
             INT64_MAX, &flags->allow_malformed);
  parser.Value("--min-agreement", "--min-agreement needs a percentage from 0 to 100",
               [flags](const std::string& v) {
                 double pct = 0;
                 if (!absl::SimpleAtod(v, &pct) || !(pct >= 0 && pct <= 100)) {
                   return std::string("--min-agreement needs a percentage from 0 to 100");
                 }
                 flags->min_agreement = pct;
                 return std::string();
               });
  parser.Value("--json-parser", kJsonParserError, [](const std::string& v) {
    return v == "tape" ? std::string() : std::string(kJsonParserError);
  });
  parser.Int("--examples", "--examples needs a number", 0, INT32_MAX, &flags->examples);
  if (std::optional<int> exit = parser.Parse(args)) return exit;
  if (flags->snapshot.empty()) return parser.UsageError("--snapshot is required");
  if (flags->logs.empty() && flags->decision_log.empty()) {
    return parser.UsageError("--logs (or --decision-log) is required");
  }
  if (!flags->logs.empty() && !flags->decision_log.empty()) {
    return parser.UsageError("--logs and --decision-log exclude each other");
  }
  return std::nullopt;
}

// What the replay reads before the first event.
struct ReplayInputs {
  std::shared_ptr<const CompiledPolicySet> engine;
  std::optional<MembershipMap> memberships;  // --memberships
  std::unique_ptr<GeoResolver> geo;          // --geoip
};

// Loads the snapshot (compiled), the memberships and the GeoIP databases,
// reporting what is wrong; the exit status when something is unusable.
std::optional<int> LoadInputs(const ReplayFlags& flags, ReplayInputs* inputs) {
  inputs->engine = LoadSnapshotOrReport(flags.snapshot, "", flags.strict);
  if (!inputs->engine) return kExitUnusable;
  if (!flags.memberships.empty()) {
    inputs->memberships.emplace();
    if (!LoadMembershipsOrReport(flags.memberships, &*inputs->memberships)) return kExitUnusable;
  }
  if (!flags.geoip.empty()) {
    IssueList geo_issues;
    absl::StatusOr<std::unique_ptr<GeoResolver>> opened =
        GeoResolver::Open(flags.geoip, &geo_issues);
    const bool geo_ok = PrintIssues(geo_issues, "--geoip: ");
    if (!opened.ok()) {
      if (geo_ok) std::cerr << "error: --geoip: " << opened.status().message() << '\n';
      return kExitUnusable;
    }
    inputs->geo = *std::move(opened);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- evaluate

struct TypeStats {
  uint64_t compared = 0;
  uint64_t agree = 0;
  uint64_t disagree = 0;
  uint64_t not_comparable = 0;  // nothing recorded to compare with
};

// One evaluation of one recorded decision. The recorded side is described
// (text, JSON) only for disagreements, after the parallel part.
struct Comparison {
  PolicyType type;
  Decision computed;
  enum Verdict { kAgree, kDisagree, kNotComparable } verdict = kNotComparable;
  const RecordedDecision* recorded = nullptr;  // null: none (points into the batch)
  std::optional<Outcome> recorded_outcome;
};

// debugData.securityConditions: one recorded condition checked.
struct ConditionCheck {
  const SecurityCondition* recorded = nullptr;  // points into the batch
  enum Verdict { kMatched, kDisagreed, kNotCompilable } verdict = kNotCompilable;
  bool computed = false;
  std::string why;  // why the evaluation was false (type error, ...)
};

struct ConditionGroup {
  std::string condition;
  bool recorded = false;
  std::string error;  // compile error, for the not-compilable groups
  std::string why;    // the first evaluation's reason, for disagreements
  uint64_t count = 0;
  std::vector<std::string> examples;
};

struct ConditionReport {
  uint64_t checked = 0;
  uint64_t matched = 0;
  uint64_t disagreed = 0;
  uint64_t not_compilable = 0;
  uint64_t unreadable = 0;  // events whose securityConditions could not be parsed
  std::vector<ConditionGroup> disagreements;
  std::vector<ConditionGroup> not_compiled;
  std::map<std::pair<std::string, bool>, size_t> disagreement_index;
  std::map<std::string, size_t> not_compiled_index;
};

struct CompiledCondition {
  std::shared_ptr<const CompiledExpression> expression;  // null: not compilable
  std::string error;
};

// Each distinct recorded condition compiled once, by the first worker that
// meets it; the others read it under a shared lock (a replay holds a few
// dozen distinct conditions, met by a few percent of its events).
class ConditionCache {
 public:
  // The condition compiled; the reference stays valid (and unchanged) for
  // the cache's life.
  const CompiledCondition& Get(const std::string& condition) {
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      if (const auto it = map_.find(condition); it != map_.end()) return it->second;
    }
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto [it, inserted] = map_.try_emplace(condition);
    if (inserted) {
      absl::StatusOr<std::shared_ptr<const CompiledExpression>> compiled =
          CompileExpression(condition);
      if (compiled.ok()) {
        it->second.expression = *std::move(compiled);
      } else {
        it->second.error = std::string(compiled.status().message());
      }
    }
    return it->second;
  }

 private:
  std::shared_mutex mu_;
  std::map<std::string, CompiledCondition, std::less<>> map_;  // nodes never move
};

struct Group {
  PolicyType type;
  std::string recorded;
  std::string computed;
  std::string recorded_json;
  std::string computed_json;
  uint64_t count = 0;
  std::vector<std::string> examples;
  // Why the recorded rule did not win, for the group's first event.
  std::string first_difference;
};

std::optional<Outcome> ToOutcome(std::optional<Access> access) {
  if (!access) return std::nullopt;
  switch (*access) {
    case Access::kAllow:
      return Outcome::kAllow;
    case Access::kDeny:
      return Outcome::kDeny;
    case Access::kChallenge:
      return Outcome::kChallenge;
    case Access::kUnset:
      break;
  }
  return std::nullopt;
}

std::string RecordedText(const RecordedDecision& d, std::optional<Outcome> outcome) {
  std::string out;
  if (!d.policy_id.empty() || !d.policy_name.empty()) {
    absl::StrAppend(&out, d.policy_name.empty() ? "?" : d.policy_name, " (",
                    d.policy_id.empty() ? "id unknown" : d.policy_id, ") / ");
  }
  absl::StrAppend(&out, "rule ", d.rule_name.empty() ? "?" : d.rule_name, " (",
                  d.rule_id.empty() ? "id unknown" : d.rule_id, ")");
  if (outcome) absl::StrAppend(&out, " / ", Sv(OutcomeName(*outcome)));
  return out;
}

std::string RecordedJson(const RecordedDecision& d, std::optional<Outcome> outcome) {
  nlohmann::json j;
  j["policy"] = d.policy_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.policy_id);
  j["policyName"] = d.policy_name;
  j["rule"] = d.rule_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.rule_id);
  j["ruleName"] = d.rule_name;
  j["outcome"] =
      outcome ? nlohmann::json(std::string(OutcomeName(*outcome))) : nlohmann::json(nullptr);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Comparison Compare(const SignOnContext& context, PolicyType type, const RecordedDecision* recorded,
                   std::optional<Outcome> recorded_outcome, const CompiledPolicySet& engine) {
  Comparison c;
  c.type = type;
  c.computed = engine.Evaluate(context, type);
  static const RecordedDecision kNone;
  const RecordedDecision& r = recorded != nullptr ? *recorded : kNone;
  if (!TypeHasOutcome(type)) recorded_outcome.reset();
  c.recorded = &r;
  c.recorded_outcome = recorded_outcome;
  bool compared = false;
  bool agree = true;
  if (!r.rule_id.empty()) {
    compared = true;
    if (c.computed.rule == nullptr || c.computed.rule->id != r.rule_id) agree = false;
  } else if (!r.policy_id.empty()) {
    compared = true;
    if (c.computed.policy == nullptr || c.computed.policy->id != r.policy_id) agree = false;
  }
  if (recorded_outcome) {
    compared = true;
    const Outcome computed = c.computed.blocked ? Outcome::kDeny : c.computed.outcome;
    if (computed != *recorded_outcome) agree = false;
  }
  c.verdict =
      !compared ? Comparison::kNotComparable : (agree ? Comparison::kAgree : Comparison::kDisagree);
  return c;
}

// Checks each recorded condition of `recorded` against `context`.
void CheckConditions(const SignOnContext& context, const RecordedOutcome& recorded,
                     ConditionCache& cache, const ExpressionData& data,
                     std::vector<ConditionCheck>* checks) {
  checks->clear();
  for (const SecurityCondition& condition : recorded.security_conditions) {
    ConditionCheck& check = checks->emplace_back();
    check.recorded = &condition;
    const CompiledCondition& compiled = cache.Get(condition.condition);
    if (compiled.expression != nullptr) {
      check.computed = compiled.expression->EvaluateBool(context, data, &check.why);
      check.verdict = check.computed == condition.result ? ConditionCheck::kMatched
                                                         : ConditionCheck::kDisagreed;
    }
  }
}

// What the evaluation of one event found, on the worker that converted it,
// for the in-order tally. Kept per stream slot: its vectors are refilled.
struct EventResult {
  std::vector<ConditionCheck> checks;
  std::vector<Comparison> results;
  bool coverage_only = false;  // nothing recorded to compare with
};

// Evaluates events against the compiled snapshot. Evaluate() is called on
// every worker at once: everything it touches is const or thread-safe (the
// compiled set, GeoResolver, the condition cache).
class EventEvaluator {
 public:
  EventEvaluator(const CompiledPolicySet& engine, const GeoResolver* geo)
      : engine_(engine),
        geo_(geo),
        snapshot_types_(engine.snapshot().Types()),
        expression_data_(engine.snapshot()) {}

  // Geolocates the event's context (--geoip), checks the recorded
  // conditions, and evaluates the types Okta recorded, comparing with what
  // it decided (or every type, for coverage, when nothing is recorded).
  void Evaluate(StreamedContext& item, EventResult* out) {
    SignOnContext& context = item.conversion.context;
    if (geo_ != nullptr) geo_->Enrich(engine_.snapshot(), &context);
    const RecordedOutcome& rec = item.conversion.recorded;
    CheckConditions(context, rec, conditions_, expression_data_, &out->checks);
    const std::optional<Outcome> outcome = ToOutcome(rec.access);
    out->results.clear();
    out->coverage_only = false;
    for (const RecordedDecision& d : rec.decisions) {
      if (!d.policy_type) continue;
      out->results.push_back(Compare(context, *d.policy_type, &d, outcome, engine_));
    }
    if (out->results.empty() && outcome) {
      out->results.push_back(Compare(context, PolicyType::kOktaSignOn, nullptr, outcome, engine_));
    }
    if (out->results.empty()) {
      out->coverage_only = true;
      for (PolicyType t : snapshot_types_) {
        out->results.push_back(Compare(context, t, nullptr, std::nullopt, engine_));
      }
    }
  }

  // A decision-log line: each served decision compared with its own outcome
  // (`outcomes[i]` for `decisions[i]`: unlike a System Log event, each type
  // recorded its own). No recorded conditions.
  void EvaluateLogged(StreamedContext& item, absl::Span<const std::optional<Outcome>> outcomes,
                      EventResult* out) {
    SignOnContext& context = item.conversion.context;
    if (geo_ != nullptr) geo_->Enrich(engine_.snapshot(), &context);
    const std::vector<RecordedDecision>& decisions = item.conversion.recorded.decisions;
    out->checks.clear();
    out->results.clear();
    out->coverage_only = false;
    for (size_t i = 0; i < decisions.size(); ++i) {
      if (!decisions[i].policy_type) continue;
      out->results.push_back(
          Compare(context, *decisions[i].policy_type, &decisions[i], outcomes[i], engine_));
    }
    if (out->results.empty()) {
      out->coverage_only = true;
      for (PolicyType t : snapshot_types_) {
        out->results.push_back(Compare(context, t, nullptr, std::nullopt, engine_));
      }
    }
  }

  ConditionCache& conditions() { return conditions_; }

 private:
  const CompiledPolicySet& engine_;
  const GeoResolver* geo_;  // null: no --geoip
  const std::vector<PolicyType> snapshot_types_;
  const ExpressionData expression_data_;
  ConditionCache conditions_;
};

// ---------------------------------------------------------------- tally

void AddExample(std::vector<std::string>* examples, int64_t max, const StreamedContext& item) {
  if (static_cast<int64_t>(examples->size()) < max) {
    examples->push_back(absl::StrCat(item.conversion.context.id, " (", item.Where(), ")"));
  }
}

// The recorded conditions' checks of one event, into the report.
void TallyConditions(const std::vector<ConditionCheck>& checks, const StreamedContext& item,
                     ConditionCache& cache, int64_t examples, ConditionReport* report) {
  for (const ConditionCheck& check : checks) {
    ++report->checked;
    const SecurityCondition& c = *check.recorded;
    switch (check.verdict) {
      case ConditionCheck::kMatched:
        ++report->matched;
        break;
      case ConditionCheck::kDisagreed: {
        ++report->disagreed;
        auto [it, inserted] = report->disagreement_index.emplace(
            std::make_pair(c.condition, c.result), report->disagreements.size());
        if (inserted) {
          // The evaluator's reason when it says more than the value itself
          // (a type error, a missing attribute, the step limit).
          const bool says_more = check.why != "true" && check.why != "false";
          report->disagreements.push_back(
              {c.condition, c.result, "", says_more ? check.why : "", 0, {}});
        }
        ConditionGroup& g = report->disagreements[it->second];
        ++g.count;
        AddExample(&g.examples, examples, item);
        break;
      }
      case ConditionCheck::kNotCompilable: {
        ++report->not_compilable;
        auto [it, inserted] =
            report->not_compiled_index.emplace(c.condition, report->not_compiled.size());
        if (inserted) {
          report->not_compiled.push_back(
              {c.condition, c.result, cache.Get(c.condition).error, "", 0, {}});
        }
        ConditionGroup& g = report->not_compiled[it->second];
        ++g.count;
        AddExample(&g.examples, examples, item);
        break;
      }
    }
  }
}

// Everything the report says, tallied in input order.
struct ReplayReport {
  std::map<PolicyType, TypeStats> stats;
  std::vector<Group> groups;  // first-seen order
  std::map<std::tuple<PolicyType, std::string, std::string>, size_t> group_index;
  std::set<const Rule*> reached;
  uint64_t without_recorded = 0;
  ConditionReport conditions;
  ContextStreamTotals totals;
};

// Agreement over every policy type.
struct Overall {
  uint64_t compared = 0;
  uint64_t agree = 0;
  uint64_t disagree = 0;
  double Percent() const {
    return 100.0 * static_cast<double>(agree) / static_cast<double>(compared);
  }
  std::string PercentText() const {
    return compared == 0 ? "-" : absl::StrCat(absl::StrFormat("%.1f", Percent()), "%");
  }
};

Overall OverallOf(const ReplayReport& report) {
  Overall o;
  for (const auto& [type, st] : report.stats) {
    o.compared += st.compared;
    o.agree += st.agree;
    o.disagree += st.disagree;
  }
  return o;
}

// One event's result into the report.
void TallyEvent(const StreamedContext& item, const EventResult& result, int64_t examples,
                ConditionCache& cache, const CompiledPolicySet& engine,
                const ReferenceEvaluator& explainer, ReplayReport* report) {
  TallyConditions(result.checks, item, cache, examples, &report->conditions);
  if (item.conversion.recorded.security_conditions_unreadable) ++report->conditions.unreadable;
  bool recorded_any = false;
  for (const Comparison& c : result.results) {
    if (c.computed.rule != nullptr) report->reached.insert(c.computed.rule);
    if (result.coverage_only) continue;
    recorded_any = true;
    TypeStats& s = report->stats[c.type];
    switch (c.verdict) {
      case Comparison::kAgree:
        ++s.compared;
        ++s.agree;
        break;
      case Comparison::kDisagree: {
        ++s.compared;
        ++s.disagree;
        const std::string computed = DescribeDecision(c.computed);
        std::string recorded = RecordedText(*c.recorded, c.recorded_outcome);
        auto [it, inserted] = report->group_index.emplace(
            std::make_tuple(c.type, recorded, computed), report->groups.size());
        if (inserted) {
          report->groups.push_back({c.type,
                                    std::move(recorded),
                                    computed,
                                    RecordedJson(*c.recorded, c.recorded_outcome),
                                    DecisionToJson(c.computed, DecisionJsonForm::kSummary),
                                    0,
                                    {},
                                    {}});
          // Once per group, off the hot path: a traced evaluation of the
          // first event says which condition kept Okta's rule from winning.
          // When that rule did win, no condition differs: only the outcome.
          if (!c.recorded->rule_id.empty() && c.computed.rule != nullptr &&
              c.computed.rule->id == c.recorded->rule_id) {
            report->groups.back().first_difference =
                "the same rule decided; only the outcome differs";
          } else {
            std::string why =
                FirstConditionThatDiffers(engine, explainer, item.conversion.context, c.type,
                                          c.recorded->policy_id, c.recorded->rule_id);
            if (why.empty() && !(c.recorded->policy_id.empty() && c.recorded->rule_id.empty())) {
              why = absl::StrCat(
                  "Okta's ",
                  c.recorded->policy_id.empty() ? absl::StrCat("rule ", c.recorded->rule_id)
                                                : absl::StrCat("policy ", c.recorded->policy_id),
                  " is not among this snapshot's ", Sv(PolicyTypeName(c.type)), " policies");
            }
            report->groups.back().first_difference = std::move(why);
          }
        }
        Group& g = report->groups[it->second];
        ++g.count;
        AddExample(&g.examples, examples, item);
        break;
      }
      case Comparison::kNotComparable:
        ++s.not_comparable;
        break;
    }
  }
  if (!recorded_any) ++report->without_recorded;
}

// Reads the log, evaluating each event on the workers and tallying in input
// order. The exit status when the log cannot be read to the end.
std::optional<int> ReadAndEvaluate(const ReplayFlags& flags, const ReplayInputs& inputs,
                                   ReplayReport* report) {
  EventEvaluator evaluator(*inputs.engine, inputs.geo.get());
  const ReferenceEvaluator explainer(inputs.engine);
  ContextHandlers<EventResult> handlers;
  handlers.on_context = [&](StreamedContext& item, EventResult& result) {
    evaluator.Evaluate(item, &result);
  };
  handlers.in_order = [&](StreamedContext& item, EventResult& result) {
    TallyEvent(item, result, flags.examples, evaluator.conditions(), *inputs.engine, explainer,
               report);
  };
  ProgressLine progress("replay");
  handlers.on_malformed = progress.ReportMalformedAbove();
  handlers.on_warning = progress.ReportWarningAbove();
  ContextStreamOptions options;
  options.threads = static_cast<size_t>(flags.jobs);
  options.log_reader.map_plain_files = !flags.no_mmap;
  options.conversion.memberships = inputs.memberships ? &*inputs.memberships : nullptr;
  options.conversion.snapshot = &inputs.engine->snapshot();
  options.progress = progress.Callback();
  absl::StatusOr<std::unique_ptr<ContextStream>> stream =
      ContextStream::Open(ContextSource::kSystemLog, flags.logs, options);
  absl::Status status = stream.ok() ? (*stream)->Run(handlers) : stream.status();
  progress.Finish();
  if (stream.ok()) report->totals = (*stream)->totals();
  if (!status.ok()) {
    std::cerr << "error: --logs " << status.message() << '\n';
    std::cerr << "totals: " << TotalsText(report->totals) << '\n';
    return kExitUnusable;
  }
  return std::nullopt;
}

// A `serve --decision-log` line's "verdictLog".decisions[].served as
// recorded decisions: {"policyType", "served": DecisionToJson kSummary}.
// `outcomes[i]` is decisions[i]'s outcome (blocked: DENY). False with
// `error` when the line is not such a record.
bool ReadServedDecisions(std::string_view line, std::vector<RecordedDecision>* decisions,
                         std::vector<std::optional<Outcome>>* outcomes, std::string* error) {
  decisions->clear();
  outcomes->clear();
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  const auto string_or_empty = [](const nlohmann::json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!j.is_object() || !j.contains("verdictLog") || !j["verdictLog"].is_object() ||
      !j["verdictLog"].contains("decisions") || !j["verdictLog"]["decisions"].is_array()) {
    *error =
        "not a decision log line (no verdictLog.decisions: see policy-sim serve --decision-log)";
    return false;
  }
  for (const nlohmann::json& d : j["verdictLog"]["decisions"]) {
    const std::string type = d.is_object() ? string_or_empty(d, "policyType") : "";
    if (!d.is_object() || !d.contains("served") || !d["served"].is_object()) {
      *error = "verdictLog.decisions: each needs policyType and served";
      return false;
    }
    const nlohmann::json& served = d["served"];
    RecordedDecision& r = decisions->emplace_back();
    r.policy_type = ParsePolicyType(type);
    if (!r.policy_type) {
      *error = absl::StrCat("verdictLog.decisions: unknown policyType '", type, "'");
      return false;
    }
    r.policy_id = string_or_empty(served, "policy");
    r.policy_name = string_or_empty(served, "policyName");
    r.rule_id = string_or_empty(served, "rule");
    r.rule_name = string_or_empty(served, "ruleName");
    std::optional<Outcome> outcome;
    if (served.value("blocked", false)) {
      outcome = Outcome::kDeny;
    } else {
      const std::string name = string_or_empty(served, "outcome");
      if (name == "ALLOW") outcome = Outcome::kAllow;
      if (name == "DENY") outcome = Outcome::kDeny;
      if (name == "CHALLENGE") outcome = Outcome::kChallenge;
    }
    outcomes->push_back(outcome);
  }
  return true;
}

// --decision-log: reads serve's JSON Lines in order on this thread (a
// decision log holds what a server logged, far less than a System Log
// export) and tallies each line as ReadAndEvaluate tallies an event. The
// exit status when the file cannot be read.
std::optional<int> ReadDecisionLog(const ReplayFlags& flags, const ReplayInputs& inputs,
                                   ReplayReport* report) {
  std::ifstream in(flags.decision_log, std::ios::binary);
  if (!in) {
    std::cerr << "error: --decision-log: cannot read " << flags.decision_log << '\n';
    return kExitUnusable;
  }
  EventEvaluator evaluator(*inputs.engine, inputs.geo.get());
  const ReferenceEvaluator explainer(inputs.engine);
  StreamedContext item;
  item.source = ContextSource::kContextLines;
  EventResult result;
  std::vector<std::optional<Outcome>> outcomes;
  std::string line;
  std::string error;
  uint64_t line_number = 0;
  uint64_t offset = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const uint64_t line_offset = offset;
    offset += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++report->totals.read;
    item.position = {report->totals.read, line_offset, line_number};
    absl::StatusOr<SignOnContext> context = ParseContext(line);
    if (!context.ok()) error = std::string(context.status().message());
    if (!context.ok() ||
        !ReadServedDecisions(line, &item.conversion.recorded.decisions, &outcomes, &error)) {
      ++report->totals.malformed;
      const std::string where = item.Where();
      ReportMalformed({flags.decision_log, where, error});
      continue;
    }
    item.conversion.context = *std::move(context);
    // The server logged the memberships it decided with (the context's own,
    // or users/<id>/groups.json then).
    item.conversion.memberships_found = true;
    if (item.conversion.context.id.empty()) item.conversion.context.id = item.Where();
    ++report->totals.contexts;
    evaluator.EvaluateLogged(item, outcomes, &result);
    TallyEvent(item, result, flags.examples, evaluator.conditions(), *inputs.engine, explainer,
               report);
  }
  if (in.bad()) {
    std::cerr << "error: --decision-log: reading " << flags.decision_log << " failed\n";
    return kExitUnusable;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- render

// The active rules of active policies of the snapshot's types, and those no
// event reached.
struct Coverage {
  size_t active_rules = 0;
  std::vector<std::pair<const Policy*, const Rule*>> unreached;
};

Coverage ComputeCoverage(const Snapshot& snapshot, const std::set<const Rule*>& reached) {
  Coverage out;
  for (PolicyType t : snapshot.Types()) {
    for (const Policy* p : snapshot.PoliciesOfType(t)) {
      if (!p->active) continue;
      for (const Rule& r : p->rules) {
        if (!r.active) continue;
        ++out.active_rules;
        if (!reached.count(&r)) out.unreached.push_back({p, &r});
      }
    }
  }
  return out;
}

void PrintConditionsText(const ConditionReport& r) {
  std::cout << "\nRecorded securityConditions: " << r.checked << " checked, " << r.matched
            << " matched, " << r.disagreed << " disagreed, " << r.not_compilable
            << " not compilable";
  if (r.unreadable > 0) std::cout << "; " << r.unreadable << " event(s) with unreadable text";
  std::cout << "\n";
  for (const ConditionGroup& g : r.disagreements) {
    std::cout << "  " << g.count << " x disagreed: " << g.condition << "\n"
              << "    recorded: " << (g.recorded ? "true" : "false")
              << "   computed: " << (g.recorded ? "false" : "true")
              << (g.why.empty() ? "" : absl::StrCat(" (", g.why, ")")) << "\n"
              << "    e.g.      " << absl::StrJoin(g.examples, ", ")
              << (g.count > g.examples.size() ? ", ..." : "") << "\n";
  }
  for (const ConditionGroup& g : r.not_compiled) {
    std::cout << "  " << g.count << " x not compilable: " << g.condition << "\n"
              << "    " << g.error << "\n"
              << "    e.g.      " << absl::StrJoin(g.examples, ", ")
              << (g.count > g.examples.size() ? ", ..." : "") << "\n";
  }
}

nlohmann::json ConditionsJson(const ConditionReport& r) {
  nlohmann::json disagreements = nlohmann::json::array();
  for (const ConditionGroup& g : r.disagreements) {
    disagreements.push_back({{"condition", g.condition},
                             {"recorded", g.recorded},
                             {"computed", !g.recorded},
                             {"why", g.why},
                             {"count", g.count},
                             {"examples", g.examples}});
  }
  nlohmann::json not_compiled = nlohmann::json::array();
  for (const ConditionGroup& g : r.not_compiled) {
    not_compiled.push_back({{"condition", g.condition},
                            {"error", g.error},
                            {"count", g.count},
                            {"examples", g.examples}});
  }
  return {{"checked", r.checked},
          {"matched", r.matched},
          {"disagreed", r.disagreed},
          {"notCompilable", r.not_compilable},
          {"unreadable", r.unreadable},
          {"disagreements", disagreements},
          {"notCompilableConditions", not_compiled}};
}

void RenderJson(const ReplayReport& report, const Coverage& coverage) {
  nlohmann::json out;
  nlohmann::json agreement = nlohmann::json::object();
  for (const auto& [type, s] : report.stats) {
    agreement[std::string(PolicyTypeName(type))] = {{"compared", s.compared},
                                                    {"agree", s.agree},
                                                    {"disagree", s.disagree},
                                                    {"notComparable", s.not_comparable}};
  }
  out["agreement"] = agreement;
  const Overall overall = OverallOf(report);
  out["overall"] = {
      {"compared", overall.compared},
      {"agree", overall.agree},
      {"disagree", overall.disagree},
      {"agreementPercent",
       overall.compared == 0 ? nlohmann::json(nullptr) : nlohmann::json(overall.Percent())}};
  nlohmann::json disagreements = nlohmann::json::array();
  for (const Group& g : report.groups) {
    disagreements.push_back({{"policyType", std::string(PolicyTypeName(g.type))},
                             {"recorded", nlohmann::json::parse(g.recorded_json)},
                             {"computed", nlohmann::json::parse(g.computed_json)},
                             {"count", g.count},
                             {"examples", g.examples},
                             {"firstDifference", g.first_difference}});
  }
  out["disagreements"] = disagreements;
  nlohmann::json never = nlohmann::json::array();
  for (const auto& [p, r] : coverage.unreached) {
    never.push_back({{"policyType", std::string(PolicyTypeName(p->type))},
                     {"policy", p->id},
                     {"policyName", p->name},
                     {"rule", r->id},
                     {"ruleName", r->name}});
  }
  out["coverage"] = {{"activeRules", coverage.active_rules},
                     {"reached", coverage.active_rules - coverage.unreached.size()},
                     {"neverReached", never}};
  out["securityConditions"] = ConditionsJson(report.conditions);
  const ContextStreamTotals& totals = report.totals;
  out["totals"] = {{"read", totals.read},
                   {"evaluated", totals.contexts},
                   {"skipped", totals.skipped},
                   {"malformed", totals.malformed},
                   {"withoutMemberships", totals.without_memberships},
                   {"withoutRecordedDecision", report.without_recorded}};
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void RenderText(const ReplayReport& report, const Coverage& coverage) {
  std::cout << "Agreement with the recorded decisions, by policy type:\n";
  if (report.stats.empty()) std::cout << "  (no event recorded a decision to compare with)\n";
  TextTable table({"TYPE", "COMPARED", "AGREE", "DISAGREE", "AGREEMENT", "NOT COMPARABLE"});
  for (const auto& [type, s] : report.stats) {
    const std::string pct =
        s.compared == 0
            ? "-"
            : absl::StrCat(absl::StrFormat("%.1f", 100.0 * static_cast<double>(s.agree) /
                                                       static_cast<double>(s.compared)),
                           "%");
    table.AddRow({std::string(PolicyTypeName(type)), absl::StrCat(s.compared),
                  absl::StrCat(s.agree), absl::StrCat(s.disagree), pct,
                  absl::StrCat(s.not_comparable)});
  }
  const Overall overall = OverallOf(report);
  if (!report.stats.empty()) {
    if (report.stats.size() > 1) {
      table.AddRow({"all types", absl::StrCat(overall.compared), absl::StrCat(overall.agree),
                    absl::StrCat(overall.disagree), overall.PercentText(), ""});
    }
    table.Print(std::cout);
    std::cout << "Overall agreement: " << overall.PercentText() << " (" << overall.agree << " of "
              << overall.compared << " compared decisions)\n";
  }
  std::cout << "\n";
  if (report.groups.empty()) {
    std::cout << "No disagreements.\n\n";
  } else {
    std::cout << "Disagreements, grouped by (recorded -> computed):\n\n";
    for (const Group& g : report.groups) {
      std::cout << "  " << g.count << " x " << PolicyTypeName(g.type) << "\n"
                << "    recorded: " << g.recorded << "\n"
                << "    computed: " << g.computed << "\n";
      if (!g.first_difference.empty()) std::cout << "    differs:  " << g.first_difference << "\n";
      std::cout << "    e.g.      " << absl::StrJoin(g.examples, ", ")
                << (g.count > g.examples.size() ? ", ..." : "") << "\n\n";
    }
  }
  const size_t reached = coverage.active_rules - coverage.unreached.size();
  std::cout << "Coverage: " << reached << " of " << coverage.active_rules
            << " active rules reached by some event";
  if (coverage.unreached.empty()) {
    std::cout << ".\n";
  } else {
    std::cout << "; never reached:\n";
    for (const auto& [p, r] : coverage.unreached) {
      std::cout << "  " << PolicyTypeName(p->type) << "  " << p->name << " (" << p->id << ") / "
                << r->name << " (" << r->id << ")\n";
    }
  }
  PrintConditionsText(report.conditions);
  std::cout << "\ninput: " << TotalsText(report.totals) << "\n";
  if (report.without_recorded > 0) {
    std::cout << report.without_recorded
              << " sign-on event(s) recorded no policy decision (evaluated for coverage "
                 "only)\n";
  }
}

// ---------------------------------------------------------------- gates

// The exit status: a breached gate (reported on stderr) wins over malformed
// input.
int ApplyGates(const ReplayFlags& flags, const ReplayReport& report) {
  const auto [compared, agree, disagree] = OverallOf(report);
  bool breached = false;
  if (flags.fail_on_disagreement && disagree > 0) {
    std::cerr << "replay: " << disagree << " of " << compared
              << " compared decisions disagree (--fail-on-disagreement)\n";
    breached = true;
  }
  if (flags.min_agreement) {
    const double min = *flags.min_agreement;
    const double pct =
        compared == 0 ? 0 : 100.0 * static_cast<double>(agree) / static_cast<double>(compared);
    if (compared == 0) {
      std::cerr << "replay: no decision was compared (--min-agreement "
                << absl::StrFormat("%g", min) << ")\n";
      breached = true;
    } else if (pct < min) {
      std::cerr << "replay: agreement " << absl::StrFormat("%.2f", pct) << "% (" << agree << " of "
                << compared << ") is below --min-agreement " << absl::StrFormat("%g", min) << "%\n";
      breached = true;
    }
  }
  if (breached) return kExitFailure;
  if (report.totals.malformed > static_cast<uint64_t>(flags.allow_malformed)) {
    if (flags.allow_malformed > 0) {
      std::cerr << "replay: " << report.totals.malformed << " malformed events, more than "
                << "--allow-malformed " << flags.allow_malformed << "\n";
    }
    return kExitBadContexts;
  }
  return kExitOk;
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  ReplayFlags flags;
  if (std::optional<int> exit = ParseReplayFlags(args, &flags)) return *exit;
  ReplayInputs inputs;
  if (std::optional<int> exit = LoadInputs(flags, &inputs)) return *exit;
  ReplayReport report;
  if (std::optional<int> exit = flags.decision_log.empty()
                                    ? ReadAndEvaluate(flags, inputs, &report)
                                    : ReadDecisionLog(flags, inputs, &report)) {
    return *exit;
  }
  const Coverage coverage = ComputeCoverage(inputs.engine->snapshot(), report.reached);
  if (flags.json) {
    RenderJson(report, coverage);
  } else {
    RenderText(report, coverage);
  }
  std::cout.flush();
  if (!std::cout) return kExitFailure;
  const std::string memberships = MissingMembershipsError(
      report.totals.without_memberships, {inputs.engine.get()}, flags.assume_no_groups);
  if (!memberships.empty()) {
    std::cerr << "error: " << memberships << '\n';
    return kExitUnusable;
  }
  return ApplyGates(flags, report);
}

}  // namespace verdict::cli
