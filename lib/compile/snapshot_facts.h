// What both evaluators need to know about a snapshot beyond its plain model,
// derived once: every expression compiled (malformed ones reported), which
// group ids are Okta's Everyone group, which behaviors.json entry a rule's
// behavior string names, the system zones, and every network condition with
// its zone ids resolved.
//
// Compile() builds one for its CompiledPolicySet; a ReferenceEvaluator made
// from a bare Snapshot builds its own. The condition functions of
// lib/eval/conditions.h read it. Immutable once built; safe to share across
// threads. Holds pointers into the snapshot, which must outlive it and must
// not move.
#ifndef VERDICT_LIB_COMPILE_SNAPSHOT_FACTS_H_
#define VERDICT_LIB_COMPILE_SNAPSHOT_FACTS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "verdict/expression.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict::internal {

// The compiled expressions of one Conditions object.
struct ConditionPrograms {
  // elCondition: the program, or null with `el_error` saying why (then the
  // condition never holds).
  std::shared_ptr<const CompiledExpression> el;
  absl::Status el_error;
  // userIdentifier patterns, parallel to `patterns`: the RE2 program of an
  // EXPRESSION pattern, null for other match types and invalid patterns (an
  // invalid pattern matches nothing).
  std::vector<std::shared_ptr<const CompiledRegex>> user_identifier;
  // platform os.expression, for platform.include's entries then
  // platform.exclude's; null where an entry has none. `platform_os_error` is
  // the first malformed one: the platform condition then never holds.
  std::vector<std::shared_ptr<const CompiledExpression>> platform_os;
  absl::Status platform_os_error;
};

// A network condition with its zone ids looked up once.
struct ResolvedNetwork {
  struct Entry {
    std::string_view id;                // as listed
    bool all_zones = false;             // the special id ALL_ZONES
    const NetworkZone* zone = nullptr;  // null: no zone with that id
  };
  std::vector<Entry> include;
  std::vector<Entry> exclude;
};

class SnapshotFacts {
 public:
  // Derives the facts of `snapshot`. Every expression that does not compile
  // is a warning (code "rule.bad_expression", file, JSON pointer and column)
  // appended to `issues` (may be null).
  static std::unique_ptr<const SnapshotFacts> Build(const Snapshot& snapshot, IssueList* issues);

  const Snapshot& snapshot() const { return snapshot_; }
  const ExpressionData& expression_data() const { return expression_data_; }

  // The compiled expressions of `conditions` (an object of this snapshot);
  // empty programs when it has none. For an object of another snapshot (a
  // copy), programs whose errors make every expression condition fail:
  // never a silent match.
  const ConditionPrograms& ProgramsOf(const Conditions& conditions) const;
  // The providerExpressions of an IDP_DISCOVERY rule, parallel to its
  // matchCriteria (null where malformed); empty for other rules.
  absl::Span<const std::shared_ptr<const CompiledExpression>> IdpCriteriaOf(const Rule& rule) const;
  // `network` (an object of this snapshot) with its zones looked up; null
  // for an object of another snapshot (the condition then never holds).
  const ResolvedNetwork* Resolve(const NetworkCondition& network) const;

  // Okta's Everyone group holds every user (docs/semantics.md A1 #5): the
  // OAuth spelling "EVERYONE", and the groups.json entry of type BUILT_IN
  // named Everyone (the first entry with an id decides).
  bool IsEveryoneGroup(std::string_view group_id) const;
  const absl::flat_hash_set<std::string>& everyone_group_ids() const { return everyone_; }

  // The behaviors.json entry a rule's behavior string names: the last one
  // whose id equals it or whose name equals it ignoring case; null if none.
  const Behavior* BehaviorDefinition(std::string_view wanted) const;

  // The system zones the network condition and the blocklist refer to:
  // LegacyIpZone (ON_NETWORK) and DefaultExemptIpZone, found by their
  // properties (system, type, usage, useAsExemptList), not by their names,
  // which admins may change; null when the snapshot has none.
  const NetworkZone* legacy_ip_zone() const { return legacy_ip_zone_; }
  const NetworkZone* default_exempt_zone() const { return default_exempt_zone_; }
  // The conditions that read the user's group memberships beyond Everyone
  // (people.groups, groups, expressions calling isMemberOf and friends), in
  // snapshot order: a context without memberships cannot be decided there.
  const std::vector<SnapshotLocation>& group_membership_readers() const {
    return group_membership_readers_;
  }

  // The catalog `name` of the apps.json app with this id ("" when apps.json
  // has no such app): what an `app` condition's APP_TYPE entry names.
  std::string_view AppNameOf(std::string_view app_id) const;

  // Whether ALL_ZONES covers `zone`: every POLICY-usage zone except
  // DefaultExemptIpZone (activity is checked where membership is).
  bool AllZonesCovers(const NetworkZone& zone) const;

 private:
  explicit SnapshotFacts(const Snapshot& snapshot);

  const Snapshot& snapshot_;
  ExpressionData expression_data_;
  absl::flat_hash_map<const Conditions*, ConditionPrograms> programs_;
  absl::flat_hash_map<const Rule*, std::vector<std::shared_ptr<const CompiledExpression>>>
      idp_criteria_;
  absl::flat_hash_map<const NetworkCondition*, ResolvedNetwork> networks_;
  absl::flat_hash_set<std::string> everyone_;
  absl::flat_hash_map<std::string, const Behavior*> behavior_definitions_;
  absl::flat_hash_map<std::string_view, std::string_view> app_names_;  // app id -> name
  std::vector<SnapshotLocation> group_membership_readers_;
  const NetworkZone* legacy_ip_zone_ = nullptr;
  const NetworkZone* default_exempt_zone_ = nullptr;
  // The answer for conditions that are not part of this snapshot.
  ConditionPrograms foreign_programs_;
};

}  // namespace verdict::internal

#endif  // VERDICT_LIB_COMPILE_SNAPSHOT_FACTS_H_
