#include "lib/api/verify.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace verdict::api {

// Interim check until the snapshot loader lands: every file parses as JSON.
absl::Status VerifyStagedSnapshot(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path());
    std::stringstream text;
    text << in.rdbuf();
    if (!nlohmann::json::accept(text.str())) {
      return absl::DataLossError(absl::StrCat(it->path().string(), ": not valid JSON"));
    }
  }
  if (ec) return absl::InternalError(absl::StrCat(dir, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace verdict::api
