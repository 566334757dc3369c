// oneDNN eltwise primitives as variants (family "peer", library "onednn").
//
// A primitive is created for one algorithm, its alpha/beta and one tensor
// size, then executed as often as wanted. Each thread keeps its own cache of
// primitives (with their memory objects and stream) keyed by those, so the
// kernel ABI holds (any n: a primitive per n) and a call after prepare() only
// binds the two pointers and executes. Creation is the prepare hook the
// benchmark runs, and times, before its timed loop; oneDNN's own primitive
// cache is turned off so that cost is real creation (JIT included), not a
// hit on a primitive an earlier row made.
//
// Single-threaded: the Debian build uses OpenMP (DNNL_CPU_RUNTIME_OMP), so
// each thread sets its OpenMP thread count to 1 before its first primitive.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace {

using dnnl::algorithm;

constexpr double kInf = std::numeric_limits<double>::infinity();

// One variant: which primitive, and how the activation's Params map onto its
// alpha (beta is unused by every algorithm here).
enum class AlphaFrom { kZero, kOne, kParamsAlpha, kQuickGelu };
struct Spec {
  Act activation;
  Act computes;
  const char* name;
  algorithm alg;
  AlphaFrom alpha;
  const char* description;
  std::string measured;  // oneDNN documents no ULP bounds: no promise, this note (Measured)
};

constexpr double kLowestFloat = -3.4028234663852886e38;  // -inf excluded
// oneDNN documents no error bound: no promise. The note keeps what the
// sampled sweep measured on one machine (AVX-512), a measurement, never held.
std::string Measured(double ulp, double lo, std::string note, bool keeps_contract) {
  char measured[256];
  std::snprintf(measured, sizeof measured, "no promise (oneDNN documents no bound); measured %g ULP above %g%s on an AVX-512 machine's sampled sweep",
                ulp, lo, keeps_contract ? "" : " and a contract failure");
  return measured + (note.empty() ? std::string() : "; " + note);
}

