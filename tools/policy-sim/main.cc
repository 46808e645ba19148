// policy-sim: the command-line face of Verdict. This file only dispatches;
// each subcommand lives in its own file.
#include <iostream>
#include <string>
#include <vector>

#include "tools/policy-sim/cli_util.h"
#include "tools/policy-sim/contexts.h"
#include "tools/policy-sim/diff.h"
#include "tools/policy-sim/eval.h"
#include "tools/policy-sim/explain.h"
#include "tools/policy-sim/lint.h"
#include "tools/policy-sim/pull.h"
#include "tools/policy-sim/replay.h"
#include "tools/policy-sim/serve.h"
#include "tools/policy-sim/synth.h"
#include "tools/policy-sim/test_suite.h"

#ifndef VERDICT_VERSION_STRING
#error "VERDICT_VERSION_STRING is defined by CMakeLists.txt from project(VERSION)"
#endif

namespace {

constexpr char kUsage[] =
    "usage: policy-sim <command> [options]\n"
    "\n"
    "Evaluates Okta policies offline, against a snapshot of an org's policies.\n"
    "\n"
    "commands:\n"
    "  eval    decide which policy and rule apply to each sign-on context\n"
    "  pull    snapshot a live org through the Management API\n"
    "  logs pull  append System Log events to a JSON Lines file (resumable),\n"
    "             and the memberships of their users (--with-memberships)\n"
    "  synth   write a synthetic org snapshot (and contexts) of any size\n"
    "  selftest  check the compiled engine against the reference evaluator\n"
    "  contexts  turn System Log sign-on events into contexts (JSON Lines)\n"
    "  replay  evaluate recorded sign-ons and compare with what Okta decided\n"
    "  diff    decisions that change between two snapshots (CI gate)\n"
    "  test    run a regression suite of named cases\n"
    "  explain  the full trace for one context\n"
    "  serve   answer over HTTP: Okta's policy simulation, decisions, forward auth\n"
    "  lint    shadowed, unsatisfiable and dangerous rules, dangling references\n"
    "\n"
    "Run 'policy-sim <command> --help' for the options of a command, and\n"
    "'policy-sim --version' for the version. docs/cli.md documents every\n"
    "command; docs/interfaces.md the formats they read and write.\n";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return verdict::cli::kExitUnusable;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return verdict::cli::kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << "policy-sim " << VERDICT_VERSION_STRING << "\n";
    return verdict::cli::kExitOk;
  }
  if (command == "eval") return verdict::cli::RunEval(args);
  if (command == "synth") return verdict::cli::RunSynth(args);
  if (command == "selftest") return verdict::cli::RunSelftest(args);
  if (command == "contexts") return verdict::cli::RunContexts(args);
  if (command == "replay") return verdict::cli::RunReplay(args);
  if (command == "diff") return verdict::cli::RunDiff(args);
  if (command == "test") return verdict::cli::RunTestSuite(args);
  if (command == "explain") return verdict::cli::RunExplain(args);
  if (command == "serve") return verdict::cli::RunServe(args);
  if (command == "lint") return verdict::cli::RunLint(args);
  if (command == "pull") return verdict::cli::RunPull(args);
  if (command == "logs" && !args.empty() && args.front() == "pull") {
    return verdict::cli::RunLogsPull(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  std::cerr << "error: unknown command '" << command << "'\n\n" << kUsage;
  return verdict::cli::kExitUnusable;
}
