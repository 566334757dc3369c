// Number checks for command-line flags, with messages that say what was
// expected in a few words (CLI11's own ranges print their open end, DBL_MAX,
// as a 309-digit number).
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace actbench::cli {

// A finite number in [lo, hi] (hi = infinity: no upper end); `strict_lo`
// excludes lo itself.
inline CLI::Validator NumberIn(double lo, double hi, bool strict_lo = false) {
  std::string expected = strict_lo ? fmt::format("a number > {:g}", lo) : fmt::format("a number >= {:g}", lo);
  if (std::isfinite(hi)) expected = fmt::format("a number from {:g}{} to {:g}", lo, strict_lo ? " (excluded)" : "", hi);
  return CLI::Validator(
      [lo, hi, strict_lo, expected](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        const bool parsed = !s.empty() && *end == '\0' && errno != ERANGE && std::isfinite(v);
        if (parsed && (strict_lo ? v > lo : v >= lo) && v <= hi) return "";
        return fmt::format("expected {}, not '{}'", expected, s);
      },
      expected, "NumberIn");
}

inline CLI::Validator NonNegative() { return NumberIn(0, HUGE_VAL); }
inline CLI::Validator Positive() { return NumberIn(0, HUGE_VAL, /*strict_lo=*/true); }

}  // namespace actbench::cli
