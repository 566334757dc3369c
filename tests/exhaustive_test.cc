// The exhaustive sweep: the double-precision reference against the
// multiprecision one on more than 10^7 inputs, the Ziv fallback on
// constructed near-midpoint inputs, shards combining to exactly one run, a
// clean stop, and the CLI's refusals.
#include "accuracy/exhaustive.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/fast_reference.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"
#include "reports/combine.h"
#include "reports/report.h"

namespace actbench {
namespace {

bool SameFloat(float a, float b) { return (std::isnan(a) && std::isnan(b)) || FloatBits(a) == FloatBits(b); }

struct Tally {
  uint64_t compared = 0, decided = 0, mismatches = 0;
  std::string first_mismatch;
};

// Checks a decided fast value against Reference(): the same correctly rounded
// float, bit for bit, and an exact value in the same float binade whose ULP
// error differs by < 1e-6.
bool Agrees(const RefValue& fast, const RefValue& ref, std::string* why) {
  if (!SameFloat(fast.rounded, ref.rounded)) {
    *why = "rounded " + std::to_string(fast.rounded) + " vs " + std::to_string(ref.rounded);
    return false;
  }
  if (std::isnan(ref.exact) || std::isinf(ref.exact)) return std::isnan(ref.exact) ? std::isnan(fast.exact) : fast.exact == ref.exact;
  if (UlpOf(fast.exact) != UlpOf(ref.exact)) {
    *why = "binade differs";
    return false;
  }
  const double d = std::fabs(fast.exact - ref.exact) / UlpOf(ref.exact);
  if (!(d < 1e-6)) {
    *why = "exact differs by " + std::to_string(d) + " ULP";
    return false;
  }
  return true;
}

void Check(Act a, const std::vector<uint32_t>& bits, const Params& p, Tally* t) {
  for (size_t i = 0; i < bits.size(); ++i) {
    const float x = FloatFromBits(bits[i]);
    RefValue fast;
    const bool decided = FastReference(a, x, p, i, &fast);
    ++t->compared;
    if (!decided) continue;
    ++t->decided;
    const RefValue ref = Reference(a, x, p, i);
    std::string why;
    if (!Agrees(fast, ref, &why)) {
      if (t->mismatches++ == 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s(%a = 0x%08x): ", GetActivation(a).name, static_cast<double>(x), bits[i]);
        t->first_mismatch = buf + why;
      }
    }
  }
}

// > 10^7 inputs over all activations: random bit patterns plus dense runs of
// consecutive patterns where the functions bend, saturate or underflow.
TEST(FastReference, AgreesWithMultiprecisionOnTenMillionInputs) {
  const float starts[] = {0.0f,  -0.0f, 1e-30f, -1e-30f, 1e-8f,  -1e-8f, 0.3f,   -0.3f,  1.0f,  -1.0f,
                          2.9f,  -3.0f, 8.8f,   -5.5f,   16.6f,  -17.f,  20.0f,  -38.f,  -88.f, -103.f,
                          38.0f, 350.f, 9.0f,   -9.0f,   0.55f,  -0.55f, -2.999f, -1.0e-3f};
  constexpr size_t kRandom = 380000, kRun = 14000;
  uint64_t total = 0;
  std::vector<std::thread> pool;
  std::vector<Tally> tallies(Activations().size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k; (k = next.fetch_add(1)) < Activations().size();) {
      const Activation& a = Activations()[k];
      std::vector<uint32_t> bits;
      std::mt19937 rng(1000 + static_cast<unsigned>(k));
      for (size_t i = 0; i < kRandom; ++i) bits.push_back(static_cast<uint32_t>(rng()));
      for (float s : starts)
        for (uint32_t j = 0; j < kRun; ++j) bits.push_back(FloatBits(s) + j);
      Check(a.id, bits, DefaultParams(a), &tallies[k]);
    }
    ReleaseThreadCaches();
  };
  for (int t = 0; t < 2; ++t) pool.emplace_back(work);
  for (auto& th : pool) th.join();
  for (size_t k = 0; k < tallies.size(); ++k) {
    SCOPED_TRACE(Activations()[k].name);
    const Tally& t = tallies[k];
    total += t.compared;
    EXPECT_EQ(t.mismatches, 0u) << Activations()[k].name << ": " << t.first_mismatch;
    // The fallback is rare: at least 99% decided by the double path, even on
    // these inputs.
    EXPECT_GT(static_cast<double>(t.decided), 0.99 * static_cast<double>(t.compared))
        << Activations()[k].name << ": " << t.decided << " of " << t.compared << " decided";
  }
  EXPECT_GE(total, 10000000u);
}

// hard_sigmoid(x) = 1/2 + x/6 is exactly a midpoint between two floats for
// x = 3 (2j + 1) 2^-24 (x < 0: 2^-25). The double path recognises a quotient
// that is exact in double and rounds it directly: MPFR's ties-to-even result,
// no fallback.
TEST(FastReference, DecidesExactHardSigmoidTiesExactly) {
  const Params p = DefaultParams(GetActivation(Act::kHardSigmoid));
  for (uint32_t j = 0; j < 20000; ++j) {
    for (float sign : {1.0f, -1.0f}) {
      // Above 1/2 floats are 2^-24 apart, below 2^-25.
      const float x = sign * static_cast<float>(3 * (2 * j + 1)) * (sign > 0 ? 0x1p-24f : 0x1p-25f);
      RefValue fast;
      ASSERT_TRUE(FastReference(Act::kHardSigmoid, x, p, 0, &fast)) << x;
      const RefValue r = Reference(Act::kHardSigmoid, x, p, 0);
      // A tie: the exact value is the midpoint of two floats.
      ASSERT_EQ(std::fabs(static_cast<double>(r.rounded) - r.exact), UlpOf(r.exact) / 2) << x;
      ASSERT_TRUE(SameFloat(fast.rounded, r.rounded)) << x;
      ASSERT_EQ(fast.exact, r.exact) << x;
    }
  }
}

// hard_swish'(x) = 1/2 + x/3 is exactly a midpoint between two floats for
// x = 3 (2j + 1) 2^-25 (values above 1/2, 2^-24 apart) and x = -3 (2j + 1)
// 2^-26 down to -3/4 (values in [1/4, 1/2)): 5.6 million inputs of the
// exhaustive sweep. Both the scalar double path and the lanes decide them
// directly, MPFR's ties-to-even result, without a fallback.
TEST(FastReference, DecidesExactHardSwishGradTiesExactly) {
  const Params p = DefaultParams(GetActivation(Act::kHardSwishGrad));
  std::vector<float> ties;
  for (uint32_t j = 0; j < 20000; ++j) {
    ties.push_back(static_cast<float>(3 * (2 * j + 1)) * 0x1p-25f);
    ties.push_back(-static_cast<float>(3 * (2 * j + 1)) * 0x1p-26f);
  }
  for (float x : ties) {
    const RefValue r = Reference(Act::kHardSwishGrad, x, p, 0);
    ASSERT_EQ(std::fabs(static_cast<double>(r.rounded) - r.exact), UlpOf(r.exact) / 2) << x;  // a tie
    RefValue fast;
    ASSERT_TRUE(FastReference(Act::kHardSwishGrad, x, p, 0, &fast)) << x;
    ASSERT_TRUE(SameFloat(fast.rounded, r.rounded)) << x;
    ASSERT_EQ(fast.exact, r.exact) << x;
  }
  RefChunk rc;
  rc.Resize(ties.size());
  EXPECT_EQ(ReferenceChunk(Act::kHardSwishGrad, ties.data(), ties.size(), 0, p, rc), 0u);
  for (size_t i = 0; i < ties.size(); ++i) {
    const RefValue r = Reference(Act::kHardSwishGrad, ties[i], p, 0);
    ASSERT_TRUE(SameFloat(rc.rounded[i], r.rounded)) << ties[i];
    ASSERT_EQ(rc.exact[i], r.exact) << ties[i];
  }
}

// Near the roots of the derivatives that cross zero (silu' at -1.2785,
// gelu_sigmoid' at -1.2785/1.702, mish' at -1.1924, gelu' at -0.7518,
// gelu_tanh' at -0.7525) the double path's terms cancel; its long double
// retry decides all but the few inputs closest to the root, each one as MPFR
// does (the same float, the exact value within 1e-6 ULP in the same binade).
TEST(FastReference, DecidesNearTheRootsOfTheDerivatives) {
  const struct {
    Act act;
    float root;
  } roots[] = {{Act::kSiluGrad, -1.2784645f},
               {Act::kGeluSigmoidGrad, -0.7511542f},
               {Act::kMishGrad, -1.1924312f},
               {Act::kGeluGrad, -0.7517915f},
               {Act::kGeluTanhGrad, -0.7524614f}};
  for (const auto& r : roots) {
    SCOPED_TRACE(GetActivation(r.act).name);
    const Params p = DefaultParams(GetActivation(r.act));
    uint64_t inputs = 0, decided = 0, sign_changes = 0;
    double band = 0;  // the largest |x - root| undecided
    float prev = 0;
    constexpr int kHalf = 1 << 15;  // 2^-24 or 2^-23 apart: within 2e-3 or 4e-3 of the root
    for (int j = -kHalf; j <= kHalf; ++j) {
      const float x = FloatFromBits(FloatBits(r.root) + static_cast<uint32_t>(j));
      const RefValue ref = Reference(r.act, x, p, 0);
      if (j > -kHalf && std::signbit(ref.rounded) != std::signbit(prev)) ++sign_changes;
      prev = ref.rounded;
      ++inputs;
      RefValue fast;
      if (!FastReference(r.act, x, p, 0, &fast)) {
        band = std::max(band, std::fabs(static_cast<double>(x) - r.root));
        continue;
      }
      ++decided;
      ASSERT_TRUE(SameFloat(fast.rounded, ref.rounded)) << x;
      ASSERT_EQ(UlpOf(fast.exact), UlpOf(ref.exact)) << x;
      ASSERT_LT(std::fabs(fast.exact - ref.exact) / UlpOf(ref.exact), 1e-6) << x;
    }
    EXPECT_EQ(sign_changes, 1u);  // the root is inside the window
    // The double path alone left millions of inputs within 0.07 to 0.25 of
    // each root to MPFR; now the undecided ones lie within 2^-10 of it (the
    // terms' 2^-56 against 2^-44 of the value; measured: within 2^-11).
    EXPECT_LT(band, 0x1p-10) << decided << " of " << inputs << " decided";
    EXPECT_GT(decided, inputs * 3 / 4) << decided << " of " << inputs;
    RecordProperty(std::string(GetActivation(r.act).name) + "_undecided", std::to_string(inputs - decided));
    RecordProperty(std::string(GetActivation(r.act).name) + "_band", std::to_string(band));
  }
}

// hard_swish(x) = x (x + 3)/6 is exactly a midpoint for x = +-3k/2^m (k odd)
// when 3k(k +- 2^m) has 25 significant bits: then the value is that odd
// number over 2^(2m+1). No error bound can decide these, so the double path
// must refuse and the fallback give MPFR's ties-to-even result.
TEST(FastReference, FallsBackOnExactTies) {
  const Params p = DefaultParams(GetActivation(Act::kHardSwish));
  uint64_t ties = 0, fallbacks = 0;
  for (int m = 8; m <= 14; ++m) {
    const uint64_t pm = uint64_t(1) << m;
    for (uint64_t k = 1; k < pm; k += 2) {
      for (int sign : {1, -1}) {
        const uint64_t v = 3 * k * (sign > 0 ? k + pm : pm - k);
        if (v < (uint64_t(1) << 24) || v >= (uint64_t(1) << 25)) continue;
        const float x = static_cast<float>(sign * 3 * static_cast<double>(k) / static_cast<double>(pm));
        ASSERT_EQ(static_cast<double>(x), sign * 3 * static_cast<double>(k) / static_cast<double>(pm));
        ++ties;
        RefValue fast;
        EXPECT_FALSE(FastReference(Act::kHardSwish, x, p, 0, &fast)) << x;
        bool fell = false;
        const RefValue z = ZivReference(Act::kHardSwish, x, p, 0, &fell);
        fallbacks += fell;
        const RefValue r = Reference(Act::kHardSwish, x, p, 0);
        ASSERT_EQ(std::fabs(static_cast<double>(r.rounded) - r.exact), UlpOf(r.exact) / 2) << x;
        ASSERT_TRUE(SameFloat(z.rounded, r.rounded)) << x;
        ASSERT_EQ(z.exact, r.exact) << x;
      }
    }
  }
  EXPECT_GT(ties, 1000u);
  EXPECT_EQ(fallbacks, ties);
}

// Inputs whose value lies within 2^-40 (relative) of a midpoint, found by
// searching runs of consecutive patterns: Ziv's result equals MPFR's on every
// one, and the double path decides most of them (its bound is 2^-48).
TEST(FastReference, NearMidpointsMatchMultiprecision) {
  uint64_t near = 0, fell_total = 0;
  for (Act a : {Act::kSigmoid, Act::kTanh, Act::kGelu, Act::kGeluTanh, Act::kSilu, Act::kMish,
                Act::kSoftplus, Act::kElu}) {
    SCOPED_TRACE(GetActivation(a).name);
    const Params p = DefaultParams(GetActivation(a));
    for (float start : {0.75f, -2.5f, 6.0f}) {
      for (uint32_t j = 0; j < (1u << 17); ++j) {
        const float x = FloatFromBits(FloatBits(start) + j);
        RefValue v;
        if (!FastReference(a, x, p, 0, &v) || !std::isfinite(v.rounded) || v.rounded == 0) {
          bool fell;
          ZivReference(a, x, p, 0, &fell);
          if (fell) {
            ++fell_total;
            ++near;
            const RefValue z = ZivReference(a, x, p, 0, &fell);
            const RefValue r = Reference(a, x, p, 0);
            EXPECT_TRUE(SameFloat(z.rounded, r.rounded));
          }
          continue;
        }
        // Distance of the value to the nearest midpoint, relative.
        const double f = v.exact, r = v.rounded;
        const double up = std::nextafter(v.rounded, INFINITY), dn = std::nextafter(v.rounded, -INFINITY);
        const double dist = std::min(std::fabs(f - (r + up) / 2), std::fabs(f - (r + dn) / 2));
        if (dist > 0x1p-40 * std::fabs(f)) continue;
        ++near;
        bool fell;
        const RefValue z = ZivReference(a, x, p, 0, &fell);
        fell_total += fell;
        const RefValue ref = Reference(a, x, p, 0);
        std::string why;
        EXPECT_TRUE(Agrees(z, ref, &why)) << x << ": " << why;
      }
    }
  }
  EXPECT_GT(near, 20u);  // about 2^-16 of all inputs lie that close
}

TEST(ShardRange, PartitionsTheRangeExactly) {
  for (uint64_t n : {1u, 2u, 3u, 7u, 64u, 1000u}) {
    uint64_t next = 0x100;
    for (uint64_t i = 1; i <= n; ++i) {
      BitRange r;
      if (!ShardRange(0x100, 0x100 + 999, i, n, &r)) continue;
      EXPECT_EQ(r.lo, next);
      next = uint64_t(r.hi) + 1;
    }
    EXPECT_EQ(next, 0x100u + 1000);
  }
  BitRange r;
  EXPECT_FALSE(ShardRange(0, 0xffffffffu, 3, 2, &r));
  EXPECT_FALSE(ShardRange(0, 0xffffffffu, 0, 0, &r));
  ASSERT_TRUE(ShardRange(0, 0xffffffffu, 4, 4, &r));
  EXPECT_EQ(r.hi, 0xffffffffu);
  EXPECT_EQ(r.lo, 0xc0000000u);
}

// The parallel-chunks driver on its own: every pattern of an unaligned
// range handed out exactly once, in chunks aligned to the chunk size and cut
// to the range, thread ids below ChunkThreads, at_exit once per thread, and
// a stop request leaving a coverage of exactly the chunks that ran; the
// pilot chunks first.
TEST(RunChunks, HandsOutEveryPatternOnceAndStopsCleanly) {
  ChunkRunOptions o;
  o.lo = 0x12345u;
  o.hi = 0x12345u + 37 * static_cast<uint32_t>(kExhaustiveChunk) + 999;
  o.threads = 3;
  const unsigned threads = ChunkThreads(o);
  ASSERT_EQ(threads, 3u);
  std::mutex mu;
  std::vector<BitRange> seen;
  std::vector<int> exits(threads, 0);
  bool bad_chunk = false, bad_thread = false;
  const ChunkRunResult r = RunChunks(
      o,
      [&](unsigned t, const Chunk& c) {
        std::lock_guard<std::mutex> lock(mu);
        bad_thread |= t >= threads;
        bad_chunk |= c.base % kExhaustiveChunk != 0 || c.lo < c.base || c.hi > c.base + (kExhaustiveChunk - 1) ||
                     c.lo < o.lo || c.hi > o.hi || c.offset() != c.lo - c.base || c.size() != size_t(c.hi - c.lo) + 1;
        seen.push_back({c.lo, c.hi});
      },
      [&](unsigned t) {
        std::lock_guard<std::mutex> lock(mu);
        if (t < threads) ++exits[t];
      });
  EXPECT_FALSE(bad_chunk);
  EXPECT_FALSE(bad_thread);
  for (int e : exits) EXPECT_EQ(e, 1);
  EXPECT_EQ(seen.size(), 38u);  // chunks 1 to 38, the first and last cut to the range
  uint64_t sum = 0;
  for (const BitRange& b : seen) sum += b.size();
  EXPECT_EQ(sum, uint64_t(o.hi) - o.lo + 1);  // no pattern twice (the union below has them all)
  ASSERT_EQ(r.coverage.size(), 1u);
  EXPECT_EQ(r.coverage[0].lo, o.lo);
  EXPECT_EQ(r.coverage[0].hi, o.hi);
  EXPECT_EQ(r.inputs, sum);
  EXPECT_FALSE(r.interrupted);

  // More chunks than the pilot (256 spread out, handed out first): still each
  // exactly once, and the pilot first.
  {
    ChunkRunOptions big;
    big.lo = 0x00010000u;
    big.hi = 0x00010000u + 1000 * static_cast<uint32_t>(kExhaustiveChunk) - 1;
    big.threads = 1;
    std::vector<uint32_t> order;
    const ChunkRunResult b = RunChunks(big, [&](unsigned, const Chunk& c) { order.push_back(c.base); });
    ASSERT_EQ(order.size(), 1000u);
    std::vector<uint32_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], big.lo + i * kExhaustiveChunk) << i;
    EXPECT_EQ(order[0], big.lo);
    EXPECT_EQ(order[1], big.lo + 3 * kExhaustiveChunk);  // 1000 / 256 = 3 chunks apart
    EXPECT_EQ(order[255], big.lo + 765 * kExhaustiveChunk);
    EXPECT_EQ(order[256], big.lo + 1 * kExhaustiveChunk);
    ASSERT_EQ(b.coverage.size(), 1u);
    EXPECT_EQ(b.inputs, 1000 * kExhaustiveChunk);
  }

  // Stop after the fifth chunk: the chunks in flight finish, no more start.
  std::atomic<bool> stop{false};
  std::atomic<int> ran{0};
  o.stop = &stop;
  o.threads = 1;
  seen.clear();
  const ChunkRunResult s = RunChunks(o, [&](unsigned, const Chunk& c) {
    seen.push_back({c.lo, c.hi});
    if (++ran == 5) stop = true;
  });
  EXPECT_EQ(ran.load(), 5);
  EXPECT_TRUE(s.interrupted);
  ASSERT_EQ(s.coverage.size(), 1u);
  EXPECT_EQ(s.coverage[0].lo, o.lo);
  EXPECT_EQ(s.coverage[0].hi, seen.back().hi);
  EXPECT_EQ(s.inputs, uint64_t(seen.back().hi) - o.lo + 1);
}

