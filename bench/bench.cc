// Throughput runner: every (variant, target) row at every working-set size,
// registered with Google Benchmark (1.7) and collected through a reporter.
//
// Google Benchmark keeps its flags and registered benchmarks in process-wide
// globals. RunBenchmarks therefore starts every call from a clean slate: it
// clears the registry, and parses its own defaults before the caller's
// arguments, so a flag given to one call never leaks into the next. It is not
// thread-safe (neither is the library).
#include "bench/bench.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "impls/activation.h"

namespace actbench {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;
// Bytes moved per element: one float read, one float written; backward
// kernels read two (x or y, and dy). Sizes are set by the forward count: a
// backward row's three streams then fill 3/4 of the L1 and L2 halves.
constexpr size_t kBytesPerElement = 2 * sizeof(float);
size_t BytesPerElement(const TargetKernel& k) { return (k.backward() ? 3 : 2) * sizeof(float); }
// Sizes are whole multiples of this many elements (4 cache lines of floats),
// so every SIMD width sees full vectors and no kernel's tail dominates.
constexpr size_t kElementMultiple = 64;
constexpr size_t kMinDramBytes = 64 * kMiB;

// ---------------------------------------------------------------------------
// Cache sizes

size_t SysconfBytes(int name) {
  const long v = sysconf(name);
  return v > 0 ? static_cast<size_t>(v) : 0;
}

// Elements whose in+out take `bytes`, rounded down to kElementMultiple.
size_t ElementsFor(size_t bytes) {
  return bytes / kBytesPerElement / kElementMultiple * kElementMultiple;
}

// ---------------------------------------------------------------------------
// Flags

// Google Benchmark's parsing of a boolean flag value (IsTruthyFlagValue).
bool Truthy(const std::string& v) {
  if (v.empty()) return true;
  if (v.size() == 1) {
    const char c = v[0];
    return std::isalnum(static_cast<unsigned char>(c)) && std::strchr("0fFnN", c) == nullptr;
  }
  std::string lower = v;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower != "false" && lower != "no" && lower != "off";
}

// Whether `arg` is `--name=value` (or a bare `--name`, when `bare_ok`), parsed
// as Google Benchmark parses it; sets *value to the value ("" when bare).
bool FlagValue(const std::string& arg, const char* name, bool bare_ok, std::string* value) {
  const std::string prefix = std::string("--") + name;
  if (arg.compare(0, prefix.size(), prefix) != 0) return false;
  if (arg.size() == prefix.size()) {
    if (!bare_ok) return false;
    value->clear();
    return true;
  }
  if (arg[prefix.size()] != '=') return false;
  *value = arg.substr(prefix.size() + 1);
  return true;
}

// What RunBenchmarks needs to know of the caller's flags (the last occurrence
// wins, as in Google Benchmark), and the arguments to hand to the library.
struct ParsedArgs {
  BenchmarkFlags flags;  // format, out, filter, list_tests (bench.h)
  std::string out_format = "json";
  std::string color = "auto";
  bool counters_tabular = false;
  // Emulated here rather than passed on: with them set, the library would hand
  // the reporters only the aggregates, and the per-repetition samples would
  // be lost. The reporters below drop the repetitions from the output instead.
  bool display_aggregates_only = false;
  bool report_aggregates_only = false;
  std::vector<std::string> library_args;
};

std::string FormatDouble(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

void CheckOneOf(const char* flag, const std::string& v, std::initializer_list<const char*> ok) {
  for (const char* o : ok)
    if (v == o) return;
  std::string list;
  for (const char* o : ok) list += std::string(list.empty() ? "" : "|") + (*o ? o : "\"\"");
  throw std::runtime_error("bad benchmark flag: --" + std::string(flag) + "=" + v + " (expected " +
                           list + ")");
}

// Numeric flags are checked here: on a value it cannot parse the library
// prints its own line to stderr before ours would follow.
void CheckNumber(const char* flag, const std::string& v, bool integer) {
  char* end = nullptr;
  errno = 0;
  if (integer) {
    const long n = std::strtol(v.c_str(), &end, 10);
    if (!v.empty() && *end == '\0' && errno == 0 && n >= 0 && n <= 1000000) return;
    throw std::runtime_error("bad benchmark flag: --" + std::string(flag) + "=" + v +
                             " (expected a whole number from 0 to 1000000)");
  }
  const double d = std::strtod(v.c_str(), &end);
  if (!v.empty() && *end == '\0' && errno == 0 && std::isfinite(d) && d >= 0) return;
  throw std::runtime_error("bad benchmark flag: --" + std::string(flag) + "=" + v +
                           " (expected a non-negative number of seconds)");
}

ParsedArgs ParseArgs(const BenchOptions& options) {
  if (!(options.min_time > 0) || !std::isfinite(options.min_time))
    throw std::runtime_error("benchmark min_time must be a positive number of seconds, not " +
                             FormatDouble(options.min_time));
  ParsedArgs p;
  // Every flag at its library default first, so each call starts clean; the
  // caller's arguments come after and override them. --benchmark_time_unit is
  // reset to ns (the library default) because an empty value leaves the unit
  // of a previous call in place. --benchmark_context accumulates across calls
  // and cannot be reset. BENCHMARK_* environment variables are not consulted.
  p.library_args = {
      "--benchmark_list_tests=false",
      "--benchmark_filter=.",
      "--benchmark_min_time=" + FormatDouble(options.min_time),
      "--benchmark_min_warmup_time=0",
      "--benchmark_repetitions=1",
      "--benchmark_enable_random_interleaving=false",
      "--benchmark_report_aggregates_only=false",
      "--benchmark_display_aggregates_only=false",
      "--benchmark_format=console",
      "--benchmark_out=",
      "--benchmark_out_format=json",
      "--benchmark_color=auto",
      "--benchmark_counters_tabular=false",
      "--benchmark_perf_counters=",
      "--benchmark_time_unit=ns",
      "--v=0",
  };
  std::string v;
  for (const std::string& arg : options.benchmark_args) {
    if (FlagValue(arg, "benchmark_display_aggregates_only", true, &v)) {
      p.display_aggregates_only = Truthy(v);
      continue;  // emulated, not passed on
    }
    if (FlagValue(arg, "benchmark_report_aggregates_only", true, &v)) {
      p.report_aggregates_only = Truthy(v);
      continue;
    }
    if (FlagValue(arg, "benchmark_repetitions", false, &v)) CheckNumber("benchmark_repetitions", v, true);
    if (FlagValue(arg, "benchmark_min_time", false, &v)) CheckNumber("benchmark_min_time", v, false);
    if (FlagValue(arg, "benchmark_min_warmup_time", false, &v)) CheckNumber("benchmark_min_warmup_time", v, false);
    // The library calls exit() on a bad value of these; throw instead.
    if (FlagValue(arg, "benchmark_format", false, &v)) {
      CheckOneOf("benchmark_format", v, {"console", "json", "csv"});
      p.flags.format = v;
    } else if (FlagValue(arg, "benchmark_out_format", false, &v)) {
      CheckOneOf("benchmark_out_format", v, {"console", "json", "csv"});
      p.out_format = v;
    } else if (FlagValue(arg, "benchmark_time_unit", false, &v)) {
      CheckOneOf("benchmark_time_unit", v, {"ns", "us", "ms", "s"});
    } else if (FlagValue(arg, "benchmark_color", false, &v)) {
      if (v.empty()) throw std::runtime_error("bad benchmark flag: --benchmark_color= is empty");
      p.color = v;
    } else if (FlagValue(arg, "benchmark_counters_tabular", true, &v)) {
      p.counters_tabular = Truthy(v);
    } else if (FlagValue(arg, "benchmark_out", false, &v)) {
      p.flags.out = v;
    } else if (FlagValue(arg, "benchmark_filter", false, &v)) {
      p.flags.filter = v;
    } else if (FlagValue(arg, "benchmark_list_tests", true, &v)) {
      p.flags.list_tests = Truthy(v);
    }
    p.library_args.push_back(arg);
  }
  if (!p.flags.out.empty()) {
    // The library would print an error and silently run nothing.
    std::ofstream probe(p.flags.out, std::ios::app);
    if (!probe) throw std::runtime_error("cannot open --benchmark_out file: " + p.flags.out);
  }
  return p;
}

// Hands the arguments to Google Benchmark; throws on any it does not know.
void InitializeLibrary(const ParsedArgs& p) {
  // The library keeps argv[0] (as the executable name in its reports), so it
  // must outlive this call.
  static char argv0[] = "actbench";
  std::vector<std::string> storage = p.library_args;
  std::vector<char*> argv;
  argv.push_back(argv0);
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(argv.size()) - 1;
  benchmark::Initialize(&argc, argv.data());
  // What Initialize did not consume is not a flag it knows (or a value it
  // could not parse). Checked directly rather than through
  // ReportUnrecognizedArguments, which would print it to stderr a second time.
  if (argc > 1) {
    std::string unknown;
    for (int i = 1; i < argc; ++i) unknown += std::string(i > 1 ? " " : "") + argv[i];
    throw std::runtime_error("unknown benchmark flag: " + unknown);
  }
}

// ---------------------------------------------------------------------------
// Reporting

// One timed repetition of one benchmark.
struct Sample {
  int64_t iterations = 0;
  double real_seconds = 0;  // accumulated over all iterations
  double cpu_seconds = 0;
  double elements_per_second = 0;
  double bytes_per_second = 0;
};

using SampleMap = std::map<std::string, std::vector<Sample>>;  // by registered name

bool IsColorTerminal() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && term != nullptr && std::strcmp(term, "dumb") != 0;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // CSVReporter
// The reporter Google Benchmark itself would create for a format.
std::unique_ptr<benchmark::BenchmarkReporter> MakeReporter(
    const std::string& format, benchmark::ConsoleReporter::OutputOptions console_options) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  if (format == "csv") return std::make_unique<benchmark::CSVReporter>();
  return std::make_unique<benchmark::ConsoleReporter>(console_options);
}
#pragma GCC diagnostic pop

// Records every successful repetition (when `sink` is set) and forwards to
// `inner` (when set), dropping the repetitions from what it forwards when only
// aggregates are wanted and the library will send some.
class ForwardingReporter : public benchmark::BenchmarkReporter {
 public:
  ForwardingReporter(std::unique_ptr<BenchmarkReporter> inner, bool aggregates_only,
                     SampleMap* sink)
      : inner_(std::move(inner)), aggregates_only_(aggregates_only), sink_(sink) {}

