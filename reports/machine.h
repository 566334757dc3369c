// A description of the machine and build a report was measured on.
#pragma once

#include <nlohmann/json.hpp>

namespace actbench {

// {cpu: {model, vendor, flags[], hypervisor, logical_cores,
//        caches[{level, type, size, num_sharing}], mhz},
//  os: {sysname, release, machine}, hostname, compiler, build_type,
//  actbench_version, libraries: {highway, benchmark, boost, mpfr, gmp, fmt,
//  nlohmann_json}, targets: {compiled[], supported[]}, git: {commit, dirty},
//  date (UTC ISO 8601)}; the CLI adds name (--machine-name) when given. Anything that cannot be determined is "unknown"
// (git.dirty: null); it never throws. Field by field: docs/report-schema.md.
nlohmann::json DescribeMachine();

}  // namespace actbench
