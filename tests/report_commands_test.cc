// Tests of `actbench pick`, `compare` and `merge`, and of the extra files
// `run` writes, run as a user runs them: the real binary (ACTBENCH_BIN), real
// files, exit codes, stdout and stderr apart.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "decide_fixtures.h"
#include "reports/merge.h"
#include "reports/report.h"
#include "cli_support.h"

namespace actbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::FixtureReport;
using testing::FixtureRow;
using namespace clitest;  // NOLINT: RunCli, ReadAll, Snapshot

void WriteReport(const fs::path& p, const Report& r) {
  std::ofstream f(p);
  f << ToJson(r).dump(2);
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class ReportCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/actbench_report_commands.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directory(dir_ / "work");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs actbench in dir_/work.
  CliResult Actbench(const std::vector<std::string>& args) { return RunCli(args, (dir_ / "work").string()); }

  fs::path Work(const std::string& name) const { return dir_ / "work" / name; }

  std::map<std::string, std::string> Files() const { return Snapshot((dir_ / "work").string()); }

  // Bad input: one line on stderr starting "actbench: error:", exit 2,
  // nothing on stdout, no file created or changed.
  void ExpectBadInput(const std::vector<std::string>& args, const std::string& mention = "") {
    std::string shown;
    for (const std::string& a : args) shown += " " + a;
    SCOPED_TRACE("actbench" + shown);
    const auto before = Files();
    const CliResult r = Actbench(args);
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
    EXPECT_EQ(r.err.rfind("actbench: error: ", 0), 0u) << r.Describe();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.Describe();
    if (!mention.empty()) {
      EXPECT_NE(r.err.find(mention), std::string::npos) << r.Describe();
    }
    EXPECT_TRUE(Files() == before) << "files changed";
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------
// pick

TEST_F(ReportCommands, PickPrintsTheFastestWithinBudget) {
  fs::create_directory(Work("out"));
  WriteReport(Work("out/report.json"), FixtureReport());
  CliResult r = Actbench({"pick", "--max-ulp", "2"});  // default --report out/report.json
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_NE(r.out.find("| sigmoid | sigmoid/rr2-p7-div@AVX3 | 1.5 | 2 | 4.00 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| gelu | gelu/erf-f64@baseline |"), std::string::npos) << r.out;

  r = Actbench({"pick", "--max-ulp", "4", "-a", "sigmoid", "--target", "AVX2", "--json"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  const json j = json::parse(r.out);
  ASSERT_EQ(j["picks"].size(), 1u);
  EXPECT_EQ(j["picks"][0]["choice"], "sigmoid/rr1-p6-nr1@AVX2");
  EXPECT_EQ(j["picks"][0]["l1_elements_per_second"], 3e9);
}

TEST_F(ReportCommands, PickEmitsAHeader) {
  WriteReport(Work("r.json"), FixtureReport());
  const CliResult r = Actbench({"pick", "--max-ulp", "2", "--report", "r.json", "--emit-header", "choice.h"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  const std::string h = ReadAll(Work("choice.h"));
  EXPECT_NE(h.find("constexpr const char* kActbenchSigmoid = \"sigmoid/rr2-p7-div@AVX3\";"), std::string::npos) << h;
  EXPECT_NE(h.find("namespace actbench::picked"), std::string::npos) << h;
  // A small program built with it and actbench::kernels alone, -Wall -Wextra
  // -Werror, gives the bits `actbench eval` gives for the picked variant
  // (pinned to AVX3; dispatched at run time where this CPU lacks it, as eval
  // without a target is).
  if (std::system("command -v c++ > /dev/null 2>&1") == 0) {
    std::ofstream(Work("use.cc")) << R"(#include "choice.h"
#include <cstdio>
#include <vector>
int main() {
  std::vector<float> x(1000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = -40.0f + 0.0833f * static_cast<float>(i);
  std::vector<float> y(x.size());
  actbench::picked::sigmoid(x.data(), y.data(), x.size());
  std::FILE* in = std::fopen("in.bin", "wb");
  std::FILE* out = std::fopen("picked.bin", "wb");
  if (!in || !out) return 1;
  std::fwrite(x.data(), sizeof(float), x.size(), in);
  std::fwrite(y.data(), sizeof(float), y.size(), out);
  return std::fclose(in) != 0 || std::fclose(out) != 0;
}
)";
    const std::string cmd = "cd " + Quote(Work("").string()) +
                            " && c++ -std=c++17 -O1 " ACTBENCH_BUILD_CXX_FLAGS " -Wall -Wextra -Werror -I " ACTBENCH_INCLUDE_DIR
                            " use.cc " ACTBENCH_KERNELS_LIB " -lhwy -o use && ./use";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << h;
    const CliResult e = Actbench({"eval", "-v", "sigmoid/rr2-p7-div", "--in", "in.bin", "--out", "eval.bin"});
    ASSERT_EQ(e.status, 0) << e.Describe();
    EXPECT_EQ(ReadAll(Work("picked.bin")), ReadAll(Work("eval.bin")));
  }
}

// A backward pick binds a two-input function through FindGradPreferring; a
// from-output pick is <activation>_from_output and takes y. The program gives
// eval's bits.
TEST_F(ReportCommands, PickEmitsABackwardHeader) {
  Report rep = FixtureReport();
  ReportRow grad = FixtureRow("sigmoid_grad", "rr2-p7-f64", "AVX3", 0.51, 1, 1.0);
  grad.first_input = "x";
  ReportRow from_y = FixtureRow("tanh_grad", "from-output-f32", "baseline", 1.5, 2, 2.0);
  from_y.first_input = "y";
  from_y.family = "scalar";
  rep.rows.push_back(grad);
  rep.rows.push_back(from_y);
  WriteReport(Work("r.json"), rep);
  const CliResult r = Actbench({"pick", "--max-ulp", "2", "-a", "sigmoid_grad,tanh_grad", "--report", "r.json",
                                "--emit-header", "grad.h"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  const std::string h = ReadAll(Work("grad.h"));
  EXPECT_NE(h.find("FindGradPreferring(\"sigmoid_grad/rr2-p7-f64\", \"AVX3\")"), std::string::npos) << h;
  EXPECT_NE(h.find("inline void tanh_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n)"),
            std::string::npos) << h;
  if (std::system("command -v c++ > /dev/null 2>&1") == 0) {
    std::ofstream(Work("use.cc")) << R"(#include "grad.h"
#include <cstdio>
#include <vector>
int main() {
  std::vector<float> x(1000), dy(1000);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = -40.0f + 0.0833f * static_cast<float>(i);
    dy[i] = 0.5f + 0.001f * static_cast<float>(i);
  }
  std::vector<float> dx(x.size());
  actbench::picked::sigmoid_grad(x.data(), dy.data(), dx.data(), x.size());
  std::FILE* in = std::fopen("in.bin", "wb");
  std::FILE* g = std::fopen("dy.bin", "wb");
  std::FILE* out = std::fopen("picked.bin", "wb");
  if (!in || !g || !out) return 1;
  std::fwrite(x.data(), sizeof(float), x.size(), in);
  std::fwrite(dy.data(), sizeof(float), dy.size(), g);
  std::fwrite(dx.data(), sizeof(float), dx.size(), out);
  return std::fclose(in) != 0 || std::fclose(g) != 0 || std::fclose(out) != 0;
}
)";
    const std::string cmd = "cd " + Quote(Work("").string()) +
                            " && c++ -std=c++17 -O1 " ACTBENCH_BUILD_CXX_FLAGS " -Wall -Wextra -Werror -I " ACTBENCH_INCLUDE_DIR
                            " use.cc " ACTBENCH_KERNELS_LIB " -lhwy -o use && ./use";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << h;
    const CliResult e =
        Actbench({"eval", "-v", "sigmoid_grad/rr2-p7-f64", "--in", "in.bin", "--dy", "dy.bin", "--out", "eval.bin"});
    ASSERT_EQ(e.status, 0) << e.Describe();
    EXPECT_EQ(ReadAll(Work("picked.bin")), ReadAll(Work("eval.bin")));
  }
}

TEST_F(ReportCommands, PickBadInput) {
  WriteReport(Work("r.json"), FixtureReport());
  std::ofstream(Work("broken.json")) << "{\"schema\": ";
  ExpectBadInput({"pick", "--report", "r.json"}, "--max-ulp");
  ExpectBadInput({"pick", "--max-ulp", "-1", "--report", "r.json"});
  ExpectBadInput({"pick", "--max-ulp", "x", "--report", "r.json"});
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "missing.json"}, "missing.json");
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "broken.json"}, "not valid JSON");
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "r.json", "-a", "nosuch"}, "nosuch");
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "r.json", "-t", "NEON"}, "NEON");
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "r.json", "--emit-header", "no/such/dir/h.h"});
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "r.json", "--emit-header", "."});
  // A merged report needs --machine.
  WriteReport(Work("m.json"), MergeReports({FixtureReport("a", "A"), FixtureReport("b", "B")}, {"a", "b"}));
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "m.json"}, "--machine");
  ExpectBadInput({"pick", "--max-ulp", "2", "--report", "m.json", "--machine", "3"}, "--machine");
  const CliResult r = Actbench({"pick", "--max-ulp", "2", "--report", "m.json", "--machine", "2"});
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_NE(r.out.find("b (B)"), std::string::npos) << r.out;
}

