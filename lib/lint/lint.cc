// `policy-sim lint`: the checks of docs/lint.md over one snapshot.
//
// The reachability checks (shadowed-rule, unsatisfiable-rule,
// shadowed-policy, policy-fall-through, weak-catch-all) run per policy type
// on the condition space of lib/lint/space.h. Each rule and policy becomes two
// unions of boxes: `over` (a condition lint does not model counts as true)
// and `under` (it counts as false). A negative claim ("no context reaches
// this") asks whether the over-approximation is covered by the
// under-approximations of what comes first; a positive claim ("this context
// falls through") searches the under-approximation outside the
// over-approximations. Either way an unknown condition can only hide a
// finding, never make one. Every claim's witness is then evaluated with the
// reference evaluator and the finding dropped if it does not show what it
// says.
#include "verdict/lint.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/compile/condition_kinds.h"
#include "lib/compile/snapshot_facts.h"
#include "lib/eval/condition_terms.h"
#include "lib/eval/conditions.h"
#include "lib/lint/expression_cells.h"
#include "lib/lint/lint_internal.h"
#include "lib/lint/space.h"
#include "verdict/expression.h"
#include "verdict/reference_evaluator.h"

namespace verdict {
namespace {

using internal::Literal;
using internal::SnapshotFacts;
using internal::Terms;
using internal::lint::AtomSet;
using internal::lint::Box;
using internal::lint::Boxes;
using internal::lint::Constraint;
using internal::lint::ExpressionCells;
using internal::lint::IpSet;
using internal::lint::kIpDim;
using internal::lint::Point;
using internal::lint::Space;
using internal::lint::U128;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string Name(const Policy& p) { return absl::StrCat("\"", p.name, "\" (", p.id, ")"); }
std::string Name(const Rule& r) { return absl::StrCat("\"", r.name, "\" (", r.id, ")"); }

bool IsGroupTargeted(PolicyType type) {
  return type == PolicyType::kOktaSignOn || type == PolicyType::kPassword ||
         type == PolicyType::kMfaEnroll;
}

bool HasActiveRule(const Policy& p) {
  return std::any_of(p.rules.begin(), p.rules.end(), [](const Rule& r) { return r.active; });
}

// The addresses no single-hop sign-in is blocked at: everything but the
// ACTIVE IP BLOCKLIST zones' entries outside an ACTIVE DefaultExemptIpZone
// (reference BlockingZone). A longer chain is only blocked more often, so a
// context dropped here never reaches a policy.
IpSet UnblockedAddresses(const Snapshot& s, const SnapshotFacts& facts) {
  IpSet blocked;
  for (const NetworkZone& z : s.zones) {
    if (!z.active || z.usage != ZoneUsage::kBlocklist || z.type != ZoneType::kIp) continue;
    blocked = blocked.Union(IpSet::Of(z.gateways)).Union(IpSet::Of(z.proxies));
  }
  const NetworkZone* exempt = facts.default_exempt_zone();
  if (exempt != nullptr && exempt->active) blocked = blocked.Minus(IpSet::Of(exempt->gateways));
  return IpSet::Everything().Minus(blocked);
}

// Platform reads no zone; its inputs need a membership all the same.
class NoZones : public internal::ZoneMembership {
 public:
  bool InZone(const NetworkZone&, std::string*) const override { return false; }
  bool InAnyAllZonesZone(std::string*) const override { return false; }
};

// One policy type's analysis.
class TypeAnalysis {
 public:
  // `admins`: admins.json's user ids, or null when the snapshot has none.
  TypeAnalysis(const Snapshot& s, const SnapshotFacts& facts, const ReferenceEvaluator& ref,
               PolicyType type, const LintOptions& options, const std::set<std::string>* admins,
               LintReport* report)
      : s_(s),
        facts_(facts),
        ref_(ref),
        type_(type),
        options_(options),
        report_(report),
        space_(UnblockedAddresses(s, facts)) {
    SetUpAdminCheck(admins);
  }

  void Run();

 private:
  struct RuleBoxes {
    const Rule* rule;
    Boxes over, under;        // the rule's own conditions
    Boxes in_over, in_under;  // and its policy's
    bool unknown = false;
  };
  struct PolicyBoxes {
    const Policy* policy;
    Boxes over, under;
    std::vector<RuleBoxes> rules;
    bool reached = true;
  };

  // ---------------------------------------------------------- vocabulary
  void CollectVocabulary();
  int UserAtom(const std::string& id) const {
    auto it = user_atoms_.find(id);
    return it == user_atoms_.end() ? 0 : it->second;
  }
  int GroupDim(const std::string& id);
  int BehaviorDim(const std::string& token);
  void ReportSolverGaveUp();
  int DynamicDim(const NetworkZone* zone);

  // ---------------------------------------------------------- boxes
  Box One(Constraint c) const {
    Box b;
    b.cs.push_back(std::move(c));
    return b;
  }
  AtomSet UserSet(int atom, bool negated) const {
    AtomSet one = AtomSet::One(space_.size(user_dim_), atom);
    return negated ? AtomSet::All(space_.size(user_dim_)).Minus(one) : one;
  }
  const IpSet& ZoneIps(const NetworkZone* z, bool with_proxies);
  const IpSet& AllZonesIps(bool with_proxies);
  Boxes LiteralBoxes(const Literal& l, bool over);
  Boxes MakeLiteralBoxes(const Literal& l, bool over);
  Boxes TermsBoxes(const Terms& terms, bool over);
  // A finite condition as the atoms of `dim` whose representative context
  // satisfies it (the function of conditions.h decides).
  template <typename Holds>
  Boxes AtomBoxes(int dim, const std::vector<SignOnContext>& reps, Holds holds) {
    AtomSet set = AtomSet::All(space_.size(dim)).Minus(AtomSet::All(space_.size(dim)));
    for (size_t a = 0; a < reps.size(); ++a) {
      if (holds(reps[a])) set = Or(set, dim, a);
    }
    if (set.empty()) return {};
    return {One(space_.Atoms(dim, set))};
  }
  AtomSet Or(AtomSet set, int dim, size_t atom) const {
    AtomSet one = AtomSet::One(space_.size(dim), static_cast<int>(atom));
    for (size_t w = 0; w < set.words.size(); ++w) set.words[w] |= one.words[w];
    return set;
  }
  Boxes ConditionBoxes(const Conditions& c, internal::ConditionScope scope, bool over,
                       bool* unknown);
  Boxes SelectionBoxes(const Policy& p);

