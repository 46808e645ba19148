// The threads of one ContextStream: started once and kept, because a stream
// runs a parallel pass per part of a few hundred events, and starting
// threads each time cost more than the small parts save
// (docs/performance.md). Owned by its stream; nothing global.
#ifndef VERDICT_LIB_LOGS_WORKER_POOL_H_
#define VERDICT_LIB_LOGS_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace verdict::logs {

class WorkerPool {
 public:
  // `threads` workers in all: the caller of Run() is worker 0, and threads - 1
  // helper threads are started here (fewer if the system refuses some: the
  // work still gets done). 0 is taken as 1.
  explicit WorkerPool(size_t threads);
  // Joins the helpers.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // The workers available: 1 + the helpers started.
  size_t threads() const { return helpers_.size() + 1; }

  // Calls fn(worker, i) once for every i in [0, n), on the calling thread
  // (worker 0) and the helpers (1 .. threads() - 1), in chunks of indices
  // handed out as workers become free; returns when all calls are done. A
  // worker's calls never overlap, so per-worker state indexed by `worker`
  // needs no lock. A small n (16 or less) runs on the calling thread alone.
  // One Run() at a time; `fn` must not call Run(). Should `fn` throw on the
  // calling thread, no more indices are handed out, the helpers finish what
  // they hold, and the exception goes on; on a helper it ends the process.
  void Run(size_t n, const std::function<void(size_t worker, size_t i)>& fn);

  // Calls fn(worker) once on every worker at the same time: on the calling
  // thread (worker 0) and on each helper; returns when all calls have
  // returned. For work that the workers share out among themselves as it
  // comes (a stream whose items arrive while earlier ones are processed),
  // where one Run() per handful of items would wake the helpers each time.
  // Should `fn` throw on the calling thread, it goes on once the helpers'
  // calls have returned: `fn` must then make them return (it is the caller's
  // protocol that keeps them busy). On a helper it ends the process. One
  // Run() or RunOnEach() at a time.
  void RunOnEach(const std::function<void(size_t worker)>& fn);

 private:
  void Work(size_t worker, const std::function<void(size_t, size_t)>& fn, size_t n);
  void HelperLoop(size_t worker);

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t, size_t)>* fn_ = nullptr;  // guarded by mu_
  const std::function<void(size_t)>* each_ = nullptr;        // guarded by mu_
  size_t n_ = 0;                                             // guarded by mu_
  std::atomic<size_t> next_{0};
  size_t pending_ = 0;       // helpers still working on this Run, guarded by mu_
  uint64_t generation_ = 0;  // one per Run, guarded by mu_
  bool stop_ = false;        // guarded by mu_
  std::vector<std::thread> helpers_;
};

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_WORKER_POOL_H_
