// verdict/enrollment.h: enrolled authenticators against a rule's
// verificationMethod and an enrollment policy's settings. Semantics and
// sources: docs/semantics.md, "Can the user satisfy the rule?".
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "lib/eval/json_text.h"
#include "verdict/authenticators.h"
#include "verdict/enrollment.h"

namespace verdict {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(Av(a), Av(b));
}

// The authenticator methods `enrolled` gives the user ("key": every method of
// the key), unknown names left out.
std::vector<const AuthenticatorMethodTraits*> EnrolledMethods(
    absl::Span<const std::string> enrolled) {
  std::vector<const AuthenticatorMethodTraits*> out;
  for (const std::string& e : enrolled) {
    const EnrollmentName name = SplitEnrollment(e);
    for (const AuthenticatorMethodTraits& m : MethodsOfAuthenticator(name.key)) {
      if (!name.method.empty() && m.method != name.method) continue;
      if (std::find(out.begin(), out.end(), &m) == out.end()) out.push_back(&m);
    }
  }
  return out;
}

bool RefNames(const AuthenticationMethodRef& ref, const AuthenticatorMethodTraits& m) {
  return EqualsIgnoreCase(ref.key, m.key) &&
         (ref.method.empty() || EqualsIgnoreCase(ref.method, m.method)) &&
         (!ref.user_verification_required || m.user_verification);
}

bool AnyRefNames(const std::vector<AuthenticationMethodRef>& refs,
                 const AuthenticatorMethodTraits& m) {
  return std::any_of(refs.begin(), refs.end(),
                     [&](const AuthenticationMethodRef& r) { return RefNames(r, m); });
}

bool ListHolds(const std::vector<std::string>& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return EqualsIgnoreCase(s, value); });
}

// A possession characteristic the constraint demands: "REQUIRED", or absent
// where Okta's default is REQUIRED (userPresence, SPEC#PossessionConstraint).
bool Demands(const std::string& value, bool required_by_default) {
  return value == "REQUIRED" || (value.empty() && required_by_default);
}

// Whether method `m` can verify factor class `cls` under `fc` (the
// constraint object's part for that class, or null: no restriction).
bool MethodMeets(const AuthenticatorMethodTraits& m, uint8_t cls, const FactorConstraint* fc) {
  if ((m.classes & cls) == 0) return false;
  if (fc == nullptr) return true;
  if (!fc->types.empty() && !ListHolds(fc->types, m.type)) return false;
  if (!fc->methods.empty() && !ListHolds(fc->methods, m.method)) return false;
  if (!fc->authentication_methods.empty() && !AnyRefNames(fc->authentication_methods, m)) {
    return false;
  }
  if (cls != kPossessionClass) return true;
  return (!Demands(fc->phishing_resistant, false) || m.phishing_resistant) &&
         (!Demands(fc->hardware_protection, false) || m.hardware_protection) &&
         (!Demands(fc->device_bound, false) || m.device_bound) &&
         (!Demands(fc->user_presence, true) || m.user_presence) &&
         (!Demands(fc->user_verification, false) || m.user_verification);
}

// "possession+phishingResistant+deviceBound": the class and what the
// constraint demands of it beyond Okta's defaults.
std::string Describe(uint8_t cls, const FactorConstraint* fc) {
  std::string out(FactorClassName(cls));
  if (cls != kPossessionClass || fc == nullptr) return out;
  const std::pair<const std::string*, std::string_view> named[] = {
      {&fc->phishing_resistant, "phishingResistant"},
      {&fc->hardware_protection, "hardwareProtection"},
      {&fc->device_bound, "deviceBound"},
      {&fc->user_presence, "userPresence"},
      {&fc->user_verification, "userVerification"}};
  for (const auto& [value, name] : named) {
    if (*value == "REQUIRED") out.append("+").append(name);
  }
  return out;
}

constexpr uint8_t kClasses[] = {kKnowledgeClass, kPossessionClass, kInherenceClass};

