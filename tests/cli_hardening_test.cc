// Hardening of the actbench command line (issue 7), run as a user runs it:
// - bad input that tests/cli_test.cc does not already cover: every
//   subcommand's flags with bad values, files that are directories, empty,
//   of odd length, unreadable, and outputs that cannot be written. Each gives
//   one line on stderr, exit status 2, and changes no file;
// - nothing lost: `actbench run` killed with SIGINT or SIGKILL at a random
//   point leaves the previous report intact and parseable; after SIGINT no
//   temporary file remains and the exit status is 130 with one last line;
// - deterministic: two accuracy runs give the same accuracy JSON.
//
// When the tests run as root (CI containers), the child drops to nobody
// (65534) so that permission bits apply to it, and runs a copy of the binary
// nobody can reach wherever the checkout is (NobodyReachableBinary).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reports/report.h"
#include "cli_support.h"

namespace actbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace clitest;  // NOLINT: RunCli, TempDir and the file helpers

// Every run here is as nobody when the tests run as root (so that permissions
// bite), with up to 10 minutes for the interrupted full runs.
CliResult RunAsNobody(const std::vector<std::string>& args, const std::string& cwd, RunOptions options = {}) {
  options.as_nobody_when_root = true;
  options.timeout = std::chrono::seconds(600);
  return RunCli(args, cwd, options);
}

// Files the child (nobody) may read and overwrite unless a test says otherwise.
void WriteForChild(const std::string& path, const std::string& bytes, mode_t mode = 0666) {
  WriteAll(path, bytes, static_cast<int>(mode));
}

void MakeDir(const std::string& path, mode_t mode) {
  ASSERT_EQ(::mkdir(path.c_str(), 0777), 0) << path;
  ::chmod(path.c_str(), mode);  // not subject to the umask
}

// A checkout in a 0700 directory (root's home) hid the binary from nobody: the
// tests that drop to nobody failed with exit 127. The binary nobody runs is a
// copy every user can reach, byte for byte the built one.
TEST(NobodyBinary, EveryUserCanReachTheCopyNobodyRuns) {
  const std::string& copy = NobodyReachableBinary();
  ASSERT_FALSE(copy.empty());
  EXPECT_EQ(ReadAll(copy), ReadAll(ACTBENCH_BIN));
  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0005, 0005u) << "others may read and execute the copy";
  for (fs::path dir = fs::path(copy).parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_mode & 0001, 0001u) << dir << " is not searchable by others";
  }
  if (::geteuid() == 0) {  // and nobody can run it
    TempDir cwd("actbench_nobody", /*world_writable=*/true);
    const CliResult r = RunAsNobody({"list", "-a", "relu"}, cwd.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
  }
}

// ---------------------------------------------------------------------------
// Bad input: one line on stderr, exit status 2, nothing on stdout, no file
// created, removed or changed.

class BadInput : public ::testing::Test {
 protected:
  void Expect(const std::vector<std::string>& args, const std::string& must_mention = "", bool as_nobody = true) {
    std::string cmd;
    for (const std::string& a : args) cmd += " '" + a + "'";
    SCOPED_TRACE("actbench" + cmd);
    const auto before = Snapshot(dir_.path());
    const CliResult r = as_nobody ? RunAsNobody(args, dir_.path()) : RunCli(args, dir_.path());
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
    const std::vector<std::string> lines = SplitLines(r.err);
    ASSERT_EQ(lines.size(), 1u) << "expected exactly one line on stderr\n" << r.Describe();
    EXPECT_EQ(lines[0].rfind("actbench: error: ", 0), 0u) << r.Describe();
    if (!must_mention.empty()) {
      EXPECT_NE(lines[0].find(must_mention), std::string::npos) << "not mentioned: " << must_mention;
    }
    EXPECT_TRUE(Snapshot(dir_.path()) == before) << "files were created, removed or changed";
  }
  std::vector<std::string> Run(std::vector<std::string> args) {
    args.insert(args.end(), kFastBench.begin(), kFastBench.end());
    return args;
  }
  TempDir dir_{"actbench_hardening", true};
};

