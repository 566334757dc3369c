// actbench's built-in kernels as a product (CMake target actbench::kernels):
// look a variant up by its id, as `actbench list` and every report name it,
// and call it from your own code.
//
//   #include <actbench/kernels.h>
//   const actbench::KernelFn sigmoid = actbench::kernels::Find("sigmoid/rr2-p7-div");
//   sigmoid(in, out, n, actbench::kernels::DefaultParams("sigmoid"));
//
//   // backward: dx = dy * sigmoid'(x)
//   const actbench::GradKernelFn grad = actbench::kernels::FindGrad("sigmoid_grad/rr2-p7-f64");
//   grad(x, dy, dx, n, actbench::kernels::DefaultParams("sigmoid_grad"));
//
// `actbench pick --emit-header FILE` writes functions bound this way to the
// variants it picked (namespace actbench::picked).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actbench/actbench.h"

namespace actbench::kernels {

// The kernel of a built-in variant (families scalar and simd) for the best
// target this CPU runs (Highway's run-time dispatch), or nullptr for an
// unknown id.
KernelFn Find(std::string_view id);

// The kernel compiled for one target ("AVX3", "AVX2", "SSE4", ...,
// "baseline" for scalar variants), or nullptr when the variant has no such
// target or this CPU cannot run it.
KernelFn Find(std::string_view id, std::string_view target);

// Find(id, target) when this CPU runs that target, else Find(id): the
// variant a report pinned, dispatched at run time where the pinned target is
// missing. nullptr only for an unknown id.
KernelFn FindPreferring(std::string_view id, std::string_view target);

// The same for backward variants ("sigmoid_grad/rr2-p7-f64": dx = dy * f'(x)).
// FromOutput(id) says whether the kernel's first input is the forward output
// y = f(x) rather than x. The forward lookups above return nullptr for them.
GradKernelFn FindGrad(std::string_view id);
GradKernelFn FindGrad(std::string_view id, std::string_view target);
GradKernelFn FindGradPreferring(std::string_view id, std::string_view target);
bool FromOutput(std::string_view id);

// The ids of every built-in variant, and the targets one of them runs on
// this CPU (best first).
std::vector<std::string> Ids();
std::vector<std::string> Targets(std::string_view id);

// The activation's parameters with PyTorch's defaults (prelu: 64 channels of
// example slopes; pass your own Params for a real layer).
Params DefaultParams(std::string_view activation);

}  // namespace actbench::kernels
