#include "lib/model/did_you_mean.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
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

// The closest of `count` candidates; `candidate(i)` is the i-th and
// `folded(i, scratch)` its folded form (folded into `scratch` or kept by the
// caller). Ties: the first.
template <typename CandidateAt, typename FoldedAt>
std::string_view Closest(std::string_view wanted, size_t count, CandidateAt candidate,
                         FoldedAt folded) {
  std::string folded_wanted;
  FoldInto(wanted, &folded_wanted);
  const size_t limit = std::max<size_t>(1, folded_wanted.size() / 4);
  std::string_view best;
  size_t best_distance = limit + 1;
  std::string scratch;
  std::vector<size_t> row;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view c = candidate(i);
    if (c == wanted) continue;
    // Folding only shortens: a candidate this short is beyond the limit.
    if (c.size() + limit < folded_wanted.size()) continue;
    const size_t d = EditDistance(folded_wanted, folded(i, &scratch), limit, &row);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string Suggestion(std::string_view closest) {
  if (closest.empty()) return "";
  return " (did you mean " + Quoted(closest) + "?)";
}

}  // namespace

std::string ClosestName(std::string_view wanted, const std::vector<std::string_view>& candidates) {
  return std::string(Closest(
      wanted, candidates.size(), [&](size_t i) { return candidates[i]; },
      [&](size_t i, std::string* scratch) -> std::string_view {
        FoldInto(candidates[i], scratch);
        return *scratch;
      }));
}

std::string DidYouMean(std::string_view wanted, const std::vector<std::string_view>& candidates) {
  return Suggestion(ClosestName(wanted, candidates));
}

NameSuggester::NameSuggester(std::vector<std::string> candidates)
    : candidates_(std::move(candidates)) {
  folded_.resize(candidates_.size());
  for (size_t i = 0; i < candidates_.size(); ++i) FoldInto(candidates_[i], &folded_[i]);
}

std::string NameSuggester::ClosestName(std::string_view wanted) const {
  return std::string(Closest(
      wanted, candidates_.size(), [&](size_t i) -> std::string_view { return candidates_[i]; },
      [&](size_t i, std::string*) -> std::string_view { return folded_[i]; }));
}

std::string NameSuggester::DidYouMean(std::string_view wanted) const {
  return Suggestion(ClosestName(wanted));
}

}  // namespace verdict::model_internal