TEST_F(BadInput, FlagValuesThatDoNotParse) {
  Expect({"bench", "-a", "relu", "--min-time", "fast"}, "min-time");
  Expect({"run", "-a", "relu", "--min-time", "nan"});
  Expect({"bench", "-a", "relu", "--min-time"}, "min-time");
  Expect({"accuracy", "-a"}, "activation");
  Expect({"accuracy", "--json"}, "json");
  Expect({"run", "--out"}, "out");
  Expect({"eval", "-v", "relu/max", "--in"}, "in");
}

TEST_F(BadInput, EmptyNames) {
  Expect({"accuracy", "-a", ""}, "activation");
  Expect({"list", "-v", ""}, "variant");
  Expect({"list", "-t", ""}, "target");
  Expect({"list", "-v", "relu"}, "relu");         // an activation is not a variant
  Expect({"list", "-v", "relu/max@AVX2"}, "AVX2");  // a row label is not a variant
  Expect({"accuracy", "-a", "relu", "--quick", "--json", ""}, "--json");  // not "no --json"
  Expect({"run", "-a", "relu", "--quick", "--out", ""}, "--out");         // refused before measuring
  Expect({"bench", "-a", "relu", "--benchmark_repetitions=x"}, "benchmark_repetitions");
  Expect({"bench", "-a", "relu", "--benchmark_min_time=abc"}, "benchmark_min_time");
}

TEST_F(BadInput, FlagsOfOtherSubcommands) {
  Expect({"list", "--quick"}, "--quick");
  Expect({"accuracy", "-a", "relu", "--min-time", "1"}, "--min-time");
  Expect({"accuracy", "-a", "relu", "--out", "o"}, "--out");
  Expect({"bench", "-a", "relu", "--out", "o"}, "--out");
  Expect({"eval", "-v", "relu/max", "--in", "x", "--out", "y", "--json", "z"}, "--json");
  Expect({"eval", "-v", "relu/max", "--in", "x", "--out", "y", "-a", "relu"});
  Expect({"list", "run"}, "run");
  Expect({"--quick", "list"});
}

TEST_F(BadInput, EvalInputFiles) {
  MakeDir(dir_ / "d", 0777);
  Expect({"eval", "-v", "relu/max", "--in", "d", "--out", "o.bin"}, "d");
  Expect({"eval", "-v", "relu/max", "--in", "", "--out", "o.bin"});
  for (size_t odd : {1, 2, 3, 5, 4099}) {
    WriteForChild(dir_ / "odd.bin", std::string(odd, '\x01'));
    Expect({"eval", "-v", "relu/max", "--in", "odd.bin", "--out", "o.bin"}, "odd.bin");
  }
  WriteForChild(dir_ / "secret.bin", std::string(8, '\0'), 0000);
  Expect({"eval", "-v", "relu/max", "--in", "secret.bin", "--out", "o.bin"}, "secret.bin");
  WriteForChild(dir_ / "file", "x");
  Expect({"eval", "-v", "relu/max", "--in", "file/x.bin", "--out", "o.bin"}, "file/x.bin");
}

// Backward variants take --dy (one gradient per input); forward ones refuse it.
TEST_F(BadInput, EvalGradients) {
  WriteForChild(dir_ / "in.bin", std::string(16, '\0'));
  WriteForChild(dir_ / "dy3.bin", std::string(12, '\0'));
  WriteForChild(dir_ / "dy4.bin", std::string(16, '\0'));
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--dy", "dy4.bin", "--out", "o.bin"}, "relu_grad");
  Expect({"eval", "-v", "relu_grad/select", "--in", "in.bin", "--dy", "dy3.bin", "--out", "o.bin"}, "one dy per x");
  Expect({"eval", "-v", "relu_grad/select", "--in", "in.bin", "--dy", "nope.bin", "--out", "o.bin"}, "nope.bin");
  Expect({"eval", "-v", "relu_grad/select", "--in", "in.bin", "--dy", "", "--out", "o.bin"});
}

