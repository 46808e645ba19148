#include "lib/model/did_you_mean.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "lib/model/json_walker.h"

namespace verdict::model_internal {
namespace {

// Lower case without '_' and '-' into *out: "ip_address", "IP-Address" →
// "ipaddress". Into a buffer the caller reuses: ClosestName folds every
// candidate, for every context that names an unknown group (eval warns about
// each), so an allocation per candidate added up; absl's table lookup is
// std::tolower of the "C" locale without the call.
void FoldInto(std::string_view text, std::string* out) {
  out->clear();
  for (char c : text) {
    if (c == '_' || c == '-') continue;
    out->push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
}

// Levenshtein distance, giving up (returning limit + 1) past `limit`.
// `scratch` is the row, reused from call to call.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit,
                    std::vector<size_t>* scratch) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t>& row = *scratch;
  row.resize(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    size_t best = row[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view wanted, const std::vector<std::string_view>& candidates) {
  std::string folded;
  FoldInto(wanted, &folded);
  const size_t limit = std::max<size_t>(1, folded.size() / 4);
  std::string_view best;
  size_t best_distance = limit + 1;
  std::string folded_candidate;
  std::vector<size_t> row;
  for (std::string_view candidate : candidates) {
    if (candidate == wanted) continue;
    // Folding only shortens: a candidate this short is beyond the limit.
    if (candidate.size() + limit < folded.size()) continue;
    FoldInto(candidate, &folded_candidate);
    const size_t d = EditDistance(folded, folded_candidate, limit, &row);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return std::string(best);
}

std::string DidYouMean(std::string_view wanted, const std::vector<std::string_view>& candidates) {
  const std::string closest = ClosestName(wanted, candidates);
  if (closest.empty()) return "";
  return " (did you mean " + Quoted(closest) + "?)";
}

}  // namespace verdict::model_internal
