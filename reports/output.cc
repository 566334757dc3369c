#include "reports/output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace actbench {
namespace {

enum class Kind { kNew, kRegular, kStream };

struct Resolved {
  Kind kind;
  std::string path;  // the file to replace (symbolic links followed), or the stream to write through
};

std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

const char* KindName(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISSOCK(mode)) return "is a socket, not a file";
  if (S_ISBLK(mode)) return "is a block device, not a file";
  return "is not a regular file";
}

// What writing to `path` would do; `what` prefixes refusals ("--json x.json").
Resolved Resolve(const std::string& what, const std::string& path) {
  if (path.empty()) throw std::runtime_error(what + ": empty file name");
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    struct stat lst;
    if (err == ENOENT && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
      throw std::runtime_error(what + ": is a symbolic link to a missing file");
    if (err != ENOENT) throw std::runtime_error(what + ": " + std::strerror(err));
    return {Kind::kNew, path};
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {Kind::kStream, path};
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(what + ": " + KindName(st.st_mode));
  struct stat lst;
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) == nullptr)
      throw std::runtime_error(what + ": cannot follow the symbolic link: " + std::strerror(errno));
    return {Kind::kRegular, real};
  }
  return {Kind::kRegular, path};
}

// A file can be created in dir: made and removed, so that what the
// permission bits do not say (a read-only mount, /proc, /sys) is found too.
void ProbeDirectory(const std::string& what, const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error(what + ": directory " + dir + " does not exist");
  std::string probe = dir + "/.actbench-probe-XXXXXX";
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) throw std::runtime_error(what + ": cannot create files in " + dir + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

std::string TemporaryFor(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

// Writes all of text to fd; false with errno set on failure.
bool WriteAll(int fd, const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  return true;
}

// A device or FIFO: opened (never created, never replaced) and written. A
// reader that went away is an error, not a SIGPIPE that kills the program.
void WriteThrough(const std::string& path, const std::string& text) {
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &old);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  int err = 0;
  if (fd < 0) {
    err = errno;
  } else {
    if (!WriteAll(fd, text)) err = errno;
    if (::close(fd) != 0 && err == 0 && errno != EINTR) err = errno;
  }
  ::sigaction(SIGPIPE, &old, nullptr);
  if (err != 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
}

void ReplaceAtomically(const std::string& shown, const std::string& path, const std::string& text) {
  const std::string tmp = TemporaryFor(path);
  auto fail = [&](int err, int fd) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + shown + ": " + std::strerror(err));
  };
  // O_EXCL: a file of that name that is not ours is never truncated.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + shown + ": " + std::strerror(errno));
  if (!WriteAll(fd, text)) fail(errno, fd);
  if (::fsync(fd) != 0) fail(errno, fd);
  if (::close(fd) != 0) fail(errno, -1);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(errno, -1);
  // Make the rename itself durable; best effort (the data is already in place).
  const int dfd = ::open(Parent(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

void CheckOutputFile(const std::string& flag, const std::string& path) {
  const std::string what = flag + " " + path;
  const Resolved r = Resolve(what, path);
  if (r.kind == Kind::kStream) {
    if (::access(r.path.c_str(), W_OK) != 0) throw std::runtime_error(what + ": " + std::strerror(errno));
    return;
  }
  ProbeDirectory(what, Parent(r.path));
}

void CheckOutputDirectory(const std::string& flag, const std::string& dir) {
  const std::string what = flag + " " + dir;
  if (dir.empty()) throw std::runtime_error(flag + ": empty directory name");
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw std::runtime_error(what + ": not a directory");
    ProbeDirectory(what, dir);
    return;
  }
  if (errno != ENOENT) throw std::runtime_error(what + ": " + std::strerror(errno));
  const std::string parent = Parent(dir);
  if (::stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error(what + ": directory " + parent + " does not exist");
  // Created and removed: the directory is made for real only when the
  // reports are written, so a refused or stopped run leaves nothing behind.
  if (::mkdir(dir.c_str(), 0777) != 0)
    throw std::runtime_error(what + ": cannot create directory: " + std::strerror(errno));
  ::rmdir(dir.c_str());
}

void EnsureOutputDirectory(const std::string& flag, const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return;
  if (::mkdir(dir.c_str(), 0777) != 0)
    throw std::runtime_error(flag + " " + dir + ": cannot create directory: " + std::strerror(errno));
}

void WriteFileAtomic(const std::string& path, const std::string& text) {
  Resolved r;
  try {
    r = Resolve(path, path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("cannot write ") + e.what());
  }
  if (r.kind == Kind::kStream)
    WriteThrough(path, text);
  else
    ReplaceAtomically(path, r.path, text);
}

std::string AtomicTemporaryFor(const std::string& path) {
  try {
    const Resolved r = Resolve(path, path);
    return r.kind == Kind::kStream ? "" : TemporaryFor(r.path);
  } catch (const std::runtime_error&) {
    return "";
  }
}

std::string RescueOutput(const std::string& name, const std::string& text) {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  const std::string path = dir + "/actbench-rescued-" + std::to_string(::getpid()) + "-" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return "";
  const bool ok = WriteAll(fd, text) && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok) {
    ::unlink(path.c_str());
    return "";
  }
  return path;
}

}  // namespace actbench
