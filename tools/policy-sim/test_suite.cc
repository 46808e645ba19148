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
#include "verdict/decision.h"
#include "verdict/reference_evaluator.h"

namespace verdict::cli {

namespace {

const char kTestUsage[] =
    "usage: policy-sim test SUITE [--snapshot DIR] [--junit FILE]\n"
    "\n"
    "Runs a regression suite: a JSON file\n"
    "  {\"snapshot\": \"dir relative to the suite file\",\n"
    "   \"cases\": [{\"name\": \"...\", \"context\": {...},\n"
    "              \"expect\": {\"policyType\": \"OKTA_SIGN_ON\", \"policy\": \"00p..\",\n"
    "                         \"rule\": \"0pr..\", \"outcome\": \"ALLOW\",\n"
    "                         \"blocked\": false}}]}\n"
    "Any subset of the expect keys may be given; \"policy\", \"rule\" and\n"
    "\"outcome\" may be null (no policy / rule / outcome expected). Without\n"
    "policyType the case checks the context's only policy type, else\n"
    "OKTA_SIGN_ON. See docs/cli.md.\n"
    "\n"
    "  --snapshot DIR   use this snapshot instead of the suite's \"snapshot\"\n"
    "  --junit FILE     also write JUnit XML\n"
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

// Compares one expectation; appends a line to `mismatches` when it fails.
void Check(const Json& expect, const char* key, const std::string& actual,
           std::vector<std::string>* mismatches) {
  if (!expect.contains(key)) return;
  const Json& want = expect[key];
  const std::string wanted = want.is_null() ? "" : want.get<std::string>();
  if (wanted != actual) {
    mismatches->push_back(absl::StrCat(key, ": expected ", OptionalId(want), ", got ",
                                       actual.empty() ? "null" : actual));
  }
}

// Validates the shape of one case; empty when usable.
std::string CaseProblem(const Json& c) {
  if (!c.is_object()) return "a case must be an object";
  if (!c.contains("context") || !c["context"].is_object()) return "\"context\" must be an object";
  if (c.contains("expect")) {
    const Json& e = c["expect"];
    if (!e.is_object()) return "\"expect\" must be an object";
    for (auto it = e.begin(); it != e.end(); ++it) {
      const std::string& k = it.key();
      if (k == "blocked") {
        if (!it->is_boolean()) return "expect.blocked must be true or false";
      } else if (k == "policyType") {
        if (!it->is_string() || !ParsePolicyType(it->get<std::string>())) {
          return "expect.policyType must be a policy type name";
        }
      } else if (k == "policy" || k == "rule" || k == "outcome") {
        if (!it->is_string() && !it->is_null()) {
          return absl::StrCat("expect.", k, " must be a string or null");
        }
      } else {
        return absl::StrCat("unknown key expect.", k);
      }
    }
  }
  return "";
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
  const Json expect = c.value("expect", Json::object());
  PolicyType type = PolicyType::kOktaSignOn;
  if (expect.contains("policyType")) {
    type = *ParsePolicyType(expect["policyType"].get<std::string>());
  } else if (context->policy_types.size() == 1) {
    type = context->policy_types.front();
  }
  Trace trace;
  const Decision d = evaluator.Evaluate(*context, type, &trace);
  std::vector<std::string> mismatches;
  Check(expect, "policy", d.policy ? d.policy->id : "", &mismatches);
  Check(expect, "rule", d.rule ? d.rule->id : "", &mismatches);
  Check(expect, "outcome", std::string(OutcomeName(d.outcome)), &mismatches);
  if (expect.contains("blocked") && expect["blocked"].get<bool>() != d.blocked) {
    mismatches.push_back(
        absl::StrCat("blocked: expected ", expect["blocked"].get<bool>(), ", got ", d.blocked));
  }
  r.passed = mismatches.empty();
  if (!r.passed) {
    r.message = absl::StrJoin(mismatches, "; ");
    r.trace = absl::StrCat("  ", Sv(PolicyTypeName(type)), " decision: ", DescribeDecision(d), "\n",
                           TraceToText(trace));
  }
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

}  // namespace

int RunTestSuite(const std::vector<std::string>& args) {
  std::string suite_path;
  std::string snapshot_dir;
  std::string junit;
  bool strict = false;
  static const std::string usage = WithStrictHelp(kTestUsage);
  FlagParser flags(usage);
  flags.Switch("--strict", &strict);
  flags.String("--snapshot", "--snapshot needs a directory", &snapshot_dir);
  flags.String("--junit", "--junit needs a file", &junit);
  flags.Positional([&](const std::string& arg) -> std::string {
    if (!suite_path.empty()) return "only one SUITE file";
    suite_path = arg;
    return "";
  });
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
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
  ContextCheckOptions check;
  check.snapshot = &set->snapshot();
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
