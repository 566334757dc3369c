// A program linked to actbench::main (the whole command line) with kernels
// of its own: a plain one, one with context and a prepare step, and, when
// $ACTBENCH_TEST_BAD_REGISTRATION names a fault, a registration the
// registry must refuse at start-up.
#include <cmath>
#include <cstdlib>
#include <string>

#include "actbench/actbench.h"

namespace {

void SigmoidF64(const float* in, float* out, size_t n, const actbench::Params&) {
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    out[i] = static_cast<float>(x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)));
  }
}

struct Scaled {  // a kernel with context: tanh(x) = 2 sigmoid(2x) - 1, in double
  double two = 2.0;
  void operator()(const float* in, float* out, size_t n, const actbench::Params&) const {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(std::tanh(static_cast<double>(in[i]) * two / 2));
  }
};

int g_prepared = 0;

// A backward kernel: dx = dy sigmoid'(x) in double.
void SigmoidGradF64(const float* x, const float* dy, float* dx, size_t n, const actbench::Params&) {
  for (size_t i = 0; i < n; ++i) {
    const double e = std::exp(-std::fabs(static_cast<double>(x[i])));
    dx[i] = static_cast<float>(dy[i] * (e / ((1 + e) * (1 + e))));
  }
}

}  // namespace

ACTBENCH_KERNEL("sigmoid/own-f64", SigmoidF64)->Describe("sigmoid in double, rounded once")->MaxUlp(0.51);
ACTBENCH_KERNEL("tanh/own-functor", Scaled{})
    ->Describe("tanh in double through a functor")
    ->MaxUlp(0.51)
    ->Prepare([](size_t, const actbench::Params&) { ++g_prepared; });

ACTBENCH_KERNEL("sigmoid_grad/own-f64", SigmoidGradF64)->Describe("sigmoid' in double, rounded once")->MaxUlp(0.51);
// A backward kernel with context, from the forward output: dy (1 - y^2).
ACTBENCH_KERNEL("tanh_grad/own-from-output",
                [scale = 1.0](const float* y, const float* dy, float* dx, size_t n, const actbench::Params&) {
                  for (size_t i = 0; i < n; ++i)
                    dx[i] = static_cast<float>(scale * dy[i] * (1 - static_cast<double>(y[i]) * y[i]));
                })
    ->Describe("dy (1 - y^2) in double, from y = tanh(x)")
    ->NoPromise()
    ->FromOutput();

[[maybe_unused]] static actbench::Registration* const bad = [] () -> actbench::Registration* {
  const char* fault = std::getenv("ACTBENCH_TEST_BAD_REGISTRATION");
  if (fault == nullptr) return nullptr;
  const std::string f = fault;
  if (f == "negative") return actbench::RegisterKernel("sigmoid/bad", SigmoidF64)->MaxUlp(-1);
  if (f == "nan") return actbench::RegisterKernel("sigmoid/bad", SigmoidF64)->MaxUlp(std::nan(""));
  if (f == "domain") return actbench::RegisterKernel("sigmoid/bad", SigmoidF64)->MaxUlp(1)->Domain(2, 1);
  if (f == "activation") return actbench::RegisterKernel("sigmoidd/bad", SigmoidF64)->MaxUlp(1);
  if (f == "duplicate") return actbench::RegisterKernel("sigmoid/rr2-p7-div", SigmoidF64)->MaxUlp(1);
  if (f == "forward-kernel-for-grad") return actbench::RegisterKernel("sigmoid_grad/bad", SigmoidF64)->MaxUlp(1);
  if (f == "grad-kernel-for-forward") return actbench::RegisterKernel("sigmoid/bad", SigmoidGradF64)->MaxUlp(1);
  if (f == "from-output-forward") return actbench::RegisterKernel("sigmoid/bad", SigmoidF64)->FromOutput();
  return nullptr;
}();
