// `policy-sim contexts`: System Log sign-on events → contexts as JSON Lines,
// so recorded sign-ons can be edited and kept as regression cases.
#include "tools/policy-sim/contexts.h"

#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "verdict/system_log.h"

namespace verdict::cli {

namespace {

const char kContextsUsage[] =
    "usage: policy-sim contexts --logs FILE [--snapshot DIR] [--memberships FILE]\n"
    "                           [--out FILE|-]\n"
    "\n"
    "Turns the sign-on events of a System Log export (JSON array or JSON Lines,\n"
    "gzip or plain) into contexts, one JSON object per line.\n"
    "\n"
    "  --logs FILE          the System Log export ('-' reads stdin)\n"
    "  --no-mmap            read a plain log file instead of mapping it (use\n"
    "                       when the file may be truncated while it is read)\n"
    "  --snapshot DIR       group memberships from its users/<id>/groups.json\n"
    "  --memberships FILE   user id or login -> groups (consulted first)\n"
    "  --out FILE|-         where to write (default '-', stdout)\n"
    "\n"
    "Totals (read = converted + skipped + malformed) go to stderr; each\n"
    "malformed event is reported with its line/offset and skipped.\n"
    "Exit status: 0 done; 2 arguments, snapshot or input unusable;\n"
    "3 some events were malformed.\n";

int UsageError(std::string_view message) {
  std::cerr << "error: " << message << "\n\n" << kContextsUsage;
  return kExitUnusable;
}

}  // namespace

int RunContexts(const std::vector<std::string>& args) {
  std::string logs;
  std::string snapshot_dir;
  std::string memberships_path;
  std::string out_path = "-";
  bool map_plain_files = true;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kContextsUsage;
      return kExitOk;
    }
    bool missing = false;
    if (auto v = TakeFlagValue(args, &i, "--logs", &missing)) {
      if (missing) return UsageError("--logs needs a file");
      logs = *v;
    } else if (arg == "--no-mmap") {
      map_plain_files = false;
    } else if (auto v = TakeFlagValue(args, &i, "--snapshot", &missing)) {
      if (missing) return UsageError("--snapshot needs a directory");
      snapshot_dir = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--memberships", &missing)) {
      if (missing) return UsageError("--memberships needs a file");
      memberships_path = *v;
    } else if (auto v = TakeFlagValue(args, &i, "--out", &missing)) {
      if (missing) return UsageError("--out needs a file or '-'");
      out_path = *v;
    } else {
      return UsageError(absl::StrCat("unknown argument '", arg, "'"));
    }
  }
  if (logs.empty()) return UsageError("--logs is required");

  std::shared_ptr<const CompiledPolicySet> snapshot;
  if (!snapshot_dir.empty()) {
    snapshot = LoadSnapshotOrReport(snapshot_dir);
    if (!snapshot) return kExitUnusable;
  }
  MembershipMap memberships;
  if (!memberships_path.empty()) {
    absl::StatusOr<MembershipMap> loaded = LoadMemberships(memberships_path);
    if (!loaded.ok()) {
      std::cerr << "error: --memberships: " << loaded.status().message() << '\n';
      return kExitUnusable;
    }
    memberships = *std::move(loaded);
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (out_path != "-") {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "error: --out " << out_path << ": cannot open\n";
      return kExitUnusable;
    }
    out = &file;
  }

  ContextInput input;
  input.logs_path = logs;
  input.map_plain_files = map_plain_files;
  input.memberships = memberships_path.empty() ? nullptr : &memberships;
  input.snapshot = snapshot ? &snapshot->snapshot() : nullptr;
  input.progress_label = "contexts";
  InputTotals totals;
  absl::Status status = ReadContextsInBatches(
      input,
      [&](std::span<SourcedContext* const> batch) {
        for (const SourcedContext* item : batch) *out << WriteContextJson(item->context) << '\n';
      },
      &totals);
  out->flush();
  std::cerr << "contexts: " << totals.ToString() << '\n';
  if (!status.ok()) {
    std::cerr << "error: --logs " << status.message() << '\n';
    return kExitUnusable;
  }
  if (!*out) {
    std::cerr << "error: writing " << out_path << " failed\n";
    return kExitFailure;
  }
  return totals.malformed > 0 ? kExitBadContexts : kExitOk;
}

}  // namespace verdict::cli
