#include "lib/compile/snapshot_facts.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace verdict::internal {
namespace {

// System zone names (Part A §A2; docs/semantics.md "network").
// The OAuth policies' spelling of the Everyone group.
constexpr std::string_view kEveryoneAlias = "EVERYONE";

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

void Warn(IssueList* issues, const std::string& file, std::string pointer,
          const absl::Status& status) {
  if (issues == nullptr) return;
  issues->push_back({Issue::Severity::kWarning, "rule.bad_expression", file, std::move(pointer),
                     std::string(status.message())});
}

// Compiles the expressions of one condition set; a malformed one is a warning
// at its pointer ("/2/conditions/elCondition/condition: col 17: ...").
ConditionPrograms CompileConditions(const Conditions& c, const std::string& file,
                                    const std::string& owner_pointer, IssueList* issues) {
  ConditionPrograms out;
  const std::string base = absl::StrCat(owner_pointer, "/conditions");
  if (c.el_condition) {
    auto compiled = CompileExpression(c.el_condition->condition);
    if (compiled.ok()) {
      out.el = *std::move(compiled);
    } else {
      out.el_error = compiled.status();
      Warn(issues, file, absl::StrCat(base, "/elCondition/condition"), out.el_error);
    }
  }
  if (c.user_identifier) {
    const auto& patterns = c.user_identifier->patterns;
    for (size_t i = 0; i < patterns.size(); ++i) {
      std::shared_ptr<const CompiledRegex> regex;
      if (patterns[i].match_type == "EXPRESSION") {
        auto compiled = CompileRegex(patterns[i].value);
        if (compiled.ok()) {
          regex = *std::move(compiled);
        } else {
          Warn(issues, file, absl::StrCat(base, "/userIdentifier/patterns/", i, "/value"),
               compiled.status());
        }
      }
      out.user_identifier.push_back(std::move(regex));
    }
  }
  if (c.platform) {
    for (const auto& [list, name] :
         {std::pair{&c.platform->include, "include"}, std::pair{&c.platform->exclude, "exclude"}}) {
      for (size_t i = 0; i < list->size(); ++i) {
        std::shared_ptr<const CompiledExpression> os;
        const std::string& text = (*list)[i].os_expression;
        if (!text.empty()) {
          auto compiled = CompileExpression(text);
          if (compiled.ok()) {
            os = *std::move(compiled);
          } else {
            if (out.platform_os_error.ok()) out.platform_os_error = compiled.status();
            Warn(issues, file, absl::StrCat(base, "/platform/", name, "/", i, "/os/expression"),
                 compiled.status());
          }
        }
        out.platform_os.push_back(std::move(os));
      }
    }
  }
  return out;
}

ResolvedNetwork ResolveNetwork(
    const NetworkCondition& n,
    const absl::flat_hash_map<std::string_view, const NetworkZone*>& ids) {
  auto resolve = [&](const std::vector<std::string>& list) {
    std::vector<ResolvedNetwork::Entry> out;
    out.reserve(list.size());
    for (const std::string& id : list) {
      ResolvedNetwork::Entry e;
      e.id = id;
      e.all_zones = id == kAllZones;
      if (!e.all_zones) {
        auto it = ids.find(id);
        if (it != ids.end()) e.zone = it->second;
      }
      out.push_back(e);
    }
    return out;
  };
  return {resolve(n.include), resolve(n.exclude)};
}

}  // namespace

SnapshotFacts::SnapshotFacts(const Snapshot& snapshot)
    : snapshot_(snapshot), expression_data_(snapshot) {
  const absl::Status foreign =
      absl::FailedPreconditionError("the condition is not part of the compiled snapshot (a copy?)");
  foreign_programs_.el_error = foreign;
  foreign_programs_.platform_os_error = foreign;
}

