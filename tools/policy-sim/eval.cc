// `policy-sim eval`: snapshot + contexts → one decision per (context, type).
//
// The flow is one pass over the input: load the snapshot (stop on errors),
// then read, parse, optionally geolocate, evaluate and print each context line
// before reading the next, so a pipe of contexts gets answers as it goes.
// With --jobs N (N > 1) a ContextStream parses and evaluates parts of the
// input on N threads and prints them in input order: the same bytes.
#include "tools/policy-sim/eval.h"

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/context_reader.h"
#include "verdict/context_stream.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/enrollment.h"
#include "verdict/geo.h"
#include "verdict/issue.h"
#include "verdict/reference_evaluator.h"
#include "verdict/session.h"
#include "verdict/snapshot.h"

namespace verdict::cli {

const char kEvalUsage[] =
    "usage: policy-sim eval --snapshot DIR --contexts FILE|- [options]\n"
    "\n"
    "Evaluates each context (JSON Lines, one object per line) against the\n"
    "snapshot and prints one decision per (context, policy type).\n"
    "\n"
    "  --snapshot DIR        snapshot directory (docs/interfaces.md §1)\n"
    "  --contexts FILE|-     contexts as JSON Lines; '-' reads stdin\n"
    "  --output FORMAT       jsonl (one object per line), json (one array) or\n"
    "                        table (for people); default: table when stdout is\n"
    "                        a terminal, jsonl otherwise\n"
    "  --explain             print why each decision was made: inline in table\n"
    "                        output, on stderr (each line prefixed by\n"
    "                        '[<context id> <TYPE>]') for jsonl and json\n"
    "  --reasons             with each decision, the compiled engine's reasons:\n"
    "                        the policies passed over and why, the rules tried\n"
    "                        before the winner and the condition each failed,\n"
    "                        the winner's conditions (a \"reasons\" object in\n"
    "                        jsonl/json, a 'reasons:' line in table output;\n"
    "                        docs/interfaces.md §3); cheap enough for every\n"
    "                        line, unlike --explain's full trace\n"
    "  --geoip DIR           MaxMind databases (*.mmdb) that supply geo, asn and\n"
    "                        proxyType for contexts that do not give them\n"
    "  --engine E            compiled (default: the compiled engine) or reference\n"
    "                        (the straightforward oracle); --explain traces\n"
    "                        always come from the reference evaluator\n"
    "  --types T1,T2         evaluate only these policy types (of those the\n"
    "                        context asks for, or else the snapshot has)\n"
    "  --sessions            with each OKTA_SIGN_ON decision, the session Okta\n"
    "                        would create or refresh (a \"session\" object in\n"
    "                        jsonl/json, a 'session:' line in table output)\n"
    "  --combined            for a context with an app, evaluate OKTA_SIGN_ON and\n"
    "                        ACCESS_POLICY for the combined outcome even when\n"
    "                        --types or policyTypes leave one out (the combined\n"
    "                        outcome is always shown when both are evaluated)\n"
    "  --jobs N              threads that parse and evaluate (default 1: each\n"
    "                        context is answered before the next is read);\n"
    "                        the output is in input order, the same for any N\n"
    "{strict}"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 all evaluated; 2 snapshot or arguments unusable;\n"
    "3 some context lines could not be parsed (each yields\n"
    "{\"line\": N, \"error\": \"...\"} in its place).\n";

namespace {

enum class OutputFormat { kJsonl, kJson, kTable };

struct EvalFlags {
  std::string snapshot;
  std::string contexts;
  std::optional<OutputFormat> output;  // nullopt: by terminal
  bool explain = false;
  bool reasons = false;
  std::string geoip;
  std::optional<std::vector<PolicyType>> types;
  bool sessions = false;
  bool combined = false;
  // The compiled engine answers by default; the reference evaluator (the
  // oracle the engine is proven against) stays reachable.
  bool use_reference = false;
  bool strict = false;
  int64_t jobs = 1;
};

// Returns the exit status after --help or a usage error, nullopt when the
// flags are good.
std::optional<int> ParseFlags(const std::vector<std::string>& args, EvalFlags* flags) {
  static const std::string usage = WithStrictHelp(kEvalUsage);
  FlagParser parser(usage);
  parser.Switch("--strict", &flags->strict);
  parser.Switch("--explain", &flags->explain);
  parser.Switch("--reasons", &flags->reasons);
  parser.Switch("--sessions", &flags->sessions);
  parser.Switch("--combined", &flags->combined);
  parser.Value("--engine", "--engine needs 'compiled' or 'reference'",
               [flags](const std::string& v) -> std::string {
                 if (v != "reference" && v != "compiled") {
                   return "--engine needs 'compiled' or 'reference'";
                 }
                 flags->use_reference = v == "reference";
                 return "";
               });
  parser.String("--snapshot", "--snapshot needs a directory", &flags->snapshot);
  parser.String("--contexts", "--contexts needs a file or '-'", &flags->contexts);
  parser.Value("--output", "--output needs jsonl, json or table",
               [flags](const std::string& v) -> std::string {
                 if (v == "jsonl") {
                   flags->output = OutputFormat::kJsonl;
                 } else if (v == "json") {
                   flags->output = OutputFormat::kJson;
                 } else if (v == "table") {
                   flags->output = OutputFormat::kTable;
                 } else {
                   return absl::StrCat("--output: unknown format '", v,
                                       "' (expected jsonl, json or table)");
                 }
                 return "";
               });
  parser.String("--geoip", "--geoip needs a directory", &flags->geoip);
  parser.Int("--jobs", "--jobs needs a number of threads (1 or more)", 1, INT32_MAX, &flags->jobs);
  parser.Value("--types", "--types needs a comma-separated list of policy types",
               [flags](const std::string& v) -> std::string {
                 std::vector<PolicyType> types;
                 for (const std::string& name : SplitList(v)) {
                   std::optional<PolicyType> type = ParsePolicyType(name);
                   if (!type.has_value()) {
                     return absl::StrCat("--types: unknown policy type '", name, "'");
                   }
                   types.push_back(*type);
                 }
                 if (types.empty()) return "--types needs at least one policy type";
                 flags->types = std::move(types);
                 return "";
               });
  if (std::optional<int> exit = parser.Parse(args)) return exit;
  if (flags->snapshot.empty()) return parser.UsageError("--snapshot is required");
  if (flags->contexts.empty()) return parser.UsageError("--contexts is required");
  if (flags->reasons && flags->use_reference) {
    return parser.UsageError(
        "--reasons come from the compiled engine; --engine reference has --explain's trace");
  }
  return std::nullopt;
}

// Prints warnings and errors from a loader; true when there were no errors.
bool ReportIssues(const IssueList& issues) {
  bool ok = true;
  for (const Issue& issue : issues) {
    std::cerr << (issue.is_error() ? "error: " : "warning: ") << issue.ToString() << '\n';
    if (issue.is_error()) ok = false;
  }
  return ok;
}

// What --sessions and the combined Identity Engine outcome add to a decision;
// empty strings when not shown. Both are JSON objects.
struct DecisionExtras {
  std::string session_json;
  std::string combined_json;
  // AppendEnrollmentKeys: ", \"satisfiable\": ..." members, or empty.
  std::string enrollment_keys;
  std::string reasons_json;  // --reasons: AppendDecisionReasonsJson
};

DecisionLineExtras LineExtras(const DecisionExtras& extras) {
  return {extras.enrollment_keys, extras.session_json, extras.combined_json, extras.reasons_json};
}

// Where decisions go. One implementation per --output format.
class Sink {
 public:
  virtual ~Sink() = default;
  // Called once per parsed context, before its decisions.
  virtual void OnContext() {}
  virtual void OnDecision(const SignOnContext& context, int line, const Decision& decision,
                          const Trace* trace, const DecisionExtras& extras) = 0;
  virtual void OnError(int line, std::string_view message) = 0;
  virtual void Finish() {}
  // Called after each context so a pipe sees its answers promptly.
  virtual void Flush() {
    std::cout.flush();
    std::cerr.flush();
  }
};

std::string ErrorJson(int line, std::string_view message) {
  return absl::StrCat("{\"line\": ", line, ", \"error\": ", JsonQuote(message), "}");
}

// --explain for the JSON formats: stdout stays byte-compatible with the
// contract, so the trace goes to stderr with every line prefixed.
void ExplainToStderr(const SignOnContext& context, const Decision& decision, const Trace& trace) {
  const std::string prefix =
      absl::StrCat("[", context.id, " ", Sv(PolicyTypeName(decision.type)), "] ");
  std::string text = TraceToText(trace);
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, prefix, line, "\n");
  }
  if (out.empty()) out = absl::StrCat(prefix, "(no trace)\n");
  std::cerr << out;
}

