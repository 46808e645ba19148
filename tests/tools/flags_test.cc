// FlagParser, the flag parser of every policy-sim subcommand: both value
// spellings, switches, positional arguments, --help, and the usage errors
// and exit statuses the commands' users (and tests/tools) rely on.
#include "tools/policy-sim/flags.h"

#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace verdict::cli {
namespace {

constexpr char kUsage[] = "usage: demo [--name N] [--count C] [--on] [FILE]\n";

// What one parse did.
struct Parsed {
  std::optional<int> exit;
  std::string out;
  std::string err;
  std::string name;
  int64_t count = -1;
  bool on = false;
  std::vector<std::string> files;
};

Parsed ParseDemo(const std::vector<std::string>& args, FlagParser::Options options = {},
                 bool positional = true) {
  Parsed p;
  FlagParser flags(kUsage, options);
  flags.String("--name", "--name needs a name", &p.name);
  flags.Int("--count", "--count needs a number from 1 to 9", 1, 9, &p.count);
  flags.Switch("--on", &p.on);
  if (positional) {
    flags.Positional([&p](const std::string& arg) -> std::string {
      if (arg == "bad") return "bad is not a file";
      p.files.push_back(arg);
      return "";
    });
  }
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  p.exit = flags.Parse(args);
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  p.out = out.str();
  p.err = err.str();
  return p;
}

struct Case {
  std::string name;
  std::vector<std::string> args;
  std::optional<int> want_exit;
  std::string want_err;  // "" = nothing on stderr
};

class FlagParserTest : public ::testing::TestWithParam<Case> {};

TEST_P(FlagParserTest, ExitAndMessage) {
  const Case& c = GetParam();
  const Parsed p = ParseDemo(c.args);
  EXPECT_EQ(p.exit, c.want_exit);
  if (c.want_err.empty()) {
    EXPECT_EQ(p.err, "");
  } else {
    // Usage errors: the message, a blank line, the usage.
    EXPECT_EQ(p.err, "error: " + c.want_err + "\n\n" + kUsage);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Flags, FlagParserTest,
    ::testing::Values(
        Case{"Nothing", {}, std::nullopt, ""},
        Case{"ValueSeparate", {"--name", "x"}, std::nullopt, ""},
        Case{"ValueJoined", {"--name=x"}, std::nullopt, ""},
        Case{"ValueEmptyJoined", {"--name="}, std::nullopt, ""},
        Case{"ValueLooksLikeAFlag", {"--name", "--on"}, std::nullopt, ""},
        Case{"ValueMissing", {"--name"}, 2, "--name needs a name"},
        Case{"IntBad", {"--count", "x"}, 2, "--count needs a number from 1 to 9"},
        Case{"IntSigned", {"--count", "+3"}, 2, "--count needs a number from 1 to 9"},
        Case{"IntTooLarge", {"--count=10"}, 2, "--count needs a number from 1 to 9"},
        Case{"IntHuge",
             {"--count", "99999999999999999999999"},
             2,
             "--count needs a number from 1 to 9"},
        Case{"IntMissing", {"--count"}, 2, "--count needs a number from 1 to 9"},
        Case{"Switch", {"--on"}, std::nullopt, ""},
        Case{"SwitchWithValue", {"--on=yes"}, 2, "unknown argument '--on=yes'"},
        Case{"Unknown", {"--bogus"}, 2, "unknown argument '--bogus'"},
        Case{"PrefixIsNotTheFlag", {"--names", "x"}, 2, "unknown argument '--names'"},
        Case{"Positional", {"a.json", "--on", "b.json"}, std::nullopt, ""},
        Case{"PositionalRefused", {"bad"}, 2, "bad is not a file"},
        Case{"DashIsNotPositional", {"-"}, 2, "unknown argument '-'"},
        Case{"Help", {"--help"}, 0, ""}, Case{"ShortHelp", {"-h"}, 0, ""},
        Case{"HelpAfterGoodFlags", {"--name", "x", "--help"}, 0, ""},
        Case{"FirstErrorWins", {"--bogus", "--help"}, 2, "unknown argument '--bogus'"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(FlagParser, StoresValues) {
  const Parsed p = ParseDemo({"--name=ann", "--count", "7", "--on", "f1", "f2"});
  EXPECT_EQ(p.exit, std::nullopt);
  EXPECT_EQ(p.name, "ann");
  EXPECT_EQ(p.count, 7);
  EXPECT_TRUE(p.on);
  EXPECT_EQ(p.files, (std::vector<std::string>{"f1", "f2"}));
  // The later of two spellings wins.
  EXPECT_EQ(ParseDemo({"--name", "a", "--name=b"}).name, "b");
}

TEST(FlagParser, HelpGoesToStdout) {
  const Parsed p = ParseDemo({"-h"});
  EXPECT_EQ(p.out, kUsage);
  EXPECT_EQ(p.err, "");
}

TEST(FlagParser, WithoutPositionalsEveryOtherArgumentIsUnknown) {
  const Parsed p = ParseDemo({"file.json"}, {}, /*positional=*/false);
  EXPECT_EQ(p.exit, 2);
  EXPECT_EQ(p.err, std::string("error: unknown argument 'file.json'\n\n") + kUsage);
}

TEST(FlagParser, Styles) {
  FlagParser::Options terse;
  terse.unknown = "unknown option";
  terse.usage_after_bad_value = false;
  Parsed p = ParseDemo({"--bogus"}, terse);
  EXPECT_EQ(p.err, std::string("error: unknown option '--bogus'\n\n") + kUsage);
  // A refused value: the message alone.
  p = ParseDemo({"--count", "0"}, terse);
  EXPECT_EQ(p.exit, 2);
  EXPECT_EQ(p.err, "error: --count needs a number from 1 to 9\n");
  // A missing value still shows the usage.
  p = ParseDemo({"--name"}, terse);
  EXPECT_EQ(p.err, std::string("error: --name needs a name\n\n") + kUsage);
}

TEST(FlagParser, UsageErrorForLaterChecks) {
  FlagParser flags(kUsage);
  std::ostringstream err;
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  const int exit = flags.UsageError("--name is required");
  std::cerr.rdbuf(old_err);
  EXPECT_EQ(exit, 2);
  EXPECT_EQ(err.str(), std::string("error: --name is required\n\n") + kUsage);
}

}  // namespace
}  // namespace verdict::cli
