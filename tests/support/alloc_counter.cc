// Replaces the global operator new/delete pairs (single and array) with a
// counting pass-through to malloc/free. The array forms are replaced too:
// under AddressSanitizer the library's operator new[] does not call
// operator new, so an array allocation would go uncounted. Aligned forms (align_val_t) are left to
// the library: they allocate and free through their own pair, and nothing on our hot paths uses
// over-aligned types.
#include "tests/support/alloc_counter.h"

#include <cstdlib>
#include <new>

namespace verdict::testing {
namespace {
thread_local uint64_t allocation_count = 0;
}  // namespace

uint64_t AllocationCount() { return allocation_count; }

}  // namespace verdict::testing

void* operator new(std::size_t size) {
  ++verdict::testing::allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

void* operator new[](std::size_t size) {
  ++verdict::testing::allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
