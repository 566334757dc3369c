// CSV of a report for spreadsheets and pandas: one flat row per
// (activation, variant, target, size), RFC 4180.
#pragma once

#include <string>

#include "reports/report.h"

namespace actbench {

// Header line first; CRLF line ends; fields holding a comma, a double quote or
// a line break are quoted, quotes doubled. A report row without benchmark
// results gives one line with empty size columns. Non-finite numbers are
// written as inf, -inf, nan.
std::string RenderCsv(const Report& r);

// One RFC 4180 field.
std::string CsvField(const std::string& s);

}  // namespace actbench
