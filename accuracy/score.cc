// The exhaustive sweep's chunk scorer: a Highway fast path for the lanes that
// need no judgement and the scalar definition for the rest (score.h).
//
// Why it is exact: every quantity the fast path computes is either an exact
// integer (ordered-bit distance, histogram counts, the quantized sum, kept as
// 32-bit halves summed in 64-bit lanes) or one IEEE double operation on the
// same operands as the scalar code (|double(out) - exact|, times 1/ulp, times
// 1/|exact|; maxima of non-NaN values). Lanes whose treatment depends on more
// than that go to the scalar loop body, in input order.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "accuracy/score.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "accuracy/error_stats.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"

// What a run of lanes adds to one chunk's statistics. Defined once although
// this file is compiled once per target (HWY_EXPORT needs one signature).
#ifndef ACTBENCH_SCORE_ACC_DEFINED
#define ACTBENCH_SCORE_ACC_DEFINED
namespace actbench {
struct ScoreAcc {
  double max_ulp = 0, max_abs = 0, max_rel = 0;
  int64_t max_dist = 0;
  uint64_t hist[ErrorStats::kHistogramBins] = {};
  uint64_t finite = 0, nan_mismatch = 0, inf_mismatch = 0;
  unsigned __int128 sum_q24 = 0;
  bool out_of_range = false;
};
// Errors from here on go to the scalar path: QuantizeUlp changes form there.
inline constexpr double kFastUlpLimit = 0x1p39;
}  // namespace actbench
#endif

