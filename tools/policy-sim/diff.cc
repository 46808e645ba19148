// `policy-sim diff`: evaluates every context against two snapshots (each
// compiled once, evaluated on all cores) and reports the decisions that
// change, grouped by (old decision → new decision), in input order.
#include "tools/policy-sim/diff.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "verdict/decision.h"
#include "verdict/engine.h"
#include "verdict/system_log.h"

namespace verdict::cli {

const char kDiffUsage[] =
    "usage: policy-sim diff --before DIR --after DIR (--contexts FILE|--logs FILE)\n"
    "                       [options]\n"
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
    "  --output FORMAT       text (default) or json (every changed decision,\n"
    "                        by context id)\n"
    "  --examples N          examples shown per group (default 3)\n"
    "  --jobs N              evaluation threads (default: every core)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 no decision changes; 1 some decision changes; 2 snapshots,\n"
    "arguments or input unusable; 3 no change but some input was malformed.\n";

namespace {

struct DiffFlags {
  std::string before;
  std::string after;
  std::string contexts;
  std::string logs;
  std::string memberships;
  bool json = false;
  int examples = 3;
  bool map_plain_files = true;
};

int UsageError(std::string_view message) {
  std::cerr << "error: " << message << "\n\n" << kDiffUsage;
  return kExitUnusable;
}

std::optional<int> ParseFlags(const std::vector<std::string>& args, DiffFlags* flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kDiffUsage;
      return kExitOk;
    }
    bool missing = false;
    if (auto v = TakeFlagValue(args, &i, "--before", &missing)) {
      if (missing) return UsageError("--before needs a directory");
      flags->before = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--after", &missing)) {
      if (missing) return UsageError("--after needs a directory");
      flags->after = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--contexts", &missing)) {
      if (missing) return UsageError("--contexts needs a file or '-'");
      flags->contexts = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--logs", &missing)) {
      if (missing) return UsageError("--logs needs a file");
      flags->logs = *v;
    } else if (arg == "--no-mmap") {
      flags->map_plain_files = false;
    } else if (auto v = TakeFlagValue(args, &i, "--memberships", &missing)) {
      if (missing) return UsageError("--memberships needs a file");
      flags->memberships = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--output", &missing)) {
      if (missing || (*v != "text" && *v != "json")) {
        return UsageError("--output needs text or json");
      }
      flags->json = *v == "json";
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
      flags->examples = std::stoi(*v);
    } else {
      return UsageError(absl::StrCat("unknown argument '", arg, "'"));
    }
  }
  if (flags->before.empty()) return UsageError("--before is required");
  if (flags->after.empty()) return UsageError("--after is required");
  if (flags->contexts.empty() == flags->logs.empty()) {
    return UsageError("exactly one of --contexts and --logs is required");
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

// A context of the diff with its changed decisions, kept with it from the
// worker that evaluates it to the in-order report.
struct DiffItem : SourcedContext {
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
};

}  // namespace

int RunDiff(const std::vector<std::string>& args) {
  DiffFlags flags;
  if (std::optional<int> status = ParseFlags(args, &flags)) return *status;

  const std::shared_ptr<const CompiledPolicySet> old_set =
      LoadSnapshotOrReport(flags.before, "--before: ");
  if (!old_set) return kExitUnusable;
  const std::shared_ptr<const CompiledPolicySet> new_set =
      LoadSnapshotOrReport(flags.after, "--after: ");
  if (!new_set) return kExitUnusable;
  MembershipMap memberships;
  if (!flags.memberships.empty()) {
    absl::StatusOr<MembershipMap> loaded = LoadMemberships(flags.memberships);
    if (!loaded.ok()) {
      std::cerr << "error: --memberships: " << loaded.status().message() << '\n';
      return kExitUnusable;
    }
    memberships = *std::move(loaded);
  }

  // Every type either snapshot has, for contexts that do not name theirs.
  std::vector<PolicyType> all_types = old_set->snapshot().Types();
  for (PolicyType t : new_set->snapshot().Types()) {
    if (std::find(all_types.begin(), all_types.end(), t) == all_types.end()) all_types.push_back(t);
  }
  std::sort(all_types.begin(), all_types.end());

  const CompiledPolicySet& old_engine = *old_set;
  const CompiledPolicySet& new_engine = *new_set;

  ContextInput input;
  input.contexts_path = flags.contexts;
  input.logs_path = flags.logs;
  input.map_plain_files = flags.map_plain_files;
  input.memberships = flags.memberships.empty() ? nullptr : &memberships;
  input.snapshot = &old_engine.snapshot();
  input.progress_label = "diff";

  uint64_t decisions = 0;
  uint64_t changed = 0;
  uint64_t by_direction[3] = {0, 0, 0};
  std::vector<Group> groups;  // first-seen order
  std::map<std::tuple<PolicyType, DecisionKey, DecisionKey>, size_t> group_index;
  bool first_change = true;
  InputTotals totals;

  if (flags.json) std::cout << "{\"changes\": [";
  ContextHandlers handlers;
  handlers.make_item = [] { return std::make_unique<DiffItem>(); };
  // On the workers: both evaluations of each context as soon as it is built.
  handlers.on_context = [&](SourcedContext& base) {
    DiffItem& item = static_cast<DiffItem&>(base);  // made by make_item
    const std::vector<PolicyType>& types =
        item.context.policy_types.empty() ? all_types : item.context.policy_types;
    item.decisions = types.size();
    item.changes.clear();
    for (PolicyType type : types) {
      const Decision a = old_engine.Evaluate(item.context, type);
      const Decision b = new_engine.Evaluate(item.context, type);
      if (KeyOf(a) != KeyOf(b)) item.changes.push_back({type, a, b});
    }
  };
  // In input order: groups, counts, the JSON list.
  handlers.on_batch = [&](std::span<SourcedContext* const> batch) {
    for (SourcedContext* base : batch) {
      const DiffItem& item = static_cast<const DiffItem&>(*base);
      decisions += item.decisions;
      const std::string& id = item.context.id;
      for (const Change& c : item.changes) {
        ++changed;
        const Direction direction = Classify(c.before, c.after);
        ++by_direction[static_cast<int>(direction)];
        auto key = std::make_tuple(c.type, KeyOf(c.before), KeyOf(c.after));
        auto [it, inserted] = group_index.emplace(key, groups.size());
        if (inserted) {
          groups.push_back({c.type,
                            DescribeDecision(c.before),
                            DescribeDecision(c.after),
                            DecisionJson(c.before),
                            DecisionJson(c.after),
                            direction,
                            0,
                            {}});
        }
        Group& g = groups[it->second];
        ++g.count;
        if (static_cast<int>(g.examples.size()) < flags.examples) g.examples.push_back(id);
        if (flags.json) {
          std::cout << (first_change ? "\n  " : ",\n  ") << "{\"id\": " << JsonQuote(id)
                    << ", \"policyType\": " << JsonQuote(PolicyTypeName(c.type))
                    << ", \"direction\": " << JsonQuote(DirectionName(direction))
                    << ", \"before\": " << DecisionJson(c.before)
                    << ", \"after\": " << DecisionJson(c.after) << "}";
          first_change = false;
        }
      }
    }
  };
  absl::Status status = ReadContextsInBatches(input, handlers, &totals);
  if (!status.ok()) {
    if (flags.json) std::cout << "]}\n";
    std::cerr << "error: " << (flags.logs.empty() ? "--contexts " : "--logs ") << status.message()
              << '\n';
    std::cerr << "totals: " << totals.ToString() << '\n';
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
                            {"examples", g.examples}});
    }
    nlohmann::json tail = {{"groups", out_groups},
                           {"summary",
                            {{"decisions", decisions},
                             {"changed", changed},
                             {"morePermissive", by_direction[0]},
                             {"lessPermissive", by_direction[1]},
                             {"other", by_direction[2]},
                             {"text", summary}}},
                           {"totals",
                            {{"read", totals.read},
                             {"evaluated", totals.evaluated},
                             {"skipped", totals.skipped},
                             {"malformed", totals.malformed},
                             {"withoutMemberships", totals.without_memberships}}}};
    std::string tail_text = tail.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    // Splice the remaining members after "changes".
    std::cout << (first_change ? "]" : "\n]") << ",\n" << tail_text.substr(2);
    std::cout << '\n';
  } else {
    if (!groups.empty()) std::cout << "Changed decisions, grouped by (before -> after):\n\n";
    for (const Group& g : groups) {
      std::cout << "  " << g.count << " x " << PolicyTypeName(g.type) << " ("
                << DirectionName(g.direction) << ")\n"
                << "    before: " << g.before_text << "\n"
                << "    after:  " << g.after_text << "\n";
      if (!g.examples.empty()) {
        std::cout << "    e.g.    " << absl::StrJoin(g.examples, ", ")
                  << (g.count > g.examples.size() ? ", ..." : "") << "\n";
      }
      std::cout << "\n";
    }
    std::cout << summary << "\n";
    std::cout << "input: " << totals.ToString() << "\n";
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "error: writing to stdout failed\n";
    return kExitFailure;
  }
  if (changed > 0) return kExitFailure;
  return totals.malformed > 0 ? kExitBadContexts : kExitOk;
}

}  // namespace verdict::cli
