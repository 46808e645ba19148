// Snapshots from untrusted hands (a pull request's proposed snapshot): links
// out of the directory, FIFOs, devices, a broken layout, JSON built to exhaust
// the stack or to smuggle content into messages. Each ends in an error that
// names the path, never a hang, a crash, a read of what lies outside, or a
// silently empty org (docs/reliability.md).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/model/snapshot_dir.h"
#include "verdict/context.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::SnapshotDir;

constexpr char kSecret[] = "TOPSECRET-first-line-of-a-private-file";

// A small valid snapshot.
void WriteBase(SnapshotDir& dir) {
  dir.WriteAll({
      {"zones.json", "[]"},
      {"policies/OKTA_SIGN_ON.json",
       R"([{"id": "00p1", "name": "Default", "type": "OKTA_SIGN_ON", "priority": 1,
            "status": "ACTIVE", "system": true}])"},
      {"rules/00p1.json", R"([{"id": "0pr1", "name": "R", "type": "SIGN_ON", "priority": 1,
            "status": "ACTIVE", "actions": {"signon": {"access": "ALLOW"}}}])"},
  });
}

std::string All(const IssueList& issues) {
  std::string out;
  for (const Issue& i : issues) out += i.code + " " + i.ToString() + "\n";
  return out;
}

const Issue* Find(const IssueList& issues, const std::string& code) {
  for (const Issue& i : issues) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

// A file outside the snapshot, holding a secret.
class Outside {
 public:
  Outside() {
    WriteBase(outer_);  // unused content; only the secret file matters
    path_ = fs::path(outer_.path()) / "secret.txt";
    std::ofstream(path_) << kSecret << "\nsecond line\n";
  }
  const fs::path& path() const { return path_; }

 private:
  SnapshotDir outer_;
  fs::path path_;
};

TEST(SnapshotHostile, SymlinkOutOfTheSnapshotIsNeverRead) {
  Outside outside;
  for (const std::string rel :
       {"users/00u1/groups.json", "users/00u1/factors.json", "zones.json", "rules/00p1.json"}) {
    SnapshotDir dir;
    WriteBase(dir);
    fs::remove(fs::path(dir.path()) / rel);
    fs::create_directories((fs::path(dir.path()) / rel).parent_path());
    fs::create_symlink(outside.path(), fs::path(dir.path()) / rel);
    IssueList issues;
    absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), &issues);
    EXPECT_FALSE(s.ok()) << rel;
    const Issue* issue = Find(issues, "snapshot.outside");
    ASSERT_NE(issue, nullptr) << rel << "\n" << All(issues);
    EXPECT_EQ(issue->file, rel);
    EXPECT_TRUE(issue->is_error());
    EXPECT_THAT(All(issues), Not(HasSubstr("TOPSECRET"))) << rel;
    EXPECT_THAT(All(issues), Not(HasSubstr(outside.path().string()))) << rel;
  }
}

TEST(SnapshotHostile, SymlinkInsideTheSnapshotIsFollowed) {
  SnapshotDir dir;
  WriteBase(dir);
  dir.Write("shared/zones.json", "[]");
  fs::remove(fs::path(dir.path()) / "zones.json");
  fs::create_symlink(fs::path(dir.path()) / "shared/zones.json",
                     fs::path(dir.path()) / "zones.json");
  IssueList issues;
  EXPECT_TRUE(LoadSnapshot(dir.path(), &issues).ok()) << All(issues);
}

TEST(SnapshotHostile, FifoIsRefusedWithoutWaiting) {
  SnapshotDir dir;
  WriteBase(dir);
  const fs::path fifo = fs::path(dir.path()) / "users/00u1/groups.json";
  fs::create_directories(fifo.parent_path());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), &issues);
  EXPECT_FALSE(s.ok());
  const Issue* issue = Find(issues, "snapshot.not_a_file");
  ASSERT_NE(issue, nullptr) << All(issues);
  EXPECT_EQ(issue->file, "users/00u1/groups.json");
  EXPECT_THAT(issue->message, HasSubstr("named pipe"));
}

TEST(SnapshotHostile, DeviceIsNeverRead) {
  // /dev/zero through a link: outside the snapshot, refused before any byte.
  SnapshotDir dir;
  WriteBase(dir);
  fs::remove(fs::path(dir.path()) / "zones.json");
  fs::create_symlink("/dev/zero", fs::path(dir.path()) / "zones.json");
  IssueList issues;
  EXPECT_FALSE(LoadSnapshot(dir.path(), &issues).ok());
  EXPECT_NE(Find(issues, "snapshot.outside"), nullptr) << All(issues);
}