// One --output jsonl line: the §3 decision with what is printed beside it.
void AppendJsonlLine(std::string_view context_id, const Decision& decision,
                     const DecisionExtras& extras, std::string* out) {
  AppendDecisionLine(context_id, decision, LineExtras(extras), out);
  out->push_back('\n');
}

class JsonlSink : public Sink {
 public:
  void OnDecision(const SignOnContext& context, int, const Decision& decision, const Trace* trace,
                  const DecisionExtras& extras) override {
    line_.clear();
    AppendJsonlLine(context.id, decision, extras, &line_);
    std::cout.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    if (trace != nullptr) {
      std::cout.flush();  // keep stdout and stderr in order on a terminal
      ExplainToStderr(context, decision, *trace);
    }
  }
  void OnError(int line, std::string_view message) override {
    std::cout << ErrorJson(line, message) << '\n';
  }

 private:
  std::string line_;  // reused from decision to decision
};

class JsonArraySink : public Sink {
 public:
  void OnDecision(const SignOnContext& context, int, const Decision& decision, const Trace* trace,
                  const DecisionExtras& extras) override {
    std::string line;
    AppendDecisionLine(context.id, decision, LineExtras(extras), &line);
    Element(line);
    if (trace != nullptr) {
      std::cout.flush();
      ExplainToStderr(context, decision, *trace);
    }
  }
  void OnError(int line, std::string_view message) override { Element(ErrorJson(line, message)); }
  void Finish() override {
    std::cout << (first_ ? "[]\n" : "\n]\n");
    std::cout.flush();
  }