HWY_BEFORE_NAMESPACE();
namespace actbench {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Scores the lanes of [0, n) it can into acc and writes the others' indices,
// ascending, to slow (at most n); returns how many. A lane is slow when its
// output or reference is not finite, its error is >= kFastUlpLimit, its
// relative error is NaN (0 * inf), or its error may enter the worst list
// (error > 0 and above the list's last entry (cut, cut_bits) in its order:
// error > cut, or error == cut and a smaller input bit pattern; millions of
// inputs can tie at the cut, e.g. at exactly 0.5 ULP). Also sets
// acc->out_of_range when any output is NaN or outside [lo, hi].
size_t ScoreLanes(const float* x, const float* y, const float* rounded, const double* exact,
                  const double* inv_ulp, const double* inv_abs, size_t n, double cut, uint32_t cut_bits,
                  double lo, double hi, ScoreAcc* acc, uint32_t* slow) {
  const hn::ScalableTag<double> d;
  const hn::Rebind<float, decltype(d)> df;
  const hn::Rebind<int32_t, decltype(d)> di32;
  const hn::Rebind<uint32_t, decltype(d)> du32;
  const hn::RebindToSigned<decltype(d)> di;
  const hn::RebindToUnsigned<decltype(d)> du;
  using VD = hn::Vec<decltype(d)>;
  using VI = hn::Vec<decltype(di)>;
  using VU = hn::Vec<decltype(du)>;
  constexpr size_t kMaxLanes = 16;
  const size_t N = hn::Lanes(d);
  HWY_ASSERT(N <= kMaxLanes);

  const VD zero = hn::Zero(d), vcut = hn::Set(d, cut), vbig = hn::Set(d, kFastUlpLimit);
  const VD vlo = hn::Set(d, lo), vhi = hn::Set(d, hi);
  const VD q_scale = hn::Set(d, 0x1p24), q_half = hn::Set(d, 0.5);
  const VI mag_mask = hn::Set(di, 0x7fffffff);
  const VI vcut_bits = hn::Set(di, static_cast<int64_t>(cut_bits));
  const VD two_32 = hn::Set(d, 0x1p32), two_m32 = hn::Set(d, 0x1p-32), magic = hn::Set(d, 0x1p52);
  const VU magic_bits = hn::BitCast(du, magic);
  const double thresholds[ErrorStats::kHistogramBins - 1] = {0, 0.5, 1, 2, 4, 16, 256};
  VD vt[ErrorStats::kHistogramBins - 1];
  VI above[ErrorStats::kHistogramBins - 1];  // the count of errors > thresholds[k], per lane
  for (size_t k = 0; k + 1 < ErrorStats::kHistogramBins; ++k) {
    vt[k] = hn::Set(d, thresholds[k]);
    above[k] = hn::Zero(di);
  }
  VD max_ulp = zero, max_abs = zero, max_rel = zero;
  VI max_dist = hn::Zero(di);
  auto outside = hn::Lt(zero, zero);  // no lane yet
  VU sum_lo = hn::Zero(du), sum_hi = hn::Zero(du);

  auto ordered = [&](hn::Vec<decltype(df)> f) {  // OrderedBits, in 64-bit lanes
    const VI b = hn::PromoteTo(di, hn::BitCast(di32, f));
    const VI mag = hn::And(b, mag_mask);
    return hn::IfThenElse(hn::Lt(b, hn::Zero(di)), hn::Neg(mag), mag);
  };

  size_t nslow = 0, i = 0;
  for (; i + N <= n; i += N) {
    const auto yf = hn::LoadU(df, y + i), rf = hn::LoadU(df, rounded + i);
    const VD yd = hn::PromoteTo(d, yf), rd = hn::PromoteTo(d, rf);
    const VD dd = hn::Abs(hn::Sub(yd, hn::LoadU(d, exact + i)));
    const VD ulp = hn::Mul(dd, hn::LoadU(d, inv_ulp + i));
    const VD rel = hn::Mul(dd, hn::LoadU(d, inv_abs + i));
    outside = hn::Or(outside, hn::Not(hn::And(hn::Ge(yd, vlo), hn::Le(yd, vhi))));
    // Input bit patterns as non-negative 64-bit integers, for the tie-break.
    const VI xbits = hn::BitCast(di, hn::PromoteTo(du, hn::BitCast(du32, hn::LoadU(df, x + i))));
    const auto worse = hn::Or(hn::Gt(ulp, vcut),
                              hn::And(hn::Eq(ulp, vcut), hn::RebindMask(d, hn::Lt(xbits, vcut_bits))));
    // A NaN output where NaN is right scores 0 here, as in ScoreOne (whole
    // chunks of NaN inputs would otherwise take the scalar path).
    const auto both_nan = hn::And(hn::IsNaN(yd), hn::IsNaN(rd));
    const auto is_slow = hn::AndNot(
        both_nan, hn::Or(hn::Or(hn::Not(hn::And(hn::IsFinite(yd), hn::IsFinite(rd))), hn::IsNaN(rel)),
                         hn::Or(hn::Ge(ulp, vbig), hn::And(hn::Gt(ulp, zero), worse))));
    if (HWY_UNLIKELY(!hn::AllFalse(d, is_slow))) {
      uint8_t bits[(kMaxLanes + 7) / 8] = {};
      hn::StoreMaskBits(d, is_slow, bits);
      for (size_t j = 0; j < N; ++j)
        if ((bits[j / 8] >> (j % 8)) & 1) slow[nslow++] = static_cast<uint32_t>(i + j);
    }
    const auto fast = hn::Not(hn::Or(is_slow, both_nan));  // lanes with a finite error to add
    const VD u = hn::IfThenElseZero(fast, ulp);
    max_ulp = hn::Max(max_ulp, u);
    max_abs = hn::Max(max_abs, hn::IfThenElseZero(fast, dd));
    max_rel = hn::Max(max_rel, hn::IfThenElseZero(fast, rel));
    const VI dist = hn::Abs(hn::Sub(ordered(yf), ordered(rf)));
    max_dist = hn::Max(max_dist, hn::IfThenElseZero(hn::RebindMask(di, fast), dist));
    // A true mask is all ones, -1: subtracting it counts the lane.
    for (size_t k = 0; k + 1 < ErrorStats::kHistogramBins; ++k)
      above[k] = hn::Sub(above[k], hn::BitCast(di, hn::VecFromMask(d, hn::Gt(u, vt[k]))));
    // QuantizeUlp: u * 2^24 + 0.5, truncated (u < 2^39: below 2^63), as its
    // 32-bit halves: f = floor(q) and hi = floor(f / 2^32) are integers in
    // doubles, lo = f - hi 2^32 is exact, and an integer v < 2^52 is the low
    // bits of v + 2^52 (without AVX-512, Highway's double-to-int64
    // conversion is a dozen operations).
    const VD f = hn::Floor(hn::Add(hn::Mul(u, q_scale), q_half));
    const VD f_hi = hn::Floor(hn::Mul(f, two_m32));
    const VD f_lo = hn::NegMulAdd(f_hi, two_32, f);
    sum_lo = hn::Add(sum_lo, hn::Sub(hn::BitCast(du, hn::Add(f_lo, magic)), magic_bits));
    sum_hi = hn::Add(sum_hi, hn::Sub(hn::BitCast(du, hn::Add(f_hi, magic)), magic_bits));
  }
  const size_t vector_slow = nslow, vector_lanes = i;
  for (; i < n; ++i) {
    slow[nslow++] = static_cast<uint32_t>(i);
    const double v = y[i];
    if (!(v >= lo && v <= hi)) acc->out_of_range = true;
  }

  double lanes_d[kMaxLanes];
  int64_t lanes_i[kMaxLanes];
  uint64_t lanes_u[kMaxLanes];
  auto max_of = [&](VD v, double m) {
    hn::StoreU(v, d, lanes_d);
    for (size_t j = 0; j < N; ++j) m = std::max(m, lanes_d[j]);
    return m;
  };
  auto sum_of = [&](VI v) {
    hn::StoreU(v, di, lanes_i);
    int64_t s = 0;
    for (size_t j = 0; j < N; ++j) s += lanes_i[j];
    return s;
  };
  acc->max_ulp = max_of(max_ulp, acc->max_ulp);
  acc->max_abs = max_of(max_abs, acc->max_abs);
  acc->max_rel = max_of(max_rel, acc->max_rel);
  hn::StoreU(max_dist, di, lanes_i);
  for (size_t j = 0; j < N; ++j) acc->max_dist = std::max(acc->max_dist, lanes_i[j]);
  if (!hn::AllFalse(d, outside)) acc->out_of_range = true;
  const uint64_t fast_lanes = vector_lanes - vector_slow;  // both-NaN lanes included (error 0)
  uint64_t prev = fast_lanes;  // lanes with an error > the previous threshold (-inf: all)
  for (size_t k = 0; k + 1 < ErrorStats::kHistogramBins; ++k) {
    const uint64_t c = static_cast<uint64_t>(sum_of(above[k]));
    acc->hist[k] += prev - c;
    prev = c;
  }
  acc->hist[ErrorStats::kHistogramBins - 1] += prev;
  acc->finite += fast_lanes;
  unsigned __int128 lo_sum = 0, hi_sum = 0;
  hn::StoreU(sum_lo, du, lanes_u);
  for (size_t j = 0; j < N; ++j) lo_sum += lanes_u[j];
  hn::StoreU(sum_hi, du, lanes_u);
  for (size_t j = 0; j < N; ++j) hi_sum += lanes_u[j];
  acc->sum_q24 += lo_sum + (hi_sum << 32);
  return nslow;
}

}  // namespace HWY_NAMESPACE
}  // namespace actbench
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace actbench {

HWY_EXPORT(ScoreLanes);

double InvUlpOf(double y) {
  const double a = std::fabs(y);
  if (a < 0x1p-126) return 0x1p149;
  if (a >= static_cast<double>(std::numeric_limits<float>::max())) return 0x1p-104;
  uint64_t b;
  std::memcpy(&b, &a, sizeof b);
  const int e = static_cast<int>((b >> 52) & 0x7ff) - 1023;
  const uint64_t inv = static_cast<uint64_t>(1023 + 23 - e) << 52;
  double d;
  std::memcpy(&d, &inv, sizeof d);
  return d;
}

void RefChunk::Complete() {
  if (deferred_to > kHead && exact_floats) {
    for (size_t i = kHead; i < deferred_to; ++i) Set(i, {static_cast<double>(rounded[i]), rounded[i]});
  } else if (deferred_to > kHead) {
    std::fill(exact.begin() + kHead, exact.begin() + deferred_to, exact[0]);
    std::fill(inv_ulp.begin() + kHead, inv_ulp.begin() + deferred_to, inv_ulp[0]);
    std::fill(inv_abs.begin() + kHead, inv_abs.begin() + deferred_to, inv_abs[0]);
  }
  deferred_to = 0;
}

void RefChunk::Set(size_t i, const RefValue& v) {
  exact[i] = v.exact;
  rounded[i] = v.rounded;
  inv_ulp[i] = InvUlpOf(v.exact);
  inv_abs[i] = v.exact != 0 && std::isfinite(v.exact) ? 1.0 / std::fabs(v.exact) : 0.0;
}

namespace {

double WorstCut(const ErrorStats& s) {
  return s.worst.size() == ErrorStats::kWorstKept ? s.worst.back().ulp : 0.0;
}
uint32_t WorstCutBits(const ErrorStats& s) {
  return s.worst.size() == ErrorStats::kWorstKept ? FloatBits(s.worst.back().x) : 0u;
}

// The definition: scores input i into acc (and s.worst), updating *cut (not
// below floor_ulp).
inline void ScoreOne(ErrorStats& s, const float* x, const float* y, const RefChunk& ref, size_t i,
                     ScoreAcc& acc, double* cut, double floor_ulp = 0) {
  const float out = y[i], r = ref.rounded[i];
  const double ex = ref.exact[i];
  double ulp;
  if (std::isfinite(out) && std::isfinite(r)) {
    const double d = std::fabs(static_cast<double>(out) - ex);
    ulp = d * ref.inv_ulp[i];
    acc.max_abs = std::max(acc.max_abs, d);
    acc.max_rel = std::max(acc.max_rel, d * ref.inv_abs[i]);
    const int64_t dist = OrderedBits(out) - OrderedBits(r);
    acc.max_dist = std::max(acc.max_dist, dist < 0 ? -dist : dist);
  } else {
    ulp = UlpError(out, ex, r);
    if (std::isnan(out) != std::isnan(r))
      ++acc.nan_mismatch;
    else if (!std::isnan(out) && std::isinf(out) != std::isinf(r))
      ++acc.inf_mismatch;
    acc.max_dist = std::max(acc.max_dist, UlpDistance(out, r));
    if (std::isfinite(out) && std::isfinite(ex)) {
      const double d = std::fabs(static_cast<double>(out) - ex);
      acc.max_abs = std::max(acc.max_abs, d);
      if (ex != 0) acc.max_rel = std::max(acc.max_rel, d / std::fabs(ex));
    }
  }
  ++acc.hist[HistogramBin(ulp)];
  if (ulp <= std::numeric_limits<double>::max()) {
    ++acc.finite;
    acc.sum_q24 += QuantizeUlp(ulp);
  }
  acc.max_ulp = std::max(acc.max_ulp, ulp);
  if (ulp > 0 && ulp >= *cut) {
    KeepWorst(s.worst, {x[i], out, r, ulp});
    *cut = std::max(floor_ulp, WorstCut(s));
  }
}

// Folds one chunk's acc into s.
double Fold(ErrorStats& s, const ScoreAcc& acc, size_t n, size_t binade) {
  s.count += n;
  s.max_ulp = std::max(s.max_ulp, acc.max_ulp);
  s.max_abs_err = std::max(s.max_abs_err, acc.max_abs);
  s.max_rel_err = std::max(s.max_rel_err, acc.max_rel);
  s.max_ulp_distance = std::max(s.max_ulp_distance, acc.max_dist);
  s.nan_mismatch += acc.nan_mismatch;
  s.inf_mismatch += acc.inf_mismatch;
  s.finite += acc.finite;
  s.sum_ulp_q24 += acc.sum_q24;
  for (size_t b = 0; b < ErrorStats::kHistogramBins; ++b) s.histogram[b] += acc.hist[b];
  if (binade < s.binade_max_ulp.size()) {
    double& m = s.binade_max_ulp[binade];
    if (std::isnan(m) || acc.max_ulp > m) m = acc.max_ulp;
  }
  return acc.max_ulp;
}

}  // namespace

double ScoreChunkScalar(ErrorStats& s, const float* x, const float* y, const RefChunk& ref, size_t n,
                        size_t binade, const Range& range, bool* out_of_range) {
  ScoreAcc acc;
  double cut = WorstCut(s);
  for (size_t i = 0; i < n; ++i) {
    ScoreOne(s, x, y, ref, i, acc, &cut);
    const double v = y[i];
    if (!(v >= range.lo && v <= range.hi)) acc.out_of_range = true;
  }
  if (out_of_range && acc.out_of_range) *out_of_range = true;
  return Fold(s, acc, n, binade);
}

namespace {

// One value everywhere (bit for bit), and x consecutive bit patterns.
bool UniformRun(const float* x, const float* y, size_t n) {
  const uint32_t y0 = FloatBits(y[0]), x0 = FloatBits(x[0]);
  for (size_t i = 1; i < n; ++i)
    if (FloatBits(y[i]) != y0 || FloatBits(x[i]) != x0 + static_cast<uint32_t>(i)) return false;
  return true;
}

}  // namespace

bool ScoredAsConstant(const RefChunk& ref, const float* x, const float* y, size_t n) {
  return ref.constant && n > ErrorStats::kWorstKept && UniformRun(x, y, n);
}

double ScoreChunk(ErrorStats& s, const float* x, const float* y, const RefChunk& ref, size_t n,
                  size_t binade, const Range& range, bool* out_of_range, const WorstInput* floor) {
  static_assert(RefChunk::kHead >= ErrorStats::kWorstKept, "the constant case reads the head only");
  if (ref.exact_floats && y == ref.rounded.data()) {
    // The exact values themselves (finite floats): every error is 0, and
    // no input enters a worst list (ScoreOne keeps errors above 0 only).
    ScoreAcc acc;
    acc.finite = n;
    acc.hist[0] = n;
    bool outside = false;
    for (size_t i = 0; i < n; ++i) outside |= !(y[i] >= range.lo && y[i] <= range.hi);
    if (out_of_range && outside) *out_of_range = true;
    return Fold(s, acc, n, binade);
  }
  if (ScoredAsConstant(ref, x, y, n)) {
    // Score the first ten, then add what each further input adds (the same).
    const size_t k = ErrorStats::kWorstKept;
    const ErrorStats before = s;
    RefChunk head;  // not constant: scored input by input
    head.exact.assign(ref.exact.begin(), ref.exact.begin() + k);
    head.inv_ulp.assign(ref.inv_ulp.begin(), ref.inv_ulp.begin() + k);
    head.inv_abs.assign(ref.inv_abs.begin(), ref.inv_abs.begin() + k);
    head.rounded.assign(ref.rounded.begin(), ref.rounded.begin() + k);
    const double m = ScoreChunk(s, x, y, head, k, binade, range, out_of_range, floor);
    const uint64_t rest = n - k;
    s.count += (s.count - before.count) / k * rest;
    s.finite += (s.finite - before.finite) / k * rest;
    s.nan_mismatch += (s.nan_mismatch - before.nan_mismatch) / k * rest;
    s.inf_mismatch += (s.inf_mismatch - before.inf_mismatch) / k * rest;
    s.sum_ulp_q24 += (s.sum_ulp_q24 - before.sum_ulp_q24) / k * rest;
    for (size_t b = 0; b < s.histogram.size() && b < before.histogram.size(); ++b)
      s.histogram[b] += (s.histogram[b] - before.histogram[b]) / k * rest;
    return m;
  }
  // Blocks, so that the worst-list cut the fast path uses catches up with
  // the scalar path's soon after a chunk starts.
  constexpr size_t kBlock = 2048;
  uint32_t slow[kBlock];
  ScoreAcc acc;
  const double floor_ulp = floor ? floor->ulp : 0.0;
  // The fast path's cut: the worse of the list's last entry (error 0 while
  // the list is not full) and the floor.
  auto cut_of = [&](double* ulp, uint32_t* bits) {
    *ulp = WorstCut(s);
    *bits = WorstCutBits(s);
    const bool full = s.worst.size() == ErrorStats::kWorstKept;
    if (floor && (full ? RanksWorse(*floor, s.worst.back()) : floor->ulp > 0)) {
      *ulp = floor->ulp;
      *bits = FloatBits(floor->x);
    }
  };
  double cut;
  uint32_t cut_bits;
  cut_of(&cut, &cut_bits);
  for (size_t b = 0; b < n; b += kBlock) {
    const size_t m = std::min(kBlock, n - b);
    cut_of(&cut, &cut_bits);
    const size_t ns = HWY_DYNAMIC_DISPATCH(ScoreLanes)(
        x + b, y + b, ref.rounded.data() + b, ref.exact.data() + b, ref.inv_ulp.data() + b,
        ref.inv_abs.data() + b, m, cut, cut_bits, range.lo, range.hi, &acc, slow);
    for (size_t k = 0; k < ns; ++k) ScoreOne(s, x, y, ref, b + slow[k], acc, &cut, floor_ulp);
  }
  if (out_of_range && acc.out_of_range) *out_of_range = true;
  return Fold(s, acc, n, binade);
}

}  // namespace actbench
#endif  // HWY_ONCE
