// libFuzzer harness for the model stage's parsers of untrusted input: the
// first byte picks the target, the rest is its input.
//   0  a context (ParseAndCheckContext against a small snapshot, --strict on
//      and off)
//   1  an IP address, CIDR and range (zone gateways/proxies)
//   2  a snapshot directory image: the input split at "\n--\n" into
//      zones.json, policies/OKTA_SIGN_ON.json, rules/00pFuzz.json and
//      groups.json, then LoadSnapshot
// Any input must parse or fail with a status/issues: no crash, no sanitizer
// report, no unbounded memory. Built only with -DVERDICT_FUZZ=ON (clang); run
// through scripts/fuzz.sh model.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "verdict/context.h"
#include "verdict/context_check.h"
#include "verdict/ip_address.h"
#include "verdict/snapshot.h"

namespace {

namespace fs = std::filesystem;

const verdict::Snapshot& SmallSnapshot() {
  static const verdict::Snapshot* snapshot = [] {
    auto* s = new verdict::Snapshot();
    s->has_groups_file = true;
    s->groups = {{"00gEng", "Engineering", "OKTA_GROUP"}, {"00gAll", "Everyone", "BUILT_IN"}};
    s->has_behaviors_file = true;
    s->behaviors = {{"b1", "New IP", "VELOCITY", true}};
    verdict::NetworkZone z;
    z.id = "nzo1";
    z.name = "Office";
    s->zones.push_back(z);
    return s;
  }();
  return *snapshot;
}

void FuzzContext(std::string_view text) {
  verdict::ContextCheckOptions options;
  options.snapshot = &SmallSnapshot();
  verdict::IssueList warnings;
  (void)verdict::ParseAndCheckContext(text, options, &warnings);
  options.warnings_are_errors = true;
  (void)verdict::ParseAndCheckContext(text, options, nullptr);
}

void FuzzAddresses(std::string_view text) {
  (void)verdict::IpAddress::Parse(text);
  (void)verdict::ParseCidr(text);
  (void)verdict::ParseIpRange(text);
}

void FuzzSnapshot(std::string_view text) {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "verdict-fuzz-XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    if (made == nullptr) std::abort();
    fs::create_directories(fs::path(made) / "policies");
    fs::create_directories(fs::path(made) / "rules");
    return fs::path(made);
  }();
  static const char* kFiles[] = {"zones.json", "policies/OKTA_SIGN_ON.json", "rules/00pFuzz.json",
                                 "groups.json"};
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 3) {
    const size_t cut = text.find("\n--\n", start);
    if (cut == std::string_view::npos) break;
    parts.push_back(text.substr(start, cut - start));
    start = cut + 4;
  }
  parts.push_back(text.substr(start));
  for (size_t i = 0; i < 4; ++i) {
    const fs::path path = dir / kFiles[i];
    if (i < parts.size()) {
      std::ofstream(path, std::ios::binary | std::ios::trunc)
          .write(parts[i].data(), static_cast<std::streamsize>(parts[i].size()));
    } else {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  }
  verdict::IssueList issues;
  (void)verdict::LoadSnapshot(dir.string(), &issues);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      FuzzContext(text);
      break;
    case 1:
      FuzzAddresses(text);
      break;
    default:
      FuzzSnapshot(text);
      break;
  }
  return 0;
}
