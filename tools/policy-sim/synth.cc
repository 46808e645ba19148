// policy-sim synth: writes a synthetic org (lib/synth) as a snapshot
// directory, and optionally a JSON Lines file of random contexts for it.
#include "tools/policy-sim/synth.h"

#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "tools/policy-sim/cli_util.h"
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
    int64_t n = 0;
    uint64_t u = 0;
    bool ok = true;
    if (a == "--out") {
      out = v;
    } else if (a == "--seed") {
      ok = absl::SimpleAtoi(v, &u);
      o.seed = u;
    } else if ((ok = absl::SimpleAtoi(v, &n) && n >= 0 && n <= 100000000)) {
      if (a == "--policies") {
        o.policies = static_cast<int>(n);
      } else if (a == "--rules-per-policy") {
        o.rules_per_policy = static_cast<int>(std::max<int64_t>(n, 1));
      } else if (a == "--zones") {
        o.zones = static_cast<int>(n);
      } else if (a == "--cidrs") {
        o.cidrs = static_cast<int>(n);
      } else if (a == "--groups") {
        o.groups = static_cast<int>(n);
      } else if (a == "--contexts") {
        contexts = n;
      } else {
        std::cerr << "error: unknown option '" << a << "'\n\n" << kUsage;
        return kExitUnusable;
      }
    }
    if (!ok) {
      std::cerr << "error: " << a << ": not a valid number: '" << v << "'\n";
      return kExitUnusable;
    }
  }
  if (out.empty()) {
    std::cerr << "error: --out DIR is required\n\n" << kUsage;
    return kExitUnusable;
  }
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
