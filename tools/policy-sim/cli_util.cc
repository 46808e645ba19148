#include "tools/policy-sim/cli_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "verdict/decision_reasons.h"

namespace verdict::cli {

absl::Status LineReader::Open(const std::string& path) {
  line_number_ = 0;
  if (path == "-") {
    in_ = &std::cin;
    is_stdin_ = true;
    return absl::OkStatus();
  }
  name_ = path;
  // An ifstream opens a directory and then reads nothing from it.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory"));
  }
  file_.open(path, std::ios::in | std::ios::binary);
  if (!file_.is_open()) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  in_ = &file_;
  return absl::OkStatus();
}

bool LineReader::Next(std::string* line) {
  if (in_ == nullptr || !std::getline(*in_, *line)) return false;
  bytes_ += line->size() + 1;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  ++line_number_;
  return true;
}

absl::Status LineReader::status() const {
  if (in_ == nullptr || !in_->bad()) return absl::OkStatus();
  // As ContextStream words it (eval --jobs N prints the same bytes).
  return absl::DataLossError(absl::StrCat(is_stdin_ ? "<stdin>" : name_, ": read error after ",
                                          bytes_, " bytes (line ", line_number_, ")"));
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(Sv(text), ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

std::string JsonQuote(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Display width: UTF-8 continuation bytes do not take a column.
size_t Width(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void PrintRow(std::ostream& out, const std::vector<std::string>& cells,
              const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    line += cells[c];
    if (c + 1 < cells.size()) line.append(widths[c] - Width(cells[c]) + 2, ' ');
  }
  out << line << '\n';
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> cells, std::string below) {
  cells.resize(header_.size());
  entries_.push_back({std::move(cells), std::move(below)});
}

void TextTable::AddText(std::string text) { entries_.push_back({{}, std::move(text)}); }

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = Width(header_[c]);
  for (const Entry& e : entries_) {
    for (size_t c = 0; c < e.cells.size(); ++c) widths[c] = std::max(widths[c], Width(e.cells[c]));
  }
  PrintRow(out, header_, widths);
  std::vector<std::string> rule(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) {
    for (size_t k = 0; k < widths[c]; ++k) rule[c] += "─";
  }
  PrintRow(out, rule, widths);
  for (const Entry& e : entries_) {
    if (!e.cells.empty()) PrintRow(out, e.cells, widths);
    if (!e.below.empty()) {
      out << e.below;
      if (e.below.back() != '\n') out << '\n';
    }
  }
}

// ---------------------------------------------------------------- replay, diff, test, explain

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void BufferStreamsUnlessTerminals() {
  constexpr size_t kBufferBytes = 64 * 1024;
  if (!StdoutIsTerminal()) std::setvbuf(stdout, nullptr, _IOFBF, kBufferBytes);
  if (!StderrIsTerminal()) {
    std::setvbuf(stderr, nullptr, _IOFBF, kBufferBytes);
    std::cerr.unsetf(std::ios::unitbuf);
  }
}

bool PrintIssues(const IssueList& issues, std::string_view prefix) {
  bool ok = true;
  for (const Issue& issue : issues) {
    std::cerr << (issue.is_error() ? "error: " : "warning: ") << prefix << issue.ToString() << '\n';
    if (issue.is_error()) ok = false;
  }
  return ok;
}

std::shared_ptr<const CompiledPolicySet> LoadSnapshotOrReport(const std::string& directory,
                                                              std::string_view prefix,
                                                              bool strict) {
  IssueList issues;
  LoadOptions options;
  options.warnings_as_errors = strict;
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set =
      LoadAndCompile(directory, &issues, options);
  const bool issues_ok = PrintIssues(issues, prefix);
  if (!set.ok()) {
    if (issues_ok) std::cerr << "error: " << prefix << set.status().message() << '\n';
    return nullptr;
  }
  return *std::move(set);
}

std::string WithStrictHelp(std::string_view usage) {
  return absl::StrReplaceAll(Sv(usage), {{"{strict}", kStrictHelp}});
}

void PrintContextWarnings(const IssueList& warnings, std::string_view source,
                          std::string_view where) {
  for (const Issue& w : warnings) {
    ReportWarning({source, where, w.code, w.pointer, w.message});
  }
}

void ReportWarning(const InputWarning& warning) {
  // One write per line: std::cerr is unbuffered, and a file of contexts that
  // all name an unknown group would otherwise cost a system call per piece.
  std::string line = absl::StrCat("warning: ", Sv(warning.source), ": ", Sv(warning.where), ": ");
  if (!warning.pointer.empty()) absl::StrAppend(&line, Sv(warning.pointer), ": ");
  absl::StrAppend(&line, Sv(warning.message), "\n");
  std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
}

bool LoadMembershipsOrReport(const std::string& path, MembershipMap* out) {
  if (path.empty()) return true;
  absl::StatusOr<MembershipMap> loaded = LoadMemberships(path);
  if (!loaded.ok()) {
    std::cerr << "error: --memberships: " << loaded.status().message() << '\n';
    return false;
  }
  *out = *std::move(loaded);
  return true;
}

std::string TotalsText(const ContextStreamTotals& totals) {
  std::string out =
      absl::StrCat("read ", totals.read, ": ", totals.contexts, " evaluated, ", totals.skipped,
                   " skipped (not sign-on events), ", totals.malformed, " malformed");
  if (totals.without_memberships > 0) {
    absl::StrAppend(&out, "; ", totals.without_memberships,
                    " evaluated without group memberships (group conditions cannot match)");
  }
  return out;
}

void ReportMalformed(const MalformedInput& malformed) {
  const std::string line = absl::StrCat("error: ", Sv(malformed.source), ": ", Sv(malformed.where),
                                        ": ", Sv(malformed.message), " (skipped)\n");
  std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
}

AtomicOutputFile::~AtomicOutputFile() {
  if (!temp_path_.empty() && !committed_) {
    file_.close();
    std::remove(temp_path_.c_str());
  }
}

absl::Status AtomicOutputFile::Open(const std::string& target) {
  target_ = target;
  if (target == "-") return absl::OkStatus();
  std::string pattern = target + ".tmp-XXXXXX";
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat(EscapeControlCharacters(target),
                     ": cannot create a file beside it: ", std::strerror(errno)));
  }
  // mkstemp makes the file 0600; give it the mode a plain create would.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  close(fd);
  temp_path_ = pattern;
  file_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!file_) {
    std::remove(temp_path_.c_str());
    temp_path_.clear();
    return absl::UnavailableError(
        absl::StrCat(EscapeControlCharacters(target), ": cannot open for writing"));
  }
  return absl::OkStatus();
}

