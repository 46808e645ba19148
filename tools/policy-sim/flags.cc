#include "tools/policy-sim/flags.h"

#include <iostream>
#include <utility>

#include "absl/strings/numbers.h"
#include "tools/policy-sim/cli_util.h"

namespace verdict::cli {

FlagParser::FlagParser(std::string_view usage, Options options)
    : usage_(usage), options_(std::move(options)) {}

void FlagParser::Value(std::string name, std::string missing, Setter set) {
  flags_.push_back({std::move(name), true, std::move(missing), std::move(set)});
}

void FlagParser::String(std::string name, std::string missing, std::string* out) {
  Value(std::move(name), std::move(missing), [out](const std::string& value) {
    *out = value;
    return std::string();
  });
}

void FlagParser::Int(std::string name, std::string message, int64_t min, int64_t max,
                     int64_t* out) {
  Value(std::move(name), message, [=](const std::string& value) {
    int64_t n = 0;
    // Digits only, as the commands always took: no sign, no spaces.
    const bool digits =
        !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || !absl::SimpleAtoi(value, &n) || n < min || n > max) return message;
    *out = n;
    return std::string();
  });
}

void FlagParser::Switch(std::string name, bool* out) {
  flags_.push_back({std::move(name), false, "", [out](const std::string&) {
                      *out = true;
                      return std::string();
                    }});
}

void FlagParser::Positional(Setter take) { positional_ = std::move(take); }

int FlagParser::UsageError(std::string_view message) const {
  std::cerr << "error: " << message << "\n\n" << usage_;
  return kExitUnusable;
}

std::optional<int> FlagParser::Parse(const std::vector<std::string>& args) const {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << usage_;
      return kExitOk;
    }
    const Flag* flag = nullptr;
    std::optional<std::string> value;
    for (const Flag& f : flags_) {
      if (arg == f.name) {
        flag = &f;
        if (f.takes_value && i + 1 < args.size()) value = args[++i];
        break;
      }
      if (f.takes_value && arg.size() > f.name.size() &&
          arg.compare(0, f.name.size(), f.name) == 0 && arg[f.name.size()] == '=') {
        flag = &f;
        value = arg.substr(f.name.size() + 1);
        break;
      }
    }
    if (flag == nullptr) {
      if (positional_ && (arg.empty() || arg[0] != '-')) {
        if (std::string error = positional_(arg); !error.empty()) return UsageError(error);
        continue;
      }
      return UsageError(options_.unknown + " '" + arg + "'");
    }
    if (flag->takes_value && !value) return UsageError(flag->missing);
    if (std::string error = flag->set(value.value_or("")); !error.empty()) {
      if (options_.usage_after_bad_value) return UsageError(error);
      std::cerr << "error: " << error << '\n';
      return kExitUnusable;
    }
  }
  return std::nullopt;
}

}  // namespace verdict::cli