 private:
  void Element(const std::string& json) {
    std::cout << (first_ ? "[\n" : ",\n") << json;
    first_ = false;
  }
  bool first_ = true;
};

// Rows are buffered so the columns can be aligned; the summary follows.
class TableSink : public Sink {
 public:
  TableSink() : table_({"ID", "TYPE", "BLOCKED", "POLICY", "RULE", "OUTCOME"}) {}

  void OnDecision(const SignOnContext& context, int line, const Decision& decision,
                  const Trace* trace, const DecisionExtras& extras) override {
    ++decisions_;
    // A blocked context has no policy; that cell names the blocklist zone.
    std::string policy = decision.policy ? Named(decision.policy->name, decision.policy->id) : "-";
    if (decision.blocked) {
      ++blocked_;
      if (decision.blocking_zone != nullptr) {
        policy = absl::StrCat("blocklist ",
                              Named(decision.blocking_zone->name, decision.blocking_zone->id));
      }
    }
    const std::string_view outcome_name = OutcomeName(decision.outcome);
    if (outcome_name.empty()) {
      ++no_outcome_;
    } else {
      ++by_outcome_[static_cast<size_t>(decision.outcome)];
    }
    std::string below;
    if (trace != nullptr) below = TraceToText(*trace);
    table_.AddRow({context.id.empty() ? absl::StrCat("(line ", line, ")") : context.id,
                   std::string(PolicyTypeName(decision.type)), decision.blocked ? "yes" : "no",
                   policy, decision.rule ? Named(decision.rule->name, decision.rule->id) : "-",
                   outcome_name.empty() ? std::string("-") : std::string(outcome_name)},
                  std::move(below));
    if (!extras.enrollment_keys.empty()) {
      // ", \"satisfiable\": false, ..." without its leading ", ".
      table_.AddText(absl::StrCat("  enrollment: ", extras.enrollment_keys.substr(2)));
    }
    if (!extras.session_json.empty())
      table_.AddText(absl::StrCat("  session: ", extras.session_json));
    if (!extras.combined_json.empty()) {
      table_.AddText(absl::StrCat("  combined: ", extras.combined_json));
    }
    if (!extras.reasons_json.empty()) {
      table_.AddText(absl::StrCat("  reasons: ", extras.reasons_json));
    }
  }
  void OnContext() override { ++contexts_; }
  void OnError(int line, std::string_view message) override {
    ++errors_;
    table_.AddText(absl::StrCat("line ", line, ": error: ", Sv(message)));
  }
  void Flush() override {}
  void Finish() override {
    table_.Print(std::cout);
    std::vector<std::string> parts;
    for (Outcome o : {Outcome::kAllow, Outcome::kDeny, Outcome::kChallenge}) {
      parts.push_back(absl::StrCat(by_outcome_[static_cast<size_t>(o)], " ", Sv(OutcomeName(o))));
    }
    parts.push_back(absl::StrCat(no_outcome_, " without outcome"));
    std::cout << "\n"
              << contexts_ << (contexts_ == 1 ? " context, " : " contexts, ") << decisions_
              << (decisions_ == 1 ? " decision: " : " decisions: ") << absl::StrJoin(parts, ", ")
              << "; " << blocked_ << " blocked";
    if (errors_ > 0) std::cout << "; " << errors_ << " unusable input line(s)";
    std::cout << "\n";
    std::cout.flush();
  }

