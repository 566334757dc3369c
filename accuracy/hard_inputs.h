// Known-hard inputs: where exhaustive sweeps (all 2^32 inputs) found rows'
// largest errors inside their promises' domains. The default sampled set
// scores them, so a kernel change that breaks a promise at a place a sweep
// once found is caught by `make test` and by every default report, not only by
// the next exhaustive sweep. Regenerated with tools/hard_inputs.py from the
// sweeps' JSON reports (accuracy/hard_inputs.inc names them).
#pragma once

#include <vector>

namespace actbench {

const std::vector<float>& HardInputs();

}  // namespace actbench
