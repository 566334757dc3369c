// Tests of the actbench command line, run as a user runs it: the real binary
// (ACTBENCH_BIN) in a fresh temporary working directory, real files, stdout,
// stderr and the exit status captured separately.
//
// Kept fast: every measuring command uses --quick, one or two activations,
// --min-time 0.01 and --benchmark_filter=/L1/ (benchmarks are named
// "activation/variant@target/L1/real_time", so only the L1 size runs).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "accuracy/reference.h"
#include "accuracy/ulp.h"
#include "impls/activation.h"
#include "impls/plugin_loader.h"
#include "impls/variant.h"
#include "reports/report.h"
#include "cli_support.h"

namespace actbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace clitest;  // NOLINT: RunCli, TempDir and the file helpers

// The registry as the command line sees it for a selection that can include
// every family: with the peer plugins (PyTorch), which it loads for such a
// selection. The tests below read the registry only through these two.
const std::vector<Variant>& Variants() {
  static const bool loaded = [] {
    for (const PeerPlugin& p : FindPeerPlugins()) LoadPeerPlugin(p);
    return true;
  }();
  (void)loaded;
  return actbench::Variants();
}
const Variant* FindVariant(std::string_view id) {
  Variants();
  return actbench::FindVariant(id);
}

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();

// ---------------------------------------------------------------------------
// Files

bool HostIsLittleEndian() {
  const uint32_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// Raw float32 values as the file format holds them (the host is little-endian;
// the tests that use this skip otherwise).
std::string FloatBytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

std::vector<float> FloatsFromBytes(const std::string& bytes) {
  std::vector<float> v(bytes.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

std::vector<std::string> Names(const std::map<std::string, std::string>& snap) {
  std::vector<std::string> names;
  for (const auto& [name, what] : snap) names.push_back(name);
  return names;
}

// ---------------------------------------------------------------------------
// Expected rows, from the registry the binary was built from

std::vector<std::string> ExpectedLabels(const std::set<std::string>& activations) {
  std::vector<const Variant*> chosen;
  for (const Variant& v : Variants())
    if (activations.count(GetActivation(v.activation).name)) chosen.push_back(&v);
  std::vector<std::string> labels;
  for (const VariantTarget& vt : RunnableTargets(chosen)) labels.push_back(vt.label());
  return labels;
}

std::vector<std::string> Labels(const Report& r) {
  std::vector<std::string> labels;
  for (const ReportRow& row : r.rows) labels.push_back(row.label());
  return labels;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// ---------------------------------------------------------------------------
// Bad input: one line on stderr, exit status 2, nothing on stdout, no file
// created, removed or changed in the working directory.

class CliUsageError : public ::testing::Test {
 protected:
  // Runs `args` in dir_ (which holds whatever the test put there) and checks
  // the bad-input contract. `must_mention`, when given, must appear in the message.
  void ExpectUsageError(const std::vector<std::string>& args, const std::string& must_mention = "") {
    std::string cmd;
    for (const std::string& a : args) cmd += " " + a;
    SCOPED_TRACE("actbench" + cmd);
    const auto before = Snapshot(dir_.path());
    const CliResult r = RunCli(args, dir_.path());
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
    const std::vector<std::string> lines = SplitLines(r.err);
    ASSERT_EQ(lines.size(), 1u) << "expected exactly one line on stderr\n" << r.Describe();
    EXPECT_EQ(r.err.back(), '\n') << r.Describe();
    EXPECT_EQ(lines[0].rfind("actbench: error:", 0), 0u) << r.Describe();
    EXPECT_GT(lines[0].size(), std::string("actbench: error: ").size()) << "empty message";
    if (!must_mention.empty()) {
      EXPECT_NE(lines[0].find(must_mention), std::string::npos)
          << "message does not mention '" << must_mention << "': " << lines[0];
    }
    const auto after = Snapshot(dir_.path());
    EXPECT_EQ(Names(after), Names(before)) << "files were created or removed";
    EXPECT_TRUE(after == before) << "file contents changed";
  }

  TempDir dir_;
};

TEST_F(CliUsageError, UnknownSubcommand) { ExpectUsageError({"frobnicate"}, "frobnicate"); }

TEST_F(CliUsageError, NoSubcommand) { ExpectUsageError({}); }

TEST_F(CliUsageError, UnknownFlag) {
  ExpectUsageError({"list", "--bogus"}, "--bogus");
  ExpectUsageError({"run", "--bogus", "-a", "relu", "--quick"}, "--bogus");  // no "out" dir either
  // (Before any subcommand, the message is CLI11's "A subcommand is required".)
  ExpectUsageError({"--bogus"});
  ExpectUsageError({"--bogus", "list"});
}

TEST_F(CliUsageError, StrayPositionalArgument) { ExpectUsageError({"list", "extra"}, "extra"); }

TEST_F(CliUsageError, UnknownActivation) {
  ExpectUsageError({"run", "-a", "nope"}, "nope");
  ExpectUsageError({"list", "-a", "relu,nope"}, "nope");
}

TEST_F(CliUsageError, UnknownVariant) {
  WriteAll(dir_ / "in.f32", FloatBytes({1.0f, 2.0f}));
  ExpectUsageError({"eval", "-v", "sigmoid/nope", "--in", "in.f32", "--out", "out.f32"}, "sigmoid/nope");
  ExpectUsageError({"accuracy", "-v", "sigmoid/nope", "--quick"}, "sigmoid/nope");
}

TEST_F(CliUsageError, UnknownTarget) {
  ExpectUsageError({"accuracy", "-t", "NOPE"}, "NOPE");
  ExpectUsageError({"run", "-t", "NOPE", "--quick"}, "NOPE");
}

TEST_F(CliUsageError, SelectionMatchingNothing) {
  // Both exist, but the variant is not one of the activation's.
  ExpectUsageError({"accuracy", "-a", "relu", "-v", "sigmoid/exp-div-f64", "--quick"});
}

TEST_F(CliUsageError, EvalMissingInput) {
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "--in", "missing.f32", "--out", "out.f32"},
                   "missing.f32");
}

TEST_F(CliUsageError, EvalDirectoryAsInput) {
  ASSERT_EQ(::mkdir((dir_ / "sub").c_str(), 0755), 0);
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "--in", "sub", "--out", "out.f32"}, "sub");
}