TEST_F(BadInput, EvalOutputs) {
  WriteForChild(dir_ / "in.bin", std::string(16, '\0'));
  MakeDir(dir_ / "ro", 0555);
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--out", "ro/o.bin"}, "ro/o.bin");
  WriteForChild(dir_ / "file", "x");
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--out", "file/o.bin"}, "file/o.bin");
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--out", ""});
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--out", "."});
}

TEST_F(BadInput, MeasuringOutputs) {
  MakeDir(dir_ / "ro", 0555);
  MakeDir(dir_ / "d", 0777);
  WriteForChild(dir_ / "file", "x");
  for (const char* cmd : {"accuracy", "bench", "run"}) {
    SCOPED_TRACE(cmd);
    std::vector<std::string> base = Run({cmd, "--quick", "-a", "relu"});
    if (std::string(cmd) == "run") base.insert(base.end(), {"--out", "o"});
    for (const char* json : {"ro/r.json", "d", "file/r.json", "nodir/r.json"}) {
      std::vector<std::string> args = base;
      args.insert(args.end(), {"--json", json});
      Expect(args);
    }
  }
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "ro"}), "ro");
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "ro/o"}), "ro/o");
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "file"}), "file");
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "file/o"}), "file/o");
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "nodir/o"}), "nodir/o");
}

// Google Benchmark's flags are checked like ours, before measuring: a filter
// that does not compile or matches nothing (the library printed a line and
// exited 0 with an empty report), a format that would mix its output with
// bench's Markdown on stdout.
TEST_F(BadInput, BenchmarkFlagsThatWouldMeasureNothingOrGarbleStdout) {
  Expect({"bench", "-a", "relu", "--benchmark_filter=["}, "--benchmark_filter=[");
  Expect({"run", "-a", "relu", "--quick", "--benchmark_filter=(unclosed"}, "--benchmark_filter=(unclosed");
  Expect({"bench", "-a", "relu", "--benchmark_filter=no-such-row"}, "matches no benchmark");
  Expect({"run", "-a", "relu", "--quick", "--benchmark_filter=sigmoid"}, "matches no benchmark");
  Expect({"bench", "-a", "relu", "--benchmark_format=json"}, "--benchmark_format=json");
  Expect({"bench", "-a", "relu", "--benchmark_format=csv"}, "--benchmark_out_format=csv");
}

// --benchmark_list_tests lists what would run, and measures and writes nothing.
TEST_F(BadInput, ListTestsListsAndWritesNothing) {
  for (const char* cmd : {"bench", "run"}) {
    SCOPED_TRACE(cmd);
    const auto before = Snapshot(dir_.path());
    const CliResult r =
        RunCli({cmd, "-v", "relu/max", "-t", "baseline", "--benchmark_list_tests", "--benchmark_filter=/L[12]/"},
               dir_.path());
    EXPECT_EQ(r.status, 0) << r.Describe();
    EXPECT_EQ(r.out, "relu/max@baseline/L1/real_time\nrelu/max@baseline/L2/real_time\n") << r.Describe();
    EXPECT_EQ(r.err, "") << r.Describe();
    EXPECT_TRUE(Snapshot(dir_.path()) == before) << "files were created";
  }
}

TEST_F(BadInput, BenchmarkOutputs) {
  MakeDir(dir_ / "ro", 0555);
  Expect({"bench", "-a", "relu", "--benchmark_out=ro/b.json"}, "ro/b.json");
  Expect({"bench", "-a", "relu", "--benchmark_out=nodir/b.json"}, "nodir/b.json");
  Expect({"bench", "-a", "relu", "--benchmark_out_format=yaml"}, "yaml");
}

