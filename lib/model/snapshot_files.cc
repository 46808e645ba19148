#include "lib/model/snapshot_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lib/model/json_walker.h"
#include "verdict/snapshot.h"

namespace verdict::model_internal {
namespace {

namespace fs = std::filesystem;

// True when `path` is `root` or below it (both real, normalised paths).
bool IsInside(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes a descriptor on every path out of Read.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

SnapshotFiles::SnapshotFiles(fs::path root, IssueList* issues)
    : root_(std::move(root)), issues_(issues) {
  std::error_code ec;
  valid_ = fs::is_directory(root_, ec);
  if (valid_) {
    real_root_ = fs::canonical(root_, ec);
    valid_ = !ec;
  }
}

void SnapshotFiles::Error(const std::string& code, const std::string& rel,
                          std::string message) const {
  issues_->push_back({Issue::Severity::kError, code, rel, "", std::move(message)});
}

bool SnapshotFiles::Exists(const std::string& rel) const {
  std::error_code ec;
  return fs::exists(fs::symlink_status(root_ / rel, ec));
}

std::optional<fs::path> SnapshotFiles::Resolve(const std::string& rel, bool quiet) const {
  std::error_code ec;
  fs::path real = fs::canonical(root_ / rel, ec);
  if (ec) {
    if (!quiet) Error("snapshot.unreadable", rel, absl::StrCat("cannot read: ", ec.message()));
    return std::nullopt;
  }
  if (!IsInside(real, real_root_)) {
    // Not even where it points: a link's target is the snapshot author's
    // choice and none of the reader's business.
    if (!quiet) {
      Error("snapshot.outside", rel,
            "resolves outside the snapshot directory (a symbolic link?): not read");
    }
    return std::nullopt;
  }
  return real;
}

bool SnapshotFiles::IsDirectory(const std::string& rel) const {
  std::optional<fs::path> real = Resolve(rel, /*quiet=*/true);
  std::error_code ec;
  return real.has_value() && fs::is_directory(*real, ec);
}

std::optional<std::string> SnapshotFiles::Read(const std::string& rel) const {
  std::optional<fs::path> real = Resolve(rel, /*quiet=*/false);
  if (!real.has_value()) return std::nullopt;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the
  // path was just resolved, a link now would be a swap under our feet.
  Fd fd(::open(real->c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    Error("snapshot.unreadable", rel, absl::StrCat("cannot read: ", std::strerror(errno)));
    return std::nullopt;
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    Error("snapshot.unreadable", rel, absl::StrCat("cannot read: ", std::strerror(errno)));
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    Error("snapshot.not_a_file", rel,
          absl::StrCat("expected a regular file, found ", KindOf(st.st_mode), ": not read"));
    return std::nullopt;
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxSnapshotFileBytes) {
    Error("snapshot.too_large", rel,
          absl::StrCat("file of ", st.st_size, " bytes is over the limit of ",
                       kMaxSnapshotFileBytes, " bytes: not read"));
    return std::nullopt;
  }
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (true) {
    // A file that grows while it is read is read up to the limit, no further.
    if (done == text.size()) {
      if (text.size() > kMaxSnapshotFileBytes) break;
      text.resize(std::min(kMaxSnapshotFileBytes + 1, std::max<size_t>(4096, text.size() * 2)));
    }
    const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error("snapshot.unreadable", rel, absl::StrCat("cannot read: ", std::strerror(errno)));
      return std::nullopt;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done > kMaxSnapshotFileBytes) {
    Error("snapshot.too_large", rel,
          absl::StrCat("file grew over the limit of ", kMaxSnapshotFileBytes,
                       " bytes while read: not read"));
    return std::nullopt;
  }
  text.resize(done);
  return text;
}

std::vector<std::string> SnapshotFiles::JsonFiles(const std::string& subdir) const {
  std::vector<std::string> names;
  if (!Exists(subdir)) return names;
  std::optional<fs::path> real = Resolve(subdir, /*quiet=*/false);
  if (!real.has_value()) return names;
  std::error_code ec;
  if (!fs::is_directory(*real, ec)) {
    Error("snapshot.not_a_directory", subdir,
          absl::StrCat("expected a directory of ", subdir, "/*.json files, found a file"));
    return names;
  }
  for (fs::directory_iterator it(*real, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".json" || p.filename().string().front() == '.') continue;
    names.push_back(p.filename().string());
  }
  if (ec) {
    Error("snapshot.unreadable", subdir, absl::StrCat("cannot list directory: ", ec.message()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> SnapshotFiles::Subdirectories(const std::string& subdir) const {
  std::vector<std::string> names;
  if (!Exists(subdir)) return names;
  std::optional<fs::path> real = Resolve(subdir, /*quiet=*/false);
  if (!real.has_value()) return names;
  std::error_code ec;
  if (!fs::is_directory(*real, ec)) {
    Error("snapshot.not_a_directory", subdir, "expected a directory, found a file");
    return names;
  }
  for (fs::directory_iterator it(*real, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (IsDirectory(absl::StrCat(subdir, "/", name))) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace verdict::model_internal

namespace verdict {

absl::StatusOr<std::optional<std::string>> ReadOptionalSnapshotJson(std::string_view directory,
                                                                    std::string_view relative) {
  IssueList issues;
  model_internal::SnapshotFiles files{std::filesystem::path(directory), &issues};
  const std::string rel(relative);
  if (!files.valid() || !files.Exists(rel)) return std::optional<std::string>();
  std::optional<std::string> text = files.Read(rel);
  if (!text.has_value()) {
    return absl::InvalidArgumentError(issues.empty() ? absl::StrCat(rel, ": unreadable")
                                                     : issues.front().ToString());
  }
  if (std::optional<size_t> at =
          model_internal::FindExcessiveNesting(*text, model_internal::kMaxJsonDepth)) {
    return absl::InvalidArgumentError(absl::StrCat(rel, ": byte ", *at,
                                                   ": JSON nested deeper than ",
                                                   model_internal::kMaxJsonDepth, " levels"));
  }
  return text;
}

}  // namespace verdict
