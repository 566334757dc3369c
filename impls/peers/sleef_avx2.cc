// SLEEF compositions for AVX2 (Sleef_*f8_*avx2): see sleef_kernels-inl.h.
// Compiled with this ISA's flags (CMakeLists.txt); run only where the CPU has it.
#define ACTBENCH_SLEEF_NS sleef_avx2
#define ACTBENCH_SLEEF_W 8
#define ACTBENCH_SLEEF_V __m256
#define ACTBENCH_SLEEF(f, u) Sleef_##f##f8_##u##avx2
#include "impls/peers/sleef_kernels-inl.h"
