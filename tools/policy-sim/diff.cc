// `policy-sim diff`: evaluates every context against two snapshots (each
// compiled once, evaluated on all cores) and reports the decisions that
// change, grouped by (old decision → new decision), in input order.
#include "tools/policy-sim/diff.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/config_diff.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context_stream.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/lint.h"
#include "verdict/reference_evaluator.h"
#include "verdict/system_log.h"

namespace verdict::cli {

const char kDiffUsage[] =
    "usage: policy-sim diff --before DIR --after DIR (--contexts FILE|--logs FILE)\n"
    "                       [options]\n"
    "       policy-sim diff --before DIR --after DIR --lint [--output text|json]\n"
    "\n"
    "Evaluates every context against both snapshots and reports each decision\n"
    "that changes, grouped by (old policy/rule/outcome -> new), with counts and\n"
    "the first examples of each group, then the summary line\n"
    "  N of M decisions change: A more permissive, B less permissive, C other\n"
    "Permissiveness orders DENY (and blocked) < CHALLENGE < ALLOW; a change\n"
    "between two decisions without an outcome (PASSWORD, MFA_ENROLL, ...) or a\n"
    "change of rule with the same outcome counts as 'other'.\n"
    "\n"
    "  --before DIR          the snapshot in force now\n"
    "  --after DIR           the proposed snapshot\n"
    "  --contexts FILE|-     contexts as JSON Lines ('-' reads stdin), or\n"
    "  --logs FILE           a System Log export (JSON array or JSON Lines,\n"
    "                        gzip or plain); sign-on events become contexts\n"
    "  --no-mmap             read a plain log file instead of mapping it (use\n"
    "                        when the file may be truncated while it is read)\n"
    "  --memberships FILE    user -> groups for --logs (else the users/ folder\n"
    "                        of --before)\n"
    "  --assume-no-groups    decide log events whose user has no known\n"
    "                        memberships as a user in no group but Everyone\n"
    "                        (without it, such events exit 2 when either\n"
    "                        snapshot's rules read groups)\n"
    "  --allow-malformed N   up to N malformed inputs do not change the exit\n"
    "                        status (default 0)\n"
    "{strict}"
    "                        (contexts are checked against --after)\n"
    "  --output FORMAT       text (default), json (every changed decision, by\n"
    "                        context id) or markdown (a pull-request comment)\n"
    "  --examples N          examples shown per group (default 3)\n"
    "  --jobs N              evaluation threads (default: every core)\n"
    "  --lint                also lint both snapshots and report the findings\n"
    "                        the proposed one adds and removes (docs/lint.md);\n"
    "                        alone, without --contexts or --logs, only that\n"
    "  -h, --help            this help\n"
    "\n"
    "Each group names the first condition that differs: why the old rule no\n"
    "longer wins under --after (or the new one did not under --before).\n"
    "\n"
    "Exit status: 0 no decision changes; 1 some decision changes (or, with\n"
    "--lint, some finding added); 2 snapshots, arguments or input unusable, or\n"
    "log events without group memberships where rules read them (see\n"
    "--assume-no-groups); 3 no change but more than --allow-malformed inputs\n"
    "were malformed.\n";

namespace {

struct DiffFlags {
  std::string before;
  std::string after;
  std::string contexts;
  std::string logs;
  std::string memberships;
  bool json = false;
  int64_t examples = 3;
  int64_t jobs = 0;  // 0: every core
  bool no_mmap = false;
  bool assume_no_groups = false;
  int64_t allow_malformed = 0;
  bool strict = false;
  bool lint = false;
  bool markdown = false;
};

std::optional<int> ParseFlags(const std::vector<std::string>& args, DiffFlags* flags) {
  static const std::string usage = WithStrictHelp(kDiffUsage);
  FlagParser parser(usage);
  parser.String("--before", "--before needs a directory", &flags->before);
  parser.String("--after", "--after needs a directory", &flags->after);
  parser.String("--contexts", "--contexts needs a file or '-'", &flags->contexts);
  parser.String("--logs", "--logs needs a file", &flags->logs);
  parser.Switch("--no-mmap", &flags->no_mmap);
  parser.Switch("--lint", &flags->lint);
  parser.String("--memberships", "--memberships needs a file", &flags->memberships);
  parser.Switch("--assume-no-groups", &flags->assume_no_groups);
  parser.Switch("--strict", &flags->strict);
  parser.Int("--allow-malformed", "--allow-malformed needs a number of inputs (0 or more)", 0,
             INT64_MAX, &flags->allow_malformed);
  parser.Value("--output", "--output needs text, json or markdown", [flags](const std::string& v) {
    if (v != "text" && v != "json" && v != "markdown") {
      return std::string("--output needs text, json or markdown");
    }
    flags->json = v == "json";
    flags->markdown = v == "markdown";
    return std::string();
  });
  parser.Int("--jobs", "--jobs needs a number of threads (1 or more)", 1, INT32_MAX, &flags->jobs);
  parser.Int("--examples", "--examples needs a number", 0, INT32_MAX, &flags->examples);
  if (std::optional<int> exit = parser.Parse(args)) return exit;
  if (flags->before.empty()) return parser.UsageError("--before is required");
  if (flags->after.empty()) return parser.UsageError("--after is required");
  if (!flags->contexts.empty() && !flags->logs.empty()) {
    return parser.UsageError("exactly one of --contexts and --logs is required");
  }
  if (flags->contexts.empty() && flags->logs.empty() && !flags->lint) {
    return parser.UsageError("exactly one of --contexts and --logs (or --lint) is required");
  }
  return std::nullopt;
}

// What identifies a decision across two snapshots: ids, not pointers.
using DecisionKey = std::tuple<bool, std::string, std::string, std::string, Outcome>;

DecisionKey KeyOf(const Decision& d) {
  return {d.blocked, d.blocking_zone ? d.blocking_zone->id : "", d.policy ? d.policy->id : "",
          d.rule ? d.rule->id : "", d.outcome};
}

enum class Direction { kMorePermissive, kLessPermissive, kOther };

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kMorePermissive:
      return "more permissive";
    case Direction::kLessPermissive:
      return "less permissive";
    case Direction::kOther:
      break;
  }
  return "other";
}

