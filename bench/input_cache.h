// Benchmark inputs built once per size and shared by every benchmark of a
// file (and every thread of one): generating an org and its expected answers
// costs far more than what is measured.
#ifndef VERDICT_BENCH_INPUT_CACHE_H_
#define VERDICT_BENCH_INPUT_CACHE_H_

#include <map>
#include <memory>
#include <mutex>

namespace verdict::bench {

// The Inputs `build(size, inputs)` filled for `size`, built on first use.
// One cache per Inputs type.
template <typename Inputs>
const Inputs& CachedInputs(int size, void (*build)(int size, Inputs& inputs)) {
  static std::mutex mu;
  static std::map<int, std::unique_ptr<Inputs>> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<Inputs>& slot = cache[size];
  if (slot == nullptr) {
    slot = std::make_unique<Inputs>();
    build(size, *slot);
  }
  return *slot;
}

}  // namespace verdict::bench

#endif  // VERDICT_BENCH_INPUT_CACHE_H_
