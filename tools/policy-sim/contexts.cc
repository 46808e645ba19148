// `policy-sim contexts`: System Log sign-on events → contexts as JSON Lines,
// so recorded sign-ons can be edited and kept as regression cases.
#include "tools/policy-sim/contexts.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/flags.h"
#include "verdict/context_stream.h"
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

}  // namespace

int RunContexts(const std::vector<std::string>& args) {
  std::string logs;
  std::string snapshot_dir;
  std::string memberships_path;
  std::string out_path = "-";
  bool no_mmap = false;
  FlagParser flags(kContextsUsage);
  flags.String("--logs", "--logs needs a file", &logs);
  flags.Switch("--no-mmap", &no_mmap);
  flags.String("--snapshot", "--snapshot needs a directory", &snapshot_dir);
  flags.String("--memberships", "--memberships needs a file", &memberships_path);
  flags.String("--out", "--out needs a file or '-'", &out_path);
  if (std::optional<int> exit = flags.Parse(args)) return *exit;
  if (logs.empty()) return flags.UsageError("--logs is required");

  std::shared_ptr<const CompiledPolicySet> snapshot;
  if (!snapshot_dir.empty()) {
    snapshot = LoadSnapshotOrReport(snapshot_dir);
    if (!snapshot) return kExitUnusable;
  }
  MembershipMap memberships;
  if (!LoadMembershipsOrReport(memberships_path, &memberships)) return kExitUnusable;
  // Written beside --out and renamed over it only when complete: a failed
  // run leaves the previous file as it was.
  AtomicOutputFile file;
  if (absl::Status opened = file.Open(out_path); !opened.ok()) {
    std::cerr << "error: --out " << opened.message() << '\n';
    return kExitUnusable;
  }
  std::ostream* out = &file.stream();

  ProgressLine progress("contexts");
  ContextStreamOptions options;
  options.log_reader.map_plain_files = !no_mmap;
  options.conversion.memberships = memberships_path.empty() ? nullptr : &memberships;
  options.conversion.snapshot = snapshot ? &snapshot->snapshot() : nullptr;
  options.progress = progress.Callback();
  absl::StatusOr<std::unique_ptr<ContextStream>> stream =
      ContextStream::Open(ContextSource::kSystemLog, logs, options);
  absl::Status status = stream.status();
  if (stream.ok()) {
    ContextHandlers<NoResult> handlers;
    handlers.in_order = [&](StreamedContext& item, NoResult&) {
      *out << WriteContextJson(item.conversion.context) << '\n';
    };
    handlers.on_malformed = progress.ReportMalformedAbove();
    handlers.on_warning = progress.ReportWarningAbove();
    status = (*stream)->Run(handlers);
  }
  progress.Finish();
  std::cerr << "contexts: " << TotalsText(stream.ok() ? (*stream)->totals() : ContextStreamTotals())
            << '\n';
  if (!status.ok()) {
    std::cerr << "error: --logs " << status.message() << '\n';
    return kExitUnusable;  // --out is left as it was
  }
  if (absl::Status written = file.Commit(); !written.ok()) {
    std::cerr << "error: --out " << written.message() << '\n';
    return kExitFailure;
  }
  return (*stream)->totals().malformed > 0 ? kExitBadContexts : kExitOk;
}

}  // namespace verdict::cli
