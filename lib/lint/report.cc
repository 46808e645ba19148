// The output forms of lint: JSON (docs/interfaces.md §6), SARIF 2.1.0, text,
// and reading a baseline back.
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "verdict/lint.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

using Json = nlohmann::json;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

struct CheckDoc {
  const char* code;
  const char* summary;
};

// Every code lint reports, in docs/lint.md order.
constexpr CheckDoc kChecks[] = {
    {"shadowed-rule",
     "An active rule that can never win: earlier rules of its policy match "
     "every context it matches."},
    {"unsatisfiable-rule", "A rule whose conditions can never hold together."},
    {"shadowed-policy",
     "An active policy no context reaches: higher-priority policies catch "
     "every context it applies to."},
    {"policy-unreachable", "A policy that applies to nobody (no group include, no app)."},
    {"missing-reference",
     "A zone, group, user, behavior, app, IdP or device assurance id the "
     "snapshot does not have."},
    {"inactive-zone-reference", "A condition lists an INACTIVE zone, which holds nobody."},
    {"priority-tie",
     "Two active rules of a policy, or two policies of a type, share a "
     "priority."},
    {"policy-fall-through", "Contexts the policy applies to that none of its rules matches."},
    {"weak-catch-all",
     "A catch-all rule allows with fewer factors than an earlier rule asks "
     "of the same people."},
    {"blocklist-exempt-overlap", "A blocklist zone lists addresses DefaultExemptIpZone exempts."},
    {"zone-overlap", "A zone of a network list lies inside another zone of the same list."},
    {"expression-unanalysable", "An Expression Language condition lint does not analyse."},
    {"no-mfa-for-admins",
     "An administrator (admins.json) can sign in with one factor: to the Okta "
     "Admin Console in an Identity Engine org, to Okta in a Classic org."},
};

Json WitnessJson(const LintFinding& f) {
  if (!f.witness) return nullptr;
  Json j = Json::parse(synth::ContextToJson(*f.witness), nullptr, false);
  if (j.is_discarded()) return nullptr;
  // ContextToJson leaves the types out; a witness names the one it is about.
  if (!f.witness->policy_types.empty()) {
    Json types = Json::array();
    for (PolicyType t : f.witness->policy_types) types.push_back(std::string(PolicyTypeName(t)));
    j["policyTypes"] = types;
  }
  return j;
}

Json FindingJson(const LintFinding& f) {
  Json j;
  j["code"] = f.code;
  j["level"] = std::string(LintLevelName(f.level));
  j["policyId"] = f.policy_id.empty() ? Json(nullptr) : Json(f.policy_id);
  j["ruleId"] = f.rule_id.empty() ? Json(nullptr) : Json(f.rule_id);
  if (!f.zone_id.empty()) j["zoneId"] = f.zone_id;
  j["file"] = f.file;
  j["pointer"] = f.pointer;
  j["message"] = f.message;
  j["witness"] = WitnessJson(f);
  if (!f.winner_rule_id.empty()) {
    j["winner"] = {{"policyId", f.winner_policy_id}, {"ruleId", f.winner_rule_id}};
  }
  return j;
}

