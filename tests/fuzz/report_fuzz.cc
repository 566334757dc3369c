// libFuzzer target: the report reader that compare, merge and pick use, on
// arbitrary bytes. ReadReport may only succeed or throw std::runtime_error
// with a one-line message; anything else (a crash, another exception type, a
// sanitizer report, a multi-line message) is a bug. A document it accepts
// must survive a round trip: ToJson(ReadReport(f)) reads back to the same JSON.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "reports/report.h"

namespace {

// One in-memory file, rewritten per input, read through its /proc path.
int MemFd() {
  static const int fd = [] {
    const int f = memfd_create("report_fuzz", 0);
    if (f < 0) std::abort();
    return f;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = MemFd();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  actbench::Report r;
  try {
    r = actbench::ReadReport(path);
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    if (msg.empty() || msg.find('\n') != std::string::npos) {
      std::fprintf(stderr, "message is not one line: [%s]\n", msg.c_str());
      std::abort();
    }
    return 0;
  }
  // Accepted: what we write from it must read back to the same document.
  const nlohmann::json once = actbench::ToJson(r);
  actbench::Report again;
  try {
    again = actbench::ReportFromJson(once);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "accepted report does not read back after writing: %s\n", e.what());
    std::abort();
  }
  if (actbench::ToJson(again) != once) {
    std::fprintf(stderr, "report round trip changed the document\n");
    std::abort();
  }
  return 0;
}