TEST_F(CliUsageError, EvalOddLengthInput) {
  WriteAll(dir_ / "odd.f32", "abcde");
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "--in", "odd.f32", "--out", "out.f32"}, "odd.f32");
}

TEST_F(CliUsageError, EvalOutputInMissingDirectory) {
  WriteAll(dir_ / "in.f32", FloatBytes({0.5f, -0.5f}));
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "--in", "in.f32", "--out", "nodir/out.f32"},
                   "nodir/out.f32");
  EXPECT_FALSE(fs::exists(dir_ / "nodir"));
}

TEST_F(CliUsageError, EvalOutputIsADirectory) {
  WriteAll(dir_ / "in.f32", FloatBytes({0.5f, -0.5f}));
  ASSERT_EQ(::mkdir((dir_ / "sub").c_str(), 0755), 0);
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "--in", "in.f32", "--out", "sub"});
}

TEST_F(CliUsageError, EvalRequiresItsOptions) {
  WriteAll(dir_ / "in.f32", FloatBytes({0.5f}));
  ExpectUsageError({"eval", "--in", "in.f32", "--out", "out.f32"}, "--variant");
  ExpectUsageError({"eval", "-v", "relu/max", "--out", "out.f32"}, "--in");
  ExpectUsageError({"eval", "-v", "relu/max", "--in", "in.f32"}, "--out");
}

TEST_F(CliUsageError, EvalTargetWithoutKernel) {
  WriteAll(dir_ / "in.f32", FloatBytes({0.5f}));
  // A scalar variant has exactly one kernel, "baseline".
  const Variant* v = FindVariant("sigmoid/exp-div-f64");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->kernels.size(), 1u);
  ASSERT_EQ(v->kernels[0].target, "baseline");
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "-t", "AVX2", "--in", "in.f32", "--out", "out.f32"},
                   "AVX2");
  ExpectUsageError({"eval", "-v", "sigmoid/exp-div-f64", "-t", "NOPE", "--in", "in.f32", "--out", "out.f32"},
                   "NOPE");
}

TEST_F(CliUsageError, UnknownBenchmarkFlagOnBench) {
  ExpectUsageError({"bench", "-a", "relu", "--benchmark_nonsense=1"}, "--benchmark_nonsense=1");
}

TEST_F(CliUsageError, BadBenchmarkFlagValueOnBench) {
  ExpectUsageError({"bench", "-a", "relu", "--benchmark_format=xml"}, "benchmark_format");
}

// A bad --benchmark_* flag is bad input to `run` as much as to `bench`: it must
// be refused before anything is measured or created (here: the --out directory).
TEST_F(CliUsageError, UnknownBenchmarkFlagOnRun) {
  ExpectUsageError({"run", "-a", "relu", "--quick", "--out", "newdir", "--benchmark_nonsense=1"},
                   "--benchmark_nonsense=1");
  EXPECT_FALSE(fs::exists(dir_ / "newdir"));
}

TEST_F(CliUsageError, BenchmarkFlagOnOtherSubcommands) {
  ExpectUsageError({"list", "--benchmark_filter=x"}, "--benchmark_filter=x");
  ExpectUsageError({"accuracy", "-a", "relu", "--quick", "--benchmark_filter=x"}, "--benchmark_filter=x");
  WriteAll(dir_ / "in.f32", FloatBytes({0.5f}));
  ExpectUsageError({"eval", "-v", "relu/max", "--in", "in.f32", "--out", "out.f32", "--benchmark_filter=x"},
                   "--benchmark_filter=x");
}

TEST_F(CliUsageError, NonPositiveMinTime) {
  ExpectUsageError({"bench", "-a", "relu", "--min-time", "0"});
  ExpectUsageError({"bench", "-a", "relu", "--min-time", "-1"});
}

TEST_F(CliUsageError, RunOutIsARegularFile) {
  WriteAll(dir_ / "file", "not a directory\n");
  ExpectUsageError({"run", "-a", "relu", "--quick", "--out", "file"}, "file");
  EXPECT_EQ(ReadAll(dir_ / "file"), "not a directory\n");
}

// An unwritable --json path is bad input: it must not leave a report on stdout
// (accuracy) or report files in --out (run) behind an exit status of 2.
TEST_F(CliUsageError, AccuracyJsonInMissingDirectory) {
  ExpectUsageError({"accuracy", "-a", "relu", "--quick", "--json", "nodir/r.json"}, "nodir/r.json");
}

TEST_F(CliUsageError, RunJsonInMissingDirectory) {
  std::vector<std::string> args = {"run", "-a", "relu", "--quick", "--out", "o", "--json", "nodir/r.json"};
  args.insert(args.end(), kFastBench.begin(), kFastBench.end());
  ExpectUsageError(args, "nodir/r.json");
}

// ---------------------------------------------------------------------------
// --help and --version

struct HelpCase {
  std::string subcommand;  // "" for the top level
  std::vector<std::string> mentions;
};

class CliHelp : public ::testing::TestWithParam<HelpCase> {};

TEST_P(CliHelp, PrintsUsageOnStdoutAndExitsZero) {
  const HelpCase& c = GetParam();
  TempDir dir;
  for (const char* flag : {"--help", "-h"}) {
    std::vector<std::string> args;
    if (!c.subcommand.empty()) args.push_back(c.subcommand);
    args.push_back(flag);
    const CliResult r = RunCli(args, dir.path());
    SCOPED_TRACE(c.subcommand + " " + flag);
    EXPECT_EQ(r.status, 0) << r.Describe();
    EXPECT_EQ(r.err, "") << r.Describe();
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.Describe();
    if (!c.subcommand.empty()) {
      EXPECT_NE(r.out.find("actbench " + c.subcommand), std::string::npos) << r.Describe();
    }
    for (const std::string& m : c.mentions)
      EXPECT_NE(r.out.find(m), std::string::npos) << "help does not mention " << m << "\n" << r.Describe();
  }
  EXPECT_TRUE(DirEntries(dir.path()).empty()) << "--help wrote files";
}

