// The one place regexes are compiled: RE2 with log_errors(false) and a memory
// limit; identical patterns share one compiled object (weak cache).
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "re2/re2.h"
#include "verdict/expression.h"

namespace verdict {
namespace {

constexpr int64_t kRegexMaxMem = 1 << 20;  // 1 MiB of compiled program per pattern
constexpr size_t kRegexMaxLength = 4096;

class Re2Regex final : public CompiledRegex {
 public:
  explicit Re2Regex(std::string_view pattern) : re_(Piece(pattern), Options()) {}
  bool ok() const { return re_.ok(); }
  const std::string& error() const { return re_.error(); }
  bool FullMatch(std::string_view text) const override { return RE2::FullMatch(Piece(text), re_); }
  bool PartialMatch(std::string_view text) const override {
    return RE2::PartialMatch(Piece(text), re_);
  }

 private:
  static re2::StringPiece Piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(kRegexMaxMem);
    return o;
  }
  RE2 re_;
};

struct Cache {
  absl::Mutex mu;
  absl::flat_hash_map<std::string, std::weak_ptr<const CompiledRegex>> map ABSL_GUARDED_BY(mu);
};

Cache& GetCache() {
  static Cache* cache = new Cache();
  return *cache;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledRegex>> CompileRegex(std::string_view pattern) {
  if (pattern.size() > kRegexMaxLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("regular expression longer than ", kRegexMaxLength, " bytes"));
  }
  Cache& cache = GetCache();
  const std::string key(pattern);
  {
    absl::MutexLock lock(&cache.mu);
    auto it = cache.map.find(key);
    if (it != cache.map.end()) {
      if (auto shared = it->second.lock()) return shared;
    }
  }
  auto re = std::make_shared<const Re2Regex>(pattern);
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid regular expression: ", re->error()));
  }
  absl::MutexLock lock(&cache.mu);
  auto& slot = cache.map[key];
  if (auto shared = slot.lock()) return shared;
  slot = re;
  return std::shared_ptr<const CompiledRegex>(re);
}

}  // namespace verdict
