// Every variant on every target this CPU runs: within its promise on the
// sampled set, the special-value contract, and memory safety for any n,
// alignment and in-place use.
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "accuracy/inputs.h"
#include "accuracy/sweep.h"
#include "accuracy/ulp.h"
#include "accuracy/safety.h"
#include "impls/variant.h"

namespace actbench {
namespace {


std::vector<VariantTarget> AllRunnable() {
  std::vector<const Variant*> vs;
  for (const Variant& v : Variants()) vs.push_back(&v);
  return RunnableTargets(vs);
}

// One reference pass per activation, shared by every variant and test: the
// same input set `actbench run` uses, so a promise that holds here holds in
// the default report (this binary runs as one CTest test for that reason).
ReferenceCache& Cache() {
  static ReferenceCache cache(SampledInputs(SampleOptions{}));
  return cache;
}

const AccuracyResult& Accuracy(const VariantTarget& vt) {
  static std::map<std::string, AccuracyResult> results;
  auto it = results.find(vt.label());
  if (it == results.end()) {
    const Params p = DefaultParams(GetActivation(vt.variant->activation));
    it = results.emplace(vt.label(), EvaluateAccuracy(vt, p, Cache())).first;
  }
  return it->second;
}

std::string Worst(const ErrorStats& s) {
  if (s.worst.empty()) return "no error";
  const WorstInput& w = s.worst.front();
  char buf[160];
  std::snprintf(buf, sizeof buf, "worst: x = %.9g gave %.9g, correctly rounded %.9g (%.3g ULP)",
                w.x, w.out, w.expected, w.ulp);
  return buf;
}

bool SameBits(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// A row's outputs for inputs x: f(x), or for a backward row dy * f'(x) with
// dy = 1 (a from-output row given the correctly rounded f(x)).
std::vector<float> RunRow(const VariantTarget& vt, const std::vector<float>& x, const Params& p) {
  std::vector<float> out(x.size()), ones(x.size(), 1.0f), y(x.size());
  const Activation& a = GetActivation(vt.variant->activation);
  if (vt.variant->from_output)
    for (size_t i = 0; i < x.size(); ++i) y[i] = Reference(a.forward, x[i], p, i).rounded;
  RunOn(vt, x.data(), y.data(), ones.data(), out.data(), x.size(), p);
  return out;
}

class VariantTest : public ::testing::TestWithParam<VariantTarget> {};

// Only promises are held: a row without one (a peer whose library documents
// no bound) is held to nothing here; its numbers are measurements.
TEST_P(VariantTest, HoldsItsPromiseOnTheSampledSet) {
  const VariantTarget& vt = GetParam();
  if (!vt.promised()) GTEST_SKIP() << vt.label() << " promises nothing";
  const AccuracyResult& r = Accuracy(vt);
  EXPECT_TRUE(r.promise_held) << vt.label() << ": " << r.max_ulp_in_domain << " ULP in ["
                              << vt.variant->promise.domain_lo << ", "
                              << vt.variant->promise.domain_hi << "], promised "
                              << vt.promised_ulp() << "; " << Worst(r.error);
  EXPECT_LE(r.max_ulp_in_domain, r.error.max_ulp);
  if (vt.keeps_contract()) {
    EXPECT_EQ(r.error.nan_mismatch, 0u) << vt.label();
  }
}

// Backward rows with gradients far from 1 (the sweeps use dy = 1 and dy in
// [2^-20, 2^4]): dy * f'(x) for dy up to the largest float and down to
// 1e-30 over the range, the tails included (e^-150 * 1e30 is not 0;
// e^-200 * 1e30 rounds to 0), within the promise. The compensated float
// kernels included. Where the result is 0, its sign is the reference's (the
// far left tails of silu', mish', gelu' ... are -0).
// (A backward promise is over every x with dy = 1, what the exhaustive sweep
// checks; our SIMD kernels hold it for any dy. The scalar rows form f' in
// float or double first, where e^x underflows whatever dy is.)
TEST_P(VariantTest, BackwardRowsHoldWithLargeAndTinyGradients) {
  const VariantTarget& vt = GetParam();
  if (!vt.kernel->backward() || !vt.promised() || vt.variant->from_output || vt.variant->family != "simd")
    GTEST_SKIP();
  const Params p = DefaultParams(GetActivation(vt.variant->activation));
  const std::vector<float> gradients = {1e18f, -1e18f, 1e-30f, -1e-30f, 1.0f, 1e30f, -1e30f, 3.0e38f, -3.0e38f,
                                        0.0f,  -0.0f,  1e-45f, -1e-45f};
  std::vector<float> x, dy;
  for (float g : gradients)
    for (float v : {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(), -1e30f})
      x.push_back(v), dy.push_back(g);
  for (float g : gradients)
    for (float v = -240.0f; v <= 240.0f; v += 1.7f) {
      x.push_back(v);
      dy.push_back(g);
    }
  std::vector<float> out(x.size());
  vt.kernel->Run(x.data(), dy.data(), out.data(), x.size(), p);
  for (size_t i = 0; i < x.size(); ++i) {
    const RefValue r = GradientReference(vt.variant->computes, x[i], dy[i], p, i);
    EXPECT_LE(UlpError(out[i], r.exact, r.rounded), vt.promised_ulp())
        << vt.label() << ": x = " << x[i] << ", dy = " << dy[i] << " gave " << out[i] << ", correctly rounded "
        << r.rounded;
    if (out[i] == 0 && r.rounded == 0) {
      EXPECT_EQ(std::signbit(out[i]), std::signbit(r.rounded))
          << vt.label() << ": x = " << x[i] << ", dy = " << dy[i] << ": the sign of zero";
    }
  }
}

TEST_P(VariantTest, KeepsTheSpecialValueContract) {
  const VariantTarget& vt = GetParam();
  if (!vt.promised()) GTEST_SKIP() << vt.label() << " promises nothing";
  const ContractResult& c = Accuracy(vt).contract;
  if (!vt.keeps_contract()) return;  // BreaksTheContractOnlyWhereItSaysSo
  EXPECT_TRUE(c.pass) << vt.label() << ": " << c.failures << " failures, first: "
                      << (c.examples.empty() ? "" : c.examples.front());
}

// n from 0 to 70 (over 4x the widest vector), every start misalignment of
// input and output, out of place and in place, buffers against PROT_NONE
// pages at both ends (accuracy/guarded_arena.h), and the same bits at every
// offset: the checks `actbench check` runs on users' kernels, in this process
// (a stray access faults the test).
TEST_P(VariantTest, IsMemorySafeForAnyNAlignmentAndInPlace) {
  EXPECT_EQ("", CheckSafety(GetParam()));
}

// Parameters other than the defaults reach the kernel and the reference alike.
TEST(Params, NonDefaultValuesReachKernelAndReference) {
  // Inputs in [-8, 8] only: a promise's domain is stated for the default
  // parameters (a flush below z = beta x = -87.3 moves with beta).
  const std::vector<float> in = SampledInputs(SampleOptions{0, 1u << 11, 8.0f});
  int checked = 0;
  for (const VariantTarget& vt : AllRunnable()) {
    const Activation& a = GetActivation(vt.variant->activation);
    if (a.params.empty()) continue;
    Params p = DefaultParams(a);
    p.alpha = 0.3f;
    p.beta = 2.0f;
    p.threshold = 10.0f;
    const std::vector<float> out = RunRow(vt, in, p), with_defaults = RunRow(vt, in, DefaultParams(a));
    EXPECT_NE(0, std::memcmp(out.data(), with_defaults.data(), out.size() * sizeof(float)))
        << vt.label() << " ignores its parameters";
    const std::vector<RefValue> ref = ReferenceArray(vt.variant->computes, in, p);
    double worst = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const double x = in[i];
      if (x < vt.variant->promise.domain_lo || x > vt.variant->promise.domain_hi) continue;
      worst = std::max(worst, UlpError(out[i], ref[i].exact, ref[i].rounded));
    }
    // Parameters add roundings (alpha * r, z / beta): allow one ULP over the promise.
    if (vt.promised()) {
      EXPECT_LE(worst, vt.promised_ulp() + 1.0) << vt.label();
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);  // leaky_relu, elu, softplus and their backward ones at least
}

// PReLU with channel counts below, at and past the lane count and the
// kernels' stack copy of the slopes (about 4000), with and without a zero
// slope, and lengths that end mid-row: element i must use slopes[i % channels],
// exactly (one rounding; 0 for a zero slope at -inf), in and out of place. Peers are left out: their operators are built for the default
// channel count.
TEST(Prelu, EveryChannelCountAndLengthUsesSlopeOfItsChannel) {
  std::vector<float> slopes(9000);
  for (size_t k = 0; k < slopes.size(); ++k) slopes[k] = 0.01f * float(k % 97) - 0.3f;
  slopes[4] = 0.0f;  // from 5 channels on a zero slope too (0 at -inf, not NaN)
  const std::vector<float> pool = SampledInputs(SampleOptions{0, 1u << 13, 8.0f});
  std::vector<VariantTarget> rows;
  for (const VariantTarget& vt : AllRunnable())
    if (vt.variant->activation == Act::kPrelu && vt.variant->family != "peer") rows.push_back(vt);
  ASSERT_GE(rows.size(), 2u);  // the scalar one and at least one SIMD target
  for (size_t channels : {1, 3, 7, 15, 16, 17, 63, 64, 65, 1000, 1030, 2999, 4050, 8191}) {
    Params p = DefaultParams(GetActivation(Act::kPrelu));
    p.slopes = slopes.data();
    p.channels = channels;
    for (size_t n : {size_t(0), size_t(1), size_t(5), channels - 1, channels + 1, 3 * channels + 7, size_t(4099)}) {
      std::vector<float> in(n), want(n);
      for (size_t i = 0; i < n; ++i) {
        in[i] = i % 13 == 4 ? -std::numeric_limits<float>::infinity() : pool[(i * 7919) % pool.size()];
        want[i] = Reference(Act::kPrelu, in[i], p, i).rounded;
      }
      for (const VariantTarget& vt : rows) {
        std::vector<float> out(n), inplace = in;
        vt.kernel->Run(in.data(), out.data(), n, p);
        vt.kernel->Run(inplace.data(), inplace.data(), n, p);
        for (size_t i = 0; i < n; ++i)
          ASSERT_TRUE((SameBits(out[i], want[i]) || (out[i] == 0 && want[i] == 0)) &&
                      SameBits(inplace[i], out[i]))
              << vt.label() << " channels " << channels << " n " << n << " i " << i << ": f(" << in[i]
              << ") = " << out[i] << " (in place " << inplace[i] << "), want " << want[i];
      }
    }
  }
}

// The same for prelu_grad: dx[i] = dy[i] * (x[i] > 0 ? 1 : slopes[i % channels]),
// with random dy, in place on dx == dy.
TEST(Prelu, BackwardUsesTheSlopeOfEachChannel) {
  std::vector<float> slopes(5000);
  for (size_t k = 0; k < slopes.size(); ++k) slopes[k] = 0.013f * float(k % 89) - 0.4f;
  slopes[2] = 0.0f;
  const std::vector<float> pool = SampledInputs(SampleOptions{0, 1u << 13, 8.0f});
  std::vector<VariantTarget> rows;
  for (const VariantTarget& vt : AllRunnable())
    if (vt.variant->activation == Act::kPreluGrad && vt.variant->family != "peer") rows.push_back(vt);
  ASSERT_GE(rows.size(), 1u);
  for (size_t channels : {1, 3, 16, 17, 64, 1030, 4050}) {
    Params p = DefaultParams(GetActivation(Act::kPreluGrad));
    p.slopes = slopes.data();
    p.channels = channels;
    for (size_t n : {size_t(0), size_t(1), channels + 1, 3 * channels + 7}) {
      std::vector<float> x(n), dy(n), want(n);
      for (size_t i = 0; i < n; ++i) {
        x[i] = i % 11 == 3 ? 0.0f : pool[(i * 7919) % pool.size()];
        dy[i] = 0.5f + float(i % 7) * 0.25f * (i % 2 ? -1.0f : 1.0f);
        want[i] = GradientReference(Act::kPreluGrad, x[i], dy[i], p, i).rounded;
      }
      for (const VariantTarget& vt : rows) {
        std::vector<float> out(n), inplace = dy;
        vt.kernel->Run(x.data(), dy.data(), out.data(), n, p);
        vt.kernel->Run(x.data(), inplace.data(), inplace.data(), n, p);
        for (size_t i = 0; i < n; ++i)
          ASSERT_TRUE((SameBits(out[i], want[i]) || (out[i] == 0 && want[i] == 0)) && SameBits(inplace[i], out[i]))
              << vt.label() << " channels " << channels << " n " << n << " i " << i << ": x " << x[i] << " dy "
              << dy[i] << " gave " << out[i] << " (in place " << inplace[i] << "), want " << want[i];
      }
    }
  }
}

// No channels (Params{} as a user might pass it): slope 0, as relu, in every
// prelu and prelu_grad kernel (a loop over rows of 0 channels never ends).
TEST(Prelu, NoChannelsMeansSlopeZero) {
  const std::vector<float> x = {-2.0f, -0.0f, 0.0f, 3.0f, -1e-30f, 5.0f, -7.0f};
  const std::vector<float> dy = {1.5f, 2.0f, -1.0f, 4.0f, 1.0f, -2.0f, 3.0f};
  Params p;  // slopes = nullptr, channels = 0
  int checked = 0;
  for (const VariantTarget& vt : AllRunnable()) {
    const Act a = vt.variant->activation;
    if ((a != Act::kPrelu && a != Act::kPreluGrad) || vt.variant->family == "peer") continue;
    std::vector<float> out(x.size());
    if (vt.kernel->backward())
      vt.kernel->Run(x.data(), dy.data(), out.data(), x.size(), p);
    else
      vt.kernel->Run(x.data(), out.data(), x.size(), p);
    for (size_t i = 0; i < x.size(); ++i) {
      const float want = vt.kernel->backward() ? (x[i] > 0 ? dy[i] : 0.0f) : (x[i] > 0 ? x[i] : 0.0f);
      EXPECT_EQ(out[i], want) << vt.label() << " x = " << x[i];
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

// +-inf and NaN at every position of a row, so for prelu each lands on every
// channel, a zero slope included (kernel_fuzz found 0 * -inf = NaN there).
// Returns the first failure, or "" when every limit holds.
std::string LimitsAtInfinityFailure(const VariantTarget& vt) {
  const Params p = DefaultParams(GetActivation(vt.variant->activation));
  const size_t row = std::max<size_t>(p.channels, 1);
  const float specials[] = {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN()};
  for (float v : specials) {
    const std::vector<float> in(2 * row + 3, v);
    const std::vector<float> out = RunRow(vt, in, p);
    for (size_t i = 0; i < in.size(); ++i) {
      const float want = Reference(vt.variant->computes, v, p, i).rounded;
      if (!(std::isnan(want) ? std::isnan(out[i]) : out[i] == want)) {
        std::ostringstream s;
        s << vt.label() << " f(" << v << ") at index " << i << " = " << out[i] << ", want " << want;
        return s.str();
      }
    }
  }
  return "";
}

TEST_P(VariantTest, LimitsAtInfinityOnEveryChannel) {
  const VariantTarget& vt = GetParam();
  if (!vt.promised()) GTEST_SKIP() << vt.label() << " promises nothing";
  if (!vt.keeps_contract()) GTEST_SKIP() << vt.label() << " documents that it breaks the contract";
  const std::string failure = LimitsAtInfinityFailure(vt);
  EXPECT_EQ(failure, "");
}

// A variant that says it breaks the contract breaks it somewhere we look: in
// the sweep, or at +-inf/NaN on some channel (a peer's PReLU giving
// 0 * -inf = NaN on a zero-slope channel shows only there).
TEST_P(VariantTest, BreaksTheContractOnlyWhereItSaysSo) {
  const VariantTarget& vt = GetParam();
  if (!vt.promised()) GTEST_SKIP() << vt.label() << " promises nothing";
  if (vt.keeps_contract()) return;  // KeepsTheSpecialValueContract
  EXPECT_TRUE(!Accuracy(vt).contract.pass || !LimitsAtInfinityFailure(vt).empty())
      << vt.label() << " says it breaks the contract, but kept it";
}

std::string TestName(const ::testing::TestParamInfo<VariantTarget>& info) {
  std::string s = info.param.label();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// An input's output does not depend on where it sits or on its neighbours in
// the same vector: each of our rows gives, for every input of the quick set
// (specials, far tails, huge and tiny dy mixed in), the bits it gives for that
// input alone (n = 1). A kernel that picked its path per vector would fail.
TEST_P(VariantTest, GivesTheSameBitsAtAnyPosition) {
  const VariantTarget& vt = GetParam();
  if (vt.variant->family != "simd" && vt.variant->family != "scalar") GTEST_SKIP() << "ours only";
  const Act act = vt.variant->activation;
  if (act == Act::kPrelu || act == Act::kPreluGrad) GTEST_SKIP() << "prelu's slope is chosen by position";
  const Params p = DefaultParams(GetActivation(vt.variant->activation));
  std::vector<float> x = SampledInputs(SampleOptions::Quick());
  if (x.size() > 6000) {  // every special value, then a stride through the rest
    std::vector<float> keep(x.begin(), x.begin() + 600);
    for (size_t i = 600; i < x.size(); i += x.size() / 5000) keep.push_back(x[i]);
    x = keep;
  }
  std::vector<float> dy = RandomGradients(x.size());
  const float big[] = {3e38f, -1e30f, 1e-40f, 0.0f, -0.0f, INFINITY, NAN};
  for (size_t i = 0; i < x.size(); i += 13) dy[i] = big[(i / 13) % std::size(big)];
  std::vector<float> all(x.size()), one(1);
  RunOn(vt, x.data(), x.data(), dy.data(), all.data(), x.size(), p);
  size_t differ = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    RunOn(vt, &x[i], &x[i], &dy[i], one.data(), 1, p);
    if (!SameBits(one[0], all[i]) && differ++ < 3)
      ADD_FAILURE() << vt.label() << ": x = " << x[i] << ", dy = " << dy[i] << " gives " << all[i]
                    << " among others, " << one[0] << " alone";
  }
  EXPECT_EQ(differ, 0u) << vt.label();
}

INSTANTIATE_TEST_SUITE_P(AllVariants, VariantTest, ::testing::ValuesIn(AllRunnable()), TestName);

TEST(Registry, EveryActivationHasAVariantAndIdsAreUnique) {
  std::set<std::string> ids;
  for (const Variant& v : Variants()) {
    EXPECT_TRUE(ids.insert(v.id()).second) << v.id();
    EXPECT_FALSE(v.kernels.empty()) << v.id();
    EXPECT_EQ(FindVariant(v.id()), &v);
  }
  for (const Activation& a : Activations()) {
    bool found = false;
    for (const Variant& v : Variants()) found |= v.activation == a.id;
    EXPECT_TRUE(found) << a.name;
  }
  EXPECT_EQ(FindVariant("sigmoid/no-such-variant"), nullptr);
  EXPECT_EQ(FindActivation("nope"), nullptr);
  // The 13 of the brief + gelu_sigmoid (QuickGELU), each with its backward
  // activation: two inputs, the forward's parameters, named <name>_grad.
  size_t forward = 0;
  for (const Activation& a : Activations()) {
    if (a.backward) continue;
    ++forward;
    const Activation& g = GradOf(a.id);
    EXPECT_EQ(std::string(g.name), std::string(a.name) + "_grad");
    EXPECT_EQ(g.arity(), 2u);
    EXPECT_EQ(g.params.size(), a.params.size()) << g.name;
    EXPECT_EQ(a.arity(), 1u);
  }
  EXPECT_EQ(forward, 14u);
  EXPECT_EQ(Activations().size(), 28u);
}

}  // namespace
}  // namespace actbench
