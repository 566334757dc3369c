// The sampled accuracy sweep: one (variant, target) scored against reference
// values of the function it computes, plus the special-value contract.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "accuracy/reference.h"
#include "impls/variant.h"

namespace actbench {

struct WorstInput {
  float x;
  float out;       // what the variant returned
  float expected;  // the correctly rounded reference
  double ulp;      // real-valued ULP error
};

// Error of a variant's outputs against one exact function.
struct ErrorStats {
  std::string against;     // the activation the error is measured against
  size_t count = 0;        // inputs scored (all, NaN inputs included)
  double max_ulp = 0;      // real-valued, see accuracy/ulp.h
  double mean_ulp = 0;     // over inputs with a finite error
  int64_t max_ulp_distance = 0;  // integer distance to the correctly rounded float
  double max_abs_err = 0;  // |out - exact| over finite pairs
  double max_rel_err = 0;  // |out - exact| / |exact|, exact != 0
  size_t above_0_5 = 0, above_1 = 0, above_2 = 0, above_4 = 0;
  size_t nan_mismatch = 0;  // NaN where a number was due, or a number where NaN was due
  size_t inf_mismatch = 0;  // infinity where a finite value was due, or the reverse
  std::vector<WorstInput> worst;  // largest errors first, at most kWorstKept
  static constexpr size_t kWorstKept = 10;
  // Max ULP error per input binade (see BinadeIndex), kBinadeCount entries;
  // NaN where the sweep had no input in that binade. Empty when not computed
  // (reports from before it existed).
  std::vector<double> binade_max_ulp;
  // Exact sums, so that results of disjoint inputs combine to exactly what one
  // run gives (reports/combine.h): inputs with a finite error, and the sum of
  // their errors in units of 2^-24 ULP (each error rounded to that unit and
  // capped at 2^64 ULP). mean_ulp is derived from these where they are kept.
  size_t finite = 0;
  unsigned __int128 sum_ulp_q24 = 0;
  // Inputs per error bin: 0, (0, 0.5], (0.5, 1], (1, 2], (2, 4], (4, 16],
  // (16, 256], more (infinite errors included). Empty when not computed.
  std::vector<size_t> histogram;
  static constexpr size_t kHistogramBins = 8;
};

// A range of float32 bit patterns, both ends included.
struct BitRange {
  uint32_t lo = 0, hi = 0;
  uint64_t size() const { return uint64_t(hi) - lo + 1; }
  bool operator==(const BitRange& o) const { return lo == o.lo && hi == o.hi; }
};

// Input binades for the error-versus-input view: sign x floor(log2|x|), the
// exponent clamped to [kBinadeExpLo, kBinadeExpHi]. Ordered along the real
// line: index 0 is x <= -2^kBinadeExpHi, then ever smaller negative
// magnitudes down to -0 (|x| < 2^(kBinadeExpLo+1)), then +0 upwards, the last
// index holding x >= 2^kBinadeExpHi. Zeros, subnormals and infinities fall in
// the clamped end bins; NaN inputs in none.
inline constexpr int kBinadeExpLo = -40, kBinadeExpHi = 40;
inline constexpr size_t kBinadesPerSign = kBinadeExpHi - kBinadeExpLo + 1;
inline constexpr size_t kBinadeCount = 2 * kBinadesPerSign;
// The binade of x, or kBinadeCount for NaN.
size_t BinadeIndex(float x);
// The clamped exponent floor(log2|x|) and sign of a binade index.
int BinadeExponent(size_t index);
bool BinadeNegative(size_t index);

struct ContractResult {
  bool pass = true;
  size_t failures = 0;
  std::vector<std::string> examples;  // the first few failures, one line each
};

// Whether a variant's rows on the targets swept together gave the same
// output bits on every input: computed from the outputs during the sweep,
// the same on each of the variant's rows. Empty targets: fewer than two of
// the variant's targets were swept together, nothing compared.
struct TargetAgreement {
  std::vector<std::string> targets;  // in row order
  uint64_t inputs = 0;               // inputs compared
  uint64_t differing = 0;            // inputs where some target's bits differ from the first target's
  bool compared() const { return targets.size() >= 2; }
  bool identical() const { return compared() && differing == 0; }
};

// Inputs where b's output bits differ from a's: diff[i] set to 1 there.
void MarkDifferingBits(const float* a, const float* b, size_t n, uint8_t* diff);

struct AccuracyResult {
  ErrorStats error;                 // against what the variant computes
  std::vector<ErrorStats> also;     // against the exact functions it approximates
  double max_ulp_in_domain = 0;     // over the promise's domain
  bool promise_held = true;
  ContractResult contract;
  size_t inputs = 0;
  // Exhaustive sweeps (accuracy/exhaustive.h): the bit-pattern ranges
  // evaluated, sorted and disjoint (empty for the sampled sweep), and how many
  // of those inputs' references of `error.against` needed the multiprecision
  // fallback.
  std::vector<BitRange> coverage;
  size_t reference_fallbacks = 0;
  TargetAgreement agreement;
};

// Scores outputs `out` for inputs `in` against reference values `ref`.
ErrorStats ScoreOutputs(const std::string& against, const std::vector<float>& in,
                        const std::vector<float>& out, const std::vector<RefValue>& ref);

// The special-value contract of an activation: NaN in gives NaN out, the
// limits at +-inf, every output inside the function's range.
ContractResult CheckContract(const Activation& a, const Params& p, const std::vector<float>& in,
                             const std::vector<float>& out, const std::vector<RefValue>& ref);

// Reference values of each exact function, computed once per input set and
// shared by every variant scored against it.
class ReferenceCache {
 public:
  ReferenceCache(std::vector<float> inputs, unsigned threads = 0)
      : inputs_(std::move(inputs)), threads_(threads) {}
  const std::vector<float>& inputs() const { return inputs_; }
  // The reference stays valid for the cache's lifetime, across later Get calls.
  // For a backward activation: f'(x) (dy = 1).
  const std::vector<RefValue>& Get(Act act, const Params& p);
  // Backward activations: the random gradients (RandomGradients) and
  // dy[i] * f'(x[i]) for them.
  const std::vector<float>& random_dy();
  const std::vector<RefValue>& GetRandomDy(Act act, const Params& p);
  // The correctly rounded forward values a from-output kernel is given.
  const std::vector<float>& ForwardOutputs(Act forward, const Params& p);

