// The report model: one JSON document, the source of truth that every writer
// and decider reads. Schema documented in docs/report-schema.md.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "accuracy/sweep.h"
#include "bench/bench.h"
#include "impls/variant.h"
#include "reports/output.h"  // WriteFileAtomic

namespace actbench {

// 2 added promise.promised (a row may have no promise) and the row's
// "estimate"; version 1 documents are read as version 2 (every row promised,
// no estimate named).
inline constexpr int kReportSchemaVersion = 2;

struct PromiseInfo {
  double max_ulp = 0;
  double domain_lo = 0, domain_hi = 0;  // +-inf allowed (written as strings "inf"/"-inf")
  std::string note;
  // false: the implementation documents no bound (a peer whose library
  // documents none, or a composition of library calls with no bound derived
  // in docs/peers.md): max_ulp and the domain are unused, nothing is held,
  // writers show "none". The note may still give measurements.
  bool promised = true;
};

// One row per (activation, variant, target).
struct ReportRow {
  std::string activation;
  std::string variant;      // the name after the slash ("exp-div-f32")
  std::string target;       // "baseline", "AVX3", ...
  std::string family;       // "scalar", "simd", "peer"
  // Peer rows: the library called and its version ("onednn", "2.6.3");
  // empty for our own variants.
  std::string peer_library;
  std::string peer_version;
  // User rows (family "user"): the plugin they came from (the path given to
  // --load); empty for variants compiled into the program.
  std::string plugin;
  // Memory safety (accuracy/safety.h): "test-suite" (a built-in kernel, held
  // to it by the test suite of the build), "checked" (checked by the command
  // that measured it, before measuring), "not checked" (a user row measured
  // with --no-check).
  std::string safety = "test-suite";
  std::string computes;     // the activation whose exact value the promise is against
  // Backward rows ("sigmoid_grad"): the kernel's first input, "x" or "y" (the
  // forward output, given as the correctly rounded f(x)); empty for forward rows.
  std::string first_input;
  std::string description;
  PromiseInfo promise;
  // Non-empty when the row's bits depend on an implementation-defined
  // hardware estimate ("rcpps"; see TargetKernel::estimate): its max ULP is
  // not comparable bit for bit across CPUs of different vendors.
  std::string estimate;
  std::optional<AccuracyResult> accuracy;  // absent when accuracy was not run
  std::vector<BenchResult> bench;          // empty when bench was not run
  // Index into Report::machines in a report merged across machines; 0 (the
  // report's one machine) otherwise.
  size_t machine = 0;

  std::string label() const { return activation + "/" + variant + "@" + target; }
  bool is_peer() const { return family == "peer"; }
  bool is_user() const { return family == "user"; }
  // "user" or "user, plugin libx.so", with ", not checked" when it was not:
  // how writers mark a user row.
  std::string user_text() const;
  // Whether a promise was made and the accuracy sweep broke it.
  bool promise_broken() const { return promise.promised && accuracy && !accuracy->promise_held; }
  // "oneDNN 2.6.3"-style text for a peer row; "" otherwise.
  std::string peer_text() const;
};

struct Report {
  int schema_version = kReportSchemaVersion;
  nlohmann::json machine;  // see reports/machine.h
  nlohmann::json config;   // what was run: quick, sample sizes, bench sizes, filters, timings
  std::vector<ReportRow> rows;
  // A report merged across machines (reports/merge.h) lists every machine
  // here, machines[0] == machine, and each row names its own by index. Empty
  // in a report from one run: every row is on `machine`.
  std::vector<nlohmann::json> machines;

  size_t MachineCount() const { return machines.empty() ? 1 : machines.size(); }
  // The machine a row was measured on.
  const nlohmann::json& MachineOf(const ReportRow& row) const {
    return machines.empty() ? machine : machines.at(row.machine);
  }
};

// A string field of a machine description by path ({"cpu", "model"}), or
// "unknown" when absent; non-string values are given as JSON text.
std::string MachineString(const nlohmann::json& machine, std::initializer_list<const char*> path);
// A short human name for a machine: "hostname (cpu model)".
std::string MachineName(const nlohmann::json& machine);
// Same CPU: model and flags equal (speed is comparable across such machines).
bool SameCpu(const nlohmann::json& a, const nlohmann::json& b);

// Fills the row's identity and promise from a variant compiled for one target.
ReportRow MakeRow(const VariantTarget& vt);

nlohmann::json ToJson(const Report& r);
// Throws std::runtime_error with a one-line message on a malformed document or
// a schema version this build cannot read.
Report ReportFromJson(const nlohmann::json& j);

// Reads and parses a report file; throws std::runtime_error (one line) on failure.
Report ReadReport(const std::string& path);

// One row per (machine, variant) whose accuracy compared the variant's
// targets (AccuracyResult::agreement), in report order: what the writers
// show as "bit-identical across targets".
std::vector<const ReportRow*> AgreementRows(const Report& r);

}  // namespace actbench
