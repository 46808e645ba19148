// Counts heap allocations made through global operator new, so a test can
// assert that a hot path allocates nothing:
//
//   const uint64_t before = verdict::testing::AllocationCount();
//   index.Lookup(ip);
//   EXPECT_EQ(verdict::testing::AllocationCount() - before, 0);
//
// The replacement operator new (alloc_counter.cc) is linked into the whole
// test binary and always active: a pass-through to malloc plus one increment
// of a thread_local counter, so it costs other tests nothing measurable. The
// count is per thread: allocations made by other threads are not seen.
#ifndef VERDICT_TESTS_SUPPORT_ALLOC_COUNTER_H_
#define VERDICT_TESTS_SUPPORT_ALLOC_COUNTER_H_

#include <cstdint>

namespace verdict::testing {

// Calls of global operator new (any form that reaches operator new(size_t),
// which includes new[] and the nothrow forms) made by this thread so far.
uint64_t AllocationCount();

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_SUPPORT_ALLOC_COUNTER_H_