std::string Dump(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string_view LintLevelName(LintLevel level) {
  switch (level) {
    case LintLevel::kNote:
      return "note";
    case LintLevel::kWarning:
      return "warning";
    case LintLevel::kError:
      return "error";
  }
  return "note";
}

std::optional<LintLevel> ParseLintLevel(std::string_view name) {
  if (name == "note") return LintLevel::kNote;
  if (name == "warning") return LintLevel::kWarning;
  if (name == "error") return LintLevel::kError;
  return std::nullopt;
}

std::string LintFinding::Fingerprint() const {
  return absl::StrCat(code, "|", policy_id, "|", rule_id, "|", zone_id, "|", file, "|", pointer);
}

std::string LintFindingToJson(const LintFinding& finding) { return Dump(FindingJson(finding), -1); }

std::string LintReportToJson(const std::vector<LintFinding>& findings) {
  Json out;
  out["findings"] = Json::array();
  std::map<std::string, int> by_code;
  int levels[3] = {0, 0, 0};
  for (const LintFinding& f : findings) {
    out["findings"].push_back(FindingJson(f));
    ++by_code[f.code];
    ++levels[static_cast<int>(f.level)];
  }
  out["summary"] = {{"findings", findings.size()},
                    {"errors", levels[2]},
                    {"warnings", levels[1]},
                    {"notes", levels[0]},
                    {"byCode", by_code}};
  return Dump(out, 2);
}

std::string LintReportToSarif(const std::vector<LintFinding>& findings,
                              std::string_view snapshot_dir) {
  std::string base(snapshot_dir);
  while (!base.empty() && base.back() == '/') base.pop_back();
  Json rules = Json::array();
  std::map<std::string, int> index;
  for (const CheckDoc& c : kChecks) {
    index[c.code] = static_cast<int>(rules.size());
    rules.push_back({{"id", c.code},
                     {"name", c.code},
                     {"shortDescription", {{"text", c.summary}}},
                     // SARIF's helpUri must be absolute; the docs travel with the tool.
                     {"help", {{"text", absl::StrCat("See docs/lint.md#", c.code)}}}});
  }
  Json results = Json::array();
  for (const LintFinding& f : findings) {
    Json r;
    r["ruleId"] = f.code;
    if (auto it = index.find(f.code); it != index.end()) r["ruleIndex"] = it->second;
    r["level"] = std::string(LintLevelName(f.level));
    r["message"] = {{"text", f.message}};
    Json location;
    location["physicalLocation"] = {
        {"artifactLocation", {{"uri", base.empty() ? f.file : absl::StrCat(base, "/", f.file)}}}};
    location["logicalLocations"] = Json::array(
        {{{"fullyQualifiedName", absl::StrCat(f.file, "#", f.pointer)}, {"kind", "object"}}});
    r["locations"] = Json::array({location});
    r["partialFingerprints"] = {{"verdictLint/v1", f.Fingerprint()}};
    Json props = {{"policyId", f.policy_id}, {"ruleId", f.rule_id}, {"pointer", f.pointer}};
    if (!f.zone_id.empty()) props["zoneId"] = f.zone_id;
    if (f.witness) props["witness"] = WitnessJson(f);
    r["properties"] = props;
    results.push_back(std::move(r));
  }
  Json sarif;
  sarif["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  sarif["version"] = "2.1.0";
  sarif["runs"] =
      Json::array({{{"tool", {{"driver", {{"name", "policy-sim lint"}, {"rules", rules}}}}},
                    {"results", results}}});
  return Dump(sarif, 2);
}

std::string LintReportToText(const std::vector<LintFinding>& findings) {
  std::string out;
  int levels[3] = {0, 0, 0};
  for (const LintFinding& f : findings) {
    ++levels[static_cast<int>(f.level)];
    absl::StrAppend(&out, Sv(LintLevelName(f.level)), " [", f.code, "] ", f.file,
                    f.pointer.empty() ? "" : ": ", f.pointer, "\n  ", f.message, "\n");
    if (f.witness) absl::StrAppend(&out, "  witness: ", Dump(WitnessJson(f), -1), "\n");
  }
  absl::StrAppend(&out, findings.size(), " findings: ", levels[2], " errors, ", levels[1],
                  " warnings, ", levels[0], " notes\n");
  return out;
}

absl::StatusOr<std::set<std::string>> ReadLintBaseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the baseline"));
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a lint JSON or SARIF report"));
  }
  std::set<std::string> out;
  auto str = [](const Json& o, const char* key) {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
  };
  if (j.contains("findings") && j["findings"].is_array()) {
    for (const Json& f : j["findings"]) {
      if (!f.is_object()) continue;
      LintFinding x;
      x.code = str(f, "code");
      x.policy_id = str(f, "policyId");
      x.rule_id = str(f, "ruleId");
      x.zone_id = str(f, "zoneId");
      x.file = str(f, "file");
      x.pointer = str(f, "pointer");
      out.insert(x.Fingerprint());
    }
    return out;
  }
  if (j.contains("runs") && j["runs"].is_array()) {
    for (const Json& run : j["runs"]) {
      if (!run.is_object() || !run.contains("results") || !run["results"].is_array()) continue;
      for (const Json& r : run["results"]) {
        if (r.is_object() && r.contains("partialFingerprints") &&
            r["partialFingerprints"].is_object()) {
          out.insert(str(r["partialFingerprints"], "verdictLint/v1"));
        }
      }
    }
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": neither \"findings\" nor \"runs\": not a lint report"));
}

}  // namespace verdict
