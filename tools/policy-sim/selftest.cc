// policy-sim selftest: the differential check of the compiled engine against
// the reference evaluator, for any number of cases. Exit 1 on a disagreement,
// with the reproducer (snapshot directory + context) written out.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/synth.h"
#include "verdict/synth.h"

namespace verdict::cli {
namespace {

constexpr char kUsage[] =
    "usage: policy-sim selftest --cases N [--seed S] [--out DIR]\n"
    "\n"
    "Generates random orgs and contexts and checks that the compiled engine decides\n"
    "every (context, policy type) exactly as the reference evaluator. N is the number\n"
    "of comparisons. On a disagreement, writes a reproducer to DIR (default\n"
    "selftest-failure/): snapshot/ (loadable), context.json, report.txt; exits 1.\n";

}  // namespace

int RunSelftest(const std::vector<std::string>& args) {
  int64_t cases = 0;
  uint64_t seed = 1;
  std::string out = "selftest-failure";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (i + 1 >= args.size()) {
      std::cerr << "error: " << a << " needs a value\n\n" << kUsage;
      return kExitUnusable;
    }
    const std::string& v = args[++i];
    bool ok = true;
    if (a == "--cases") {
      ok = absl::SimpleAtoi(v, &cases) && cases > 0;
    } else if (a == "--seed") {
      ok = absl::SimpleAtoi(v, &seed);
    } else if (a == "--out") {
      out = v;
    } else {
      std::cerr << "error: unknown option '" << a << "'\n\n" << kUsage;
      return kExitUnusable;
    }
    if (!ok) {
      std::cerr << "error: " << a << ": invalid value '" << v << "'\n";
      return kExitUnusable;
    }
  }
  if (cases <= 0) {
    std::cerr << "error: --cases N is required\n\n" << kUsage;
    return kExitUnusable;
  }
  const synth::DiffReport report = synth::RunDifferential(cases, seed, 1);
  std::cout << "selftest: " << report.orgs << " orgs, " << report.comparisons << " comparisons ("
            << report.blocked << " blocked, " << report.decided << " decided by a rule), "
            << report.mismatches.size() << " disagreement(s)\n";
  if (report.mismatches.empty()) return kExitOk;
  const synth::Mismatch& m = report.mismatches.front();
  std::cerr << m.ToText();
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  absl::Status s = synth::WriteSnapshotDir(m.org, out + "/snapshot");
  std::ofstream(out + "/context.json") << synth::ContextToJson(m.context) << "\n";
  std::ofstream(out + "/report.txt") << m.ToText();
  std::cerr << "reproducer written to " << out << "/" << (s.ok() ? "" : " (snapshot not written)")
            << "\n";
  return kExitFailure;
}

}  // namespace verdict::cli
