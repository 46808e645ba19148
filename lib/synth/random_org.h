// The synthetic org generator's internals (the API is verdict/synth.h).
#ifndef VERDICT_LIB_SYNTH_RANDOM_ORG_H_
#define VERDICT_LIB_SYNTH_RANDOM_ORG_H_

#include <cstdint>

#include "verdict/synth.h"

namespace verdict::synth {

// A small deterministic generator (SplitMix64): the same seed gives the same
// org on every platform, unlike the std distributions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // Uniform in [0, n); 0 when n == 0.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // True with probability `percent` / 100.
  bool Chance(int percent) { return static_cast<int>(Below(100)) < percent; }

 private:
  uint64_t state_;
};

}  // namespace verdict::synth

#endif  // VERDICT_LIB_SYNTH_RANDOM_ORG_H_