// ---------------------------------------------------------------------------
// compare

TEST_F(ReportCommands, CompareExitCodes) {
  Report base = FixtureReport();
  WriteReport(Work("base.json"), base);
  CliResult r = Actbench({"compare", "base.json", "base.json"});
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_NE(r.out.find("**Verdict: clean**"), std::string::npos) << r.out;

  Report worse = base;
  worse.rows[1].accuracy->error.max_ulp = 1.9;
  WriteReport(Work("worse.json"), worse);
  r = Actbench({"compare", "base.json", "worse.json", "--json", "c.json", "--markdown", "c.md"});
  EXPECT_EQ(r.status, 1) << r.Describe();
  EXPECT_NE(r.out.find("| sigmoid/rr2-p7-div@AVX3 | 1.5 | 1.9 | 2 | **FAIL**"), std::string::npos) << r.out;
  EXPECT_EQ(ReadAll(Work("c.md")), r.out);
  const json j = json::parse(ReadAll(Work("c.json")));
  EXPECT_EQ(j["verdict"], "regression");
  EXPECT_EQ(j["accuracy_failures"], 1);
  r = Actbench({"compare", "base.json", "worse.json", "--tolerance-ulp", "0.5"});
  EXPECT_EQ(r.status, 0) << r.Describe();

  // Speed: 10 repetitions 25% slower on the same CPU.
  base.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 4.0, 10)};
  Report slow = base;
  slow.rows = {FixtureRow("sigmoid", "rr2-p7-div", "AVX3", 1.5, 2, 3.0, 10)};
  WriteReport(Work("b10.json"), base);
  WriteReport(Work("s10.json"), slow);
  r = Actbench({"compare", "b10.json", "s10.json"});
  EXPECT_EQ(r.status, 1) << r.Describe();
  EXPECT_NE(r.out.find("**REGRESSION**"), std::string::npos) << r.out;
  r = Actbench({"compare", "b10.json", "s10.json", "--min-effect", "0.3"});
  EXPECT_EQ(r.status, 0) << r.Describe();
  // On another machine: not compared.
  slow.machine = testing::FixtureMachine("elsewhere", "Other CPU");
  WriteReport(Work("o10.json"), slow);
  r = Actbench({"compare", "b10.json", "o10.json"});
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_NE(r.out.find("speed not compared: different machines"), std::string::npos) << r.out;

  // Nothing compared: exit 3, one line on stderr saying why, never "clean".
  Report renamed = FixtureReport();
  for (ReportRow& row : renamed.rows) row.variant += "-other";
  WriteReport(Work("renamed.json"), renamed);
  r = Actbench({"compare", "base.json", "renamed.json", "--json", "n.json"});
  EXPECT_EQ(r.status, 3) << r.Describe();
  EXPECT_NE(r.out.find("**Verdict: nothing compared**"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Verdict: clean"), std::string::npos) << r.out;
  EXPECT_EQ(SplitLines(r.err).size(), 1u) << r.Describe();
  EXPECT_NE(r.err.find("no row is in both reports"), std::string::npos) << r.Describe();
  EXPECT_EQ(json::parse(ReadAll(Work("n.json")))["verdict"], "nothing compared");
  Report no_bench = FixtureReport();
  for (ReportRow& row : no_bench.rows) row.bench.clear();
  WriteReport(Work("nobench.json"), no_bench);
  r = Actbench({"compare", "base.json", "nobench.json"});
  EXPECT_EQ(r.status, 3) << r.Describe();
  EXPECT_NE(r.err.find("NEW has none"), std::string::npos) << r.Describe();
  r = Actbench({"compare", "base.json", "nobench.json", "--accuracy-only"});
  EXPECT_EQ(r.status, 0) << r.Describe();
}

TEST_F(ReportCommands, CompareBadInput) {
  WriteReport(Work("a.json"), FixtureReport());
  json v2 = ToJson(FixtureReport());
  v2["schema_version"] = 99;
  std::ofstream(Work("v99.json")) << v2.dump();
  ExpectBadInput({"compare", "a.json"});
  ExpectBadInput({"compare", "a.json", "missing.json"}, "missing.json");
  ExpectBadInput({"compare", "a.json", "v99.json"}, "schema_version");
  ExpectBadInput({"compare", "a.json", "a.json", "--alpha", "2"});
  ExpectBadInput({"compare", "a.json", "a.json", "--min-effect", "-0.1"});
  ExpectBadInput({"compare", "a.json", "a.json", "--tolerance-ulp", "nan"});
  ExpectBadInput({"compare", "a.json", "a.json", "--json", "no/dir/c.json"});
  ExpectBadInput({"compare", "a.json", "a.json", "--bogus"});
}

// The recipes of docs/exhaustive.md and docs/deciding.md, end to end with the
// machine identity they really have: each shard or run at its own time, CI
// runners and cluster nodes with hostnames of their own and one
// --machine-name. On f5c377f three shards measured a second apart merged into
// "2 machines", compare then found 0 rows in both and said clean, and pick
// asked for --machine.
class Recipes : public ReportCommands {
 protected:
  // A report as a run on `host` at `date` would have written it.
  void RunAs(const std::string& file, const std::string& host, const std::string& date) {
    json j = json::parse(ReadAll(Work(file)));
    j["machine"]["hostname"] = host;
    j["machine"]["date"] = date;
    std::ofstream(Work(file)) << j.dump(2);
  }
};

TEST_F(Recipes, ShardsOnAJobMatrixOrASlurmArrayAreOneMachine) {
  const std::vector<std::string> sweep = {"accuracy", "--exhaustive", "-v", "relu/max,sigmoid/exp-div-f64",
                                          "-t",       "baseline",     "--range", "0x3f000000", "0x3f00ffff"};
  for (const char* name : {"gha-ubuntu", "cpu-partition"}) {
    SCOPED_TRACE(name);
    std::vector<std::string> shards;
    for (int i = 1; i <= 3; ++i) {
      const std::string file = std::string(name) + "-" + std::to_string(i) + ".json";
      std::vector<std::string> args = sweep;
      args.insert(args.end(), {"--shard", std::to_string(i) + "/3", "--machine-name", name, "--json", file});
      const CliResult r = Actbench(args);
      ASSERT_EQ(r.status, 0) << r.Describe();
      RunAs(file, "runner-" + std::to_string(i), "2026-12-04T10:00:0" + std::to_string(i) + "Z");
      shards.push_back(file);
    }
    std::vector<std::string> merge = {"merge"};
    merge.insert(merge.end(), shards.begin(), shards.end());
    merge.insert(merge.end(), {"--out", "merged.json", "--markdown", "merged.md", "--html", "merged.html"});
    const CliResult m = Actbench(merge);
    ASSERT_EQ(m.status, 0) << m.Describe();
    EXPECT_NE(m.err.find("1 machines"), std::string::npos) << m.Describe();
    // Named, and with the exhaustive histograms the JSON holds.
    const std::string md = ReadAll(Work("merged.md")), html = ReadAll(Work("merged.html"));
    EXPECT_NE(md.find(std::string("- Machine: ") + name + "\n"), std::string::npos) << md;
    EXPECT_NE(md.find("## Exhaustive sweep: ULP error histogram per row"), std::string::npos) << md;
    EXPECT_NE(md.find("| `relu/max@baseline` | 65536 |"), std::string::npos) << md;
    EXPECT_NE(html.find(std::string("<tr><th>name</th><td>") + name + "</td>"), std::string::npos);
    EXPECT_NE(html.find("<h2>Exhaustive sweep</h2>"), std::string::npos);
    const Report merged = ReadReport(Work("merged.json").string());
    EXPECT_EQ(merged.MachineCount(), 1u);
    ASSERT_EQ(merged.rows.size(), 2u);

    // The same sweep in one piece, on this machine under that name, a minute later.
    std::vector<std::string> whole = sweep;
    whole.insert(whole.end(), {"--machine-name", name, "--json", "whole.json"});
    ASSERT_EQ(Actbench(whole).status, 0);
    RunAs("whole.json", "runner-9", "2026-12-04T10:01:00Z");
    const Report one = ReadReport(Work("whole.json").string());
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_TRUE(merged.rows[i].accuracy && one.rows[i].accuracy);
      EXPECT_EQ(merged.rows[i].accuracy->inputs, one.rows[i].accuracy->inputs);
      EXPECT_EQ(merged.rows[i].accuracy->error.max_ulp, one.rows[i].accuracy->error.max_ulp);
    }
    const CliResult c = Actbench({"compare", "whole.json", "merged.json", "--json", "c.json"});
    EXPECT_EQ(c.status, 0) << c.Describe();
    EXPECT_NE(c.out.find("Rows in both: 2;"), std::string::npos) << c.out;
    EXPECT_EQ(json::parse(ReadAll(Work("c.json")))["verdict"], "clean");
  }
  // Two machines: each row says which, in every form.
  const CliResult two = Actbench({"merge", "gha-ubuntu-1.json", "cpu-partition-1.json", "--out", "two.json",
                                  "--markdown", "two.md", "--html", "two.html"});
  ASSERT_EQ(two.status, 0) << two.Describe();
  const std::string md = ReadAll(Work("two.md")), html = ReadAll(Work("two.html"));
  EXPECT_NE(md.find("- Machines: m1 gha-ubuntu; m2 cpu-partition\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| machine | variant@target |"), std::string::npos) << md;
  EXPECT_NE(md.find("| m1 | max@baseline |"), std::string::npos) << md;
  EXPECT_NE(md.find("| m2 | max@baseline |"), std::string::npos) << md;
  EXPECT_NE(md.find("| m2 | `relu/max@baseline` |"), std::string::npos) << md;
  EXPECT_NE(html.find("<tr><th>name</th><td>gha-ubuntu</td><td>cpu-partition</td></tr>"), std::string::npos);
}

