#include "lib/api/staging.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace verdict::api {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoError(std::string_view what, const std::string& path, int err) {
  return absl::InternalError(absl::StrCat(std::string(what), " ", path, ": ", std::strerror(err)));
}

std::string ParentDir(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

absl::Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot sync directory", dir, err);
  return absl::OkStatus();
}

absl::Status WriteFileDurably(const std::string& path, std::string_view content) {
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot create ", parent.string(), ": ", ec.message()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", path, errno);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoError("cannot write", path, err);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoError("cannot sync", path, err);
  }
  if (::close(fd) != 0) return ErrnoError("cannot close", path, errno);
  return absl::OkStatus();
}

absl::Status ReplaceFileAtomically(const std::string& path, std::string_view content) {
  const std::string temp = path + ".tmp";
  if (absl::Status s = WriteFileDurably(temp, content); !s.ok()) return s;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ErrnoError("cannot rename onto", path, err);
  }
  return SyncDirectory(ParentDir(path));
}

absl::StatusOr<std::string> MakeStagingDirectory(const std::string& out_dir) {
  fs::path out(out_dir);
  fs::path parent = out.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return absl::NotFoundError(
        absl::StrCat("--out: the parent directory ", parent.string(), " does not exist"));
  }
  std::string pattern =
      (parent / absl::StrCat(".", out.filename().string(), ".pull-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) return ErrnoError("cannot create", pattern, errno);
  return std::string(buffer.data());
}

absl::Status SwapIntoPlace(const std::string& staged, const std::string& out_dir) {
  const std::string parent = ParentDir(out_dir);
  struct stat st;
  if (::lstat(out_dir.c_str(), &st) == 0) {
    // The old snapshot and the new one trade places in one step, so a reader
    // of out_dir sees one or the other, never nothing.
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, out_dir.c_str(), RENAME_EXCHANGE) == 0) {
      RemoveTree(staged);  // now holds the previous snapshot
      return SyncDirectory(parent);
    }
    if (errno != EINVAL && errno != ENOSYS) {
      return ErrnoError("cannot replace", out_dir, errno);
    }
    // No RENAME_EXCHANGE on this file system: move the old one aside first.
    const std::string aside = absl::StrCat(staged, ".old");
    if (::rename(out_dir.c_str(), aside.c_str()) != 0) {
      return ErrnoError("cannot move aside", out_dir, errno);
    }
    if (::rename(staged.c_str(), out_dir.c_str()) != 0) {
      const int err = errno;
      ::rename(aside.c_str(), out_dir.c_str());
      return ErrnoError("cannot rename into", out_dir, err);
    }
    RemoveTree(aside);
    return SyncDirectory(parent);
  }
  if (::rename(staged.c_str(), out_dir.c_str()) != 0) {
    return ErrnoError("cannot rename into", out_dir, errno);
  }
  return SyncDirectory(parent);
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

bool IsSafeId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace verdict::api
