// ContextChecker (built once per snapshot) against the check it replaced:
// CheckContext as it was before the checker, a per-call scan of the
// snapshot's groups, behaviors, zones and apps, kept below as the oracle.
// Both must give the same warnings, byte for byte and in the same order, on
// the fixture org and contexts, synthetic orgs and contexts, and contexts
// mutated to hit every branch (names for ids, case changes, near typos,
// unknown references, the EVERYONE alias).
#include "verdict/context_checker.h"

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/model/did_you_mean.h"
#include "lib/model/json_walker.h"
#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/snapshot.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

// ---------------------------------------------------------------- the oracle

using model_internal::DidYouMean;
using model_internal::Ptr;
using model_internal::Quoted;

bool IEquals(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

template <typename T, typename NameOf>
void OldCheckRefs(const std::vector<std::string>& refs, const std::vector<T>& objects,
                  std::string_view kind, const std::string& pointer, NameOf name_of,
                  const std::string& file, IssueList* warnings) {
  std::vector<std::string_view> candidates;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string& ref = refs[i];
    if (ref == "EVERYONE" && kind == "group") continue;
    bool by_id = false;
    for (const T& o : objects) by_id = by_id || o.id == ref;
    if (by_id) continue;
    const T* by_name = nullptr;
    for (const T& o : objects) {
      if (IEquals(name_of(o), ref)) {
        by_name = &o;
        break;
      }
    }
    if (by_name == nullptr && candidates.empty()) {
      for (const T& o : objects) candidates.push_back(o.id);
      for (const T& o : objects) candidates.push_back(name_of(o));
    }
    const std::string k(kind);
    Issue w;
    w.severity = Issue::Severity::kWarning;
    w.file = file;
    w.pointer = Ptr(pointer, i);
    if (by_name != nullptr) {
      w.code = absl::StrCat("context.", k, "_by_name");
      w.message = absl::StrCat(Quoted(ref), " is the name of ", k, " ", Quoted(by_name->id),
                               "; contexts give ids (did you mean ", Quoted(by_name->id), "?)");
    } else {
      w.code = absl::StrCat("context.unknown_", k);
      w.message = absl::StrCat("unknown ", k, " ", Quoted(ref), ": the snapshot has none",
                               DidYouMean(ref, candidates));
    }
    warnings->push_back(std::move(w));
  }
}

void OldCheckContext(const SignOnContext& context, const Snapshot& snapshot,
                     const std::string& file, IssueList* warnings) {
  if (snapshot.has_groups_file) {
    OldCheckRefs(
        context.user.groups, snapshot.groups, "group", "/user/groups",
        [](const Group& g) -> std::string_view { return g.name; }, file, warnings);
  }
  if (snapshot.has_behaviors_file) {
    for (size_t i = 0; i < context.behaviors.size(); ++i) {
      bool known = false;
      for (const Behavior& b : snapshot.behaviors) {
        known = known || b.id == context.behaviors[i] || IEquals(b.name, context.behaviors[i]);
      }
      if (known) continue;
      std::vector<std::string_view> names;
      for (const Behavior& b : snapshot.behaviors) names.push_back(b.name);
      warnings->push_back({Issue::Severity::kWarning, "context.unknown_behavior", file,
                           Ptr("/behaviors", i),
                           absl::StrCat("unknown behavior ", Quoted(context.behaviors[i]),
                                        ": the snapshot's behaviors.json has none by that id "
                                        "or name",
                                        DidYouMean(context.behaviors[i], names))});
    }
  }
  if (context.zones.has_value()) {
    OldCheckRefs(
        *context.zones, snapshot.zones, "zone", "/zones",
        [](const NetworkZone& z) -> std::string_view { return z.name; }, file, warnings);
  }
  if (snapshot.has_apps_file && !context.app_id.empty()) {
    std::vector<std::string> app = {context.app_id};
    IssueList app_warnings;
    OldCheckRefs(
        app, snapshot.apps, "app", "/app",
        [](const Application& a) -> std::string_view { return a.label; }, file, &app_warnings);
    for (Issue& w : app_warnings) {
      w.pointer = "/app";
      warnings->push_back(std::move(w));
    }
  }
}