  // ---------------------------------------------------------- witnesses
  SignOnContext ContextOf(const Point& p) const;
  std::optional<SignOnContext> Confirm(const Boxes& region,
                                       const std::function<bool(const SignOnContext&)>& ok) const;

  // ---------------------------------------------------------- checks
  void CheckPolicy(PolicyBoxes& pb, const std::vector<PolicyBoxes>& earlier);
  void CheckWeakCatchAll(const PolicyBoxes& pb);
  // no-mfa-for-admins: which sign-in it is about, then the search.
  void SetUpAdminCheck(const std::set<std::string>* admins);
  void CheckAdmins(const std::vector<PolicyBoxes>& policies);
  void Add(LintFinding f) { report_->findings.push_back(std::move(f)); }
  Space::Answer Ask(const Boxes& region, const std::vector<const Box*>& covers) {
    ++report_->questions;
    Space::Answer a = space_.UncoveredAny(region, covers, options_.search_budget);
    if (!a.decided) ++report_->undecided;
    return a;
  }

  const Snapshot& s_;
  const SnapshotFacts& facts_;
  const ReferenceEvaluator& ref_;
  PolicyType type_;
  const LintOptions& options_;
  LintReport* report_;
  Space space_;

  int user_dim_ = -1, risk_dim_ = -1, auth_dim_ = -1, idp_dim_ = -1, app_dim_ = -1;
  std::map<std::string, int> user_atoms_;  // 0 another user, 1 no user
  std::vector<std::string> user_names_;
  std::map<std::string, int> group_dims_;
  std::map<int, std::string> dim_group_;
  std::map<std::string, int> behavior_dims_;
  std::map<int, std::string> dim_behavior_;
  std::map<const NetworkZone*, int> dynamic_dims_;
  std::map<int, const NetworkZone*> dim_dynamic_;
  std::vector<SignOnContext> risk_reps_, auth_reps_, idp_reps_, platform_reps_;
  int platform_dim_ = -1;
  std::vector<std::string> app_ids_;  // atom 0 no app, 1 another app, 2.. these
  // Expression Language conditions the solver decided (expression_cells.h):
  // one dimension whose atoms are their satisfiable truth combinations.
  ExpressionCells el_cells_;
  int el_dim_ = -1;
  // no-mfa-for-admins on this type: the admins, and the Okta Admin Console
  // app (Identity Engine orgs; null for Classic, whose sign-on policy decides).
  std::vector<std::string> admins_;
  const Application* admin_console_ = nullptr;
  std::map<std::pair<const NetworkZone*, bool>, IpSet> zone_ips_;
  std::optional<IpSet> all_zones_[2];
  std::map<std::tuple<const NetworkZone*, bool, bool>, Boxes> zone_literals_;
};

constexpr int kNoUser = 1;

void TypeAnalysis::CollectVocabulary() {
  std::vector<std::string> users;
  std::vector<std::string> auth_types = {"ANY"};
  std::vector<std::string> idps;
  std::vector<std::string> apps;
  // Platform: PlatformTypeMatches compares strings exactly and infers the
  // type from these OS names, so the listed values, the inferred ones and
  // one value nobody lists cover every class.
  std::vector<std::string> platform_types = {"", "DESKTOP", "MOBILE", "OTHER"};
  std::vector<std::string> platform_oses = {"",        "IOS",      "ANDROID", "MACOS",
                                            "WINDOWS", "CHROMEOS", "LINUX",   "OTHER"};
  std::vector<const CompiledExpression*> expressions;
  auto add = [](std::vector<std::string>* v, const std::string& x) {
    if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
  };
  auto from = [&](const Conditions& c) {
    if (c.people) {
      for (const std::string& u : c.people->users.include) add(&users, u);
      for (const std::string& u : c.people->users.exclude) add(&users, u);
    }
    if (c.auth_context) add(&auth_types, absl::AsciiStrToUpper(c.auth_context->auth_type));
    if (c.identity_provider) {
      for (const std::string& id : c.identity_provider->idp_ids) add(&idps, id);
    }
    if (c.platform) {
      for (const auto* list : {&c.platform->include, &c.platform->exclude}) {
        for (const PlatformEntry& e : *list) {
          add(&platform_types, e.type);
          add(&platform_oses, e.os_type);
        }
      }
    }
    if (const CompiledExpression* el = facts_.ProgramsOf(c).el.get()) expressions.push_back(el);
  };
  for (const Policy* p : s_.PoliciesOfType(type_)) {
    from(p->conditions);
    for (const std::string& a : p->mapped_app_ids) add(&apps, a);
    for (const std::string& a : p->linked_app_ids) add(&apps, a);
    for (const Rule& r : p->rules) from(r.conditions);
  }
  for (const std::string& admin : admins_) add(&users, admin);
  if (admin_console_ != nullptr) add(&apps, admin_console_->id);
  user_names_ = {"", ""};
  for (const std::string& u : users) {
    user_atoms_[u] = static_cast<int>(user_names_.size());
    user_names_.push_back(u);
  }
  user_dim_ = space_.AddDim(static_cast<int>(user_names_.size()));
  SignOnContext base;
  risk_dim_ = space_.AddDim(4);
  risk_reps_.assign(4, base);
  risk_reps_[1].risk_level = RiskLevel::kLow;
  risk_reps_[2].risk_level = RiskLevel::kMedium;
  risk_reps_[3].risk_level = RiskLevel::kHigh;
  // A context's auth type other than those listed behaves as ANY (only ANY
  // rules hold), so these are all the classes.
  auth_dim_ = space_.AddDim(static_cast<int>(auth_types.size()));
  for (const std::string& t : auth_types) {
    auth_reps_.push_back(base);
    auth_reps_.back().auth_type = t;
  }
  idp_dim_ = space_.AddDim(static_cast<int>(idps.size()) + 2);
  idp_reps_.push_back(base);  // OKTA
  idp_reps_.push_back(base);
  idp_reps_.back().identity_provider_type = "IDP";
  idp_reps_.back().identity_provider_id = "0oalintotheridp";
  for (const std::string& id : idps) {
    idp_reps_.push_back(base);
    idp_reps_.back().identity_provider_type = "IDP";
    idp_reps_.back().identity_provider_id = id;
  }
  app_ids_ = apps;
  app_dim_ = space_.AddDim(static_cast<int>(apps.size()) + 2);
  platform_types.push_back("LINT_UNLISTED");
  platform_oses.push_back("LINT_UNLISTED");
  for (const std::string& t : platform_types) {
    for (const std::string& os : platform_oses) {
      if (t == "ANY" || os == "ANY") continue;  // wildcards of rules, not context values
      platform_reps_.push_back(base);
      platform_reps_.back().device.platform_type = t;
      platform_reps_.back().device.os_type = os;
    }
  }
  platform_dim_ = space_.AddDim(static_cast<int>(platform_reps_.size()));
  el_cells_ = ExpressionCells::Build(expressions, options_.max_expression_combinations,
                                     options_.solver_budget_ms);
  if (el_cells_.cells() > 0) el_dim_ = space_.AddDim(el_cells_.cells());
  if (!el_cells_.gave_up().empty()) ReportSolverGaveUp();
}

// The solver gave up on this type's expressions: each one the fragment
// covers (the others have their own note from CheckExpressions) is unknown.
void TypeAnalysis::ReportSolverGaveUp() {
  for (const Policy* p : s_.PoliciesOfType(type_)) {
    if (!p->active) continue;
    auto note = [&](const Conditions& c, const Rule* r) {
      const CompiledExpression* el = facts_.ProgramsOf(c).el.get();
      if (el == nullptr || !internal::lint::EncodableExpression(*el, nullptr)) return;
      LintFinding f;
      f.code = "expression-unanalysable";
      f.level = LintLevel::kNote;
      f.policy_id = p->id;
      f.rule_id = r != nullptr ? r->id : "";
      f.file = r != nullptr ? r->file : p->file;
      f.pointer =
          absl::StrCat(r != nullptr ? r->pointer : p->pointer, "/conditions/elCondition/condition");
      f.message = absl::StrCat("the Expression Language condition of ",
                               r != nullptr ? "rule " + Name(*r) : "policy " + Name(*p),
                               " is not analysed (", el_cells_.gave_up(), " for the ",
                               Sv(PolicyTypeName(type_)),
                               " policies): lint treats it as possibly true and possibly false, "
                               "so findings that depend on it are not reported");
      Add(std::move(f));
    };
    note(p->conditions, nullptr);
    for (const Rule& r : p->rules) {
      if (r.active) note(r.conditions, &r);
    }
  }
}

int TypeAnalysis::GroupDim(const std::string& id) {
  auto [it, added] = group_dims_.try_emplace(id, 0);
  if (added) {
    it->second = space_.AddDim(2);
    dim_group_[it->second] = id;
  }
  return it->second;
}

int TypeAnalysis::BehaviorDim(const std::string& token) {
  const Behavior* def = facts_.BehaviorDefinition(token);
  const std::string key = def != nullptr ? absl::StrCat("id:", def->id)
                                         : absl::StrCat("name:", absl::AsciiStrToLower(token));
  auto [it, added] = behavior_dims_.try_emplace(key, 0);
  if (added) {
    it->second = space_.AddDim(2);
    dim_behavior_[it->second] = def != nullptr ? def->id : token;
  }
  return it->second;
}

int TypeAnalysis::DynamicDim(const NetworkZone* zone) {
  auto [it, added] = dynamic_dims_.try_emplace(zone, 0);
  if (added) {
    it->second = space_.AddDim(2);
    dim_dynamic_[it->second] = zone;
  }
  return it->second;
}

const IpSet& TypeAnalysis::ZoneIps(const NetworkZone* z, bool with_proxies) {
  auto [it, added] = zone_ips_.try_emplace({z, with_proxies});
  if (added) {
    it->second = IpSet::Of(z->gateways);
    if (with_proxies) it->second = it->second.Union(IpSet::Of(z->proxies));
  }
  return it->second;
}

const IpSet& TypeAnalysis::AllZonesIps(bool with_proxies) {
  std::optional<IpSet>& slot = all_zones_[with_proxies ? 1 : 0];
  if (!slot) {
    // Gathered, then merged once (a union at a time would sort again each time).
    std::vector<IpRange> ranges;
    for (const NetworkZone& z : s_.zones) {
      if (z.active && z.type == ZoneType::kIp && facts_.AllZonesCovers(z)) {
        ranges.insert(ranges.end(), z.gateways.begin(), z.gateways.end());
        if (with_proxies) ranges.insert(ranges.end(), z.proxies.begin(), z.proxies.end());
      }
    }
    slot = IpSet::Of(ranges);
  }
  return *slot;
}

// A literal as boxes. IP zones: the last hop in a gateway is surely in the
// zone; a last hop in a proxy may be (the chain walk decides), so `over`
// counts it in and `under` out — and the reverse for "not in the zone".
// Dynamic zones are free booleans: any combination of memberships is
// assumed possible (an over-approximation of the contexts).
Boxes TypeAnalysis::LiteralBoxes(const Literal& l, bool over) {
  // Zone literals are the costly ones (interval lists): made once each.
  if (l.kind == Literal::Kind::kInZone || l.kind == Literal::Kind::kInAllZonesZone) {
    const auto key = std::make_tuple(l.zone, l.negated, over);
    auto it = zone_literals_.find(key);
    if (it == zone_literals_.end())
      it = zone_literals_.emplace(key, MakeLiteralBoxes(l, over)).first;
    return it->second;
  }
  return MakeLiteralBoxes(l, over);
}

Boxes TypeAnalysis::MakeLiteralBoxes(const Literal& l, bool over) {
  const int users = space_.size(user_dim_);
  const bool neg = l.negated;
  switch (l.kind) {
    case Literal::Kind::kHasUser:
      return {One(space_.Atoms(user_dim_, UserSet(kNoUser, !neg)))};
    case Literal::Kind::kUserIs:
      return {One(space_.Atoms(user_dim_, UserSet(UserAtom(l.id), neg)))};
    case Literal::Kind::kInGroup: {
      const int g = GroupDim(l.id);
      Box with_user = One(space_.Atoms(user_dim_, UserSet(kNoUser, true)));
      with_user.cs.push_back(space_.Atoms(g, AtomSet::One(2, neg ? 0 : 1)));
      if (!neg) return {with_user};
      // Not in g: no user, or a user outside g (exactly; so that no box
      // tells a user-less context's groups apart).
      return {One(space_.Atoms(user_dim_, AtomSet::One(users, kNoUser))), with_user};
    }
    case Literal::Kind::kInZone: {
      if (l.zone->type != ZoneType::kIp) {
        return {One(space_.Atoms(DynamicDim(l.zone), AtomSet::One(2, neg ? 0 : 1)))};
      }
      const bool proxies = neg ? !over : over;
      const IpSet& in = ZoneIps(l.zone, proxies);
      IpSet set = neg ? IpSet::Everything().Minus(in) : in;
      Constraint c = space_.Ip(set);
      if (c.ip.empty()) return {};
      return {One(std::move(c))};
    }
    case Literal::Kind::kInAllZonesZone: {
      const bool proxies = neg ? !over : over;
      const IpSet& in = AllZonesIps(proxies);
      std::vector<const NetworkZone*> dynamic;
      for (const NetworkZone& z : s_.zones) {
        if (z.active && z.type != ZoneType::kIp && facts_.AllZonesCovers(z)) dynamic.push_back(&z);
      }
      if (!neg) {
        Boxes out;
        Constraint c = space_.Ip(in);
        if (!c.ip.empty()) out.push_back(One(std::move(c)));
        for (const NetworkZone* z : dynamic) {
          out.push_back(One(space_.Atoms(DynamicDim(z), AtomSet::One(2, 1))));
        }
        return out;
      }
      Constraint c = space_.Ip(IpSet::Everything().Minus(in));
      if (c.ip.empty()) return {};
      Box b = One(std::move(c));
      for (const NetworkZone* z : dynamic) {
        b.cs.push_back(space_.Atoms(DynamicDim(z), AtomSet::One(2, 0)));
      }
      return {b};
    }
    case Literal::Kind::kBehavior:
      return {One(space_.Atoms(BehaviorDim(l.id), AtomSet::One(2, neg ? 0 : 1)))};
  }
  return {};
}

Boxes TypeAnalysis::TermsBoxes(const Terms& terms, bool over) {
  Boxes out;
  for (const internal::Term& term : terms) {
    Boxes acc = {Box{}};
    for (const Literal& l : term) {
      Boxes lb = LiteralBoxes(l, over);
      // Keep each box's constraints sorted by dimension.
      for (Box& b : lb) {
        std::sort(b.cs.begin(), b.cs.end(),
                  [](const Constraint& x, const Constraint& y) { return x.dim < y.dim; });
      }
      acc = space_.And(acc, lb);
      if (acc.empty()) break;
    }
    out.insert(out.end(), acc.begin(), acc.end());
  }
  return out;
}

Boxes TypeAnalysis::ConditionBoxes(const Conditions& c, internal::ConditionScope scope, bool over,
                                   bool* unknown) {
  using internal::ConditionKind;
  Boxes acc = {Box{}};
  for (int k = 0; k < internal::kConditionKindCount && !acc.empty(); ++k) {
    const auto kind = static_cast<ConditionKind>(k);
    if (!internal::Has(c, kind)) continue;
    Boxes b;
    switch (kind) {
      case ConditionKind::kPeople:
        b = TermsBoxes(
            internal::PeopleTerms(*c.people, facts_,
                                  scope == internal::ConditionScope::kAllButGroupInclude),
            over);
        break;
      case ConditionKind::kNetwork:
        b = TermsBoxes(internal::NetworkTerms(*c.network, facts_), over);
        break;
      case ConditionKind::kRiskBehaviors:
        b = TermsBoxes(internal::BehaviorTerms(*c.risk), over);
        break;
      case ConditionKind::kRiskScore:
        b = AtomBoxes(risk_dim_, risk_reps_, [&](const SignOnContext& ctx) {
          return internal::RiskScoreHolds(*c.risk_score, ctx, nullptr);
        });
        break;
      case ConditionKind::kAuthContext:
        b = AtomBoxes(auth_dim_, auth_reps_, [&](const SignOnContext& ctx) {
          return internal::AuthContextHolds(*c.auth_context, ctx, nullptr);
        });
        break;
      case ConditionKind::kIdentityProvider:
        b = AtomBoxes(idp_dim_, idp_reps_, [&](const SignOnContext& ctx) {
          return internal::IdentityProviderHolds(*c.identity_provider, ctx, nullptr);
        });
        break;
      case ConditionKind::kPlatform: {
        const bool expression =
            std::any_of(c.platform->include.begin(), c.platform->include.end(),
                        [](const PlatformEntry& e) { return !e.os_expression.empty(); }) ||
            std::any_of(c.platform->exclude.begin(), c.platform->exclude.end(),
                        [](const PlatformEntry& e) { return !e.os_expression.empty(); });
        if (expression) {  // os.expression: Expression Language, unknown
          *unknown = true;
          if (!over) return {};
          continue;
        }
        const internal::ConditionPrograms& programs = facts_.ProgramsOf(c);
        b = AtomBoxes(platform_dim_, platform_reps_, [&](const SignOnContext& ctx) {
          const NoZones zones;
          const internal::ConditionInputs in{ctx, facts_, zones};
          return internal::PlatformHolds(*c.platform, programs, in, nullptr);
        });
        break;
      }
      case ConditionKind::kElCondition:
        if (el_dim_ >= 0 && el_cells_.Encoded(c.el_condition->condition)) {
          const std::vector<bool>& truth = el_cells_.TrueIn(c.el_condition->condition);
          AtomSet set =
              AtomSet::All(space_.size(el_dim_)).Minus(AtomSet::All(space_.size(el_dim_)));
          for (size_t cell = 0; cell < truth.size(); ++cell) {
            if (truth[cell]) set = Or(set, el_dim_, cell);
          }
          if (set.empty()) return {};
          b = {One(space_.Atoms(el_dim_, set))};
          break;
        }
        *unknown = true;
        if (!over) return {};
        continue;
      default:
        // Not modelled: true in the over-approximation, false in the under.
        *unknown = true;
        if (!over) return {};
        continue;
    }
    acc = space_.And(acc, b);
  }
  if (!c.unknown_keys.empty()) {
    *unknown = true;
    if (!over) return {};
  }
  return acc;
}

// Which contexts a policy's selection admits (reference PolicyApplies, before
// its own conditions).
Boxes TypeAnalysis::SelectionBoxes(const Policy& p) {
  if (IsGroupTargeted(p.type)) {
    if (p.system) return {Box{}};
    if (!p.conditions.people || p.conditions.people->groups.include.empty()) return {};
    return TermsBoxes(internal::AnyGroupTerms(p.conditions.people->groups.include, facts_), true);
  }
  if (p.type == PolicyType::kAccessPolicy) {
    AtomSet apps = AtomSet::All(space_.size(app_dim_)).Minus(AtomSet::All(space_.size(app_dim_)));
    for (size_t i = 0; i < app_ids_.size(); ++i) {
      const std::string& id = app_ids_[i];
      const bool bound =
          std::find(p.mapped_app_ids.begin(), p.mapped_app_ids.end(), id) !=
              p.mapped_app_ids.end() ||
          std::find(p.linked_app_ids.begin(), p.linked_app_ids.end(), id) != p.linked_app_ids.end();
      if (bound) apps = Or(apps, app_dim_, i + 2);
    }
    if (apps.empty()) return {};
    return {One(space_.Atoms(app_dim_, apps))};
  }
  return {Box{}};
}

SignOnContext TypeAnalysis::ContextOf(const Point& p) const {
  SignOnContext ctx;
  ctx.id = "lint-witness";
  ctx.policy_types = {type_};
  const int user = p.atoms[user_dim_];
  if (user != kNoUser) {
    ctx.user.id = user == 0 ? "00ulintwitness" : user_names_[user];
    for (const auto& [dim, group] : dim_group_) {
      if (p.atoms[dim] == 1) ctx.user.groups.push_back(group);
    }
    // Without a user every attribute is null: only cell 0 is possible, and
    // the evaluator's check of the witness sorts out the other points.
    if (el_dim_ >= 0) el_cells_.Apply(p.atoms[el_dim_], &ctx);
  }
  if (p.ip) ctx.ip_chain.push_back(IpAddress::FromV6(*p.ip));
  for (const auto& [dim, zone] : dim_dynamic_) {
    if (p.atoms[dim] != 1) continue;
    // The zone's first criteria; other dynamic zones may then hold the
    // context too, which the evaluator's check of the witness catches.
    if (!zone->locations.empty()) {
      ctx.geo = ContextGeo{zone->locations[0].country, zone->locations[0].region};
    }
    if (!zone->asns.empty()) ctx.asn = zone->asns[0];
    if (zone->proxy_type == ZoneProxyCriterion::kAny ||
        zone->proxy_type == ZoneProxyCriterion::kTor) {
      ctx.proxy_type = ProxyType::kTor;
    } else if (zone->proxy_type == ZoneProxyCriterion::kNotTorAnonymizer) {
      ctx.proxy_type = ProxyType::kAnonymizer;
    }
    if (!zone->ip_service_categories.empty()) {
      ctx.ip_service_categories.push_back(zone->ip_service_categories[0]);
    }
    break;
  }
  ctx.device.platform_type = platform_reps_[p.atoms[platform_dim_]].device.platform_type;
  ctx.device.os_type = platform_reps_[p.atoms[platform_dim_]].device.os_type;
  ctx.risk_level = risk_reps_[p.atoms[risk_dim_]].risk_level;
  ctx.auth_type = auth_reps_[p.atoms[auth_dim_]].auth_type;
  ctx.identity_provider_type = idp_reps_[p.atoms[idp_dim_]].identity_provider_type;
  ctx.identity_provider_id = idp_reps_[p.atoms[idp_dim_]].identity_provider_id;
  const int app = p.atoms[app_dim_];
  if (app == 1) ctx.app_id = "0oalintwitnessapp";
  if (app >= 2) ctx.app_id = app_ids_[app - 2];
  for (const auto& [dim, token] : dim_behavior_) {
    if (p.atoms[dim] == 1) ctx.behaviors.push_back(token);
  }
  return ctx;
}

// A context of `region` that `ok` accepts: the preferred point of each box.
std::optional<SignOnContext> TypeAnalysis::Confirm(
    const Boxes& region, const std::function<bool(const SignOnContext&)>& ok) const {
  for (const Box& b : region) {
    SignOnContext ctx = ContextOf(space_.PointOf(b));
    if (ok(ctx)) return ctx;
  }
  return std::nullopt;
}

void TypeAnalysis::Run() {
  CollectVocabulary();
  std::vector<PolicyBoxes> done;
  for (const Policy* p : s_.PoliciesOfType(type_)) {
    if (!p->active || !HasActiveRule(*p)) continue;
    PolicyBoxes pb;
    pb.policy = p;
    bool unknown = false;
    // As reference GroupPolicyApplies: the group include selected the policy
    // (the default one applies to everyone) and is not a condition on top.
    const auto scope = IsGroupTargeted(p->type) ? internal::ConditionScope::kAllButGroupInclude
                                                : internal::ConditionScope::kAll;
    const Boxes selection = SelectionBoxes(*p);
    pb.over = space_.And(selection, ConditionBoxes(p->conditions, scope, true, &unknown));
    pb.under = space_.And(selection, ConditionBoxes(p->conditions, scope, false, &unknown));
    if (unknown) ++report_->unknown_conditions;
    for (const Rule& r : p->rules) {
      if (!r.active) continue;
      RuleBoxes rb;
      rb.rule = &r;
      rb.over = ConditionBoxes(r.conditions, internal::ConditionScope::kAll, true, &rb.unknown);
      rb.under = ConditionBoxes(r.conditions, internal::ConditionScope::kAll, false, &rb.unknown);
      if (rb.unknown) ++report_->unknown_conditions;
      rb.in_over = space_.And(rb.over, pb.over);
      rb.in_under = space_.And(rb.under, pb.under);
      pb.rules.push_back(std::move(rb));
    }
    CheckPolicy(pb, done);
    done.push_back(std::move(pb));
  }
  CheckAdmins(done);
}

std::vector<const Box*> Pointers(const Boxes& boxes) {
  std::vector<const Box*> out;
  for (const Box& b : boxes) out.push_back(&b);
  return out;
}

void TypeAnalysis::CheckPolicy(PolicyBoxes& pb, const std::vector<PolicyBoxes>& earlier) {
  const Policy& p = *pb.policy;
  auto finding = [&](std::string code, LintLevel level, const Rule* r) {
    LintFinding f;
    f.code = std::move(code);
    f.level = level;
    f.policy_id = p.id;
    if (r != nullptr) {
      f.rule_id = r->id;
      f.file = r->file;
      f.pointer = r->pointer;
    } else {
      f.file = p.file;
      f.pointer = p.pointer;
    }
    return f;
  };
  auto reach = [&](const Rule& r, RuleReach what, std::optional<SignOnContext> witness) {
    if (!options_.rule_reachability) return;
    report_->rules.push_back({p.id, r.id, what, std::move(witness)});
  };

  if (pb.over.empty()) {
    LintFinding f = finding("policy-unreachable", LintLevel::kWarning, nullptr);
    f.message =
        IsGroupTargeted(p.type) && !p.system &&
                (!p.conditions.people || p.conditions.people->groups.include.empty())
            ? absl::StrCat("policy ", Name(p),
                           " has no people.groups.include: a non-default policy applies to nobody")
        : p.type == PolicyType::kAccessPolicy && SelectionBoxes(p).empty()
            ? absl::StrCat("policy ", Name(p), " is bound to no app: no context reaches it")
            : absl::StrCat("the conditions of policy ", Name(p), " can never hold together");
    Add(std::move(f));
    for (const RuleBoxes& rb : pb.rules) reach(*rb.rule, RuleReach::kPolicyUnreached, std::nullopt);
    pb.reached = false;
    return;
  }

  // Shadowed policy: every context it would decide is decided earlier.
  std::vector<const Box*> earlier_under, earlier_over;
  for (const PolicyBoxes& e : earlier) {
    for (const RuleBoxes& rb : e.rules) {
      for (const Box& b : rb.in_under) earlier_under.push_back(&b);
      for (const Box& b : rb.in_over) earlier_over.push_back(&b);
    }
  }
  Boxes decides_over, decides_under;
  for (const RuleBoxes& rb : pb.rules) {
    decides_over.insert(decides_over.end(), rb.in_over.begin(), rb.in_over.end());
    decides_under.insert(decides_under.end(), rb.in_under.begin(), rb.in_under.end());
  }
  if (!decides_over.empty() && !earlier.empty()) {
    Space::Answer a = Ask(decides_over, earlier_under);
    if (a.decided && a.covered) {
      Decision won;
      std::optional<SignOnContext> w = Confirm(
          decides_under.empty() ? decides_over : decides_under, [&](const SignOnContext& ctx) {
            if (!ref_.PolicyApplies(ctx, p)) return false;
            bool any = false;
            for (const RuleBoxes& rb : pb.rules)
              any = any || ref_.RuleConditionsHold(ctx, *rb.rule);
            if (!any) return false;
            won = ref_.Evaluate(ctx, type_);
            return !won.blocked && won.policy != nullptr && won.policy != &p;
          });
      if (w) {
        LintFinding f = finding("shadowed-policy", LintLevel::kWarning, nullptr);
        f.message = absl::StrCat(
            "policy ", Name(p), " never decides a sign-in: higher-priority policies of type ",
            Sv(PolicyTypeName(type_)), " catch every context it applies to; the witness goes to ",
            Name(*won.policy), " / ", Name(*won.rule));
        f.witness = std::move(w);
        f.winner_policy_id = won.policy->id;
        f.winner_rule_id = won.rule->id;
        Add(std::move(f));
        for (const RuleBoxes& rb : pb.rules) {
          reach(*rb.rule, RuleReach::kPolicyUnreached, std::nullopt);
        }
        pb.reached = false;
        // Its rules' own problems are still worth reporting below.
      }
    }
  }

  // Rules: unsatisfiable, shadowed within the policy, and (optionally) won.
  std::vector<const Box*> before_under, before_over;
  for (const RuleBoxes& rb : pb.rules) {
    const Rule& r = *rb.rule;
    RuleReach what = RuleReach::kUnknown;
    std::optional<SignOnContext> witness;
    if (rb.over.empty() || rb.in_over.empty()) {
      LintFinding f = finding("unsatisfiable-rule", LintLevel::kWarning, &r);
      f.message = rb.over.empty()
                      ? absl::StrCat("the conditions of rule ", Name(r), " can never hold together")
                      : absl::StrCat("the conditions of rule ", Name(r),
                                     " can never hold where policy ", Name(p), " applies");
      Add(std::move(f));
      what = RuleReach::kUnsatisfiable;
    } else if (!before_under.empty()) {
      Space::Answer a = Ask(rb.in_over, before_under);
      if (a.decided && a.covered) {
        Decision won;
        std::optional<SignOnContext> w =
            Confirm(rb.in_under.empty() ? rb.in_over : rb.in_under, [&](const SignOnContext& ctx) {
              if (!ref_.PolicyApplies(ctx, p) || !ref_.RuleConditionsHold(ctx, r)) return false;
              won = ref_.Evaluate(ctx, type_);
              return !won.blocked && won.rule != nullptr && won.rule != &r;
            });
        if (w) {
          LintFinding f = finding("shadowed-rule", LintLevel::kWarning, &r);
          f.message = absl::StrCat("rule ", Name(r), " of policy ", Name(p),
                                   " can never win: earlier rules of the policy match every "
                                   "context it matches; the witness goes to ",
                                   Name(*won.rule));
          f.witness = w;
          f.winner_policy_id = won.policy->id;
          f.winner_rule_id = won.rule->id;
          Add(std::move(f));
          what = RuleReach::kShadowed;
          witness = std::move(w);
        }
      }
    }
    if (what == RuleReach::kUnknown && !pb.reached) what = RuleReach::kPolicyUnreached;
    if (what == RuleReach::kUnknown && options_.rule_reachability && !rb.in_under.empty()) {
      std::vector<const Box*> covers = earlier_over;
      covers.insert(covers.end(), before_over.begin(), before_over.end());
      Space::Answer a = Ask(rb.in_under, covers);
      if (a.decided && !a.covered) {
        SignOnContext ctx = ContextOf(a.witness);
        const Decision d = ref_.Evaluate(ctx, type_);
        if (d.rule == &r) {
          what = RuleReach::kWins;
          witness = std::move(ctx);
        }
      }
    }
    if (what == RuleReach::kShadowed) witness.reset();
    reach(r, what, std::move(witness));
    for (const Box& b : rb.under) before_under.push_back(&b);
    for (const Box& b : rb.over) before_over.push_back(&b);
  }

  // Fall-through: contexts the policy applies to that no rule matches.
  if (pb.reached) {
    Space::Answer a = Ask(pb.under, before_over);
    if (a.decided && !a.covered) {
      SignOnContext ctx = ContextOf(a.witness);
      bool falls = ref_.PolicyApplies(ctx, p);
      for (const RuleBoxes& rb : pb.rules) falls = falls && !ref_.RuleConditionsHold(ctx, *rb.rule);
      falls = falls && !ref_.Evaluate(ctx, type_).blocked;
      if (falls) {
        LintFinding f = finding("policy-fall-through", LintLevel::kWarning, nullptr);
        f.message =
            absl::StrCat("policy ", Name(p),
                         " applies to contexts that none of its rules matches: they "
                         "fall through to the next policy",
                         p.system ? " (this is a default policy: they get no decision)" : "");
        f.witness = std::move(ctx);
        Add(std::move(f));
      }
    }
  }
  CheckWeakCatchAll(pb);
}

// How many factors an ALLOW asks for: 2 with a second factor, 1 without, 0
// when the rule does not allow (or does not say).
int Strength(const Rule& r) {
  if (r.signon) {
    if (r.signon->access != Access::kAllow) return 0;
    return r.signon->require_factor ? 2 : 1;
  }
  if (r.app_sign_on) {
    if (r.app_sign_on->access != Access::kAllow) return 0;
    if (r.app_sign_on->factor_mode == "2FA") return 2;
    if (r.app_sign_on->factor_mode == "1FA") return 1;
  }
  return 0;
}

// A catch-all (a rule matching every context its policy applies to) that
// allows with fewer factors than an earlier rule: the people that rule asks
// for more factors reach the catch-all whenever that rule's other conditions
// fail.
void TypeAnalysis::CheckWeakCatchAll(const PolicyBoxes& pb) {
  if (type_ != PolicyType::kOktaSignOn && type_ != PolicyType::kAccessPolicy) return;
  const Policy& p = *pb.policy;
  for (size_t c = 0; c < pb.rules.size(); ++c) {
    const RuleBoxes& catch_all = pb.rules[c];
    const int weak = Strength(*catch_all.rule);
    if (weak == 0) continue;
    Space::Answer all = Ask(pb.over, Pointers(catch_all.under));
    if (!all.decided || !all.covered) continue;
    std::vector<const Box*> before;
    for (size_t e = 0; e < c; ++e) {
      for (const Box& b : pb.rules[e].over) before.push_back(&b);
    }
    for (size_t e = 0; e < c; ++e) {
      const Rule& strong = *pb.rules[e].rule;
      if (Strength(strong) <= weak) continue;
      // "The same people": those the stronger rule's people condition admits
      // (everyone its policy applies to when it has none).
      Rule people_only;
      people_only.conditions.people = strong.conditions.people;
      Boxes people = space_.And(
          strong.conditions.people
              ? TermsBoxes(internal::PeopleTerms(*strong.conditions.people, facts_, false), false)
              : Boxes{Box{}},
          pb.under);
      Space::Answer a = Ask(people, before);
      if (!a.decided || a.covered) continue;
      SignOnContext ctx = ContextOf(a.witness);
      const Decision d = ref_.Evaluate(ctx, type_);
      if (d.rule != catch_all.rule || !ref_.RuleConditionsHold(ctx, people_only)) continue;
      LintFinding f;
      f.code = "weak-catch-all";
      f.level = LintLevel::kWarning;
      f.policy_id = p.id;
      f.rule_id = catch_all.rule->id;
      f.file = catch_all.rule->file;
      f.pointer = catch_all.rule->pointer;
      f.message = absl::StrCat("catch-all rule ", Name(*catch_all.rule), " of policy ", Name(p),
                               " allows with ", weak == 1 ? "one factor" : "fewer factors",
                               " the people for whom earlier rule ", Name(strong), " requires ",
                               Strength(strong) == 2 ? "a second factor" : "more",
                               ", whenever that rule's other conditions fail");
      f.witness = std::move(ctx);
      f.winner_policy_id = p.id;
      f.winner_rule_id = catch_all.rule->id;
      Add(std::move(f));
      return;
    }
    return;  // the first catch-all is the one that decides
  }
}

// Okta's recommendation that administrators sign in with more than one
// factor (HealthInsight): in an Identity Engine org (one with app sign-in
// policies) the Okta Admin Console's app sign-in policy decides, in a Classic
// org the Okta sign-on policy does.
void TypeAnalysis::SetUpAdminCheck(const std::set<std::string>* admins) {
  if (admins == nullptr || admins->empty()) return;
  const bool identity_engine = !s_.PoliciesOfType(PolicyType::kAccessPolicy).empty();
  if (type_ != (identity_engine ? PolicyType::kAccessPolicy : PolicyType::kOktaSignOn)) return;
  if (identity_engine) {
    for (const Application& app : s_.apps) {
      if (app.name == "saasure") admin_console_ = &app;
    }
    if (admin_console_ == nullptr) return;  // no apps.json entry: nothing to sign in to
  }
  admins_.assign(admins->begin(), admins->end());
}

// For each admin, the first rule (in evaluation order) that lets them in with
// one factor in some context: its region for that admin, less everything an
// earlier rule or policy decides. The witness is confirmed like the others.
void TypeAnalysis::CheckAdmins(const std::vector<PolicyBoxes>& policies) {
  for (const std::string& admin : admins_) {
    Boxes who = {
        One(space_.Atoms(user_dim_, AtomSet::One(space_.size(user_dim_), UserAtom(admin))))};
    // Known memberships (users/<id>/groups.json) are the admin's; without
    // them any membership is possible and the witness names the ones it took.
    auto groups = s_.user_groups.find(admin);
    if (groups != s_.user_groups.end()) {
      for (const auto& [dim, group] : dim_group_) {
        const bool member =
            std::find(groups->second.begin(), groups->second.end(), group) != groups->second.end();
        who = space_.And(who, {One(space_.Atoms(dim, AtomSet::One(2, member ? 1 : 0)))});
      }
    }
    if (admin_console_ != nullptr) {
      const auto it = std::find(app_ids_.begin(), app_ids_.end(), admin_console_->id);
      const int atom = static_cast<int>(it - app_ids_.begin()) + 2;
      who =
          space_.And(who, {One(space_.Atoms(app_dim_, AtomSet::One(space_.size(app_dim_), atom)))});
    }
    std::vector<const Box*> decided_before;
    bool reported = false;
    for (const PolicyBoxes& pb : policies) {
      for (const RuleBoxes& rb : pb.rules) {
        if (!reported && Strength(*rb.rule) == 1) {
          Space::Answer a = Ask(space_.And(who, rb.in_under), decided_before);
          if (a.decided && !a.covered) {
            SignOnContext ctx = ContextOf(a.witness);
            const Decision d = ref_.Evaluate(ctx, type_);
            if (!d.blocked && d.rule == rb.rule && ctx.user.id == admin) {
              LintFinding f;
              f.code = "no-mfa-for-admins";
              f.level = LintLevel::kWarning;
              f.policy_id = pb.policy->id;
              f.rule_id = rb.rule->id;
              f.file = rb.rule->file;
              f.pointer = rb.rule->pointer;
              f.message = absl::StrCat(
                  "administrator ", admin, " (admins.json) can sign in ",
                  admin_console_ != nullptr ? "to the Okta Admin Console " : "",
                  "with one factor: rule ", Name(*rb.rule), " of policy ", Name(*pb.policy),
                  " allows without a second factor",
                  groups == s_.user_groups.end()
                      ? " (the snapshot has no users/<id>/groups.json for this admin: the "
                        "witness's group memberships are assumed)"
                      : "");
              f.witness = std::move(ctx);
              f.winner_policy_id = pb.policy->id;
              f.winner_rule_id = rb.rule->id;
              Add(std::move(f));
              reported = true;
            }
          }
        }
        for (const Box& b : rb.in_over) decided_before.push_back(&b);
      }
    }
  }
}

}  // namespace

absl::StatusOr<LintReport> Lint(const Snapshot& snapshot, const LintOptions& options) {
  LintReport report;
  std::unique_ptr<const SnapshotFacts> facts = SnapshotFacts::Build(snapshot, nullptr);
  const ReferenceEvaluator ref(snapshot);
  absl::StatusOr<internal::lint::ReferenceLists> lists =
      internal::lint::ReadReferenceLists(snapshot);
  if (!lists.ok()) return lists.status();
  internal::lint::CheckZones(snapshot, *facts, ref, &report.findings);
  internal::lint::CheckReferences(snapshot, *facts, *lists, &report.findings);
  internal::lint::CheckPriorities(snapshot, &report.findings);
  internal::lint::CheckExpressions(snapshot, *facts, &report.findings);
  for (PolicyType type : snapshot.Types()) {
    TypeAnalysis(snapshot, *facts, ref, type, options, lists->admins ? &*lists->admins : nullptr,
                 &report)
        .Run();
  }
  return report;
}

}  // namespace verdict