const Spec kSpecs[] = {
    {Act::kRelu, Act::kRelu, "onednn-relu", algorithm::eltwise_relu, AlphaFrom::kZero, "eltwise_relu, alpha 0",
     Measured(0, -kInf, "NaN in gives 0 out (a max with 0)", false)},
    {Act::kLeakyRelu, Act::kLeakyRelu, "onednn-relu", algorithm::eltwise_relu, AlphaFrom::kParamsAlpha,
     "eltwise_relu with alpha = negative slope",
     Measured(0.5, -kInf, "one rounding", true)},
    {Act::kElu, Act::kElu, "onednn-elu", algorithm::eltwise_elu, AlphaFrom::kParamsAlpha, "eltwise_elu",
     Measured(16777216, -kInf, "exp(x) - 1 cancels near 0 (x = -4e-19 gives 0)", true)},
    {Act::kSigmoid, Act::kSigmoid, "onednn-logistic", algorithm::eltwise_logistic, AlphaFrom::kZero,
     "eltwise_logistic",
     Measured(8, -87.0, "outputs below 2^-126 (x < -87.3) flush to 0", true)},
    {Act::kTanh, Act::kTanh, "onednn-tanh", algorithm::eltwise_tanh, AlphaFrom::kZero, "eltwise_tanh",
     Measured(1.5, -kInf, "", true)},
    {Act::kGelu, Act::kGelu, "onednn-gelu-erf", algorithm::eltwise_gelu_erf, AlphaFrom::kZero,
     "eltwise_gelu_erf",
     Measured(16777216, kLowestFloat, "gelu(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kGeluTanh, Act::kGeluTanh, "onednn-gelu-tanh", algorithm::eltwise_gelu_tanh, AlphaFrom::kZero,
     "eltwise_gelu_tanh (the tanh-form formula)",
     Measured(16777216, kLowestFloat, "gelu_tanh(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kGelu, Act::kGeluTanh, "onednn-gelu-tanh", algorithm::eltwise_gelu_tanh, AlphaFrom::kZero,
     "eltwise_gelu_tanh: the tanh-form approximation, scored against gelu_tanh and exact gelu",
     Measured(16777216, kLowestFloat, "gelu_tanh(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kGeluSigmoid, Act::kGeluSigmoid, "onednn-swish", algorithm::eltwise_swish, AlphaFrom::kQuickGelu,
     "eltwise_swish with alpha 1.702",
     Measured(16777216, kLowestFloat, "f(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kSilu, Act::kSilu, "onednn-swish", algorithm::eltwise_swish, AlphaFrom::kOne,
     "eltwise_swish with alpha 1",
     Measured(16777216, kLowestFloat, "silu(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kMish, Act::kMish, "onednn-mish", algorithm::eltwise_mish, AlphaFrom::kZero, "eltwise_mish",
     Measured(16777216, kLowestFloat, "mish(-inf) is NaN (-inf * 0); outputs that should be tiny (large negative x) come out 0: 2^24 ULP measured", false)},
    {Act::kSoftplus, Act::kSoftplus, "onednn-soft-relu", algorithm::eltwise_soft_relu, AlphaFrom::kZero,
     "eltwise_soft_relu; beta and threshold applied around it",
     Measured(1e40, -kInf, "no useful bound: negative outputs (-1.9e-6 at x = -17.7) leave the range [0, inf], 5e39 ULP", false)},
    {Act::kHardSwish, Act::kHardSwish, "onednn-hardswish", algorithm::eltwise_hardswish, AlphaFrom::kZero,
     "eltwise_hardswish",
     Measured(8, kLowestFloat, "hard_swish(-inf) is NaN (-inf * 0)", false)},
};

float AlphaOf(AlphaFrom from, const Params& p) {
  switch (from) {
    case AlphaFrom::kZero: return 0.0f;
    case AlphaFrom::kOne: return 1.0f;
    case AlphaFrom::kParamsAlpha: return p.alpha;
    case AlphaFrom::kQuickGelu: return 1.702f;
  }
  return 0.0f;
}

struct Entry {
  dnnl::eltwise_forward primitive;
  dnnl::memory src, dst;
  std::unordered_map<int, dnnl::memory> args;
};

// Backward: eltwise_backward, given src (x) or, for the *_use_dst_for_bwd
// algorithms, dst (y), and diff_dst (dy); writes diff_src (dx).
struct BwdEntry {
  dnnl::eltwise_backward primitive;
  dnnl::memory data, diff_dst, diff_src;
  std::unordered_map<int, dnnl::memory> args;
};

// One per thread: oneDNN streams and a memory object's data handle are not
// for concurrent use.
class Cache {
 public:
  Cache() : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {}

  Entry& Get(algorithm alg, float alpha, size_t n) {
    const Key key{static_cast<int>(alg), alpha, n};
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    // Many sizes go through the tests; the benchmark needs one per size.
    if (entries_.size() >= 64) entries_.clear();
    const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(n)}, dnnl::memory::data_type::f32,
                                dnnl::memory::format_tag::a);
    const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, alg, md, alpha, 0.0f);
    const dnnl::eltwise_forward::primitive_desc pd(desc, engine_);
    Entry e{dnnl::eltwise_forward(pd), dnnl::memory(md, engine_, nullptr), dnnl::memory(md, engine_, nullptr),
            {}};
    e.args = {{DNNL_ARG_SRC, e.src}, {DNNL_ARG_DST, e.dst}};
    return entries_.emplace(key, std::move(e)).first->second;
  }

  BwdEntry& GetBackward(algorithm alg, bool use_dst, float alpha, size_t n) {
    const Key key{static_cast<int>(alg), alpha, n};
    auto it = backward_.find(key);
    if (it != backward_.end()) return it->second;
    if (backward_.size() >= 64) backward_.clear();
    const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(n)}, dnnl::memory::data_type::f32,
                                dnnl::memory::format_tag::a);
    // The backward primitive takes the forward's primitive descriptor as a hint.
    const dnnl::eltwise_forward::primitive_desc hint(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg, md, alpha, 0.0f), engine_);
    const dnnl::eltwise_backward::primitive_desc pd(dnnl::eltwise_backward::desc(alg, md, md, alpha, 0.0f), engine_,
                                                    hint);
    BwdEntry e{dnnl::eltwise_backward(pd), dnnl::memory(md, engine_, nullptr), dnnl::memory(md, engine_, nullptr),
               dnnl::memory(md, engine_, nullptr), {}};
    e.args = {{use_dst ? DNNL_ARG_DST : DNNL_ARG_SRC, e.data},
              {DNNL_ARG_DIFF_DST, e.diff_dst},
              {DNNL_ARG_DIFF_SRC, e.diff_src}};
    return backward_.emplace(key, std::move(e)).first->second;
  }

  void ExecuteBackward(BwdEntry& e, const float* data, const float* dy, float* dx) {
    e.data.set_data_handle(const_cast<float*>(data));
    e.diff_dst.set_data_handle(const_cast<float*>(dy));
    e.diff_src.set_data_handle(dx);
    e.primitive.execute(stream_, e.args);
    stream_.wait();
  }

  void Execute(Entry& e, const float* in, float* out) {
    e.src.set_data_handle(const_cast<float*>(in));
    e.dst.set_data_handle(out);
    e.primitive.execute(stream_, e.args);
    stream_.wait();
  }

  std::vector<float>& scratch() { return scratch_; }

 private:
  using Key = std::tuple<int, float, size_t>;
  dnnl::engine engine_;
  dnnl::stream stream_;
  std::map<Key, Entry> entries_;
  std::map<Key, BwdEntry> backward_;
  std::vector<float> scratch_;
};

