// A Highway kernel compiled for every target, registered with one statement:
// one row per target this CPU supports, compared per target exactly like
// actbench's own SIMD variants.
//
//   // my_kernel.cc, built like any Highway code (foreach_target.h) and
//   // linked to actbench::main, whose compile definitions give it the same
//   // targets as actbench's own kernels.
//   #undef HWY_TARGET_INCLUDE
//   #define HWY_TARGET_INCLUDE "my_kernel.cc"
//   #include <hwy/foreach_target.h>
//   #include <hwy/highway.h>
//   #include <actbench/highway.h>
//
//   HWY_BEFORE_NAMESPACE();
//   namespace mine {
//   namespace HWY_NAMESPACE {
//   void MySigmoid(const float* in, float* out, size_t n, const actbench::Params& p) { ... }
//   // or a backward kernel, registered under "sigmoid_grad/...":
//   // void MySigmoidGrad(const float* x, const float* dy, float* dx, size_t n,
//   //                    const actbench::Params& p) { ... }
//   }  // namespace HWY_NAMESPACE
//   }  // namespace mine
//   HWY_AFTER_NAMESPACE();
//
//   #if HWY_ONCE
//   namespace mine {
//   ACTBENCH_HWY_KERNEL("sigmoid/my-simd", MySigmoid)->Describe("...")->MaxUlp(4);
//   }  // namespace mine
//   #endif
//
// The statement goes where HWY_EXPORT would (it expands to HWY_EXPORT(FUNC)),
// in the namespace that holds HWY_NAMESPACE.
#pragma once

#include <hwy/highway.h>

#include "actbench/actbench.h"

// A function returning FUNC's kernel for the target Highway has chosen (the
// registry selects each target in turn). FUNC must be exported (HWY_EXPORT);
// a forward (KernelFn) or backward (GradKernelFn) kernel.
#if (HWY_TARGETS & (HWY_TARGETS - 1)) == 0
#define ACTBENCH_HWY_POINTER(FUNC) \
  []() { return HWY_DISPATCH_TABLE(FUNC)[0]; }
#else
#define ACTBENCH_HWY_POINTER(FUNC)                                                          \
  []() { return HWY_DISPATCH_TABLE(FUNC)[::hwy::GetChosenTarget().GetIndex()]; }
#endif

// HWY_EXPORT(FUNC) and its registration under `id` (activation/name);
// chain the description after it.
#define ACTBENCH_HWY_KERNEL(id, FUNC)                                                      \
  HWY_EXPORT(FUNC);                                                                        \
  [[maybe_unused]] static ::actbench::Registration* const ACTBENCH_CONCAT_(actbench_reg_,  \
                                                                           __COUNTER__) =  \
      ::actbench::RegisterHighwayKernel(id, HWY_TARGETS, ACTBENCH_HWY_POINTER(FUNC))
