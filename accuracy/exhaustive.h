// The exhaustive accuracy sweep: every float32 bit pattern of a range, for a
// set of (variant, target) rows, on all cores. Inputs are processed in chunks
// of 2^16 consecutive bit patterns aligned to multiples of 2^16; per chunk the
// reference of each activation needed is computed once (Ziv: double path with
// a multiprecision fallback, accuracy/fast_reference.h) and every row is
// scored against it. docs/exhaustive.md describes the method and the results.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "accuracy/sweep.h"
#include "impls/variant.h"

namespace actbench {

inline constexpr uint32_t kExhaustiveChunkBits = 16;  // 2^16 patterns per chunk

// Shared by the exhaustive scorer, the sampled one and reports/combine.
size_t HistogramBin(double ulp);            // ErrorStats::histogram index of an error
unsigned __int128 QuantizeUlp(double ulp);  // a finite error in units of 2^-24, capped at 2^64 ULP
double MeanFromSums(const ErrorStats& s);   // sum_ulp_q24 / finite (0 when finite == 0)
std::string U128ToString(unsigned __int128 v);
// Parses a decimal string; false when it is not one or overflows.
bool U128FromString(const std::string& s, unsigned __int128* v);

// Merges the error stats of disjoint inputs of one row into `into`: maxima,
// sums, histogram, per-binade maxima, the worst inputs (largest first, ties by
// the smaller bit pattern) and mean_ulp from the exact sums.
void CombineErrorStatsInto(ErrorStats& into, const ErrorStats& from);

// The `shard`-th (1-based) of `shards` contiguous, near-equal parts of
// [lo, hi]. Empty (returns false) when the part holds no pattern.
bool ShardRange(uint32_t lo, uint32_t hi, uint64_t shard, uint64_t shards, BitRange* out);

struct ExhaustiveOptions {
  uint32_t lo = 0, hi = 0xffffffffu;  // bit patterns, both included
  unsigned threads = 0;               // 0: all hardware threads
  // Set (e.g. by a SIGINT handler) to stop: chunks in flight finish, no new
  // chunk starts, and the result covers what finished.
  const std::atomic<bool>* stop = nullptr;
  // Called about every 0.25 s from the calling thread with patterns done and
  // total; and once more at the end.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct ExhaustiveResult {
  std::vector<AccuracyResult> rows;  // one per row given, in order
  // Per activation whose reference was computed: inputs and fallbacks.
  std::map<Act, uint64_t> reference_inputs, reference_fallbacks;
  // Where the CPU time went (summed over threads): the reference per
  // activation, and per row its kernel and its scoring. A row whose outputs
  // of a chunk equal those of an earlier row of its variant (another target)
  // reuses that row's score of the chunk: row_shared_chunks counts those. A
  // row whose outputs of a chunk are all the correctly rounded reference
  // reuses the reference's own score of it: row_rounded_chunks.
  std::map<Act, double> reference_seconds;
  std::vector<double> row_kernel_seconds, row_score_seconds;
  std::vector<uint64_t> row_shared_chunks, row_rounded_chunks;
  std::vector<BitRange> coverage;  // what finished, sorted, disjoint
  uint64_t inputs = 0;             // patterns covered
  bool interrupted = false;
  double seconds = 0;
};

ExhaustiveResult RunExhaustive(const std::vector<VariantTarget>& rows, const ExhaustiveOptions& o);

// Sorted union of ranges, adjacent ranges joined.
std::vector<BitRange> UnionRanges(std::vector<BitRange> r);

}  // namespace actbench
