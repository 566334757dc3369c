// Eigen array expressions, one translation unit per ISA (eigen_avx3.cc,
// eigen_avx2.cc, eigen_sse4.cc), each compiled with that ISA's -m flags:
// Eigen is header-only and picks its packet math at compile time, so each
// compilation is one target. The includer defines
//   ACTBENCH_EIGEN_NS  namespace of this ISA's kernels (eigen_avx3, ...)
//   Eigen              a name of this ISA's own (actbench_eigen_avx3, ...):
//                      every Eigen template then has a distinct name per
//                      ISA, so the linker can never pick an AVX-512
//                      instantiation for the SSE4 code (or the reverse).
// Only the table at the bottom (constant data) is visible outside; the
// registry runs these kernels only where TargetSupported() says the CPU can.
//
// Eigen's float tanh and logistic are its own fast rational/polynomial
// approximations (EIGEN_FAST_MATH, the default); erf comes from the
// unsupported SpecialFunctions module. Promises in eigen_variants.cc (measured:
// Eigen documents no ULP bounds).
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include <cstddef>
#include <cstring>
#include <limits>

#include "impls/params.h"
#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace ACTBENCH_EIGEN_NS {
namespace {

using Index = Eigen::Index;
using Block = Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64>;

// Eigen evaluates elements before the first aligned one, and the tail that
// does not fill a packet, with its scalar functors, whose formulas differ from
// the packet ones (logistic: 1/(1+exp(-x)) with std::exp): the same input
// would give different bits at different offsets. So every element goes
// through the packet path: blocks of kBlock floats are copied into a 64-byte
// aligned buffer, padded with zeros to whole packets, evaluated in place
// there, and copied out. Any n, unaligned, in place; nothing past n is touched.
constexpr size_t kBlock = 1024;
constexpr size_t kPad = 16;  // floats in the widest packet (AVX-512)

template <typename F>
void Blocked(const float* in, float* out, size_t n, F f) {
  alignas(64) float buf[kBlock];
  for (size_t i = 0; i < n; i += kBlock) {
    const size_t m = n - i < kBlock ? n - i : kBlock;
    const size_t padded = (m + kPad - 1) / kPad * kPad;
    std::memcpy(buf, in + i, m * sizeof(float));
    for (size_t j = m; j < padded; ++j) buf[j] = 0.0f;
    Block b(buf, static_cast<Index>(padded));
    f(b);
    std::memcpy(out + i, buf, m * sizeof(float));
  }
}

void Tanh(const float* in, float* out, size_t n, const Params&) {
  Blocked(in, out, n, [](Block& x) { x = x.tanh(); });
}
void Logistic(const float* in, float* out, size_t n, const Params&) {
  Blocked(in, out, n, [](Block& x) { x = x.logistic(); });
}
// x/2 (1 + erf(x/sqrt2)); 0 at x = -inf, where the product would be -inf * 0.
void GeluErf(const float* in, float* out, size_t n, const Params&) {
  const float minus_inf = -std::numeric_limits<float>::infinity();
  Blocked(in, out, n, [minus_inf](Block& x) {
    x = (x == minus_inf).select(0.0f, x * 0.5f * ((x * 0.70710678118654752440f).erf() + 1.0f));
  });
}

}  // namespace

// In the order of EigenKernel (peer_kernels.h). Constant data: no code runs.
extern const KernelFn kKernels[kEigenKernelCount] = {&Tanh, &Logistic, &GeluErf};

}  // namespace ACTBENCH_EIGEN_NS
}  // namespace peers
}  // namespace actbench