// docs/deciding.md's CI gate, both steps as the YAML runs them (with a small
// selection): the accuracy step against a baseline, the speed step between two
// bench reports of this machine. Whatever the timings say, the gate compares
// every row and size it measured, with repetitions enough to reach alpha.
TEST_F(Recipes, TheCiGateComparesWhatItMeasured) {
  const std::vector<std::string> sel = {"-v", "relu/max,sigmoid/exp-div-f64", "-t", "baseline"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin() + 1, sel.begin(), sel.end());
    return args;
  };
  ASSERT_EQ(Actbench(with({"accuracy", "--quick", "--json", "base-accuracy.json"})).status, 0);
  ASSERT_EQ(Actbench(with({"accuracy", "--quick", "--json", "new-accuracy.json"})).status, 0);
  CliResult c = Actbench({"compare", "base-accuracy.json", "new-accuracy.json", "--markdown", "accuracy.md"});
  EXPECT_EQ(c.status, 0) << c.Describe();
  EXPECT_NE(c.out.find("Rows in both: 2;"), std::string::npos) << c.out;

  for (const char* side : {"base-bench.json", "new-bench.json"}) {
    const CliResult b = Actbench(with({"bench", "--quick", "--min-time", "0.002", "--benchmark_repetitions=10",
                                       "--benchmark_filter=/L1/", "--json", side}));
    ASSERT_EQ(b.status, 0) << b.Describe();
  }
  c = Actbench({"compare", "base-bench.json", "new-bench.json", "--markdown", "speed.md", "--json", "speed.json"});
  EXPECT_TRUE(c.status == 0 || c.status == 1) << c.Describe();  // clean or a (noise) regression, never nothing
  const json j = json::parse(ReadAll(Work("speed.json")));
  EXPECT_EQ(j["rows_compared"], 2);
  EXPECT_EQ(j["speed"].size(), 2u);
  for (const json& s : j["speed"]) {
    EXPECT_EQ(s["base_samples"], 10);
    EXPECT_EQ(s["new_samples"], 10);
  }
  EXPECT_EQ(j["nothing_compared"], "");
  EXPECT_EQ(c.out.find("too few repetitions"), std::string::npos) << c.out;
}

