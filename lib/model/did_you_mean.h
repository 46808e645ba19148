// Suggestions for misspelled names: the context fields, zone, group and
// behavior ids a user meant when a typo made them unknown. A typo that is
// silently accepted makes a CI gate pass for the wrong reason; a warning
// that names the likely intent lets it be fixed in one step.
#ifndef VERDICT_LIB_MODEL_DID_YOU_MEAN_H_
#define VERDICT_LIB_MODEL_DID_YOU_MEAN_H_

#include <string>
#include <string_view>
#include <vector>

namespace verdict::model_internal {

// The candidate closest to `wanted`: equal ignoring case, '_' and '-', or
// within a small edit distance (1 for short names, up to a quarter of the
// length for longer ones). Empty when none is close. Ties: the first.
std::string ClosestName(std::string_view wanted, const std::vector<std::string_view>& candidates);

// " (did you mean \"X\"?)" for ClosestName's answer; empty when none.
std::string DidYouMean(std::string_view wanted, const std::vector<std::string_view>& candidates);

// ClosestName and DidYouMean over a candidate list fixed in advance, each
// candidate folded once at construction instead of on every call: for the
// lists a ContextChecker asks about every unknown reference of every
// context. The same answers as the free functions on the same candidates.
// Immutable; safe to share across threads.
class NameSuggester {
 public:
  NameSuggester() = default;
  explicit NameSuggester(std::vector<std::string> candidates);

  std::string ClosestName(std::string_view wanted) const;
  std::string DidYouMean(std::string_view wanted) const;

 private:
  std::vector<std::string> candidates_;
  std::vector<std::string> folded_;  // folded_[i] is candidates_[i] folded
};

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_DID_YOU_MEAN_H_
