// fit_poly: near-minimax polynomial fits for the kernels' coefficient tables.
//
//   fit_poly FUNCTION LO HI DEGREE [double]
//
// Interpolates FUNCTION at the DEGREE+1 Chebyshev nodes of [LO, HI] in
// 200-bit arithmetic (Boost.Multiprecision, MPFR backend), in the variable
// w = (t - mid) / half in [-1, 1], converts to monomial coefficients of w,
// rounds them to float (to double with the last argument `double`, for the
// correctly rounded kernels' double lanes), and reports the max relative error of the rounded
// polynomial (evaluated in high precision) on a fine grid. Chebyshev
// interpolation is within a small factor of the minimax error and needs no
// iteration, so the tables are regenerated exactly by rerunning this.
//
// Functions: erfcx (e^(t^2) erfc(t)), erf_over_t (erf(t)/t in the variable
// t^2: pass LO, HI as the range of t^2), exp (e^t), log1p_over_t
// (log(1 + t)/t, 1 at t = 0), expm1_q ((e^t - 1 - t)/t^2, 1/2 at t = 0: expm1
// as t + t^2 q(t) keeps its relative accuracy at small t).
//
// On an interval symmetric about 0 (LO = -HI) the coefficients are printed
// in t itself (those of w divided by half^k, before rounding to float).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/multiprecision/mpfr.hpp>

namespace mp = boost::multiprecision;
using Big = mp::number<mp::mpfr_float_backend<60>, mp::et_off>;

namespace {

Big Pi() {
  Big pi;
  mpfr_const_pi(pi.backend().data(), MPFR_RNDN);
  return pi;
}

Big Eval(const std::string& f, const Big& t) {
  if (f == "erfcx") return mp::exp(t * t) * mp::erfc(t);
  if (f == "exp") return mp::exp(t);
  if (f == "expm1_q")  // the series near 0, where the quotient cancels
    return mp::abs(t) < Big(1e-15) ? Big(0.5) + t / 6 + t * t / 24 : (mp::expm1(t) - t) / (t * t);
  if (f == "log1p_over_t") return t == 0 ? Big(1) : mp::log1p(t) / t;
  if (f == "erf_over_t") {  // argument is s = t^2
    const Big r = mp::sqrt(t);
    return r == 0 ? Big(2) / mp::sqrt(Pi()) : mp::erf(r) / r;
  }
  std::fprintf(stderr, "fit_poly: unknown function %s\n", f.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  const bool in_double = argc == 6 && std::string(argv[5]) == "double";
  if (argc != 5 && !in_double) {
    std::fprintf(stderr, "usage: fit_poly FUNCTION LO HI DEGREE [double]\n");
    return 2;
  }
  const std::string f = argv[1];
  const Big lo(argv[2]), hi(argv[3]);
  const int n = std::atoi(argv[4]);
  const Big mid = (lo + hi) / 2, half = (hi - lo) / 2, pi = Pi();
  // Chebyshev coefficients a_k of the interpolant at nodes cos(pi (j + 1/2) / (n + 1)).
  std::vector<Big> fx(n + 1), a(n + 1);
  for (int j = 0; j <= n; ++j) fx[j] = Eval(f, mid + half * mp::cos(pi * (j + Big(0.5)) / (n + 1)));
  for (int k = 0; k <= n; ++k) {
    Big s = 0;
    for (int j = 0; j <= n; ++j) s += fx[j] * mp::cos(pi * k * (j + Big(0.5)) / (n + 1));
    a[k] = s * 2 / (n + 1);
  }
  a[0] /= 2;
  // Monomial coefficients: sum a_k T_k(w), with T_{k+1} = 2 w T_k - T_{k-1}.
  std::vector<Big> c(n + 1, Big(0)), tkm1(n + 1, Big(0)), tk(n + 1, Big(0));
  tkm1[0] = 1;  // T_0
  if (n >= 1) tk[1] = 1;  // T_1
  for (int i = 0; i <= n; ++i) c[i] += a[0] * tkm1[i];
  if (n >= 1)
    for (int i = 0; i <= n; ++i) c[i] += a[1] * tk[i];
  for (int k = 2; k <= n; ++k) {
    std::vector<Big> next(n + 1, Big(0));
    for (int i = 0; i <= n; ++i) {
      if (i > 0) next[i] += 2 * tk[i - 1];
      next[i] -= tkm1[i];
    }
    for (int i = 0; i <= n; ++i) c[i] += a[k] * next[i];
    tkm1 = tk;
    tk = next;
  }
  const bool in_t = mid == 0;
  if (in_t) {
    Big scale = 1;
    for (int i = 0; i <= n; ++i, scale *= half) c[i] /= scale;
  }
  std::vector<double> cf(n + 1);
  for (int i = 0; i <= n; ++i)
    cf[i] = in_double ? mpfr_get_d(c[i].backend().data(), MPFR_RNDN) : mpfr_get_flt(c[i].backend().data(), MPFR_RNDN);
  // Error of the rounded polynomial, in high precision, on a fine grid.
  Big worst = 0;
  const int grid = 20000;
  for (int g = 0; g <= grid; ++g) {
    const Big w = Big(-1) + Big(2) * g / grid;
    const Big v = in_t ? half * w : w;
    Big p = 0;
    for (int i = n; i >= 0; --i) p = p * v + Big(cf[i]);
    const Big exact = Eval(f, mid + half * w);
    const Big rel = mp::abs(p / exact - 1);
    if (rel > worst) worst = rel;
  }
  if (in_t) {
    std::printf("// %s on [%s, %s], degree %d in t\n", f.c_str(), argv[2], argv[3], n);
  } else {
    std::printf("// %s on [%s, %s], degree %d in w = (t - %.17g) / %.17g\n", f.c_str(), argv[2], argv[3], n,
                static_cast<double>(mid), static_cast<double>(half));
  }
  std::printf("// max relative error with %s coefficients: %.3g (%.2f ULP of 2^-24, 2^%.1f)\n",
              in_double ? "double" : "float", static_cast<double>(worst), static_cast<double>(worst) * 16777216.0,
              std::log2(static_cast<double>(worst)));
  std::printf("{");
  for (int i = 0; i <= n; ++i) {
    // A valid literal: "1.0f", not "1f".
    char num[64];
    std::snprintf(num, sizeof num, in_double ? "%.17g" : "%.9g", cf[i]);
    const bool plain = std::string(num).find_first_of(".en") == std::string::npos;
    std::printf("%s%s%s%s", i ? ", " : "", num, plain ? ".0" : "", in_double ? "" : "f");
  }
  std::printf("}\n");
  return 0;
}
