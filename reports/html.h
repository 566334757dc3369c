// The report as one self-contained HTML page: inline SVG plots drawn here, no
// script, no external resource, so it opens the same offline and in CI
// artifacts.
#pragma once

#include <string>

#include "reports/report.h"

namespace actbench {

// Machines side by side, the fastest variant within 1, 2 and 4 ULP, then per
// activation (a <section class="activation" data-activation="NAME">): a Pareto
// plot of L1 throughput against max ULP with its frontier (svg.pareto,
// path.frontier), max ULP per input binade (svg.error-vs-input), L1 throughput
// per target for each variant (svg.throughput-bars), and the full table.
std::string RenderHtml(const Report& r);

// Text escaped for HTML/XML content and attribute values.
std::string HtmlEscape(const std::string& s);

}  // namespace actbench
