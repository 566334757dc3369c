// What a report was measured on: CPU, OS, compiler, libraries, Highway
// targets, source revision. Every field degrades to "unknown" (or an empty
// list) rather than failing: a report from a container without /proc or git
// is still a report.
#include "reports/machine.h"

#include <gmp.h>
#include <mpfr.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <hwy/highway.h>
#include <hwy/targets.h>

#include "git_info.h"  // generated at build time: ACTBENCH_GIT_COMMIT, ACTBENCH_GIT_DIRTY
#include "impls/variant.h"

#ifndef ACTBENCH_BENCHMARK_VERSION
#define ACTBENCH_BENCHMARK_VERSION "unknown"
#endif
#ifndef ACTBENCH_BUILD_TYPE
#define ACTBENCH_BUILD_TYPE "unknown"
#endif
#ifndef ACTBENCH_VERSION
#define ACTBENCH_VERSION "unknown"
#endif

namespace actbench {

using nlohmann::json;

namespace {

constexpr const char* kUnknown = "unknown";

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string OrUnknown(std::string s) { return s.empty() ? kUnknown : s; }

// The first value of "key : value" in /proc/cpuinfo; empty when absent.
struct CpuInfoFields {
  std::string model, vendor, flags;
};

CpuInfoFields ReadCpuInfo() {
  CpuInfoFields f;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = Trim(line.substr(0, colon));
    std::string value = Trim(line.substr(colon + 1));
    if (key == "model name" && f.model.empty()) f.model = value;
    if (key == "vendor_id" && f.vendor.empty()) f.vendor = value;
    // "flags" on x86, "Features" on Arm.
    if ((key == "flags" || key == "Features") && f.flags.empty()) f.flags = value;
    if (!f.model.empty() && !f.vendor.empty() && !f.flags.empty()) break;
  }
  return f;
}

json DescribeCpu() {
  CpuInfoFields info = ReadCpuInfo();
  json flags = json::array();
  bool hypervisor = false;
  std::istringstream words(info.flags);
  for (std::string w; words >> w;) {
    if (w == "hypervisor") hypervisor = true;
    flags.push_back(w);
  }

  const benchmark::CPUInfo& bm = benchmark::CPUInfo::Get();
  json caches = json::array();
  for (const auto& c : bm.caches) {
    caches.push_back({{"level", c.level},
                      {"type", c.type},
                      {"size", c.size},
                      {"num_sharing", c.num_sharing}});
  }

  json cpu = {
      {"model", OrUnknown(info.model)},
      {"vendor", OrUnknown(info.vendor)},
      {"flags", std::move(flags)},
      {"logical_cores", std::thread::hardware_concurrency()},
      {"caches", std::move(caches)},
      {"hypervisor", hypervisor},
  };
  double mhz = bm.cycles_per_second / 1e6;
  cpu["mhz"] = mhz > 0 ? json(mhz) : json(kUnknown);
  return cpu;
}

json DescribeOs() {
  struct utsname u;
  if (::uname(&u) != 0) return {{"sysname", kUnknown}, {"release", kUnknown}, {"machine", kUnknown}};
  return {{"sysname", u.sysname}, {"release", u.release}, {"machine", u.machine}};
}

std::string Hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return kUnknown;
  return OrUnknown(buf);
}

std::string Compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return kUnknown;
#endif
}

json Libraries() {
  return {
      {"highway", fmt::format("{}.{}.{}", HWY_MAJOR, HWY_MINOR, HWY_PATCH)},
      {"benchmark", OrUnknown(ACTBENCH_BENCHMARK_VERSION)},
      {"boost", BOOST_LIB_VERSION},
      {"mpfr", mpfr_get_version()},
      {"gmp", gmp_version},
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                    NLOHMANN_JSON_VERSION_PATCH)},
  };
}

// The peer libraries compiled in (impls/peers/), by name: {"sleef": "3.5.1", ...}.
json Peers() {
  json peers = json::object();
  for (const PeerLibrary& l : PeerLibraries()) peers[l.name] = l.version;
  return peers;
}

json TargetNames(int64_t mask) {
  json names = json::array();
  for (int64_t m = mask; m != 0; m &= m - 1) names.push_back(hwy::TargetName(m & -m));
  return names;
}

json Targets() {
  return {{"compiled", TargetNames(HWY_TARGETS)},
          {"supported", TargetNames(hwy::SupportedTargets() & HWY_TARGETS)}};
}

// The commit the binary was built from and whether that tree had changes
// (cmake/git_info.cmake), not the source tree's state when the report is
// made: a binary copied to another machine, or run after later commits,
// reports what it is.
json Git() {
  const std::string commit = ACTBENCH_GIT_COMMIT;
  if (commit == "unknown") return {{"commit", kUnknown}, {"dirty", nullptr}};
  return {{"commit", commit}, {"dirty", ACTBENCH_GIT_DIRTY < 0 ? json(nullptr) : json(ACTBENCH_GIT_DIRTY == 1)}};
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (!::gmtime_r(&now, &tm)) return kUnknown;
  char buf[32];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return kUnknown;
  return buf;
}

}  // namespace

json DescribeMachine() {
  return {
      {"cpu", DescribeCpu()},
      {"os", DescribeOs()},
      {"hostname", Hostname()},
      {"compiler", Compiler()},
      {"build_type", OrUnknown(ACTBENCH_BUILD_TYPE)},
      {"actbench_version", OrUnknown(ACTBENCH_VERSION)},
      {"libraries", Libraries()},
      {"peers", Peers()},
      {"targets", Targets()},
      {"git", Git()},
      {"date", UtcNow()},
  };
}

}  // namespace actbench
