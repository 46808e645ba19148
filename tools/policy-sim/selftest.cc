// policy-sim selftest: the differential check of the compiled engine against
// the reference evaluator, for any number of cases. Exit 1 on a disagreement,
// with the reproducer (snapshot directory + context) written out.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
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
  FlagParser::Options style;
  style.unknown = "unknown option";
  style.usage_after_bad_value = false;
  FlagParser flags(kUsage, style);
  auto invalid = [](std::string_view flag, const std::string& v) {
    return absl::StrCat(absl::string_view(flag.data(), flag.size()), ": invalid value '", v, "'");
  };
  flags.Value("--cases", "--cases needs a value", [&](const std::string& v) {
    if (!absl::SimpleAtoi(v, &cases) || cases <= 0) return invalid("--cases", v);
    return std::string();
  });
  flags.Value("--seed", "--seed needs a value", [&](const std::string& v) {
    if (!absl::SimpleAtoi(v, &seed)) return invalid("--seed", v);
    return std::string();
  });
  flags.String("--out", "--out needs a value", &out);
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (cases <= 0) return flags.UsageError("--cases N is required");
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
