// `policy-sim replay`: evaluates every recorded sign-on of a System Log
// export against a snapshot (compiled once, all cores, input order kept) and
// compares with what Okta recorded: agreement per policy type, the
// disagreements grouped by (recorded rule → computed rule), and coverage.
#include "tools/policy-sim/replay.h"

#include <algorithm>
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
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/geo.h"
#include "verdict/system_log.h"

namespace verdict::cli {

namespace {

const char kReplayUsage[] =
    "usage: policy-sim replay --snapshot DIR --logs FILE [options]\n"
    "\n"
    "Evaluates every sign-on event of a System Log export and compares the\n"
    "computed decision with the one Okta recorded (rule id when recorded and\n"
    "not redacted; ALLOW/DENY/CHALLENGE of policy.evaluate_sign_on events).\n"
    "Prints agreement per policy type, the disagreements grouped by\n"
    "(recorded rule -> computed rule) with examples, and the active rules no\n"
    "event reached (coverage).\n"
    "\n"
    "  --snapshot DIR        snapshot directory (its users/ folder supplies\n"
    "                        group memberships)\n"
    "  --logs FILE           JSON array or JSON Lines, gzip or plain\n"
    "  --memberships FILE    user id or login -> groups (consulted first)\n"
    "  --output FORMAT       text (default) or json\n"
    "  --geoip DIR           MaxMind databases for events without geo/ASN\n"
    "  --examples N          examples per disagreement group (default 3)\n"
    "  --jobs N              evaluation threads (default: every core)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 replayed (disagreements are reported, not failures);\n"
    "2 arguments, snapshot or input unusable; 3 some events were malformed.\n";

int UsageError(std::string_view message) {
  std::cerr << "error: " << message << "\n\n" << kReplayUsage;
  return kExitUnusable;
}

struct TypeStats {
  uint64_t compared = 0;
  uint64_t agree = 0;
  uint64_t disagree = 0;
  uint64_t not_comparable = 0;  // nothing recorded to compare with
};

// One evaluation of one recorded decision.
struct Comparison {
  PolicyType type;
  Decision computed;
  enum Verdict { kAgree, kDisagree, kNotComparable } verdict = kNotComparable;
  std::string recorded_text;
  std::string recorded_json;
};

struct Group {
  PolicyType type;
  std::string recorded;
  std::string computed;
  std::string recorded_json;
  std::string computed_json;
  uint64_t count = 0;
  std::vector<std::string> examples;
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
  const RecordedDecision empty;
  const RecordedDecision& r = recorded != nullptr ? *recorded : empty;
  if (!TypeHasOutcome(type)) recorded_outcome.reset();
  c.recorded_text = RecordedText(r, recorded_outcome);
  c.recorded_json = RecordedJson(r, recorded_outcome);
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

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  std::string snapshot_dir;
  std::string logs;
  std::string memberships_path;
  std::string geoip;
  bool json = false;
  int examples = 3;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kReplayUsage;
      return kExitOk;
    }
    bool missing = false;
    if (auto v = TakeFlagValue(args, &i, "--snapshot", &missing)) {
      if (missing) return UsageError("--snapshot needs a directory");
      snapshot_dir = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--logs", &missing)) {
      if (missing) return UsageError("--logs needs a file");
      logs = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--memberships", &missing)) {
      if (missing) return UsageError("--memberships needs a file");
      memberships_path = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--geoip", &missing)) {
      if (missing) return UsageError("--geoip needs a directory");
      geoip = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--output", &missing)) {
      if (missing || (*v != "text" && *v != "json")) {
        return UsageError("--output needs text or json");
      }
      json = *v == "json";
    } else if (auto v = TakeFlagValue(args, &i, "--jobs", &missing)) {
      if (missing || v->empty() || v->find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(*v) < 1) {
        return UsageError("--jobs needs a number of threads (1 or more)");
      }
      SetMaxThreads(static_cast<size_t>(std::stoi(*v)));
    } else if (auto v = TakeFlagValue(args, &i, "--examples", &missing)) {
      if (missing || v->empty() || v->find_first_not_of("0123456789") != std::string::npos) {
        return UsageError("--examples needs a number");
      }
      examples = std::stoi(*v);
    } else {
      return UsageError(absl::StrCat("unknown argument '", arg, "'"));
    }
  }
  if (snapshot_dir.empty()) return UsageError("--snapshot is required");
  if (logs.empty()) return UsageError("--logs is required");

