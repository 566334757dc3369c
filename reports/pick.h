// Choosing a variant from a report: the fastest one per activation that meets
// an error budget. Used by `actbench pick`, and by the Markdown and HTML
// summaries ("fastest within 1, 2 and 4 ULP").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace actbench {

// L1 throughput of a row in elements/s, or nullopt when not benchmarked there.
std::optional<double> L1Throughput(const ReportRow& row);

// The row's error against its own activation: the second score when the row
// computes something else (a tanh-form gelu row is judged against exact gelu),
// else its main score. Requires row.accuracy.
const ErrorStats& ActivationError(const ReportRow& row);

struct PickRules {
  double max_ulp = 1;            // ActivationError(row).max_ulp over the whole sweep must be <= this
  bool require_promise = true;   // the row held its promise
  std::string target;            // only this target (and "baseline", which runs anywhere); empty: any
  std::optional<size_t> machine; // only rows of this machine index; nullopt: any
  std::vector<std::string> families;  // only rows of these families; empty: any
};

// Whether a row qualifies: accuracy run, contract passed, max ULP within the
// budget, promise held (when required), target and machine matching, and an
// L1 throughput measured.
bool Qualifies(const ReportRow& row, const PickRules& rules);

// The qualifying row of `activation` with the highest L1 throughput (first in
// report order on a tie), or nullptr.
const ReportRow* FastestWithin(const Report& r, const std::string& activation, const PickRules& rules);

// Activations in the order they first appear in the report.
std::vector<std::string> ReportActivations(const Report& r);

struct Pick {
  std::string activation;
  const ReportRow* row = nullptr;  // nullptr: nothing meets the budget
};

// One pick per activation (all of the report's when `activations` is empty).
// Throws std::runtime_error (one line) for an activation the report lacks, or
// a target that no row has.
std::vector<Pick> PickFastest(const Report& r, const std::vector<std::string>& activations,
                              const PickRules& rules);

// The C++ identifier naming an activation's choice: "gelu_tanh" -> "kActbenchGeluTanh".
std::string HeaderConstantName(const std::string& activation);

// A C++ header for production code: the choices' names (kActbench<Name>
// constants) and, for each choice in actbench::kernels (families scalar and
// simd), actbench::picked::<activation>(in, out, n[, params]) bound to it,
// pinned to its target and dispatched at run time where that target is
// missing; a peer or user choice is a comment saying why it cannot be bound.
std::string RenderPickHeader(const Report& r, const std::vector<Pick>& picks, const PickRules& rules);

// Table (Markdown) and JSON forms of the picks.
std::string RenderPickTable(const Report& r, const std::vector<Pick>& picks, const PickRules& rules);
nlohmann::json PickJson(const Report& r, const std::vector<Pick>& picks, const PickRules& rules);

}  // namespace actbench