  bool ReportContext(const Context& context) override {
    if (!inner_) return true;
    // The library sets the streams on this object (an --benchmark_out file);
    // SetOutputStream is not virtual, so pass them on here.
    inner_->SetOutputStream(&GetOutputStream());
    inner_->SetErrorStream(&GetErrorStream());
    inner_->ReportContext(context);
    return true;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    size_t repetitions = 0;  // successful, non-aggregate runs in this batch
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate || run.error_occurred) continue;
      ++repetitions;
      if (sink_) (*sink_)[run.run_name.function_name].push_back(ToSample(run));
    }
    if (!inner_) return;
    // The library computes aggregates (mean, median, ...) from two or more
    // successful repetitions and reports them in a batch of their own.
    const bool only_iterations = repetitions == runs.size();
    if (aggregates_only_ && only_iterations && repetitions >= 2) return;
    inner_->ReportRuns(runs);
  }

  void Finalize() override {
    if (inner_) inner_->Finalize();
  }

 private:
  static Sample ToSample(const Run& run) {
    Sample s;
    s.iterations = run.iterations;
    s.real_seconds = run.real_accumulated_time;
    s.cpu_seconds = run.cpu_accumulated_time;
    // Counters arrive finished: rates already divided by the (real) time.
    const auto elements = run.counters.find("elements");
    const auto bytes = run.counters.find("bytes");
    if (elements != run.counters.end()) s.elements_per_second = elements->second.value;
    if (bytes != run.counters.end()) s.bytes_per_second = bytes->second.value;
    return s;
  }

  std::unique_ptr<BenchmarkReporter> inner_;
  bool aggregates_only_;
  SampleMap* sink_;
};

