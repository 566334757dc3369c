// Tests for bench/: working-set sizes from the caches, and the Google Benchmark
// runner (flags, result collection, repetitions, errors). Benchmarks here run
// on tiny sizes with a 10 ms minimum time so the whole file takes about a second.
#include "bench/bench.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace actbench {
namespace {

constexpr const char* kQuick = "--benchmark_min_time=0.01";

// relu/max and sigmoid/exp-div-f32, scalar: one "baseline" row each.
std::vector<VariantTarget> CheapRows() {
  const Variant* relu = FindVariant("relu/max");
  const Variant* sigmoid = FindVariant("sigmoid/exp-div-f32");
  EXPECT_NE(relu, nullptr);
  EXPECT_NE(sigmoid, nullptr);
  if (relu == nullptr || sigmoid == nullptr) return {};
  return RunnableTargets({relu, sigmoid});
}

BenchOptions TinyOptions(std::vector<std::string> args) {
  BenchOptions o;
  o.sizes = {{"L1", 1000}, {"L2", 4096}};
  o.benchmark_args = std::move(args);
  o.show_console = false;
  return o;
}

TEST(DefaultBenchSizesTest, ThreeIncreasingMultiplesOf64) {
  for (bool quick : {false, true}) {
    const std::vector<BenchSize> sizes = DefaultBenchSizes(quick);
    ASSERT_EQ(sizes.size(), 3u);
    EXPECT_EQ(sizes[0].label, "L1");
    EXPECT_EQ(sizes[1].label, "L2");
    EXPECT_EQ(sizes[2].label, "DRAM");
    for (const BenchSize& s : sizes) {
      EXPECT_GT(s.n, 0u) << s.label;
      EXPECT_EQ(s.n % 64, 0u) << s.label << " n=" << s.n;
    }
    EXPECT_LT(sizes[0].n, sizes[1].n);
    EXPECT_LT(sizes[1].n, sizes[2].n);
    // DRAM: in+out is at least 64 MiB whatever the caches say.
    EXPECT_GE(sizes[2].n * 8, size_t{64} << 20);
  }
}

// Checked against the cache sizes the code itself uses (DetectCaches): glibc's
// sysconf and sysfs disagree on some VMs (320 vs 32 MiB of L3 on an AMD EPYC),
// so a test reading another source fails there for no fault of the sizes.
TEST(DefaultBenchSizesTest, WorkingSetsFitTheirCacheAndDramDoesNot) {
  const std::vector<BenchSize> full = DefaultBenchSizes(false);
  const std::vector<BenchSize> quick = DefaultBenchSizes(true);
  // Only DRAM depends on `quick`, and quick is smaller.
  EXPECT_EQ(full[0].n, quick[0].n);
  EXPECT_EQ(full[1].n, quick[1].n);
  EXPECT_LT(quick[2].n, full[2].n);
  const CacheSizes c = DetectCaches();
  ASSERT_GT(c.l1d, 0u);
  ASSERT_GT(c.l2, 0u);
  ASSERT_GT(c.llc, 0u);
  EXPECT_LE(full[0].n * 8, c.l1d / 2);
  EXPECT_GT(full[0].n * 8, c.l1d / 4);  // about half, not a token amount
  EXPECT_LE(full[1].n * 8, c.l2);
  EXPECT_GT(quick[2].n * 8, c.llc);  // even quick DRAM does not fit the LLC
  EXPECT_GE(full[2].n * 8, 4 * c.llc - 8 * 64);
}

// The same relations for cache tables of other machines, whatever this one is.
TEST(DefaultBenchSizesTest, SizesFollowAnyCacheTable) {
  constexpr size_t kKiB = 1024, kMiB = 1024 * kKiB;
  const CacheSizes tables[] = {{32 * kKiB, 1 * kMiB, 32 * kMiB},      // AMD Zen 4 (one CCD)
                               {48 * kKiB, 2 * kMiB, 105 * kMiB},     // Intel Sapphire Rapids
                               {32 * kKiB, 512 * kKiB, 320 * kMiB},   // what glibc said in a VM
                               {32 * kKiB, 256 * kKiB, 256 * kKiB}};  // no L3: the LLC is the L2
  for (const CacheSizes& c : tables) {
    SCOPED_TRACE(c.llc);
    for (bool quick : {false, true}) {
      const std::vector<BenchSize> s = BenchSizesFor(c, quick);
      ASSERT_EQ(s.size(), 3u);
      EXPECT_LE(s[0].n * 8, c.l1d / 2);
      EXPECT_GT(s[0].n * 8, c.l1d / 4);
      EXPECT_LE(s[1].n * 8, c.l2);
      EXPECT_GT(s[2].n * 8, c.llc);
      EXPECT_GE(s[2].n * 8, size_t{64} << 20);
      if (!quick) {
        EXPECT_GE(s[2].n * 8, 4 * c.llc - 8 * 64);
      }
    }
  }
}

// DetectCaches reads sysfs where it is readable: its sizes are sysfs's.
TEST(DefaultBenchSizesTest, CacheSizesComeFromSysfsWhereReadable) {
  size_t l1d = 0, llc = 0;
  int llc_level = 0;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::ifstream level(dir + "level"), type(dir + "type"), size(dir + "size");
    int lv = 0;
    std::string t, sz;
    if (!(level >> lv) || !(type >> t) || !(size >> sz) || sz.empty()) continue;
    if (t == "Instruction") continue;
    size_t bytes = std::stoul(sz);
    if (sz.back() == 'K') bytes *= 1024;
    if (sz.back() == 'M') bytes *= 1024 * 1024;
    if (lv == 1) l1d = bytes;
    if (lv >= 2 && lv >= llc_level) llc_level = lv, llc = bytes;
  }
  if (l1d == 0 || llc == 0) GTEST_SKIP() << "no readable cache table in sysfs";
  const CacheSizes c = DetectCaches();
  EXPECT_EQ(c.l1d, l1d);
  EXPECT_EQ(c.llc, llc);
}