std::vector<VariantTarget> RowsOf(std::initializer_list<const char*> acts) {
  std::vector<const Variant*> vs;
  for (const Variant& v : Variants())
    for (const char* a : acts)
      if (GetActivation(v.activation).name == std::string(a)) vs.push_back(&v);
  return RunnableTargets(vs);
}

nlohmann::json RowsJson(const std::vector<VariantTarget>& rows, const std::vector<AccuracyResult>& acc) {
  Report r;
  for (size_t k = 0; k < rows.size(); ++k) {
    r.rows.push_back(MakeRow(rows[k]));
    r.rows.back().accuracy = acc[k];
  }
  return ToJson(r)["rows"];
}

TEST(Exhaustive, ShardsCombineToExactlyOneRun) {
  // Backward rows too, a from-output one (tanh_grad) and one with a second
  // exact function (gelu_tanh_grad, also scored against gelu_grad).
  const std::vector<VariantTarget> rows =
      RowsOf({"gelu_tanh", "prelu", "hard_swish", "tanh_grad", "gelu_tanh_grad", "prelu_grad"});
  ASSERT_FALSE(rows.empty());
  ExhaustiveOptions o;
  // Unaligned ends, crossing chunk and binade boundaries, around 1.0 and -1.0.
  for (auto [lo, hi] : {std::pair<uint32_t, uint32_t>{0x3f7f1234u, 0x3f82abcdu}, {0xbf7ff001u, 0xbf80f00fu}}) {
    o.lo = lo;
    o.hi = hi;
    o.threads = 2;
    const ExhaustiveResult whole = RunExhaustive(rows, o);
    EXPECT_FALSE(whole.interrupted);
    EXPECT_EQ(whole.inputs, uint64_t(hi) - lo + 1);
    ASSERT_EQ(whole.coverage.size(), 1u);
    o.threads = 1;
    std::vector<AccuracyResult> combined;
    for (uint64_t i = 1; i <= 3; ++i) {
      BitRange s;
      ASSERT_TRUE(ShardRange(lo, hi, i, 3, &s));
      o.lo = s.lo;
      o.hi = s.hi;
      const ExhaustiveResult part = RunExhaustive(rows, o);
      if (combined.empty()) {
        combined = part.rows;
      } else {
        // Combine in the "wrong" order too: the result must not care.
        for (size_t k = 0; k < rows.size(); ++k)
          combined[k] = CombineAccuracy(part.rows[k], combined[k], rows[k].promised_ulp());
      }
    }
    const nlohmann::json a = RowsJson(rows, combined), b = RowsJson(rows, whole.rows);
    EXPECT_TRUE(a == b) << nlohmann::json::diff(a, b).dump().substr(0, 600);
    for (const AccuracyResult& r : whole.rows) {
      EXPECT_EQ(r.error.count, whole.inputs);
      uint64_t h = 0;
      for (size_t b : r.error.histogram) h += b;
      EXPECT_EQ(h, whole.inputs);
    }
  }
}

