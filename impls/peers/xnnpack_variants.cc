// XNNPACK operators as variants (family "peer", library "xnnpack").
//
// An operator is created once per activation and parameters (alpha, or the
// PReLU slopes) with channels = 1, so one operator serves every n: a call
// sets it up for n elements (binding the pointers, as XNNPACK requires before
// every run) and runs it with a null threadpool, i.e. on the calling thread.
// Creation is the prepare hook the benchmark runs, and times, before its timed
// loop. Each thread keeps its own operators (setup/run of one operator is not
// for concurrent use).
//
// XNNPACK's microkernels may read up to one vector past the end of a buffer
// (XNN_OOB_READS): whole blocks of 16 floats go straight to the operator, the
// rest through a zero-padded block on the stack, so the kernel ABI holds
// (nothing past n is touched).
#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include <hwy/targets.h>

#include "impls/peers/peer_kernels.h"

namespace actbench {
namespace peers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kBlock = 16;  // the widest vector XNNPACK reads, in floats

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

enum class Op { kRelu, kLeakyRelu, kElu, kSigmoid, kHardSwish, kPrelu };

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "actbench: internal error: XNNPACK %s failed\n", what);
  std::abort();
}

xnn_operator_t Create(Op op, const Params& p) {
  xnn_operator_t o = nullptr;
  xnn_status s = xnn_status_success;
  switch (op) {
    case Op::kRelu:
      s = xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, std::numeric_limits<float>::infinity(), 0, &o);
      break;
    case Op::kLeakyRelu: s = xnn_create_leaky_relu_nc_f32(1, 1, 1, p.alpha, 0, &o); break;
    case Op::kElu: s = xnn_create_elu_nc_f32(1, 1, 1, p.alpha, 0, &o); break;
    case Op::kSigmoid: s = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &o); break;
    case Op::kHardSwish: s = xnn_create_hardswish_nc_f32(1, 1, 1, 0, &o); break;
    case Op::kPrelu: s = xnn_create_prelu_nc_f32(p.channels, p.channels, p.channels, p.slopes, 0, &o); break;
  }
  if (s != xnn_status_success) Fail("operator creation");
  return o;
}

// batch rows of the operator's channels (1, or the PReLU channel count).
void Run(Op op, xnn_operator_t o, size_t batch, const float* in, float* out) {
  xnn_status s = xnn_status_success;
  switch (op) {
    case Op::kRelu: s = xnn_setup_clamp_nc_f32(o, batch, in, out, nullptr); break;
    case Op::kLeakyRelu: s = xnn_setup_leaky_relu_nc_f32(o, batch, in, out, nullptr); break;
    case Op::kElu: s = xnn_setup_elu_nc_f32(o, batch, in, out, nullptr); break;
    case Op::kSigmoid: s = xnn_setup_sigmoid_nc_f32(o, batch, in, out, nullptr); break;
    case Op::kHardSwish: s = xnn_setup_hardswish_nc_f32(o, batch, in, out, nullptr); break;
    case Op::kPrelu: s = xnn_setup_prelu_nc_f32(o, batch, in, out, nullptr); break;
  }
  if (s != xnn_status_success) Fail("operator setup");
  if (xnn_run_operator(o, nullptr) != xnn_status_success) Fail("operator run");
}

class Cache {
 public:
  xnn_operator_t Get(Op op, const Params& p) {
    const bool prelu = op == Op::kPrelu;
    Key key{static_cast<int>(op), prelu ? 0.0f : p.alpha,
            prelu ? std::vector<float>(p.slopes, p.slopes + p.channels) : std::vector<float>()};
    auto it = ops_.find(key);
    if (it != ops_.end()) return it->second.get();
    if (ops_.size() >= 64) ops_.clear();
    return ops_.emplace(std::move(key), Operator(Create(op, p))).first->second.get();
  }

 private:
  using Key = std::tuple<int, float, std::vector<float>>;  // op, alpha, PReLU slopes
  std::map<Key, Operator> ops_;
};

Cache& ThreadCache() {
  thread_local Cache cache;
  return cache;
}

void Prepare(Op op, const Params& p) { ThreadCache().Get(op, p); }

void Kernel(Op op, const float* in, float* out, size_t n, const Params& p) {
  if (n == 0) return;
  xnn_operator_t o = ThreadCache().Get(op, p);
  const size_t whole = n / kBlock * kBlock;
  if (whole > 0) Run(op, o, whole, in, out);
  if (whole < n) {
    float buf[kBlock] = {};
    std::memcpy(buf, in + whole, (n - whole) * sizeof(float));
    Run(op, o, kBlock, buf, buf);
    std::memcpy(out + whole, buf, (n - whole) * sizeof(float));
  }
}

