// Memory safety of a kernel, the checks every variant is held to (the test
// suite for the built-in ones, `actbench check` and the measuring commands
// for users' and plugins'): n from 0 to 70, every start misalignment of input
// and output against a 64-byte boundary, buffers placed against PROT_NONE
// guard pages at both ends (accuracy/guarded_arena.h), out of place and in
// place, and the same bits at every offset.
#pragma once

#include <string>
#include <vector>

#include "impls/variant.h"

namespace actbench {

// Runs the checks in this process. Returns "" when the kernel passed, else
// the first difference found. A kernel that touches a guard page kills the
// process (SIGSEGV): run CheckSafetyIsolated for kernels you do not trust.
std::string CheckSafety(const VariantTarget& vt);

struct SafetyVerdict {
  std::string label;
  bool safe = false;
  std::string failure;  // empty when safe: the first difference, or the signal that killed the check
};

// CheckSafety of each row in a child process of its own, so that a kernel
// that faults or aborts is reported as unsafe instead of ending this one.
std::vector<SafetyVerdict> CheckSafetyIsolated(const std::vector<VariantTarget>& rows);

}  // namespace actbench