// Where permission bits do not tell (root may write anywhere they say): /proc
// and /sys take no new files. run --out /proc/nope measured for three minutes,
// then failed. Every command that writes, as the user running the tests.
TEST_F(BadInput, OutputsThatPermissionsDoNotRefuse) {
  const bool root = ::geteuid() == 0;
  SCOPED_TRACE(root ? "as root" : "as a user");
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "/proc/actbench-nope"}), "/proc/actbench-nope", false);
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "/sys/actbench-newdir"}), "/sys/actbench-newdir", false);
  Expect(Run({"run", "--quick", "-a", "relu", "--out", "/proc"}), "/proc", false);
  Expect({"accuracy", "--quick", "-a", "relu", "--json", "/proc/actbench.json"}, "/proc/actbench.json", false);
  Expect(Run({"bench", "-a", "relu", "--json", "/sys/actbench.json"}), "/sys/actbench.json", false);
  Expect({"accuracy", "--exhaustive", "--range", "0", "15", "-v", "relu/max", "--json", "/proc/e.json"}, "/proc/e.json",
         false);
  Expect(Run({"bench", "-a", "relu", "--benchmark_out=/proc/b.json"}), "/proc/b.json", false);
  WriteForChild(dir_ / "in.bin", std::string(16, '\0'));
  Expect({"eval", "-v", "relu/max", "--in", "in.bin", "--out", "/proc/o.bin"}, "/proc/o.bin", false);
  ::unlink((dir_ / "in.bin").c_str());
  // The report commands: a report to read, then outputs nowhere.
  const CliResult made = RunCli(Run({"bench", "-v", "relu/max", "--json", "r.json"}), dir_.path());
  ASSERT_EQ(made.status, 0) << made.Describe();
  Expect({"merge", "r.json", "r.json", "--out", "/proc/m.json"}, "/proc/m.json", false);
  Expect({"merge", "r.json", "--out", "m.json", "--html", "/sys/m.html"}, "/sys/m.html", false);
  Expect({"compare", "r.json", "r.json", "--json", "/proc/c.json"}, "/proc/c.json", false);
  Expect({"compare", "r.json", "r.json", "--markdown", "/proc/c.md"}, "/proc/c.md", false);
  Expect({"pick", "--max-ulp", "1", "--report", "r.json", "--emit-header", "/proc/h.h"}, "/proc/h.h", false);
}

// Kinds of file: a symbolic link is followed (the file it points to is
// replaced, the link stays), a device or FIFO is written through (never
// replaced), a directory, a socket or a link to nothing is refused before
// measuring. `accuracy --json /dev/full` as root replaced /dev/full with a file.
class OutputKinds : public ::testing::Test {
 protected:
  CliResult Accuracy(const std::string& json) {
    return RunCli({"accuracy", "--quick", "-v", "relu/max", "--json", json}, dir_.path());
  }
  TempDir dir_{"actbench_outputs"};
};

TEST_F(OutputKinds, ASymbolicLinkIsFollowedAndStaysALink) {
  WriteAll(dir_ / "target.json", "old");
  ASSERT_EQ(::symlink("target.json", (dir_ / "link.json").c_str()), 0);
  const CliResult r = Accuracy("link.json");
  ASSERT_EQ(r.status, 0) << r.Describe();
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  EXPECT_EQ(json::parse(ReadAll(dir_ / "target.json"))["rows"].size(), 1u);
  ASSERT_EQ(::symlink("missing.json", (dir_ / "dangling.json").c_str()), 0);
  const CliResult d = Accuracy("dangling.json");
  EXPECT_EQ(d.status, 2) << d.Describe();
  EXPECT_NE(d.err.find("symbolic link to a missing file"), std::string::npos) << d.Describe();
  EXPECT_EQ(d.err.find("accuracy 1/"), std::string::npos) << "measured before refusing\n" << d.Describe();
  EXPECT_FALSE(fs::exists(dir_ / "missing.json"));
}

TEST_F(OutputKinds, DevicesAndFifosAreWrittenThroughNeverReplaced) {
  struct stat before {}, after {};
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  CliResult r = Accuracy("/dev/null");
  EXPECT_EQ(r.status, 0) << r.Describe();
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(after.st_rdev, before.st_rdev);

  // A FIFO with a reader gets the whole report, and stays a FIFO.
  const std::string fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = ReadAll(fifo); });
  r = Accuracy(fifo);
  reader.join();
  EXPECT_EQ(r.status, 0) << r.Describe();
  EXPECT_EQ(json::parse(got)["rows"].size(), 1u);
  ASSERT_EQ(::lstat(fifo.c_str(), &after), 0);
  EXPECT_TRUE(S_ISFIFO(after.st_mode));
}

