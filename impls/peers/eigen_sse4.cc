// Eigen kernels for SSE4: see eigen_kernels-inl.h. Compiled with this ISA's
// flags (CMakeLists.txt); run only where the CPU has it.
#define ACTBENCH_EIGEN_NS eigen_sse4
#define Eigen actbench_eigen_sse4
#include "impls/peers/eigen_kernels-inl.h"
