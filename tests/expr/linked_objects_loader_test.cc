// The linked-objects layout (lib/model/linked_objects_loader.cc) read from real
// files: what loads, and every problem reported with file and JSON pointer.
#include <string>

#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

using ::verdict::testing::SnapshotDir;

constexpr char kDefinitions[] = R"([
  {"primary": {"name": "manager", "title": "Manager", "type": "USER"},
   "associated": {"name": "subordinates", "title": "Subordinates", "type": "USER"},
   "_links": {"self": {"href": "https://x.okta.com/api/v1/meta/schemas/user/linkedObjects/manager"}}}
])";

std::string Link(const std::string& id) {
  return R"({"_links": {"self": {"href": "https://x.okta.com/api/v1/users/)" + id + R"("}}})";
}

TEST(LinkedObjectsLoader, ReadsTheApiLayout) {
  SnapshotDir dir;
  dir.WriteAll({
      {"zones.json", "[]"},
      {"policies/", ""},
      {"linked-objects.json", kDefinitions},
      {"users/00u1/linkedObjects/manager.json", "[" + Link("00uBoss") + "]"},
      {"users/00uBoss/linkedObjects/subordinates.json",
       "[" + Link("00u1") + ", " + Link("00u2") + "]"},
      {"users/00uBoss/user.json",
       R"({"id": "00uBoss", "status": "ACTIVE",
           "profile": {"email": "boss@example.com", "level": 7, "nick": null}})"},
  });
  IssueList issues;
  auto s = LoadSnapshot(dir.path(), &issues);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(issues.empty()) << issues[0].ToString();
  ASSERT_EQ(s->linked_object_definitions.size(), 1u);
  EXPECT_EQ(s->linked_object_definitions[0].primary_name, "manager");
  EXPECT_EQ(s->linked_object_definitions[0].associated_name, "subordinates");
  EXPECT_EQ(s->user_links["00u1"]["manager"], std::vector<std::string>{"00uBoss"});
  EXPECT_EQ(s->user_links["00uBoss"]["subordinates"], (std::vector<std::string>{"00u1", "00u2"}));
  ASSERT_EQ(s->users.count("00uBoss"), 1u);
  const SnapshotUser& boss = s->users.at("00uBoss");
  EXPECT_EQ(boss.status, "ACTIVE");
  EXPECT_EQ(boss.profile.at("email"), "boss@example.com");
  EXPECT_TRUE(boss.profile.at("level") == ProfileValue::Number("7"));
  EXPECT_EQ(boss.profile.count("nick"), 0u);
}

struct BadCase {
  const char* name;
  std::map<std::string, std::string> files;
  const char* file;
  const char* pointer;
  const char* message;  // substring
};

TEST(LinkedObjectsLoader, ProblemsNameFileAndPointer) {
  const BadCase cases[] = {
      {"unknown relationship",
       {{"linked-objects.json", kDefinitions},
        {"users/00u1/linkedObjects/buddy.json", "[" + Link("00u2") + "]"}},
       "users/00u1/linkedObjects/buddy.json",
       "",
       "relationship \"buddy\" is not defined in linked-objects.json"},
      {"no definitions file",
       {{"users/00u1/linkedObjects/manager.json", "[]"}},
       "users/00u1/linkedObjects/manager.json",
       "",
       "(no such file)"},
      {"missing href",
       {{"linked-objects.json", kDefinitions},
        {"users/00u1/linkedObjects/manager.json", R"([{"_links": {"self": {}}}])"}},
       "users/00u1/linkedObjects/manager.json",
       "/0/_links/self/href",
       "missing required field"},
      {"not an array",
       {{"linked-objects.json", kDefinitions},
        {"users/00u1/linkedObjects/manager.json", R"({"id": "00u2"})"}},
       "users/00u1/linkedObjects/manager.json",
       "",
       "expected an array"},
      {"definition without a name",
       {{"linked-objects.json", R"([{"primary": {"title": "M"}, "associated": {"name": "s"}}])"}},
       "linked-objects.json",
       "/0/primary/name",
       "missing required field"},
      {"duplicate name",
       {{"linked-objects.json",
         R"([{"primary": {"name": "m"}, "associated": {"name": "s"}},
             {"primary": {"name": "m"}, "associated": {"name": "t"}}])"}},
       "linked-objects.json",
       "/1/primary/name",
       "defined twice"},
      {"user id not its directory's",
       {{"users/00u1/user.json", R"({"id": "00u9", "profile": {}})"}},
       "users/00u1/user.json",
       "/id",
       "is not its directory's"},
      {"malformed user.json",
       {{"users/00u1/user.json", R"({"id": )"}},
       "users/00u1/user.json",
       "",
       "byte"},
  };
  for (const BadCase& c : cases) {
    SnapshotDir dir;
    dir.Write("zones.json", "[]");
    dir.Write("policies/", "");
    dir.WriteAll(c.files);
    IssueList issues;
    auto s = LoadSnapshot(dir.path(), &issues);
    EXPECT_FALSE(s.ok()) << c.name;
    ASSERT_FALSE(issues.empty()) << c.name;
    const Issue& issue = issues.front();
    EXPECT_TRUE(issue.is_error()) << c.name;
    EXPECT_EQ(issue.file, c.file) << c.name;
    EXPECT_EQ(issue.pointer, c.pointer) << c.name;
    EXPECT_NE(issue.message.find(c.message), std::string::npos) << c.name << ": " << issue.message;
  }
}

}  // namespace
}  // namespace verdict