absl::Status AtomicOutputFile::Commit() {
  if (temp_path_.empty()) {
    std::cout.flush();
    if (!std::cout) return absl::DataLossError("writing to stdout failed");
    return absl::OkStatus();
  }
  file_.close();
  if (!file_) {
    return absl::DataLossError(
        absl::StrCat("writing ", EscapeControlCharacters(target_), " failed (left as it was)"));
  }
  if (std::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    return absl::DataLossError(absl::StrCat("cannot replace ", EscapeControlCharacters(target_),
                                            ": ", std::strerror(errno)));
  }
  committed_ = true;
  return absl::OkStatus();
}

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ProgressLine::ProgressLine(std::string label)
    : label_(std::move(label)), enabled_(StderrIsTerminal()), start_ns_(NowNs()) {}

ProgressLine::~ProgressLine() { Finish(); }

void ProgressLine::Update(const ContextStreamProgress& progress) {
  if (!enabled_ || finished_) return;
  const int64_t now = NowNs();
  if (now - last_ns_ < 100'000'000) return;
  last_ns_ = now;
  const double seconds = static_cast<double>(now - start_ns_) / 1e9;
  const double rate = seconds > 0 ? static_cast<double>(progress.items_read) / seconds : 0;
  std::string line = absl::StrCat("\r", label_, ": ", progress.items_read, " events, ",
                                  static_cast<int64_t>(rate), " events/s");
  const uint64_t total = progress.total_bytes;
  const uint64_t done = progress.bytes_read;
  if (total > 0 && done > 0 && done <= total) {
    const double fraction = static_cast<double>(done) / static_cast<double>(total);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    const double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    absl::StrAppend(&line, " [", std::string(filled, '#'), std::string(kWidth - filled, ' '), "] ",
                    static_cast<int>(fraction * 100), "% ETA ", static_cast<int64_t>(eta), "s");
  }
  absl::StrAppend(&line, "\033[K");
  std::cerr << line << std::flush;
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  drawn_ = false;
  std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Clear();
}

