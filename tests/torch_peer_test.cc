// The PyTorch peer plugin (impls/peers/torch/): each of its rows computes,
// bit for bit, what PyTorch's own operator computes on the same buffers when
// ATen runs that row's CPU capability, so the rows measure PyTorch's kernels
// with PyTorch's operand order and scalars, not something near them. Linked
// to libtorch (the program never is); one process per capability, chosen with
// ATEN_CPU_CAPABILITY before the first operator runs.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accuracy/inputs.h"
#include "accuracy/safety.h"
#include "accuracy/sweep.h"
#include "impls/plugin_loader.h"
#include "impls/variant.h"

namespace actbench {
namespace {

at::Tensor Wrap(std::vector<float>& v) { return at::from_blob(v.data(), {static_cast<int64_t>(v.size())}, at::kFloat); }

// PyTorch's operators, as autograd and nn.functional call them, on x (or y)
// and dy, with actbench's parameters.
using Op = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& dy, const Params& p)>;

at::Tensor Weights(const Params& p) {
  return at::from_blob(const_cast<float*>(p.slopes), {static_cast<int64_t>(p.channels)}, at::kFloat);
}

const std::map<std::string, Op>& Operators() {
  static const std::map<std::string, Op> ops = {
      {"relu/torch-relu", [](auto& x, auto&, auto&) { return at::relu(x); }},
      {"leaky_relu/torch-leaky-relu", [](auto& x, auto&, auto& p) { return at::leaky_relu(x, p.alpha); }},
      {"prelu/torch-prelu",
       [](auto& x, auto&, auto& p) { return at::prelu(x.view({-1, int64_t(p.channels)}), Weights(p)).view({-1}); }},
      {"elu/torch-elu", [](auto& x, auto&, auto& p) { return at::elu(x, p.alpha); }},
      {"sigmoid/torch-sigmoid", [](auto& x, auto&, auto&) { return at::sigmoid(x); }},
      {"tanh/torch-tanh", [](auto& x, auto&, auto&) { return at::tanh(x); }},
      {"gelu/torch-gelu", [](auto& x, auto&, auto&) { return at::gelu(x, "none"); }},
      {"gelu_tanh/torch-gelu-tanh", [](auto& x, auto&, auto&) { return at::gelu(x, "tanh"); }},
      {"silu/torch-silu", [](auto& x, auto&, auto&) { return at::silu(x); }},
      {"mish/torch-mish", [](auto& x, auto&, auto&) { return at::mish(x); }},
      {"softplus/torch-softplus", [](auto& x, auto&, auto& p) { return at::softplus(x, p.beta, p.threshold); }},
      {"hard_sigmoid/torch-hardsigmoid", [](auto& x, auto&, auto&) { return at::hardsigmoid(x); }},
      {"hard_swish/torch-hardswish", [](auto& x, auto&, auto&) { return at::hardswish(x); }},
      {"relu_grad/torch-threshold-backward", [](auto& y, auto& dy, auto&) { return at::threshold_backward(dy, y, 0); }},
      {"leaky_relu_grad/torch-leaky-relu-backward",
       [](auto& x, auto& dy, auto& p) { return at::leaky_relu_backward(dy, x, p.alpha, false); }},
      {"prelu_grad/torch-prelu-backward",
       [](auto& x, auto& dy, auto& p) {
         const int64_t c = static_cast<int64_t>(p.channels);
         return std::get<0>(at::prelu_backward(dy.view({-1, c}), x.view({-1, c}), Weights(p))).view({-1});
       }},
      {"elu_grad/torch-elu-backward",
       [](auto& x, auto& dy, auto& p) { return at::elu_backward(dy, p.alpha, 1, 1, false, x); }},
      {"elu_grad/torch-elu-backward-result",
       [](auto& y, auto& dy, auto& p) { return at::elu_backward(dy, p.alpha, 1, 1, true, y); }},
      {"sigmoid_grad/torch-sigmoid-backward", [](auto& y, auto& dy, auto&) { return at::sigmoid_backward(dy, y); }},
      {"tanh_grad/torch-tanh-backward", [](auto& y, auto& dy, auto&) { return at::tanh_backward(dy, y); }},
      {"gelu_grad/torch-gelu-backward", [](auto& x, auto& dy, auto&) { return at::gelu_backward(dy, x, "none"); }},
      {"gelu_tanh_grad/torch-gelu-tanh-backward",
       [](auto& x, auto& dy, auto&) { return at::gelu_backward(dy, x, "tanh"); }},
      {"silu_grad/torch-silu-backward", [](auto& x, auto& dy, auto&) { return at::silu_backward(dy, x); }},
      {"mish_grad/torch-mish-backward", [](auto& x, auto& dy, auto&) { return at::mish_backward(dy, x); }},
      {"softplus_grad/torch-softplus-backward",
       [](auto& x, auto& dy, auto& p) { return at::softplus_backward(dy, x, p.beta, p.threshold); }},
      {"hard_sigmoid_grad/torch-hardsigmoid-backward",
       [](auto& x, auto& dy, auto&) { return at::hardsigmoid_backward(dy, x); }},
      {"hard_swish_grad/torch-hardswish-backward",
       [](auto& x, auto& dy, auto&) { return at::hardswish_backward(dy, x); }},
  };
  return ops;
}

// The torch peer plugin, loaded once per process (each test runs in its own
// under CTest: the capability must be chosen before the first operator).
void LoadTorch() {
  static const bool loaded = [] {
    for (const PeerPlugin& p : FindPeerPlugins())
      if (p.library == "torch") LoadPeerPlugin(p);
    return true;
  }();
  (void)loaded;
}

bool SameBits(float a, float b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  uint32_t ua, ub;
  std::memcpy(&ua, &a, 4);
  std::memcpy(&ub, &b, 4);
  return ua == ub;
}

// Every row of `target` against PyTorch's operator in a process whose ATen
// capability is `capability`.
void CheckCapability(const char* capability, const std::string& target) {
  ::setenv("ATEN_CPU_CAPABILITY", capability, 1);
  // oneDNN off: with it, at::gelu and at::gelu_backward on contiguous float
  // tensors run oneDNN's gelu_erf (a peer row of its own), not GeluKernel.
  at::globalContext().setUserEnabledMkldnn(false);
  at::set_num_threads(1);
  LoadTorch();
  ASSERT_EQ(PeerVersion("torch").empty(), false) << "no torch peer plugin found (ACTBENCH_PEER_PLUGIN_DIR?)";

  // The quick sample (special values included), a multiple of every prelu
  // channel count used; dy random, with its own special values.
  std::vector<float> x = SampledInputs(SampleOptions::Quick());
  x.resize(x.size() / 64 * 64);
  std::vector<float> dy = RandomGradients(x.size());
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, -3e38f};
  for (size_t i = 0; i < std::size(specials); ++i) dy[i * 7] = specials[i];