// Rows of one variant on several targets share a chunk's score when their
// outputs are identical (AVX3_DL and AVX3 compile the same code here), and
// rows whose outputs are all the correctly rounded reference share the
// reference's own score. The shared scores, with their worst-list floors,
// must be exactly what each row gets when it runs alone, where nothing is
// shared but the reference's score.
TEST(Exhaustive, RowsSharingIdenticalOutputsScoreAsIfAlone) {
  // gelu_tanh: rows also scored against exact gelu (a second worst list).
  const std::vector<VariantTarget> rows = RowsOf({"sigmoid", "hard_swish", "gelu_tanh"});
  ASSERT_GE(rows.size(), 4u);
  ExhaustiveOptions o;
  // Chunks around 0.5, -8 and 8: errors > 0 everywhere, so the worst lists
  // fill and the floor is in use; plus NaN chunks past +inf.
  std::vector<std::pair<uint32_t, uint32_t>> ranges = {
      {0x3f000000u, 0x3f03ffffu}, {0xc1000000u, 0xc103ffffu}, {0x7f800000u, 0x7f83ffffu}, {0x41000000u, 0x4103ffffu}};
  std::vector<AccuracyResult> together, alone(rows.size());
  uint64_t shared = 0, rounded = 0;
  for (auto [lo, hi] : ranges) {
    o.lo = lo;
    o.hi = hi;
    o.threads = 1;
    const ExhaustiveResult all = RunExhaustive(rows, o);
    ASSERT_EQ(all.row_shared_chunks.size(), rows.size());
    for (uint64_t c : all.row_shared_chunks) shared += c;
    for (uint64_t c : all.row_rounded_chunks) rounded += c;
    for (size_t k = 0; k < rows.size(); ++k) {
      const ExhaustiveResult one = RunExhaustive({rows[k]}, o);
      EXPECT_EQ(one.row_shared_chunks[0], 0u);
      if (together.size() < rows.size()) {
        together.push_back(all.rows[k]);
        alone[k] = one.rows[0];
      } else {
        together[k] = CombineAccuracy(together[k], all.rows[k], rows[k].promised_ulp());
        alone[k] = CombineAccuracy(alone[k], one.rows[0], rows[k].promised_ulp());
      }
    }
  }
  EXPECT_GT(shared, 0u);   // e.g. AVX3_DL = AVX3, SSSE3 = SSE4
  EXPECT_GT(rounded, 0u);  // e.g. hard_swish/clamp-f64 (0.5 ULP)
  // Alone, a row has no other target to agree with (BitIdenticalAcrossTargets).
  for (AccuracyResult& r : together) r.agreement = TargetAgreement{};
  const nlohmann::json a = RowsJson(rows, together), b = RowsJson(rows, alone);
  EXPECT_TRUE(a == b) << nlohmann::json::diff(a, b).dump().substr(0, 600);
  for (const AccuracyResult& r : together) EXPECT_EQ(r.error.worst.size(), ErrorStats::kWorstKept);
}