std::string MissingMembershipsError(uint64_t contexts_without_memberships,
                                    const std::vector<const CompiledPolicySet*>& sets,
                                    bool assume_no_groups) {
  if (contexts_without_memberships == 0 || assume_no_groups) return "";
  std::vector<std::string> readers;
  size_t total = 0;
  for (const CompiledPolicySet* set : sets) {
    for (const SnapshotLocation& where : set->GroupMembershipReaders()) {
      ++total;
      if (readers.size() < 3) readers.push_back(absl::StrCat(where.file, " ", where.pointer));
    }
  }
  if (total == 0) return "";
  return absl::StrCat(
      contexts_without_memberships,
      " context(s) have no group memberships, and the snapshot's conditions read them (",
      absl::StrJoin(readers, ", "), total > readers.size() ? ", ..." : "",
      "): their decisions cannot be trusted. Give --memberships FILE (user id or login -> "
      "group ids; policy-sim logs pull --with-memberships FILE writes it), or the snapshot's "
      "users/<id>/groups.json (policy-sim pull --with-memberships LOGS), or --assume-no-groups "
      "to decide them as users in no group but Everyone");
}

std::string FirstConditionThatDiffers(const CompiledPolicySet& set,
                                      const ReferenceEvaluator& details,
                                      const SignOnContext& context, PolicyType type,
                                      std::string_view policy_id, std::string_view rule_id) {
  const std::vector<const Policy*>& policies = set.snapshot().PoliciesOfType(type);
  auto find_rule = [&](const Policy& p) -> const Rule* {
    for (const Rule& r : p.rules) {
      if (r.id == rule_id) return &r;
    }
    return nullptr;
  };
  // The recorded policy, or (its id unknown) the one that holds the rule.
  const Policy* recorded = nullptr;
  for (const Policy* p : policies) {
    if (!policy_id.empty() ? p->id == policy_id : !rule_id.empty() && find_rule(*p) != nullptr) {
      recorded = p;
      break;
    }
  }
  if (recorded == nullptr) return "";

  DecisionReasons reasons = ReasonsBufferFor(set.snapshot());  // no item dropped
  const Decision decision = set.Evaluate(context, type, &reasons);

  // The first verdict with `matched` as asked, as "<condition> does not
  // hold: <detail>" (or "<condition>: <detail>" for one that held).
  auto first_verdict = [](const std::vector<ConditionVerdict>& verdicts, bool matched) {
    for (const ConditionVerdict& v : verdicts) {
      if (v.matched != matched) continue;
      const absl::string_view what = matched ? "" : " does not hold";
      return v.detail.empty() ? absl::StrCat(v.condition, what)
                              : absl::StrCat(v.condition, what, ": ", v.detail);
    }
    return std::string();
  };
  auto rule_text = [](const Rule& r) { return absl::StrCat("rule ", r.name, " (", r.id, ")"); };
  auto policy_text = [](const Policy& p) {
    return absl::StrCat("policy ", p.name, " (", p.id, ")");
  };
  // A rule the engine walked past: inactive, or its first failed condition.
  auto failed_rule = [&](const Rule& r) {
    if (!r.active) return absl::StrCat(rule_text(r), ": rule is INACTIVE");
    std::vector<ConditionVerdict> verdicts;
    details.RuleConditionsHold(context, r, &verdicts);
    const std::string why = first_verdict(verdicts, false);
    return absl::StrCat(rule_text(r), ": ", why.empty() ? "does not match" : why);
  };

  if (!reasons.walked) {
    if (decision.blocked) {
      return absl::StrCat("not reached: zone ", decision.blocking_zone->name, " (",
                          decision.blocking_zone->id, ") blocks the client first");
    }
    return absl::StrCat("not reached: no ", Sv(PolicyTypeName(type)),
                        " policy is evaluated for this context");
  }
  for (const PassedOverPolicy& p : reasons.passed_over) {
    if (p.policy != recorded) continue;
    switch (p.why) {
      case PassOver::kInactive:
        return absl::StrCat(policy_text(*recorded), ": policy is INACTIVE");
      case PassOver::kNoActiveRules:
        return absl::StrCat(policy_text(*recorded), ": policy has no active rules");
      case PassOver::kNotApplicable: {
        std::vector<ConditionVerdict> verdicts;
        details.PolicyApplies(context, *recorded, &verdicts);
        const std::string why = first_verdict(verdicts, false);
        return absl::StrCat(policy_text(*recorded), ": ", why.empty() ? "does not apply" : why);
      }
      case PassOver::kNoRuleMatched: {
        if (rule_id.empty()) {
          return absl::StrCat(policy_text(*recorded), ": applies, but none of its rules matches");
        }
        const Rule* r = find_rule(*recorded);
        if (r == nullptr) {
          return absl::StrCat(policy_text(*recorded), ": has no rule ", Sv(rule_id),
                              " in this snapshot");
        }
        return failed_rule(*r);
      }
    }
  }
  if (decision.policy == recorded) {
    if (rule_id.empty()) return absl::StrCat(policy_text(*recorded), ": applies");
    const Rule* r = find_rule(*recorded);
    if (r == nullptr) {
      return absl::StrCat(policy_text(*recorded), ": has no rule ", Sv(rule_id),
                          " in this snapshot");
    }
    if (r == decision.rule) return absl::StrCat(rule_text(*r), ": every condition holds");
    for (const FailedRule& f : reasons.rules_before_winner) {
      if (f.rule == r) return failed_rule(*r);
    }
    return absl::StrCat("not reached: ", rule_text(*decision.rule),
                        " comes first in this policy and matches here");
  }
  if (decision.policy == nullptr) return "";  // not reached: every policy is passed over
  // After the policy that decided: what differs is among that policy's
  // conditions, which held here.
  std::vector<ConditionVerdict> verdicts;
  details.PolicyApplies(context, *decision.policy, &verdicts);
  const std::string held = first_verdict(verdicts, true);
  return absl::StrCat("not reached: ", policy_text(*decision.policy),
                      " comes first and applies here",
                      held.empty() ? "" : absl::StrCat(" (", held, ")"));
}

std::optional<int> PermissivenessRank(const Decision& decision) {
  if (decision.blocked) return 0;
  switch (decision.outcome) {
    case Outcome::kDeny:
      return 0;
    case Outcome::kChallenge:
      return 1;
    case Outcome::kAllow:
      return 2;
    case Outcome::kNone:
      break;
  }
  return std::nullopt;
}

std::string DescribeDecision(const Decision& decision) {
  if (decision.blocked) {
    if (decision.blocking_zone == nullptr) return "blocked";
    return absl::StrCat("blocked by zone ", decision.blocking_zone->name, " (",
                        decision.blocking_zone->id, ")");
  }
  if (decision.policy == nullptr) return "no matching policy";
  std::string out = absl::StrCat(decision.policy->name, " (", decision.policy->id, ") / ");
  if (decision.rule == nullptr) {
    absl::StrAppend(&out, "no matching rule");
  } else {
    absl::StrAppend(&out, decision.rule->name, " (", decision.rule->id, ")");
  }
  const std::string_view outcome = OutcomeName(decision.outcome);
  if (!outcome.empty()) absl::StrAppend(&out, " / ", Sv(outcome));
  return out;
}

}  // namespace verdict::cli
