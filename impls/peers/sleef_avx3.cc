// SLEEF compositions for AVX3 (Sleef_*f16_*avx512f): see sleef_kernels-inl.h.
// Compiled with this ISA's flags (CMakeLists.txt); run only where the CPU has it.
#define ACTBENCH_SLEEF_NS sleef_avx3
#define ACTBENCH_SLEEF_W 16
#define ACTBENCH_SLEEF_V __m512
#define ACTBENCH_SLEEF(f, u) Sleef_##f##f16_##u##avx512f
#include "impls/peers/sleef_kernels-inl.h"
