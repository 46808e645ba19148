// The checks that read the snapshot directly: dangling and inactive
// references, zones that cancel each other, priority ties, expressions.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/lint/expression_cells.h"
#include "lib/lint/lint_internal.h"
#include "lib/lint/space.h"
#include "nlohmann/json.hpp"
#include "verdict/expression.h"

namespace verdict::internal::lint {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Reads an array of objects with "id" — or, for lists Okta returns in an
// envelope (GET /api/v1/iam/assignees/users: {"value": [...], "_links"}), an
// object whose "value" is that array; nullopt when the file is absent.
absl::StatusOr<std::optional<std::set<std::string>>> ReadIds(const std::string& directory,
                                                             const std::string& name) {
  if (directory.empty()) return std::optional<std::set<std::string>>();
  // By the loader's rules: these files come with the snapshot, from a pull
  // request perhaps (a link to a secret, a FIFO).
  absl::StatusOr<std::optional<std::string>> text = ReadOptionalSnapshotJson(directory, name);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::optional<std::set<std::string>>();
  nlohmann::json j = nlohmann::json::parse(**text, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("value")) j = j["value"];
  if (j.is_discarded() || !j.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not a JSON array (or an object whose \"value\" is one)"));
  }
  std::set<std::string> ids;
  for (const nlohmann::json& e : j) {
    if (e.is_object() && e.contains("id") && e["id"].is_string()) {
      ids.insert(e["id"].get<std::string>());
    }
  }
  return std::optional<std::set<std::string>>(std::move(ids));
}

// One object carrying conditions (a policy or a rule), for the walks below.
struct Holder {
  const Policy* policy;
  const Rule* rule;  // null: the policy's own conditions
  const Conditions& conditions() const {
    return rule != nullptr ? rule->conditions : policy->conditions;
  }
  const std::string& file() const { return rule != nullptr ? rule->file : policy->file; }
  const std::string& pointer() const { return rule != nullptr ? rule->pointer : policy->pointer; }
  std::string Describe() const {
    return rule != nullptr ? absl::StrCat("rule \"", rule->name, "\" (", rule->id, ")")
                           : absl::StrCat("policy \"", policy->name, "\" (", policy->id, ")");
  }
};

std::vector<Holder> Holders(const Snapshot& s) {
  std::vector<Holder> out;
  for (const Policy& p : s.policies) {
    out.push_back({&p, nullptr});
    for (const Rule& r : p.rules) out.push_back({&p, &r});
  }
  return out;
}

LintFinding At(const Holder& h, std::string code, LintLevel level, std::string sub_pointer) {
  LintFinding f;
  f.code = std::move(code);
  f.level = level;
  f.policy_id = h.policy->id;
  if (h.rule != nullptr) f.rule_id = h.rule->id;
  f.file = h.file();
  f.pointer = absl::StrCat(h.pointer(), sub_pointer);
  return f;
}

}  // namespace

absl::StatusOr<ReferenceLists> ReadReferenceLists(const Snapshot& snapshot) {
  const std::string& directory = snapshot.directory;
  ReferenceLists lists;
  // The org's IdPs are the loader's (Snapshot::idps), as routing sees them.
  if (snapshot.has_idps_file) {
    lists.idps.emplace();
    for (const IdentityProvider& idp : snapshot.idps) lists.idps->insert(idp.id);
  }
  auto users = ReadIds(directory, "users.json");
  if (!users.ok()) return users.status();
  lists.users = std::move(*users);
  auto assurances = ReadIds(directory, "device-assurances.json");
  if (!assurances.ok()) return assurances.status();
  lists.device_assurances = std::move(*assurances);
  auto admins = ReadIds(directory, "admins.json");
  if (!admins.ok()) return admins.status();
  lists.admins = std::move(*admins);
  return lists;
}