// ---------------------------------------------------------------- comparison

std::string Text(const IssueList& warnings) {
  std::string out;
  for (const Issue& w : warnings) {
    absl::StrAppend(&out, static_cast<int>(w.severity), "|", w.code, "|", w.file, "|", w.pointer,
                    "|", w.message, "\n");
  }
  return out;
}

// Compares the checker, CheckContext and the oracle on `context`; returns
// how many warnings the oracle gave.
size_t ExpectSameWarnings(const ContextChecker& checker, const Snapshot& snapshot,
                          const SignOnContext& context, const std::string& label) {
  IssueList want, got, per_call;
  OldCheckContext(context, snapshot, "contexts.jsonl", &want);
  checker.Check(context, "contexts.jsonl", &got);
  CheckContext(context, snapshot, "contexts.jsonl", &per_call);
  EXPECT_EQ(Text(got), Text(want)) << label;
  EXPECT_EQ(Text(per_call), Text(want)) << label;
  return want.size();
}

// A near typo of `s`: one character changed, dropped or doubled.
std::string Typo(const std::string& s, std::mt19937_64& rng) {
  if (s.empty()) return "x";
  std::string out = s;
  const size_t at = rng() % out.size();
  switch (rng() % 3) {
    case 0:
      out[at] = out[at] == 'x' ? 'y' : 'x';
      break;
    case 1:
      out.erase(at, 1);
      break;
    default:
      out.insert(at, 1, out[at]);
  }
  return out;
}

std::string CaseFlip(const std::string& s, std::mt19937_64& rng) {
  std::string out = s;
  for (char& c : out) {
    if (rng() % 2 != 0) {
      c = absl::ascii_isupper(static_cast<unsigned char>(c))
              ? absl::ascii_tolower(static_cast<unsigned char>(c))
              : absl::ascii_toupper(static_cast<unsigned char>(c));
    }
  }
  return out;
}

// A reference to one of `objects` in any of the forms a user might type.
template <typename T, typename NameOf>
std::string SomeRef(const std::vector<T>& objects, NameOf name_of, std::mt19937_64& rng) {
  if (objects.empty() || rng() % 8 == 0) return absl::StrCat("unknown", rng() % 1000);
  const T& o = objects[rng() % objects.size()];
  const std::string name(name_of(o));
  switch (rng() % 6) {
    case 0:
      return o.id;
    case 1:
      return name;
    case 2:
      return CaseFlip(name, rng);
    case 3:
      return Typo(o.id, rng);
    case 4:
      return Typo(name, rng);
    default:
      return CaseFlip(o.id, rng);
  }
}

void Mutate(const Snapshot& s, std::mt19937_64& rng, SignOnContext* c) {
  auto group_name = [](const Group& g) -> std::string_view { return g.name; };
  auto zone_name = [](const NetworkZone& z) -> std::string_view { return z.name; };
  auto app_label = [](const Application& a) -> std::string_view { return a.label; };
  auto behavior_name = [](const Behavior& b) -> std::string_view { return b.name; };
  for (uint64_t n = rng() % 4; n > 0; --n)
    c->user.groups.push_back(SomeRef(s.groups, group_name, rng));
  if (rng() % 10 == 0) c->user.groups.push_back("EVERYONE");
  if (rng() % 10 == 0) c->user.groups.push_back("everyone");
  for (uint64_t n = rng() % 3; n > 0; --n) {
    c->behaviors.push_back(SomeRef(s.behaviors, behavior_name, rng));
  }
  if (rng() % 3 == 0) {
    c->zones.emplace();
    for (uint64_t n = rng() % 4; n > 0; --n) c->zones->push_back(SomeRef(s.zones, zone_name, rng));
  }
  if (rng() % 2 == 0) c->app_id = SomeRef(s.apps, app_label, rng);
}