 private:
  static std::string Named(std::string_view name, std::string_view id) {
    return absl::StrCat(Sv(name), " (", Sv(id), ")");
  }

  TextTable table_;
  int contexts_ = 0;
  int decisions_ = 0;
  int blocked_ = 0;
  int no_outcome_ = 0;
  int errors_ = 0;
  std::array<int, 4> by_outcome_{};
};

// The types evaluated for `context` (TypesToEvaluate: its own list, else the
// snapshot's), narrowed to --types when given.
std::vector<PolicyType> TypesFor(const SignOnContext& context,
                                 const std::vector<PolicyType>& snapshot_types,
                                 const std::optional<std::vector<PolicyType>>& only) {
  const absl::Span<const PolicyType> all = TypesToEvaluate(context, snapshot_types);
  if (!only.has_value()) return std::vector<PolicyType>(all.begin(), all.end());
  std::vector<PolicyType> out;
  for (PolicyType t : all) {
    if (std::find(only->begin(), only->end(), t) != only->end()) out.push_back(t);
  }
  return out;
}

// A context's decisions with what is printed beside each; reused from
// context to context (the first `count` entries are this context's).
struct DecisionEntry {
  Decision decision;
  Trace trace;  // --explain only
  DecisionExtras extras;
};
struct ContextDecisions {
  std::vector<DecisionEntry> entries;
  size_t count = 0;
  // With --output jsonl and no --explain: the context's lines, formatted by
  // DecideContext on the thread that decided them, so that with --jobs the
  // in-order hand-on only writes them (formatting was a fifth of a context's
  // time, and the hand-on runs on one thread).
  bool preformatted = false;
  std::string jsonl;
  // --reasons: the buffer the compiled engine fills, sized to the snapshot
  // (nothing truncated); made on first use, then reused.
  std::optional<DecisionReasons> reasons;
};

// Which engine answers. Traces (--explain) come from the reference
// evaluator, whose answers the compiled engine is proven to equal
// (tests/eval/differential_test.cc). Safe from any number of threads.
struct Evaluator {
  const ReferenceEvaluator& reference;
  const CompiledPolicySet* compiled;
  Decision Evaluate(const SignOnContext& ctx, PolicyType type, Trace* trace) const {
    if (trace != nullptr || compiled == nullptr) return reference.Evaluate(ctx, type, trace);
    return compiled->Evaluate(ctx, type);
  }
};

// A context's decisions by type: without traces and with the compiled
// engine, every type at once (EvaluateAll walks the chain and the zones once
// per context instead of once per type); otherwise one call per type asked.
class ContextAnswers {
 public:
  ContextAnswers(const Evaluator& evaluator, const SignOnContext& context, bool traces)
      : evaluator_(evaluator), context_(context) {
    if (!traces && evaluator.compiled != nullptr) all_ = evaluator.compiled->EvaluateAll(context);
  }
  Decision Get(PolicyType type, Trace* trace) const {
    if (all_.has_value()) return (*all_)[static_cast<size_t>(type)];
    return evaluator_.Evaluate(context_, type, trace);
  }

 private:
  const Evaluator& evaluator_;
  const SignOnContext& context_;
  std::optional<std::array<Decision, kPolicyTypeCount>> all_;
};

