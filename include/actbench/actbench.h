// actbench's public API: what a kernel engineer needs to bring their own
// activation kernel into actbench (docs/your-own-kernel.md).
//
// A kernel has one signature for every forward activation:
//
//   void kernel(const float* in, float* out, size_t n, const actbench::Params& p);
//
// and one for every backward activation ("sigmoid_grad": dx = dy * f'(x)):
//
//   void kernel(const float* x, const float* dy, float* dx, size_t n, const actbench::Params& p);
//
// whose first input is x, or the forward output y = f(x) for a variant
// registered with FromOutput() (PyTorch's sigmoid and tanh backward).
// A kernel must accept any n (0 included), unaligned pointers and in-place
// use (out == in; for backward kernels dx == dy), and never read or write
// past n: `actbench check` (and every measuring command, before it measures)
// holds registered kernels to that.
//
// Register one from your own translation unit with one statement, in the
// spirit of Google Benchmark's BENCHMARK():
//
//   ACTBENCH_KERNEL("sigmoid/my-rational", MySigmoid)
//       ->Describe("x P(x^2)/Q(x^2), one division")
//       ->MaxUlp(4);                     // the promise, over all float inputs
//
// Chained calls describe the variant: its promise (MaxUlp, Domain, Note,
// BreaksContract), what it computes when it approximates another activation
// (Computes), the CPU features a plain kernel needs (Requires), and an
// optional prepare step timed apart (Prepare). Link actbench::main and the
// program is the actbench command line with your variants beside the
// built-in ones, in family "user". Highway kernels compiled for every target:
// <actbench/highway.h>. Kernels from other languages: <actbench/plugin.h>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

namespace actbench {

// Parameters shared by every kernel and by the reference: one struct, so the
// kernel signature stays the same for all activations.
struct Params {
  // leaky_relu: negative_slope. elu: alpha. Unused elsewhere.
  float alpha = 0.0f;
  // softplus: 1/beta * log(1 + exp(beta * x)), linear where beta * x > threshold.
  float beta = 1.0f;
  float threshold = 20.0f;
  // prelu: per-channel slopes over an N x C layout with C innermost, so
  // element i uses slopes[i % channels]. Not owned.
  const float* slopes = nullptr;
  size_t channels = 0;
};

// A plain kernel.
using KernelFn = void (*)(const float* in, float* out, size_t n, const Params& p);
// A kernel with context: any callable (a JIT-compiled kernel, a library
// handle captured by a lambda). Same rules as KernelFn.
using KernelCall = std::function<void(const float* in, float* out, size_t n, const Params& p)>;
// A backward kernel (an activation "<name>_grad"): dx[i] = dy[i] * f'(x[i]),
// the first input being x, or y = f(x) for a FromOutput() variant.
using GradKernelFn = void (*)(const float* in, const float* dy, float* dx, size_t n, const Params& p);
using GradKernelCall =
    std::function<void(const float* in, const float* dy, float* dx, size_t n, const Params& p)>;
// Optional one-time set-up for n elements and parameters p (an operator's or
// JIT kernel's creation): the benchmark runs it before the timed loop and
// reports its cost apart (creation_ns). The kernel must still work when
// nobody called it (do the set-up on first use), and a repeated call must be
// cheap (a cache hit).
using PrepareCall = std::function<void(size_t n, const Params& p)>;

// The documented error bound of a variant: the real-valued ULP error against
// the exact value of the function it computes (docs/ulp.md), for inputs in
// [domain_lo, domain_hi]. Outside the domain only the special-value contract
// is promised.
struct Promise {
  double max_ulp = 0.0;
  double domain_lo = -std::numeric_limits<double>::infinity();
  double domain_hi = std::numeric_limits<double>::infinity();
  std::string note;  // where and why it loses accuracy, in one sentence
  // Whether the variant keeps the special-value contract (NaN in gives NaN
  // out, the limits at +-inf, outputs in range).
  bool keeps_contract = true;
  // false: no promise at all (Registration::NoPromise; a peer whose library
  // documents no bound): max_ulp, the domain and keeps_contract are unused,
  // nothing is held and reports say "none".
  bool promised = true;
};

// x86 CPU features a plain kernel may require (Registration::Requires). A
// kernel whose features this CPU lacks is listed as not runnable here and
// never called.
enum CpuFeature : uint64_t {
  kCpuSse41 = 1u << 0,
  kCpuSse42 = 1u << 1,
  kCpuAvx = 1u << 2,
  kCpuAvx2 = 1u << 3,
  kCpuFma = 1u << 4,
  kCpuF16c = 1u << 5,
  kCpuBmi2 = 1u << 6,
  kCpuAvx512f = 1u << 7,
  kCpuAvx512vl = 1u << 8,
  kCpuAvx512dq = 1u << 9,
  kCpuAvx512bw = 1u << 10,
};
// Whether this CPU has every feature of the mask.
bool CpuHas(uint64_t features);

// One registered variant, described by chained calls. Everything is checked
// when the registry is built (at start-up): an unknown activation, a
// duplicate id, a promise that is not a number >= 0 or an empty domain is
// refused with one line naming the registration, and the program exits 2.
class Registration {
 public:
  // The variant's description, shown in `list` and in every report.
  Registration* Describe(std::string text);
  // The promise: at most max_ulp ULP over the domain (default: all floats).
  Registration* MaxUlp(double max_ulp);
  // A looser bound on targets without FMA (SSE4, SSSE3, EMU128 and plain
  // kernels that do not require kCpuFma), where multiply-adds round twice.
  Registration* MaxUlpWithoutFma(double max_ulp);
  // No promise at all: the variant is measured, never "held" to a bound.
  Registration* NoPromise();
  Registration* Domain(double lo, double hi);
  Registration* Note(std::string text);
  // The variant does not keep the special-value contract (say why in Note).
  Registration* BreaksContract();
  // The activation whose exact value the promise is measured against, when
  // the kernel approximates another one (a tanh-form kernel listed under
  // gelu computes "gelu_tanh"); it is then also scored against its own.
  Registration* Computes(std::string activation);
  // CPU features a plain kernel needs (CpuFeature bits).
  Registration* Requires(uint64_t features);
  // The target a plain kernel's row is named after ("baseline" by default;
  // e.g. "AVX2" for a kernel compiled with -mavx2 -mfma).
  Registration* Target(std::string name);
  // One-time set-up timed apart (see PrepareCall).
  Registration* Prepare(PrepareCall prepare);
  // Backward kernels only: the first input is the forward output y = f(x),
  // not x (PyTorch's sigmoid, tanh and elu backward from the result). The
  // kernel is still scored as a function of x: actbench passes it the
  // correctly rounded f(x), so the report shows what the y-form costs.
  Registration* FromOutput();

