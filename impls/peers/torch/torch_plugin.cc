// PyTorch's CPU activation kernels (ATen, Debian's libtorch 1.13.1) as a peer
// plugin, actbench-peer-torch.so: libtorch is several hundred MB and takes
// most of a second to load, so actbench loads this plugin only when a
// command's selection can include its rows (impls/plugin_loader.h).
//
// ATen compiles each kernel once per CPU capability (DEFAULT, AVX2, AVX512)
// and picks one per process. Its dispatch stubs export the three function
// pointers, so one process runs each as its own row: DEFAULT as "baseline",
// AVX2 as "AVX2", AVX512 as "AVX3" (the CPU features ATen requires for each).
// A call wraps the caller's buffers in tensors (from_blob, no copy) and a
// TensorIterator like the one the operator builds, then calls the stub with
// the operator's scalars. Tensors and iterator are kept per thread, keyed by
// the buffers, so a timed loop over the same buffers only calls the stub;
// prepare() builds them once on scratch buffers of the same size, which is
// what the report's creation_ns times. Single-threaded: each calling thread
// sets ATen's (OpenMP) thread count to 1 before its first call.
//
// PyTorch documents each operator's formula, not its error: no promise.
#define HAVE_AVX2_CPU_DEFINITION 1
#define HAVE_AVX512_CPU_DEFINITION 1

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/TensorIterator.h>
#include <ATen/native/Activation.h>
#include <ATen/native/BinaryOps.h>
#include <ATen/native/DispatchStub.h>
#include <ATen/native/UnaryOps.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "actbench/plugin.h"

// relu's stub, declared as ATen/native/TensorCompare.h declares it (that
// header cannot be included beside UnaryOps.h: both declare a clamp_stub).
namespace at {
namespace native {
DECLARE_DISPATCH(void (*)(TensorIteratorBase&, c10::Scalar), clamp_min_scalar_stub);
}  // namespace native
}  // namespace at

