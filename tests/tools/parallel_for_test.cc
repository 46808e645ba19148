// ParallelFor and its persistent worker pool: every index exactly once, for
// any thread count (the pool is rebuilt when it changes), nested calls run
// inline, and an exception on the calling thread leaves the pool usable.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tools/policy-sim/cli_util.h"

namespace verdict::cli {
namespace {

// Restores the default thread count after each test.
class ParallelForTest : public ::testing::Test {
 protected:
  void TearDown() override { SetMaxThreads(0); }
};

TEST_F(ParallelForTest, EveryIndexExactlyOnce) {
  for (size_t threads : {1u, 2u, 3u, 5u}) {
    SetMaxThreads(threads);
    for (size_t n : {0u, 1u, 15u, 16u, 17u, 100u, 1000u, 4099u}) {
      std::vector<std::atomic<int>> seen(n);
      ParallelFor(n, [&](size_t i) { seen[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(seen[i].load(), 1)
            << "index " << i << " of " << n << ", " << threads << " threads";
      }
    }
  }
}

TEST_F(ParallelForTest, UsesMoreThanOneThreadWhenAsked) {
  SetMaxThreads(3);
  std::mutex mu;
  std::vector<std::thread::id> ids;
  ParallelFor(3000, [&](size_t) {
    // Long enough per index that the helpers take some of the work.
    volatile double x = 0;
    for (int k = 0; k < 20000; ++k) x = x + k;
    std::lock_guard<std::mutex> lock(mu);
    if (std::find(ids.begin(), ids.end(), std::this_thread::get_id()) == ids.end()) {
      ids.push_back(std::this_thread::get_id());
    }
  });
  EXPECT_GE(ids.size(), 2u);
}

TEST_F(ParallelForTest, NestedCallsRunInline) {
  SetMaxThreads(2);
  std::atomic<int> inner{0};
  ParallelFor(64, [&](size_t) {
    const std::thread::id outer = std::this_thread::get_id();
    ParallelFor(40, [&](size_t) {
      EXPECT_EQ(std::this_thread::get_id(), outer);
      inner.fetch_add(1);
    });
  });
  EXPECT_EQ(inner.load(), 64 * 40);
}

TEST_F(ParallelForTest, AnExceptionOnTheCallingThreadLeavesThePoolUsable) {
  SetMaxThreads(2);
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> done{0};
  // Every index takes a while, so the calling thread surely gets some.
  EXPECT_THROW(ParallelFor(2000,
                           [&](size_t) {
                             volatile double x = 0;
                             for (int k = 0; k < 20000; ++k) x = x + k;
                             if (std::this_thread::get_id() == caller) {
                               throw std::runtime_error("out of something");
                             }
                             done.fetch_add(1);
                           }),
               std::runtime_error);
  EXPECT_LT(done.load(), 2000);  // the work stopped being handed out
  // The helpers have stopped touching the first call's function, and the
  // next call runs in parallel again, every index once.
  std::vector<std::atomic<int>> seen(5000);
  std::mutex mu;
  std::vector<std::thread::id> ids;
  ParallelFor(seen.size(), [&](size_t i) {
    seen[i].fetch_add(1);
    volatile double x = 0;
    for (int k = 0; k < 20000; ++k) x = x + k;
    std::lock_guard<std::mutex> lock(mu);
    if (std::find(ids.begin(), ids.end(), std::this_thread::get_id()) == ids.end()) {
      ids.push_back(std::this_thread::get_id());
    }
  });
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << i;
  EXPECT_GE(ids.size(), 2u);
}

}  // namespace
}  // namespace verdict::cli