// Everything eval does with a parsed context but print it: geolocation, the
// types to evaluate, the decisions, sessions and the combined outcome.
// Thread-safe (writes only `out` and the context).
void DecideContext(const EvalFlags& flags, const Evaluator& evaluator, const GeoResolver* geo,
                   const Snapshot& snapshot, const std::vector<PolicyType>& snapshot_types,
                   bool preformat_jsonl, SignOnContext* context, ContextDecisions* out) {
  if (geo != nullptr) geo->Enrich(snapshot, context);
  const std::vector<PolicyType> types = TypesFor(*context, snapshot_types, flags.types);
  // The combined Identity Engine outcome needs both decisions; --combined
  // evaluates the one the type list leaves out (it is not printed).
  const std::optional<PolicyType> combined_on =
      CombinedOutcomeLine(*context, types, flags.combined);
  // --reasons decides type by type (each decision with its reasons), so
  // EvaluateAll would be wasted work.
  const ContextAnswers answers(evaluator, *context, flags.explain || flags.reasons);
  std::optional<Decision> global_session;
  if (combined_on.has_value()) global_session = answers.Get(PolicyType::kOktaSignOn, nullptr);
  if (out->entries.size() < types.size()) out->entries.resize(types.size());
  out->count = types.size();
  for (size_t i = 0; i < types.size(); ++i) {
    const PolicyType type = types[i];
    DecisionEntry& entry = out->entries[i];
    entry.trace = Trace();
    entry.extras.session_json.clear();
    entry.extras.combined_json.clear();
    entry.extras.enrollment_keys.clear();
    entry.extras.reasons_json.clear();
    if (flags.reasons) {
      if (!out->reasons.has_value()) out->reasons.emplace(ReasonsBufferFor(snapshot));
      const Decision with_reasons = evaluator.compiled->Evaluate(*context, type, &*out->reasons);
      AppendDecisionReasonsJson(*out->reasons, &entry.extras.reasons_json);
      // With --explain the decision comes with the reference's trace (the
      // differential tests hold the two engines' decisions equal).
      entry.decision = flags.explain ? answers.Get(type, &entry.trace) : with_reasons;
    } else {
      entry.decision = answers.Get(type, flags.explain ? &entry.trace : nullptr);
    }
    AppendEnrollmentKeys(snapshot, *context, entry.decision, &entry.extras.enrollment_keys);
    if (flags.sessions && type == PolicyType::kOktaSignOn) {
      entry.extras.session_json = SessionToJson(*context, ComputeSession(*context, entry.decision));
    }
    if (combined_on == type) {
      const Decision app = type == PolicyType::kAccessPolicy
                               ? entry.decision
                               : answers.Get(PolicyType::kAccessPolicy, nullptr);
      AppendCombinedOutcomeJson(*context, *global_session, app, &entry.extras.combined_json);
    }
  }
  out->preformatted = preformat_jsonl;
  if (preformat_jsonl) {
    out->jsonl.clear();
    for (size_t i = 0; i < out->count; ++i) {
      const DecisionEntry& entry = out->entries[i];
      AppendJsonlLine(context->id, entry.decision, entry.extras, &out->jsonl);
    }
  }
}

// Hands a context's decisions to the sink, in order.
void PrintContext(const SignOnContext& context, int line, bool explain,
                  const ContextDecisions& decisions, Sink* sink) {
  sink->OnContext();
  if (decisions.preformatted) {
    std::cout.write(decisions.jsonl.data(), static_cast<std::streamsize>(decisions.jsonl.size()));
    return;
  }
  for (size_t i = 0; i < decisions.count; ++i) {
    const DecisionEntry& entry = decisions.entries[i];
    sink->OnDecision(context, line, entry.decision, explain ? &entry.trace : nullptr, entry.extras);
  }
}

}  // namespace

