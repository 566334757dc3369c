// Eigen kernels for AVX3: see eigen_kernels-inl.h. Compiled with this ISA's
// flags (CMakeLists.txt); run only where the CPU has it.
#define ACTBENCH_EIGEN_NS eigen_avx3
#define Eigen actbench_eigen_avx3
#include "impls/peers/eigen_kernels-inl.h"