// What one constraint object lacks for a user with `methods` (empty:
// satisfied), `factors` classes being needed (1FA: 1, 2FA: 2).
std::vector<std::string> ConstraintMisses(
    const AssuranceConstraint& constraint, int factors,
    const std::vector<const AuthenticatorMethodTraits*>& methods) {
  const FactorConstraint* knowledge = constraint.knowledge ? &*constraint.knowledge : nullptr;
  const FactorConstraint* possession = constraint.possession ? &*constraint.possession : nullptr;
  // Excluded methods are gone whatever class they would verify.
  std::vector<const AuthenticatorMethodTraits*> usable;
  for (const AuthenticatorMethodTraits* m : methods) {
    const bool excluded =
        (knowledge != nullptr && AnyRefNames(knowledge->excluded_authentication_methods, *m)) ||
        (possession != nullptr && AnyRefNames(possession->excluded_authentication_methods, *m));
    if (!excluded) usable.push_back(m);
  }
  std::vector<std::string> missing;
  int covered = 0;  // classes the user can verify, or must and cannot (listed)
  std::vector<uint8_t> open;
  for (const uint8_t cls : kClasses) {
    const FactorConstraint* fc = cls == kKnowledgeClass    ? knowledge
                                 : cls == kPossessionClass ? possession
                                                           : nullptr;
    const bool can = std::any_of(usable.begin(), usable.end(),
                                 [&](const auto* m) { return MethodMeets(*m, cls, fc); });
    const bool required = fc != nullptr && fc->required;
    if (can) {
      ++covered;
    } else if (required) {
      ++covered;
      missing.push_back(Describe(cls, fc));
    } else {
      open.push_back(cls);
    }
  }
  if (covered < factors && !open.empty()) {
    std::vector<absl::string_view> names;
    for (const uint8_t cls : open) names.push_back(Av(FactorClassName(cls)));
    const std::string any = absl::StrJoin(names, "|");
    for (int i = covered; i < factors; ++i) missing.push_back(any);
  }
  return missing;
}

bool ChainHolds(const AuthMethodChain& chain,
                const std::vector<const AuthenticatorMethodTraits*>& methods) {
  const bool link = std::any_of(methods.begin(), methods.end(),
                                [&](const auto* m) { return AnyRefNames(chain.methods, *m); });
  if (!link) return false;
  if (chain.next.empty()) return true;
  return std::any_of(chain.next.begin(), chain.next.end(),
                     [&](const AuthMethodChain& next) { return ChainHolds(next, methods); });
}

// The first link of `chain` (following each first `next`) the user cannot
// complete, as its methods joined by '|'.
std::string FirstBrokenLink(const AuthMethodChain& chain,
                            const std::vector<const AuthenticatorMethodTraits*>& methods) {
  const AuthMethodChain* link = &chain;
  while (std::any_of(methods.begin(), methods.end(),
                     [&](const auto* m) { return AnyRefNames(link->methods, *m); }) &&
         !link->next.empty()) {
    link = &link->next.front();
  }
  std::vector<std::string> names;
  for (const AuthenticationMethodRef& ref : link->methods) {
    names.push_back(ref.method.empty() ? ref.key : ref.key + ":" + ref.method);
  }
  return absl::StrJoin(names, "|");
}

bool Enrolled(absl::Span<const std::string> enrolled, std::string_view key) {
  return std::any_of(enrolled.begin(), enrolled.end(), [&](const std::string& e) {
    return EqualsIgnoreCase(SplitEnrollment(e).key, key);
  });
}

void AppendStringArray(const std::vector<std::string>& values, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->append(", ");
    eval_internal::AppendJsonQuoted(values[i], out);
  }
  out->push_back(']');
}

}  // namespace

