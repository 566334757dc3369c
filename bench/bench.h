// Throughput of every (variant, target) at three working-set sizes, timed with
// Google Benchmark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "impls/variant.h"

namespace actbench {

// A working-set size: n floats in, n floats out.
struct BenchSize {
  std::string label;  // "L1", "L2", "DRAM"
  size_t n;
};

// This machine's cache sizes, in bytes, from one source for every user (the
// benchmark and its tests): sysfs (/sys/devices/system/cpu/cpu0/cache, read by
// Google Benchmark), else glibc's sysconf (CPUID) where sysfs is hidden, else
// 48 KiB / 2 MiB / 32 MiB. The two sources disagree on some virtual machines
// (glibc said 320 MiB of L3 where sysfs said 32 MiB on an AMD EPYC VM).
struct CacheSizes {
  size_t l1d = 0;  // one core's L1 data cache
  size_t l2 = 0;   // one L2 instance (the one a single thread runs in)
  size_t llc = 0;  // the whole last-level cache, not a per-core share
};
CacheSizes DetectCaches();

// Sizes from this machine's caches (DetectCaches), each a multiple of 64 elements: "L1" puts
// in+out in half the L1d, "L2" in half of one L2 instance, "DRAM" in four times
// the whole last-level cache (at least 64 MiB). `quick` shrinks DRAM to 1.25x
// the LLC (at least 64 MiB): still past the LLC, at a third of the memory.
// Falls back to 48 KiB / 2 MiB / 32 MiB where a cache size is unknown.
std::vector<BenchSize> DefaultBenchSizes(bool quick);
// The same for given cache sizes (DefaultBenchSizes is BenchSizesFor(DetectCaches(), quick)).
std::vector<BenchSize> BenchSizesFor(const CacheSizes& caches, bool quick);

struct BenchResult {
  std::string label;        // activation/variant@target
  std::string size_label;   // "L1", ...
  size_t n = 0;             // elements per call
  size_t bytes = 0;         // bytes moved per call (n * 4 per input read + n * 4 written)
  int64_t iterations = 0;   // calls timed (per repetition; mean if repeated)
  double real_time_ns = 0;  // per call, mean over repetitions
  double cpu_time_ns = 0;   // per call, mean over repetitions (process CPU time)
  // Rates are per wall-clock second (UseRealTime): n / real_time per repetition.
  double elements_per_second = 0;  // mean over repetitions
  double bytes_per_second = 0;
  // elements/s of each repetition (for significance tests in compare); one
  // entry when not repeated.
  std::vector<double> samples;
  // Wall time of the variant's one-time set-up for this size (a peer's
  // operator or primitive creation, TargetKernel::prepare), run before and
  // outside the timed loop; 0 when the variant has none.
  double creation_ns = 0;
};

struct BenchOptions {
  std::vector<BenchSize> sizes;
  // Arguments for Google Benchmark (every --benchmark_* flag), without argv[0].
  std::vector<std::string> benchmark_args;
  // Min time per benchmark in seconds unless --benchmark_min_time is given.
  double min_time = 0.1;
  // Google Benchmark's display on stdout, in --benchmark_format (console table
  // by default). Results are collected either way.
  bool show_console = true;
};

// Times each runnable (variant, target) at each size. Inputs are fixed-seed
// uniform values in [-8, 8] (the range where activations bend and real networks
// feed them), allocated once per size on first use and shared by all rows.
// Benchmarks are named "<row label>/<size label>" (Google Benchmark appends
// "/real_time" in its output and when matching --benchmark_filter).
// Returns one result per (row, size), row by row, in options.sizes order; a
// benchmark that --benchmark_filter leaves out has none. Every call starts from
// Google Benchmark's flag defaults (min_time from options unless
// --benchmark_min_time is given); not thread-safe.
// Throws std::runtime_error on a bad --benchmark_* flag (unknown, unparsable or
// out of range, or an --benchmark_out file that cannot be opened) or a
// min_time <= 0; std::invalid_argument on empty or repeated size labels or n == 0.
// Checks options.benchmark_args (and min_time) the way RunBenchmarks does,
// without running anything, so a command can refuse bad flags before it
// spends minutes measuring. Throws std::runtime_error (one line).
void ValidateBenchmarkArgs(const BenchOptions& options);

// The benchmarks RunBenchmarks would run for these rows and options, by the
// names Google Benchmark gives them ("sigmoid/rr2-p7-div@AVX2/L1/real_time"),
// after --benchmark_filter (an extended regular expression searched in each
// name, or excluded with a leading '-', as the library does). Throws
// std::runtime_error (one line) on a filter that is not a valid expression:
// the library would print "Could not compile benchmark re" and run nothing.
std::vector<std::string> SelectedBenchmarks(const std::vector<VariantTarget>& rows, const BenchOptions& options);

// The --benchmark_* flags actbench acts on itself, as Google Benchmark reads
// them (the last of each wins). Throws like ValidateBenchmarkArgs.
struct BenchmarkFlags {
  std::string format = "console";  // --benchmark_format
  std::string out;                 // --benchmark_out
  std::string filter = ".";        // --benchmark_filter
  bool list_tests = false;         // --benchmark_list_tests: the names alone
};
BenchmarkFlags ReadBenchmarkFlags(const BenchOptions& options);

std::vector<BenchResult> RunBenchmarks(const std::vector<VariantTarget>& rows,
                                       const BenchOptions& options);

}  // namespace actbench
