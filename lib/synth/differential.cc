#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "verdict/engine.h"
#include "verdict/enrollment.h"
#include "verdict/reference_evaluator.h"
#include "verdict/synth.h"

namespace verdict::synth {
namespace {

constexpr PolicyType kTypes[] = {PolicyType::kOktaSignOn, PolicyType::kPassword,
                                 PolicyType::kMfaEnroll, PolicyType::kAccessPolicy,
                                 PolicyType::kIdpDiscovery};

// True when the disagreement shows on `org` too.
bool Disagrees(const Snapshot& org, const SignOnContext& ctx, PolicyType type) {
  absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = Compile(org);
  if (!set.ok()) return true;
  const Decision want = ReferenceEvaluator((*set)->snapshot()).Evaluate(ctx, type);
  return !((*set)->Evaluate(ctx, type) == want);
}

Mismatch MakeMismatch(const Snapshot& org, const SignOnContext& ctx, PolicyType type,
                      const Decision& want, const Decision& got) {
  Mismatch m;
  m.type = type;
  m.reference = DecisionText(want);
  m.compiled = DecisionText(got);
  m.context = ctx;
  // Shrink to the policies the two answers name; else to the policies of
  // the type; else keep everything.
  std::vector<std::string> ids;
  if (want.policy != nullptr) ids.push_back(want.policy->id);
  if (got.policy != nullptr) ids.push_back(got.policy->id);
  std::vector<std::vector<std::string>> attempts;
  attempts.push_back(ids);
  std::vector<std::string> of_type;
  for (const Policy& p : org.policies) {
    if (p.type == type) of_type.push_back(p.id);
  }
  attempts.push_back(of_type);
  for (const auto& attempt : attempts) {
    Snapshot shrunk = ShrinkOrg(org, attempt, ctx);
    if (Disagrees(shrunk, ctx, type)) {
      m.org = std::move(shrunk);
      return m;
    }
  }
  m.org = org;
  return m;
}

}  // namespace

std::string DecisionText(const Decision& d) {
  std::string out = std::string(PolicyTypeName(d.type));
  if (d.blocked) {
    absl::StrAppend(&out, " blocked by ", d.blocking_zone ? d.blocking_zone->id : "?");
  } else if (d.policy == nullptr) {
    absl::StrAppend(&out, " no decision");
  } else {
    absl::StrAppend(&out, " policy ", d.policy->id, " rule ", d.rule ? d.rule->id : "-");
  }
  absl::StrAppend(&out, " outcome ", std::string(OutcomeName(d.outcome)));
  return out;
}

std::string Mismatch::ToText() const {
  return absl::StrCat("type: ", std::string(PolicyTypeName(type)), "\nreference: ", reference,
                      "\ncompiled:  ", compiled, "\ncontext: ", ContextToJson(context),
                      "\nsnapshot: ", SnapshotToJson(org), "\n");
}

OrgOptions DifferentialOrgOptions(uint64_t seed, int64_t index) {
  OrgOptions o;
  o.seed = seed * 1000003 + static_cast<uint64_t>(index);
  switch (index % 5) {
    case 0:  // tiny
      o.policies = 3, o.rules_per_policy = 2, o.zones = 5, o.cidrs = 8, o.groups = 3;
      break;
    case 1:  // the fixture's size
      o.policies = 8, o.rules_per_policy = 3, o.zones = 10, o.cidrs = 30, o.groups = 8;
      break;
    case 2:
      o.policies = 25, o.rules_per_policy = 4, o.zones = 24, o.cidrs = 200, o.groups = 20;
      break;
    case 3:  // rare conditions everywhere
      o.policies = 15, o.rules_per_policy = 5, o.zones = 16, o.cidrs = 80, o.groups = 6;
      o.rare_condition_percent = 40;
      break;
    default:  // a larger org, more than 64 rules per type
      o.policies = 90, o.rules_per_policy = 5, o.zones = 60, o.cidrs = 1500, o.groups = 40;
      break;
  }
  return o;
}

DiffReport RunDifferential(int64_t comparisons, uint64_t seed, int max_mismatches,
                           int contexts_per_org) {
  DiffReport report;
  for (int64_t index = 0; report.comparisons < comparisons; ++index) {
    const Snapshot org = GenerateOrg(DifferentialOrgOptions(seed, index));
    absl::StatusOr<std::shared_ptr<const CompiledPolicySet>> set = Compile(org);
    ++report.orgs;
    if (!set.ok()) {
      Mismatch m;
      m.reference = "compiles";
      m.compiled = std::string(set.status().message());
      m.org = org;
      report.mismatches.push_back(std::move(m));
      return report;
    }
    const Snapshot& compiled_org = (*set)->snapshot();
    const ReferenceEvaluator reference(compiled_org);
    const int64_t left = (comparisons - report.comparisons + 4) / 5;
    const int count =
        static_cast<int>(std::min<int64_t>(contexts_per_org, std::max<int64_t>(left, 1)));
    std::vector<SignOnContext> contexts =
        GenerateContexts(compiled_org, count, seed * 7919 + static_cast<uint64_t>(index));
    // One context in eight gives its zones by id, as Okta's simulation does.
    for (size_t i = 0; i < contexts.size(); i += 8) {
      ToZoneForm(compiled_org, seed * 31 + static_cast<uint64_t>(index) * 1009 + i, &contexts[i]);
    }
    std::string want_keys, got_keys;
    for (const SignOnContext& ctx : contexts) {
      for (PolicyType type : kTypes) {
        const Decision want = reference.Evaluate(ctx, type);
        const Decision got = (*set)->Evaluate(ctx, type);
        ++report.comparisons;
        if (want.blocked) ++report.blocked;
        if (want.rule != nullptr) ++report.decided;
        if (got == want) {
          // What eval prints beside the decision (verdict/enrollment.h) is a
          // function of it: the same for both engines' answers.
          want_keys.clear();
          got_keys.clear();
          AppendEnrollmentKeys(compiled_org, ctx, want, &want_keys);
          AppendEnrollmentKeys(compiled_org, ctx, got, &got_keys);
          if (!want_keys.empty()) ++report.enrollment_reports;
          if (want_keys == got_keys) continue;
          Mismatch m = MakeMismatch(compiled_org, ctx, type, want, got);
          m.reference += want_keys;
          m.compiled += got_keys;
          report.mismatches.push_back(std::move(m));
          if (static_cast<int>(report.mismatches.size()) >= max_mismatches) return report;
          continue;
        }
        report.mismatches.push_back(MakeMismatch(compiled_org, ctx, type, want, got));
        if (static_cast<int>(report.mismatches.size()) >= max_mismatches) return report;
      }
    }
  }
  return report;
}

}  // namespace verdict::synth
