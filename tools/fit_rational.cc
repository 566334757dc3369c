// fit_rational: near-minimax odd rational fits x P(x^2) / Q(x^2) for the
// kernels' coefficient tables.
//
//   fit_rational FUNCTION HI P_DEGREE Q_DEGREE
//
// Fits FUNCTION on [0, HI] as x P(s) / Q(s), s = x^2, Q(0) = 1, minimising the
// maximum relative error by Lawson's algorithm on a linearised problem:
// weighted least squares of (x P(s) - f Q(s)) / (f Q_prev(s)) on a grid,
// the weights multiplied each round by the current relative error, so they
// concentrate where the error peaks (which converges towards the equioscillating
// minimax fit). All arithmetic is 200-bit (Boost.Multiprecision, MPFR backend);
// the coefficients are then rounded to float and the rounded rational's max
// relative error is re-checked on a finer grid. Deterministic: rerunning prints
// the same table.
//
// Functions: tanh.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/multiprecision/mpfr.hpp>

namespace mp = boost::multiprecision;
using Big = mp::number<mp::mpfr_float_backend<60>, mp::et_off>;

namespace {

Big Eval(const std::string& f, const Big& x) {
  if (f == "tanh") return mp::tanh(x);
  std::fprintf(stderr, "fit_rational: unknown function %s\n", f.c_str());
  std::exit(2);
}

// Solves the square system a y = b by Gaussian elimination with partial pivoting.
std::vector<Big> Solve(std::vector<std::vector<Big>> a, std::vector<Big> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (mp::abs(a[r][c]) > mp::abs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    for (size_t r = c + 1; r < n; ++r) {
      const Big m = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= m * a[c][k];
      b[r] -= m * b[c];
    }
  }
  std::vector<Big> y(n);
  for (size_t c = n; c-- > 0;) {
    Big s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c][k] * y[k];
    y[c] = s / a[c][c];
  }
  return y;
}

template <class T>
T Horner(const std::vector<T>& c, const T& s) {
  T r = c.back();
  for (size_t i = c.size() - 1; i-- > 0;) r = r * s + c[i];
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: fit_rational FUNCTION HI P_DEGREE Q_DEGREE\n");
    return 2;
  }
  const std::string f = argv[1];
  const Big hi(argv[2]);
  const int np = std::atoi(argv[3]), nq = std::atoi(argv[4]);
  if (np < 0 || nq < 1 || hi <= 0) {
    std::fprintf(stderr, "fit_rational: need HI > 0, P_DEGREE >= 0, Q_DEGREE >= 1\n");
    return 2;
  }
  // Grid: Chebyshev-distributed on [0, hi] (denser at both ends), 0 excluded.
  const int grid = 3000;
  Big pi;
  mpfr_const_pi(pi.backend().data(), MPFR_RNDN);
  std::vector<Big> xs, fs;
  for (int i = 1; i <= grid; ++i) {
    const Big x = hi * (1 - mp::cos(pi * i / grid)) / 2;
    xs.push_back(x);
    fs.push_back(Eval(f, x));
  }
  const int unknowns = (np + 1) + nq;  // a_0..a_np, b_1..b_nq (b_0 = 1)
  std::vector<Big> a(np + 1, Big(0)), b(nq + 1, Big(0)), w(xs.size(), Big(1));
  b[0] = 1;
  for (int iter = 0; iter < 60; ++iter) {
    // Normal equations of sum w_i ((x P(s) - f Q(s)) / (f Q_prev(s)))^2.
    std::vector<std::vector<Big>> m(unknowns, std::vector<Big>(unknowns, Big(0)));
    std::vector<Big> rhs(unknowns, Big(0));
    std::vector<Big> row(unknowns);
    for (size_t i = 0; i < xs.size(); ++i) {
      const Big s = xs[i] * xs[i];
      const Big scale = 1 / (fs[i] * Horner(b, s));
      Big sk = 1;
      for (int k = 0; k <= np; ++k, sk *= s) row[k] = xs[i] * sk * scale;
      sk = s;
      for (int k = 1; k <= nq; ++k, sk *= s) row[np + k] = -fs[i] * sk * scale;
      const Big target = fs[i] * scale;  // the b_0 = 1 term moved to the right
      for (int r = 0; r < unknowns; ++r) {
        rhs[r] += w[i] * row[r] * target;
        for (int c = 0; c < unknowns; ++c) m[r][c] += w[i] * row[r] * row[c];
      }
    }
    const std::vector<Big> y = Solve(m, rhs);
    for (int k = 0; k <= np; ++k) a[k] = y[k];
    for (int k = 1; k <= nq; ++k) b[k] = y[np + k];
    // Lawson's update: weights grow where the relative error is large.
    Big wsum = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      const Big s = xs[i] * xs[i];
      const Big err = mp::abs(xs[i] * Horner(a, s) / Horner(b, s) / fs[i] - 1);
      w[i] *= err;
      wsum += w[i];
    }
    for (Big& v : w) v /= wsum;
  }
  // Round to float and re-check on a finer grid.
  std::vector<float> af(np + 1), bf(nq + 1);
  for (int k = 0; k <= np; ++k) af[k] = mpfr_get_flt(a[k].backend().data(), MPFR_RNDN);
  for (int k = 0; k <= nq; ++k) bf[k] = mpfr_get_flt(b[k].backend().data(), MPFR_RNDN);
  std::vector<Big> ar(af.begin(), af.end()), br(bf.begin(), bf.end());
  Big worst = 0;
  const int check = 20000;
  for (int g = 1; g <= check; ++g) {
    const Big x = hi * g / check;
    const Big s = x * x;
    const Big rel = mp::abs(x * Horner(ar, s) / Horner(br, s) / Eval(f, x) - 1);
    if (rel > worst) worst = rel;
  }
  std::printf("// %s on [0, %s] as x P(x^2) / Q(x^2), P degree %d, Q degree %d\n", f.c_str(), argv[2], np, nq);
  std::printf("// max relative error with float coefficients: %.3g (%.2f ULP of 2^-24)\n",
              static_cast<double>(worst), static_cast<double>(worst) * 16777216.0);
  auto print = [](const std::vector<float>& c) {
    std::printf("{");
    for (size_t i = 0; i < c.size(); ++i) {
      char num[64];
      std::snprintf(num, sizeof num, "%.9g", static_cast<double>(c[i]));
      const bool plain = std::string(num).find_first_of(".en") == std::string::npos;
      std::printf("%s%s%sf", i ? ", " : "", num, plain ? ".0" : "");
    }
    std::printf("}\n");
  };
  print(af);
  print(bf);
  return 0;
}