// A disk that fills while measuring must not lose the measurements: the
// error says where the whole report went. /dev/full fails every write.
TEST_F(OutputKinds, AFullDeviceLosesNothingAndIsNotReplaced) {
  struct stat before {}, after {};
  if (::stat("/dev/full", &before) != 0 || !S_ISCHR(before.st_mode)) GTEST_SKIP() << "no /dev/full here";
  RunOptions o;
  const CliResult r = RunCli({"accuracy", "--quick", "-v", "relu/max", "--json", "/dev/full"}, dir_.path(), o);
  EXPECT_EQ(r.status, 2) << r.Describe();
  ASSERT_EQ(::stat("/dev/full", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode)) << "/dev/full was replaced";
  EXPECT_EQ(after.st_rdev, before.st_rdev);
  const std::vector<std::string> lines = SplitLines(r.err);
  ASSERT_FALSE(lines.empty());
  const std::string& last = lines.back();
  EXPECT_NE(last.find("cannot write /dev/full"), std::string::npos) << last;
  const std::string marker = "the whole report (JSON) is in ";
  const size_t at = last.find(marker);
  ASSERT_NE(at, std::string::npos) << last;
  const std::string rescued = last.substr(at + marker.size());
  EXPECT_EQ(json::parse(ReadAll(rescued))["rows"].size(), 1u);
  ::unlink(rescued.c_str());

  // run writes OUT/report.json first: that is where the report is.
  const CliResult run = RunCli({"run", "--quick", "-v", "relu/max", "--min-time", "0.01",
                                "--benchmark_filter=/L1/", "--out", "o", "--json", "/dev/full"},
                               dir_.path());
  EXPECT_EQ(run.status, 2) << run.Describe();
  EXPECT_NE(run.err.find("the whole report (JSON) is in o/report.json"), std::string::npos) << run.Describe();
  EXPECT_EQ(json::parse(ReadAll(dir_ / "o/report.json"))["rows"].size(), 1u);
}