BenchResult Summarize(const std::string& label, const BenchSize& size, size_t bytes_per_element,
                      const std::vector<Sample>& samples) {
  BenchResult r;
  r.label = label;
  r.size_label = size.label;
  r.n = size.n;
  r.bytes = size.n * bytes_per_element;
  const double count = static_cast<double>(samples.size());
  double iterations = 0;
  for (const Sample& s : samples) {
    const double iters = static_cast<double>(std::max<int64_t>(s.iterations, 1));
    iterations += iters;
    r.real_time_ns += s.real_seconds / iters * 1e9 / count;
    r.cpu_time_ns += s.cpu_seconds / iters * 1e9 / count;
    r.elements_per_second += s.elements_per_second / count;
    r.bytes_per_second += s.bytes_per_second / count;
    r.samples.push_back(s.elements_per_second);
  }
  r.iterations = static_cast<int64_t>(std::llround(iterations / count));
  return r;
}

// ---------------------------------------------------------------------------
// Inputs

// Page-aligned float buffer. Page alignment gives in and out the same offset
// within a page, so no store to out[i] falsely aliases (4 KiB aliasing) a load
// of a later in[j]; with heap-adjacent small buffers it would.
class PageBuffer {
 public:
  explicit PageBuffer(size_t n) {
    constexpr size_t kPage = 4096;
    const size_t bytes = (n * sizeof(float) + kPage - 1) / kPage * kPage;
    data_.reset(static_cast<float*>(std::aligned_alloc(kPage, std::max(bytes, kPage))));
    if (!data_) throw std::bad_alloc();
  }
  float* get() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
};

