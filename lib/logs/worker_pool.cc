#include "lib/logs/worker_pool.h"

#include <algorithm>
#include <exception>
#include <system_error>

namespace verdict::logs {
namespace {

// Indices a worker takes at a time: few enough that the last chunks balance
// the workers, many enough that the shared counter is not contended.
constexpr size_t kChunk = 16;

}  // namespace

WorkerPool::WorkerPool(size_t threads) {
  for (size_t worker = 1; worker < threads; ++worker) {
    try {
      helpers_.emplace_back([this, worker] { HelperLoop(worker); });
    } catch (const std::system_error&) {
      break;  // fewer helpers than asked for: the work still gets done
    }
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void WorkerPool::Run(size_t n, const std::function<void(size_t, size_t)>& fn) {
  // One chunk or less: waking the helpers would cost more than it saves.
  if (helpers_.empty() || n <= kChunk) {
    for (size_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    each_ = nullptr;
    n_ = n;
    next_.store(0);
    pending_ = helpers_.size();
    ++generation_;
  }
  work_cv_.notify_all();
  // Should fn throw here, the helpers must still be done with `fn` before it
  // goes out of scope: hand out no more work, wait, then let it go on.
  std::exception_ptr error;
  try {
    Work(0, fn, n);
  } catch (...) {
    error = std::current_exception();
    next_.store(n);
  }
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return pending_ == 0; });
  fn_ = nullptr;
  if (error) std::rethrow_exception(error);
}

void WorkerPool::RunOnEach(const std::function<void(size_t)>& fn) {
  if (helpers_.empty()) {
    fn(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = nullptr;
    each_ = &fn;
    pending_ = helpers_.size();
    ++generation_;
  }
  work_cv_.notify_all();
  std::exception_ptr error;
  try {
    fn(0);
  } catch (...) {
    error = std::current_exception();
  }
  // `fn` must outlive the helpers' calls, whatever happened here.
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return pending_ == 0; });
  each_ = nullptr;
  if (error) std::rethrow_exception(error);
}

void WorkerPool::Work(size_t worker, const std::function<void(size_t, size_t)>& fn, size_t n) {
  while (true) {
    const size_t begin = next_.fetch_add(kChunk);
    if (begin >= n) return;
    const size_t end = std::min(n, begin + kChunk);
    for (size_t i = begin; i < end; ++i) fn(worker, i);
  }
}

void WorkerPool::HelperLoop(size_t worker) {
  uint64_t seen = 0;
  while (true) {
    const std::function<void(size_t, size_t)>* fn = nullptr;
    const std::function<void(size_t)>* each = nullptr;
    size_t n = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      fn = fn_;
      each = each_;
      n = n_;
    }
    if (each != nullptr) {
      (*each)(worker);
    } else {
      Work(worker, *fn, n);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      --pending_;
    }
    done_cv_.notify_all();
  }
}

}  // namespace verdict::logs