Direction Classify(const Decision& before, const Decision& after) {
  const std::optional<int> a = PermissivenessRank(before);
  const std::optional<int> b = PermissivenessRank(after);
  if (a && b && *a < *b) return Direction::kMorePermissive;
  if (a && b && *a > *b) return Direction::kLessPermissive;
  return Direction::kOther;
}

struct Change {
  PolicyType type;
  Decision before;
  Decision after;
};

// What the diff finds for one context, on the worker that evaluates it, for
// the in-order report.
struct ContextDiff {
  uint64_t decisions = 0;  // evaluated (one per policy type)
  std::vector<Change> changes;
};

struct Group {
  PolicyType type;
  std::string before_text;
  std::string after_text;
  std::string before_json;
  std::string after_json;
  Direction direction;
  uint64_t count = 0;
  std::vector<std::string> examples;
  std::string first_difference;  // for the group's first context
  std::set<std::string> users;   // distinct users whose decision moved this way
};

// Who a context is, for "how many users does this change affect": the user's
// id, else login; empty for a context without a user (counted as no one).
std::string UserOf(const SignOnContext& context) {
  return !context.user.id.empty() ? context.user.id : context.user.login;
}

// The example's user, client IP and time, for the JSON list of changes.
std::string WhoWhereWhen(const SignOnContext& context) {
  nlohmann::json j = nlohmann::json::object();
  j["user"] = UserOf(context).empty() ? nlohmann::json(nullptr) : nlohmann::json(UserOf(context));
  j["ip"] = context.ip_chain.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json(context.ip_chain.front().ToString());
  j["time"] = context.time ? nlohmann::json(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *context.time,
                                                             absl::UTCTimeZone()))
                           : nlohmann::json(nullptr);
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.substr(1, text.size() - 2);  // the members, to splice into an object
}