// Bit-identical across targets: per variant, the inputs where some target's
// output bits differ from the first target's, counted during the sweep, are
// what running the kernels directly finds; the correctly rounded rows differ
// nowhere; shards add up to the whole.
TEST(Exhaustive, BitIdenticalAcrossTargets) {
  std::vector<VariantTarget> rows;
  for (const VariantTarget& vt : RowsOf({"sigmoid", "tanh"}))
    if (vt.variant->name == "exp-f64-cr" || vt.variant->name == "rr1-p6-nr1" || vt.variant->name == "expm1-f64-cr")
      rows.push_back(vt);
  ASSERT_GE(rows.size(), 3u);
  ExhaustiveOptions o;
  o.threads = 2;
  // Unaligned ends, around -1 and 4.
  const std::pair<uint32_t, uint32_t> ranges[] = {{0xbf7f1234u, 0xbf82abcdu}, {0x40800000u, 0x4081ffffu}};
  std::vector<AccuracyResult> combined;
  for (auto [lo, hi] : ranges) {
    o.lo = lo;
    o.hi = hi;
    const ExhaustiveResult res = RunExhaustive(rows, o);
    std::vector<float> in;
    for (uint64_t b = lo; b <= hi; ++b) in.push_back(FloatFromBits(static_cast<uint32_t>(b)));
    for (size_t k = 0; k < rows.size(); ++k) {
      const TargetAgreement& a = res.rows[k].agreement;
      std::vector<size_t> group;
      for (size_t j = 0; j < rows.size(); ++j)
        if (rows[j].variant == rows[k].variant) group.push_back(j);
      if (group.size() < 2) {
        EXPECT_FALSE(a.compared()) << rows[k].label();
        continue;
      }
      ASSERT_EQ(a.targets.size(), group.size()) << rows[k].label();
      for (size_t g = 0; g < group.size(); ++g) EXPECT_EQ(a.targets[g], rows[group[g]].kernel->target);
      EXPECT_EQ(a.inputs, in.size());
      std::vector<float> first(in.size()), other(in.size());
      const Params p = DefaultParams(GetActivation(rows[k].variant->activation));
      rows[group[0]].kernel->Run(in.data(), first.data(), in.size(), p);
      std::vector<uint8_t> diff(in.size(), 0);
      for (size_t g = 1; g < group.size(); ++g) {
        rows[group[g]].kernel->Run(in.data(), other.data(), in.size(), p);
        for (size_t i = 0; i < in.size(); ++i) diff[i] |= FloatBits(first[i]) != FloatBits(other[i]);
      }
      uint64_t want = 0;
      for (uint8_t d : diff) want += d;
      EXPECT_EQ(a.differing, want) << rows[k].label();
      if (rows[k].variant->name.find("-cr") != std::string::npos) {
        EXPECT_TRUE(a.identical()) << rows[k].label();
      }
    }
    if (combined.empty()) {
      combined = res.rows;
    } else {
      for (size_t k = 0; k < rows.size(); ++k)
        combined[k] = CombineAccuracy(combined[k], res.rows[k], rows[k].promised_ulp());
    }
  }
  // The rcpps-based row differs between targets somewhere (SSE4 and AVX2 evaluate differently).
  bool some_differ = false;
  for (size_t k = 0; k < rows.size(); ++k) {
    const TargetAgreement& a = combined[k].agreement;
    if (!a.compared()) continue;
    uint64_t total = 0;
    for (auto [lo, hi] : ranges) total += uint64_t(hi - lo) + 1;
    EXPECT_EQ(a.inputs, total) << rows[k].label();
    some_differ = some_differ || a.differing > 0;
  }
  if (rows.size() > 3) {
    EXPECT_TRUE(some_differ);
  }
}

