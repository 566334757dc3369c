// Users' variants (include/actbench/): registration from a program's own
// code (a Highway kernel per target, a plain kernel, a kernel with context),
// actbench::main, plugins through the C ABI, and every refusal.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <tuple>
#include <vector>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <hwy/targets.h>
#include <nlohmann/json.hpp>

#include "accuracy/safety.h"
#include "cli_support.h"
#include "impls/registration.h"
#include "impls/variant.h"

namespace actbench {
namespace {

using clitest::RunCli;
using clitest::RunOptions;
using clitest::TempDir;

// Each row of a Highway registration runs the code compiled for its target:
// the kernel writes log2 of its HWY_TARGET, which must be the row's.
TEST(HighwayRegistration, EachRowRunsItsOwnTargetsCode) {
  const Variant* v = FindVariant("relu/which-target");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->family, "user");
  const std::vector<std::string> names = SupportedTargetNames();
  ASSERT_EQ(v->kernels.size(), names.size() - 1) << "one row per supported target (all but baseline)";
  std::set<int64_t> seen;
  for (const TargetKernel& k : v->kernels) {
    EXPECT_EQ(k.target, hwy::TargetName(k.hwy_target));
    float out[3] = {-1, -1, -1};
    const float in[3] = {0, 0, 0};
    k.Run(in, out, 3, Params{});
    EXPECT_EQ(out[2], static_cast<float>(__builtin_ctzll(static_cast<uint64_t>(k.hwy_target)))) << k.target;
    seen.insert(k.hwy_target);
  }
  EXPECT_EQ(seen.size(), v->kernels.size());
}

Registration::Spec Good() {
  Registration::Spec s;
  s.id = "sigmoid/x";
  s.fn = [](const float*, float*, size_t, const Params&) {};
  s.promise.max_ulp = 1;
  return s;
}

std::string Refusal(const Registration::Spec& s) {
  try {
    MakeVariant(s);
  } catch (const RegistryError& e) {
    return e.what();
  }
  return "";
}

TEST(Registration, RefusesBadDescriptionsNamingThem) {
  EXPECT_EQ(Refusal(Good()), "");
  auto with = [](auto change) {
    Registration::Spec s = Good();
    change(s);
    return Refusal(s);
  };
  EXPECT_NE(with([](auto& s) { s.id = "sigmoidd/x"; }).find("unknown activation 'sigmoidd'"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.id = "sigmoid"; }).find("activation/name"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.id = "sigmoid/a@b"; }).find("variant name"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.promise.max_ulp = -0.5; }).find("is not a number >= 0"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.promise.max_ulp = std::nan(""); }).find("is not a number >= 0"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.max_ulp_no_fma = -3; }).find("without FMA"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.promise.domain_lo = 2; s.promise.domain_hi = 1; }).find("empty domain"),
            std::string::npos);
  EXPECT_NE(with([](auto& s) { s.fn = nullptr; }).find("exactly one kernel"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.computes = "gelu_tanhh"; }).find("computes unknown"), std::string::npos);
  EXPECT_NE(with([](auto& s) { s.plugin = "libx.so"; s.promise.max_ulp = -1; }).find("(plugin libx.so)"),
            std::string::npos);
  // No promise is a state of its own, not a bound to check.
  EXPECT_EQ(with([](auto& s) { s.has_promise = false; s.promise.max_ulp = -1; }), "");
}

// Kernels compiled apart per ISA must all be of the activation's kind.
TEST(Registration, RefusesCompiledTargetsMixingForwardAndBackward) {
  Registration::Spec s;
  s.id = "sigmoid_grad/mixed";
  s.has_promise = false;
  TargetKernel forward{"SSE4", 0, [](const float*, float*, size_t, const Params&) {}};
  TargetKernel backward{"AVX2", 0};
  backward.grad_fn = [](const float*, const float*, float*, size_t, const Params&) {};
  s.compiled_targets = {backward, forward};
  EXPECT_NE(Refusal(s).find("mix forward and backward"), std::string::npos) << Refusal(s);
  s.compiled_targets = {backward};
  EXPECT_EQ(Refusal(s), "");
  s.id = "sigmoid/mixed";  // a backward kernel under a forward activation
  EXPECT_NE(Refusal(s).find("forward activation"), std::string::npos) << Refusal(s);
}

