#include "cli/commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "accuracy/fast_reference.h"
#include "accuracy/hard_inputs.h"
#include "accuracy/inputs.h"
#include "cli/exhaustive_cli.h"
#include "cli/report_commands.h"
#include "cli/validators.h"
#include "accuracy/sweep.h"
#include "bench/bench.h"
#include "accuracy/safety.h"
#include "impls/plugin_loader.h"
#include "impls/variant.h"
#include "reports/csv.h"
#include "reports/html.h"
#include "reports/machine.h"
#include "reports/markdown.h"
#include "reports/output.h"
#include "reports/report.h"

namespace actbench::cli {
namespace {

// Bad input from the user: reported as one line, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// What the user selected with --activation, --variant, --target and --family.
struct Selection {
  std::vector<std::string> activations;
  std::vector<std::string> variants;
  std::vector<std::string> targets;
  std::vector<std::string> families;  // scalar, simd, peer, user
};

constexpr const char* kFamilies[] = {"scalar", "simd", "peer", "user"};

// Names and paths must not be empty ("-a relu,,sigmoid", "--json ''").
const CLI::Validator kNonEmpty(
    [](std::string& v) { return v.empty() ? std::string("an empty value is not allowed") : std::string(); },
    "", "NonEmpty");

void AddSelection(CLI::App* cmd, Selection& s) {
  cmd->add_option("--activation,-a", s.activations,
                  "Activations to include (repeat or comma-separate); default: all")
      ->delimiter(',')
      ->check(kNonEmpty);
  cmd->add_option("--variant,-v", s.variants,
                  "Variants to include, as activation/variant (repeat or comma-separate)")
      ->delimiter(',')
      ->check(kNonEmpty);
  cmd->add_option("--target,-t", s.targets,
                  "CPU targets to include, e.g. AVX3, AVX2, SSE4, EMU128, baseline")
      ->delimiter(',')
      ->check(kNonEmpty);
  cmd->add_option("--family", s.families,
                  "Variant families to include: scalar (libm), simd (ours, Highway), peer (other libraries), "
                  "user (registered by this program or loaded with --load); default: all")
      ->delimiter(',')
      ->check(kNonEmpty);
}

// --load LIB.so (repeatable) on every command that reads the registry.
void AddLoad(CLI::App* cmd, std::vector<std::string>& paths) {
  cmd->add_option("--load", paths,
                  "Load the variants of a plugin (a shared library, include/actbench/plugin.h); repeatable")
      ->check(kNonEmpty);
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// An unknown variant id: the closest ids (did you mean), else those of its
// activation, else where to find them all.
std::string UnknownVariant(const std::string& id) {
  std::vector<std::pair<size_t, std::string>> close;
  for (const Variant& v : Variants()) {
    const std::string known = v.id();
    const size_t d = EditDistance(id, known);
    if (d <= std::max<size_t>(2, id.size() / 4)) close.push_back({d, known});
  }
  std::sort(close.begin(), close.end());
  if (close.size() > 3) close.resize(3);
  std::string msg = fmt::format("unknown variant '{}'", id);
  if (!close.empty()) {
    std::vector<std::string> names;
    for (const auto& c : close) names.push_back(c.second);
    return msg + fmt::format(" (did you mean {}? actbench list shows them all)", Join(names));
  }
  const Activation* a = FindActivation(id.substr(0, id.find('/')));
  if (a != nullptr) {
    std::vector<std::string> same;
    for (const Variant& v : Variants())
      if (v.activation == a->id) same.push_back(v.id());
    return msg + fmt::format(" ({} has: {})", a->name, Join(same));
  }
  return msg + " (variants are activation/name; actbench list shows them all)";
}

// A target name as the user typed it, in the case Highway writes it
// ("avx2" -> "AVX2"); unchanged when no compiled target matches.
std::string CanonicalTarget(const std::string& t, const std::set<std::string>& known) {
  for (const std::string& k : known)
    if (k.size() == t.size() &&
        std::equal(k.begin(), k.end(), t.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return k;
  return t;
}

std::set<std::string> CompiledTargets() {
  std::set<std::string> all;
  for (const Variant& v : Variants())
    for (const TargetKernel& k : v.kernels) all.insert(k.target);
  all.insert("baseline");
  return all;
}

// A compiled target this CPU runs; UsageError otherwise.
void CheckTarget(const std::string& t, const std::set<std::string>& all_targets) {
  const std::vector<std::string> supported = SupportedTargetNames();
  if (!all_targets.count(t))
    throw UsageError(fmt::format("unknown target '{}' (compiled: {})", t, Join({all_targets.begin(), all_targets.end()})));
  if (std::find(supported.begin(), supported.end(), t) == supported.end())
    throw UsageError(fmt::format("target '{}' is not supported by this CPU (supported: {})", t, Join(supported)));
}

// The targets of a variant this CPU runs, as text.
std::string RunnableTargetsOf(const Variant& v) {
  std::vector<std::string> t;
  for (const TargetKernel& k : v.kernels)
    if (TargetSupported(k)) t.push_back(k.target);
  return t.empty() ? "none on this CPU" : Join(t);
}

// The (variant, target) rows the selection names, on targets this CPU runs.
// -v takes a variant (activation/name) or a row as every report names it
// (activation/name@target); target names ignore case.
std::vector<VariantTarget> SelectRows(const Selection& s) {
  std::set<Act> acts;
  for (const std::string& name : s.activations) {
    const Activation* a = FindActivation(name);
    if (!a) throw UsageError(fmt::format("unknown activation '{}' (known: {})", name, ActivationNames()));
    acts.insert(a->id);
  }
  const std::set<std::string> all_targets = CompiledTargets();
  std::map<const Variant*, std::set<std::string>> named;  // variant -> its targets named with @ (empty: all)
  for (const std::string& given : s.variants) {
    const size_t at = given.find('@');
    const std::string id = given.substr(0, at);
    const Variant* v = FindVariant(id);
    if (!v) throw UsageError(UnknownVariant(id));
    std::set<std::string>& targets = named[v];
    if (at == std::string::npos) {
      targets.insert("*");
      continue;
    }
    const std::string t = CanonicalTarget(given.substr(at + 1), all_targets);
    bool has = false;
    for (const TargetKernel& k : v->kernels) has = has || k.target == t;
    if (!has)
      throw UsageError(fmt::format("{} has no target '{}' (its targets on this CPU: {})", id, given.substr(at + 1),
                                   RunnableTargetsOf(*v)));
    CheckTarget(t, all_targets);
    targets.insert(t);
  }
  std::vector<std::string> targets;
  for (const std::string& given : s.targets) {
    targets.push_back(CanonicalTarget(given, all_targets));
    CheckTarget(targets.back(), all_targets);
  }
  for (const std::string& f : s.families) {
    if (std::find(std::begin(kFamilies), std::end(kFamilies), f) == std::end(kFamilies))
      throw UsageError(
          fmt::format("unknown family '{}' (known: {})", f, Join({std::begin(kFamilies), std::end(kFamilies)})));
  }
  std::vector<const Variant*> chosen;
  for (const Variant& v : Variants()) {
    if (!acts.empty() && !acts.count(v.activation)) continue;
    if (!named.empty() && !named.count(&v)) continue;
    if (!s.families.empty() && std::find(s.families.begin(), s.families.end(), v.family) == s.families.end())
      continue;
    chosen.push_back(&v);
  }
  std::vector<VariantTarget> rows;
  for (const VariantTarget& vt : RunnableTargets(chosen)) {
    if (!targets.empty() && std::find(targets.begin(), targets.end(), vt.kernel->target) == targets.end()) continue;
    if (!named.empty()) {
      const std::set<std::string>& at = named.at(vt.variant);
      if (!at.count("*") && !at.count(vt.kernel->target)) continue;
    }
    rows.push_back(vt);
  }
  if (rows.empty()) throw UsageError("the selection matches no variant runnable on this CPU");
  return rows;
}

// Whether a selection can include rows of a peer plugin's library, known
// before loading it: the peers family is selected (or every family), and
// either no variant is named or one is named "<library>-..." (a peer plugin's
// variant names all start so; impls/plugin_loader.h).
bool MayInclude(const Selection& s, const std::string& library) {
  if (!s.families.empty() && std::find(s.families.begin(), s.families.end(), "peer") == s.families.end())
    return false;
  if (s.variants.empty()) return true;
  for (const std::string& given : s.variants) {
    const size_t slash = given.find('/');
    const std::string name = slash == std::string::npos ? "" : given.substr(slash + 1, given.find('@') - slash - 1);
    if (name.rfind(library + "-", 0) == 0) return true;
  }
  return false;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Accuracy of every row on the sampled set: one reference pass per activation.
void RunAccuracy(std::vector<ReportRow>& report_rows, const std::vector<VariantTarget>& rows,
                 bool quick, nlohmann::json& config) {
  const auto start = std::chrono::steady_clock::now();
  const SampleOptions o = quick ? SampleOptions::Quick() : SampleOptions{};
  ReferenceCache refs(SampledInputs(o));
  config["accuracy"] = {{"stride_samples", o.stride_samples},
                        {"dense_samples", o.dense_samples},
                        {"dense_limit", o.dense_limit},
                        {"special_values", SpecialValues().size()},
                        {"hard_inputs", o.hard_inputs ? HardInputs().size() : 0},
                        {"inputs", refs.inputs().size()}};
  // Per variant, until its last row: the first row's outputs and the inputs
  // where a later target's bits differ (the rows' agreement).
  struct Agreement {
    size_t left = 0;
    std::vector<float> first;
    std::vector<uint8_t> diff;
    std::vector<size_t> rows;
  };
  std::map<const Variant*, Agreement> agreement;
  for (const VariantTarget& vt : rows) ++agreement[vt.variant].left;
  for (size_t i = 0; i < rows.size(); ++i) {
    const VariantTarget& vt = rows[i];
    std::fprintf(stderr, "accuracy %zu/%zu %s\n", i + 1, rows.size(), vt.label().c_str());
    const Params p = DefaultParams(GetActivation(vt.variant->activation));
    std::vector<float> out;
    report_rows[i].accuracy = EvaluateAccuracy(vt, p, refs, &out);
    Agreement& g = agreement[vt.variant];
    if (g.rows.empty()) {
      g.first = std::move(out);
      g.diff.assign(g.first.size(), 0);
    } else {
      MarkDifferingBits(g.first.data(), out.data(), g.first.size(), g.diff.data());
    }
    g.rows.push_back(i);
    if (--g.left > 0) continue;
    TargetAgreement a;
    for (size_t k : g.rows) a.targets.push_back(rows[k].kernel->target);
    if (a.compared()) {
      a.inputs = g.first.size();
      for (uint8_t d : g.diff) a.differing += d;
      for (size_t k : g.rows) report_rows[k].accuracy->agreement = a;
    }
    agreement.erase(vt.variant);
  }
  config["accuracy"]["seconds"] = Seconds(start);
}

// Repetitions a side that let compare's exact U test reach alpha 0.05 (1/252
// at 5 against 5; 3 against 3 can never go below 0.05): run and bench time
// every (row, size) kDefaultRepetitions times unless --benchmark_repetitions
// says otherwise, each for --min-time (kDefaultMinTime: about as long in all
// as one repetition of 0.1 s was), and print only the aggregates.
constexpr int kDefaultRepetitions = 5;
constexpr double kDefaultMinTime = 0.02;

std::vector<std::string> WithDefaultRepetitions(std::vector<std::string> args) {
  auto given = [&](const char* flag) {
    for (const std::string& a : args)
      if (a.rfind(flag, 0) == 0) return true;
    return false;
  };
  if (!given("--benchmark_repetitions")) {
    args.push_back("--benchmark_repetitions=" + std::to_string(kDefaultRepetitions));
    if (!given("--benchmark_display_aggregates_only") && !given("--benchmark_report_aggregates_only"))
      args.push_back("--benchmark_display_aggregates_only=true");
  }
  return args;
}

void RunBench(std::vector<ReportRow>& report_rows, const std::vector<VariantTarget>& rows,
              bool quick, double min_time, const std::vector<std::string>& benchmark_args,
              nlohmann::json& config) {
  const auto start = std::chrono::steady_clock::now();
  BenchOptions o;
  o.sizes = DefaultBenchSizes(quick);
  o.benchmark_args = WithDefaultRepetitions(benchmark_args);
  o.min_time = min_time;
  std::vector<BenchResult> results;
  try {
    results = RunBenchmarks(rows, o);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  for (ReportRow& r : report_rows)
    for (const BenchResult& b : results)
      if (b.label == r.label()) r.bench.push_back(b);
  nlohmann::json sizes = nlohmann::json::array();
  for (const BenchSize& s : o.sizes) sizes.push_back({{"label", s.label}, {"n", s.n}});
  config["bench"] = {{"sizes", sizes}, {"min_time", min_time}, {"benchmark_args", o.benchmark_args},
                     {"seconds", Seconds(start)}};
}

// Outputs are checked before anything is measured (reports/output.h); a
// refusal is bad input: one line, exit 2.
void CheckOutput(const std::string& flag, const std::string& path) {
  try {
    CheckOutputFile(flag, path);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

struct Common {
  Selection sel;
  bool quick = false;
  double min_time = kDefaultMinTime;
  std::string out_dir = "out";
  std::string json_path;
  std::string machine_name;  // --machine-name, else $ACTBENCH_MACHINE_NAME
  bool no_check = false;     // --no-check: measure users' kernels without the safety check
  ExhaustiveCli exhaustive;  // accuracy --exhaustive (cli/exhaustive_cli.h)
};

Report NewReport(const std::vector<VariantTarget>& rows, const Common& c, const std::string& command) {
  Report r;
  r.machine = DescribeMachine();
  std::string name = c.machine_name;
  if (name.empty()) {
    const char* env = std::getenv("ACTBENCH_MACHINE_NAME");
    if (env) name = env;
  }
  if (!name.empty()) r.machine["name"] = name;
  r.config = {{"command", command}, {"quick", c.quick},
              {"selection", {{"activations", c.sel.activations}, {"variants", c.sel.variants},
                             {"targets", c.sel.targets}, {"families", c.sel.families}}}};
  for (const VariantTarget& vt : rows) r.rows.push_back(MakeRow(vt));
  return r;
}

int List(bool json, const Selection& sel) {
  const std::vector<VariantTarget> rows = SelectRows(sel);
  if (json) {
    nlohmann::json j;
    j["activations"] = nlohmann::json::array();
    for (const Activation& a : Activations()) {
      nlohmann::json params = nlohmann::json::object();
      for (const ParamSpec& p : a.params) params[p.name] = p.default_value;
      nlohmann::json act = {{"name", a.name}, {"formula", a.formula}, {"params", params},
                            {"approximates", a.approximates}, {"arity", a.arity()}};
      if (a.backward) act["forward"] = GetActivation(a.forward).name;
      j["activations"].push_back(std::move(act));
    }
    j["variants"] = nlohmann::json::array();
    for (const VariantTarget& vt : rows) {
      const Variant& v = *vt.variant;
      nlohmann::json row = {{"id", v.id()}, {"target", vt.kernel->target}, {"family", v.family},
                            {"computes", GetActivation(v.computes).name},
                            {"description", v.description},
                            {"promised", vt.promised()},
                            {"estimate", vt.kernel->estimate}};
      if (vt.promised()) row["promise_max_ulp"] = vt.promised_ulp();
      if (!v.library.empty()) row["library"] = v.library;
      if (GetActivation(v.activation).backward) row["first_input"] = v.from_output ? "y" : "x";
      j["variants"].push_back(std::move(row));
    }
    j["targets"] = SupportedTargetNames();
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "Activations:\n";
  for (const Activation& a : Activations()) std::cout << fmt::format("  {:<17} {}\n", a.name, a.formula);
  std::cout << "\nVariants (activation/variant@target, promise):\n";
  for (const VariantTarget& vt : rows)
    std::cout << fmt::format("  {:<42} {}  {}{}\n", vt.label(),
                             vt.promised() ? fmt::format("<= {} ULP", vt.promised_ulp()) : std::string("no promise"),
                             vt.variant->description,
                             vt.kernel->estimate.empty() ? "" : " [bits depend on " + vt.kernel->estimate + " here]");
  std::cout << "\nTargets supported here: " << Join(SupportedTargetNames()) << "\n";
  return 0;
}

// Ctrl-C (SIGINT) or SIGTERM stops the program at once, wherever it is: the
// handler removes the temporary file of the report being written, if any
// (WriteFileAtomic's "<path>.tmp.<pid>"; cli_hardening_test checks none is
// left), so every earlier report stays exactly as it was, and exits 128 +
// the signal with one line. Only async-signal-safe calls in the handler.
//
// An exhaustive sweep (g_soft_stop set) stops softly instead: the first
// SIGINT or SIGTERM (Ctrl-C, a batch system's time limit, a CI job's cancel)
// only sets the sweep's stop flag, so that chunks in flight finish and the
// report of what finished is written; the program then exits 128 + the
// signal. A second signal quits at once, unless it comes within kRepeatNs
// of the first: timeout(1) and a kill of the process group deliver one
// request twice (to the process and to its group). The handler is installed
// with SA_RESTART (a soft stop returns, and a write it interrupted must go
// on) and with both signals blocked while it runs; a process-directed
// signal can still run it on two threads at once, so the first request is
// claimed with a compare-and-swap.
constexpr size_t kMaxPath = 4096;
constexpr int64_t kRepeatNs = 500'000'000;
char g_temp[kMaxPath];
volatile std::sig_atomic_t g_temp_set = 0;
std::atomic<bool>* volatile g_soft_stop = nullptr;
std::atomic<int> g_stop_signal{0};  // the signal that asked for the soft stop
std::atomic<int64_t> g_stop_ns{0};  // when (CLOCK_MONOTONIC)
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<int64_t>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

int64_t MonotonicNs() {
  struct timespec t;
  ::clock_gettime(CLOCK_MONOTONIC, &t);  // async-signal-safe
  return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

void StopOnSignal(int sig) {
  if (g_soft_stop != nullptr) {
    const int64_t now = MonotonicNs();
    if (g_stop_signal.load() == 0) {
      g_stop_ns.store(now);  // before the claim: a racing repeat then sees a recent time
      int expected = 0;
      if (g_stop_signal.compare_exchange_strong(expected, sig)) {
        g_soft_stop->store(true);
        return;
      }
    }
    if (now - g_stop_ns.load() < kRepeatNs) return;
  }
  if (g_temp_set) ::unlink(g_temp);
  static const char kMsg[] = "actbench: error: interrupted; earlier reports are left as they were\n";
  if (::write(STDERR_FILENO, kMsg, sizeof kMsg - 1) < 0) {
  }
  ::_exit(128 + sig);
}

void StopCleanlyOnSignals() {
  struct sigaction sa = {};
  sa.sa_handler = StopOnSignal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

// WriteFileAtomic under the handler's watch.
void WriteWatched(const std::string& path, const std::string& text) {
  const std::string tmp = AtomicTemporaryFor(path);
  g_temp_set = 0;
  if (!tmp.empty() && tmp.size() < kMaxPath) {
    std::memcpy(g_temp, tmp.c_str(), tmp.size() + 1);
    g_temp_set = 1;
  }
  WriteFileAtomic(path, text);  // removes its temporary file when it throws
  g_temp_set = 0;
}

std::vector<float> ReadFloats(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw UsageError(fmt::format("{}: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{}: is a directory", path));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw UsageError(fmt::format("{}: cannot open for reading", path));
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() % sizeof(float) != 0)
    throw UsageError(fmt::format("{}: {} bytes is not a whole number of float32 values", path,
                                 bytes.size()));
  std::vector<float> v(bytes.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());  // little-endian host
  return v;
}

int Eval(const std::string& given_id, const std::string& given_target, const std::string& in_path,
         const std::string* dy_path, const std::string& out_path) {
  // -v activation/name or activation/name@target (a row label), -t in any case.
  const size_t at = given_id.find('@');
  const std::string id = given_id.substr(0, at);
  const std::set<std::string> compiled = CompiledTargets();
  std::string target = CanonicalTarget(given_target, compiled);
  if (at != std::string::npos) {
    const std::string row_target = CanonicalTarget(given_id.substr(at + 1), compiled);
    if (!target.empty() && target != row_target)
      throw UsageError(fmt::format("-v {} names target {}, and -t {} another", given_id, row_target, given_target));
    target = row_target;
  }
  const Variant* v = FindVariant(id);
  if (!v) throw UsageError(UnknownVariant(id));
  const TargetKernel* k = nullptr;
  for (const TargetKernel& c : v->kernels) {
    if (!TargetSupported(c)) continue;
    if (target.empty() || c.target == target) {
      k = &c;
      break;
    }
  }
  if (!k)
    throw UsageError(fmt::format("{} has no kernel for target '{}' on this CPU (its targets here: {})", id, target,
                                 RunnableTargetsOf(*v)));
  const Activation& act = GetActivation(v->activation);
  if (dy_path != nullptr && !act.backward)
    throw UsageError(fmt::format("--dy is for backward variants ({} is forward; its backward is {})", id,
                                 GradOf(act.id).name));
  CheckOutput("--out", out_path);
  std::vector<float> x = ReadFloats(in_path);
  const Params p = DefaultParams(act);
  if (act.backward) {
    // dy from --dy (one per x), else 1; a from-output kernel is given the
    // correctly rounded f(x) in place of x.
    if (dy_path != nullptr && dy_path->empty()) throw UsageError("--dy needs a file of float32 values");
    std::vector<float> dy = dy_path == nullptr ? std::vector<float>(x.size(), 1.0f) : ReadFloats(*dy_path);
    if (dy.size() != x.size())
      throw UsageError(fmt::format("--dy {} holds {} values and --in {} holds {}: one dy per x", *dy_path,
                                   dy.size(), in_path, x.size()));
    StopCleanlyOnSignals();
    if (v->from_output) {
      for (size_t i = 0; i < x.size(); ++i) {
        bool fell_back;
        x[i] = ZivReference(act.forward, x[i], DefaultParams(GetActivation(act.forward)), i, &fell_back).rounded;
      }
    }
    k->Run(x.data(), dy.data(), dy.data(), x.size(), p);  // in place on dx == dy, as the contract allows
    x.swap(dy);  // the output
  } else {
    StopCleanlyOnSignals();
    k->Run(x.data(), x.data(), x.size(), p);
  }
  try {
    WriteWatched(out_path, std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float)));
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  std::fprintf(stderr, "%s@%s: %zu values -> %s\n", id.c_str(), k->target.c_str(), x.size(), out_path.c_str());
  return 0;
}

// Writes the reports of a measuring command: the JSON first (it holds
// everything; the other files are renderings of it), to --json and, for run,
// to OUT/report.json, then OUT's renderings. Measurements are never lost to a
// failed write (a disk that filled while measuring, a device that refuses):
// the error names where the whole report is, a JSON that was written or a
// copy rescued to $TMPDIR.
template <typename Renderings>
void WriteReports(bool run, const Common& c, const std::string& json, Renderings renderings) {
  std::string safe;  // a file that holds the whole report
  // The error of a failed write, with where the whole report is.
  auto failed = [&](const std::runtime_error& e) {
    const std::string where = safe.empty() ? RescueOutput("report.json", json) : safe;
    return UsageError(where.empty() ? fmt::format("{}; the report could not be saved anywhere else", e.what())
                                    : fmt::format("{}; the whole report (JSON) is in {}", e.what(), where));
  };
  auto write = [&](const std::string& path, const std::string& text) {
    try {
      WriteWatched(path, text);
    } catch (const std::runtime_error& e) {
      throw failed(e);
    }
    if (&text == &json) safe = path;
  };
  if (run) {
    try {
      EnsureOutputDirectory("--out", c.out_dir);
    } catch (const std::runtime_error& e) {
      throw failed(e);
    }
    write(c.out_dir + "/report.json", json);
  }
  if (!c.json_path.empty()) write(c.json_path, json);
  if (run)
    for (const auto& [name, text] : renderings()) write(c.out_dir + "/" + name, text);
}

// actbench check: the memory-safety checks of the test suite, on any
// selection, each row in a child process (a fault marks the row unsafe).
int Check(const Selection& sel) {
  const std::vector<VariantTarget> rows = SelectRows(sel);
  size_t unsafe = 0;
  for (const SafetyVerdict& v : CheckSafetyIsolated(rows)) {
    if (v.safe) {
      std::cout << fmt::format("safe    {}\n", v.label);
    } else {
      ++unsafe;
      std::cout << fmt::format("UNSAFE  {}: {}\n", v.label, OneLine(v.failure));
    }
  }
  std::cout << fmt::format("{} rows checked (n = 0..70, every misalignment, guard pages at both ends, in place, "
                           "every offset): {} unsafe\n",
                           rows.size(), unsafe);
  return unsafe == 0 ? 0 : 1;
}

// accuracy, bench and run share one shape: select, measure, report.
int Measure(const std::string& command, const Common& c, const std::vector<std::string>& benchmark_args) {
  const bool accuracy = command != "bench", bench = command != "accuracy";
  const std::vector<VariantTarget> rows = SelectRows(c.sel);
  // Everything that can be refused is refused before minutes of measuring.
  try {
    if (command == "run") CheckOutputDirectory("--out", c.out_dir);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  if (!c.json_path.empty()) CheckOutput("--json", c.json_path);
  // Before ReadBenchmarkFlags, whose validation opens the file (as the library would).
  for (const std::string& arg : benchmark_args)
    if (arg.rfind("--benchmark_out=", 0) == 0) CheckOutput("--benchmark_out", arg.substr(16));
  if (accuracy) {
    BitRange probe;
    try {
      ResolveExhaustiveRange(c.exhaustive, &probe);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (bench) {
    BenchOptions probe;
    probe.sizes = DefaultBenchSizes(c.quick);
    probe.benchmark_args = WithDefaultRepetitions(benchmark_args);
    probe.min_time = c.min_time;
    std::vector<std::string> names;
    BenchmarkFlags flags;
    try {
      flags = ReadBenchmarkFlags(probe);
      ValidateBenchmarkArgs(probe);
      names = SelectedBenchmarks(rows, probe);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    // --benchmark_list_tests: the names, and nothing measured or written.
    if (flags.list_tests) {
      for (const std::string& n : names) std::cout << n << "\n";
      return 0;
    }
    if (names.empty())
      throw UsageError(fmt::format(
          "--benchmark_filter={} matches no benchmark of the selection (names look like {}/{}/real_time)",
          flags.filter, rows.front().label(), probe.sizes.front().label));
    // bench prints its report on stdout: Google Benchmark's JSON or CSV there
    // would make both unreadable.
    const std::string& format = flags.format;
    if (command == "bench" && format != "console")
      throw UsageError(fmt::format(
          "--benchmark_format={}: bench prints its Markdown report on stdout; write Google Benchmark's {} to a "
          "file with --benchmark_out=FILE --benchmark_out_format={} (run's stdout is Google Benchmark's alone)",
          format, format, format));
  }
  // Users' kernels are checked for memory safety before anything is
  // measured: one that writes past n would corrupt the measurements.
  std::vector<VariantTarget> unchecked;
  for (const VariantTarget& vt : rows)
    if (vt.variant->family == "user") unchecked.push_back(vt);
  std::set<std::string> checked;
  if (!unchecked.empty() && !c.no_check) {
    for (const SafetyVerdict& v : CheckSafetyIsolated(unchecked)) {
      if (!v.safe)
        throw UsageError(fmt::format("{} is unsafe: {} (actbench check shows every row; --no-check measures it anyway)",
                                     v.label, v.failure));
      checked.insert(v.label);
    }
  }
  // A stop asked for before the sweep starts makes it cover nothing (an
  // empty report that says so), not lose the report.
  static std::atomic<bool> sweep_stop{false};
  if (accuracy && c.exhaustive.enabled) g_soft_stop = &sweep_stop;
  StopCleanlyOnSignals();
  const auto start = std::chrono::steady_clock::now();
  Report report = NewReport(rows, c, command);
  for (ReportRow& r : report.rows)
    if (checked.count(r.label())) r.safety = "checked";
  if (accuracy && c.exhaustive.enabled)
    RunExhaustiveAccuracy(report, rows, c.exhaustive, &sweep_stop);
  else if (accuracy)
    RunAccuracy(report.rows, rows, c.quick, report.config);
  if (bench) RunBench(report.rows, rows, c.quick, c.min_time, benchmark_args, report.config);
  report.config["seconds"] = Seconds(start);
  std::string md = RenderMarkdown(report);
  if (c.exhaustive.enabled) md += ExhaustiveMarkdown(report);
  const std::string json = ToJson(report).dump(2) + "\n";
  if (command != "run") std::cout << md;
  WriteReports(command == "run", c, json, [&] {
    return std::vector<std::pair<std::string, std::string>>{{"report.md", md},
                                                            {"report.csv", RenderCsv(report)},
                                                            {"report.html", RenderHtml(report)}};
  });
  if (command == "run") {
    const char* d = c.out_dir.c_str();
    std::fprintf(stderr, "wrote %s/report.json, %s/report.md, %s/report.csv and %s/report.html (%.1f s)\n", d, d,
                 d, d, Seconds(start));
  }
  // A stop was asked for (at any point of the command): the report says what
  // the sweep covered, and the exit status says it was stopped.
  if (g_stop_signal.load() != 0) return 128 + g_stop_signal.load();
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  // --benchmark_* flags go to Google Benchmark untouched.
  std::vector<std::string> benchmark_args;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strncmp(argv[i], "--benchmark_", 12) == 0)
      benchmark_args.push_back(argv[i]);
    else
      args.push_back(argv[i]);
  }

  CLI::App app{"actbench: accuracy and speed of neural-network activation kernels"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "actbench " ACTBENCH_VERSION);

  bool list_json = false;
  Selection list_sel;
  std::vector<std::string> loads;  // --load, on every command that reads the registry
  CLI::App* list = app.add_subcommand("list", "List activations, variants and CPU targets");
  list->add_flag("--json", list_json, "Print as JSON");
  AddSelection(list, list_sel);
  AddLoad(list, loads);

  Selection check_sel;
  CLI::App* check = app.add_subcommand(
      "check", "Memory safety of kernels (any n, alignment, in place, guard pages); exit 1 when a row is unsafe");
  AddSelection(check, check_sel);
  AddLoad(check, loads);

  Common c;
  std::map<std::string, CLI::App*> measure;
  const std::pair<const char*, const char*> kinds[] = {
      {"accuracy", "Sampled accuracy sweep against correctly rounded references"},
      {"bench", "Throughput at L1, L2 and DRAM sizes (Google Benchmark; --benchmark_* flags pass through)"},
      {"run", "Accuracy + bench, written to OUT/report.json, .md, .csv and .html (--benchmark_* flags pass through)"}};
  for (const auto& [name, help] : kinds) {
    CLI::App* cmd = app.add_subcommand(name, help);
    AddSelection(cmd, c.sel);
    AddLoad(cmd, loads);
    cmd->add_flag("--no-check", c.no_check,
                  "Measure user rows without the memory-safety check (their rows say \"not checked\")");
    cmd->add_flag("--quick", c.quick, "CI-sized run: fewer samples, smaller DRAM size");
    if (std::string(name) != "accuracy")
      cmd->add_option("--min-time", c.min_time,
                      "Seconds per repetition of each benchmark (default 0.02; 5 repetitions unless "
                      "--benchmark_repetitions says otherwise)")
          ->check(Positive());
    if (std::string(name) == "accuracy") {
      cmd->add_flag("--exhaustive", c.exhaustive.enabled,
                    "Every float32 bit pattern (or --range / --shard of them) instead of the sample");
      cmd->add_option("--range", c.exhaustive.range,
                      "With --exhaustive: bit patterns LO HI, both included (hex 0x... or decimal)")
          ->expected(2);
      cmd->add_option("--shard", c.exhaustive.shard,
                      "With --exhaustive: evaluate the I-th of N contiguous parts (1 <= I <= N)");
      cmd->add_option("--threads", c.exhaustive.threads, "With --exhaustive: threads (default: all cores)");
    }
    if (std::string(name) == "run")
      cmd->add_option("--out,-o", c.out_dir, "Directory for report.json, .md, .csv and .html (default out)")
          ->check(kNonEmpty);
    cmd->add_option("--json", c.json_path, "Also write the JSON report to this file")->check(kNonEmpty);
    cmd->add_option("--machine-name", c.machine_name,
                    "Name of this machine in the report, merges and comparisons (default: $ACTBENCH_MACHINE_NAME, "
                    "else hostname, CPU model and cores)")
        ->check(kNonEmpty);
    measure[name] = cmd;
  }

  std::string eval_id, eval_target, eval_in, eval_dy, eval_out;
  CLI::App* eval = app.add_subcommand("eval", "Apply one variant to raw little-endian float32 values");
  eval->add_option("--variant,-v", eval_id, "activation/variant")->required();
  eval->add_option("--target,-t", eval_target, "CPU target (default: the best this CPU runs)");
  eval->add_option("--in,-i", eval_in, "Input file of float32 values")->required();
  CLI::Option* eval_dy_option = eval->add_option("--dy", eval_dy,
                   "Backward variants: the incoming gradients, float32, one per input (default: 1); a from-output "
                   "variant is given the correctly rounded f(x) of each input as y");
  eval->add_option("--out,-o", eval_out, "Output file (written atomically)")->required();
  AddLoad(eval, loads);

  const ReportCommands report_commands(app);  // pick, compare, merge

  try {
    if (args.size() > 1 && args[1][0] != '-') {
      bool known = false;
      for (const CLI::App* sub : app.get_subcommands({})) known |= sub->check_name(args[1]);
      if (!known)
        throw UsageError(fmt::format(
            "unknown command '{}' (known: list, check, accuracy, bench, run, eval, pick, compare, merge)", args[1]));
    }
    try {
      app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::CallForHelp&) {
      return app.exit(CLI::CallForHelp());
    } catch (const CLI::CallForAllHelp&) {
      return app.exit(CLI::CallForAllHelp());
    } catch (const CLI::CallForVersion&) {
      std::cout << "actbench " ACTBENCH_VERSION "\n";
      return 0;
    } catch (const CLI::ParseError& e) {
      throw UsageError(e.what());
    }
    const bool takes_benchmark_args = measure["bench"]->parsed() || measure["run"]->parsed();
    if (!benchmark_args.empty() && !takes_benchmark_args)
      throw UsageError(fmt::format("{} is only for the bench and run subcommands", benchmark_args[0]));
    // Plugins join the registry, and every registration (the program's own
    // and the plugins') is validated, before any command runs. Peer plugins
    // (PyTorch) load only for a selection that can include their rows.
    Selection eval_sel;
    eval_sel.variants = {eval_id};
    const Selection* sel = list->parsed() ? &list_sel : check->parsed() ? &check_sel : nullptr;
    if (eval->parsed()) sel = &eval_sel;
    for (const auto& [name, cmd] : measure)
      if (cmd->parsed()) sel = &c.sel;
    if (sel != nullptr)
      for (const PeerPlugin& peer : FindPeerPlugins())
        if (MayInclude(*sel, peer.library)) LoadPeerPlugin(peer);
    LoadPlugins(loads);
    (void)Variants();
    if (list->parsed()) return List(list_json, list_sel);
    if (check->parsed()) return Check(check_sel);
    if (eval->parsed()) return Eval(eval_id, eval_target, eval_in, eval_dy_option->count() > 0 ? &eval_dy : nullptr, eval_out);
    if (report_commands.Parsed()) return report_commands.Run();
    for (const auto& [name, cmd] : measure)
      if (cmd->parsed()) return Measure(name, c, benchmark_args);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "actbench: error: %s\n", OneLine(e.what()).c_str());
    return 2;
  }
}

}  // namespace actbench::cli