TEST(RunBenchmarksTest, OneResultPerRowAndSizeWithConsistentRates) {
  const std::vector<VariantTarget> rows = CheapRows();
  ASSERT_EQ(rows.size(), 2u);
  const BenchOptions options = TinyOptions({kQuick});
  const std::vector<BenchResult> results = RunBenchmarks(rows, options);
  ASSERT_EQ(results.size(), 4u);
  for (size_t i = 0; i < results.size(); ++i) {
    const BenchResult& r = results[i];
    const BenchSize& size = options.sizes[i % 2];
    SCOPED_TRACE(r.label + "/" + r.size_label);
    // Row-then-size order.
    EXPECT_EQ(r.label, rows[i / 2].label());
    EXPECT_EQ(r.size_label, size.label);
    EXPECT_EQ(r.n, size.n);
    EXPECT_EQ(r.bytes, 8 * size.n);
    EXPECT_GT(r.iterations, 0);
    EXPECT_GT(r.real_time_ns, 0);
    EXPECT_GT(r.cpu_time_ns, 0);
    // The timed loop ran for at least --benchmark_min_time of wall-clock time.
    EXPECT_GE(r.iterations * r.real_time_ns, 0.01e9 * 0.999);
    // Rates are per wall-clock second (UseRealTime): exactly n / real time.
    EXPECT_NEAR(r.elements_per_second, r.n * 1e9 / r.real_time_ns, 1e-9 * r.elements_per_second);
    EXPECT_NEAR(r.bytes_per_second, 8 * r.elements_per_second, 1e-9 * r.bytes_per_second);
    ASSERT_EQ(r.samples.size(), 1u);
    EXPECT_DOUBLE_EQ(r.samples[0], r.elements_per_second);
  }
}

// The kernel really runs inside the timed loop, once per iteration on the
// whole buffer (a count, not a timing: the test holds on any machine and
// under sanitizers).
std::atomic<uint64_t> g_calls{0}, g_elements{0};
void CountingKernel(const float* in, float* out, size_t n, const Params&) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  g_elements.fetch_add(n, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) out[i] = in[i];
}

