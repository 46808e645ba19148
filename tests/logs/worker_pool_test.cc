// WorkerPool, the threads a ContextStream owns: every index exactly once for
// any thread count, each worker's calls never overlapping (so per-worker
// state needs no lock), and an exception on the calling thread leaving the
// pool usable.
#include "lib/logs/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace verdict::logs {
namespace {

// Work long enough per index that the helpers take some of it.
void Spin() {
  volatile double x = 0;
  for (int k = 0; k < 20000; ++k) x = x + k;
}

TEST(WorkerPool, EveryIndexExactlyOnce) {
  for (size_t threads : {0u, 1u, 2u, 3u, 5u}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.threads(), std::max<size_t>(threads, 1));
    for (size_t n : {0u, 1u, 15u, 16u, 17u, 100u, 1000u, 4099u}) {
      std::vector<std::atomic<int>> seen(n);
      pool.Run(n, [&](size_t worker, size_t i) {
        EXPECT_LT(worker, pool.threads());
        seen[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(seen[i].load(), 1)
            << "index " << i << " of " << n << ", " << threads << " threads";
      }
    }
  }
}

TEST(WorkerPool, WorkersAreThreadsAndTheirCallsNeverOverlap) {
  WorkerPool pool(3);
  std::vector<std::atomic<int>> busy(pool.threads());
  std::vector<std::thread::id> thread_of(pool.threads());
  std::mutex mu;
  std::atomic<bool> overlapped{false};
  std::atomic<bool> inconsistent{false};
  pool.Run(3000, [&](size_t worker, size_t) {
    if (busy[worker].fetch_add(1) != 0) overlapped = true;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (thread_of[worker] == std::thread::id()) thread_of[worker] = std::this_thread::get_id();
      if (thread_of[worker] != std::this_thread::get_id()) inconsistent = true;
    }
    Spin();
    busy[worker].fetch_sub(1);
  });
  EXPECT_FALSE(overlapped.load());
  EXPECT_FALSE(inconsistent.load()) << "a worker index moved between threads";
  EXPECT_EQ(thread_of[0], std::this_thread::get_id());  // worker 0 is the caller
  const size_t used =
      static_cast<size_t>(std::count_if(thread_of.begin(), thread_of.end(), [](std::thread::id id) {
        return id != std::thread::id();
      }));
  EXPECT_GE(used, 2u);
}

TEST(WorkerPool, SmallRunsStayOnTheCallingThread) {
  WorkerPool pool(4);
  pool.Run(16, [&](size_t worker, size_t) {
    EXPECT_EQ(worker, 0u);
    EXPECT_EQ(std::this_thread::get_id(), std::this_thread::get_id());
  });
}

TEST(WorkerPool, AnExceptionOnTheCallingThreadLeavesThePoolUsable) {
  WorkerPool pool(2);
  std::atomic<int> done{0};
  // Every index takes a while, so the calling thread surely gets some.
  EXPECT_THROW(pool.Run(2000,
                        [&](size_t worker, size_t) {
                          Spin();
                          if (worker == 0) throw std::runtime_error("out of something");
                          done.fetch_add(1);
                        }),
               std::runtime_error);
  EXPECT_LT(done.load(), 2000);  // the work stopped being handed out
  // The helpers have stopped touching the first call's function, and the
  // next call runs in parallel again, every index once.
  std::vector<std::atomic<int>> seen(5000);
  std::vector<std::atomic<int>> by_worker(pool.threads());
  pool.Run(seen.size(), [&](size_t worker, size_t i) {
    seen[i].fetch_add(1);
    by_worker[worker].fetch_add(1);
    Spin();
  });
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << i;
  EXPECT_GT(by_worker[1].load(), 0);
}

TEST(WorkerPool, RunOnEachCallsEveryWorkerOnceOnItsOwnThread) {
  for (size_t threads : {1u, 2u, 3u}) {
    WorkerPool pool(threads);
    const std::thread::id caller = std::this_thread::get_id();
    std::mutex mu;
    std::vector<std::thread::id> thread_of;
    std::vector<size_t> workers;
    pool.RunOnEach([&](size_t worker) {
      std::lock_guard<std::mutex> lock(mu);
      workers.push_back(worker);
      thread_of.push_back(std::this_thread::get_id());
      if (worker == 0) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
      }
    });
    std::sort(workers.begin(), workers.end());
    std::vector<size_t> want(pool.threads());
    for (size_t w = 0; w < want.size(); ++w) want[w] = w;
    EXPECT_EQ(workers, want) << threads;
    std::sort(thread_of.begin(), thread_of.end());
    EXPECT_EQ(std::unique(thread_of.begin(), thread_of.end()), thread_of.end()) << threads;
  }
}

TEST(WorkerPool, RunOnEachWaitsForTheHelpersBeforeAnExceptionGoesOn) {
  WorkerPool pool(3);
  std::atomic<bool> stop{false};
  std::atomic<int> returned{0};
  EXPECT_THROW(pool.RunOnEach([&](size_t worker) {
    if (worker == 0) {
      stop.store(true);  // the caller's protocol makes the helpers return
      throw std::runtime_error("out of something");
    }
    while (!stop.load()) std::this_thread::yield();
    Spin();
    returned.fetch_add(1);
  }),
               std::runtime_error);
  EXPECT_EQ(returned.load(), 2);  // both helpers had returned
  // The pool is usable again, by either kind of call.
  std::vector<std::atomic<int>> seen(1000);
  pool.Run(seen.size(), [&](size_t, size_t i) { seen[i].fetch_add(1); });
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << i;
  std::atomic<int> calls{0};
  pool.RunOnEach([&](size_t) { calls.fetch_add(1); });
  EXPECT_EQ(calls.load(), 3);
}

}  // namespace
}  // namespace verdict::logs
