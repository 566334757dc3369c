// SLEEF compositions for SSE4 (Sleef_*f4_*sse4): see sleef_kernels-inl.h.
// Compiled with this ISA's flags (CMakeLists.txt); run only where the CPU has it.
#define ACTBENCH_SLEEF_NS sleef_sse4
#define ACTBENCH_SLEEF_W 4
#define ACTBENCH_SLEEF_V __m128
#define ACTBENCH_SLEEF(f, u) Sleef_##f##f4_##u##sse4
#include "impls/peers/sleef_kernels-inl.h"
