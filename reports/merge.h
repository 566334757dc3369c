// Merging reports: one report across machines and targets. Rows keep their
// machine (Report::machines, ReportRow::machine; docs/report-schema.md).
#pragma once

#include <string>
#include <vector>

#include "reports/report.h"

namespace actbench {

// The identity of the hardware a report ran on: CPU model and flags, and the
// name the user gave the machine, else its host name and logical cores. Two
// runs on one machine (or on machines named alike with the same CPU) share it
// whatever their date or commit.
std::string MachineIdentity(const nlohmann::json& machine);

// Combines two results for the same row on the same machine into `into`.
// Today two whole results of one row are a conflict: it throws
// std::runtime_error naming the row and both sources. (Shards of an exhaustive
// sweep, which cover disjoint inputs of one row, are combined here.)
void CombineRowResults(ReportRow& into, const ReportRow& from, const std::string& into_source,
                       const std::string& from_source);

// Merges reports (named by `sources`, e.g. file names, for messages) into one.
// Machines are listed once per distinct description; rows keep input order.
// Throws std::runtime_error (one line) on incompatible inputs: different
// schema versions, or one row twice from one machine.
Report MergeReports(const std::vector<Report>& reports, const std::vector<std::string>& sources);

}  // namespace actbench
