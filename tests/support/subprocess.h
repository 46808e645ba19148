// Runs the built policy-sim binary as a real subprocess for the CLI tests:
// exit codes, stdout and stderr exactly as a user or a CI pipeline sees them.
#ifndef VERDICT_TESTS_SUPPORT_SUBPROCESS_H_
#define VERDICT_TESTS_SUPPORT_SUBPROCESS_H_

#include <filesystem>
#include <string>
#include <vector>

namespace verdict_test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::filesystem::path& path);

// Creates parent directories as needed.
void WriteFile(const std::filesystem::path& path, const std::string& text);

std::vector<std::string> Lines(const std::string& text);

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs policy-sim with `args`; stdin is `stdin_path` (or /dev/null).
// stdout/stderr go to files in `scratch` rather than pipes, so nothing can
// deadlock.
RunResult RunPolicySim(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                       const std::string& stdin_path = "/dev/null");

// Exit code, stdout and stderr, for failure messages.
std::string Describe(const RunResult& r);

}  // namespace verdict_test

#endif  // VERDICT_TESTS_SUPPORT_SUBPROCESS_H_