  std::optional<Snapshot> loaded = LoadSnapshotOrReport(snapshot_dir);
  if (!loaded) return kExitUnusable;
  MembershipMap memberships;
  if (!memberships_path.empty()) {
    absl::StatusOr<MembershipMap> m = LoadMemberships(memberships_path);
    if (!m.ok()) {
      std::cerr << "error: --memberships: " << m.status().message() << '\n';
      return kExitUnusable;
    }
    memberships = *std::move(m);
  }
  std::unique_ptr<GeoResolver> geo;
  if (!geoip.empty()) {
    IssueList geo_issues;
    absl::StatusOr<std::unique_ptr<GeoResolver>> opened = GeoResolver::Open(geoip, &geo_issues);
    const bool geo_ok = PrintIssues(geo_issues, "--geoip: ");
    if (!opened.ok()) {
      if (geo_ok) std::cerr << "error: --geoip: " << opened.status().message() << '\n';
      return kExitUnusable;
    }
    geo = *std::move(opened);
  }
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> compiled = Compile(*std::move(loaded));
  if (!compiled.ok()) {
    std::cerr << "error: cannot compile " << compiled.status().message() << '\n';
    return kExitUnusable;
  }
  const CompiledPolicySet& engine = **compiled;
  const Snapshot& snapshot = engine.snapshot();
  const std::vector<PolicyType> snapshot_types = snapshot.Types();

  ContextInput input;
  input.logs_path = logs;
  input.memberships = memberships_path.empty() ? nullptr : &memberships;
  input.snapshot = &snapshot;
  input.progress_label = "replay";

  std::map<PolicyType, TypeStats> stats;
  std::vector<Group> groups;
  std::map<std::tuple<PolicyType, std::string, std::string>, size_t> group_index;
  std::set<const Rule*> reached;
  std::set<PolicyType> types_seen;
  uint64_t without_recorded = 0;
  InputTotals totals;

  absl::Status status = ReadContextsInBatches(
      input,
      [&](std::vector<SourcedContext>& batch) {
        if (geo != nullptr) {
          for (SourcedContext& item : batch) geo->Enrich(snapshot, &item.context);
        }
        std::vector<std::vector<Comparison>> results(batch.size());
        std::vector<char> coverage_only(batch.size(), 0);
        ParallelFor(batch.size(), [&](size_t i) {
          const SourcedContext& item = batch[i];
          const RecordedOutcome& rec = *item.recorded;
          const std::optional<Outcome> outcome = ToOutcome(rec.access);
          bool any = false;
          for (const RecordedDecision& d : rec.decisions) {
            if (!d.policy_type) continue;
            results[i].push_back(Compare(item.context, *d.policy_type, &d, outcome, engine));
            any = true;
          }
          if (!any && outcome) {
            results[i].push_back(
                Compare(item.context, PolicyType::kOktaSignOn, nullptr, outcome, engine));
            any = true;
          }
          if (!any) {
            // Nothing recorded to compare: evaluated for coverage only.
            coverage_only[i] = 1;
            for (PolicyType t : snapshot_types) {
              Comparison c = Compare(item.context, t, nullptr, std::nullopt, engine);
              results[i].push_back(std::move(c));
            }
          }
        });
        for (size_t i = 0; i < batch.size(); ++i) {
          const SourcedContext& item = batch[i];
          bool recorded_any = false;
          for (const Comparison& c : results[i]) {
            if (c.computed.rule != nullptr) reached.insert(c.computed.rule);
            if (coverage_only[i]) continue;
            recorded_any = true;
            types_seen.insert(c.type);
            TypeStats& s = stats[c.type];
            switch (c.verdict) {
              case Comparison::kAgree:
                ++s.compared;
                ++s.agree;
                break;
              case Comparison::kDisagree: {
                ++s.compared;
                ++s.disagree;
                const std::string computed = DescribeDecision(c.computed);
                auto [it, inserted] = group_index.emplace(
                    std::make_tuple(c.type, c.recorded_text, computed), groups.size());
                if (inserted) {
                  groups.push_back({c.type,
                                    c.recorded_text,
                                    computed,
                                    c.recorded_json,
                                    DecisionJson(c.computed),
                                    0,
                                    {}});
                }
                Group& g = groups[it->second];
                ++g.count;
                if (static_cast<int>(g.examples.size()) < examples) {
                  g.examples.push_back(absl::StrCat(item.context.id, " (", item.where, ")"));
                }
                break;
              }
              case Comparison::kNotComparable:
                ++s.not_comparable;
                break;
            }
          }
          if (!recorded_any) ++without_recorded;
        }
      },
      &totals);
  if (!status.ok()) {
    std::cerr << "error: --logs " << status.message() << '\n';
    std::cerr << "totals: " << totals.ToString() << '\n';
    return kExitUnusable;
  }