TEST_F(OutputKinds, DirectoriesAndSocketsAreRefusedBeforeMeasuring) {
  fs::create_directory(dir_ / "d");
  const std::string sock = dir_ / "sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, sock.c_str(), sock.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  for (const std::string& out : {std::string("d"), sock}) {
    const CliResult r = Accuracy(out);
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(SplitLines(r.err).size(), 1u) << r.Describe();
  }
  struct stat st {};
  ASSERT_EQ(::lstat(sock.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  ::close(fd);
}

// Found by report_fuzz: a number too large for a double made nlohmann throw
// out_of_range, which ReadReport let through (std::terminate in the fuzzer).
TEST(ReadReport, NumberTooLargeIsAOneLineRuntimeError) {
  TempDir dir{"actbench_hardening", true};
  WriteForChild(dir / "r.json",
           R"({"schema":"actbench-report","schema_version":1,"machine":{},"config":{"s":1e999},"rows":[]})");
  try {
    ReadReport(dir / "r.json");
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("r.json"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------
// Nothing lost

std::vector<std::string> RunArgs(const std::string& acts) {
  std::vector<std::string> args = {"run", "--quick", "-a", acts, "--out", "o"};
  args.insert(args.end(), kFastBench.begin(), kFastBench.end());
  return args;
}

class Interrupted : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto start = Clock::now();
    const CliResult r = RunAsNobody(RunArgs("relu,sigmoid"), dir_.path());
    ASSERT_EQ(r.status, 0) << r.Describe();
    run_time_ = Clock::now() - start;
    previous_json_ = ReadAll(dir_ / "o/report.json");
    previous_md_ = ReadAll(dir_ / "o/report.md");
    ASSERT_NO_THROW(ReadReport(dir_ / "o/report.json"));
  }

  // Runs a second, different run and sends `sig` once `when` says so.
  CliResult KillSecondRun(int sig, const std::function<bool(Clock::duration, const std::string&)>& when) {
    bool sent = false;
    RunOptions options;
    options.watch = [&](pid_t pid, Clock::duration t, const std::string& err) {
      if (!sent && when(t, err)) {
        ::kill(pid, sig);
        sent = true;
      }
    };
    return RunAsNobody(RunArgs("relu,tanh"), dir_.path(), options);
  }

  // The previous report, or (when the signal came after the rename) the new
  // one complete: never a mix, never a half-written file.
  void ExpectNothingLost(const CliResult& r) {
    const std::string json = ReadAll(dir_ / "o/report.json");
    Report report;
    ASSERT_NO_THROW(report = ReadReport(dir_ / "o/report.json")) << r.Describe();
    if (json != previous_json_) {
      // Replaced: by the second run's complete report, never by anything else.
      EXPECT_EQ(report.config["selection"]["activations"], json::parse(R"(["relu","tanh"])"))
          << r.Describe();
    }
    previous_json_ = json;  // the next trial starts from what is there now
  }

  TempDir dir_{"actbench_hardening", true};
  Clock::duration run_time_{};
  std::string previous_json_, previous_md_;
};

TEST_F(Interrupted, SigintDuringMeasuringLeavesThePreviousReport) {
  const CliResult r = KillSecondRun(SIGINT, [](Clock::duration, const std::string& err) {
    return err.find("accuracy 2/") != std::string::npos;
  });
  EXPECT_EQ(r.status, 130) << r.Describe();
  const std::vector<std::string> lines = SplitLines(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().rfind("actbench: error: interrupted", 0), 0u) << r.Describe();
  EXPECT_EQ(ReadAll(dir_ / "o/report.json"), previous_json_);
  EXPECT_EQ(ReadAll(dir_ / "o/report.md"), previous_md_);
  EXPECT_EQ(DirEntries(dir_ / "o"),
            (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}));
}

// Random points over the whole run, the writing of the reports included.
TEST_F(Interrupted, SigintAtRandomPoints) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> at(0.0, 1.1);
  for (int trial = 0; trial < 6; ++trial) {
    const auto delay = std::chrono::duration_cast<Clock::duration>(run_time_ * at(rng));
    SCOPED_TRACE("SIGINT after " + std::to_string(std::chrono::duration<double>(delay).count()) + " s");
    const CliResult r = KillSecondRun(SIGINT, [&](Clock::duration t, const std::string&) { return t >= delay; });
    // 130 from the handler; killed by SIGINT before it was installed; or 0
    // when the run finished first.
    EXPECT_TRUE(r.status == 130 || r.status == -SIGINT || r.status == 0) << r.Describe();
    ExpectNothingLost(r);
    EXPECT_EQ(DirEntries(dir_ / "o"),
              (std::vector<std::string>{"report.csv", "report.html", "report.json", "report.md"}))
        << "a temporary file was left\n" << r.Describe();
  }
}

TEST_F(Interrupted, SigkillAtRandomPointsLeavesAParseableReport) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> at(0.0, 1.1);
  for (int trial = 0; trial < 4; ++trial) {
    const auto delay = std::chrono::duration_cast<Clock::duration>(run_time_ * at(rng));
    const CliResult r = KillSecondRun(SIGKILL, [&](Clock::duration t, const std::string&) { return t >= delay; });
    EXPECT_TRUE(r.status == -SIGKILL || r.status == 0) << r.Describe();
    ExpectNothingLost(r);  // a SIGKILL can leave a temporary file; never a broken report
  }
}

// ---------------------------------------------------------------------------
// An exhaustive sweep stops softly: the first SIGINT or SIGTERM (Ctrl-C, a
// batch system's time limit) writes the report of what finished, then the
// program exits 128 + the signal.

// Whether process pid catches SIGINT and SIGTERM yet (its handlers are
// installed): SigCgt in /proc/<pid>/status.
bool CatchesStopSignals(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("SigCgt:", 0) != 0) continue;
    const unsigned long long caught = std::stoull(line.substr(7), nullptr, 16);
    return (caught >> (SIGINT - 1) & 1) && (caught >> (SIGTERM - 1) & 1);
  }
  return false;
}