TEST(RunBenchmarksTest, TheKernelRunsOncePerIterationOnTheWholeBuffer) {
  Variant counting{Act::kRelu, Act::kRelu, "counting", "user", "test kernel", Promise{},
                   {TargetKernel{"baseline", 0, &CountingKernel}}};
  const std::vector<VariantTarget> rows = {{&counting, &counting.kernels[0]}};
  for (const BenchSize& size : TinyOptions({}).sizes) {
    SCOPED_TRACE(size.label);
    BenchOptions options = TinyOptions({kQuick});
    options.sizes = {size};
    g_calls = 0;
    g_elements = 0;
    const std::vector<BenchResult> results = RunBenchmarks(rows, options);
    ASSERT_EQ(results.size(), 1u);
    // Google Benchmark runs the loop more than once while it sizes it: every
    // reported iteration is a call, and every call covers n elements.
    EXPECT_GE(g_calls.load(), static_cast<uint64_t>(results[0].iterations));
    EXPECT_EQ(g_elements.load(), g_calls.load() * size.n);
  }
}

// The names SelectedBenchmarks predicts (to refuse a filter that matches
// nothing, or to list them, before measuring) are the ones the library runs.
TEST(RunBenchmarksTest, SelectedBenchmarksAreTheOnesTheLibraryRuns) {
  const std::vector<VariantTarget> rows = CheapRows();
  for (const char* filter : {".", "/L1/", "sigmoid", "-sigmoid", "relu.*L2", "^relu/max@baseline/L2/real_time$",
                             "-.", "nothing-matches"}) {
    SCOPED_TRACE(filter);
    const BenchOptions options = TinyOptions({kQuick, std::string("--benchmark_filter=") + filter});
    std::set<std::string> predicted;
    for (const std::string& n : SelectedBenchmarks(rows, options)) predicted.insert(n);
    std::set<std::string> ran;
    for (const BenchResult& r : RunBenchmarks(rows, options)) ran.insert(r.label + "/" + r.size_label + "/real_time");
    EXPECT_EQ(predicted, ran);
  }
  EXPECT_THROW(SelectedBenchmarks(rows, TinyOptions({"--benchmark_filter=["})), std::runtime_error);
  EXPECT_THROW(SelectedBenchmarks(rows, TinyOptions({"--benchmark_filter=(a"})), std::runtime_error);
  EXPECT_TRUE(ReadBenchmarkFlags(TinyOptions({"--benchmark_list_tests"})).list_tests);
  EXPECT_TRUE(ReadBenchmarkFlags(TinyOptions({"--benchmark_list_tests=true"})).list_tests);
  EXPECT_FALSE(ReadBenchmarkFlags(TinyOptions({"--benchmark_list_tests=true", "--benchmark_list_tests=false"})).list_tests);
  EXPECT_FALSE(ReadBenchmarkFlags(TinyOptions({})).list_tests);
}

TEST(RunBenchmarksTest, MinTimeOptionAppliesUnlessTheFlagIsGiven) {
  const std::vector<VariantTarget> rows = CheapRows();
  BenchOptions options = TinyOptions({"--benchmark_filter=relu/max@baseline/L1"});
  options.min_time = 0.03;
  std::vector<BenchResult> results = RunBenchmarks(rows, options);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_GE(results[0].iterations * results[0].real_time_ns, 0.03e9 * 0.999);

  // The flag wins over options.min_time (which would take 5 s here).
  options.min_time = 5;
  options.benchmark_args.push_back(kQuick);
  results = RunBenchmarks(rows, options);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_LT(results[0].iterations * results[0].real_time_ns, 1e9);
}