void Setup() {
  static const bool once = [] {
    dnnl::set_primitive_cache_capacity(0);
    return true;
  }();
  (void)once;
}

Cache& ThreadCache() {
  Setup();
  thread_local const bool single = [] {
    omp_set_num_threads(1);
    return true;
  }();
  (void)single;
  thread_local Cache cache;
  return cache;
}

// softplus: beta and threshold are not oneDNN parameters (2.6 has no
// soft_relu alpha). With beta 1 and threshold >= 20 they change nothing (for
// x > 20, log1p(e^x) rounds to x), and the primitive runs alone; otherwise
// z = beta x goes through it and the result is divided by beta, x kept where
// z > threshold.
bool SoftplusNeedsWrapping(const Params& p) { return !(p.beta == 1.0f && p.threshold >= 20.0f); }

void Prepare(const Spec& s, size_t n, const Params& p) {
  if (n == 0) return;
  ThreadCache().Get(s.alg, AlphaOf(s.alpha, p), n);
}

void Kernel(const Spec& s, const float* in, float* out, size_t n, const Params& p) {
  if (n == 0) return;
  Cache& cache = ThreadCache();
  Entry& e = cache.Get(s.alg, AlphaOf(s.alpha, p), n);
  if (s.activation != Act::kSoftplus || !SoftplusNeedsWrapping(p)) {
    cache.Execute(e, in, out);
    return;
  }
  std::vector<float>& z = cache.scratch();
  z.resize(n);
  for (size_t i = 0; i < n; ++i) z[i] = p.beta * in[i];
  cache.Execute(e, z.data(), z.data());
  for (size_t i = 0; i < n; ++i) {
    const float x = in[i];  // read before out[i] is written: in place is safe
    out[i] = p.beta * x > p.threshold ? x : z[i] / p.beta;
  }
}

// Backward variants: oneDNN 2.6's eltwise backward, from x (src) or, for
// the *_use_dst_for_bwd algorithms, from y (dst), as frameworks keep one or
// the other. No promise (oneDNN documents no bound).
struct BwdSpec {
  Act activation;  // the backward activation
  const char* name;
  algorithm alg;
  bool use_dst;
  AlphaFrom alpha;
  const char* description;
};

const BwdSpec kBwdSpecs[] = {
    {Act::kReluGrad, "onednn-relu", algorithm::eltwise_relu, false, AlphaFrom::kZero, "eltwise_relu backward, alpha 0"},
    {Act::kReluGrad, "onednn-relu-use-dst", algorithm::eltwise_relu_use_dst_for_bwd, true, AlphaFrom::kZero,
     "eltwise_relu_use_dst_for_bwd backward, from y"},
    {Act::kLeakyReluGrad, "onednn-relu", algorithm::eltwise_relu, false, AlphaFrom::kParamsAlpha,
     "eltwise_relu backward, alpha = negative slope"},
    {Act::kEluGrad, "onednn-elu", algorithm::eltwise_elu, false, AlphaFrom::kParamsAlpha, "eltwise_elu backward"},
    {Act::kEluGrad, "onednn-elu-use-dst", algorithm::eltwise_elu_use_dst_for_bwd, true, AlphaFrom::kParamsAlpha,
     "eltwise_elu_use_dst_for_bwd backward, from y"},
    {Act::kTanhGrad, "onednn-tanh", algorithm::eltwise_tanh, false, AlphaFrom::kZero, "eltwise_tanh backward"},
    {Act::kTanhGrad, "onednn-tanh-use-dst", algorithm::eltwise_tanh_use_dst_for_bwd, true, AlphaFrom::kZero,
     "eltwise_tanh_use_dst_for_bwd backward, from y"},
    {Act::kSigmoidGrad, "onednn-logistic", algorithm::eltwise_logistic, false, AlphaFrom::kZero,
     "eltwise_logistic backward"},
    {Act::kSigmoidGrad, "onednn-logistic-use-dst", algorithm::eltwise_logistic_use_dst_for_bwd, true,
     AlphaFrom::kZero, "eltwise_logistic_use_dst_for_bwd backward, from y"},
    {Act::kGeluGrad, "onednn-gelu-erf", algorithm::eltwise_gelu_erf, false, AlphaFrom::kZero,
     "eltwise_gelu_erf backward"},
    {Act::kGeluTanhGrad, "onednn-gelu-tanh", algorithm::eltwise_gelu_tanh, false, AlphaFrom::kZero,
     "eltwise_gelu_tanh backward"},
    {Act::kSiluGrad, "onednn-swish", algorithm::eltwise_swish, false, AlphaFrom::kOne,
     "eltwise_swish backward, alpha 1"},
    {Act::kGeluSigmoidGrad, "onednn-swish", algorithm::eltwise_swish, false, AlphaFrom::kQuickGelu,
     "eltwise_swish backward, alpha 1.702"},
    {Act::kMishGrad, "onednn-mish", algorithm::eltwise_mish, false, AlphaFrom::kZero, "eltwise_mish backward"},
    {Act::kSoftplusGrad, "onednn-soft-relu", algorithm::eltwise_soft_relu, false, AlphaFrom::kZero,
     "eltwise_soft_relu backward; beta and threshold applied around it"},
    {Act::kHardSwishGrad, "onednn-hardswish", algorithm::eltwise_hardswish, false, AlphaFrom::kZero,
     "eltwise_hardswish backward"},
};

