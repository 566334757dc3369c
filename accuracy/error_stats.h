// The arithmetic of ErrorStats (accuracy/sweep.h) that the exhaustive sweep,
// its chunk scorer, the sampled sweep and reports/ (combine, merge, the JSON
// reader and writer) share: histogram bins, the quantized error sums, the
// worst-input order, and the exact combination of the stats of disjoint
// inputs (docs/exhaustive.md, "Merging shards: exact sums").
#pragma once

#include <string>
#include <vector>

#include "accuracy/sweep.h"

namespace actbench {

size_t HistogramBin(double ulp);            // ErrorStats::histogram index of an error
unsigned __int128 QuantizeUlp(double ulp);  // a finite error in units of 2^-24, capped at 2^64 ULP
double MeanFromSums(const ErrorStats& s);   // sum_ulp_q24 / finite (0 when finite == 0)
std::string U128ToString(unsigned __int128 v);
// Parses a decimal string; false when it is not one or overflows.
bool U128FromString(const std::string& s, unsigned __int128* v);

// The worst-input order: largest error first, equal errors by the smaller bit
// pattern (a total order, so a list does not depend on the order inputs are
// seen in). a ranks before (is worse than) b.
bool RanksWorse(const WorstInput& a, const WorstInput& b);
// Keeps the ErrorStats::kWorstKept worst inputs in that order.
void KeepWorst(std::vector<WorstInput>& worst, const WorstInput& w);

// Stats of no input yet, measured against `against`: the histogram and the
// per-binade maxima sized (every binade NaN: no input).
ErrorStats EmptyErrorStats(const std::string& against);

// Merges `from` into `into` (same row, disjoint inputs): maxima, sums,
// histogram, per-binade maxima, the worst inputs and mean_ulp from the exact
// sums.
void CombineErrorStatsInto(ErrorStats& into, const ErrorStats& from);

// Derives what the exact fields determine: mean_ulp from the sums, the
// above_* counts from the histogram.
void FinishErrorStats(ErrorStats& s);

}  // namespace actbench