// The buffers of one size, shared by every row. Allocated on first use, so a
// size that --benchmark_filter leaves out costs no memory (DRAM is ~1 GiB).
class SizeBuffers {
 public:
  explicit SizeBuffers(size_t n) : n_(n) {}

  // Called by each benchmark before its timed loop.
  void Ensure() {
    if (in_) return;
    in_ = std::make_unique<PageBuffer>(n_);
    out_ = std::make_unique<PageBuffer>(n_);
    // The same seed for every size: a smaller size's inputs are a prefix of a
    // larger one's.
    std::mt19937 rng(20240601u);
    std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
    float* in = in_->get();
    for (size_t i = 0; i < n_; ++i) in[i] = dist(rng);
    // Touch every output page now, not during the first timed call.
    std::memset(out_->get(), 0, n_ * sizeof(float));
  }
  const float* in() const { return in_->get(); }
  float* out() const { return out_->get(); }
  // Backward kernels' incoming gradients, on first use.
  const float* dy() {
    if (!dy_) {
      dy_ = std::make_unique<PageBuffer>(n_);
      std::mt19937 rng(20241204u);
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      float* g = dy_->get();
      for (size_t i = 0; i < n_; ++i) g[i] = dist(rng);
    }
    return dy_->get();
  }

 private:
  size_t n_;
  std::unique_ptr<PageBuffer> in_;
  std::unique_ptr<PageBuffer> out_;
  std::unique_ptr<PageBuffer> dy_;
};

// Clears the library's registry on the way out too: the registered lambdas
// point at buffers this call frees.
struct RegistryGuard {
  RegistryGuard() { benchmark::ClearRegisteredBenchmarks(); }
  ~RegistryGuard() { benchmark::ClearRegisteredBenchmarks(); }
  RegistryGuard(const RegistryGuard&) = delete;
  RegistryGuard& operator=(const RegistryGuard&) = delete;
};

}  // namespace

