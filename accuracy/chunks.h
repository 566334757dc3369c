// The parallel-chunks driver of the exhaustive sweep: it cuts a range of
// float32 bit patterns into aligned chunks, hands them to threads from a
// shared counter, honours a stop request, reports progress and records which
// ranges finished. It knows nothing of what is done with a chunk
// (accuracy/exhaustive.cc scores rows on it).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "accuracy/sweep.h"

namespace actbench {

inline constexpr uint32_t kExhaustiveChunkBits = 16;  // 2^16 patterns per chunk
inline constexpr size_t kExhaustiveChunk = size_t(1) << kExhaustiveChunkBits;

// The `shard`-th (1-based) of `shards` contiguous, near-equal parts of
// [lo, hi]. Empty (returns false) when the part holds no pattern.
bool ShardRange(uint32_t lo, uint32_t hi, uint64_t shard, uint64_t shards, BitRange* out);

// Sorted union of ranges, adjacent ranges joined.
std::vector<BitRange> UnionRanges(std::vector<BitRange> r);

// One chunk: the patterns [base, base + kExhaustiveChunk) aligned to the
// chunk size, of which [lo, hi] (both included) are in the swept range.
struct Chunk {
  uint32_t base = 0, lo = 0, hi = 0;
  size_t offset() const { return lo - base; }  // of lo within the chunk
  size_t size() const { return size_t(hi - lo) + 1; }
};

struct ChunkRunOptions {
  uint32_t lo = 0, hi = 0xffffffffu;  // bit patterns, both included
  unsigned threads = 0;               // 0: all hardware threads
  // Set (e.g. by a SIGINT handler) to stop: chunks in flight finish, no new
  // chunk starts.
  const std::atomic<bool>* stop = nullptr;
  // Called about every 0.25 s from the calling thread with patterns done and
  // total; and once more at the end.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// The threads RunChunks will use: o.threads (or the hardware's), at most one
// per chunk.
unsigned ChunkThreads(const ChunkRunOptions& o);

struct ChunkRunResult {
  std::vector<BitRange> coverage;  // the chunks' ranges that finished, sorted, disjoint
  uint64_t inputs = 0;             // patterns covered
  bool interrupted = false;        // some of [lo, hi] was not covered
};

// Runs process(thread, chunk) for every chunk of [o.lo, o.hi] on
// ChunkThreads(o) threads (thread in [0, that)); each thread then calls
// at_exit(thread), if given, before it ends. Chunks are handed out a pilot
// first (up to 256 spread evenly over the range), then the rest in order.
ChunkRunResult RunChunks(const ChunkRunOptions& o, const std::function<void(unsigned, const Chunk&)>& process,
                         const std::function<void(unsigned)>& at_exit = nullptr);

}  // namespace actbench
