// `policy-sim test`: a regression suite of named cases, each a context and
// the expected decision (any subset of policy type, policy, rule, outcome,
// blocked). Evaluated with the reference evaluator so a failure can show its
// trace.
#include "tools/policy-sim/test_suite.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/context_checker.h"
#include "verdict/context_stream.h"
#include "verdict/decision.h"
#include "verdict/decision_lines.h"
#include "verdict/engine.h"
#include "verdict/reference_evaluator.h"
#include "verdict/system_log.h"

namespace verdict::cli {

namespace {

const char kTestUsage[] =
    "usage: policy-sim test SUITE [--snapshot DIR] [--junit FILE] [--strict]\n"
    "       policy-sim test --record (CONTEXTS|--logs FILE) --snapshot DIR\n"
    "                       [--memberships FILE] > suite.json\n"
    "\n"
    "Runs a regression suite: a JSON file\n"
    "  {\"snapshot\": \"dir relative to the suite file\",\n"
    "   \"cases\": [{\"name\": \"...\", \"context\": {...},\n"
    "              \"expect\": {\"policyType\": \"OKTA_SIGN_ON\", \"policy\": \"00p..\",\n"
    "                         \"rule\": \"0pr..\", \"outcome\": \"ALLOW\",\n"
    "                         \"blocked\": false}}]}\n"
    "\"expect\" is required and must check something (policy, rule, outcome\n"
    "or blocked); \"policy\" and \"rule\" match an id or a name; \"policy\",\n"
    "\"rule\" and \"outcome\" may be null (none expected). \"expect\" may be\n"
    "an array, one object per policy type. Without policyType the case checks\n"
    "the context's only policy type, else OKTA_SIGN_ON. See docs/cli.md.\n"
    "\n"
    "--record writes a suite whose expectations are the snapshot's decisions\n"
    "for each context of CONTEXTS (every type it asks for, else the\n"
    "snapshot's), or what Okta recorded for each sign-on event of --logs.\n"
    "\n"
    "  --snapshot DIR   use this snapshot instead of the suite's \"snapshot\"\n"
    "  --junit FILE     also write JUnit XML\n"
    "  --record         write a suite instead of running one (see above)\n"
    "  --logs FILE      with --record: a System Log export\n"
    "  --memberships FILE  with --record --logs: user -> groups\n"
    "{strict}"
    "  -h, --help       this help\n"
    "\n"
    "Exit status: 0 every case passes; 1 some case fails or cannot run;\n"
    "2 suite, snapshot or arguments unusable; 3 no case fails, but some\n"
    "case's context is unusable (malformed, or a warning with --strict).\n";

using Json = nlohmann::json;

struct CaseResult {
  std::string name;
  bool passed = false;
  bool error = false;        // the case itself is unusable
  bool bad_context = false;  // ... because its context is (or, --strict, warns)
  std::string message;       // failure/error summary, one line per mismatch
  std::string trace;         // for failures
  double seconds = 0;
};

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string OptionalId(const Json& value) {
  return value.is_null() ? "null" : value.get<std::string>();
}

// Compares one expectation with the decision's id and name: a suite may name
// a policy or rule by either ("Sales catch-all" or "0prSalesCatchAll00g7").
// Appends a line to `mismatches` when it fails.
void Check(const Json& expect, const char* key, const std::string& id, const std::string& name,
           std::vector<std::string>* mismatches) {
  if (!expect.contains(key)) return;
  const Json& want = expect[key];
  const std::string wanted = want.is_null() ? "" : want.get<std::string>();
  if (wanted == id || (!wanted.empty() && wanted == name)) return;
  mismatches->push_back(
      absl::StrCat(key, ": expected ", OptionalId(want), ", got ", id.empty() ? "null" : id,
                   name.empty() || name == id ? "" : absl::StrCat(" (", name, ")")));
}

// The expectations of a case: "expect" is one object or an array of them
// (one per policy type).
std::vector<Json> Expectations(const Json& c) {
  const Json& e = c["expect"];
  if (e.is_array()) return std::vector<Json>(e.begin(), e.end());
  return {e};
}

// Validates one expectation object; empty when usable.
std::string ExpectationProblem(const Json& e, const std::string& at) {
  if (!e.is_object()) return absl::StrCat(at, " must be an object");
  bool checks_something = false;
  for (auto it = e.begin(); it != e.end(); ++it) {
    const std::string& k = it.key();
    if (k == "blocked") {
      if (!it->is_boolean()) return absl::StrCat(at, ".blocked must be true or false");
      checks_something = true;
    } else if (k == "policyType") {
      if (!it->is_string() || !ParsePolicyType(it->get<std::string>())) {
        return absl::StrCat(at, ".policyType must be a policy type name");
      }
    } else if (k == "policy" || k == "rule" || k == "outcome") {
      if (!it->is_string() && !it->is_null()) {
        return absl::StrCat(at, ".", k, " must be a string or null");
      }
      checks_something = true;
    } else {
      return absl::StrCat("unknown key ", at, ".", k);
    }
  }
  // A case that checks nothing always passes: a test that cannot fail.
  if (!checks_something) {
    return absl::StrCat(at, " checks nothing: give policy, rule, outcome or blocked");
  }
  return "";
}

// Validates the shape of one case; empty when usable.
std::string CaseProblem(const Json& c) {
  if (!c.is_object()) return "a case must be an object";
  if (!c.contains("context") || !c["context"].is_object()) return "\"context\" must be an object";
  if (!c.contains("expect")) return "\"expect\" is required (a case without one cannot fail)";
  const Json& e = c["expect"];
  if (e.is_array()) {
    if (e.empty()) return "\"expect\" is an empty array: it checks nothing";
    std::set<std::string> types;
    for (size_t i = 0; i < e.size(); ++i) {
      const std::string at = absl::StrCat("expect[", i, "]");
      if (std::string p = ExpectationProblem(e[i], at); !p.empty()) return p;
      if (!e[i].contains("policyType")) {
        return absl::StrCat(at, " needs a policyType (several expectations, one per type)");
      }
      if (!types.insert(e[i]["policyType"].get<std::string>()).second) {
        return absl::StrCat(at, ": policyType ", e[i]["policyType"].get<std::string>(),
                            " is expected twice");
      }
    }
    return "";
  }
  return ExpectationProblem(e, "expect");
}

CaseResult RunCase(const Json& c, size_t index, const ReferenceEvaluator& evaluator,
                   const ContextCheckOptions& check) {
  CaseResult r;
  const auto start = std::chrono::steady_clock::now();
  r.name = (c.is_object() && c.contains("name") && c["name"].is_string())
               ? c["name"].get<std::string>()
               : absl::StrCat("case ", index + 1);
  if (std::string problem = CaseProblem(c); !problem.empty()) {
    r.error = true;
    r.message = problem;
    return r;
  }
  IssueList warnings;
  absl::StatusOr<SignOnContext> context = ParseAndCheckContext(
      c["context"].dump(-1, ' ', false, Json::error_handler_t::replace), check, &warnings);
  PrintContextWarnings(warnings, check.file, r.name);
  if (!context.ok()) {
    r.error = true;
    r.bad_context = true;
    r.message = absl::StrCat("context: ", context.status().message());
    return r;
  }
  const std::vector<Json> expectations = Expectations(c);
  std::vector<std::string> all_mismatches;
  for (const Json& expect : expectations) {
    PolicyType type = PolicyType::kOktaSignOn;
    if (expect.contains("policyType")) {
      type = *ParsePolicyType(expect["policyType"].get<std::string>());
    } else if (context->policy_types.size() == 1) {
      type = context->policy_types.front();
    }
    Trace trace;
    const Decision d = evaluator.Evaluate(*context, type, &trace);
    std::vector<std::string> mismatches;
    Check(expect, "policy", d.policy ? d.policy->id : "", d.policy ? d.policy->name : "",
          &mismatches);
    Check(expect, "rule", d.rule ? d.rule->id : "", d.rule ? d.rule->name : "", &mismatches);
    Check(expect, "outcome", std::string(OutcomeName(d.outcome)), "", &mismatches);
    if (expect.contains("blocked") && expect["blocked"].get<bool>() != d.blocked) {
      mismatches.push_back(
          absl::StrCat("blocked: expected ", expect["blocked"].get<bool>(), ", got ", d.blocked));
    }
    if (mismatches.empty()) continue;
    const std::string joined = absl::StrJoin(mismatches, "; ");
    all_mismatches.push_back(
        expectations.size() > 1 ? absl::StrCat(Sv(PolicyTypeName(type)), ": ", joined) : joined);
    absl::StrAppend(&r.trace, "  ", Sv(PolicyTypeName(type)), " decision: ", DescribeDecision(d),
                    "\n", TraceToText(trace));
  }
  r.passed = all_mismatches.empty();
  if (!r.passed) r.message = absl::StrJoin(all_mismatches, "; ");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

bool WriteJunit(const std::string& path, const std::string& suite_name,
                const std::vector<CaseResult>& results) {
  int failures = 0;
  int errors = 0;
  double total = 0;
  for (const CaseResult& r : results) {
    if (r.error) ++errors;
    if (!r.error && !r.passed) ++failures;
    total += r.seconds;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"policy-sim test\" tests=\"" << results.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" time=\"" << total << "\">\n";
  out << "  <testsuite name=\"" << XmlEscape(suite_name) << "\" tests=\"" << results.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"0\" time=\""
      << total << "\">\n";
  for (const CaseResult& r : results) {
    out << "    <testcase classname=\"" << XmlEscape(suite_name) << "\" name=\""
        << XmlEscape(r.name) << "\" time=\"" << r.seconds << "\"";
    if (r.passed) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (r.error) {
      out << "      <error message=\"" << XmlEscape(r.message) << "\"/>\n";
    } else {
      out << "      <failure message=\"" << XmlEscape(r.message) << "\">" << XmlEscape(r.trace)
          << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  AtomicOutputFile file;
  if (!file.Open(path).ok()) return false;
  file.stream() << out.str();
  return file.Commit().ok();
}

// One expectation of a recorded suite, from a decision.
Json ExpectationOf(PolicyType type, const Decision& d) {
  Json e = {{"policyType", std::string(PolicyTypeName(type))}, {"blocked", d.blocked}};
  e["policy"] = d.policy ? Json(d.policy->id) : Json(nullptr);
  e["rule"] = d.rule ? Json(d.rule->id) : Json(nullptr);
  e["outcome"] =
      d.outcome == Outcome::kNone ? Json(nullptr) : Json(std::string(OutcomeName(d.outcome)));
  return e;
}

// One expectation from what Okta recorded (ids only where recorded and not
// redacted); null when it records nothing to check.
std::optional<Json> ExpectationOf(const RecordedDecision& r, std::optional<Access> access) {
  if (!r.policy_type) return std::nullopt;
  Json e = {{"policyType", std::string(PolicyTypeName(*r.policy_type))}};
  if (!r.redacted && !r.policy_id.empty()) e["policy"] = r.policy_id;
  if (!r.redacted && !r.rule_id.empty()) e["rule"] = r.rule_id;
  if (access && *r.policy_type == PolicyType::kOktaSignOn) {
    e["outcome"] = *access == Access::kAllow  ? "ALLOW"
                   : *access == Access::kDeny ? "DENY"
                                              : "CHALLENGE";
  }
  if (e.size() == 1) return std::nullopt;
  return e;
}

// `test --record`: a suite whose expectations are today's decisions (from
// --contexts) or what Okta recorded (from --logs), on stdout.
int RecordSuite(const std::string& source, bool logs, const std::string& snapshot_dir,
                const std::string& memberships_path, bool strict) {
  const std::shared_ptr<const CompiledPolicySet> set =
      LoadSnapshotOrReport(snapshot_dir, "", strict);
  if (!set) return kExitUnusable;
  MembershipMap memberships;
  if (!LoadMembershipsOrReport(memberships_path, &memberships)) return kExitUnusable;
  const std::vector<PolicyType> snapshot_types = set->snapshot().Types();
  Json cases = Json::array();
  uint64_t without_expectation = 0;
  ContextHandlers<NoResult> handlers;
  handlers.in_order = [&](StreamedContext& item, NoResult&) {
    const SignOnContext& context = item.conversion.context;
    Json expect = Json::array();
    if (logs) {
      const RecordedOutcome& recorded = item.conversion.recorded;
      std::set<std::string> seen;
      for (const RecordedDecision& r : recorded.decisions) {
        std::optional<Json> e = ExpectationOf(r, recorded.access);
        if (e && seen.insert((*e)["policyType"].get<std::string>()).second) {
          expect.push_back(*std::move(e));
        }
      }
    } else {
      for (PolicyType type : TypesToEvaluate(context, snapshot_types)) {
        expect.push_back(ExpectationOf(type, set->Evaluate(context, type)));
      }
    }
    if (expect.empty()) {
      ++without_expectation;
      return;
    }
    cases.push_back({{"name", context.id},
                     {"context", Json::parse(WriteContextJson(context), nullptr, false)},
                     {"expect", expect}});
  };
  handlers.on_malformed = ReportMalformed;
  handlers.on_warning = ReportWarning;
  ContextStreamOptions options;
  options.threads = 1;
  options.conversion.memberships = memberships_path.empty() ? nullptr : &memberships;
  options.conversion.snapshot = &set->snapshot();
  options.check_against = &set->snapshot();
  options.warnings_are_errors = strict;
  absl::StatusOr<std::unique_ptr<ContextStream>> stream = ContextStream::Open(
      logs ? ContextSource::kSystemLog : ContextSource::kContextLines, source, options);
  absl::Status status = stream.ok() ? (*stream)->Run(handlers) : stream.status();
  if (!status.ok()) {
    std::cerr << "error: " << (logs ? "--logs " : "--contexts ") << status.message() << '\n';
    return kExitUnusable;
  }
  const Json suite = {{"snapshot", snapshot_dir}, {"cases", cases}};
  std::cout << suite.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  std::cerr << "test --record: " << cases.size() << " cases";
  if (without_expectation > 0) {
    std::cerr << "; " << without_expectation << " context(s) left out (no recorded decision)";
  }
  std::cerr << '\n';
  std::cout.flush();
  if (!std::cout) return kExitFailure;
  return (*stream)->totals().malformed > 0 ? kExitBadContexts : kExitOk;
}

}  // namespace

int RunTestSuite(const std::vector<std::string>& args) {
  std::string suite_path;
  std::string snapshot_dir;
  std::string junit;
  bool record = false;
  std::string record_logs;
  std::string memberships;
  bool strict = false;
  static const std::string usage = WithStrictHelp(kTestUsage);
  FlagParser flags(usage);
  flags.Switch("--strict", &strict);
  flags.String("--snapshot", "--snapshot needs a directory", &snapshot_dir);
  flags.String("--junit", "--junit needs a file", &junit);
  flags.Switch("--record", &record);
  flags.String("--logs", "--logs needs a System Log export", &record_logs);
  flags.String("--memberships", "--memberships needs a file", &memberships);
  flags.Positional([&](const std::string& arg) -> std::string {
    if (!suite_path.empty()) return "only one SUITE file";
    suite_path = arg;
    return "";
  });
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (record) {
    // The positional argument is then the contexts file.
    if (suite_path.empty() == record_logs.empty()) {
      return flags.UsageError("--record needs a CONTEXTS file or --logs FILE (one of them)");
    }
    if (snapshot_dir.empty()) return flags.UsageError("--record needs --snapshot DIR");
    const bool logs = !record_logs.empty();
    return RecordSuite(logs ? record_logs : suite_path, logs, snapshot_dir, memberships, strict);
  }
  if (!record_logs.empty()) return flags.UsageError("--logs goes with --record");
  if (suite_path.empty()) return flags.UsageError("SUITE is required");

  std::ifstream in(suite_path, std::ios::binary);
  if (!in) {
    std::cerr << "error: " << suite_path << ": cannot open\n";
    return kExitUnusable;
  }
  Json suite = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (suite.is_discarded() || !suite.is_object()) {
    std::cerr << "error: " << suite_path << ": not a JSON object\n";
    return kExitUnusable;
  }
  if (!suite.contains("cases") || !suite["cases"].is_array()) {
    std::cerr << "error: " << suite_path << ": \"cases\" must be an array\n";
    return kExitUnusable;
  }
  if (snapshot_dir.empty()) {
    if (!suite.contains("snapshot") || !suite["snapshot"].is_string()) {
      std::cerr << "error: " << suite_path
                << ": no \"snapshot\" in the suite and no --snapshot given\n";
      return kExitUnusable;
    }
    std::filesystem::path dir(suite["snapshot"].get<std::string>());
    if (dir.is_relative()) dir = std::filesystem::path(suite_path).parent_path() / dir;
    snapshot_dir = dir.string();
  }
  const std::shared_ptr<const CompiledPolicySet> set =
      LoadSnapshotOrReport(snapshot_dir, "", strict);
  if (!set) return kExitUnusable;
  const ReferenceEvaluator evaluator(set);
  const ContextChecker checker(set->snapshot());
  ContextCheckOptions check;
  check.checker = &checker;
  check.warnings_are_errors = strict;
  check.file = suite_path;
  bool bad_context = false;

  std::vector<CaseResult> results;
  const Json& cases = suite["cases"];
  int passed = 0;
  int failed = 0;
  int errors = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    CaseResult r = RunCase(cases[i], i, evaluator, check);
    bad_context = bad_context || r.bad_context;
    if (r.passed) {
      ++passed;
      std::cout << "PASS  " << r.name << "\n";
    } else if (r.error) {
      ++errors;
      std::cout << "ERROR " << r.name << ": " << r.message << "\n";
    } else {
      ++failed;
      std::cout << "FAIL  " << r.name << ": " << r.message << "\n" << r.trace;
    }
    results.push_back(std::move(r));
  }
  std::cout << "\n"
            << results.size() << " cases: " << passed << " passed, " << failed << " failed, "
            << errors << " errors\n";
  std::cout.flush();
  if (!junit.empty()) {
    const std::string name = std::filesystem::path(suite_path).filename().string();
    if (!WriteJunit(junit, name, results)) {
      std::cerr << "error: --junit " << junit << ": cannot write\n";
      return kExitUnusable;
    }
  }
  if (failed > 0) return kExitFailure;
  if (bad_context) return kExitBadContexts;
  return errors > 0 ? kExitFailure : kExitOk;
}

}  // namespace verdict::cli
