#include "lib/model/did_you_mean.h"

#include <algorithm>
#include <cctype>
#include <cstddef>

#include "lib/model/json_walker.h"

namespace verdict::model_internal {
namespace {

// Lower case without '_' and '-': "ip_address", "IP-Address" → "ipaddress".
std::string Folded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '_' || c == '-') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Levenshtein distance, giving up (returning limit + 1) past `limit`.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> row(b.size() + 1);
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
  const std::string folded = Folded(wanted);
  const size_t limit = std::max<size_t>(1, folded.size() / 4);
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    if (candidate == wanted) continue;
    const size_t d = EditDistance(folded, Folded(candidate), limit);
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
