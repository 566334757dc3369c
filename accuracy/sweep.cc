#include "accuracy/sweep.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "accuracy/error_stats.h"
#include "accuracy/ulp.h"

namespace actbench {
namespace {

constexpr size_t kContractExamples = 5;

std::string Describe(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g (0x%08" PRIx32 ")", static_cast<double>(f), FloatBits(f));
  return buf;
}

// The sampled sweep's list: equal errors in the order the inputs come (the
// exhaustive sweep breaks ties by bit pattern: error_stats.h's KeepWorst).
void KeepWorstFirstSeen(std::vector<WorstInput>& worst, const WorstInput& w) {
  if (worst.size() == ErrorStats::kWorstKept && !(w.ulp > worst.back().ulp)) return;
  auto pos = std::upper_bound(worst.begin(), worst.end(), w,
                              [](const WorstInput& a, const WorstInput& b) { return a.ulp > b.ulp; });
  worst.insert(pos, w);
  if (worst.size() > ErrorStats::kWorstKept) worst.pop_back();
}

bool SameIgnoringZeroSign(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

size_t BinadeIndex(float x) {
  if (std::isnan(x)) return kBinadeCount;
  int e = kBinadeExpHi;
  if (std::isfinite(x)) {
    e = x == 0 ? kBinadeExpLo : std::ilogb(x);
    e = std::clamp(e, kBinadeExpLo, kBinadeExpHi);
  }
  const size_t k = static_cast<size_t>(e - kBinadeExpLo);
  return std::signbit(x) ? kBinadesPerSign - 1 - k : kBinadesPerSign + k;
}

int BinadeExponent(size_t index) {
  const size_t k = index < kBinadesPerSign ? kBinadesPerSign - 1 - index : index - kBinadesPerSign;
  return kBinadeExpLo + static_cast<int>(k);
}

bool BinadeNegative(size_t index) { return index < kBinadesPerSign; }

ErrorStats ScoreOutputs(const std::string& against, const std::vector<float>& in,
                        const std::vector<float>& out, const std::vector<RefValue>& ref) {
  ErrorStats s;
  s.against = against;
  s.count = in.size();
  double sum = 0;
  size_t finite = 0;
  s.binade_max_ulp.assign(kBinadeCount, std::numeric_limits<double>::quiet_NaN());
  s.histogram.assign(ErrorStats::kHistogramBins, 0);
  for (size_t i = 0; i < in.size(); ++i) {
    const float y = out[i];
    const RefValue& r = ref[i];
    const double ulp = UlpError(y, r.exact, r.rounded);
    if (const size_t b = BinadeIndex(in[i]); b < kBinadeCount) {
      double& m = s.binade_max_ulp[b];
      if (std::isnan(m) || ulp > m) m = ulp;
    }
    if (std::isnan(y) != std::isnan(r.rounded)) ++s.nan_mismatch;
    else if (!std::isnan(y) && std::isinf(y) != std::isinf(r.rounded)) ++s.inf_mismatch;
    s.max_ulp = std::max(s.max_ulp, ulp);
    ++s.histogram[HistogramBin(ulp)];
    if (std::isfinite(ulp)) {
      sum += ulp;
      ++finite;
      s.sum_ulp_q24 += QuantizeUlp(ulp);
    }
    s.max_ulp_distance = std::max(s.max_ulp_distance, UlpDistance(y, r.rounded));
    if (std::isfinite(y) && std::isfinite(r.exact)) {
      const double abs_err = std::fabs(static_cast<double>(y) - r.exact);
      s.max_abs_err = std::max(s.max_abs_err, abs_err);
      if (r.exact != 0) s.max_rel_err = std::max(s.max_rel_err, abs_err / std::fabs(r.exact));
    }
    s.above_0_5 += ulp > 0.5;
    s.above_1 += ulp > 1;
    s.above_2 += ulp > 2;
    s.above_4 += ulp > 4;
    if (ulp > 0) KeepWorstFirstSeen(s.worst, {in[i], y, r.rounded, ulp});
  }
  s.mean_ulp = finite ? sum / static_cast<double>(finite) : 0.0;
  s.finite = finite;
  return s;
}

ContractResult CheckContract(const Activation& a, const Params& p, const std::vector<float>& in,
                             const std::vector<float>& out, const std::vector<RefValue>& ref) {
  ContractResult c;
  const Range range = OutputRange(a, p);
  // what() builds the example's text: only for the first few (formatting
  // every one of millions of failures dominated exhaustive sweeps).
  auto fail = [&](auto what) {
    ++c.failures;
    if (c.examples.size() < kContractExamples) c.examples.push_back(what());
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const float x = in[i], y = out[i];
    if (std::isnan(x)) {
      if (!std::isnan(y)) fail([&] { return "NaN in, " + Describe(y) + " out; NaN is due"; });
      continue;
    }
    if (std::isinf(x)) {
      if (!SameIgnoringZeroSign(y, ref[i].rounded))
        fail([&] {
          return std::string(a.name) + "(" + Describe(x) + ") = " + Describe(y) + "; the limit is " +
                 Describe(ref[i].rounded);
        });
      continue;
    }
    if (std::isnan(y)) {
      fail([&] { return "NaN out for " + Describe(x); });
    } else if (static_cast<double>(y) < range.lo || static_cast<double>(y) > range.hi) {
      fail([&] {
        char buf[96];
        std::snprintf(buf, sizeof buf, " is outside the range [%.9g, %.9g]", range.lo, range.hi);
        return std::string(a.name) + "(" + Describe(x) + ") = " + Describe(y) + buf;
      });
    }
  }
  c.pass = c.failures == 0;
  return c;
}

const std::vector<RefValue>& ReferenceCache::Get(Act act, const Params& p) {
  auto it = cache_.find(act);
  if (it == cache_.end()) it = cache_.emplace(act, ReferenceArray(act, inputs_, p, threads_)).first;
  return it->second;
}

const std::vector<float>& ReferenceCache::random_dy() {
  if (random_dy_.size() != inputs_.size()) random_dy_ = RandomGradients(inputs_.size());
  return random_dy_;
}

const std::vector<RefValue>& ReferenceCache::GetRandomDy(Act act, const Params& p) {
  auto it = random_dy_cache_.find(act);
  if (it == random_dy_cache_.end())
    it = random_dy_cache_.emplace(act, ReferenceArray(act, inputs_, p, threads_, &random_dy())).first;
  return it->second;
}

const std::vector<float>& ReferenceCache::ForwardOutputs(Act forward, const Params& p) {
  auto it = forward_outputs_.find(forward);
  if (it == forward_outputs_.end()) {
    const std::vector<RefValue>& r = Get(forward, p);
    std::vector<float> y(r.size());
    for (size_t i = 0; i < r.size(); ++i) y[i] = r[i].rounded;
    it = forward_outputs_.emplace(forward, std::move(y)).first;
  }
  return it->second;
}

std::vector<float> RandomGradients(size_t n) {
  std::vector<float> dy(n);
  uint64_t state = 0x9e3779b97f4a7c15u;  // splitmix64: the same numbers everywhere
  for (size_t i = 0; i < n; ++i) {
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    const uint32_t sign = static_cast<uint32_t>(z >> 63) << 31;
    const uint32_t exponent = static_cast<uint32_t>(127 - 20 + (z >> 32) % 25);  // 2^-20 .. 2^4
    const uint32_t mantissa = static_cast<uint32_t>(z) & 0x7fffffu;
    dy[i] = FloatFromBits(sign | exponent << 23 | mantissa);
  }
  return dy;
}

std::string RandomDyLabel(const Activation& a) { return std::string(a.name) + ", random dy"; }

void RunOn(const VariantTarget& vt, const float* x, const float* y, const float* dy, float* out, size_t n,
           const Params& p) {
  if (!vt.kernel->backward()) return vt.kernel->Run(x, out, n, p);
  vt.kernel->Run(vt.variant->from_output ? y : x, dy, out, n, p);
}

AccuracyResult EvaluateAccuracy(const VariantTarget& vt, const Params& p, ReferenceCache& refs,
                                std::vector<float>* outputs) {
  const Variant& v = *vt.variant;
  const std::vector<float>& in = refs.inputs();
  std::vector<float> out(in.size());
  const Activation& act = GetActivation(v.activation);
  const float* y = v.from_output ? refs.ForwardOutputs(act.forward, p).data() : nullptr;
  std::vector<float> ones;
  if (act.backward) ones.assign(in.size(), 1.0f);
  RunOn(vt, in.data(), y, ones.data(), out.data(), in.size(), p);

  AccuracyResult r;
  r.inputs = in.size();
  const Activation& computes = GetActivation(v.computes);
  const std::vector<RefValue>& ref = refs.Get(v.computes, p);
  r.error = ScoreOutputs(computes.name, in, out, ref);

  // Second scores: the exact functions this one stands in for.
  std::vector<Act> others;
  if (v.activation != v.computes) others.push_back(v.activation);
  if (const Activation* exact = FindActivation(computes.approximates); exact && exact->id != v.computes &&
                                                                      exact->id != v.activation)
    others.push_back(exact->id);
  for (Act o : others) r.also.push_back(ScoreOutputs(GetActivation(o).name, in, out, refs.Get(o, p)));
  if (act.backward) {
    // The same kernel with random gradients, against dy * f'(x): a last
    // score (the promise is over dy = 1, as the exhaustive sweep checks it).
    std::vector<float> out_dy(in.size());
    RunOn(vt, in.data(), y, refs.random_dy().data(), out_dy.data(), in.size(), p);
    r.also.push_back(ScoreOutputs(RandomDyLabel(computes), in, out_dy, refs.GetRandomDy(v.computes, p)));
  }

  for (size_t i = 0; i < in.size(); ++i) {
    const double x = in[i];
    if (x >= v.promise.domain_lo && x <= v.promise.domain_hi)
      r.max_ulp_in_domain = std::max(r.max_ulp_in_domain, UlpError(out[i], ref[i].exact, ref[i].rounded));
  }
  r.promise_held = r.max_ulp_in_domain <= vt.promised_ulp();
  // The contract of the function computed: an approximation keeps its own range.
  r.contract = CheckContract(computes, p, in, out, ref);
  if (outputs != nullptr) *outputs = std::move(out);
  return r;
}

void MarkDifferingBits(const float* a, const float* b, size_t n, uint8_t* diff) {
  if (std::memcmp(a, b, n * sizeof(float)) == 0) return;
  for (size_t i = 0; i < n; ++i)
    if (FloatBits(a[i]) != FloatBits(b[i])) diff[i] = 1;
}

}  // namespace actbench
