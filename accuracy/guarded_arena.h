// Buffers that sit right against a protected page, so a kernel that reads or
// writes one float past either end faults instead of passing silently
// (accuracy/safety.h runs every kernel so; the test suite and `actbench
// check` share it).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ACTBENCH_GUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define ACTBENCH_GUARD_ASAN 1
#endif
#endif

namespace actbench {

// Floats per 64 bytes: the widest vector (AVX-512) and the alignment unit.
inline constexpr size_t kAlignFloats = 16;

// A region of whole pages between two PROT_NONE pages, in which a buffer of n
// floats is placed at any misalignment (its start index modulo kAlignFloats,
// counted from a 64-byte boundary), as close to one guard page as that
// misalignment allows:
// - AtEnd: the buffer ends at the back guard page, exactly when
//   (n + misalign) % 16 == 0, else up to 15 floats before it;
// - AtStart: the buffer starts `misalign` floats after the front guard page.
// Any n from 0 to 70 thus meets the back guard page at every misalignment
// class, and the front one at a 64-byte-aligned start. Under AddressSanitizer
// every byte of the region outside the buffer is also poisoned, so the gap
// faults too: both ends are exact at every misalignment (the ASan build of
// the tests, docs/testing.md). A later placement replaces the earlier one.
class GuardedArena {
 public:
  explicit GuardedArena(size_t max_n) : page_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    data_ = ((max_n + kAlignFloats) * sizeof(float) + page_ - 1) / page_ * page_;
    size_ = data_ + 2 * page_;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<char*>(m);
    if (mprotect(base_, page_, PROT_NONE) != 0 || mprotect(base_ + page_ + data_, page_, PROT_NONE) != 0)
      throw std::runtime_error("mprotect failed");
    max_n_ = max_n;
  }
  ~GuardedArena() {
    Unpoison();  // the shadow outlives the mapping; leave it clean for the next one
    munmap(base_, size_);
  }
  GuardedArena(const GuardedArena&) = delete;
  GuardedArena& operator=(const GuardedArena&) = delete;

  float* AtEnd(size_t n, size_t misalign) {
    Check(n, misalign);
    float* end = reinterpret_cast<float*>(base_ + page_ + data_);
    const size_t gap = (kAlignFloats - (n + misalign) % kAlignFloats) % kAlignFloats;
    return Expose(end - gap - n, n);
  }
  float* AtStart(size_t n, size_t misalign) {
    Check(n, misalign);
    return Expose(reinterpret_cast<float*>(base_ + page_) + misalign, n);
  }

 private:
  void Check(size_t n, size_t misalign) const {
    if (n > max_n_ || misalign >= kAlignFloats) throw std::invalid_argument("GuardedArena: out of range");
  }
  float* Expose(float* p, size_t n) {
#ifdef ACTBENCH_GUARD_ASAN
    // ASan tracks 8-byte granules: a buffer starting at an odd float shares its
    // first granule with the float before it, which therefore stays readable.
    ASAN_POISON_MEMORY_REGION(base_ + page_, data_);
    ASAN_UNPOISON_MEMORY_REGION(p, n * sizeof(float));
#else
    (void)n;  // only ASan needs the length
#endif
    return p;
  }
  void Unpoison() {
#ifdef ACTBENCH_GUARD_ASAN
    ASAN_UNPOISON_MEMORY_REGION(base_ + page_, data_);
#endif
  }

  size_t page_;
  size_t data_ = 0;
  size_t size_ = 0;
  size_t max_n_ = 0;
  char* base_ = nullptr;
};

}  // namespace actbench
