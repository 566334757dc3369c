// `actbench accuracy --exhaustive`: option parsing, the run with a progress
// bar and clean Ctrl-C, and the Markdown section of its extra fields.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "impls/variant.h"
#include "reports/report.h"

namespace actbench::cli {

struct ExhaustiveCli {
  bool enabled = false;
  std::vector<std::string> range;  // LO HI, hex (0x...) or decimal bit patterns
  std::string shard;               // "I/N", 1 <= I <= N
  unsigned threads = 0;
};

// The bit-pattern range a run covers (after --range and --shard). Throws
// std::invalid_argument with a one-line message on bad input. Returns false
// when the shard is empty (more shards than patterns).
bool ResolveExhaustiveRange(const ExhaustiveCli& o, BitRange* out);

// Runs the sweep over the report's rows, fills their accuracy and
// report.config["exhaustive"]. Setting *stop (the caller's SIGINT/SIGTERM
// handler does) stops it cleanly: chunks in flight finish, what finished is
// kept, config says interrupted and coverage says what was covered.
void RunExhaustiveAccuracy(Report& report, const std::vector<VariantTarget>& rows, const ExhaustiveCli& o,
                           std::atomic<bool>* stop);

// Markdown for what only this run knows: the ranges covered, the reference's
// multiprecision fallbacks and the CPU time (the rows' histograms are in
// RenderMarkdown, merged reports included).
std::string ExhaustiveMarkdown(const Report& report);

}  // namespace actbench::cli
