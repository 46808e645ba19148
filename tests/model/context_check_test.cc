// Typos a CI gate must not pass silently: unknown context fields (with the
// field that was meant), groups given by name, and behaviors, zones and apps
// the snapshot does not have; --strict turns each into an error.
#include "verdict/context_check.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/did_you_mean.h"
#include "verdict/context.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Found {
  std::string code;
  std::string pointer;
  std::string message;
};

std::vector<Found> Warnings(const std::string& json, const Snapshot* snapshot = nullptr) {
  ContextCheckOptions options;
  options.snapshot = snapshot;
  options.file = "contexts.jsonl";
  IssueList warnings;
  absl::StatusOr<SignOnContext> context = ParseAndCheckContext(json, options, &warnings);
  EXPECT_TRUE(context.ok()) << context.status();
  std::vector<Found> out;
  for (const Issue& w : warnings) {
    EXPECT_FALSE(w.is_error());
    EXPECT_EQ(w.file, "contexts.jsonl");
    out.push_back({w.code, w.pointer, w.message});
  }
  return out;
}

TEST(ContextFieldCheck, UnknownFieldsAreWarnedWithTheFieldMeant) {
  std::vector<Found> w = Warnings(
      R"({"ipaddress": "192.0.2.1", "user": {"id": "00u1", "grups": ["00g1"]},
          "device": {"managd": true}, "sesion": {}, "$comment": "fine", "_note": 1,
          "verdictLog": {}})");
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].code, "context.unknown_field");
  EXPECT_EQ(w[0].pointer, "/ipaddress");
  EXPECT_THAT(w[0].message, HasSubstr("did you mean \"ip\"?"));
  EXPECT_EQ(w[1].pointer, "/sesion");
  EXPECT_THAT(w[1].message, HasSubstr("did you mean \"session\"?"));
  EXPECT_EQ(w[2].pointer, "/user/grups");
  EXPECT_THAT(w[2].message, HasSubstr("did you mean \"groups\"?"));
  EXPECT_EQ(w[3].pointer, "/device/managd");
  EXPECT_THAT(w[3].message, HasSubstr("did you mean \"managed\"?"));
  // A field with nothing close gets no suggestion.
  w = Warnings(R"({"favouriteColour": "blue"})");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_THAT(w[0].message, testing::Not(HasSubstr("did you mean")));
  // The contract's own fields are never warned about.
  EXPECT_THAT(Warnings(R"({"id": "c", "ip": "192.0.2.1", "user": {"groups": []},
                           "geo": {"country": "US"}, "session": {"amr": []}})"),
              IsEmpty());
}

Snapshot SnapshotWithFiles() {
  Snapshot s;
  s.has_groups_file = true;
  s.groups = {{"00gEveryone", "Everyone", "BUILT_IN"}, {"00gSales", "Sales", "OKTA_GROUP"}};
  s.has_behaviors_file = true;
  s.behaviors = {{"abcNewIp", "New IP", "VELOCITY"}};
  NetworkZone z;
  z.id = "nzoOffice";
  z.name = "Office";
  s.zones.push_back(z);
  s.has_apps_file = true;
  Application app;
  app.id = "0oaCrm";
  app.label = "CRM";
  s.apps.push_back(app);
  return s;
}

TEST(ContextSnapshotCheck, GroupsByNameAndUnknownReferences) {
  const Snapshot s = SnapshotWithFiles();
  std::vector<Found> w = Warnings(
      R"({"user": {"id": "00u1", "groups": ["00gSales", "sales", "00gSale", "EVERYONE"]},
          "behaviors": ["new ip", "abcNewIp", "New Ipp"], "zones": ["nzoOffice", "Office"],
          "app": "CRM"})",
      &s);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0].code, "context.group_by_name");
  EXPECT_EQ(w[0].pointer, "/user/groups/1");
  EXPECT_THAT(w[0].message, HasSubstr("did you mean \"00gSales\"?"));
  EXPECT_EQ(w[1].code, "context.unknown_group");
  EXPECT_EQ(w[1].pointer, "/user/groups/2");
  EXPECT_THAT(w[1].message, HasSubstr("did you mean \"00gSales\"?"));
  EXPECT_EQ(w[2].code, "context.unknown_behavior");
  EXPECT_EQ(w[2].pointer, "/behaviors/2");
  EXPECT_THAT(w[2].message, HasSubstr("did you mean \"New IP\"?"));
  EXPECT_EQ(w[3].code, "context.zone_by_name");
  EXPECT_EQ(w[3].pointer, "/zones/1");
  EXPECT_EQ(w[4].code, "context.app_by_name");
  EXPECT_EQ(w[4].pointer, "/app");
  // Without groups.json, a group id cannot be checked: no warning.
  Snapshot bare;
  EXPECT_THAT(Warnings(R"({"user": {"groups": ["sales"]}, "behaviors": ["x"]})", &bare), IsEmpty());
}

TEST(ContextSnapshotCheck, StrictMakesTheFirstWarningTheError) {
  const Snapshot s = SnapshotWithFiles();
  ContextCheckOptions options;
  options.snapshot = &s;
  options.warnings_are_errors = true;
  IssueList warnings;
  absl::StatusOr<SignOnContext> c = ParseAndCheckContext(
      R"({"ipaddress": "192.0.2.1", "zones": ["Office"]})", options, &warnings);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("/ipaddress: unknown field"));
  EXPECT_THAT(c.status().message(), HasSubstr("(and 1 more warning(s)) [--strict]"));
  EXPECT_THAT(warnings, IsEmpty());
  // A clean context passes strict.
  EXPECT_TRUE(ParseAndCheckContext(R"({"zones": ["nzoOffice"]})", options, &warnings).ok());
}

TEST(DidYouMean, ClosestNameByFoldingAndEditDistance) {
  using model_internal::ClosestName;
  EXPECT_EQ(ClosestName("ip_chain", {"ip", "ipChain"}), "ipChain");
  EXPECT_EQ(ClosestName("polcyTypes", {"policyTypes", "time"}), "policyTypes");
  EXPECT_EQ(ClosestName("xyz", {"policyTypes", "time"}), "");
  // Short names allow one edit only.
  EXPECT_EQ(ClosestName("tim", {"time"}), "time");
  EXPECT_EQ(ClosestName("tm", {"time"}), "");
}

}  // namespace
}  // namespace verdict