TEST_F(Recipes, RunsOfOtherActivationsOnOneMachineAreOneMachine) {
  for (const char* act : {"relu", "sigmoid"}) {
    const std::string file = std::string(act) + ".json";
    const CliResult r = Actbench({"run", "--quick", "-a", act, "-t", "baseline", "--min-time", "0.002",
                                  "--benchmark_filter=/L1/", "--out", act, "--json", file});
    ASSERT_EQ(r.status, 0) << r.Describe();
    RunAs(file, "ci-box", act == std::string("relu") ? "2026-12-04T10:00:00Z" : "2026-12-04T11:30:00Z");
  }
  const CliResult m = Actbench({"merge", "relu.json", "sigmoid.json", "--out", "all.json", "--html", "all.html"});
  ASSERT_EQ(m.status, 0) << m.Describe();
  EXPECT_EQ(ReadReport(Work("all.json").string()).MachineCount(), 1u);
  // pick needs no --machine, and a CI gate against either part compares its rows.
  const CliResult p = Actbench({"pick", "--max-ulp", "4", "--report", "all.json"});
  EXPECT_EQ(p.status, 0) << p.Describe();
  EXPECT_NE(p.out.find("| relu |"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("| sigmoid |"), std::string::npos) << p.out;
  const CliResult c = Actbench({"compare", "relu.json", "all.json"});
  EXPECT_EQ(c.status, 0) << c.Describe();
  EXPECT_EQ(c.out.find("Rows in both: 0"), std::string::npos) << c.out;
}

// ---------------------------------------------------------------------------
// merge

TEST_F(ReportCommands, MergeAcrossMachines) {
  WriteReport(Work("a.json"), FixtureReport("host-a", "CPU A"));
  WriteReport(Work("b.json"), FixtureReport("host-b", "CPU B"));
  const CliResult r = Actbench({"merge", "a.json", "b.json", "--out", "m.json", "--html", "m.html", "--csv", "m.csv",
                          "--markdown", "m.md"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  const Report m = ReadReport(Work("m.json").string());
  EXPECT_EQ(m.MachineCount(), 2u);
  EXPECT_EQ(m.rows.size(), 2 * FixtureReport().rows.size());
  EXPECT_NE(ReadAll(Work("m.html")).find("<th>m1</th><th>m2</th>"), std::string::npos);
  EXPECT_NE(ReadAll(Work("m.csv")).find("host-b (CPU B)"), std::string::npos);
  EXPECT_NE(ReadAll(Work("m.md")).find("| activation | machine |"), std::string::npos);
}

// Cloud VMs and containers share hostnames and CPU models: the core count
// and a user-given name keep them apart, in the merge and in its tables.
TEST_F(ReportCommands, MergeTellsApartMachinesThatShareHostAndCpu) {
  Report a = FixtureReport("vm", "Xeon"), b = FixtureReport("vm", "Xeon");
  a.machine["cpu"]["logical_cores"] = 2;
  b.machine["cpu"]["logical_cores"] = 16;
  WriteReport(Work("a.json"), a);
  WriteReport(Work("b.json"), b);
  CliResult r = Actbench({"merge", "a.json", "b.json", "--out", "m.json", "--markdown", "m.md"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(ReadReport(Work("m.json").string()).MachineCount(), 2u);
  const std::string md = ReadAll(Work("m.md"));
  EXPECT_NE(md.find("| vm (Xeon, 2 cores) |"), std::string::npos) << md.substr(0, 2000);
  EXPECT_NE(md.find("| vm (Xeon, 16 cores) |"), std::string::npos);

  Report c = FixtureReport("vm", "Xeon"), d = FixtureReport("vm", "Xeon");
  c.machine["name"] = "runner-c";
  d.machine["name"] = "runner-d";
  WriteReport(Work("c.json"), c);
  WriteReport(Work("d.json"), d);
  r = Actbench({"merge", "c.json", "d.json", "--out", "n.json", "--csv", "n.csv"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(ReadReport(Work("n.json").string()).MachineCount(), 2u);
  const std::string csv = ReadAll(Work("n.csv"));
  EXPECT_NE(csv.find("runner-c"), std::string::npos);
  EXPECT_NE(csv.find("runner-d"), std::string::npos);
  // Without the names the two are one machine: the same rows twice.
  c.machine.erase("name");
  d.machine.erase("name");
  WriteReport(Work("c.json"), c);
  WriteReport(Work("d.json"), d);
  ExpectBadInput({"merge", "c.json", "d.json", "--out", "o.json"});
}

// --machine-name, else $ACTBENCH_MACHINE_NAME, names the machine in the report.
TEST_F(ReportCommands, MeasuringCommandsTakeAMachineName) {
  CliResult r = Actbench({"accuracy", "--quick", "-a", "relu", "--machine-name", "ci runner 7", "--json", "x.json"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(json::parse(ReadAll(Work("x.json")))["machine"]["name"], "ci runner 7");
  ::setenv("ACTBENCH_MACHINE_NAME", "from-env", 1);
  r = Actbench({"accuracy", "--quick", "-a", "relu", "--json", "y.json"});
  ::unsetenv("ACTBENCH_MACHINE_NAME");
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(json::parse(ReadAll(Work("y.json")))["machine"]["name"], "from-env");
  r = Actbench({"accuracy", "--quick", "-a", "relu", "--json", "z.json"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_FALSE(json::parse(ReadAll(Work("z.json")))["machine"].contains("name"));
  ExpectBadInput({"accuracy", "--quick", "-a", "relu", "--machine-name", ""});
}

TEST_F(ReportCommands, MergeBadInput) {
  WriteReport(Work("a.json"), FixtureReport());
  WriteReport(Work("a2.json"), FixtureReport());
  json v = ToJson(FixtureReport("x", "Y"));
  v["schema_version"] = kReportSchemaVersion + 1;
  std::ofstream(Work("v3.json")) << v.dump();
  ExpectBadInput({"merge", "a.json", "a2.json", "--out", "m.json"}, "sigmoid/f64@baseline");
  ExpectBadInput({"merge", "a.json", "v3.json", "--out", "m.json"}, "schema_version");
  ExpectBadInput({"merge", "a.json", "--out", "no/dir/m.json"});
  ExpectBadInput({"merge", "a.json"}, "--out");
  ExpectBadInput({"merge", "a.json", "missing.json", "--out", "m.json"}, "missing.json");
  // --html unwritable: refused before the merged JSON is written.
  ExpectBadInput({"merge", "a.json", "--out", "m.json", "--html", "no/dir/m.html"});
}

// ---------------------------------------------------------------------------
// run writes CSV and HTML next to the JSON and Markdown

TEST_F(ReportCommands, RunWritesCsvAndHtml) {
  const CliResult r = Actbench({"run", "--quick", "-a", "relu", "--out", "o", "--min-time", "0.01",
                          "--benchmark_filter=/L1/"});
  ASSERT_EQ(r.status, 0) << r.Describe();
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(Work("o"))) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}));
  const Report rep = ReadReport(Work("o/report.json").string());
  const std::string csv = ReadAll(Work("o/report.csv"));
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')), rep.rows.size() + 1);
  const std::string html = ReadAll(Work("o/report.html"));
  EXPECT_NE(html.find("data-activation=\"relu\""), std::string::npos);
  EXPECT_NE(html.find("class=\"frontier\""), std::string::npos);
  // The sweep's per-binade errors made it into the report.
  for (const ReportRow& row : rep.rows) {
    ASSERT_TRUE(row.accuracy.has_value());
    EXPECT_EQ(row.accuracy->error.binade_max_ulp.size(), kBinadeCount) << row.label();
  }
  // pick reads the default report path of run.
  const CliResult p = Actbench({"pick", "--max-ulp", "0.5", "--report", "o/report.json"});
  EXPECT_EQ(p.status, 0) << p.Describe();
  EXPECT_NE(p.out.find("| relu | relu/"), std::string::npos) << p.out;
}

}  // namespace
}  // namespace actbench