TEST(RunBenchmarksTest, FilterNarrowsToOneAndDoesNotLeakIntoTheNextCall) {
  const std::vector<VariantTarget> rows = CheapRows();
  ASSERT_EQ(rows.size(), 2u);
  std::vector<BenchResult> results =
      RunBenchmarks(rows, TinyOptions({kQuick, "--benchmark_filter=sigmoid/.*/L2"}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].label, rows[1].label());
  EXPECT_EQ(results[0].size_label, "L2");
  EXPECT_EQ(results[0].n, 4096u);

  // Google Benchmark's flags are process-wide; the next call starts clean.
  results = RunBenchmarks(rows, TinyOptions({kQuick}));
  EXPECT_EQ(results.size(), 4u);
}

TEST(RunBenchmarksTest, RepetitionsGiveOneSamplePerRepetition) {
  const std::vector<VariantTarget> rows = CheapRows();
  // report_aggregates_only hides the repetitions from the library's reporters;
  // the samples must survive it.
  for (const char* aggregates :
       {"--benchmark_report_aggregates_only=false", "--benchmark_report_aggregates_only=true"}) {
    SCOPED_TRACE(aggregates);
    const std::vector<BenchResult> results =
        RunBenchmarks(rows, TinyOptions({kQuick, "--benchmark_filter=relu/max@baseline/L1",
                                         "--benchmark_repetitions=3", aggregates}));
    ASSERT_EQ(results.size(), 1u);
    const BenchResult& r = results[0];
    ASSERT_EQ(r.samples.size(), 3u);
    double mean = 0;
    for (double s : r.samples) {
      EXPECT_GT(s, 0);
      mean += s / 3;
    }
    EXPECT_NEAR(r.elements_per_second, mean, 1e-9 * mean);
    EXPECT_GT(r.iterations, 0);
  }
  // Repetitions do not leak either.
  const std::vector<BenchResult> once =
      RunBenchmarks(rows, TinyOptions({kQuick, "--benchmark_filter=relu/max@baseline/L1"}));
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(once[0].samples.size(), 1u);
}

TEST(RunBenchmarksTest, BadFlagsThrowInsteadOfExiting) {
  const std::vector<VariantTarget> rows = CheapRows();
  for (const char* bad :
       {"--benchmark_nonsense=1", "--benchmark_repetitions=three", "--benchmark_format=xml",
        "--benchmark_time_unit=fortnight", "--benchmark_min_time", "not-a-flag"}) {
    SCOPED_TRACE(bad);
    try {
      RunBenchmarks(rows, TinyOptions({kQuick, bad}));
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(RunBenchmarks(rows, TinyOptions({"--benchmark_out=/nonexistent/dir/x.json"})),
               std::runtime_error);
  BenchOptions bad_min_time = TinyOptions({});
  bad_min_time.min_time = 0;
  EXPECT_THROW(RunBenchmarks(rows, bad_min_time), std::runtime_error);
  BenchOptions repeated_label = TinyOptions({kQuick});
  repeated_label.sizes = {{"L1", 64}, {"L1", 128}};
  EXPECT_THROW(RunBenchmarks(rows, repeated_label), std::invalid_argument);
  // A failed call leaves nothing behind.
  EXPECT_EQ(RunBenchmarks(rows, TinyOptions({kQuick})).size(), 4u);
}

TEST(RunBenchmarksTest, OutFlagWritesTheLibrarysJsonFile) {
  const std::vector<VariantTarget> rows = CheapRows();
  const std::string path = ::testing::TempDir() + "bench_test_out.json";
  std::remove(path.c_str());
  const std::vector<BenchResult> results =
      RunBenchmarks(rows, TinyOptions({kQuick, "--benchmark_filter=relu/max@baseline/L1",
                                       "--benchmark_out=" + path, "--benchmark_out_format=json"}));
  ASSERT_EQ(results.size(), 1u);
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"benchmarks\""), std::string::npos) << text;
  EXPECT_NE(text.find("relu/max@baseline/L1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"elements\""), std::string::npos) << text;
  EXPECT_EQ(text.find("sigmoid"), std::string::npos) << text;
  std::remove(path.c_str());
}

TEST(RunBenchmarksTest, NoRowsNoResults) {
  EXPECT_TRUE(RunBenchmarks({}, TinyOptions({kQuick})).empty());
}

}  // namespace
}  // namespace actbench