INSTANTIATE_TEST_SUITE_P(
    AllCommands, CliHelp,
    ::testing::Values(
        HelpCase{"", {"list", "accuracy", "bench", "run", "eval", "--help", "--version"}},
        HelpCase{"list", {"--json", "--activation", "--variant", "--target"}},
        HelpCase{"accuracy", {"--activation", "--variant", "--target", "--quick", "--json"}},
        HelpCase{"bench", {"--activation", "--variant", "--target", "--quick", "--min-time", "--json",
                           "--benchmark_"}},
        HelpCase{"run", {"--activation", "--variant", "--target", "--quick", "--min-time", "--out", "--json"}},
        HelpCase{"eval", {"--variant", "--target", "--in", "--out"}}),
    [](const ::testing::TestParamInfo<HelpCase>& info) {
      return info.param.subcommand.empty() ? std::string("top") : info.param.subcommand;
    });

TEST(CliVersion, PrintsVersionAndExitsZero) {
  TempDir dir;
  const CliResult r = RunCli({"--version"}, dir.path());
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(r.out.rfind("actbench ", 0), 0u) << r.Describe();
  EXPECT_EQ(SplitLines(r.out).size(), 1u) << r.Describe();
  EXPECT_EQ(r.err, "");
}

// The report names the commit the binary was built from, which the binary
// carries: it needs neither git nor the source tree when it runs (before, it
// asked git about the source tree at run time, so a binary run on another
// machine, or after later commits, reported the wrong commit or none).
TEST(CliProvenance, TheCommitIsTheBuildsNotTheSourceTreesAtRunTime) {
  TempDir dir;
  auto commit_of = [&](const std::string& json_name) {
    const CliResult r = RunCli({"accuracy", "--quick", "-a", "relu", "--json", json_name}, dir.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    std::ifstream f(dir / json_name);
    return nlohmann::json::parse(f).at("machine").at("git").at("commit").get<std::string>();
  };
  const std::string with_git = commit_of("a.json");
  if (with_git == "unknown") GTEST_SKIP() << "built outside a git checkout";
  EXPECT_TRUE(with_git.size() == 40 || with_git.size() == 64) << with_git;  // SHA-1 or SHA-256
  struct PathGuard {  // PATH comes back whatever happens below
    std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    ~PathGuard() { ::setenv("PATH", saved.c_str(), 1); }
  } guard;
  ::setenv("PATH", "/nonexistent", 1);  // no git to ask
  const std::string without_git = commit_of("b.json");
  EXPECT_EQ(without_git, with_git);
}

// ---------------------------------------------------------------------------
// list

TEST(CliList, TextNamesEveryActivationAndRow) {
  TempDir dir;
  const CliResult r = RunCli({"list"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(r.err, "");
  for (const Activation& a : Activations())
    EXPECT_NE(r.out.find(std::string("  ") + a.name + " "), std::string::npos) << a.name;
  std::vector<const Variant*> all;
  for (const Variant& v : Variants()) all.push_back(&v);
  const std::vector<VariantTarget> rows = RunnableTargets(all);
  ASSERT_FALSE(rows.empty());
  for (const VariantTarget& vt : rows) EXPECT_NE(r.out.find(vt.label()), std::string::npos) << vt.label();
  EXPECT_NE(r.out.find("baseline"), std::string::npos);
  EXPECT_TRUE(DirEntries(dir.path()).empty());
}

TEST(CliList, JsonIsValidAndComplete) {
  TempDir dir;
  const CliResult r = RunCli({"list", "--json"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(r.err, "");
  json j;
  ASSERT_NO_THROW(j = json::parse(r.out)) << r.out.substr(0, 2000);
  ASSERT_TRUE(j.is_object());

  ASSERT_TRUE(j.contains("activations") && j["activations"].is_array());
  std::vector<std::string> act_names;
  for (const json& a : j["activations"]) act_names.push_back(a.at("name").get<std::string>());
  std::vector<std::string> expected_acts;
  for (const Activation& a : Activations()) expected_acts.push_back(a.name);
  EXPECT_EQ(act_names, expected_acts);
  for (const json& a : j["activations"]) {
    const Activation& t = *FindActivation(a.at("name").get<std::string>());
    EXPECT_EQ(a.at("arity").get<size_t>(), t.arity()) << t.name;
    if (t.backward) {
      EXPECT_EQ(a.at("forward"), GetActivation(t.forward).name) << t.name;
    }
  }

  ASSERT_TRUE(j.contains("targets") && j["targets"].is_array());
  std::set<std::string> targets;
  for (const json& t : j["targets"]) targets.insert(t.get<std::string>());
  EXPECT_TRUE(targets.count("baseline")) << j["targets"].dump();

  ASSERT_TRUE(j.contains("variants") && j["variants"].is_array());
  std::set<std::string> ids, labels;
  for (const json& v : j["variants"]) {
    const std::string id = v.at("id").get<std::string>(), target = v.at("target").get<std::string>();
    ids.insert(id);
    // Backward rows say what their kernel is given first: x, or y = f(x).
    if (const Variant* reg = FindVariant(id); reg && GetActivation(reg->activation).backward)
      EXPECT_EQ(v.at("first_input"), reg->from_output ? "y" : "x") << id;
    else
      EXPECT_FALSE(v.contains("first_input")) << id;
    EXPECT_TRUE(labels.insert(id + "@" + target).second) << "listed twice: " << id << "@" << target;
    EXPECT_TRUE(targets.count(target)) << id << "@" << target << " is not a supported target";
    // Some registered variant has this id and a kernel for this target.
    bool registered = false;
    for (const Variant& reg : Variants())
      for (const TargetKernel& k : reg.kernels)
        if (reg.id() == id && k.target == target && v.at("family").get<std::string>() == reg.family)
          registered = true;
    EXPECT_TRUE(registered) << id << "@" << target << " is not a registered (variant, target)";
    // A row without a promise says so, and gives no bound.
    ASSERT_TRUE(v.at("promised").is_boolean()) << id;
    if (v.at("promised").get<bool>()) {
      EXPECT_GE(v.at("promise_max_ulp").get<double>(), 0) << id;
    } else {
      EXPECT_FALSE(v.contains("promise_max_ulp")) << id;
    }
    EXPECT_TRUE(v.at("estimate").is_string()) << id;
  }
  for (const Variant& v : Variants()) EXPECT_TRUE(ids.count(v.id())) << "missing variant " << v.id();
  std::vector<const Variant*> all;
  for (const Variant& v : Variants()) all.push_back(&v);
  for (const VariantTarget& vt : RunnableTargets(all))
    EXPECT_TRUE(labels.count(vt.label())) << "missing row " << vt.label();
  EXPECT_EQ(labels.size(), RunnableTargets(all).size());
}

TEST(CliList, SelectionNarrowsTheRows) {
  TempDir dir;
  const CliResult r = RunCli({"list", "--json", "-a", "sigmoid"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  const json j = json::parse(r.out);
  std::vector<std::string> labels;
  for (const json& v : j.at("variants"))
    labels.push_back(v.at("id").get<std::string>() + "@" + v.at("target").get<std::string>());
  EXPECT_EQ(Sorted(labels), Sorted(ExpectedLabels({"sigmoid"})));
}

// --family keeps the rows of the named families, exactly: together the three
// families are every row, and an unknown family is a usage error.
TEST(CliList, FamilySelectsScalarSimdOrPeerRows) {
  TempDir dir;
  auto families = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"list", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = RunCli(args, dir.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    std::map<std::string, size_t> count;
    const json listed = json::parse(r.out);
    for (const json& v : listed.at("variants")) ++count[v.at("family").get<std::string>()];
    return count;
  };
  const auto all = families({});
  ASSERT_EQ(all.size(), 3u);
  for (const char* f : {"scalar", "simd", "peer"}) {
    EXPECT_GT(all.count(f) ? all.at(f) : 0, 0u) << f;
    const auto only = families({"--family", f});
    EXPECT_EQ(only.size(), 1u) << f;
    EXPECT_EQ(only.count(f) ? only.at(f) : 0, all.count(f) ? all.at(f) : 0) << f;
  }
  const auto ours = families({"--family", "scalar,simd"});
  EXPECT_EQ(ours.count("peer"), 0u);
  EXPECT_EQ(ours.at("scalar") + ours.at("simd"), all.at("scalar") + all.at("simd"));
  const CliResult bad = RunCli({"accuracy", "--quick", "--family", "pear"}, dir.path());
  EXPECT_EQ(bad.status, 2) << bad.Describe();
  EXPECT_EQ(bad.err.rfind("actbench: error: unknown family 'pear'", 0), 0u) << bad.Describe();
}

// Every id that `list` shows selects, with -v, exactly the rows listed under
// it: a variant the user sees can be named on the command line.
TEST(CliList, EveryListedIdSelectsItsRows) {
  TempDir dir;
  const CliResult all = RunCli({"list", "--json"}, dir.path());
  ASSERT_EQ(all.status, 0) << all.Describe();
  std::map<std::string, std::vector<std::string>> rows_of;
  const json listed = json::parse(all.out);
  for (const json& v : listed.at("variants"))
    rows_of[v.at("id").get<std::string>()].push_back(v.at("id").get<std::string>() + "@" +
                                                     v.at("target").get<std::string>());
  ASSERT_FALSE(rows_of.empty());
  for (const auto& [id, rows] : rows_of) {
    const CliResult r = RunCli({"list", "--json", "-v", id}, dir.path());
    ASSERT_EQ(r.status, 0) << id << "\n" << r.Describe();
    std::vector<std::string> selected;
    const json j = json::parse(r.out);
    for (const json& v : j.at("variants"))
      selected.push_back(v.at("id").get<std::string>() + "@" + v.at("target").get<std::string>());
    EXPECT_EQ(Sorted(selected), Sorted(rows)) << "list -v " << id;
  }
}

// What the tool prints, the tool accepts: every row label (activation/
// variant@target, as list and every report write it) selects that row alone,
// target names in any case. On f5c377f -v refused row labels and -t avx2.
TEST(CliList, EveryPrintedRowLabelSelectsThatRow) {
  TempDir dir;
  const CliResult all = RunCli({"list", "--json"}, dir.path());
  ASSERT_EQ(all.status, 0) << all.Describe();
  std::vector<std::string> labels;
  const json listed = json::parse(all.out);
  for (const json& v : listed.at("variants"))
    labels.push_back(v.at("id").get<std::string>() + "@" + v.at("target").get<std::string>());
  ASSERT_FALSE(labels.empty());
  auto selected = [&](const std::vector<std::string>& args) {
    std::vector<std::string> a = {"list", "--json"};
    a.insert(a.end(), args.begin(), args.end());
    const CliResult r = RunCli(a, dir.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    std::vector<std::string> out;
    if (r.status != 0) return out;
    const json j = json::parse(r.out);
    for (const json& v : j.at("variants"))
      out.push_back(v.at("id").get<std::string>() + "@" + v.at("target").get<std::string>());
    return out;
  };
  // All labels at once give every row once; a few alone give themselves.
  std::string joined;
  for (const std::string& l : labels) joined += (joined.empty() ? "" : ",") + l;
  EXPECT_EQ(Sorted(selected({"-v", joined})), Sorted(labels));
  for (size_t i = 0; i < labels.size(); i += 17) EXPECT_EQ(selected({"-v", labels[i]}), std::vector<std::string>{labels[i]});
  // Targets in lower case, with -t and after @.
  const std::string& label = labels.back();
  std::string lower = label;
  const size_t at = lower.find('@');
  for (size_t i = at; i < lower.size(); ++i) lower[i] = static_cast<char>(std::tolower(lower[i]));
  EXPECT_EQ(selected({"-v", lower}), std::vector<std::string>{label});
  std::string target = label.substr(at + 1);
  for (char& c : target) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(selected({"-v", label.substr(0, at), "-t", target}), std::vector<std::string>{label});
}

// Refusals say what would have been accepted, briefly.
TEST(CliList, RefusalsSuggestWhatExists) {
  TempDir dir;
  CliResult r = RunCli({"list", "-v", "sigmoid/rr2-p7-dv"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("did you mean sigmoid/rr2-p7-div"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 200u) << "not every variant listed: " << r.err;
  r = RunCli({"list", "-v", "relu/max@AVX3"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("its targets on this CPU: baseline"), std::string::npos) << r.err;
  WriteAll(dir / "in.f32", FloatBytes({0.5f}));
  r = RunCli({"eval", "-v", "relu/max", "-t", "AVX3", "--in", "in.f32", "--out", "o.f32"}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("its targets here: baseline"), std::string::npos) << r.err;
  // Ranges are printed as numbers a reader can read (CLI11 printed DBL_MAX in 309 digits).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"pick", "--max-ulp", "-1"}, {"compare", "a", "b", "--tolerance-ulp", "-2"},
        {"bench", "--min-time", "0"}, {"compare", "a", "b", "--alpha", "3"}, {"pick", "--max-ulp", "1", "--machine", "0"}}) {
    r = RunCli(args, dir.path());
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_LT(r.err.size(), 120u) << r.err;
    EXPECT_NE(r.err.find("expected a number"), std::string::npos) << r.err;
  }
}

// eval takes a row label too, and gives the bits -v ID -t TARGET gives.
TEST(CliEvalLabel, ARowLabelIsTheVariantOnItsTarget) {
  TempDir dir;
  WriteAll(dir / "in.f32", FloatBytes({-3.0f, -0.5f, 0.0f, 0.25f, 7.0f}));
  const std::string target = SupportedTargetNames().front();
  ASSERT_EQ(RunCli({"eval", "-v", "sigmoid/rr2-p7-div", "-t", target, "--in", "in.f32", "--out", "a.f32"}, dir.path()).status, 0);
  const CliResult r = RunCli({"eval", "-v", "sigmoid/rr2-p7-div@" + target, "--in", "in.f32", "--out", "b.f32"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_NE(r.err.find("sigmoid/rr2-p7-div@" + target + ":"), std::string::npos) << r.err;
  EXPECT_EQ(ReadAll(dir / "a.f32"), ReadAll(dir / "b.f32"));
  // A label and a -t that disagree: refused.
  EXPECT_EQ(RunCli({"eval", "-v", "sigmoid/rr2-p7-div@" + target, "-t", "baseline", "--in", "in.f32", "--out", "c.f32"},
                   dir.path()).status, 2);
}

// ---------------------------------------------------------------------------
// eval

// Inputs every eval test uses: the special values, subnormals, and ordinary
// values over the range where activations bend and saturate.
std::vector<float> EvalInputs() {
  std::vector<float> x = {
      kNanF, -kNanF, kInfF, -kInfF, 0.0f, -0.0f,
      std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
      FloatFromBits(0x00400000u), -FloatFromBits(0x007fffffu),  // subnormals
      std::numeric_limits<float>::min(), -std::numeric_limits<float>::min(),
      std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(),
      std::numeric_limits<float>::epsilon(), 1.0f, -1.0f, 0.5f, -0.5f, 3.0f, -3.0f, 6.0f, -6.0f,
      20.0f, -20.0f, 88.5f, -88.5f, 103.9f, -103.9f, 104.0f, -104.0f, 1e-30f, -1e-30f, 1e30f, -1e30f,
      FloatFromBits(0x7fc12345u)  // a NaN with a payload
  };
  std::mt19937 rng(12345);
  std::uniform_real_distribution<float> wide(-30.0f, 30.0f);
  for (int i = 0; i < 400; ++i) x.push_back(wide(rng));
  std::uniform_real_distribution<float> narrow(-1e-3f, 1e-3f);
  for (int i = 0; i < 100; ++i) x.push_back(narrow(rng));
  return x;
}

class CliEval : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HostIsLittleEndian()) GTEST_SKIP() << "the float32 file format is little-endian";
  }

  // Runs eval of `id` on `in` (and `extra` args); returns the output floats.
  std::vector<float> Eval(const std::string& id, const std::vector<float>& in,
                          const std::vector<std::string>& extra = {}) {
    WriteAll(dir_ / "in.f32", FloatBytes(in));
    std::vector<std::string> args = {"eval", "-v", id, "--in", "in.f32", "--out", "out.f32"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = RunCli(args, dir_.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
    EXPECT_EQ(DirEntries(dir_.path()), (std::vector<std::string>{"in.f32", "out.f32"}))
        << "stray files (temporaries?) next to the output";
    const std::string bytes = ReadAll(dir_ / "out.f32");
    EXPECT_EQ(bytes.size(), in.size() * sizeof(float));
    return FloatsFromBytes(bytes);
  }

  TempDir dir_;
};

TEST_F(CliEval, SigmoidF64MatchesTheCorrectlyRoundedReference) {
  const std::vector<float> in = EvalInputs();
  const std::vector<float> out = Eval("sigmoid/exp-div-f64", in);
  ASSERT_EQ(out.size(), in.size());
  const Params p = DefaultParams(GetActivation(Act::kSigmoid));
  int exact = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const float want = Reference(Act::kSigmoid, in[i], p, i).rounded;
    SCOPED_TRACE(::testing::Message() << "x=" << in[i] << " (0x" << std::hex << FloatBits(in[i]) << ")");
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(out[i])) << "got " << out[i];
      continue;
    }
    EXPECT_LE(UlpDistance(out[i], want), 1) << "got " << out[i] << " want " << want;
    exact += FloatBits(out[i]) == FloatBits(want);
  }
  // The f64 variant is within 0.51 ULP: nearly every value is the correctly rounded one.
  EXPECT_GE(exact, static_cast<int>(in.size()) * 9 / 10);
  // Known values, bit for bit.
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
  EXPECT_EQ(FloatBits(out[2]), FloatBits(1.0f));   // +inf
  EXPECT_EQ(FloatBits(out[3]), FloatBits(0.0f));   // -inf
  EXPECT_EQ(FloatBits(out[4]), FloatBits(0.5f));   // +0
  EXPECT_EQ(FloatBits(out[5]), FloatBits(0.5f));   // -0
  EXPECT_EQ(FloatBits(out[6]), FloatBits(0.5f));   // subnormal
}

// Every variant that promises (near) correct rounding, on the same inputs:
// what eval writes is what the kernel computes, element for element (prelu's
// channel is the element's index in the file).
TEST_F(CliEval, NearlyCorrectlyRoundedVariantsMatchTheReference) {
  const std::vector<float> in = EvalInputs();
  int checked = 0;
  for (const Variant& v : Variants()) {
    // Variants with one kernel (the scalar ones): the promise is the variant's.
    // (A peer that breaks the contract, such as a relu giving 0 for NaN, is not one.)
    if (!v.promise.promised || v.promise.max_ulp > 0.51 || v.kernels.size() != 1 || !v.promise.keeps_contract)
      continue;
    SCOPED_TRACE(v.id());
    const std::vector<float> out = Eval(v.id(), in);
    ASSERT_EQ(out.size(), in.size());
    const Params p = DefaultParams(GetActivation(v.computes));
    for (size_t i = 0; i < in.size(); ++i) {
      if (!std::isnan(in[i]) && !(in[i] >= v.promise.domain_lo && in[i] <= v.promise.domain_hi)) continue;
      const float want = Reference(v.computes, in[i], p, i).rounded;
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(out[i])) << "x=" << in[i] << " got " << out[i];
      } else {
        EXPECT_LE(UlpDistance(out[i], want), 1) << "x=" << in[i] << " got " << out[i] << " want " << want;
        if (v.promise.max_ulp == 0) {
          EXPECT_EQ(UlpDistance(out[i], want), 0) << "x=" << in[i] << " got " << out[i] << " want " << want;
        }
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

// Backward variants: dy = 1 without --dy, one dy per x with it; a
// from-output variant is given the correctly rounded f(x) as y, which is
// where its error comes from: sigmoid(20) rounds to 1, so y (1 - y) is 0
// while sigmoid'(20) = 2.06e-9.
TEST_F(CliEval, BackwardVariantsTakeDyAndFromOutputOnesAreGivenY) {
  const std::vector<float> x = {0.0f, -2.0f, 20.0f, 1.5f};
  const std::vector<float> dy = {2.0f, -0.5f, 1.0f, 0.25f};
  TempDir gradients;  // apart: Eval checks that its directory holds nothing else
  WriteAll(gradients / "dy.f32", FloatBytes(dy));
  const std::vector<float> ones = Eval("sigmoid_grad/rr2-p7-f64", x);
  const std::vector<float> with_dy = Eval("sigmoid_grad/rr2-p7-f64", x, {"--dy", (gradients / "dy.f32")});
  const std::vector<float> from_y = Eval("sigmoid_grad/from-output-f32", x);
  ASSERT_EQ(ones.size(), x.size());
  ASSERT_EQ(with_dy.size(), x.size());
  ASSERT_EQ(from_y.size(), x.size());
  const Params p = DefaultParams(GetActivation(Act::kSigmoidGrad));
  for (size_t i = 0; i < x.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "x=" << x[i]);
    EXPECT_LE(UlpDistance(ones[i], Reference(Act::kSigmoidGrad, x[i], p, i).rounded), 1);
    EXPECT_LE(UlpDistance(with_dy[i], GradientReference(Act::kSigmoidGrad, x[i], dy[i], p, i).rounded), 1);
    const float y = Reference(Act::kSigmoid, x[i], p, i).rounded;
    EXPECT_EQ(FloatBits(from_y[i]), FloatBits(1.0f * (1.0f - y) * y)) << "the kernel was given y = " << y;
  }
  EXPECT_EQ(with_dy[0], 0.5f);  // 2 * 1/4
  EXPECT_EQ(from_y[2], 0.0f);
  EXPECT_GT(ones[2], 2e-9f);
}

// -t picks the kernel: every supported target of an exact multi-target
// variant runs, says which target it ran, and gives the exact result.
TEST_F(CliEval, EachSupportedTargetOfAnExactVariant) {
  const std::vector<float> in = EvalInputs();
  int checked = 0;
  for (const Variant& v : Variants()) {
    if (!v.promise.promised || v.promise.max_ulp != 0 || v.kernels.size() < 2) continue;
    const Params p = DefaultParams(GetActivation(v.computes));
    for (const TargetKernel& k : v.kernels) {
      if (!TargetSupported(k)) continue;
      SCOPED_TRACE(v.id() + "@" + k.target);
      WriteAll(dir_ / "in.f32", FloatBytes(in));
      const CliResult r =
          RunCli({"eval", "-v", v.id(), "-t", k.target, "--in", "in.f32", "--out", "out.f32"}, dir_.path());
      ASSERT_EQ(r.status, 0) << r.Describe();
      EXPECT_NE(r.err.find("@" + k.target + ":"), std::string::npos) << r.Describe();
      const std::vector<float> out = FloatsFromBytes(ReadAll(dir_ / "out.f32"));
      ASSERT_EQ(out.size(), in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        const float want = Reference(v.computes, in[i], p, i).rounded;
        if (std::isnan(want)) {
          EXPECT_TRUE(std::isnan(out[i])) << "x=" << in[i];
        } else {
          EXPECT_EQ(UlpDistance(out[i], want), 0) << "x=" << in[i] << " got " << out[i] << " want " << want;
        }
      }
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no exact variant with more than one target";
}

TEST_F(CliEval, EmptyInputGivesEmptyOutput) {
  WriteAll(dir_ / "in.f32", "");
  const CliResult r = RunCli({"eval", "-v", "sigmoid/exp-div-f64", "--in", "in.f32", "--out", "out.f32"},
                             dir_.path());
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(r.out, "");
  ASSERT_TRUE(fs::is_regular_file(dir_ / "out.f32"));
  EXPECT_EQ(fs::file_size(dir_ / "out.f32"), 0u);
  EXPECT_EQ(DirEntries(dir_.path()), (std::vector<std::string>{"in.f32", "out.f32"}));
}

TEST_F(CliEval, BaselineTargetGivesTheSameBytesAsTheDefault) {
  const std::vector<float> in = EvalInputs();
  const std::vector<float> by_default = Eval("sigmoid/exp-div-f64", in);
  const std::vector<float> baseline = Eval("sigmoid/exp-div-f64", in, {"-t", "baseline"});
  ASSERT_EQ(by_default.size(), baseline.size());
  EXPECT_EQ(FloatBytes(by_default), FloatBytes(baseline));
}

TEST_F(CliEval, OverwritesAnExistingOutputAndWorksInPlace) {
  const std::vector<float> in = {-2.0f, -0.0f, 0.0f, 2.5f, kInfF};
  WriteAll(dir_ / "out.f32", std::string(1000, 'x'));
  const std::vector<float> out = Eval("relu/max", in);
  ASSERT_EQ(out.size(), in.size());
  EXPECT_EQ(FloatBits(out[0]), FloatBits(0.0f));
  EXPECT_EQ(out[3], 2.5f);
  EXPECT_EQ(out[4], kInfF);

  // --in and --out the same file.
  WriteAll(dir_ / "x.f32", FloatBytes(in));
  const CliResult r = RunCli({"eval", "-v", "relu/max", "--in", "x.f32", "--out", "x.f32"}, dir_.path());
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(ReadAll(dir_ / "x.f32"), FloatBytes(out));
}

// ---------------------------------------------------------------------------
// run, accuracy, bench

// Checks a report from `activations` with or without accuracy and bench.
void CheckReport(const Report& r, const std::set<std::string>& activations, bool with_accuracy,
                 bool with_bench) {
  EXPECT_EQ(r.schema_version, kReportSchemaVersion);
  const std::vector<std::string> labels = Labels(r);
  EXPECT_EQ(Sorted(labels), Sorted(ExpectedLabels(activations)));
  EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), labels.size()) << "duplicate rows";
  for (const ReportRow& row : r.rows) {
    SCOPED_TRACE(row.label());
    const Variant* v = FindVariant(row.activation + "/" + row.variant);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(row.family, v->family);
    // The bound promised for this row's target (a target may promise a looser
    // one than the variant's).
    EXPECT_EQ(row.promise.promised, v->promise.promised);
    const double promised = row.promise.max_ulp;
    if (v->promise.promised) {
      EXPECT_GE(promised, v->promise.max_ulp);
    }
    if (with_accuracy) {
      ASSERT_TRUE(row.accuracy.has_value());
      const AccuracyResult& a = *row.accuracy;
      EXPECT_GT(a.inputs, 0u);
      EXPECT_EQ(a.error.count, a.inputs);
      EXPECT_TRUE(a.promise_held) << "max_ulp_in_domain " << a.max_ulp_in_domain;
      if (!v->promise.promised) continue;  // only promises are held
      EXPECT_LE(a.max_ulp_in_domain, promised);
      bool keeps = v->promise.keeps_contract;
      for (const TargetKernel& k : v->kernels)
        if (k.target == row.target && k.breaks_contract) keeps = false;
      // A variant that breaks the contract may pass the sweep's check when its
      // failure is on one channel only (impls_test looks there).
      if (keeps) {
        EXPECT_TRUE(a.contract.pass);
      }
      if (promised <= 0.51 && keeps) {  // the f64 and exact variants
        EXPECT_TRUE(std::isfinite(a.error.max_ulp));
        EXPECT_LE(a.error.max_ulp, promised);
        EXPECT_EQ(a.error.nan_mismatch, 0u);
        EXPECT_EQ(a.error.inf_mismatch, 0u);
      }
    } else {
      EXPECT_FALSE(row.accuracy.has_value());
    }
    if (with_bench) {
      // --benchmark_filter=/L1/: exactly one result, at L1.
      ASSERT_EQ(row.bench.size(), 1u);
      const BenchResult& b = row.bench[0];
      EXPECT_EQ(b.label, row.label());
      EXPECT_EQ(b.size_label, "L1");
      EXPECT_GT(b.n, 0u);
      EXPECT_EQ(b.bytes, b.n * 2 * sizeof(float));
      EXPECT_GT(b.iterations, 0);
      EXPECT_GT(b.real_time_ns, 0);
      EXPECT_GT(b.elements_per_second, 0);
      EXPECT_TRUE(std::isfinite(b.elements_per_second));
    } else {
      EXPECT_TRUE(row.bench.empty());
    }
  }
}

std::vector<std::string> RunArgs(const std::string& acts, const std::string& out) {
  std::vector<std::string> args = {"run", "--quick", "-a", acts, "--out", out};
  args.insert(args.end(), kFastBench.begin(), kFastBench.end());
  return args;
}

TEST(CliRun, WritesJsonAndMarkdownReports) {
  TempDir dir;
  const CliResult r = RunCli(RunArgs("relu,sigmoid", "o"), dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  // Only the out dir, holding only the four reports (no temporaries left).
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"o"});
  EXPECT_EQ(DirEntries(dir / "o"),
            (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}));

  Report report;
  ASSERT_NO_THROW(report = ReadReport(dir / "o/report.json"));
  CheckReport(report, {"relu", "sigmoid"}, true, true);
  EXPECT_EQ(report.config.value("command", ""), "run");
  EXPECT_EQ(report.config.value("quick", false), true);

  const std::string md = ReadAll(dir / "o/report.md");
  ASSERT_FALSE(md.empty());
  for (const char* act : {"relu", "sigmoid"}) EXPECT_NE(md.find(std::string("## ") + act), std::string::npos);
  for (const ReportRow& row : report.rows)
    EXPECT_NE(md.find(row.variant + "@" + row.target), std::string::npos) << row.label();
  EXPECT_NE(r.err.find("report.json"), std::string::npos) << r.Describe();
}

TEST(CliRun, DefaultOutDirectoryIsOut) {
  TempDir dir;
  std::vector<std::string> args = {"run", "--quick", "-a", "relu"};
  args.insert(args.end(), kFastBench.begin(), kFastBench.end());
  const CliResult r = RunCli(args, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(DirEntries(dir / "out"),
            (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}));
  EXPECT_NO_THROW(ReadReport(dir / "out/report.json"));
}

TEST(CliRun, AlsoWritesJsonCopy) {
  TempDir dir;
  std::vector<std::string> args = RunArgs("relu", "o");
  args.insert(args.end(), {"--json", "copy.json"});
  const CliResult r = RunCli(args, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(ReadAll(dir / "copy.json"), ReadAll(dir / "o/report.json"));
  EXPECT_EQ(DirEntries(dir.path()), (std::vector<std::string>{"copy.json", "o"}));
}

// A second run replaces report.json by rename: a reader polling it during the
// run always sees a whole report, the old one or the new one.
TEST(CliRun, SecondRunReplacesTheReportAtomically) {
  TempDir dir;
  CliResult r = RunCli(RunArgs("relu,sigmoid", "o"), dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  const Report first = ReadReport(dir / "o/report.json");
  ASSERT_EQ(Sorted(Labels(first)), Sorted(ExpectedLabels({"relu", "sigmoid"})));
  struct stat st1;
  ASSERT_EQ(::stat((dir / "o/report.json").c_str(), &st1), 0);

  int reads = 0, failures = 0;
  std::string first_failure;
  const std::string path = dir / "o/report.json";
  auto read_report = [&] {
    try {
      ReadReport(path);
    } catch (const std::exception& e) {
      if (failures++ == 0) first_failure = e.what();
    }
    ++reads;
  };
  RunOptions options;
  options.watch = [&](pid_t, std::chrono::steady_clock::duration, const std::string&) { read_report(); };
  r = RunCli(RunArgs("relu", "o"), dir.path(), options);
  read_report();  // and once more after the child exited
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(failures, 0) << "of " << reads << " reads during the run; first: " << first_failure;
  EXPECT_GT(reads, 1);

  Report second;
  ASSERT_NO_THROW(second = ReadReport(path));
  CheckReport(second, {"relu"}, true, true);
  struct stat st2;
  ASSERT_EQ(::stat(path.c_str(), &st2), 0);
  EXPECT_NE(st1.st_ino, st2.st_ino) << "report.json was rewritten in place, not replaced";
  for (const Report* rep : {&first, static_cast<const Report*>(&second)}) {
    ASSERT_TRUE(rep->machine.contains("date"));
    EXPECT_TRUE(rep->machine["date"].is_string());
    EXPECT_FALSE(rep->machine["date"].get<std::string>().empty());
    ASSERT_TRUE(rep->machine.contains("git"));
    ASSERT_TRUE(rep->machine["git"].contains("commit"));
    EXPECT_TRUE(rep->machine["git"]["commit"].is_string());
    EXPECT_FALSE(rep->machine["git"]["commit"].get<std::string>().empty());
  }
  EXPECT_EQ(DirEntries(dir / "o"),
            (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}));
  const std::string md = ReadAll(dir / "o/report.md");
  EXPECT_EQ(md.find("## sigmoid"), std::string::npos) << "report.md is still the first run's";
}

TEST(CliAccuracy, JsonHasAccuracyAndNoBench) {
  TempDir dir;
  const CliResult r = RunCli({"accuracy", "--quick", "-a", "relu", "--json", "r.json"}, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"r.json"});
  Report report;
  ASSERT_NO_THROW(report = ReadReport(dir / "r.json"));
  CheckReport(report, {"relu"}, true, false);
  EXPECT_EQ(report.config.value("command", ""), "accuracy");
  // The Markdown summary goes to stdout.
  for (const ReportRow& row : report.rows)
    EXPECT_NE(r.out.find(row.variant + "@" + row.target), std::string::npos) << r.Describe();
}

TEST(CliBench, JsonHasBenchAndNoAccuracy) {
  TempDir dir;
  std::vector<std::string> args = {"bench", "-a", "relu", "--json", "r.json"};
  args.insert(args.end(), kFastBench.begin(), kFastBench.end());
  const CliResult r = RunCli(args, dir.path());
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"r.json"});
  Report report;
  ASSERT_NO_THROW(report = ReadReport(dir / "r.json"));
  CheckReport(report, {"relu"}, false, true);
  EXPECT_EQ(report.config.value("command", ""), "bench");
  // Google Benchmark's table on stdout names the benchmarks it ran.
  for (const ReportRow& row : report.rows)
    EXPECT_NE(r.out.find(row.label() + "/L1/real_time"), std::string::npos) << r.Describe();
}

// make run measured one repetition per row, so compare's speed gate could
// never fire on two default reports. run and bench now measure 5 (1/252 is
// the smallest p at 5 against 5), unless --benchmark_repetitions says otherwise.
TEST(CliBench, FiveRepetitionsByDefaultSoCompareCanFire) {
  TempDir dir;
  const std::vector<std::string> fast = {"-v", "relu/max", "--min-time", "0.005", "--benchmark_filter=/L1/"};
  auto samples = [&](std::vector<std::string> args) {
    args.insert(args.end(), fast.begin(), fast.end());
    const CliResult r = RunCli(args, dir.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    const Report report = ReadReport(args[0] == "run" ? dir / "o/report.json" : dir / "b.json");
    EXPECT_FALSE(report.rows.empty());
    std::vector<size_t> n;
    for (const ReportRow& row : report.rows)
      for (const BenchResult& b : row.bench) n.push_back(b.samples.size());
    return n;
  };
  EXPECT_EQ(samples({"bench", "--json", "b.json"}), std::vector<size_t>{5});
  EXPECT_EQ(samples({"run", "--quick", "--out", "o"}), std::vector<size_t>{5});
  EXPECT_EQ(samples({"bench", "--json", "b.json", "--benchmark_repetitions=2"}), std::vector<size_t>{2});
  // Two default reports: no note that the test cannot reach alpha.
  samples({"bench", "--json", "b.json"});
  const CliResult s = RunCli({"compare", "b.json", "b.json"}, dir.path());
  EXPECT_EQ(s.status, 0) << s.Describe();
  EXPECT_EQ(s.out.find("too few repetitions"), std::string::npos) << s.out;
}

}  // namespace
}  // namespace actbench