TEST(ContextChecker, AgreesWithThePerCallCheckOnTheFixtures) {
  IssueList issues;
  absl::StatusOr<Snapshot> org = LoadSnapshot(VERDICT_SOURCE_DIR "/fixtures/org", &issues);
  ASSERT_TRUE(org.ok()) << org.status();
  const ContextChecker checker(*org);
  std::ifstream in(VERDICT_SOURCE_DIR "/fixtures/contexts.jsonl");
  std::string line;
  std::mt19937_64 rng(20);
  size_t lines = 0, warned = 0;
  while (std::getline(in, line)) {
    absl::StatusOr<SignOnContext> c = ParseContext(line);
    if (!c.ok()) continue;
    ++lines;
    warned += ExpectSameWarnings(checker, *org, *c, line);
    for (int k = 0; k < 4; ++k) {
      SignOnContext mutated = *c;
      Mutate(*org, rng, &mutated);
      warned += ExpectSameWarnings(checker, *org, mutated, absl::StrCat(line, " mutated"));
    }
  }
  EXPECT_GT(lines, 100u);
  EXPECT_GT(warned, 100u);
}

TEST(ContextChecker, AgreesWithThePerCallCheckOnSyntheticOrgs) {
  std::mt19937_64 rng(7);
  size_t warned = 0;
  for (int rules : {10, 100, 2000}) {
    Snapshot org = synth::GenerateOrg(synth::BenchOrgOptions(rules));
    for (bool files : {true, false}) {
      org.has_groups_file = org.has_behaviors_file = org.has_apps_file = files;
      const ContextChecker checker(org);
      std::vector<SignOnContext> contexts = synth::GenerateContexts(org, 200, rules);
      for (size_t i = 0; i < contexts.size(); ++i) {
        SignOnContext& c = contexts[i];
        const std::string label = absl::StrCat(rules, " rules, context ", i);
        warned += ExpectSameWarnings(checker, org, c, label);
        if (i % 4 == 0) synth::ToZoneForm(org, i, &c);
        Mutate(org, rng, &c);
        warned += ExpectSameWarnings(checker, org, c, label + " mutated");
      }
    }
  }
  EXPECT_GT(warned, 1000u);
}

TEST(ContextChecker, EmptySnapshotAndNullWarnings) {
  Snapshot empty;
  empty.has_groups_file = empty.has_behaviors_file = empty.has_apps_file = true;
  const ContextChecker checker(empty);
  SignOnContext c;
  c.user.id = "00u1";
  c.user.groups = {"00g1", "EVERYONE"};
  c.behaviors = {"New IP"};
  c.zones = std::vector<std::string>{"nzo1"};
  c.app_id = "0oa1";
  EXPECT_EQ(ExpectSameWarnings(checker, empty, c, "empty snapshot"), 4u);
  checker.Check(c, "f", nullptr);  // no-op
}

TEST(ContextChecker, ParseAndCheckContextUsesTheChecker) {
  Snapshot org;
  org.has_groups_file = true;
  org.groups.push_back({"00g1", "Sales", "OKTA_GROUP"});
  const ContextChecker checker(org);
  ContextCheckOptions with_checker;
  with_checker.checker = &checker;
  with_checker.file = "c.jsonl";
  ContextCheckOptions with_snapshot;
  with_snapshot.snapshot = &org;
  with_snapshot.file = "c.jsonl";
  const std::string line = R"({"user": {"id": "00u1", "groups": ["sales", "00g2"]}})";
  IssueList a, b;
  ASSERT_TRUE(ParseAndCheckContext(line, with_checker, &a).ok());
  ASSERT_TRUE(ParseAndCheckContext(line, with_snapshot, &b).ok());
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].code, "context.group_by_name");
  EXPECT_EQ(Text(a), Text(b));
}

}  // namespace
}  // namespace verdict
