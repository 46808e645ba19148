// The symbolic form of people, group selection, network and behaviors. Each
// function restates the rule of the function of conditions.cc it names; read
// them side by side.
#include "lib/eval/condition_terms.h"

#include <algorithm>
#include <string>
#include <vector>

namespace verdict::internal {
namespace {

Literal Lit(Literal::Kind kind, std::string id = {}, const NetworkZone* zone = nullptr) {
  Literal l;
  l.kind = kind;
  l.id = std::move(id);
  l.zone = zone;
  return l;
}

Literal Not(Literal l) {
  l.negated = !l.negated;
  return l;
}

// "In group g" as UserInAnyGroup sees it: Okta's Everyone group holds every
// user, so membership there is "has a user".
Literal GroupLiteral(const std::string& group, const SnapshotFacts& facts) {
  if (facts.IsEveryoneGroup(group)) return Lit(Literal::Kind::kHasUser);
  return Lit(Literal::Kind::kInGroup, group);
}

// `term` AND each literal of `more`.
Term With(Term term, const Term& more) {
  term.insert(term.end(), more.begin(), more.end());
  return term;
}

// "In a listed zone" over resolved entries (InAnyListedZone): a missing or
// INACTIVE zone holds nobody, so it contributes no literal.
std::vector<Literal> ZoneLiterals(const std::vector<ResolvedNetwork::Entry>& entries) {
  std::vector<Literal> out;
  for (const ResolvedNetwork::Entry& e : entries) {
    if (e.all_zones) {
      out.push_back(Lit(Literal::Kind::kInAllZonesZone));
    } else if (e.zone != nullptr && e.zone->active) {
      out.push_back(Lit(Literal::Kind::kInZone, e.zone->id, e.zone));
    }
  }
  return out;
}

}  // namespace

// PeopleHolds: (no include, or user listed, or in a listed group) and not a
// listed excluded user and in no excluded group; without a user includes
// fail (every include literal implies a user) and excludes hold.
Terms PeopleTerms(const PeopleCondition& people, const SnapshotFacts& facts,
                  bool skip_group_include) {
  Term excludes;
  for (const std::string& u : people.users.exclude) {
    excludes.push_back(Not(Lit(Literal::Kind::kUserIs, u)));
  }
  for (const std::string& g : people.groups.exclude) {
    excludes.push_back(Not(GroupLiteral(g, facts)));
  }
  const bool groups_include = !skip_group_include && !people.groups.include.empty();
  if (people.users.include.empty() && !groups_include) return {excludes};
  Terms out;
  for (const std::string& u : people.users.include) {
    out.push_back(With({Lit(Literal::Kind::kUserIs, u)}, excludes));
  }
  if (groups_include) {
    for (const std::string& g : people.groups.include) {
      out.push_back(With({GroupLiteral(g, facts)}, excludes));
    }
  }
  return out;
}

Terms AnyGroupTerms(const std::vector<std::string>& groups, const SnapshotFacts& facts) {
  Terms out;
  for (const std::string& g : groups) out.push_back({GroupLiteral(g, facts)});
  return out;
}

// NetworkHolds: ANYWHERE holds; ON_NETWORK is "in LegacyIpZone" (never
// without one), OFF_NETWORK its negation; ZONE: in a listed zone (when any
// is listed) and in no excluded one.
Terms NetworkTerms(const NetworkCondition& network, const SnapshotFacts& facts) {
  switch (network.connection) {
    case NetworkConnection::kAnywhere:
      return {Term{}};
    case NetworkConnection::kOnNetwork:
    case NetworkConnection::kOffNetwork: {
      const bool want_on = network.connection == NetworkConnection::kOnNetwork;
      const NetworkZone* legacy = facts.legacy_ip_zone();
      if (legacy == nullptr || !legacy->active) return want_on ? Terms{} : Terms{Term{}};
      Literal in = Lit(Literal::Kind::kInZone, legacy->id, legacy);
      return {Term{want_on ? in : Not(in)}};
    }
    case NetworkConnection::kZone:
      break;
  }
  const ResolvedNetwork* resolved = facts.Resolve(network);
  if (resolved == nullptr) return {};
  Term excludes;
  for (const Literal& l : ZoneLiterals(resolved->exclude)) excludes.push_back(Not(l));
  if (resolved->include.empty()) return {excludes};
  Terms out;
  for (const Literal& l : ZoneLiterals(resolved->include)) out.push_back(With({l}, excludes));
  return out;
}

// BehaviorsHold: no behavior listed holds; else any listed one detected.
Terms BehaviorTerms(const RiskBehaviorCondition& risk) {
  if (risk.behaviors.empty()) return {Term{}};
  Terms out;
  for (const std::string& b : risk.behaviors) out.push_back({Lit(Literal::Kind::kBehavior, b)});
  return out;
}

bool LiteralHolds(const Literal& literal, const ConditionInputs& in) {
  const SignOnContext& ctx = in.context;
  switch (literal.kind) {
    case Literal::Kind::kHasUser:
      return ctx.has_user();
    case Literal::Kind::kUserIs:
      return ctx.has_user() && ctx.user.id == literal.id;
    case Literal::Kind::kInGroup:
      return UserInAnyGroup({literal.id}, in, nullptr);
    case Literal::Kind::kInZone:
      return in.zones.InZone(*literal.zone, nullptr);
    case Literal::Kind::kInAllZonesZone:
      return in.zones.InAnyAllZonesZone(nullptr);
    case Literal::Kind::kBehavior: {
      RiskBehaviorCondition one;
      one.behaviors.push_back(literal.id);
      return BehaviorsHold(one, in, nullptr);
    }
  }
  return false;
}

}  // namespace verdict::internal