const std::vector<std::string>* KnownEnrollments(const Snapshot& snapshot,
                                                 const SignOnContext& context) {
  if (context.authenticators.has_value()) return &*context.authenticators;
  if (context.user.id.empty()) return nullptr;
  const auto it = snapshot.user_factors.find(context.user.id);
  return it == snapshot.user_factors.end() ? nullptr : &it->second;
}

std::optional<SatisfactionReport> CheckAppSignOn(const AppSignOnAction& action,
                                                 absl::Span<const std::string> enrolled) {
  if (!action.has_verification_method) return std::nullopt;
  const std::string& type = action.verification_method_type;
  const std::vector<const AuthenticatorMethodTraits*> methods = EnrolledMethods(enrolled);
  SatisfactionReport report;
  if (type == "AUTH_METHOD_CHAIN") {
    if (action.chains.empty()) return std::nullopt;
    report.satisfiable =
        std::any_of(action.chains.begin(), action.chains.end(),
                    [&](const AuthMethodChain& c) { return ChainHolds(c, methods); });
    if (!report.satisfiable)
      report.missing.push_back(FirstBrokenLink(action.chains.front(), methods));
    return report;
  }
  if (!type.empty() && type != "ASSURANCE") return std::nullopt;
  const int factors = action.factor_mode == "1FA" ? 1 : 2;
  // No constraint objects: any `factors` classes will do.
  const AssuranceConstraint none;
  const absl::Span<const AssuranceConstraint> constraints =
      action.constraints.empty() ? absl::MakeConstSpan(&none, 1)
                                 : absl::MakeConstSpan(action.constraints);
  std::optional<std::vector<std::string>> closest;
  for (const AssuranceConstraint& c : constraints) {
    std::vector<std::string> missing = ConstraintMisses(c, factors, methods);
    if (missing.empty()) {
      report.satisfiable = true;
      return report;
    }
    if (!closest.has_value() || missing.size() < closest->size()) closest = std::move(missing);
  }
  report.missing = std::move(*closest);
  return report;
}

std::optional<EnrollmentPolicyReport> CheckEnrollmentPolicy(
    const Policy& policy, absl::Span<const std::string> enrolled) {
  if (policy.enrollment_settings.empty()) return std::nullopt;
  EnrollmentPolicyReport report;
  for (const EnrollmentSetting& s : policy.enrollment_settings) {
    const bool has = Enrolled(enrolled, s.key);
    if (s.self == "REQUIRED" && !has) report.missing_required.push_back(s.key);
    if (s.self == "NOT_ALLOWED" && has) report.enrolled_not_allowed.push_back(s.key);
  }
  return report;
}

void AppendEnrollmentKeys(const Snapshot& snapshot, const SignOnContext& context,
                          const Decision& decision, std::string* out) {
  if (decision.blocked || decision.rule == nullptr || decision.policy == nullptr) return;
  if (decision.type == PolicyType::kAccessPolicy) {
    const AppSignOnAction* action = decision.app_sign_on();
    if (action == nullptr || action->access != Access::kAllow) return;
    const std::vector<std::string>* enrolled = KnownEnrollments(snapshot, context);
    if (enrolled == nullptr) return;
    const std::optional<SatisfactionReport> report = CheckAppSignOn(*action, *enrolled);
    if (!report.has_value()) return;
    out->append(report->satisfiable ? ", \"satisfiable\": true" : ", \"satisfiable\": false");
    out->append(", \"missing\": ");
    AppendStringArray(report->missing, out);
  } else if (decision.type == PolicyType::kMfaEnroll) {
    const std::vector<std::string>* enrolled = KnownEnrollments(snapshot, context);
    if (enrolled == nullptr) return;
    const std::optional<EnrollmentPolicyReport> report =
        CheckEnrollmentPolicy(*decision.policy, *enrolled);
    if (!report.has_value()) return;
    out->append(", \"missingRequired\": ");
    AppendStringArray(report->missing_required, out);
    out->append(", \"enrolledNotAllowed\": ");
    AppendStringArray(report->enrolled_not_allowed, out);
  }
}

}  // namespace verdict
