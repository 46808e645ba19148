// File-system helpers for the pullers: durable writes, the staged snapshot
// directory and its atomic swap into place. Internal to lib/api.
#ifndef VERDICT_LIB_API_STAGING_H_
#define VERDICT_LIB_API_STAGING_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace verdict::api {

// Writes `content` to `path` (parents created), flushed to disk before
// returning.
absl::Status WriteFileDurably(const std::string& path, std::string_view content);

// Writes `content` to a sibling temporary file and renames it over `path`, so
// readers see the old or the new content, never a mix.
absl::Status ReplaceFileAtomically(const std::string& path, std::string_view content);

// fsync() on a directory, so renames inside it survive a crash.
absl::Status SyncDirectory(const std::string& dir);

// Creates "<parent>/.<name>.pull-XXXXXX" next to `out_dir`.
absl::StatusOr<std::string> MakeStagingDirectory(const std::string& out_dir);

// Puts `staged` in place of `out_dir`: an atomic exchange when `out_dir`
// exists (the old snapshot is then removed), a rename otherwise.
absl::Status SwapIntoPlace(const std::string& staged, const std::string& out_dir);

// Removes a directory tree; errors ignored (cleanup on a failure path).
void RemoveTree(const std::string& dir);

// True for ids Okta issues ("00p1a2B3c4D5e6F7g8H9", "aus1", "SUPER_ADMIN"):
// letters, digits, '_' and '-', 1 to 128 characters. Anything else never
// becomes a path component.
bool IsSafeId(std::string_view id);

}  // namespace verdict::api

#endif  // VERDICT_LIB_API_STAGING_H_