namespace {

using at::native::GeluType;

enum class Cap { kDefault, kAvx2, kAvx512 };

// One PyTorch operator: the stub its CPU implementation calls, and how its
// iterator is laid out.
enum class Op {
  kRelu, kLeakyRelu, kPrelu, kElu, kSigmoid, kTanh, kGelu, kGeluTanh, kSilu, kMish, kSoftplus, kHardsigmoid,
  kHardswish,
  kThresholdBackward, kLeakyReluBackward, kPreluBackward, kEluBackward, kEluBackwardResult, kSigmoidBackward,
  kTanhBackward, kGeluBackward, kGeluTanhBackward, kSiluBackward, kMishBackward, kSoftplusBackward,
  kHardsigmoidBackward, kHardswishBackward,
};

struct OpSpec {
  Op op;
  const char* activation;  // actbench's name
  const char* name;        // the variant: torch-<operator>
  const char* description;
  bool from_output;        // backward from y = f(x), as autograd calls it
};

const OpSpec kOps[] = {
    {Op::kRelu, "relu", "torch-relu", "at::relu (clamp_min_scalar_stub with 0)", false},
    {Op::kLeakyRelu, "leaky_relu", "torch-leaky-relu", "at::leaky_relu (leaky_relu_stub)", false},
    {Op::kPrelu, "prelu", "torch-prelu", "at::prelu (prelu_cpu_stub), the slopes broadcast along channels", false},
    {Op::kElu, "elu", "torch-elu", "at::elu (elu_stub, scale 1, input_scale 1)", false},
    {Op::kSigmoid, "sigmoid", "torch-sigmoid", "at::sigmoid (sigmoid_stub)", false},
    {Op::kTanh, "tanh", "torch-tanh", "at::tanh (tanh_stub)", false},
    {Op::kGelu, "gelu", "torch-gelu", "GeluKernel, approximate='none' (what at::gelu runs with oneDNN off)", false},
    {Op::kGeluTanh, "gelu_tanh", "torch-gelu-tanh", "at::gelu with approximate='tanh' (GeluKernel)", false},
    {Op::kSilu, "silu", "torch-silu", "at::silu (silu_stub)", false},
    {Op::kMish, "mish", "torch-mish", "at::mish (mish_stub)", false},
    {Op::kSoftplus, "softplus", "torch-softplus", "at::softplus (softplus_stub, beta and threshold)", false},
    {Op::kHardsigmoid, "hard_sigmoid", "torch-hardsigmoid", "at::hardsigmoid (hardsigmoid_stub)", false},
    {Op::kHardswish, "hard_swish", "torch-hardswish", "at::hardswish (hardswish_stub)", false},
    {Op::kThresholdBackward, "relu_grad", "torch-threshold-backward",
     "at::threshold_backward(dy, y, 0) (threshold_stub), relu's backward as autograd calls it, from y", true},
    {Op::kLeakyReluBackward, "leaky_relu_grad", "torch-leaky-relu-backward",
     "at::leaky_relu_backward(dy, x, slope, false) (leaky_relu_backward_stub)", false},
    {Op::kPreluBackward, "prelu_grad", "torch-prelu-backward",
     "at::prelu_backward (prelu_backward_cpu_stub; its per-element weight gradient goes to a scratch buffer)", false},
    {Op::kEluBackward, "elu_grad", "torch-elu-backward",
     "at::elu_backward(dy, alpha, 1, 1, is_result = false, x) (elu_backward_stub), as autograd calls it after elu", false},
    {Op::kEluBackwardResult, "elu_grad", "torch-elu-backward-result",
     "at::elu_backward(dy, alpha, 1, 1, is_result = true, y) (elu_backward_stub), as autograd calls it after elu_, from y",
     true},
    {Op::kSigmoidBackward, "sigmoid_grad", "torch-sigmoid-backward",
     "at::sigmoid_backward(dy, y) (sigmoid_backward_stub: dy (1 - y) y), as autograd calls it, from y", true},
    {Op::kTanhBackward, "tanh_grad", "torch-tanh-backward",
     "at::tanh_backward(dy, y) (tanh_backward_stub: dy (1 - y^2)), as autograd calls it, from y", true},
    {Op::kGeluBackward, "gelu_grad", "torch-gelu-backward",
     "GeluBackwardKernel, approximate='none' (what at::gelu_backward runs with oneDNN off)", false},
    {Op::kGeluTanhBackward, "gelu_tanh_grad", "torch-gelu-tanh-backward",
     "at::gelu_backward with approximate='tanh' (GeluBackwardKernel)", false},
    {Op::kSiluBackward, "silu_grad", "torch-silu-backward", "at::silu_backward(dy, x) (silu_backward_stub)", false},
    {Op::kMishBackward, "mish_grad", "torch-mish-backward", "at::mish_backward(dy, x) (mish_backward_stub)", false},
    {Op::kSoftplusBackward, "softplus_grad", "torch-softplus-backward",
     "at::softplus_backward(dy, x, beta, threshold) (softplus_backward_stub)", false},
    {Op::kHardsigmoidBackward, "hard_sigmoid_grad", "torch-hardsigmoid-backward",
     "at::hardsigmoid_backward(dy, x) (hardsigmoid_backward_stub)", false},
    {Op::kHardswishBackward, "hard_swish_grad", "torch-hardswish-backward",
     "at::hardswish_backward(dy, x) (hardswish_backward_stub)", false},
};

bool Backward(Op op) { return op >= Op::kThresholdBackward; }

// The stub's function pointer for one capability (null when ATen has none).
template <typename Stub>
auto For(Stub& stub, Cap cap) {
  switch (cap) {
    case Cap::kAvx2: return stub.AVX2;
    case Cap::kAvx512: return stub.AVX512;
    case Cap::kDefault: break;
  }
  return stub.DEFAULT;
}

// What a row calls: one operator on one capability.
struct Context {
  const OpSpec* spec;
  Cap cap;
};

// The tensors and iterators of one call's buffers. prelu's slopes apply to
// element i as slopes[i % channels]: the first channels * (n / channels)
// elements are viewed as (n / channels, channels) with the slopes broadcast
// along the first dimension, as PyTorch broadcasts a weight along a batch; the
// rest as (n % channels) against the first slopes.
struct Entry {
  const Context* context;
  const float *in, *dy;
  float* out;
  size_t n;
  const float* slopes;
  size_t channels;
  std::vector<float> weight_grad;  // prelu backward's second output
  std::vector<at::TensorIterator> iters;
};

at::Tensor Wrap(const float* p, std::vector<int64_t> shape) {
  return at::from_blob(const_cast<float*>(p), shape, at::TensorOptions().dtype(at::kFloat));
}

// The iterator(s) for `n` elements from offset `at`, shaped `shape`.
void AddIterators(Entry& e, size_t at, std::vector<int64_t> shape, const float* slopes, int64_t channels) {
  const Op op = e.context->spec->op;
  at::Tensor out = Wrap(e.out + at, shape);
  at::Tensor in = Wrap(e.in + at, shape);
  if (op == Op::kPrelu) {
    e.iters.push_back(at::TensorIteratorConfig()
                          .add_owned_output(out)
                          .add_owned_input(in)
                          .add_owned_input(Wrap(slopes, {channels}))
                          .build());
  } else if (op == Op::kPreluBackward) {
    e.iters.push_back(at::TensorIteratorConfig()
                          .add_owned_output(out)
                          .add_owned_output(Wrap(e.weight_grad.data() + at, shape))
                          .add_owned_input(in)
                          .add_owned_input(Wrap(e.dy + at, shape))
                          .add_owned_input(Wrap(slopes, {channels}))
                          .build());
  } else if (!Backward(op)) {
    e.iters.push_back(at::TensorIterator::unary_op(out, in));
  } else {
    at::Tensor dy = Wrap(e.dy + at, shape);
    // Each operator's input order: threshold_backward and leaky_relu_backward
    // take (x or y, dy), the others (dy, x or y).
    if (op == Op::kThresholdBackward || op == Op::kLeakyReluBackward)
      e.iters.push_back(at::TensorIterator::binary_op(out, in, dy));
    else
      e.iters.push_back(at::TensorIterator::binary_op(out, dy, in));
  }
}

void Build(Entry& e) {
  const Op op = e.context->spec->op;
  if (op == Op::kPreluBackward) e.weight_grad.resize(e.n);
  if (op != Op::kPrelu && op != Op::kPreluBackward) {
    AddIterators(e, 0, {static_cast<int64_t>(e.n)}, nullptr, 0);
    return;
  }
  // No channels: slope 0, as actbench's references take it.
  static const float kZero = 0.0f;
  const float* slopes = e.channels == 0 ? &kZero : e.slopes;
  const size_t c = e.channels == 0 ? 1 : e.channels;
  const size_t rows = e.n / c, rest = e.n % c;
  if (rows > 0)
    AddIterators(e, 0, {static_cast<int64_t>(rows), static_cast<int64_t>(c)}, slopes, static_cast<int64_t>(c));
  if (rest > 0) AddIterators(e, rows * c, {static_cast<int64_t>(rest)}, slopes, static_cast<int64_t>(rest));
}

void SingleThreaded() {
  thread_local const bool once = [] {
    at::set_num_threads(1);
    return true;
  }();
  (void)once;
}

Entry& EntryFor(const Context* context, const float* in, const float* dy, float* out, size_t n,
                const actbench_params* p) {
  SingleThreaded();
  thread_local std::deque<Entry> entries;  // stable addresses; few buffers at a time
  const bool prelu = context->spec->op == Op::kPrelu || context->spec->op == Op::kPreluBackward;
  const float* slopes = prelu ? p->slopes : nullptr;
  const size_t channels = prelu ? p->channels : 0;
  for (Entry& e : entries)
    if (e.context == context && e.in == in && e.dy == dy && e.out == out && e.n == n && e.slopes == slopes &&
        e.channels == channels)
      return e;
  if (entries.size() >= 16) entries.pop_front();
  entries.push_back(Entry{context, in, dy, out, n, slopes, channels, {}, {}});
  Build(entries.back());
  return entries.back();
}

// Runs `fn` (a stub's pointer) on `it` with the operator's scalars; with no
// iterator it only says whether the capability has the kernel.
template <typename Fn, typename... Scalars>
bool Run(Fn fn, at::TensorIterator* it, Scalars... scalars) {
  if (fn == nullptr) return false;
  if (it != nullptr) fn(*it, scalars...);
  return true;
}

// The one place each operator meets its stub and scalars: runs it on `it`,
// or with `it` null says whether the row's capability has the kernel.
bool Call(const Context& c, at::TensorIterator* it, const actbench_params* p) {
  namespace n = at::native;
  const Cap cap = c.cap;
  switch (c.spec->op) {
    case Op::kRelu: return Run(For(n::clamp_min_scalar_stub, cap), it, c10::Scalar(0.0));
    case Op::kLeakyRelu: return Run(For(n::leaky_relu_stub, cap), it, c10::Scalar(double{p->alpha}));
    case Op::kPrelu: return Run(For(n::prelu_cpu_stub, cap), it);
    case Op::kElu:
      return Run(For(n::elu_stub, cap), it, c10::Scalar(double{p->alpha}), c10::Scalar(1.0), c10::Scalar(1.0));
    case Op::kSigmoid: return Run(For(n::sigmoid_stub, cap), it);
    case Op::kTanh: return Run(For(n::tanh_stub, cap), it);
    case Op::kGelu: return Run(For(n::GeluKernel, cap), it, GeluType::None);
    case Op::kGeluTanh: return Run(For(n::GeluKernel, cap), it, GeluType::Tanh);
    case Op::kSilu: return Run(For(n::silu_stub, cap), it);
    case Op::kMish: return Run(For(n::mish_stub, cap), it);
    case Op::kSoftplus:
      return Run(For(n::softplus_stub, cap), it, c10::Scalar(double{p->beta}), c10::Scalar(double{p->threshold}));
    case Op::kHardsigmoid: return Run(For(n::hardsigmoid_stub, cap), it);
    case Op::kHardswish: return Run(For(n::hardswish_stub, cap), it);
    case Op::kThresholdBackward: return Run(For(n::threshold_stub, cap), it, c10::Scalar(0.0), c10::Scalar(0.0));
    case Op::kLeakyReluBackward: return Run(For(n::leaky_relu_backward_stub, cap), it, c10::Scalar(double{p->alpha}));
    case Op::kPreluBackward: return Run(For(n::prelu_backward_cpu_stub, cap), it);
    case Op::kEluBackward:
    case Op::kEluBackwardResult:
      return Run(For(n::elu_backward_stub, cap), it, c10::Scalar(double{p->alpha}), c10::Scalar(1.0), c10::Scalar(1.0),
                 c.spec->op == Op::kEluBackwardResult);
    case Op::kSigmoidBackward: return Run(For(n::sigmoid_backward_stub, cap), it);
    case Op::kTanhBackward: return Run(For(n::tanh_backward_stub, cap), it);
    case Op::kGeluBackward: return Run(For(n::GeluBackwardKernel, cap), it, GeluType::None);
    case Op::kGeluTanhBackward: return Run(For(n::GeluBackwardKernel, cap), it, GeluType::Tanh);
    case Op::kSiluBackward: return Run(For(n::silu_backward_stub, cap), it);
    case Op::kMishBackward: return Run(For(n::mish_backward_stub, cap), it);
    case Op::kSoftplusBackward:
      return Run(For(n::softplus_backward_stub, cap), it, c10::Scalar(double{p->beta}), c10::Scalar(double{p->threshold}));
    case Op::kHardsigmoidBackward: return Run(For(n::hardsigmoid_backward_stub, cap), it);
    case Op::kHardswishBackward: return Run(For(n::hardswish_backward_stub, cap), it);
  }
  return false;
}

void Kernel(void* context, const float* const* inputs, float* out, size_t n, const actbench_params* p) {
  if (n == 0) return;
  const Context* c = static_cast<const Context*>(context);
  try {
    Entry& e = EntryFor(c, inputs[0], Backward(c->spec->op) ? inputs[1] : nullptr, out, n, p);
    for (at::TensorIterator& it : e.iters) Call(*c, &it, p);
  } catch (const std::exception& ex) {
    // A kernel cannot fail through the ABI: this is a bug in this plugin.
    std::fprintf(stderr, "actbench-peer-torch: %s/%s: %s\n", c->spec->activation, c->spec->name, ex.what());
    std::abort();
  }
}

// Builds the tensors and iterators for n elements on scratch buffers: the
// cost a first call on new buffers pays (creation_ns).
int Prepare(void* context, size_t n, const actbench_params* p) {
  if (n == 0) return 0;
  try {
    // Never read or written (building reads only addresses and sizes), so
    // left uninitialised: zeroing DRAM-sized buffers would be timed too.
    const std::unique_ptr<float[]> scratch(new float[3 * n]);
    EntryFor(static_cast<const Context*>(context), scratch.get(), scratch.get() + n, scratch.get() + 2 * n, n, p);
    return 0;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "actbench-peer-torch: prepare: %s\n", ex.what());
    return 1;
  }
}

