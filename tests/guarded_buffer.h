// Buffers that sit right against a protected page, so a kernel that reads or
// writes one float past either end faults instead of passing silently.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace actbench::testing {

class GuardedBuffer {
 public:
  enum class Side { kEnd, kStart };

  // n floats whose last element ends at a protected page (kEnd) or whose first
  // element starts right after one (kStart).
  GuardedBuffer(size_t n, Side side) : n_(n) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t data = (n * sizeof(float) + page - 1) / page * page;
    size_ = data + 2 * page;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<char*>(m);
    if (mprotect(base_, page, PROT_NONE) != 0 || mprotect(base_ + page + data, page, PROT_NONE) != 0)
      throw std::runtime_error("mprotect failed");
    char* first = base_ + page;
    p_ = side == Side::kStart ? reinterpret_cast<float*>(first)
                              : reinterpret_cast<float*>(first + data) - n;
  }
  ~GuardedBuffer() { munmap(base_, size_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  float* data() { return p_; }
  size_t size() const { return n_; }

 private:
  size_t n_;
  size_t size_ = 0;
  char* base_ = nullptr;
  float* p_ = nullptr;
};

}  // namespace actbench::testing