CacheSizes DetectCaches() {
  CacheSizes c;
  int llc_level = 0;
  // Google Benchmark reads /sys/devices/system/cpu/cpu0/cache; sizes in bytes.
  for (const auto& info : benchmark::CPUInfo::Get().caches) {
    if (info.size <= 0 || info.type == "Instruction") continue;
    const size_t size = static_cast<size_t>(info.size);
    if (info.level == 1) c.l1d = size;
    if (info.level == 2) c.l2 = size;
    if (info.level >= 2 && info.level >= llc_level) {
      llc_level = info.level;
      c.llc = size;
    }
  }
  // sysconf asks glibc, which reads CPUID: it works where sysfs is hidden.
  if (c.l1d == 0) c.l1d = SysconfBytes(_SC_LEVEL1_DCACHE_SIZE);
  if (c.l2 == 0) c.l2 = SysconfBytes(_SC_LEVEL2_CACHE_SIZE);
  if (c.llc == 0) c.llc = std::max(SysconfBytes(_SC_LEVEL3_CACHE_SIZE), c.l2);
  if (c.l1d == 0) c.l1d = 48 * kKiB;
  if (c.l2 == 0) c.l2 = 2 * kMiB;
  if (c.llc == 0) c.llc = 32 * kMiB;
  return c;
}

std::vector<BenchSize> DefaultBenchSizes(bool quick) { return BenchSizesFor(DetectCaches(), quick); }

std::vector<BenchSize> BenchSizesFor(const CacheSizes& c, bool quick) {
  const size_t l1 = std::max(ElementsFor(c.l1d / 2), kElementMultiple);
  // Guard against cache tables that do not grow from level to level.
  const size_t l2 = std::max(ElementsFor(c.l2 / 2), 4 * l1);
  const size_t dram_bytes = std::max(quick ? c.llc + c.llc / 4 : 4 * c.llc, kMinDramBytes);
  const size_t dram = std::max(ElementsFor(dram_bytes), 4 * l2);
  return {{"L1", l1}, {"L2", l2}, {"DRAM", dram}};
}

void ValidateBenchmarkArgs(const BenchOptions& options) {
  const ParsedArgs args = ParseArgs(options);
  RegistryGuard registry;
  InitializeLibrary(args);
}

BenchmarkFlags ReadBenchmarkFlags(const BenchOptions& options) { return ParseArgs(options).flags; }

std::vector<std::string> SelectedBenchmarks(const std::vector<VariantTarget>& rows, const BenchOptions& options) {
  const std::string given = ReadBenchmarkFlags(options).filter;
  std::string filter = given;
  bool negative = false;
  if (!filter.empty() && filter[0] == '-') {
    negative = true;
    filter.erase(0, 1);
  }
  std::regex re;
  try {
    re = std::regex(filter.empty() ? "." : filter, std::regex_constants::extended);
  } catch (const std::regex_error& e) {
    throw std::runtime_error("bad benchmark flag: --benchmark_filter=" + given + " is not a valid regular expression (" +
                             e.what() + ")");
  }
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const VariantTarget& vt : rows) {
    if (!TargetSupported(*vt.kernel)) continue;
    for (const BenchSize& size : options.sizes) {
      std::string name = vt.label() + "/" + size.label + "/real_time";
      if (std::regex_search(name, re) != negative && seen.insert(name).second) names.push_back(std::move(name));
    }
  }
  return names;
}