struct Rows {
  std::deque<Context> contexts;
  std::vector<actbench_plugin_variant> variants;
  actbench_plugin plugin{};
};

const Rows& BuildRows() {
  // Never freed: the rows point into it until the library is unloaded.
  static const Rows* rows = [] {
    Rows* heap = new Rows;
    Rows& r = *heap;
    struct CapRow {
      Cap cap;
      const char* target;
      uint64_t features;
    };
    // ATen's own requirements for each capability (cpu_capability).
    const CapRow caps[] = {
        {Cap::kDefault, "baseline", 0},
        {Cap::kAvx2, "AVX2", ACTBENCH_CPU_AVX2 | ACTBENCH_CPU_FMA},
        {Cap::kAvx512, "AVX3",
         ACTBENCH_CPU_AVX512F | ACTBENCH_CPU_AVX512VL | ACTBENCH_CPU_AVX512DQ | ACTBENCH_CPU_AVX512BW |
             ACTBENCH_CPU_AVX2 | ACTBENCH_CPU_FMA},
    };
    for (const OpSpec& spec : kOps) {
      for (const CapRow& cap : caps) {
        static const actbench_params kNoParams{};
        if (!Call(Context{&spec, cap.cap}, nullptr, &kNoParams)) continue;  // no kernel for this capability
        r.contexts.push_back(Context{&spec, cap.cap});
        actbench_plugin_variant v{};
        v.activation = spec.activation;
        v.name = spec.name;
        v.description = spec.description;
        v.target = cap.target;
        v.arity = Backward(spec.op) ? 2 : 1;
        v.kernel = Kernel;
        v.context = &r.contexts.back();
        v.prepare = Prepare;
        v.cpu_features = cap.features;
        v.promise_kind = ACTBENCH_PROMISE_NONE;
        v.domain_lo = -INFINITY;
        v.domain_hi = INFINITY;
        v.note = "no promise (PyTorch documents each operator's formula, not its error)";
        v.keeps_contract = 0;
        v.first_input = spec.from_output ? ACTBENCH_INPUT_Y : ACTBENCH_INPUT_X;
        r.variants.push_back(v);
      }
    }
    r.plugin.abi_version = ACTBENCH_PLUGIN_ABI_VERSION;
    r.plugin.name = "torch";
    r.plugin.variant_count = r.variants.size();
    r.plugin.variants = r.variants.data();
    r.plugin.version = ACTBENCH_TORCH_VERSION;  // the Debian package's (its headers say 1.13.0)
    return heap;
  }();
  return *rows;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const actbench_plugin* actbench_plugin() {
  return &BuildRows().plugin;
}
