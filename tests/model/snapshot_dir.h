// A fresh temporary directory per test, filled from a path → content map, so
// every test states its whole snapshot and nothing leaks between tests.
#ifndef VERDICT_TESTS_MODEL_SNAPSHOT_DIR_H_
#define VERDICT_TESTS_MODEL_SNAPSHOT_DIR_H_

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace verdict::testing {

class SnapshotDir {
 public:
  SnapshotDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "verdict-model-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~SnapshotDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  SnapshotDir(const SnapshotDir&) = delete;
  SnapshotDir& operator=(const SnapshotDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` at `relative` (parents created). A path ending in '/'
  // creates a directory instead.
  void Write(const std::string& relative, const std::string& content) {
    const std::filesystem::path full = std::filesystem::path(path_) / relative;
    if (!relative.empty() && relative.back() == '/') {
      std::filesystem::create_directories(full);
      return;
    }
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << "writing " << full;
  }

  void WriteAll(const std::map<std::string, std::string>& files) {
    for (const auto& [relative, content] : files) Write(relative, content);
  }

 private:
  std::string path_;
};

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_MODEL_SNAPSHOT_DIR_H_