  size_t checked = 0;
  for (const Variant& v : Variants()) {
    if (v.library != "torch") continue;
    const auto op = Operators().find(v.id());
    ASSERT_NE(op, Operators().end()) << v.id() << " has no operator to compare with in this test";
    const TargetKernel* k = nullptr;
    for (const TargetKernel& t : v.kernels)
      if (t.target == target) k = &t;
    ASSERT_NE(k, nullptr) << v.id() << " has no " << target << " row";
    const Params p = DefaultParams(GetActivation(v.activation));
    ASSERT_TRUE(v.activation != Act::kPrelu || p.channels == 64);
    std::vector<float> got(x.size());
    if (k->backward())
      k->Run(x.data(), dy.data(), got.data(), x.size(), p);
    else
      k->Run(x.data(), got.data(), x.size(), p);
    const at::Tensor want = op->second(Wrap(x), Wrap(dy), p).contiguous();
    ASSERT_EQ(want.numel(), static_cast<int64_t>(x.size())) << v.id();
    const float* w = want.data_ptr<float>();
    size_t differ = 0, first = 0;
    for (size_t i = 0; i < x.size(); ++i)
      if (!SameBits(got[i], w[i]) && differ++ == 0) first = i;
    EXPECT_EQ(differ, 0u) << v.id() << "@" << target << ": first at x = " << x[first] << ", dy = " << dy[first]
                          << ": row " << got[first] << ", PyTorch " << w[first];
    ++checked;
  }
  EXPECT_EQ(checked, Operators().size()) << "every operator has its row";
}

// Memory safety of every torch row this CPU runs (any n, every misalignment,
// in place, guard pages): what `actbench check` runs, in this process.
TEST(TorchPeer, EveryRowIsMemorySafe) {
  LoadTorch();
  std::vector<const Variant*> torch;
  for (const Variant& v : Variants())
    if (v.library == "torch") torch.push_back(&v);
  ASSERT_FALSE(torch.empty()) << "no torch peer plugin found";
  size_t checked = 0;
  for (const VariantTarget& vt : RunnableTargets(torch)) {
    EXPECT_EQ("", CheckSafety(vt)) << vt.label();
    ++checked;
  }
  EXPECT_GE(checked, Operators().size()) << "at least the baseline row of every operator";
}

TEST(TorchPeer, DefaultRowsArePyTorchsDefaultKernels) { CheckCapability("default", "baseline"); }

TEST(TorchPeer, Avx2RowsArePyTorchsAvx2Kernels) {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) GTEST_SKIP() << "no AVX2 + FMA here";
  CheckCapability("avx2", "AVX2");
}

TEST(TorchPeer, Avx512RowsArePyTorchsAvx512Kernels) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512vl") ||
      !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512bw"))
    GTEST_SKIP() << "no AVX-512 F, VL, DQ and BW here";
  CheckCapability("avx512", "AVX3");
}

}  // namespace
}  // namespace actbench
