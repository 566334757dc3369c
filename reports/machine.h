// A description of the machine and build a report was measured on.
#pragma once

#include <nlohmann/json.hpp>

namespace actbench {

// {cpu: {model, vendor, flags[], cores, caches{L1d, L2, L3 bytes}, mhz}, os,
//  compiler, build_type, libraries{highway, benchmark, boost, mpfr, gmp, fmt,
//  nlohmann_json, cli11}, targets{compiled[], supported[]}, git{commit, dirty},
//  date (UTC ISO 8601), hostname, actbench version}
nlohmann::json DescribeMachine();

}  // namespace actbench