// Starts a full one-thread relu sweep (minutes); once its handlers are in
// place and `delay` has passed, sends `sig` `times` times, 50 ms apart (two
// signals sent back to back could merge into one pending signal), and
// returns the result; the report goes to dir/x.json.
CliResult StopSweep(const TempDir& dir, int sig, int times, Clock::duration delay) {
  bool sent = false;
  RunOptions options;
  options.watch = [&](pid_t pid, Clock::duration t, const std::string&) {
    if (!sent && t >= delay && CatchesStopSignals(pid)) {
      for (int k = 0; k < times; ++k) {
        if (k > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::kill(pid, sig);
      }
      sent = true;
    }
  };
  return RunAsNobody({"accuracy", "--exhaustive", "-a", "relu", "--threads", "1", "--json", "x.json"}, dir.path(),
                     options);
}

// The partial report is whole and consistent: interrupted, covering less than
// every input, its coverage ranges adding up to its input count, and every
// row's histogram counting exactly those inputs.
void ExpectConsistentPartialReport(const std::string& path, const CliResult& r) {
  ASSERT_NO_THROW(ReadReport(path)) << r.Describe();
  const json j = json::parse(ReadAll(path));
  const json& ex = j["config"]["exhaustive"];
  EXPECT_TRUE(ex["interrupted"].get<bool>());
  const uint64_t inputs = ex["inputs"].get<uint64_t>();
  EXPECT_LT(inputs, uint64_t{1} << 32);
  uint64_t covered = 0;
  for (const json& c : ex["coverage"])
    covered += std::stoull(c["hi"].get<std::string>(), nullptr, 16) - std::stoull(c["lo"].get<std::string>(), nullptr, 16) + 1;
  EXPECT_EQ(covered, inputs);
  ASSERT_FALSE(j["rows"].empty());
  for (const json& row : j["rows"]) {
    uint64_t counted = 0;
    for (const json& h : row["accuracy"]["error"]["histogram"]) counted += h.get<uint64_t>();
    EXPECT_EQ(counted, inputs) << row["variant"];
  }
  const std::vector<std::string> lines = SplitLines(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().rfind("actbench: interrupted: ", 0), 0u) << r.Describe();
}

TEST(StoppedSweep, SigtermWritesWhatFinishedAndExits143) {
  TempDir dir{"actbench_hardening", true};
  const CliResult r = StopSweep(dir, SIGTERM, 1, std::chrono::milliseconds(1500));
  EXPECT_EQ(r.status, 128 + SIGTERM) << r.Describe();
  ExpectConsistentPartialReport(dir / "x.json", r);
  EXPECT_EQ(DirEntries(dir.path()), std::vector<std::string>{"x.json"});
}

// timeout(1) and a kill of the process group deliver one request twice, a
// moment apart: that is one Ctrl-C, not the second one that quits at once
// (which would leave no report).
TEST(StoppedSweep, OneRequestDeliveredTwiceIsOneCtrlC) {
  TempDir dir{"actbench_hardening", true};
  const CliResult r = StopSweep(dir, SIGINT, 2, std::chrono::milliseconds(1500));
  EXPECT_EQ(r.status, 128 + SIGINT) << r.Describe();
  ExpectConsistentPartialReport(dir / "x.json", r);
}

// ---------------------------------------------------------------------------
// Deterministic: the accuracy part of two runs is byte-identical.

std::string AccuracyPart(const std::string& path) {
  json j = json::parse(ReadAll(path));
  j.erase("machine");  // date, git state
  j["config"]["accuracy"].erase("seconds");
  j["config"].erase("seconds");
  return j.dump(1);
}

TEST(Deterministic, TwoAccuracyRunsGiveTheSameJson) {
  TempDir dir{"actbench_hardening", true};
  for (const char* name : {"a.json", "b.json"}) {
    const CliResult r = RunAsNobody({"accuracy", "--quick", "-a", "sigmoid,gelu,prelu", "--json", name}, dir.path());
    ASSERT_EQ(r.status, 0) << r.Describe();
  }
  const std::string a = AccuracyPart(dir / "a.json"), b = AccuracyPart(dir / "b.json");
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "accuracy results differ between two runs";
}

}  // namespace
}  // namespace actbench
