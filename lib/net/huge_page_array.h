// An allocator for the zone IP index's large arrays: 2 MiB-aligned, with the
// kernel asked (madvise MADV_HUGEPAGE) to back them with transparent huge
// pages.
//
// Why: a lookup at 10^6 entries reads two or three random places in ~35 MB.
// With 4 KiB pages each of those reads also misses the TLB (its 2048 entries
// cover 8 MB), and the page walk is one more dependent memory access; with
// 2 MiB pages the whole index needs ~18 TLB entries. The kernel may ignore
// the advice (THP disabled, memory fragmented): the arrays then behave as
// before. Arrays under 2 MiB are allocated as usual.
#ifndef VERDICT_LIB_NET_HUGE_PAGE_ARRAY_H_
#define VERDICT_LIB_NET_HUGE_PAGE_ARRAY_H_

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace verdict::internal {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) return std::allocator<T>().allocate(n);
    void* p = nullptr;
    if (posix_memalign(&p, kHugePageBytes, bytes) != 0) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    // Advice only: a refusal leaves ordinary pages.
    madvise(p, (bytes + 4095) & ~size_t{4095}, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePageBytes) {
      std::allocator<T>().deallocate(p, n);
    } else {
      std::free(p);
    }
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
  friend bool operator!=(const HugePageAllocator&, const HugePageAllocator&) { return false; }
};

template <typename T>
using HugePageArray = std::vector<T, HugePageAllocator<T>>;

}  // namespace verdict::internal

#endif  // VERDICT_LIB_NET_HUGE_PAGE_ARRAY_H_