// Why the decision moved, for one context: the old rule traced under the
// new snapshot (or, when there was no old rule, the new rule under the old).
std::string ExplainChange(const SignOnContext& context, const Change& c,
                          const CompiledPolicySet& before, const ReferenceEvaluator& before_details,
                          const CompiledPolicySet& after, const ReferenceEvaluator& after_details) {
  if (c.before.blocked != c.after.blocked) {
    return c.after.blocked ? "--after blocks the client" : "--after no longer blocks the client";
  }
  if (c.before.rule != nullptr && c.after.rule != nullptr &&
      c.before.rule->id == c.after.rule->id && c.before.policy->id == c.after.policy->id) {
    return absl::StrCat("the same rule ", c.after.rule->name, " (", c.after.rule->id,
                        ") decides; its actions changed");
  }
  const bool old_rule = c.before.rule != nullptr;
  const Decision& moved = old_rule ? c.before : c.after;
  if (moved.rule == nullptr) return "";
  std::string why = old_rule ? FirstConditionThatDiffers(after, after_details, context, c.type,
                                                         moved.policy->id, moved.rule->id)
                             : FirstConditionThatDiffers(before, before_details, context, c.type,
                                                         moved.policy->id, moved.rule->id);
  if (why.empty()) {
    why = absl::StrCat("policy ", moved.policy->name, " (", moved.policy->id, ") is not in it");
  }
  return absl::StrCat(old_rule ? "under --after, " : "under --before, ", why);
}

// ---------------------------------------------------------------- markdown

