// What tools/cr_exceptions needs from the -cr kernels (cr_variants.cc): their
// un-patched results and which inputs fall near a midpoint, per target.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actbench/actbench.h"

namespace actbench {

// in[0, n) -> y (the double value rounded to float, no table) and
// flagged[i] = 1 where the double value lies within kCrTolerance of a
// midpoint (0 elsewhere), for parameters p (the tables are made with the
// activation's defaults).
using CrScanFn = void (*)(const float* in, float* y, uint8_t* flagged, size_t n, const Params& p);

struct CrScanKernel {
  std::string activation;  // "sigmoid", ...
  std::string variant;     // its -cr variant's name
  int64_t target;          // a HWY_* bit
  CrScanFn scan;
};

// Every -cr kernel on every target this CPU runs.
std::vector<CrScanKernel> CrScanKernels();

}  // namespace actbench
