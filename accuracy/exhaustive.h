// The exhaustive accuracy sweep: every float32 bit pattern of a range, for a
// set of (variant, target) rows, on all cores. Inputs are processed in chunks
// of 2^16 consecutive bit patterns aligned to multiples of 2^16; per chunk the
// reference of each activation needed is computed once (Ziv: double path with
// a multiprecision fallback, accuracy/fast_reference.h) and every row is
// scored against it. docs/exhaustive.md describes the method and the results.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accuracy/chunks.h"
#include "accuracy/error_stats.h"
#include "accuracy/sweep.h"
#include "impls/variant.h"

namespace actbench {

// The range, threads, stop request and progress callback (accuracy/chunks.h).
using ExhaustiveOptions = ChunkRunOptions;

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

}  // namespace actbench