std::unique_ptr<const SnapshotFacts> SnapshotFacts::Build(const Snapshot& snapshot,
                                                          IssueList* issues) {
  std::unique_ptr<SnapshotFacts> f(new SnapshotFacts(snapshot));

  // Zones by id (the first of an id wins, as Snapshot::FindZone).
  absl::flat_hash_map<std::string_view, const NetworkZone*> zone_ids;
  for (const NetworkZone& z : snapshot.zones) zone_ids.try_emplace(z.id, &z);
  f->default_exempt_zone_ = snapshot.DefaultExemptZone();
  f->legacy_ip_zone_ = snapshot.LegacyIpZone();

  for (const Application& app : snapshot.apps) f->app_names_.try_emplace(app.id, app.name);

  f->everyone_.insert(std::string(kEveryoneAlias));
  for (const Group* g : snapshot.EveryoneGroups()) f->everyone_.insert(g->id);

  auto names_a_group = [&](const IdList& ids) {
    for (const std::vector<std::string>* list : {&ids.include, &ids.exclude}) {
      for (const std::string& id : *list) {
        if (!f->everyone_.contains(id)) return true;
      }
    }
    return false;
  };
  auto reads_groups = [](const std::shared_ptr<const CompiledExpression>& e) {
    return e != nullptr && e->ReadsGroupMemberships();
  };
  auto add_conditions = [&](const Conditions& c, const std::string& file,
                            const std::string& pointer) {
    auto reader = [&](std::string_view where) {
      f->group_membership_readers_.push_back(
          {file, absl::StrCat(pointer, "/conditions/", Sv(where))});
    };
    if (c.people && names_a_group(c.people->groups)) reader("people/groups");
    if (c.groups && names_a_group(*c.groups)) reader("groups");
    if (c.el_condition || c.user_identifier || c.platform) {
      const ConditionPrograms& programs =
          f->programs_.emplace(&c, CompileConditions(c, file, pointer, issues)).first->second;
      if (reads_groups(programs.el)) reader("elCondition/condition");
      if (std::any_of(programs.platform_os.begin(), programs.platform_os.end(), reads_groups)) {
        reader("platform");
      }
    }
    if (c.network) f->networks_.emplace(&*c.network, ResolveNetwork(*c.network, zone_ids));
    if (c.risk) {
      for (const std::string& wanted : c.risk->behaviors) {
        if (f->behavior_definitions_.contains(wanted)) continue;
        const Behavior* def = nullptr;
        for (const Behavior& b : snapshot.behaviors) {
          if (b.id == wanted || absl::EqualsIgnoreCase(b.name, wanted)) def = &b;
        }
        f->behavior_definitions_.emplace(wanted, def);
      }
    }
  };
  for (const Policy& policy : snapshot.policies) {
    add_conditions(policy.conditions, policy.file, policy.pointer);
    for (const Rule& rule : policy.rules) {
      add_conditions(rule.conditions, rule.file, rule.pointer);
      if (!rule.idp || rule.idp->match_criteria.empty()) continue;
      std::vector<std::shared_ptr<const CompiledExpression>>& criteria = f->idp_criteria_[&rule];
      for (size_t i = 0; i < rule.idp->match_criteria.size(); ++i) {
        auto compiled = CompileExpression(rule.idp->match_criteria[i].provider_expression);
        if (!compiled.ok()) {
          Warn(issues, rule.file,
               absl::StrCat(rule.pointer, "/actions/idp/matchCriteria/", i, "/providerExpression"),
               compiled.status());
        }
        if (compiled.ok() && (*compiled)->ReadsGroupMemberships()) {
          f->group_membership_readers_.push_back(
              {rule.file, absl::StrCat(rule.pointer, "/actions/idp/matchCriteria/", i,
                                       "/providerExpression")});
        }
        criteria.push_back(compiled.ok() ? *std::move(compiled) : nullptr);
      }
    }
  }
  return f;
}

const ConditionPrograms& SnapshotFacts::ProgramsOf(const Conditions& conditions) const {
  if (auto it = programs_.find(&conditions); it != programs_.end()) return it->second;
  // No programs: either the conditions have no expression (then none of
  // these errors is read), or they are not this snapshot's.
  return foreign_programs_;
}

absl::Span<const std::shared_ptr<const CompiledExpression>> SnapshotFacts::IdpCriteriaOf(
    const Rule& rule) const {
  auto it = idp_criteria_.find(&rule);
  if (it == idp_criteria_.end()) return {};
  return it->second;
}

const ResolvedNetwork* SnapshotFacts::Resolve(const NetworkCondition& network) const {
  auto it = networks_.find(&network);
  return it == networks_.end() ? nullptr : &it->second;
}

bool SnapshotFacts::IsEveryoneGroup(std::string_view group_id) const {
  return everyone_.contains(Sv(group_id));
}

const Behavior* SnapshotFacts::BehaviorDefinition(std::string_view wanted) const {
  if (auto it = behavior_definitions_.find(Sv(wanted)); it != behavior_definitions_.end()) {
    return it->second;
  }
  // Not a behavior string of this snapshot's rules: look it up the same way.
  const Behavior* def = nullptr;
  for (const Behavior& b : snapshot_.behaviors) {
    if (b.id == wanted || absl::EqualsIgnoreCase(b.name, Sv(wanted))) def = &b;
  }
  return def;
}

std::string_view SnapshotFacts::AppNameOf(std::string_view app_id) const {
  const auto it = app_names_.find(app_id);
  return it == app_names_.end() ? std::string_view() : it->second;
}

bool SnapshotFacts::AllZonesCovers(const NetworkZone& zone) const {
  return zone.usage == ZoneUsage::kPolicy && &zone != default_exempt_zone_;
}

}  // namespace verdict::internal