// PReLU over N x C rows: whole rows straight through when a row is whole
// blocks, else (and for a partial last row) a row at a time through a padded
// copy.
void PreluKernel(const float* in, float* out, size_t n, const Params& p) {
  if (n == 0) return;
  xnn_operator_t o = ThreadCache().Get(Op::kPrelu, p);
  const size_t c = p.channels;
  const size_t rows = n / c;
  size_t done = 0;
  if (c % kBlock == 0 && rows > 0) {
    Run(Op::kPrelu, o, rows, in, out);
    done = rows * c;
  }
  thread_local std::vector<float> row;
  row.assign(c + kBlock, 0.0f);
  while (done < n) {
    const size_t m = std::min(c, n - done);
    std::fill(row.begin(), row.end(), 0.0f);
    std::memcpy(row.data(), in + done, m * sizeof(float));
    Run(Op::kPrelu, o, 1, row.data(), row.data());
    std::memcpy(out + done, row.data(), m * sizeof(float));
    done += m;
  }
}

// Highway's name for the widest ISA this CPU has; XNNPACK picks its
// microkernels for the CPU itself (through cpuinfo).
std::string TargetName() {
  const int64_t t = hwy::SupportedTargets();
  if (t & (HWY_AVX3 | HWY_AVX3_DL)) return "AVX3";
  if (t & HWY_AVX2) return "AVX2";
  if (t & HWY_SSE4) return "SSE4";
  return "baseline";
}

// XNNPACK documents no error bound: no promise. The note keeps what the
// sampled sweep measured on one machine (AVX-512; on AVX2 XNNPACK runs other
// microkernels: 1.8e6 ULP measured for sigmoid on an AMD EPYC), a measurement,
// never held.
std::string Measured(double ulp, double lo, const char* note, bool keeps_contract, double hi = kInf) {
  char measured[256];
  std::snprintf(measured, sizeof measured, "no promise (XNNPACK documents no bound); measured %g ULP on [%g, %g]%s on an AVX-512 machine's sampled sweep; ",
                ulp, lo, hi, keeps_contract ? "" : " and a contract failure");
  return measured + std::string(note);
}

void Add(RegistrationList& list, Act act, const char* name, const char* description, Op op,
         const std::string& target, std::string measured) {
  KernelCall kernel = [op](const float* in, float* out, size_t n, const Params& p) { Kernel(op, in, out, n, p); };
  if (op == Op::kPrelu) kernel = &PreluKernel;
  RegisterPeer(list, act, name, "xnnpack", std::string("XNNPACK ") + description, std::move(kernel), target)
      ->Prepare([op](size_t, const Params& p) { Prepare(op, p); })
      ->NoPromise()
      ->Note(std::move(measured));
}

}  // namespace

void RegisterXnnpack(RegistrationList& list) {
  if (xnn_initialize(nullptr) != xnn_status_success) return;  // CPU XNNPACK cannot run on
  const std::string t = TargetName();
  Add(list, Act::kRelu, "xnnpack-clamp", "clamp_nc_f32 to [0, inf]", Op::kRelu, t,
      Measured(8388608, -kInf, "NaN in gives 0 out (a clamp); XNNPACK runs with denormals disabled, so subnormals flush to 0", false));
  Add(list, Act::kLeakyRelu, "xnnpack-leaky-relu", "leaky_relu_nc_f32", Op::kLeakyRelu, t,
      Measured(16777216, -kInf, "XNNPACK runs with denormals disabled, so subnormals flush to 0", true));
  Add(list, Act::kPrelu, "xnnpack-prelu", "prelu_nc_f32 over N x C", Op::kPrelu, t,
      Measured(16777216, -kInf,
               "XNNPACK runs with denormals disabled, so subnormals flush to 0; -inf on a "
               "zero-slope channel gives NaN (0 * -inf)",
               false));
  Add(list, Act::kElu, "xnnpack-elu", "elu_nc_f32", Op::kElu, t,
      Measured(16777216, -kInf, "XNNPACK runs with denormals disabled, so subnormals flush to 0", true));
  Add(list, Act::kSigmoid, "xnnpack-sigmoid", "sigmoid_nc_f32", Op::kSigmoid, t,
      Measured(8, -87.0, "NaN out for |x| > 4e26; outputs below 2^-126 (x < -87.3) flush to 0", false, 1e26));
  Add(list, Act::kHardSwish, "xnnpack-hardswish", "hardswish_nc_f32", Op::kHardSwish, t,
      Measured(8388608, -3.4028234663852886e38, "hard_swish(-inf) is NaN (-inf * 0); XNNPACK runs with denormals disabled, so subnormals flush to 0", false));
}

}  // namespace peers
}  // namespace actbench
