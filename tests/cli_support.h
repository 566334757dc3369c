// Running the actbench binary from a test, and the file helpers the CLI tests
// share (cli_test.cc, cli_hardening_test.cc, report_commands_test.cc).
// Needs ACTBENCH_BIN, the path of the binary, defined by the test target.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
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
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#ifndef ACTBENCH_BIN
#error "ACTBENCH_BIN must name the actbench binary"
#endif

namespace actbench {
namespace clitest {

// The arguments that keep a measuring command fast.
inline const std::vector<std::string> kFastBench = {"--min-time", "0.01", "--benchmark_filter=/L1/"};

constexpr uid_t kNobody = 65534;

struct CliResult {
  int status = -1;  // exit code, or -signal when killed by a signal
  std::string out;  // stdout
  std::string err;  // stderr

  // For failure messages.
  std::string Describe() const {
    return "exit status " + std::to_string(status) + "\n--- stdout ---\n" + out.substr(0, 4000) +
           "\n--- stderr ---\n" + err.substr(0, 4000);
  }
};

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
// world_writable: mode 0777, so that a child running as nobody can work in it.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "actbench_test", bool world_writable = false) {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/" + prefix + ".XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp(" << templ << "): " << std::strerror(errno);
      return;
    }
    path_ = templ;
    if (world_writable) ::chmod(path_.c_str(), 0777);
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The binary a child running as nobody executes: a copy of ACTBENCH_BIN in a
// directory of its own (mode 0755) under $TMPDIR (or /tmp), made once per test
// process and removed at its exit. ACTBENCH_BIN itself may sit in a checkout
// nobody cannot reach (root's home is 0700 on Debian): exec would fail (127).
// Empty (after a test failure) when the copy cannot be made.
inline const std::string& NobodyReachableBinary() {
  static TempDir dir("actbench_bin");
  static const std::string path = [] {
    if (dir.path().empty()) return std::string();
    const std::string to = dir / "actbench";
    std::error_code ec;
    std::filesystem::copy_file(ACTBENCH_BIN, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec || ::chmod(dir.path().c_str(), 0755) != 0 || ::chmod(to.c_str(), 0755) != 0) {
      ADD_FAILURE() << "copying " << ACTBENCH_BIN << " to " << to << ": " << (ec ? ec.message() : std::strerror(errno));
      return std::string();
    }
    return to;
  }();
  return path;
}

struct RunOptions {
  // Called about every millisecond while the child runs, with its pid, the
  // time since it started and its stderr so far.
  std::function<void(pid_t, std::chrono::steady_clock::duration, const std::string&)> watch;
  std::chrono::seconds timeout{120};  // then the child is killed and the test fails
  // setuid(nobody) in the child if we are root; it then runs NobodyReachableBinary().
  bool as_nobody_when_root = false;
  std::string binary = ACTBENCH_BIN;  // another program with the actbench command line (not as nobody)
};

// Runs ACTBENCH_BIN with `args` in working directory `cwd`, stdin from /dev/null.
inline CliResult RunCli(const std::vector<std::string>& args, const std::string& cwd,
                        const RunOptions& options = {}) {
  using Clock = std::chrono::steady_clock;
  CliResult r;
  const bool drop = options.as_nobody_when_root && ::geteuid() == 0;
  std::vector<std::string> argv_s = {drop ? NobodyReachableBinary() : options.binary};
  if (argv_s[0].empty()) return r;  // the copy failed (reported)
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return r;
  }

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(out_pipe[1], 1) < 0 || ::dup2(err_pipe[1], 2) < 0 ||
        ::chdir(cwd.c_str()) != 0)
      ::_exit(126);
    if (drop && (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  bool killed = false;
  char buf[65536];
  while (open_fds > 0) {
    if (options.watch) options.watch(pid, Clock::now() - start, r.err);
    if (!killed && Clock::now() - start > options.timeout) {
      ::kill(pid, SIGKILL);
      killed = true;
      ADD_FAILURE() << "actbench timed out and was killed";
    }
    if (::poll(fds, 2, options.watch ? 1 : 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WIFSIGNALED(wstatus) ? -WTERMSIG(wstatus) : -1;
  return r;
}

// ---------------------------------------------------------------------------
// Files

inline std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Writes `bytes` to `path`; mode >= 0 sets its permissions afterwards (not
// subject to the umask).
inline void WriteAll(const std::string& path, const std::string& bytes, int mode = -1) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(f.good()) << path;
  }
  if (mode >= 0) ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

// Every entry under `dir` (recursively), with its type and contents, so that
// any file created, removed or changed shows up as a difference.
inline std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> snap;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = std::filesystem::relative(it->path(), dir).string();
    snap[rel] = it->is_directory() ? "<dir>" : "<file> " + ReadAll(it->path().string());
  }
  return snap;
}

inline std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace clitest
}  // namespace actbench