  // Coverage: active rules of active policies of the types replayed.
  std::vector<const Rule*> all_rules;
  std::vector<std::string> unreached;
  std::vector<std::pair<const Policy*, const Rule*>> unreached_rules;
  for (PolicyType t : snapshot_types) {
    for (const Policy* p : snapshot.PoliciesOfType(t)) {
      if (!p->active) continue;
      for (const Rule& r : p->rules) {
        if (!r.active) continue;
        all_rules.push_back(&r);
        if (!reached.count(&r)) unreached_rules.push_back({p, &r});
      }
    }
  }

  if (json) {
    nlohmann::json out;
    nlohmann::json agreement = nlohmann::json::object();
    for (const auto& [type, s] : stats) {
      agreement[std::string(PolicyTypeName(type))] = {{"compared", s.compared},
                                                      {"agree", s.agree},
                                                      {"disagree", s.disagree},
                                                      {"notComparable", s.not_comparable}};
    }
    out["agreement"] = agreement;
    nlohmann::json disagreements = nlohmann::json::array();
    for (const Group& g : groups) {
      disagreements.push_back({{"policyType", std::string(PolicyTypeName(g.type))},
                               {"recorded", nlohmann::json::parse(g.recorded_json)},
                               {"computed", nlohmann::json::parse(g.computed_json)},
                               {"count", g.count},
                               {"examples", g.examples}});
    }
    out["disagreements"] = disagreements;
    nlohmann::json never = nlohmann::json::array();
    for (const auto& [p, r] : unreached_rules) {
      never.push_back({{"policyType", std::string(PolicyTypeName(p->type))},
                       {"policy", p->id},
                       {"policyName", p->name},
                       {"rule", r->id},
                       {"ruleName", r->name}});
    }
    out["coverage"] = {{"activeRules", all_rules.size()},
                       {"reached", all_rules.size() - unreached_rules.size()},
                       {"neverReached", never}};
    out["totals"] = {{"read", totals.read},
                     {"evaluated", totals.evaluated},
                     {"skipped", totals.skipped},
                     {"malformed", totals.malformed},
                     {"withoutMemberships", totals.without_memberships},
                     {"withoutRecordedDecision", without_recorded}};
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    std::cout << "Agreement with the recorded decisions, by policy type:\n";
    if (stats.empty()) std::cout << "  (no event recorded a decision to compare with)\n";
    TextTable table({"TYPE", "COMPARED", "AGREE", "DISAGREE", "AGREEMENT", "NOT COMPARABLE"});
    for (const auto& [type, s] : stats) {
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
    if (!stats.empty()) table.Print(std::cout);
    std::cout << "\n";
    if (groups.empty()) {
      std::cout << "No disagreements.\n\n";
    } else {
      std::cout << "Disagreements, grouped by (recorded -> computed):\n\n";
      for (const Group& g : groups) {
        std::cout << "  " << g.count << " x " << PolicyTypeName(g.type) << "\n"
                  << "    recorded: " << g.recorded << "\n"
                  << "    computed: " << g.computed << "\n"
                  << "    e.g.      " << absl::StrJoin(g.examples, ", ")
                  << (g.count > g.examples.size() ? ", ..." : "") << "\n\n";
      }
    }
    std::cout << "Coverage: " << (all_rules.size() - unreached_rules.size()) << " of "
              << all_rules.size() << " active rules reached by some event";
    if (unreached_rules.empty()) {
      std::cout << ".\n";
    } else {
      std::cout << "; never reached:\n";
      for (const auto& [p, r] : unreached_rules) {
        std::cout << "  " << PolicyTypeName(p->type) << "  " << p->name << " (" << p->id << ") / "
                  << r->name << " (" << r->id << ")\n";
      }
    }
    std::cout << "\ninput: " << totals.ToString() << "\n";
    if (without_recorded > 0) {
      std::cout << without_recorded
                << " sign-on event(s) recorded no policy decision (evaluated for coverage "
                   "only)\n";
    }
  }
  std::cout.flush();
  if (!std::cout) return kExitFailure;
  return totals.malformed > 0 ? kExitBadContexts : kExitOk;
}

}  // namespace verdict::cli