void CheckReferences(const Snapshot& s, const SnapshotFacts& facts, const ReferenceLists& lists,
                     std::vector<LintFinding>* out) {
  auto missing = [&](const Holder& h, std::string_view what, const std::string& id,
                     std::string sub) {
    LintFinding f = At(h, "missing-reference", LintLevel::kError, std::move(sub));
    f.message = absl::StrCat(h.Describe(), " refers to ", Sv(what), " ", id,
                             ", which the snapshot does not have: that part of the condition "
                             "holds for nobody");
    out->push_back(std::move(f));
  };
  std::set<std::string> group_ids;
  for (const Group& g : s.groups) group_ids.insert(g.id);
  for (const Holder& h : Holders(s)) {
    const Conditions& c = h.conditions();
    if (c.network) {
      for (const auto& [list, name] :
           {std::pair{&c.network->include, "include"}, std::pair{&c.network->exclude, "exclude"}}) {
        for (size_t i = 0; i < list->size(); ++i) {
          const std::string& id = (*list)[i];
          if (id == kAllZones) continue;
          const std::string sub = absl::StrCat("/conditions/network/", name, "/", i);
          const NetworkZone* z = s.FindZone(id);
          if (z == nullptr) {
            missing(h, "zone", id, sub);
          } else if (!z->active) {
            LintFinding f = At(h, "inactive-zone-reference", LintLevel::kWarning, sub);
            f.zone_id = z->id;
            f.message =
                absl::StrCat(h.Describe(), " lists INACTIVE zone \"", z->name, "\" (", z->id,
                             ") in network.", name, ": an inactive zone holds nobody");
            out->push_back(std::move(f));
          }
        }
      }
    }
    if (c.people && s.has_groups_file) {
      for (const auto& [list, name] : {std::pair{&c.people->groups.include, "include"},
                                       std::pair{&c.people->groups.exclude, "exclude"}}) {
        for (size_t i = 0; i < list->size(); ++i) {
          const std::string& id = (*list)[i];
          if (group_ids.count(id) == 0 && !facts.IsEveryoneGroup(id)) {
            missing(h, "group", id, absl::StrCat("/conditions/people/groups/", name, "/", i));
          }
        }
      }
    }
    if (c.people && lists.users) {
      for (const auto& [list, name] : {std::pair{&c.people->users.include, "include"},
                                       std::pair{&c.people->users.exclude, "exclude"}}) {
        for (size_t i = 0; i < list->size(); ++i) {
          if (lists.users->count((*list)[i]) == 0) {
            missing(h, "user", (*list)[i], absl::StrCat("/conditions/people/users/", name, "/", i));
          }
        }
      }
    }
    if (c.risk && s.has_behaviors_file) {
      for (size_t i = 0; i < c.risk->behaviors.size(); ++i) {
        if (facts.BehaviorDefinition(c.risk->behaviors[i]) == nullptr) {
          missing(h, "behavior", c.risk->behaviors[i],
                  absl::StrCat("/conditions/risk/behaviors/", i));
        }
      }
    }
    if (c.app && s.has_apps_file) {
      for (const auto& [list, name] :
           {std::pair{&c.app->include, "include"}, std::pair{&c.app->exclude, "exclude"}}) {
        for (size_t i = 0; i < list->size(); ++i) {
          const AppRef& a = (*list)[i];
          if (a.type == "APP" && !a.id.empty() && s.FindApp(a.id) == nullptr) {
            missing(h, "app", a.id, absl::StrCat("/conditions/app/", name, "/", i));
          }
        }
      }
    }
    if (c.identity_provider && lists.idps) {
      for (size_t i = 0; i < c.identity_provider->idp_ids.size(); ++i) {
        if (lists.idps->count(c.identity_provider->idp_ids[i]) == 0) {
          missing(h, "identity provider", c.identity_provider->idp_ids[i],
                  absl::StrCat("/conditions/identityProvider/idpIds/", i));
        }
      }
    }
    // A DYNAMIC rule's providers are ignored by routing (the loader warns
    // rule.dynamic_providers): not references.
    if (h.rule != nullptr && h.rule->idp && h.rule->idp->selection_type != "DYNAMIC" &&
        lists.idps) {
      const auto& providers = h.rule->idp->providers;
      for (size_t i = 0; i < providers.size(); ++i) {
        if (providers[i].type != "OKTA" && !providers[i].id.empty() &&
            lists.idps->count(providers[i].id) == 0) {
          missing(h, "identity provider", providers[i].id,
                  absl::StrCat("/actions/idp/providers/", i));
        }
      }
    }
    if (c.device && lists.device_assurances) {
      for (size_t i = 0; i < c.device->assurance_include.size(); ++i) {
        if (lists.device_assurances->count(c.device->assurance_include[i]) == 0) {
          missing(h, "device assurance policy", c.device->assurance_include[i],
                  absl::StrCat("/conditions/device/assurance/include/", i));
        }
      }
    }
  }
  if (s.has_apps_file) {
    for (const Policy& p : s.policies) {
      for (const std::string& app : p.mapped_app_ids) {
        if (s.FindApp(app) != nullptr) continue;
        LintFinding f;
        f.code = "missing-reference";
        f.level = LintLevel::kError;
        f.policy_id = p.id;
        f.file = absl::StrCat("policy-mappings/", p.id, ".json");
        f.message = absl::StrCat("policy \"", p.name, "\" (", p.id, ") is mapped to app ", app,
                                 ", which apps.json does not have");
        out->push_back(std::move(f));
      }
    }
  }
}