  // What was registered (read by the registry).
  struct Spec;
  const Spec& spec() const { return *spec_; }
  explicit Registration(Spec* spec) : spec_(spec) {}

 private:
  // The built-in families set what users cannot (their family, a peer's
  // library, kernels compiled apart per ISA) through this (impls/registration.h).
  friend Spec& BuiltinSpec(Registration* r);
  Spec* spec_;
};

// Registers a plain kernel, or a kernel with context, under "activation/name".
Registration* RegisterPlainKernel(std::string id, KernelFn kernel);
Registration* RegisterContextKernel(std::string id, KernelCall kernel);
// The same for backward kernels (activation "<name>_grad").
Registration* RegisterPlainGradKernel(std::string id, GradKernelFn kernel);
Registration* RegisterContextGradKernel(std::string id, GradKernelCall kernel);
// Any of the four: a function or captureless lambda is a plain kernel, any
// other callable a kernel with context; five parameters make a backward kernel.
template <typename F>
Registration* RegisterKernel(std::string id, F&& kernel) {
  if constexpr (std::is_convertible_v<F, KernelFn>)
    return RegisterPlainKernel(std::move(id), static_cast<KernelFn>(kernel));
  else if constexpr (std::is_convertible_v<F, GradKernelFn>)
    return RegisterPlainGradKernel(std::move(id), static_cast<GradKernelFn>(kernel));
  else if constexpr (std::is_invocable_v<F, const float*, const float*, float*, size_t, const Params&>)
    return RegisterContextGradKernel(std::move(id), GradKernelCall(std::forward<F>(kernel)));
  else
    return RegisterContextKernel(std::move(id), KernelCall(std::forward<F>(kernel)));
}

// For <actbench/highway.h>: a Highway kernel exported with HWY_EXPORT;
// `compiled` is the HWY_TARGETS of its translation unit and `pointer` returns
// the kernel of the target Highway has chosen.
Registration* RegisterHighwayKernel(std::string id, int64_t compiled, KernelFn (*pointer)());
Registration* RegisterHighwayKernel(std::string id, int64_t compiled, GradKernelFn (*pointer)());

}  // namespace actbench

#define ACTBENCH_CONCAT_INNER_(a, b) a##b
#define ACTBENCH_CONCAT_(a, b) ACTBENCH_CONCAT_INNER_(a, b)

// Registers a kernel (plain or with context) at start-up; chain the
// description after it. One statement at namespace scope.
#define ACTBENCH_KERNEL(id, kernel)                                                      \
  [[maybe_unused]] static ::actbench::Registration* const ACTBENCH_CONCAT_(actbench_reg_, \
                                                                           __COUNTER__) = \
      ::actbench::RegisterKernel(id, kernel)
