// Markdown summary of a report, short enough for a CI job summary.
#pragma once

#include <string>

#include "reports/report.h"

namespace actbench {

std::string RenderMarkdown(const Report& r);

}  // namespace actbench