// Text for a GitHub-flavoured Markdown table cell or line: every character
// Markdown or HTML would act on is backslash-escaped (GFM allows that for any
// ASCII punctuation), '|' included, and line breaks become spaces, so
// snapshot names cannot break the table or inject markup.
std::string Md(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (std::string_view("\\`*_[]<>|~&").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

struct MarkdownReport {
  uint64_t decisions = 0;
  uint64_t changed = 0;
  uint64_t by_direction[3] = {0, 0, 0};
  size_t users_by_direction[3] = {0, 0, 0};
  size_t users_affected = 0;
  std::string totals;
};

// A pull-request comment: heading, summary table, the largest changes,
// configuration changes, then the details of every group collapsed.
void PrintMarkdown(const MarkdownReport& r, const std::vector<Group>& groups,
                   const std::vector<ConfigChange>& config) {
  std::ostream& out = std::cout;
  out << "## Policy change: " << r.changed << " of " << r.decisions << " decisions change\n\n";
  out << "| | decisions | users |\n|---|---:|---:|\n";
  const char* names[3] = {"more permissive", "less permissive", "other"};
  for (int i = 0; i < 3; ++i) {
    out << "| " << names[i] << " | " << r.by_direction[i] << " | " << r.users_by_direction[i]
        << " |\n";
  }
  out << "| **total** | **" << r.changed << "** | **" << r.users_affected << "** |\n\n";
  if (!groups.empty()) {
    std::vector<const Group*> top;
    for (const Group& g : groups) top.push_back(&g);
    std::stable_sort(top.begin(), top.end(),
                     [](const Group* a, const Group* b) { return a->count > b->count; });
    if (top.size() > 10) top.resize(10);
    out << "### Top changes\n\n| decisions | users | type | direction | before | after |\n"
        << "|---:|---:|---|---|---|---|\n";
    for (const Group* g : top) {
      out << "| " << g->count << " | " << g->users.size() << " | " << Md(PolicyTypeName(g->type))
          << " | " << Md(DirectionName(g->direction)) << " | " << Md(g->before_text) << " | "
          << Md(g->after_text) << " |\n";
    }
    out << "\n";
  }
  if (!config.empty()) {
    out << "### Configuration changes\n\n| change | object | file | decisions moved |\n"
        << "|---|---|---|---:|\n";
    for (const ConfigChange& c : config) {
      out << "| " << ConfigChangeKindName(c.kind) << " | " << Md(c.object) << " " << Md(c.name)
          << " (" << Md(c.id) << ") | " << Md(c.file) << " " << Md(c.pointer) << " | "
          << c.decisions_moved << " |\n";
    }
    out << "\n";
  }
  if (!groups.empty() || !config.empty()) {
    out << "<details>\n<summary>Details</summary>\n\n";
    for (const Group& g : groups) {
      out << "- **" << g.count << " x " << Md(PolicyTypeName(g.type)) << "** ("
          << Md(DirectionName(g.direction)) << "): " << Md(g.before_text) << " → "
          << Md(g.after_text) << "\n";
      if (!g.first_difference.empty()) out << "  - why: " << Md(g.first_difference) << "\n";
      if (!g.examples.empty()) {
        out << "  - e.g. " << Md(absl::StrJoin(g.examples, ", "))
            << (g.count > g.examples.size() ? ", …" : "") << "\n";
      }
    }
    for (const ConfigChange& c : config) {
      for (const ConfigChange::Value& v : c.values) {
        out << "- " << Md(c.file) << " " << Md(v.pointer) << ": " << Md(v.before) << " → "
            << Md(v.after) << "\n";
      }
    }
    out << "\n</details>\n\n";
  }
  out << "<sub>" << Md(r.totals) << "</sub>\n";
}

// `diff --lint`: the findings `after` adds and removes, by fingerprint
// (docs/lint.md). Prints them; kExitFailure when some are added.
int LintDiff(const Snapshot& before, const Snapshot& after, bool json) {
  absl::StatusOr<LintReport> old_report = Lint(before);
  absl::StatusOr<LintReport> new_report = Lint(after);
  if (!old_report.ok() || !new_report.ok()) {
    std::cerr << "error: lint: "
              << (old_report.ok() ? new_report.status() : old_report.status()).message() << '\n';
    return kExitUnusable;
  }
  auto fingerprints = [](const LintReport& r) {
    std::set<std::string> out;
    for (const LintFinding& f : r.findings) out.insert(f.Fingerprint());
    return out;
  };
  const std::set<std::string> old_prints = fingerprints(*old_report);
  const std::set<std::string> new_prints = fingerprints(*new_report);
  std::vector<LintFinding> added, removed;
  for (const LintFinding& f : new_report->findings) {
    if (old_prints.count(f.Fingerprint()) == 0) added.push_back(f);
  }
  for (const LintFinding& f : old_report->findings) {
    if (new_prints.count(f.Fingerprint()) == 0) removed.push_back(f);
  }
  if (json) {
    nlohmann::json out = {{"added", nlohmann::json::array()}, {"removed", nlohmann::json::array()}};
    for (const LintFinding& f : added)
      out["added"].push_back(nlohmann::json::parse(LintFindingToJson(f)));
    for (const LintFinding& f : removed) {
      out["removed"].push_back(nlohmann::json::parse(LintFindingToJson(f)));
    }
    std::cout << nlohmann::json{{"lint", out}}.dump(2, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)
              << '\n';
  } else {
    std::cout << "Lint findings the proposed snapshot adds (" << added.size() << "):\n"
              << (added.empty() ? "" : LintReportToText(added)) << "\nLint findings it removes ("
              << removed.size() << "):\n"
              << (removed.empty() ? "" : LintReportToText(removed)) << "\n";
  }
  return added.empty() ? kExitOk : kExitFailure;
}

}  // namespace

int RunDiff(const std::vector<std::string>& args) {
  DiffFlags flags;
  if (std::optional<int> status = ParseFlags(args, &flags)) return *status;

  const std::shared_ptr<const CompiledPolicySet> old_set =
      LoadSnapshotOrReport(flags.before, "--before: ", flags.strict);
  if (!old_set) return kExitUnusable;
  const std::shared_ptr<const CompiledPolicySet> new_set =
      LoadSnapshotOrReport(flags.after, "--after: ", flags.strict);
  if (!new_set) return kExitUnusable;
  bool lint_added = false;
  if (flags.lint) {
    const int lint = LintDiff(old_set->snapshot(), new_set->snapshot(), flags.json);
    if (lint == kExitUnusable) return lint;
    if (flags.contexts.empty() && flags.logs.empty()) return lint;
    lint_added = lint == kExitFailure;
  }
  MembershipMap memberships;
  if (!LoadMembershipsOrReport(flags.memberships, &memberships)) return kExitUnusable;

  // Every type either snapshot has, for contexts that do not name theirs.
  std::vector<PolicyType> all_types = old_set->snapshot().Types();
  for (PolicyType t : new_set->snapshot().Types()) {
    if (std::find(all_types.begin(), all_types.end(), t) == all_types.end()) all_types.push_back(t);
  }
  std::sort(all_types.begin(), all_types.end());

  const CompiledPolicySet& old_engine = *old_set;
  const CompiledPolicySet& new_engine = *new_set;
  const ReferenceEvaluator old_explainer(old_set);
  const ReferenceEvaluator new_explainer(new_set);

  uint64_t decisions = 0;
  uint64_t changed = 0;
  uint64_t by_direction[3] = {0, 0, 0};
  std::set<std::string> users_by_direction[3];
  std::set<std::string> users_affected;
  std::vector<Group> groups;  // first-seen order
  std::map<std::tuple<PolicyType, DecisionKey, DecisionKey>, size_t> group_index;
  bool first_change = true;

  // What changed in the configuration, each change linked below to the
  // decisions it moved.
  std::vector<ConfigChange> config_changes =
      DiffConfiguration(old_engine.snapshot(), new_engine.snapshot());
  if (flags.json) std::cout << "{\"changes\": [";
  ContextHandlers<ContextDiff> handlers;
  // On the workers: both evaluations of each context as soon as it is built.
  handlers.on_context = [&](StreamedContext& item, ContextDiff& diff) {
    const SignOnContext& context = item.conversion.context;
    const std::vector<PolicyType>& types =
        context.policy_types.empty() ? all_types : context.policy_types;
    diff.decisions = types.size();
    diff.changes.clear();
    // Every type of each snapshot in one pass when there are several.
    std::optional<std::array<Decision, kPolicyTypeCount>> before, after;
    if (types.size() > 1) {
      before = old_engine.EvaluateAll(context);
      after = new_engine.EvaluateAll(context);
    }
    for (PolicyType type : types) {
      const size_t t = static_cast<size_t>(type);
      const Decision a = before ? (*before)[t] : old_engine.Evaluate(context, type);
      const Decision b = after ? (*after)[t] : new_engine.Evaluate(context, type);
      if (KeyOf(a) != KeyOf(b)) diff.changes.push_back({type, a, b});
    }
  };
  // In input order: groups, counts, the JSON list.
  handlers.in_order = [&](StreamedContext& item, ContextDiff& diff) {
    decisions += diff.decisions;
    const std::string& id = item.conversion.context.id;
    for (const Change& c : diff.changes) {
      ++changed;
      CountMovedDecision(c.before, c.after, &config_changes);
      const Direction direction = Classify(c.before, c.after);
      ++by_direction[static_cast<int>(direction)];
      const std::string user = UserOf(item.conversion.context);
      if (!user.empty()) {
        users_affected.insert(user);
        users_by_direction[static_cast<int>(direction)].insert(user);
      }
      auto key = std::make_tuple(c.type, KeyOf(c.before), KeyOf(c.after));
      auto [it, inserted] = group_index.emplace(key, groups.size());
      if (inserted) {
        groups.push_back({c.type,
                          DescribeDecision(c.before),
                          DescribeDecision(c.after),
                          DecisionToJson(c.before, DecisionJsonForm::kSummary),
                          DecisionToJson(c.after, DecisionJsonForm::kSummary),
                          direction,
                          0,
                          {},
                          ExplainChange(item.conversion.context, c, old_engine, old_explainer,
                                        new_engine, new_explainer),
                          {}});
      }
      Group& g = groups[it->second];
      ++g.count;
      if (!user.empty()) g.users.insert(user);
      if (static_cast<int64_t>(g.examples.size()) < flags.examples) g.examples.push_back(id);
      if (flags.json) {
        std::cout << (first_change ? "\n  " : ",\n  ") << "{\"id\": " << JsonQuote(id)
                  << ", \"policyType\": " << JsonQuote(PolicyTypeName(c.type))
                  << ", \"direction\": " << JsonQuote(DirectionName(direction))
                  << ", \"before\": " << DecisionToJson(c.before, DecisionJsonForm::kSummary)
                  << ", \"after\": " << DecisionToJson(c.after, DecisionJsonForm::kSummary) << ", "
                  << WhoWhereWhen(item.conversion.context) << "}";
        first_change = false;
      }
    }
  };
  ProgressLine progress("diff");
  handlers.on_malformed = progress.ReportMalformedAbove();
  handlers.on_warning = progress.ReportWarningAbove();
  ContextStreamOptions options;
  options.threads = static_cast<size_t>(flags.jobs);
  options.log_reader.map_plain_files = !flags.no_mmap;
  options.conversion.memberships = flags.memberships.empty() ? nullptr : &memberships;
  options.conversion.snapshot = &old_engine.snapshot();
  options.progress = progress.Callback();
  // Contexts are written for the proposed snapshot: its groups, zones and
  // behaviors are the ones a typo would miss.
  options.check_against = &new_engine.snapshot();
  options.warnings_are_errors = flags.strict;
  const bool logs = !flags.logs.empty();
  absl::StatusOr<std::unique_ptr<ContextStream>> stream =
      ContextStream::Open(logs ? ContextSource::kSystemLog : ContextSource::kContextLines,
                          logs ? flags.logs : flags.contexts, options);
  absl::Status status = stream.ok() ? (*stream)->Run(handlers) : stream.status();
  progress.Finish();
  const ContextStreamTotals totals = stream.ok() ? (*stream)->totals() : ContextStreamTotals();
  if (!status.ok()) {
    if (flags.json) std::cout << "]}\n";
    std::cerr << "error: " << (logs ? "--logs " : "--contexts ") << status.message() << '\n';
    std::cerr << "totals: " << TotalsText(totals) << '\n';
    return kExitUnusable;
  }

  const std::string summary = absl::StrCat(
      changed, " of ", decisions, " decisions change: ", by_direction[0], " more permissive, ",
      by_direction[1], " less permissive, ", by_direction[2], " other");
  if (flags.json) {
    nlohmann::json out_groups = nlohmann::json::array();
    for (const Group& g : groups) {
      out_groups.push_back({{"policyType", std::string(PolicyTypeName(g.type))},
                            {"before", nlohmann::json::parse(g.before_json)},
                            {"after", nlohmann::json::parse(g.after_json)},
                            {"direction", std::string(DirectionName(g.direction))},
                            {"count", g.count},
                            {"usersAffected", g.users.size()},
                            {"examples", g.examples},
                            {"firstDifference", g.first_difference}});
    }
    nlohmann::json config = nlohmann::json::array();
    for (const ConfigChange& c : config_changes) {
      nlohmann::json values = nlohmann::json::array();
      for (const ConfigChange::Value& v : c.values) {
        values.push_back({{"pointer", v.pointer}, {"before", v.before}, {"after", v.after}});
      }
      config.push_back({{"change", ConfigChangeKindName(c.kind)},
                        {"object", c.object},
                        {"id", c.id},
                        {"name", c.name},
                        {"file", c.file},
                        {"pointer", c.pointer},
                        {"values", values},
                        {"decisionsMoved", c.decisions_moved}});
    }
    nlohmann::json tail = {{"groups", out_groups},
                           {"configChanges", config},
                           {"summary",
                            {{"decisions", decisions},
                             {"changed", changed},
                             {"morePermissive", by_direction[0]},
                             {"lessPermissive", by_direction[1]},
                             {"other", by_direction[2]},
                             {"usersAffected",
                              {{"total", users_affected.size()},
                               {"morePermissive", users_by_direction[0].size()},
                               {"lessPermissive", users_by_direction[1].size()},
                               {"other", users_by_direction[2].size()}}},
                             {"text", summary}}},
                           {"totals",
                            {{"read", totals.read},
                             {"evaluated", totals.contexts},
                             {"skipped", totals.skipped},
                             {"malformed", totals.malformed},
                             {"withoutMemberships", totals.without_memberships}}}};
    std::string tail_text = tail.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    // Splice the remaining members after "changes".
    std::cout << (first_change ? "]" : "\n]") << ",\n" << tail_text.substr(2);
    std::cout << '\n';
  } else if (flags.markdown) {
    MarkdownReport report;
    report.decisions = decisions;
    report.changed = changed;
    for (int i = 0; i < 3; ++i) {
      report.by_direction[i] = by_direction[i];
      report.users_by_direction[i] = users_by_direction[i].size();
    }
    report.users_affected = users_affected.size();
    report.totals = TotalsText(totals);
    PrintMarkdown(report, groups, config_changes);
  } else {
    if (!groups.empty()) std::cout << "Changed decisions, grouped by (before -> after):\n\n";
    for (const Group& g : groups) {
      std::cout << "  " << g.count << " x " << PolicyTypeName(g.type) << " ("
                << DirectionName(g.direction) << ")\n"
                << "    before: " << g.before_text << "\n"
                << "    after:  " << g.after_text << "\n";
      if (!g.first_difference.empty()) std::cout << "    why:    " << g.first_difference << "\n";
      std::cout << "    users:  " << g.users.size() << "\n";
      if (!g.examples.empty()) {
        std::cout << "    e.g.    " << absl::StrJoin(g.examples, ", ")
                  << (g.count > g.examples.size() ? ", ..." : "") << "\n";
      }
      std::cout << "\n";
    }
    std::cout << summary << "\n";
    std::cout << "users affected: " << users_affected.size() << " (" << users_by_direction[0].size()
              << " more permissive, " << users_by_direction[1].size() << " less permissive, "
              << users_by_direction[2].size() << " other)\n";
    if (!config_changes.empty()) {
      std::cout << "\nConfiguration changes (" << config_changes.size() << "):\n";
      for (const ConfigChange& c : config_changes) {
        std::cout << "  " << ConfigChangeKindName(c.kind) << " " << c.object << " " << c.name
                  << " (" << c.id << ") " << c.file << " " << c.pointer << ": moved "
                  << c.decisions_moved << " decision(s)\n";
        for (const ConfigChange::Value& v : c.values) {
          std::cout << "    " << v.pointer << ": " << v.before << " -> " << v.after << "\n";
        }
      }
    }
    std::cout << "input: " << TotalsText(totals) << "\n";
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "error: writing to stdout failed\n";
    return kExitFailure;
  }
  const std::string missing_memberships = MissingMembershipsError(
      totals.without_memberships, {old_set.get(), new_set.get()}, flags.assume_no_groups);
  if (!missing_memberships.empty()) {
    std::cerr << "error: " << missing_memberships << '\n';
    return kExitUnusable;
  }
  if (changed > 0 || lint_added) return kExitFailure;
  if (totals.malformed > static_cast<uint64_t>(flags.allow_malformed)) return kExitBadContexts;
  return kExitOk;
}

}  // namespace verdict::cli