TEST(Registration, PlainKernelsAreGatedOnTheirCpuFeatures) {
  Registration::Spec s = Good();
  s.requires_features = kCpuAvx512bw | kCpuAvx2;
  const Variant v = MakeVariant(s);
  ASSERT_EQ(v.kernels.size(), 1u);
  EXPECT_EQ(TargetSupported(v.kernels[0]), CpuHas(kCpuAvx512bw) && CpuHas(kCpuAvx2));
  s.requires_features = uint64_t{1} << 40;  // a feature no CPU is known to have
  EXPECT_FALSE(TargetSupported(MakeVariant(s).kernels[0]));
  EXPECT_TRUE(CpuHas(0));
}

// A program linked to actbench::main is the command line, with its own
// variants in family "user" beside the built-in ones.
TEST(OwnProgram, HasTheCommandLineWithItsVariants) {
  TempDir dir;
  RunOptions o;
  o.binary = OWN_KERNEL_BIN;
  const auto list = RunCli({"list", "--family", "user"}, dir.path(), o);
  ASSERT_EQ(list.status, 0) << list.Describe();
  EXPECT_NE(list.out.find("sigmoid/own-f64@baseline"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("tanh/own-functor@baseline"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("rr2-p7-div"), std::string::npos) << "--family user lists users' rows only";
  const auto all = RunCli({"list", "-a", "sigmoid"}, dir.path(), o);
  EXPECT_NE(all.out.find("sigmoid/rr2-p7-div"), std::string::npos) << "built-in rows stay";

  const std::string json = dir.path() + "/r.json";
  const auto run = RunCli({"run", "--quick", "--family", "user", "--out", dir.path() + "/out", "--min-time", "0.01",
                           "--benchmark_filter=/L1/"},
                          dir.path(), o);
  ASSERT_EQ(run.status, 0) << run.Describe();
  const auto report = nlohmann::json::parse(clitest::ReadAll(dir.path() + "/out/report.json"));
  ASSERT_EQ(report["rows"].size(), 4u);
  std::set<std::string> labels;
  for (const auto& row : report["rows"]) {
    const std::string label = row["label"];
    labels.insert(label);
    EXPECT_EQ(row["family"], "user");
    EXPECT_EQ(row["safety"], "checked");
    ASSERT_FALSE(row["bench"].empty()) << label;
    const bool backward = label.find("_grad/") != std::string::npos;
    // Bytes per element: x (or y), dy and dx for backward rows, in and out for forward ones.
    const auto& b = row["bench"][0];
    EXPECT_EQ(b["bytes"].get<double>(), b["n"].get<double>() * (backward ? 12 : 8)) << label;
    if (label == "tanh_grad/own-from-output@baseline") {
      // Scored as a function of x: given the correctly rounded tanh(x) as y,
      // 1 - y^2 loses every bit once y rounds to 1 (x > 9.01, where tanh' is
      // still 6e-8 and above): the report shows what the y-form costs.
      EXPECT_EQ(row["first_input"], "y");
      EXPECT_FALSE(row["promise"]["promised"].get<bool>());
      EXPECT_GT(row["accuracy"]["error"]["max_ulp"].get<double>(), 1e6) << label;
      continue;
    }
    EXPECT_TRUE(row["accuracy"]["promise_held"].get<bool>()) << label;
    EXPECT_LE(row["accuracy"]["error"]["max_ulp"].get<double>(), 0.51) << label;
    if (backward) {
      EXPECT_EQ(row["first_input"], "x");
      // The last score: the same kernel with random gradients.
      ASSERT_FALSE(row["accuracy"]["also"].empty()) << label;
      const auto& random = row["accuracy"]["also"].back();
      EXPECT_EQ(random["against"], "sigmoid_grad, random dy");
      EXPECT_LE(random["max_ulp"].get<double>(), 0.51) << label;
    } else {
      EXPECT_TRUE(row["first_input"].is_null()) << label;
    }
  }
  EXPECT_EQ(labels, (std::set<std::string>{"sigmoid/own-f64@baseline", "tanh/own-functor@baseline",
                                           "sigmoid_grad/own-f64@baseline", "tanh_grad/own-from-output@baseline"}));
  EXPECT_NE(clitest::ReadAll(dir.path() + "/out/report.md").find("**user**"), std::string::npos);
}

TEST(OwnProgram, RefusesABadRegistrationAtStartUp) {
  TempDir dir;
  for (const char* fault : {"negative", "nan", "domain", "activation", "duplicate", "forward-kernel-for-grad",
                            "grad-kernel-for-forward", "from-output-forward"}) {
    ::setenv("ACTBENCH_TEST_BAD_REGISTRATION", fault, 1);
    RunOptions o;
    o.binary = OWN_KERNEL_BIN;
    const auto r = RunCli({"list"}, dir.path(), o);
    ::unsetenv("ACTBENCH_TEST_BAD_REGISTRATION");
    EXPECT_EQ(r.status, 2) << fault << ": " << r.Describe();
    EXPECT_TRUE(r.out.empty()) << fault;
    EXPECT_EQ(clitest::SplitLines(r.err).size(), 1u) << fault << ": " << r.err;
    EXPECT_NE(r.err.find("actbench: error: registration '"), std::string::npos) << fault << ": " << r.err;
  }
}

TEST(Plugin, RowsJoinEveryCommandInFamilyUser) {
  TempDir dir;
  const auto list = RunCli({"list", "--load", ACTBENCH_PLUGIN_good, "--family", "user", "--json"}, dir.path());
  ASSERT_EQ(list.status, 0) << list.Describe();
  const auto j = nlohmann::json::parse(list.out);
  ASSERT_EQ(j["variants"].size(), 1u);
  EXPECT_EQ(j["variants"][0]["id"], "sigmoid/plugin-f64");
  EXPECT_EQ(j["variants"][0]["family"], "user");

  const auto check = RunCli({"check", "--load", ACTBENCH_PLUGIN_good, "--family", "user"}, dir.path());
  EXPECT_EQ(check.status, 0) << check.Describe();
  EXPECT_NE(check.out.find("safe    sigmoid/plugin-f64@baseline"), std::string::npos) << check.out;

  const std::string in = dir.path() + "/in.bin", out = dir.path() + "/out.bin";
  const float x[3] = {-100.0f, 0.0f, 3.0f};
  clitest::WriteAll(in, std::string(reinterpret_cast<const char*>(x), sizeof x));
  const auto eval = RunCli({"eval", "--load", ACTBENCH_PLUGIN_good, "-v", "sigmoid/plugin-f64", "--in", in, "--out", out},
                           dir.path());
  ASSERT_EQ(eval.status, 0) << eval.Describe();
  const std::string y = clitest::ReadAll(out);
  ASSERT_EQ(y.size(), sizeof x);
  float got[3];
  std::memcpy(got, y.data(), sizeof got);
  EXPECT_EQ(got[1], 0.5f);
  EXPECT_EQ(got[2], static_cast<float>(1 / (1 + std::exp(-3.0))));
  EXPECT_GT(got[0], 0.0f);

  const std::string json = dir.path() + "/r.json";
  const auto run = RunCli({"run", "--quick", "--load", ACTBENCH_PLUGIN_good, "-v", "sigmoid/plugin-f64", "--json",
                           json, "--out", dir.path() + "/out", "--min-time", "0.01", "--benchmark_filter=/L1/"},
                          dir.path());
  ASSERT_EQ(run.status, 0) << run.Describe();
  const auto row = nlohmann::json::parse(clitest::ReadAll(json))["rows"].at(0);
  EXPECT_EQ(row["plugin"], ACTBENCH_PLUGIN_good);
  EXPECT_EQ(row["safety"], "checked");
  EXPECT_TRUE(row["accuracy"]["promise_held"].get<bool>());
  ASSERT_EQ(row["bench"].size(), 1u);
  EXPECT_GT(row["bench"][0]["creation_ns"].get<double>(), 0.0) << "the prepare step is timed apart";
}

// Backward kernels through the C ABI: two inputs, dx = dy f'(x), in place on
// dx == dy; a version 1 plugin's tail padding is not read as first_input; a
// from-output kernel is given y = f(x), correctly rounded.
TEST(Plugin, BackwardKernelsAreMeasuredLikeForwardOnes) {
  TempDir dir;
  for (const char* plugin : {ACTBENCH_PLUGIN_grad, ACTBENCH_PLUGIN_grad_abi1, ACTBENCH_PLUGIN_grad_from_y}) {
    const std::string json = dir.path() + "/r.json";
    const auto run = RunCli({"run", "--quick", "--load", plugin, "--family", "user", "--json", json, "--out",
                             dir.path() + "/out", "--min-time", "0.01", "--benchmark_filter=/L1/"},
                            dir.path());
    ASSERT_EQ(run.status, 0) << plugin << ": " << run.Describe();
    const auto row = nlohmann::json::parse(clitest::ReadAll(json))["rows"].at(0);
    EXPECT_EQ(row["label"], "sigmoid_grad/plugin-f64@baseline");
    EXPECT_EQ(row["safety"], "checked") << "the two-input check ran";
    ASSERT_EQ(row["bench"].size(), 1u);
    EXPECT_EQ(row["bench"][0]["bytes"].get<double>(), row["bench"][0]["n"].get<double>() * 12);
    if (std::string(plugin) == ACTBENCH_PLUGIN_grad_from_y) {
      EXPECT_EQ(row["first_input"], "y");
      // y (1 - y) from the rounded y: fine where y is well inside (0, 1), all
      // bits lost where y rounds to 1 (x > 16.6) while sigmoid' is still e^-x.
      EXPECT_GT(row["accuracy"]["error"]["max_ulp"].get<double>(), 1e6);
    } else {
      EXPECT_EQ(row["first_input"], "x") << plugin;
      EXPECT_TRUE(row["accuracy"]["promise_held"].get<bool>()) << plugin;
      EXPECT_LE(row["accuracy"]["error"]["max_ulp"].get<double>(), 0.51) << plugin;
    }
  }
  // eval: dy from --dy, or 1.
  const std::string in = dir.path() + "/x.bin", g = dir.path() + "/dy.bin", out = dir.path() + "/dx.bin";
  const float x[3] = {0.0f, 2.0f, -30.0f}, dy[3] = {2.0f, -1.0f, 0.5f};
  clitest::WriteAll(in, std::string(reinterpret_cast<const char*>(x), sizeof x));
  clitest::WriteAll(g, std::string(reinterpret_cast<const char*>(dy), sizeof dy));
  for (bool with_dy : {false, true}) {
    std::vector<std::string> args = {"eval", "--load", ACTBENCH_PLUGIN_grad, "-v", "sigmoid_grad/plugin-f64",
                                     "--in", in, "--out", out};
    if (with_dy) args.insert(args.end(), {"--dy", g});
    const auto eval = RunCli(args, dir.path());
    ASSERT_EQ(eval.status, 0) << eval.Describe();
    const std::string bytes = clitest::ReadAll(out);
    ASSERT_EQ(bytes.size(), sizeof x);
    float got[3];
    std::memcpy(got, bytes.data(), sizeof got);
    for (int i = 0; i < 3; ++i) {
      const double e = std::exp(-std::fabs(double(x[i])));
      EXPECT_EQ(got[i], static_cast<float>((with_dy ? dy[i] : 1.0) * (e / ((1 + e) * (1 + e))))) << i;
    }
  }
}

// A variant described once per target is one variant with several rows, each
// target with its own bound; rows for a CPU feature this CPU lacks are not run.
TEST(Plugin, ADescriptionPerTargetIsOneVariantWithThoseTargets) {
  TempDir dir;
  const auto list = RunCli({"list", "--load", ACTBENCH_PLUGIN_two_targets, "--family", "user", "--json"}, dir.path());
  ASSERT_EQ(list.status, 0) << list.Describe();
  const auto j = nlohmann::json::parse(list.out);
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  ASSERT_EQ(j["variants"].size(), avx2 ? 2u : 1u) << list.out;
  EXPECT_EQ(j["variants"][0]["id"], "sigmoid/plugin-f64");
  EXPECT_EQ(j["variants"][0]["target"], "baseline");
  EXPECT_EQ(j["variants"][0]["promise_max_ulp"], 0.51);
  if (avx2) {
    EXPECT_EQ(j["variants"][1]["id"], "sigmoid/plugin-f64");
    EXPECT_EQ(j["variants"][1]["target"], "AVX2");
    EXPECT_EQ(j["variants"][1]["promise_max_ulp"], 0.75) << "the AVX2 row's own bound";
  }
  const float x = 1.0f;
  clitest::WriteAll(dir.path() + "/in.bin", std::string(reinterpret_cast<const char*>(&x), sizeof x));
  const auto eval = RunCli({"eval", "--load", ACTBENCH_PLUGIN_two_targets, "-v", "sigmoid/plugin-f64", "-t", "AVX2",
                            "--in", dir.path() + "/in.bin", "--out", dir.path() + "/o.bin"},
                           dir.path());
  EXPECT_EQ(eval.status, avx2 ? 0 : 2) << eval.Describe();
}

// A broken plugin: one line, exit 2, nothing measured, no report written.
TEST(Plugin, BrokenPluginsAreRefusedBeforeAnythingIsMeasured) {
  TempDir dir;
  const std::string json = dir.path() + "/r.json";
  const std::pair<const char*, const char*> cases[] = {
      {ACTBENCH_PLUGIN_wrong_abi, "ABI version 999"},
      {ACTBENCH_PLUGIN_duplicate, "sigmoid/plugin-f64@baseline is described twice"},
      {ACTBENCH_PLUGIN_targets_differ, "sigmoid/plugin-f64 is described once per target, and its targets differ in description"},
      {ACTBENCH_PLUGIN_bad_promise, "is not a number >= 0"},
      {ACTBENCH_PLUGIN_no_entry, "no entry point"},
      {ACTBENCH_PLUGIN_empty_domain, "empty domain"},
      {ACTBENCH_PLUGIN_unknown_activation, "unknown activation 'sigmoidd'"},
      {ACTBENCH_PLUGIN_grad_arity, "arity 1, but sigmoid_grad takes 2 inputs"},
      {ACTBENCH_PLUGIN_grad_bad_input, "first_input 7 is neither"},
      {"/nonexistent/libnope.so", "No such file"},
      {OWN_KERNEL_BIN, "cannot load"},  // a file that is not a shared library
  };
  for (const auto& [path, why] : cases) {
    const auto r = RunCli({"accuracy", "--quick", "--load", path, "--json", json}, dir.path());
    EXPECT_EQ(r.status, 2) << path << ": " << r.Describe();
    EXPECT_EQ(clitest::SplitLines(r.err).size(), 1u) << path << ": " << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << path << ": " << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << "names the plugin: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(json)) << path;
  }
}

// An unsafe kernel: `check` says so (exit 1); measuring commands refuse it
// before measuring (exit 2), unless --no-check, and then the row says so.
TEST(Plugin, UnsafeKernelsAreFoundAndNotMeasured) {
  TempDir dir;
  const auto check = RunCli({"check", "--load", ACTBENCH_PLUGIN_unsafe, "--family", "user"}, dir.path());
  EXPECT_EQ(check.status, 1) << check.Describe();
  EXPECT_NE(check.out.find("UNSAFE  sigmoid/plugin-f64@baseline"), std::string::npos) << check.out;
  const std::string json = dir.path() + "/r.json";
  const auto acc = RunCli({"accuracy", "--quick", "--load", ACTBENCH_PLUGIN_unsafe, "--family", "user", "--json", json},
                          dir.path());
  EXPECT_EQ(acc.status, 2) << acc.Describe();
  EXPECT_NE(acc.err.find("is unsafe"), std::string::npos) << acc.err;
  EXPECT_FALSE(std::filesystem::exists(json));
}

// Built-in rows pass the same check through the isolated path.
TEST(Safety, IsolatedCheckAgreesWithTheInProcessOne) {
  std::vector<const Variant*> vs = {FindVariant("sigmoid/rr2-p7-div"), FindVariant("relu/max")};
  const std::vector<VariantTarget> rows = RunnableTargets(vs);
  for (const SafetyVerdict& v : CheckSafetyIsolated(rows)) EXPECT_TRUE(v.safe) << v.label << ": " << v.failure;
}


// Peer plugins (impls/plugin_loader.h): found by file name in
// $ACTBENCH_PEER_PLUGIN_DIR, loaded only when the selection can include their
// rows, in family "peer" with their library's version.
class PeerPluginDir {
 public:
  // `plugin` copied into a fresh folder as actbench-peer-<library>.so.
  PeerPluginDir(const std::string& plugin, const std::string& library) {
    std::filesystem::copy_file(plugin, dir_.path() + "/actbench-peer-" + library + ".so");
    ::setenv("ACTBENCH_PEER_PLUGIN_DIR", dir_.path().c_str(), 1);
  }
  ~PeerPluginDir() { ::unsetenv("ACTBENCH_PEER_PLUGIN_DIR"); }

 private:
  TempDir dir_;
};

TEST(PeerPlugin, JoinsAsAPeerWithItsVersion) {
  TempDir dir;
  PeerPluginDir peers(ACTBENCH_PLUGIN_peer, "testpeer");
  const auto list = RunCli({"list", "--family", "peer", "--json"}, dir.path());
  ASSERT_EQ(list.status, 0) << list.Describe();
  bool found = false;
  const auto listed = nlohmann::json::parse(list.out);
  for (const auto& v : listed["variants"]) {
    if (v["id"] != "sigmoid/testpeer-f64") continue;
    found = true;
    EXPECT_EQ(v["family"], "peer");
    EXPECT_EQ(v["library"], "testpeer");
  }
  EXPECT_TRUE(found) << list.out;
  const std::string json = dir.path() + "/r.json";
  const auto acc = RunCli({"accuracy", "--quick", "-v", "sigmoid/testpeer-f64", "--json", json}, dir.path());
  ASSERT_EQ(acc.status, 0) << acc.Describe();
  const auto r = nlohmann::json::parse(clitest::ReadAll(json));
  EXPECT_EQ(r["machine"]["peers"]["testpeer"], "9.9");
  EXPECT_EQ(r["rows"].at(0)["peer"]["library"], "testpeer");
  EXPECT_EQ(r["rows"].at(0)["peer"]["version"], "9.9");
  EXPECT_FALSE(r["rows"].at(0).contains("plugin") && r["rows"].at(0)["plugin"].is_string())
      << "a peer row is known by its library, not by a path";
}

TEST(PeerPlugin, AFolderThatIsNotOneIsRefused) {
  TempDir dir;
  ::setenv("ACTBENCH_PEER_PLUGIN_DIR", "/nonexistent/peers", 1);
  const auto r = RunCli({"list"}, dir.path());
  ::unsetenv("ACTBENCH_PEER_PLUGIN_DIR");
  EXPECT_EQ(r.status, 2) << r.Describe();
  EXPECT_EQ(clitest::SplitLines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("ACTBENCH_PEER_PLUGIN_DIR=/nonexistent/peers is not a directory"), std::string::npos) << r.err;
}

// Whether a command loads a peer plugin, seen through a broken one: a
// selection that cannot include its rows never loads it (and succeeds); one
// that can is refused in one line, before anything is measured.
TEST(PeerPlugin, LoadsOnlyWhenTheSelectionCanIncludeItsRows) {
  TempDir dir;
  PeerPluginDir peers(ACTBENCH_PLUGIN_no_entry, "broken");
  const std::string json = dir.path() + "/r.json";
  const std::vector<std::vector<std::string>> without = {
      {"list", "--family", "simd"},
      {"list", "-v", "sigmoid/rr2-p7-div"},
      {"accuracy", "--quick", "-v", "sigmoid/rr2-p7-div", "--json", json},
      {"check", "--family", "scalar", "-a", "relu"},
  };
  for (const auto& args : without) {
    const auto r = RunCli(args, dir.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    EXPECT_EQ(r.err.find("actbench-peer-broken.so"), std::string::npos) << args[0] << " " << args[1] << ": " << r.err;
  }
  ASSERT_TRUE(std::filesystem::remove(json));
  const std::vector<std::vector<std::string>> with = {
      {"list"},
      {"list", "--family", "peer"},
      {"list", "-v", "sigmoid/broken-thing"},
      {"accuracy", "--quick", "-a", "sigmoid", "--json", json},
      {"eval", "-v", "sigmoid/broken-x", "--in", json, "--out", json},
  };
  for (const auto& args : with) {
    const auto r = RunCli(args, dir.path());
    EXPECT_EQ(r.status, 2) << args[0] << ": " << r.Describe();
    EXPECT_EQ(clitest::SplitLines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("actbench-peer-broken.so: no entry point"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(json)) << "nothing measured, nothing written";
}

// A peer plugin must name itself as its file does, give a version, and name
// its variants "<library>-...": the command line relies on that prefix.
TEST(PeerPlugin, ABadPeerPluginIsRefused) {
  TempDir dir;
  const std::tuple<const char*, std::string, std::string> cases[] = {
      {ACTBENCH_PLUGIN_peer, "testpeer2", "names itself as its file does ('testpeer2'), not 'testpeer'"},
      {ACTBENCH_PLUGIN_peer_no_version, "testpeer", "gives its library's version"},
      {ACTBENCH_PLUGIN_peer_bad_prefix, "testpeer", "sigmoid/plugin-f64: a peer plugin's variant names start with 'testpeer-'"},
  };
  for (const auto& [plugin, library, why] : cases) {
    PeerPluginDir peers(plugin, library);
    const auto r = RunCli({"list"}, dir.path());
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(clitest::SplitLines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace actbench