void CheckZones(const Snapshot& s, const SnapshotFacts& facts, const ReferenceEvaluator& ref,
                std::vector<LintFinding>* out) {
  // blocklist-exempt-overlap: addresses a blocklist zone lists that the
  // exempt zone lets through anyway.
  const NetworkZone* exempt = facts.default_exempt_zone();
  if (exempt != nullptr && exempt->active) {
    const IpSet exempt_ips = IpSet::Of(exempt->gateways);
    for (size_t i = 0; i < s.zones.size(); ++i) {
      const NetworkZone& z = s.zones[i];
      if (!z.active || z.usage != ZoneUsage::kBlocklist || z.type != ZoneType::kIp) continue;
      const IpSet overlap = IpSet::Of(z.gateways).Union(IpSet::Of(z.proxies)).Intersect(exempt_ips);
      if (overlap.empty()) continue;
      SignOnContext ctx;
      ctx.id = "lint-witness";
      ctx.ip_chain.push_back(IpAddress::FromV6(overlap.ranges.front().first));
      const PolicyType type = s.Types().empty() ? PolicyType::kOktaSignOn : s.Types().front();
      ctx.policy_types = {type};
      if (ref.Evaluate(ctx, type).blocked) continue;  // the evaluator disagrees: no finding
      LintFinding f;
      f.code = "blocklist-exempt-overlap";
      f.level = LintLevel::kWarning;
      f.zone_id = z.id;
      f.file = "zones.json";
      f.pointer = absl::StrCat("/", i);
      f.message = absl::StrCat("blocklist zone \"", z.name, "\" (", z.id, ") lists addresses that ",
                               "DefaultExemptIpZone \"", exempt->name,
                               "\" exempts: they are never blocked (the witness's IP is one)");
      f.witness = std::move(ctx);
      out->push_back(std::move(f));
    }
  }
  // zone-overlap: an IP zone of a list whose addresses all lie in another
  // zone of the same list adds nothing to it. Only zones without proxies:
  // a proxy entry makes membership depend on the chain.
  std::map<const NetworkZone*, IpSet> gateways;
  auto gateways_of = [&gateways](const NetworkZone* z) -> const IpSet& {
    auto it = gateways.find(z);
    if (it == gateways.end()) it = gateways.emplace(z, IpSet::Of(z->gateways)).first;
    return it->second;
  };
  for (const Holder& h : Holders(s)) {
    const Conditions& c = h.conditions();
    if (!c.network) continue;
    for (const auto& [list, name] :
         {std::pair{&c.network->include, "include"}, std::pair{&c.network->exclude, "exclude"}}) {
      for (size_t a = 0; a < list->size(); ++a) {
        const NetworkZone* za = s.FindZone((*list)[a]);
        if (za == nullptr || !za->active || za->type != ZoneType::kIp || !za->proxies.empty() ||
            za->gateways.empty()) {
          continue;
        }
        const IpSet& ia = gateways_of(za);
        for (size_t b = 0; b < list->size(); ++b) {
          const NetworkZone* zb = s.FindZone((*list)[b]);
          if (b == a || zb == nullptr || zb == za || !zb->active || zb->type != ZoneType::kIp) {
            continue;
          }
          const IpSet& ib = gateways_of(zb);
          if (!ib.Includes(ia)) continue;
          // Equal zones: report only the later one.
          if (ia.Includes(ib) && zb->proxies.empty() && b > a) continue;
          LintFinding f = At(h, "zone-overlap", LintLevel::kNote,
                             absl::StrCat("/conditions/network/", name, "/", a));
          f.zone_id = za->id;
          f.message = absl::StrCat("zone \"", za->name, "\" (", za->id, ") in network.", name,
                                   " of ", h.Describe(), " lies inside zone \"", zb->name, "\" (",
                                   zb->id, ") listed beside it: it adds nothing");
          out->push_back(std::move(f));
          break;
        }
      }
    }
  }
}