// The exhaustive sweep of backward rows (dy = 1; a from-output row given the
// correctly rounded forward values) scores exactly what the sampled sweep
// scores on the same inputs.
// What the sampled sweep gives each row over the patterns [lo, hi]
// (EvaluateAccuracy against the multiprecision references).
std::vector<AccuracyResult> SampledOver(const std::vector<VariantTarget>& rows, uint32_t lo, uint32_t hi) {
  std::vector<float> in;
  for (uint64_t b = lo; b <= hi; ++b) in.push_back(FloatFromBits(static_cast<uint32_t>(b)));
  ReferenceCache refs(in);
  std::vector<AccuracyResult> out;
  for (const VariantTarget& vt : rows)
    out.push_back(EvaluateAccuracy(vt, DefaultParams(GetActivation(vt.variant->activation)), refs));
  return out;
}

TEST(Exhaustive, BackwardRowsScoreAsTheSampledSweepDoes) {
  const std::vector<VariantTarget> rows = RowsOf({"sigmoid_grad", "tanh_grad", "elu_grad", "silu_grad"});
  bool from_output = false;
  for (const VariantTarget& vt : rows) from_output |= vt.variant->from_output;
  ASSERT_TRUE(from_output);
  ExhaustiveOptions o;
  o.lo = 0xbfa30000u;  // [-1.2813, -1.2734]: silu's root, -1.27846, inside
  o.hi = 0xbfa3ffffu;
  o.threads = 2;
  const ExhaustiveResult ex = RunExhaustive(rows, o);
  const std::vector<AccuracyResult> sampled = SampledOver(rows, o.lo, o.hi);
  for (size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE(rows[k].label());
    const AccuracyResult& s = sampled[k];
    const ErrorStats &a = ex.rows[k].error, &b = s.error;
    EXPECT_EQ(a.count, b.count);
    // The double path's exact values are within 2^-20 ULP of MPFR's (fast_reference.h).
    EXPECT_NEAR(a.max_ulp, b.max_ulp, 1e-6);
    EXPECT_EQ(a.above_0_5, b.above_0_5);
    EXPECT_EQ(a.above_1, b.above_1);
    ASSERT_EQ(a.worst.size(), b.worst.size());
    for (size_t i = 0; i < a.worst.size(); ++i) EXPECT_EQ(FloatBits(a.worst[i].out), FloatBits(b.worst[i].out));
    EXPECT_EQ(ex.rows[k].promise_held, s.promise_held);
  }
}

