// Writes a listing as its pages arrive; see the header.
#include "lib/api/listing_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace verdict::api {

namespace fs = std::filesystem;

ListingWriter::ListingWriter(std::string path, Redactor redact)
    : path_(std::move(path)), redact_(std::move(redact)) {
  std::error_code ec;
  const fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) {
    status_ =
        absl::InternalError(absl::StrCat("cannot create ", parent.string(), ": ", ec.message()));
    return;
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    status_ =
        absl::InternalError(absl::StrCat("cannot create ", path_, ": ", std::strerror(errno)));
  }
}

ListingWriter::~ListingWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  if (!finished_) ::unlink(path_.c_str());
}

absl::Status ListingWriter::Write(std::string_view text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return status_ = absl::InternalError(
                 absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status ListingWriter::Append(std::string_view array_text) {
  if (!status_.ok()) return status_;
  absl::Status streamed = StreamListingPage(
      array_text,
      [this](std::string_view chunk) {
        // Redacted per chunk: chunks end between tokens, and a secret lies
        // inside one string.
        return redact_ ? Write(redact_(chunk)) : Write(chunk);
      },
      &ids_);
  if (!streamed.ok() && status_.ok()) {
    status_ = absl::Status(streamed.code(), absl::StrCat(fs::path(path_).filename().string(), ": ",
                                                         streamed.message()));
  }
  return status_;
}

absl::Status ListingWriter::Finish() {
  if (!status_.ok()) return status_;
  if (absl::Status s = Write(ids_.empty() ? "[]\n" : "\n]\n"); !s.ok()) return s;
  if (::fsync(fd_) != 0) {
    return status_ =
               absl::InternalError(absl::StrCat("cannot sync ", path_, ": ", std::strerror(errno)));
  }
  finished_ = true;
  return absl::OkStatus();
}

}  // namespace verdict::api
