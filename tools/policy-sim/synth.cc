// policy-sim synth: writes a synthetic org (lib/synth) as a snapshot
// directory, and optionally a JSON Lines file of random contexts for it.
#include "tools/policy-sim/synth.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict::cli {
namespace {

constexpr char kUsage[] =
    "usage: policy-sim synth --policies P --rules-per-policy R --zones Z --cidrs C\n"
    "                        --groups G --seed S --out DIR [--contexts N]\n"
    "\n"
    "Writes a synthetic org as a snapshot directory (zones.json, policies/<TYPE>.json,\n"
    "rules/<id>.json, policy-mappings/, behaviors.json, groups.json) and, with\n"
    "--contexts, N random contexts to DIR/contexts.jsonl. Same options, same output.\n";

}  // namespace

int RunSynth(const std::vector<std::string>& args) {
  synth::OrgOptions o;
  std::string out;
  int64_t contexts = 0;
  FlagParser::Options style;
  style.unknown = "unknown option";
  style.usage_after_bad_value = false;
  FlagParser flags(kUsage, style);
  auto needs_value = [](std::string_view flag) {
    return absl::StrCat(absl::string_view(flag.data(), flag.size()), " needs a value");
  };
  auto not_a_number = [](std::string_view flag, const std::string& v) {
    return absl::StrCat(absl::string_view(flag.data(), flag.size()), ": not a valid number: '", v,
                        "'");
  };
  flags.String("--out", needs_value("--out"), &out);
  flags.Value("--seed", needs_value("--seed"), [&](const std::string& v) {
    uint64_t u = 0;
    if (!absl::SimpleAtoi(v, &u)) return not_a_number("--seed", v);
    o.seed = u;
    return std::string();
  });
  // The sizes: whole numbers from 0 to 100,000,000.
  auto size = [&](std::string_view flag, std::function<void(int64_t)> set) {
    flags.Value(std::string(flag), needs_value(flag), [=](const std::string& v) {
      int64_t n = 0;
      if (!absl::SimpleAtoi(v, &n) || n < 0 || n > 100000000) return not_a_number(flag, v);
      set(n);
      return std::string();
    });
  };
  size("--policies", [&](int64_t n) { o.policies = static_cast<int>(n); });
  size("--rules-per-policy",
       [&](int64_t n) { o.rules_per_policy = static_cast<int>(std::max<int64_t>(n, 1)); });
  size("--zones", [&](int64_t n) { o.zones = static_cast<int>(n); });
  size("--cidrs", [&](int64_t n) { o.cidrs = static_cast<int>(n); });
  size("--groups", [&](int64_t n) { o.groups = static_cast<int>(n); });
  size("--contexts", [&](int64_t n) { contexts = n; });
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (out.empty()) return flags.UsageError("--out DIR is required");
  const Snapshot org = synth::GenerateOrg(o);
  if (absl::Status s = synth::WriteSnapshotDir(org, out); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return kExitFailure;
  }
  size_t rules = 0, cidrs = 0;
  for (const Policy& p : org.policies) rules += p.rules.size();
  for (const NetworkZone& z : org.zones) cidrs += z.gateways.size() + z.proxies.size();
  if (contexts > 0) {
    std::ofstream file(out + "/contexts.jsonl");
    for (const SignOnContext& c :
         synth::GenerateContexts(org, static_cast<int>(contexts), o.seed)) {
      file << synth::ContextToJson(c) << "\n";
    }
    if (!file) {
      std::cerr << "error: cannot write " << out << "/contexts.jsonl\n";
      return kExitFailure;
    }
  }
  std::cout << "wrote " << out << ": " << org.policies.size() << " policies, " << rules
            << " rules, " << org.zones.size() << " zones, " << cidrs << " address entries, "
            << org.groups.size() << " groups";
  if (contexts > 0) std::cout << ", " << contexts << " contexts (contexts.jsonl)";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace verdict::cli