// A saturated chunk's reference (elu = -1 below -140) is one value, an
// identity chunk's (elu = x above 0) the inputs themselves, and the sweep
// writes only their first entries (RefChunk::kHead) until someone needs the
// rest: outputs that are not the reference's floats there (this kernel
// alternates between them and the float next to them), the contract check,
// a promise's domain boundary inside the chunk. Scored as the sampled sweep
// scores them.
void AlternatingSaturation(const float* in, float* out, size_t n, const Params&) {
  for (size_t i = 0; i < n; ++i) {
    const bool odd = FloatBits(in[i]) & 1;
    if (in[i] > 0)
      out[i] = odd ? in[i] : std::nextafter(in[i], 0.0f);
    else
      out[i] = in[i] < -150.0f ? (odd ? -1.0f : std::nextafter(-1.0f, 0.0f)) : std::expm1(in[i]);
  }
}
void SaturatingAt(const float* in, float* out, size_t n, const Params&) {
  for (size_t i = 0; i < n; ++i) out[i] = in[i] > 0 ? in[i] : in[i] < -150.0f ? -1.0f : std::expm1(in[i]);
}

TEST(Exhaustive, DeferredSaturatedReferencesScoreAsTheSampledSweepDoes) {
  auto make = [](const char* name, KernelFn fn, double domain_lo) {
    Variant v{Act::kElu, Act::kElu, name, "user", "test", {}, {}};
    v.promise.promised = true;
    v.promise.max_ulp = 1;
    v.promise.domain_lo = domain_lo;  // saturating's -200.5 and 100.25 lie inside chunks
    v.promise.domain_hi = -domain_lo / 2;
    TargetKernel t;
    t.target = "baseline";
    t.fn = fn;
    v.kernels.push_back(t);
    return v;
  };
  const Variant alternating = make("alternating", AlternatingSaturation, -1000);
  const Variant saturating = make("saturating", SaturatingAt, -200.5);
  const std::vector<VariantTarget> rows = {{&saturating, &saturating.kernels[0]},
                                           {&alternating, &alternating.kernels[0]}};
  // [-200, -256), then [-256, -512) in part: saturated, chunk after chunk;
  // [100, 128), then [128, 256) in part: identity chunks.
  for (auto [lo, hi] : {std::pair<uint32_t, uint32_t>{0xc3480000u, 0xc3820fffu}, {0x42c80000u, 0x43020fffu}}) {
    ExhaustiveOptions o;
    o.lo = lo;
    o.hi = hi;
    o.threads = 1;
    const ExhaustiveResult ex = RunExhaustive(rows, o);
    const std::vector<AccuracyResult> sampled = SampledOver(rows, lo, hi);
    for (size_t k = 0; k < rows.size(); ++k) {
      SCOPED_TRACE(rows[k].label());
      const AccuracyResult& s = sampled[k];
      const ErrorStats &a = ex.rows[k].error, &b = s.error;
      EXPECT_EQ(a.count, b.count);
      EXPECT_EQ(a.max_ulp, b.max_ulp);
      EXPECT_EQ(a.histogram, b.histogram);
      EXPECT_EQ(a.sum_ulp_q24, b.sum_ulp_q24);
      ASSERT_EQ(a.worst.size(), b.worst.size());
      for (size_t i = 0; i < a.worst.size(); ++i) EXPECT_EQ(FloatBits(a.worst[i].x), FloatBits(b.worst[i].x));
      EXPECT_EQ(ex.rows[k].max_ulp_in_domain, s.max_ulp_in_domain);
      EXPECT_EQ(ex.rows[k].promise_held, s.promise_held);
    }
    EXPECT_GT(ex.rows[1].error.max_ulp, 0.0);  // the alternating outputs were scored
  }
  // Without the vector reference (no FMA) nothing is deferred: the scores
  // above still hold, but the deferral was not exercised.
  if (!ReferenceLanesTarget(Act::kElu)) GTEST_SKIP() << "no vector reference on this CPU: nothing deferred";
}

