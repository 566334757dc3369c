// Scoring one chunk of the exhaustive sweep: a row's outputs against one
// activation's reference values, folded into the row's ErrorStats. The fast
// path (accuracy/score.cc) is Highway SIMD, dispatched to the best target of
// the CPU: per lane it computes the ULP error, the integer distance, the
// absolute and relative errors, the histogram bin and the quantized sum, all
// exact integer or IEEE operations, so the result does not depend on the
// target or the lane count. Lanes it cannot score (a non-finite output or
// reference, but for a NaN where NaN is right, which scores 0; an error of 2^39 ULP or more, an error that may enter the ten
// worst) go to the scalar path, which is ScoreChunkScalar's loop body: the two
// give bit-identical ErrorStats (tests/score_test.cc).
#pragma once

#include <cstddef>
#include <vector>

#include "accuracy/error_stats.h"
#include "accuracy/sweep.h"
#include "impls/activation.h"

namespace actbench {

// One activation's reference values for one chunk (the scored sub-range).
struct RefChunk {
  std::vector<double> exact;    // the exact value (see fast_reference.h)
  std::vector<double> inv_ulp;  // 1 / UlpOf(exact), exactly
  std::vector<double> inv_abs;  // 1 / |exact|, 0 where exact is 0 or not finite
  std::vector<float> rounded;   // the correctly rounded float
  // Set by whoever filled the entries: all of them are the same value (a
  // saturated chunk), which lets ScoreChunk score one input for all.
  bool constant = false;
  // Set by whoever filled the entries: every exact value is its rounded
  // float (x or x/2 exactly: identity chunks). ScoreChunk scores outputs
  // that are these floats themselves (the same array) as all errors 0.
  bool exact_floats = false;
  // Set by the caller before the chunk is filled: a constant or exact-floats
  // chunk may then leave exact, inv_ulp and inv_abs past the first kHead
  // entries unwritten until Complete() (rounded is always written). Most
  // such chunks are scored from their first ten inputs or as all errors 0,
  // and writing 24 bytes per input took a sixth of a sigmoid sweep's
  // reference time.
  bool may_defer = false;
  static constexpr size_t kHead = 16;
  size_t deferred_to = 0;  // entries [kHead, deferred_to) are not written yet
  // Writes the deferred entries (entry 0's values, or the rounded floats').
  void Complete();
  void Resize(size_t n) {
    exact.resize(n);
    inv_ulp.resize(n);
    inv_abs.resize(n);
    rounded.resize(n);
  }
  // Fills entry i from a reference value.
  void Set(size_t i, const RefValue& v);
};

// 1/UlpOf(y), exactly (a power of two), from the bits of y.
double InvUlpOf(double y);

// Scores outputs y of the n inputs x against ref and folds them into s. The
// inputs lie in one input binade (`binade`, kBinadeCount for NaN/inf inputs:
// no binade maximum). Returns the largest error of these inputs. When
// out_of_range is given, sets it if an output is NaN or outside range (the
// contract needs a closer look), and leaves it otherwise.
//
// When ref.constant, the outputs are all one value and x is consecutive bit
// patterns, every input's error is the same: the first ten are scored (the
// only ones that can enter a worst list: equal errors rank by bit pattern)
// and the others' counts and sums added, with the same result.
//
// floor (optional): inputs that are not worse than it (KeepWorst's order)
// need not enter s.worst, e.g. because s is one chunk's score that will be
// combined into rows whose worst lists all reach past it. s.worst still
// holds the chunk's worst inputs above the floor, so combining stays exact.
double ScoreChunk(ErrorStats& s, const float* x, const float* y, const RefChunk& ref, size_t n,
                  size_t binade, const Range& range, bool* out_of_range,
                  const WorstInput* floor = nullptr);

// Whether ScoreChunk scores these outputs from the first ten inputs (the
// constant case above): then ref's deferred entries need not be written.
bool ScoredAsConstant(const RefChunk& ref, const float* x, const float* y, size_t n);

// The same, one input at a time (the definition; tests compare the two).
double ScoreChunkScalar(ErrorStats& s, const float* x, const float* y, const RefChunk& ref, size_t n,
                        size_t binade, const Range& range, bool* out_of_range);

}  // namespace actbench