 private:
  std::vector<float> inputs_;
  unsigned threads_;
  std::map<Act, std::vector<RefValue>> cache_;  // node-based: references stay valid
  std::vector<float> random_dy_;
  std::map<Act, std::vector<RefValue>> random_dy_cache_;
  std::map<Act, std::vector<float>> forward_outputs_;
};

// Gradients for scoring backward kernels with dy != 1: deterministic, the same
// on every machine; signs both ways, magnitudes 2^-20 to 2^4 with random
// mantissas (training gradients are small), so dy f'(x) reaches the
// subnormals where f' is small.
std::vector<float> RandomGradients(size_t n);

// The label of the second score of a backward row: "sigmoid_grad, random dy".
std::string RandomDyLabel(const Activation& a);

// Runs a row's kernel on inputs x (forward: f(x); backward: with dy and, for a
// from-output variant, the forward outputs y instead of x).
void RunOn(const VariantTarget& vt, const float* x, const float* y, const float* dy, float* out, size_t n,
           const Params& p);

// Runs one variant on one target over the cache's inputs and scores it.
// With `outputs`, its outputs (dy = 1 for a backward row) are left there.
AccuracyResult EvaluateAccuracy(const VariantTarget& vt, const Params& p, ReferenceCache& refs,
                                std::vector<float>* outputs = nullptr);

}  // namespace actbench
