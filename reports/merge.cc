// Merging reports across machines.
#include "reports/merge.h"

#include <map>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "reports/combine.h"

namespace actbench {

using nlohmann::json;

std::string MachineIdentity(const json& machine) {
  std::string flags = "unknown";
  if (machine.is_object() && machine.contains("cpu") && machine["cpu"].is_object() &&
      machine["cpu"].contains("flags"))
    flags = machine["cpu"]["flags"].dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string cpu = MachineString(machine, {"cpu", "model"}) + "|" + flags;
  // A name given by the user stands for the host: the shards of one sweep run
  // on several CI runners or cluster nodes, named alike, combine (as long as
  // the CPU is the same).
  if (machine.is_object() && machine.contains("name") && machine["name"].is_string())
    return "name:" + machine["name"].get<std::string>() + "|" + cpu;
  return "host:" + MachineString(machine, {"hostname"}) + "|" + MachineString(machine, {"cpu", "logical_cores"}) +
         "|" + cpu;
}

// Two results of one row from one machine: shards of an exhaustive sweep
// (disjoint, non-empty coverage, no benchmarks) combine exactly; anything
// else is the same measurement twice, which a merge refuses.
void CombineRowResults(ReportRow& into, const ReportRow& from, const std::string& into_source,
                       const std::string& from_source) {
  const bool shards = into.accuracy && from.accuracy && !into.accuracy->coverage.empty() &&
                      !from.accuracy->coverage.empty() && into.bench.empty() && from.bench.empty();
  if (!shards)
    throw std::runtime_error(fmt::format("row {} from the same machine is in both {} and {}", from.label(),
                                         into_source, from_source));
  try {
    into.accuracy = CombineAccuracy(*into.accuracy, *from.accuracy, into.promise.max_ulp);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("cannot combine row {} of {} and {}: {}", from.label(), into_source,
                                         from_source, e.what()));
  }
}

Report MergeReports(const std::vector<Report>& reports, const std::vector<std::string>& sources) {
  if (reports.empty()) throw std::runtime_error("nothing to merge");
  if (sources.size() != reports.size()) throw std::logic_error("MergeReports: one source name per report");
  Report out;
  out.schema_version = reports.front().schema_version;
  out.config = {{"command", "merge"}, {"inputs", json::array()}};

  // Row key (machine identity + label) -> index in out.rows, and its source.
  std::map<std::pair<std::string, std::string>, std::pair<size_t, std::string>> where;
  for (size_t i = 0; i < reports.size(); ++i) {
    const Report& r = reports[i];
    if (r.schema_version != out.schema_version) {
      throw std::runtime_error(fmt::format("{} has schema_version {} but {} has {}: refusing to merge",
                                           sources[i], r.schema_version, sources.front(), out.schema_version));
    }
    out.config["inputs"].push_back({{"source", sources[i]}, {"config", r.config}});
    // This input's machine indices -> the merged report's. A machine is its
    // hardware and name (MachineIdentity), not the date or the commit of a
    // run: shards measured a second apart, or runs of other activations, on
    // one machine stay one machine (its description is the first run's).
    std::vector<size_t> remap;
    for (size_t m = 0; m < r.MachineCount(); ++m) {
      const json& desc = r.machines.empty() ? r.machine : r.machines[m];
      const std::string identity = MachineIdentity(desc);
      size_t k = 0;
      while (k < out.machines.size() && MachineIdentity(out.machines[k]) != identity) ++k;
      if (k == out.machines.size()) out.machines.push_back(desc);
      remap.push_back(k);
    }
    for (const ReportRow& row : r.rows) {
      ReportRow copy = row;
      copy.machine = remap.at(row.machine);
      const auto key = std::make_pair(MachineIdentity(out.machines[copy.machine]), copy.label());
      auto it = where.find(key);
      if (it != where.end()) {
        CombineRowResults(out.rows[it->second.first], copy, it->second.second, sources[i]);
        continue;
      }
      where.emplace(key, std::make_pair(out.rows.size(), sources[i]));
      out.rows.push_back(std::move(copy));
    }
  }
  out.machine = out.machines.front();
  // One machine after all: a plain single-machine report.
  if (out.machines.size() == 1) out.machines.clear();
  return out;
}

}  // namespace actbench