TEST(Exhaustive, ReportRoundTripKeepsTheNewFields) {
  const std::vector<VariantTarget> rows = RowsOf({"silu"});
  ExhaustiveOptions o;
  o.lo = 0xc2000000u;
  o.hi = 0xc2020000u;
  const ExhaustiveResult res = RunExhaustive(rows, o);
  const nlohmann::json j = RowsJson(rows, res.rows);
  Report r;
  r.machine = nlohmann::json::object();
  r.config = nlohmann::json::object();
  for (size_t k = 0; k < rows.size(); ++k) {
    r.rows.push_back(MakeRow(rows[k]));
    r.rows.back().accuracy = res.rows[k];
  }
  const Report back = ReportFromJson(ToJson(r));
  EXPECT_TRUE(ToJson(back)["rows"] == j) << nlohmann::json::diff(ToJson(back)["rows"], j).dump().substr(0, 600);
  ASSERT_FALSE(back.rows.empty());
  EXPECT_EQ(back.rows[0].accuracy->coverage.size(), 1u);
  EXPECT_EQ(back.rows[0].accuracy->error.histogram.size(), ErrorStats::kHistogramBins);
}

TEST(Exhaustive, StopsCleanlyAndReportsWhatWasCovered) {
  const std::vector<VariantTarget> rows = RowsOf({"relu"});
  std::atomic<bool> stop{false};
  ExhaustiveOptions o;
  o.lo = 0;
  o.hi = 0x0fffffffu;
  o.threads = 2;
  o.stop = &stop;
  o.progress = [&](uint64_t done, uint64_t) {
    if (done > 0) stop = true;
  };
  const ExhaustiveResult res = RunExhaustive(rows, o);
  EXPECT_TRUE(res.interrupted);
  EXPECT_GT(res.inputs, 0u);
  EXPECT_LT(res.inputs, uint64_t(o.hi) + 1);
  uint64_t covered = 0;
  for (const BitRange& b : res.coverage) covered += b.size();
  EXPECT_EQ(covered, res.inputs);
  for (const AccuracyResult& r : res.rows) EXPECT_EQ(r.error.count, res.inputs);
}

