// libFuzzer target: every variant on every target this CPU runs, against the
// correctly rounded reference, on arbitrary float bit patterns.
//
// Input: the first byte picks the variant (modulo the registry's variant
// count), the second the target by name (modulo kTargets), so an input names
// the same row on every CPU; where this CPU does not run that row the input is
// skipped (a corpus or a crash input found on one CPU means the same row on
// another, never some other row that happens to sit at that index). The rest
// are float32 values (at most kMaxFloats: each one
// costs an MPFR reference). Checked per input:
// - memory: the kernel reads and writes exactly n floats (ASan redzones on
//   both ends of separate heap buffers), out of place and in place;
// - determinism: in place gives the same bits as out of place;
// - the special-value contract (accuracy/sweep.h CheckContract) for variants
//   that promise to keep it: NaN in -> NaN out, the limits at +-inf, outputs
//   in range;
// - the promise, where there is one: within the variant's domain, the ULP
//   error against the function it computes is at most the bound it promises
//   on that target. Only promises are checked (they hold on every CPU), never
//   bits (rcpps-based kernels differ between CPU vendors).
// A failure prints the row, the input and the output bits, then aborts.
#include <cinttypes>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "accuracy/reference.h"
#include "accuracy/sweep.h"
#include "accuracy/ulp.h"
#include "impls/variant.h"

namespace {

using namespace actbench;

constexpr size_t kMaxFloats = 64;

// Every target name a row can have, in a fixed order.
constexpr const char* kTargets[] = {"baseline", "EMU128", "SCALAR", "SSSE3", "SSE4", "AVX2", "AVX3", "AVX3_DL"};
constexpr size_t kTargetCount = sizeof(kTargets) / sizeof(kTargets[0]);

// The row the first two bytes name, if this CPU runs it.
std::optional<VariantTarget> PickRow(uint8_t variant_byte, uint8_t target_byte) {
  const std::vector<Variant>& variants = Variants();
  const Variant& v = variants[variant_byte % variants.size()];
  const char* target = kTargets[target_byte % kTargetCount];
  for (const TargetKernel& k : v.kernels)
    if (k.target == target && TargetSupported(k)) return VariantTarget{&v, &k};
  return std::nullopt;
}

[[noreturn]] void Die(const VariantTarget& vt, const char* what, float x, float y, float expected) {
  std::fprintf(stderr, "%s: %s: x = %.9g (0x%08" PRIx32 ") gave %.9g (0x%08" PRIx32
               "), reference %.9g (0x%08" PRIx32 ")\n",
               vt.label().c_str(), what, x, FloatBits(x), y, FloatBits(y), expected, FloatBits(expected));
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::optional<VariantTarget> picked = PickRow(data[0], data[1]);
  if (!picked) return 0;  // not a row this CPU runs
  const VariantTarget& vt = *picked;
  const size_t n = std::min((size - 2) / sizeof(float), kMaxFloats);

  // Exactly n floats each, so ASan sees any access past either end.
  std::unique_ptr<float[]> in(new float[n]), out(new float[n]), inplace(new float[n]);
  if (n) std::memcpy(in.get(), data + 2, n * sizeof(float));
  std::memcpy(inplace.get(), in.get(), n * sizeof(float));

  const Variant& v = *vt.variant;
  const Activation& act = GetActivation(v.activation);
  const Params p = DefaultParams(act);
  if (vt.kernel->backward()) {
    // dy = 1 (the reference's f'), in place on dx == dy; a from-output row is
    // given the correctly rounded forward values.
    std::unique_ptr<float[]> first(new float[n]), dy(new float[n]);
    for (size_t i = 0; i < n; ++i) {
      first[i] = v.from_output ? Reference(act.forward, in[i], p, i).rounded : in[i];
      dy[i] = 1.0f;
      inplace[i] = 1.0f;
    }
    vt.kernel->Run(first.get(), dy.get(), out.get(), n, p);
    vt.kernel->Run(first.get(), inplace.get(), inplace.get(), n, p);
  } else {
    vt.kernel->Run(in.get(), out.get(), n, p);
    vt.kernel->Run(inplace.get(), inplace.get(), n, p);
  }

  std::vector<float> xs(in.get(), in.get() + n), ys(out.get(), out.get() + n);
  std::vector<RefValue> ref(n);
  for (size_t i = 0; i < n; ++i) {
    if (FloatBits(inplace[i]) != FloatBits(ys[i]) && !(std::isnan(inplace[i]) && std::isnan(ys[i])))
      Die(vt, "in place differs from out of place", xs[i], inplace[i], ys[i]);
    ref[i] = Reference(v.computes, xs[i], p, i);  // i picks the PReLU channel
  }

  if (!vt.promised()) return 0;  // nothing promised: memory and determinism only
  if (vt.keeps_contract()) {
    const ContractResult c = CheckContract(GetActivation(v.computes), p, xs, ys, ref);
    if (!c.pass) {
      std::fprintf(stderr, "%s: contract broken: %s\n", vt.label().c_str(), c.examples.front().c_str());
      std::abort();
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const double x = xs[i];
    if (!(x >= v.promise.domain_lo && x <= v.promise.domain_hi)) continue;
    if (UlpError(ys[i], ref[i].exact, ref[i].rounded) > vt.promised_ulp()) {
      char what[96];
      std::snprintf(what, sizeof what, "%.3g ULP, promised %.3g",
                    UlpError(ys[i], ref[i].exact, ref[i].rounded), vt.promised_ulp());
      Die(vt, what, xs[i], ys[i], ref[i].rounded);
    }
  }
  return 0;
}
