#include "accuracy/safety.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "accuracy/guarded_arena.h"
#include "accuracy/inputs.h"

namespace actbench {
namespace {

constexpr size_t kMaxN = 70;  // over 4x the widest vector (16 floats on AVX-512)
static_assert(kMaxN >= 3 * kAlignFloats, "n must reach 3x the widest vector");

bool SameBits(float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; }

// Inputs that exercise every branch: specials first, then a dense ramp.
std::vector<float> SafetyInputs(size_t n) {
  std::vector<float> s = SpecialValues(), v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = i < s.size() && i % 3 == 0 ? s[i] : -12.0f + 0.37f * static_cast<float>(i);
  return v;
}

std::string Mismatch(const VariantTarget& vt, const char* what, size_t n, size_t m_in, size_t m_out, size_t i,
                     float got, float want) {
  std::ostringstream s;
  s << vt.label() << " " << what << ", n=" << n << " misalign=" << m_in << "/" << m_out << " i=" << i << ": got "
    << got << ", the same kernel gave " << want << " on plain buffers";
  return s.str();
}

}  // namespace

std::string CheckSafety(const VariantTarget& vt) {
  const Params p = DefaultParams(GetActivation(vt.variant->activation));
  const TargetKernel& k = *vt.kernel;
  GuardedArena src_arena(kMaxN), dst_arena(kMaxN);
  for (size_t n = 0; n <= kMaxN; ++n) {
    const std::vector<float> in = SafetyInputs(n);
    std::vector<float> expected(n);
    k.Run(in.data(), expected.data(), n, p);
    for (size_t m = 0; m < kAlignFloats; ++m) {
      // The output's misalignment walks through every class against the input's.
      const size_t m_out = (m * 7 + n) % kAlignFloats;
      for (int placement = 0; placement < 2; ++placement) {
        float* src = placement == 0 ? src_arena.AtEnd(n, m) : src_arena.AtStart(n, m);
        float* dst = placement == 0 ? dst_arena.AtStart(n, m_out) : dst_arena.AtEnd(n, m_out);
        std::copy(in.begin(), in.end(), src);
        k.Run(src, dst, n, p);
        for (size_t i = 0; i < n; ++i)
          if (!SameBits(dst[i], expected[i])) return Mismatch(vt, "out of place", n, m, m_out, i, dst[i], expected[i]);
        k.Run(src, src, n, p);
        for (size_t i = 0; i < n; ++i)
          if (!SameBits(src[i], expected[i])) return Mismatch(vt, "in place", n, m, m, i, src[i], expected[i]);
      }
    }
  }
  // The same bits wherever the data starts (no dependence on alignment peeling).
  const std::vector<float> in = SafetyInputs(300);
  std::vector<float> expected(in.size());
  k.Run(in.data(), expected.data(), in.size(), p);
  std::vector<float> buf(in.size() + 32);
  for (size_t off = 1; off < 17; ++off) {
    std::copy(in.begin(), in.end(), buf.begin() + off);
    k.Run(buf.data() + off, buf.data() + off, in.size(), p);
    for (size_t i = 0; i < in.size(); ++i)
      if (!SameBits(buf[off + i], expected[i]))
        return Mismatch(vt, "at an offset", in.size(), off, off, i, buf[off + i], expected[i]);
  }
  return "";
}

std::vector<SafetyVerdict> CheckSafetyIsolated(const std::vector<VariantTarget>& rows) {
  std::vector<SafetyVerdict> out;
  for (const VariantTarget& vt : rows) {
    SafetyVerdict v{vt.label(), false, ""};
    int fds[2];
    if (::pipe(fds) != 0) {
      v.failure = "could not run the check (pipe failed)";
      out.push_back(v);
      continue;
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      const std::string failure = CheckSafety(vt);
      size_t done = 0;
      while (done < failure.size()) {
        const ssize_t w = ::write(fds[1], failure.data() + done, failure.size() - done);
        if (w <= 0) break;
        done += static_cast<size_t>(w);
      }
      ::_exit(failure.empty() ? 0 : 1);
    }
    ::close(fds[1]);
    std::string message;
    char buf[512];
    ssize_t r;
    while ((r = ::read(fds[0], buf, sizeof buf)) > 0) message.append(buf, static_cast<size_t>(r));
    ::close(fds[0]);
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
      v.failure = "could not run the check (fork failed)";
    } else if (WIFSIGNALED(status)) {
      const int sig = WTERMSIG(status);
      v.failure = std::string("killed by signal ") + std::to_string(sig) + " (" + ::strsignal(sig) + ")" +
                  (sig == SIGSEGV || sig == SIGBUS ? ": it touched memory outside [0, n) of a buffer" : "");
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      v.safe = true;
    } else {
      v.failure = message.empty() ? "the check exited with status " + std::to_string(WEXITSTATUS(status)) : message;
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace actbench