int RunEval(const std::vector<std::string>& args) {
  EvalFlags flags;
  if (std::optional<int> status = ParseFlags(args, &flags)) return *status;
  BufferStreamsUnlessTerminals();

  IssueList issues;
  LoadOptions load_options;
  load_options.warnings_as_errors = flags.strict;
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
      LoadAndCompile(flags.snapshot, &issues, load_options);
  const bool issues_ok = ReportIssues(issues);
  if (!set.ok()) {
    if (issues_ok) std::cerr << "error: " << set.status().message() << '\n';
    return kExitUnusable;
  }
  const Snapshot& snapshot = (*set)->snapshot();

  std::unique_ptr<GeoResolver> geo;
  if (!flags.geoip.empty()) {
    IssueList geo_issues;
    absl::StatusOr<std::unique_ptr<GeoResolver>> opened =
        GeoResolver::Open(flags.geoip, &geo_issues);
    const bool geo_ok = ReportIssues(geo_issues);
    if (!opened.ok()) {
      if (geo_ok) std::cerr << "error: --geoip: " << opened.status().message() << '\n';
      return kExitUnusable;
    }
    geo = *std::move(opened);
  }

  LineReader reader;
  if (absl::Status s = reader.Open(flags.contexts); !s.ok()) {
    std::cerr << "error: --contexts " << s.message() << '\n';
    return kExitUnusable;
  }

  const OutputFormat format =
      flags.output.value_or(StdoutIsTerminal() ? OutputFormat::kTable : OutputFormat::kJsonl);
  std::unique_ptr<Sink> sink;
  switch (format) {
    case OutputFormat::kJsonl:
      sink = std::make_unique<JsonlSink>();
      break;
    case OutputFormat::kJson:
      sink = std::make_unique<JsonArraySink>();
      break;
    case OutputFormat::kTable:
      sink = std::make_unique<TableSink>();
      break;
  }

  const std::vector<PolicyType> snapshot_types = snapshot.Types();
  // The reference evaluator shares the compiled set's snapshot and
  // expressions; both engines' Decisions point into the same snapshot.
  const ReferenceEvaluator reference(*set);
  const Evaluator evaluator{reference, flags.use_reference ? nullptr : set->get()};
  bool any_bad_line = false;
  absl::Status read_status;  // reading the contexts, to its end or a read error
  const std::string source = flags.contexts == "-" ? "<stdin>" : flags.contexts;
  if (flags.jobs > 1) {
    const bool preformat_jsonl = format == OutputFormat::kJsonl && !flags.explain;
    ContextStreamOptions options;
    options.threads = static_cast<size_t>(flags.jobs);
    options.check_against = &snapshot;
    options.warnings_are_errors = flags.strict;
    options.name_unnamed_contexts = false;  // eval prints the id the context gave
    absl::StatusOr<std::unique_ptr<ContextStream>> stream =
        ContextStream::Open(ContextSource::kContextLines, flags.contexts, options);
    if (!stream.ok()) {
      std::cerr << "error: --contexts " << stream.status().message() << '\n';
      return kExitUnusable;
    }
    ContextHandlers<ContextDecisions> handlers;
    handlers.on_context = [&](StreamedContext& c, ContextDecisions& d) {
      DecideContext(flags, evaluator, geo.get(), snapshot, snapshot_types, preformat_jsonl,
                    &c.conversion.context, &d);
    };
    handlers.in_order = [&](StreamedContext& c, ContextDecisions& d) {
      PrintContext(c.conversion.context, static_cast<int>(c.position.line), flags.explain, d,
                   sink.get());
    };
    handlers.on_malformed = [&](const MalformedInput& m) {
      any_bad_line = true;
      sink->OnError(static_cast<int>(m.line), m.message);
    };
    handlers.on_warning = [&](const InputWarning& w) {
      InputWarning named = w;
      named.source = source;  // "<stdin>" rather than "-", as without --jobs
      ReportWarning(named);
    };
    read_status = (*stream)->Run(handlers);
  } else {
    const bool flush_each = reader.is_stdin();
    // Built once: CheckContext would rebuild its lookups for every line.
    const ContextChecker checker(snapshot);
    ContextCheckOptions check;
    check.checker = &checker;
    check.warnings_are_errors = flags.strict;
    check.file = source;
    IssueList warnings;
    ContextDecisions decisions;
    // One context, refilled line after line by the reader.
    ContextReader context_reader;
    SignOnContext context;
    std::string line;
    while (reader.Next(&line)) {
      if (IsBlank(line)) continue;
      warnings.clear();
      const absl::Status status = context_reader.Read(line, check, &context, &warnings);
      PrintContextWarnings(warnings, check.file, absl::StrCat("line ", reader.line_number()));
      if (!status.ok()) {
        any_bad_line = true;
        const absl::string_view message = status.message();
        sink->OnError(reader.line_number(), std::string_view(message.data(), message.size()));
        if (flush_each) sink->Flush();
        continue;
      }
      DecideContext(flags, evaluator, geo.get(), snapshot, snapshot_types,
                    /*preformat_jsonl=*/false, &context, &decisions);
      PrintContext(context, reader.line_number(), flags.explain, decisions, sink.get());
      if (flush_each) sink->Flush();
    }
    read_status = reader.status();
  }
  // What was decided before a read error is printed; the error then makes
  // the run unusable (exit 2), never a silent end of the input.
  sink->Finish();
  std::cout.flush();
  if (!read_status.ok()) {
    std::cerr << "error: --contexts " << read_status.message() << '\n';
    return kExitUnusable;
  }
  if (!std::cout) {
    std::cerr << "error: writing to stdout failed\n";
    return kExitFailure;
  }
  return any_bad_line ? kExitBadContexts : kExitOk;
}

}  // namespace verdict::cli