// Bad input: one line on stderr starting "actbench: error: ", exit code 2.
void ExpectUsageError(const std::string& args) {
  const std::string cmd = std::string(ACTBENCH_BIN) + " accuracy " + args + " 2>&1 >/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string err;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) err += buf;
  const int status = pclose(f);
  EXPECT_EQ(WEXITSTATUS(status), 2) << args;
  EXPECT_EQ(err.rfind("actbench: error: ", 0), 0u) << args << ": " << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << args << ": " << err;
}

TEST(ExhaustiveCli, RefusesBadRangesAndShards) {
  ExpectUsageError("--exhaustive -a relu --shard 3/2");
  ExpectUsageError("--exhaustive -a relu --shard 0/0");
  ExpectUsageError("--exhaustive -a relu --shard 1");
  ExpectUsageError("--exhaustive -a relu --shard a/b");
  ExpectUsageError("--exhaustive -a relu --range 0x10 0x0f");
  ExpectUsageError("--exhaustive -a relu --range 0x1ffffffff 0");
  ExpectUsageError("--exhaustive -a relu --range 12x 13");
  ExpectUsageError("--exhaustive -a relu --range 5");
  ExpectUsageError("-a relu --range 0 5");
}

TEST(ExhaustiveCli, WritesAJsonReportForARange) {
  const std::string path = ::testing::TempDir() + "/exh.json";
  const std::string cmd = std::string(ACTBENCH_BIN) +
                          " accuracy --exhaustive -a hard_sigmoid --range 0x3f800000 0x3f80ffff --json " + path +
                          " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const Report r = ReadReport(path);
  ASSERT_FALSE(r.rows.empty());
  for (const ReportRow& row : r.rows) {
    ASSERT_TRUE(row.accuracy);
    EXPECT_EQ(row.accuracy->inputs, 0x10000u);
    ASSERT_EQ(row.accuracy->coverage.size(), 1u);
    EXPECT_EQ(row.accuracy->coverage[0].lo, 0x3f800000u);
  }
  EXPECT_EQ(r.config["exhaustive"]["inputs"], 0x10000u);
}

}  // namespace
}  // namespace actbench
