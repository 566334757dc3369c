#include "accuracy/chunks.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace actbench {

bool ShardRange(uint32_t lo, uint32_t hi, uint64_t shard, uint64_t shards, BitRange* out) {
  if (shards == 0 || shard == 0 || shard > shards || lo > hi) return false;
  const uint64_t total = uint64_t(hi) - lo + 1;
  // floor(total * k / shards) without overflow: total <= 2^32, shards < 2^32.
  auto cut = [&](uint64_t k) {
    const unsigned __int128 v = static_cast<unsigned __int128>(total) * k / shards;
    return static_cast<uint64_t>(v);
  };
  const uint64_t b = cut(shard - 1), e = cut(shard);
  if (e == b) return false;
  out->lo = static_cast<uint32_t>(lo + b);
  out->hi = static_cast<uint32_t>(lo + e - 1);
  return true;
}

std::vector<BitRange> UnionRanges(std::vector<BitRange> r) {
  std::sort(r.begin(), r.end(), [](const BitRange& a, const BitRange& b) { return a.lo < b.lo; });
  std::vector<BitRange> out;
  for (const BitRange& x : r) {
    if (!out.empty() && uint64_t(x.lo) <= uint64_t(out.back().hi) + 1) {
      out.back().hi = std::max(out.back().hi, x.hi);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

unsigned ChunkThreads(const ChunkRunOptions& o) {
  const uint64_t chunks = (o.hi >> kExhaustiveChunkBits) - (o.lo >> kExhaustiveChunkBits) + 1;
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<uint64_t>(threads, chunks));
}

ChunkRunResult RunChunks(const ChunkRunOptions& o, const std::function<void(unsigned, const Chunk&)>& process,
                         const std::function<void(unsigned)>& at_exit) {
  const uint64_t c_lo = o.lo >> kExhaustiveChunkBits, c_hi = o.hi >> kExhaustiveChunkBits;
  const uint64_t total = uint64_t(o.hi) - o.lo + 1;
  const unsigned threads = ChunkThreads(o);
  std::atomic<uint64_t> next{0}, done{0};
  std::vector<std::vector<BitRange>> covered(threads);

  // The order chunks are handed out in: first a pilot of up to 256 chunks
  // spread evenly over the range, then the others in order. Results do not
  // depend on the order (every combination is exact), but the scorer's
  // worst-ten lists fill from the pilot with errors typical of the whole
  // range; in bit order the first quarter (tiny positive inputs, errors
  // growing chunk after chunk) would put nearly every input on the scorer's
  // slow path, each a new worst so far.
  const uint64_t chunks = c_hi - c_lo + 1;
  const uint64_t pilots = std::min<uint64_t>(chunks, 256), stride = chunks / pilots;
  auto chunk_at = [&](uint64_t p) {  // p < chunks
    if (p < pilots) return c_lo + p * stride;
    const uint64_t q = p - pilots;
    if (stride > 1 && q < pilots * (stride - 1)) return c_lo + (q / (stride - 1)) * stride + 1 + q % (stride - 1);
    return c_lo + pilots * stride + (q - pilots * (stride - 1));
  };
  auto worker = [&](unsigned t) {
    std::vector<BitRange>& cov = covered[t];
    while (!(o.stop && o.stop->load(std::memory_order_relaxed))) {
      const uint64_t p = next.fetch_add(1);
      if (p >= chunks) break;
      const uint64_t c = chunk_at(p);
      Chunk ch;
      ch.base = static_cast<uint32_t>(c << kExhaustiveChunkBits);
      ch.lo = std::max(o.lo, ch.base);
      ch.hi = std::min<uint32_t>(o.hi, ch.base + static_cast<uint32_t>(kExhaustiveChunk - 1));
      process(t, ch);
      if (!cov.empty() && uint64_t(cov.back().hi) + 1 == ch.lo)
        cov.back().hi = ch.hi;  // the next chunk of this thread's run
      else
        cov.push_back({ch.lo, ch.hi});  // UnionRanges joins the pilots in at the end
      done.fetch_add(ch.size(), std::memory_order_relaxed);
    }
  };

  std::vector<std::thread> pool;
  std::mutex mu;
  std::condition_variable finished;
  unsigned running = threads;  // guarded by mu
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      worker(t);
      if (at_exit) at_exit(t);
      std::lock_guard<std::mutex> lock(mu);
      if (--running == 0) finished.notify_one();
    });
  {
    // Progress every 0.25 s until the last worker is done (no later).
    std::unique_lock<std::mutex> lock(mu);
    while (!finished.wait_for(lock, std::chrono::milliseconds(250), [&] { return running == 0; })) {
      if (!o.progress) continue;
      lock.unlock();
      o.progress(done.load(), total);
      lock.lock();
    }
  }
  for (auto& th : pool) th.join();
  if (o.progress) o.progress(done.load(), total);

  ChunkRunResult r;
  std::vector<BitRange> all;
  for (const std::vector<BitRange>& c : covered) all.insert(all.end(), c.begin(), c.end());
  r.coverage = UnionRanges(std::move(all));
  for (const BitRange& b : r.coverage) r.inputs += b.size();
  r.interrupted = r.inputs < total;
  return r;
}

}  // namespace actbench