void CheckPriorities(const Snapshot& s, std::vector<LintFinding>* out) {
  for (PolicyType type : s.Types()) {
    std::map<int64_t, const Policy*> seen;
    for (const Policy* p : s.PoliciesOfType(type)) {
      if (!p->active || !p->priority) continue;
      auto [it, added] = seen.try_emplace(*p->priority, p);
      if (added) continue;
      LintFinding f;
      f.code = "priority-tie";
      f.level = LintLevel::kWarning;
      f.policy_id = p->id;
      f.file = p->file;
      f.pointer = absl::StrCat(p->pointer, "/priority");
      f.message =
          absl::StrCat("policies \"", it->second->name, "\" (", it->second->id, ") and \"", p->name,
                       "\" (", p->id, ") of type ", Sv(PolicyTypeName(type)), " share priority ",
                       *p->priority, ": Verdict orders them by id, Okta does not say how");
      out->push_back(std::move(f));
    }
  }
  for (const Policy& p : s.policies) {
    std::map<int64_t, const Rule*> seen;
    for (const Rule& r : p.rules) {
      if (!r.active || !r.priority) continue;
      auto [it, added] = seen.try_emplace(*r.priority, &r);
      if (added) continue;
      LintFinding f;
      f.code = "priority-tie";
      f.level = LintLevel::kWarning;
      f.policy_id = p.id;
      f.rule_id = r.id;
      f.file = r.file;
      f.pointer = absl::StrCat(r.pointer, "/priority");
      f.message = absl::StrCat("rules \"", it->second->name, "\" (", it->second->id, ") and \"",
                               r.name, "\" (", r.id, ") of policy \"", p.name, "\" share priority ",
                               *r.priority, ": Verdict orders them by id, Okta does not say how");
      out->push_back(std::move(f));
    }
  }
}

void CheckExpressions(const Snapshot& s, const SnapshotFacts& facts,
                      std::vector<LintFinding>* out) {
  for (const Holder& h : Holders(s)) {
    if (!h.policy->active || (h.rule != nullptr && !h.rule->active)) continue;
    const Conditions& c = h.conditions();
    std::string sub;
    std::string why;
    if (c.el_condition) {
      // The fragment the solver decides (expression_cells.h) is analysed.
      const ConditionPrograms& programs = facts.ProgramsOf(c);
      if (programs.el != nullptr && EncodableExpression(*programs.el, &why)) continue;
      if (programs.el == nullptr) why = std::string(programs.el_error.message());
      sub = "/conditions/elCondition/condition";
    } else if (c.platform) {
      for (size_t i = 0; i < c.platform->include.size() && sub.empty(); ++i) {
        if (!c.platform->include[i].os_expression.empty()) {
          sub = absl::StrCat("/conditions/platform/include/", i, "/os/expression");
        }
      }
    }
    if (sub.empty()) continue;
    LintFinding f = At(h, "expression-unanalysable", LintLevel::kNote, sub);
    f.message =
        absl::StrCat("the Expression Language condition of ", h.Describe(), " is not analysed",
                     why.empty() ? "" : absl::StrCat(" (", why, ")"),
                     ": lint treats it as possibly true and possibly false, so findings that "
                     "depend on it are not reported");
    out->push_back(std::move(f));
  }
}

}  // namespace verdict::internal::lint
