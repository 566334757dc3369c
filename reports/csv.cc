#include "reports/csv.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace actbench {

namespace {

std::string Num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);  // shortest text that reads back the same double
}

const char* const kColumns[] = {
    "machine", "activation", "variant", "target", "family", "computes", "label",
    "promise_max_ulp", "promise_domain_lo", "promise_domain_hi",
    "inputs", "max_ulp", "mean_ulp", "max_ulp_in_domain", "promise_held", "contract_pass",
    "contract_failures", "also_against", "also_max_ulp",
    "size", "n", "bytes", "elements_per_second", "bytes_per_second", "real_time_ns", "repetitions",
    "peer_library", "peer_version", "creation_ns",
};

void Line(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string RenderCsv(const Report& r) {
  std::string out;
  Line({std::begin(kColumns), std::end(kColumns)}, out);
  for (const ReportRow& row : r.rows) {
    std::vector<std::string> f = {MachineName(r.MachineOf(row)), row.activation, row.variant, row.target,
                                  row.family, row.computes, row.label(),
                                  row.promise.promised ? Num(row.promise.max_ulp) : "none",
                                  row.promise.promised ? Num(row.promise.domain_lo) : "",
                                  row.promise.promised ? Num(row.promise.domain_hi) : ""};
    if (row.accuracy) {
      const AccuracyResult& a = *row.accuracy;
      // The first second score (a gelu_tanh row against exact gelu); more are rare.
      std::string also_against, also_max;
      if (!a.also.empty()) {
        also_against = a.also.front().against;
        also_max = Num(a.also.front().max_ulp);
      }
      for (const std::string& s :
           {std::to_string(a.inputs), Num(a.error.max_ulp), Num(a.error.mean_ulp), Num(a.max_ulp_in_domain),
            std::string(!row.promise.promised ? "" : a.promise_held ? "true" : "false"), std::string(a.contract.pass ? "true" : "false"),
            std::to_string(a.contract.failures), also_against, also_max})
        f.push_back(s);
    } else {
      f.resize(f.size() + 9);
    }
    if (row.bench.empty()) {
      f.resize(f.size() + 7);
      f.push_back(row.peer_library);
      f.push_back(row.peer_version);
      f.push_back("");
      Line(f, out);
      continue;
    }
    for (const BenchResult& b : row.bench) {
      std::vector<std::string> g = f;
      for (const std::string& s :
           {b.size_label, std::to_string(b.n), std::to_string(b.bytes), Num(b.elements_per_second),
            Num(b.bytes_per_second), Num(b.real_time_ns), std::to_string(b.samples.size()), row.peer_library,
            row.peer_version, b.creation_ns > 0 ? Num(b.creation_ns) : std::string()})
        g.push_back(s);
      Line(g, out);
    }
  }
  return out;
}

}  // namespace actbench
