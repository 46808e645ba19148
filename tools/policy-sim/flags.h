// The one flag parser of every policy-sim subcommand. A command declares its
// flags (with the message each prints when its value is missing or
// unusable), then parses its arguments in one call:
//
//   FlagParser flags(kUsage);
//   flags.String("--snapshot", "--snapshot needs a directory", &snapshot);
//   flags.Switch("--no-mmap", &no_mmap);
//   flags.Value("--jobs", kJobsError, [&](const std::string& v) { ... });
//   if (std::optional<int> exit = flags.Parse(args)) return *exit;
//
// Spellings: "--name value" and "--name=value" for flags with a value (the
// next argument is the value whatever it looks like); "--name" alone for
// switches ("--name=x" is an unknown argument). -h/--help prints the usage
// on stdout (exit 0). A usage error prints "error: MESSAGE", a blank line
// and the usage on stderr (exit 2). Arguments are read left to right and the
// first error wins.
#ifndef VERDICT_TOOLS_POLICY_SIM_FLAGS_H_
#define VERDICT_TOOLS_POLICY_SIM_FLAGS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verdict::cli {

class FlagParser {
 public:
  struct Options {
    // How an argument no flag claims is named: "unknown argument 'X'".
    std::string unknown = "unknown argument";
    // Whether an unusable value's message is followed by the usage (synth
    // and selftest print the message alone).
    bool usage_after_bad_value = true;
  };

  // Checks a flag's value: "" when it is usable (and taken), else the message.
  using Setter = std::function<std::string(const std::string& value)>;

  explicit FlagParser(std::string_view usage) : FlagParser(usage, Options()) {}
  FlagParser(std::string_view usage, Options options);

  // A flag with a value; `missing` is the message when none follows.
  void Value(std::string name, std::string missing, Setter set);
  // A flag whose value is stored as given.
  void String(std::string name, std::string missing, std::string* out);
  // A whole number from `min` to `max`, else `message` (missing or unusable).
  void Int(std::string name, std::string message, int64_t min, int64_t max, int64_t* out);
  // A flag without a value: sets *out to true.
  void Switch(std::string name, bool* out);
  // Arguments that do not start with '-' (without this, they are unknown).
  void Positional(Setter take);

  // Parses `args` (the arguments after the subcommand). nullopt: go on.
  // Otherwise the exit status, the help or the error already printed.
  std::optional<int> Parse(const std::vector<std::string>& args) const;

  // Prints "error: MESSAGE" and the usage on stderr; the usage exit status.
  // For the checks after Parse() (required flags).
  int UsageError(std::string_view message) const;

 private:
  struct Flag {
    std::string name;
    bool takes_value = true;
    std::string missing;
    Setter set;
  };

  std::string usage_;
  Options options_;
  std::vector<Flag> flags_;
  Setter positional_;
};

}  // namespace verdict::cli

#endif  // VERDICT_TOOLS_POLICY_SIM_FLAGS_H_