std::vector<BenchResult> RunBenchmarks(const std::vector<VariantTarget>& rows,
                                       const BenchOptions& options) {
  std::set<std::string> size_labels;
  for (const BenchSize& size : options.sizes) {
    if (size.n == 0 || size.label.empty() || !size_labels.insert(size.label).second)
      throw std::invalid_argument("bench sizes need distinct labels and n > 0 (\"" + size.label +
                                  "\")");
  }
  const ParsedArgs args = ParseArgs(options);

  RegistryGuard registry;
  InitializeLibrary(args);

  std::vector<std::shared_ptr<SizeBuffers>> buffers;
  for (const BenchSize& size : options.sizes)
    buffers.push_back(std::make_shared<SizeBuffers>(size.n));

  // (row label, size index, benchmark name) in row-then-size order.
  struct Slot {
    std::string label;
    size_t size_index;
    std::string name;
    size_t bytes_per_element;
  };
  std::vector<Slot> slots;
  std::set<std::string> registered;
  // Set-up cost per benchmark name, from its first run (later runs hit the
  // kernel's cache).
  auto creation = std::make_shared<std::map<std::string, double>>();
  for (const VariantTarget& vt : rows) {
    if (vt.variant == nullptr || vt.kernel == nullptr || !vt.kernel->runnable()) continue;
    if (!TargetSupported(*vt.kernel)) continue;  // the CPU lacks the ISA
    const std::string label = vt.label();
    const TargetKernel* kernel = vt.kernel;  // the registry outlives the run
    const Params params = DefaultParams(GetActivation(vt.variant->activation));
    for (size_t s = 0; s < options.sizes.size(); ++s) {
      const size_t n = options.sizes[s].n;
      std::string name = label + "/" + options.sizes[s].label;
      slots.push_back({label, s, name, BytesPerElement(*kernel)});
      if (!registered.insert(name).second) continue;  // a repeated row: time it once
      std::shared_ptr<SizeBuffers> data = buffers[s];
      benchmark::RegisterBenchmark(
          name.c_str(),
          [data, kernel, params, n, creation, name](benchmark::State& state) {
            data->Ensure();
            if (kernel->prepare) {
              // Creation (oneDNN primitive, XNNPACK operator) before the timed
              // loop, timed on its own.
              const auto t0 = std::chrono::steady_clock::now();
              kernel->prepare(n, params);
              const auto t1 = std::chrono::steady_clock::now();
              creation->emplace(name, std::chrono::duration<double, std::nano>(t1 - t0).count());
            }
            const float* in = data->in();
            float* out = data->out();
            if (kernel->backward()) {
              const float* dy = data->dy();
              for (auto _ : state) {
                kernel->Run(in, dy, out, n, params);
                benchmark::DoNotOptimize(out);
                benchmark::ClobberMemory();
              }
            } else {
              for (auto _ : state) {
                kernel->Run(in, out, n, params);
                benchmark::DoNotOptimize(out);
                benchmark::ClobberMemory();
              }
            }
            const double elements = static_cast<double>(n);
            state.counters["elements"] =
                benchmark::Counter(elements, benchmark::Counter::kIsIterationInvariantRate);
            state.counters["bytes"] = benchmark::Counter(
                elements * static_cast<double>(BytesPerElement(*kernel)),
                benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1024);
          })
          // Wall-clock time for the times and the rates alike: one thread
          // runs, and process CPU time would also count any other thread.
          ->UseRealTime();
    }
  }

  SampleMap samples;
  const bool display_aggregates_only = args.display_aggregates_only || args.report_aggregates_only;
  std::unique_ptr<benchmark::BenchmarkReporter> console;
  if (options.show_console) {
    int opts = benchmark::ConsoleReporter::OO_None;
    if (args.color == "auto" ? IsColorTerminal() : Truthy(args.color))
      opts |= benchmark::ConsoleReporter::OO_Color;
    if (args.counters_tabular) opts |= benchmark::ConsoleReporter::OO_Tabular;
    console =
        MakeReporter(args.flags.format, static_cast<benchmark::ConsoleReporter::OutputOptions>(opts));
  }
  ForwardingReporter display(std::move(console), display_aggregates_only, &samples);
  if (registered.empty()) {
    // Nothing to run (the library would only complain that nothing matched).
  } else if (args.flags.out.empty()) {
    benchmark::RunSpecifiedBenchmarks(&display);
  } else {
    ForwardingReporter file(MakeReporter(args.out_format, benchmark::ConsoleReporter::OO_None),
                            args.report_aggregates_only, nullptr);
    benchmark::RunSpecifiedBenchmarks(&display, &file);
  }

  std::vector<BenchResult> results;
  for (const Slot& slot : slots) {
    const auto it = samples.find(slot.name);
    if (it == samples.end() || it->second.empty()) continue;  // filtered out
    results.push_back(Summarize(slot.label, options.sizes[slot.size_index], slot.bytes_per_element, it->second));
    const auto c = creation->find(slot.name);
    if (c != creation->end()) results.back().creation_ns = c->second;
  }
  return results;
}

}  // namespace actbench
