// The files of one snapshot directory, read defensively: snapshots arrive in
// pull requests, so a path may be a symlink to a secret, a FIFO that never
// ends, a device that never stops. Only regular files whose real path lies
// inside the snapshot directory's real path are read, each up to
// kMaxSnapshotFileBytes; anything else where a file is expected is an error
// naming the path, and nothing of it is read or quoted (docs/reliability.md).
#ifndef VERDICT_LIB_MODEL_SNAPSHOT_FILES_H_
#define VERDICT_LIB_MODEL_SNAPSHOT_FILES_H_

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "verdict/issue.h"

namespace verdict::model_internal {

// Larger than any org's policy file (the 10k-rule synthetic org's largest is
// ~6 MB), small enough that a hostile one cannot exhaust memory.
inline constexpr size_t kMaxSnapshotFileBytes = size_t{256} << 20;

class SnapshotFiles {
 public:
  // `root` as given; errors name paths relative to it. `issues` receives every
  // problem (code "snapshot.unreadable", "snapshot.not_a_file",
  // "snapshot.outside", "snapshot.too_large").
  SnapshotFiles(std::filesystem::path root, IssueList* issues);

  // True when `root` is a directory (else nothing can be read).
  bool valid() const { return valid_; }

  // Whether anything (file, directory, link, even a dangling one) is at `rel`.
  bool Exists(const std::string& rel) const;
  // Whether `rel` is a directory inside the snapshot (symlinks resolved).
  bool IsDirectory(const std::string& rel) const;

  // The content of the regular file at `rel`, or nullopt with an error issue
  // naming `rel`.
  std::optional<std::string> Read(const std::string& rel) const;

  // Sorted names of the entries of `subdir` ending in ".json" (hidden ones
  // skipped); empty when it does not exist. A `subdir` that exists but is
  // not a directory (or lies outside) is an error.
  std::vector<std::string> JsonFiles(const std::string& subdir) const;
  // Sorted names of the directories inside `subdir` (users/).
  std::vector<std::string> Subdirectories(const std::string& subdir) const;

 private:
  void Error(const std::string& code, const std::string& rel, std::string message) const;
  // The real path of `rel` when it lies inside the snapshot; else nullopt
  // with an error (`quiet`: none).
  std::optional<std::filesystem::path> Resolve(const std::string& rel, bool quiet) const;

  std::filesystem::path root_;
  std::filesystem::path real_root_;
  bool valid_ = false;
  IssueList* issues_;
};

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_SNAPSHOT_FILES_H_
