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
  // Backward kernels take a second input, dy, and run in place on dx == dy;
  // forward ones in place on out == in.
  const bool backward = k.backward();
  auto run = [&](const float* in, const float* dy, float* out, size_t n) {
    if (backward)
      k.Run(in, dy, out, n, p);
    else
      k.Run(in, out, n, p);
  };
  auto gradients = [](size_t n) {
    std::vector<float> g(n);
    for (size_t i = 0; i < n; ++i) g[i] = (i % 2 ? -0.75f : 1.25f) * static_cast<float>(1 + i % 5);
    return g;
  };
  GuardedArena src_arena(kMaxN), dy_arena(kMaxN), dst_arena(kMaxN);
  for (size_t n = 0; n <= kMaxN; ++n) {
    const std::vector<float> in = SafetyInputs(n), g = gradients(n);
    std::vector<float> expected(n);
    run(in.data(), g.data(), expected.data(), n);
    for (size_t m = 0; m < kAlignFloats; ++m) {
      // The output's misalignment walks through every class against the input's.
      const size_t m_out = (m * 7 + n) % kAlignFloats, m_dy = (m * 3 + 1) % kAlignFloats;
      for (int placement = 0; placement < 2; ++placement) {
        float* src = placement == 0 ? src_arena.AtEnd(n, m) : src_arena.AtStart(n, m);
        float* dst = placement == 0 ? dst_arena.AtStart(n, m_out) : dst_arena.AtEnd(n, m_out);
        float* dy = backward ? (placement == 0 ? dy_arena.AtEnd(n, m_dy) : dy_arena.AtStart(n, m_dy)) : nullptr;
        std::copy(in.begin(), in.end(), src);
        if (backward) std::copy(g.begin(), g.end(), dy);
        run(src, dy, dst, n);
        for (size_t i = 0; i < n; ++i)
          if (!SameBits(dst[i], expected[i])) return Mismatch(vt, "out of place", n, m, m_out, i, dst[i], expected[i]);
        float* inplace = backward ? dy : src;
        run(src, dy, inplace, n);
        for (size_t i = 0; i < n; ++i)
          if (!SameBits(inplace[i], expected[i]))
            return Mismatch(vt, backward ? "in place (dx == dy)" : "in place", n, m, backward ? m_dy : m, i,
                            inplace[i], expected[i]);
      }
    }
  }
  // The same bits wherever the data starts (no dependence on alignment peeling).
  const std::vector<float> in = SafetyInputs(300), g = gradients(300);
  std::vector<float> expected(in.size());
  run(in.data(), g.data(), expected.data(), in.size());
  std::vector<float> buf(in.size() + 32), dy_buf(in.size() + 32);
  for (size_t off = 1; off < 17; ++off) {
    std::copy(in.begin(), in.end(), buf.begin() + off);
    std::copy(g.begin(), g.end(), dy_buf.begin() + off);
    float* out = backward ? dy_buf.data() + off : buf.data() + off;
    run(buf.data() + off, dy_buf.data() + off, out, in.size());
    for (size_t i = 0; i < in.size(); ++i)
      if (!SameBits(out[i], expected[i]))
        return Mismatch(vt, "at an offset", in.size(), off, off, i, out[i], expected[i]);
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