TEST(SnapshotHostile, BrokenLayoutIsAnErrorNamingThePath) {
  struct Case {
    std::string name;
    std::string file;  // replaced by a regular file
    std::string code;
  };
  for (const Case& c : {Case{"RulesAsAFile", "rules", "snapshot.not_a_directory"},
                        Case{"PoliciesAsAFile", "policies", "snapshot.not_a_directory"}}) {
    SnapshotDir dir;
    WriteBase(dir);
    fs::remove_all(fs::path(dir.path()) / c.file);
    dir.Write(c.file, "[]");
    IssueList issues;
    absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), &issues);
    EXPECT_FALSE(s.ok()) << c.name;
    const Issue* issue = Find(issues, c.code);
    ASSERT_NE(issue, nullptr) << c.name << "\n" << All(issues);
    EXPECT_EQ(issue->file, c.file) << c.name;
  }
  SnapshotDir empty;
  IssueList issues;
  EXPECT_FALSE(LoadSnapshot(empty.path(), &issues).ok());
  ASSERT_NE(Find(issues, "snapshot.no_policies"), nullptr) << All(issues);
  EXPECT_THAT(All(issues), HasSubstr("empty"));
}

// The fixture org embeds one policy's rules and keeps the others in rules/:
// without rules/, their rules would silently vanish.
TEST(SnapshotHostile, MissingRulesDirectoryIsAnError) {
  SnapshotDir dir;
  fs::copy(VERDICT_SOURCE_DIR "/fixtures/org", dir.path(), fs::copy_options::recursive);
  fs::remove_all(fs::path(dir.path()) / "rules");
  IssueList issues;
  absl::StatusOr<Snapshot> s = LoadSnapshot(dir.path(), &issues);
  ASSERT_FALSE(s.ok());
  const Issue* issue = Find(issues, "snapshot.missing_rules");
  ASSERT_NE(issue, nullptr) << All(issues);
  EXPECT_EQ(issue->file, "rules");
  EXPECT_THAT(issue->message, HasSubstr("no embedded rules"));
}

std::string Nested(int depth) {
  return R"({"id": "nzo1", "x": )" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(SnapshotHostile, DeepNestingIsAnErrorWithItsPosition) {
  SnapshotDir dir;
  WriteBase(dir);
  dir.Write("zones.json", "[" + Nested(50000) + "]");
  IssueList issues;
  EXPECT_FALSE(LoadSnapshot(dir.path(), &issues).ok());
  const Issue* issue = Find(issues, "json.syntax");
  ASSERT_NE(issue, nullptr) << All(issues);
  EXPECT_EQ(issue->file, "zones.json");
  EXPECT_THAT(issue->message, HasSubstr("nesting deeper than 256 levels"));
  // "[" and 20 bytes of `{"id": "nzo1", "x": ` put the object at depth 2; the
  // 255th bracket after them is level 257.
  EXPECT_THAT(issue->message, HasSubstr("byte 276"));
  // Within the limit, nesting is fine (an unknown field is kept, not read).
  dir.Write("zones.json", "[" + Nested(200) + "]");
  IssueList fine;
  (void)LoadSnapshot(dir.path(), &fine);
  EXPECT_EQ(Find(fine, "json.syntax"), nullptr) << All(fine);
}

TEST(SnapshotHostile, ContextLineNestingIsAnErrorNotACrash) {
  const std::string deep = R"({"id": "c", "user": {"profile": {"x": )" + std::string(50000, '[') +
                           std::string(50000, ']') + "}}}";
  absl::StatusOr<SignOnContext> c = ParseContext(deep);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("nesting deeper than 256 levels"));
}

TEST(SnapshotHostile, MessagesQuoteAtMostAShortExcerpt) {
  SnapshotDir dir;
  WriteBase(dir);
  // A long unterminated literal: nlohmann's message would quote all of it.
  dir.Write("zones.json",
            std::string("[tru") + kSecret + std::string(5000, 'x') + "\x1b[31m" + "]");
  IssueList issues;
  EXPECT_FALSE(LoadSnapshot(dir.path(), &issues).ok());
  const Issue* issue = Find(issues, "json.syntax");
  ASSERT_NE(issue, nullptr) << All(issues);
  EXPECT_LT(issue->message.size(), 200u) << issue->message;
  EXPECT_THAT(issue->message, Not(HasSubstr("\x1b")));
  // An over-long value quoted in a message is cut too.
  dir.Write("zones.json", R"([{"id": "nzo1", "type": ")" + std::string(1000, 'Q') + R"("}])");
  IssueList value_issues;
  (void)LoadSnapshot(dir.path(), &value_issues);
  for (const Issue& i : value_issues) EXPECT_LT(i.message.size(), 300u) << i.ToString();
}

TEST(SnapshotHostile, NumberOverflowHasAPosition) {
  SnapshotDir dir;
  WriteBase(dir);
  dir.Write("zones.json", R"([{"id": "nzo1", "asns": [1e400]}])");
  IssueList issues;
  EXPECT_FALSE(LoadSnapshot(dir.path(), &issues).ok());
  const Issue* issue = Find(issues, "json.syntax");
  ASSERT_NE(issue, nullptr) << All(issues);
  // The position of the number's last byte (as for every syntax error).
  EXPECT_THAT(issue->message, HasSubstr("byte 30 (line 1, column 30)"));
  EXPECT_THAT(issue->message, HasSubstr("1e400"));
}

}  // namespace
}  // namespace verdict