void PrepareBackward(const BwdSpec& s, size_t n, const Params& p) {
  if (n == 0) return;
  ThreadCache().GetBackward(s.alg, s.use_dst, AlphaOf(s.alpha, p), n);
}

void KernelBackward(const BwdSpec& s, const float* in, const float* dy, float* dx, size_t n, const Params& p) {
  if (n == 0) return;
  Cache& cache = ThreadCache();
  BwdEntry& e = cache.GetBackward(s.alg, s.use_dst, AlphaOf(s.alpha, p), n);
  if (s.activation != Act::kSoftplusGrad || !SoftplusNeedsWrapping(p)) {
    cache.ExecuteBackward(e, in, dy, dx);
    return;
  }
  // softplus'(x) = sigmoid(beta x) = soft_relu'(z), z = beta x; dy where z > threshold.
  std::vector<float>& z = cache.scratch();
  z.resize(n);
  for (size_t i = 0; i < n; ++i) z[i] = p.beta * in[i];
  std::vector<float> g(dy, dy + n);  // dx may be dy: keep the gradients
  cache.ExecuteBackward(e, z.data(), g.data(), dx);
  for (size_t i = 0; i < n; ++i)
    if (z[i] > p.threshold) dx[i] = g[i];
}

// Highway's name for the ISA oneDNN's JIT uses on this CPU.
std::string TargetName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "SSE4";
    case dnnl::cpu_isa::avx: return "AVX";
    case dnnl::cpu_isa::avx2:
    case dnnl::cpu_isa::avx2_vnni: return "AVX2";
    case dnnl::cpu_isa::avx512_core:
    case dnnl::cpu_isa::avx512_core_vnni:
    case dnnl::cpu_isa::avx512_core_bf16:
    case dnnl::cpu_isa::avx512_core_amx: return "AVX3";
    default: return "baseline";
  }
}

}  // namespace

std::string OnednnVersion() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

void RegisterOnednn(RegistrationList& list) {
  const std::string target = TargetName(dnnl::get_effective_cpu_isa());
  for (const Spec& s : kSpecs) {
    const Spec* spec = &s;  // kSpecs is static: the kernels hold a pointer
    RegisterPeer(
        list, s.activation, s.name, "onednn", std::string("oneDNN ") + s.description,
        [spec](const float* in, float* out, size_t n, const Params& p) { Kernel(*spec, in, out, n, p); }, target)
        ->Prepare([spec](size_t n, const Params& p) { Prepare(*spec, n, p); })
        ->Computes(GetActivation(s.computes).name)
        ->NoPromise()
        ->Note(s.measured);
  }
  for (const BwdSpec& s : kBwdSpecs) {
    const BwdSpec* spec = &s;
    Registration* r = RegisterPeer(
        list, s.activation, s.name, "onednn", std::string("oneDNN ") + s.description,
        [spec](const float* in, const float* dy, float* dx, size_t n, const Params& p) {
          KernelBackward(*spec, in, dy, dx, n, p);
        },
        target);
    r->Prepare([spec](size_t n, const Params& p) { PrepareBackward(*spec, n, p); })
        ->NoPromise()
        ->Note("no promise (oneDNN documents no bound)");
    if (s.use_dst) r->FromOutput();
  }
}

}  // namespace peers
}  // namespace actbench
