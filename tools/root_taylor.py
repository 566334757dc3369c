#!/usr/bin/env python3
"""Taylor expansions of activation derivatives around their roots, and the
Chebyshev fits of gelu', for the accurate backward kernels
(impls/simd/grad-inl.h).

silu', gelu_sigmoid' (= silu'(c x)), mish' and gelu_tanh' cross zero at an
irrational point r inside their range; near r the terms of f' cancel and the
float-coefficient exp the kernels use loses the relative accuracy a 2-ULP
promise needs (at the float nearest r, f' is as small as 7e-10). There the
kernels evaluate f'(r + u) = u (c1 + c2 u + ...) in double, u = x - r_hi - r_lo.

  usage: tools/root_taylor.py    (needs python3-mpmath)

Prints, per function: r as a double-double, the window |u| <= W, the degree
whose truncation stays below 2^-34 relative on the window, and the
coefficients c1..cn as C++ double literals.

gelu' = Phi(x) + x phi(x) has its root at -0.7518 too, but no cheap exact
form to fall back on away from it (erfc): on [-3, 0] it is fitted as
(x - r) g(x) and on [0, 3] directly, each a degree-19 polynomial in
w = (x - mid)/half (Chebyshev interpolation, mpmath), whose relative error
evaluated in double is measured here on 4000 random points.
"""
import random
from mpmath import mp, mpf, exp, erfc, sqrt, pi, tanh, log1p, findroot, taylor, nstr, chebyfit

mp.dps = 80


def sigmoid(x):
    return 1 / (1 + exp(-x))


K = mpf('0.044715')
A = sqrt(2 / pi)

FUNCS = {
    # silu'(u) = s (1 + u (1 - s)); gelu_sigmoid' is silu' at u = 1.702f x.
    'silu': (lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x))), -1.28, 0.1),
    'mish': (lambda x: tanh(log1p(exp(x))) + x * sigmoid(x) * (1 - tanh(log1p(exp(x))) ** 2), -1.19, 0.1),
    'gelu_tanh': (lambda x: (1 + tanh(A * (x + K * x ** 3))) / 2
                  + x / 2 * (1 - tanh(A * (x + K * x ** 3)) ** 2) * A * (1 + 3 * K * x * x), -0.75, 0.1),
}


def dd(v):
    hi = float(v)
    lo = float(v - mpf(hi))
    return hi, lo


def main():
    for name, (f, guess, window) in FUNCS.items():
        r = findroot(f, guess, tol=mpf(10) ** -70)
        coeffs = taylor(f, r, 30)
        c1 = abs(coeffs[1])
        degree = 1
        # truncation: the first omitted term, relative to c1 u, at u = window
        while abs(coeffs[degree + 1]) * mpf(window) ** degree / c1 > mpf(2) ** -34:
            degree += 1
        hi, lo = dd(r)
        print(f"// {name}': root {nstr(r, 25)}, |u| <= {window}, degree {degree} "
              f"(next term {nstr(abs(coeffs[degree + 1]) * mpf(window) ** degree / c1, 3)} of c1 u)")
        print(f"constexpr double k{name.title().replace('_', '')}Root[2] = {{{hi!r}, {lo!r}}};")
        body = ", ".join(repr(float(c)) for c in coeffs[1:degree + 1])
        print(f"constexpr double k{name.title().replace('_', '')}Taylor[{degree}] = {{{body}}};")


def gelu_fits():
    f = lambda x: erfc(-x / sqrt(2)) / 2 + x * exp(-x * x / 2) / sqrt(2 * pi)
    r = findroot(f, -0.75, tol=mpf(10) ** -70)
    hi, lo = dd(r)
    print(f"// gelu': root {nstr(r, 25)}")
    print(f"constexpr double kGeluRoot[2] = {{{hi!r}, {lo!r}}};")
    for name, (a, b), g in (
            ("kGeluGradNeg", (-3.0, 0.0), lambda x: f(x) / (x - r) if abs(x - r) > mpf(10) ** -30 else mp.diff(f, r)),
            ("kGeluGradPos", (0.0, 3.0), f)):
        mid, half = (a + b) / 2, (b - a) / 2
        coeffs, _ = chebyfit(lambda w: g(mid + half * w), [-1, 1], 20, error=True)
        c = [float(v) for v in reversed(coeffs)]  # lowest degree first
        rng = random.Random(1)
        worst = 0
        for _ in range(4000):
            x = rng.uniform(a, b)
            w = (x - mid) / half
            p = 0.0
            for v in reversed(c):
                p = p * w + v
            exact = g(mid + half * mpf(w))
            worst = max(worst, abs((p - exact) / exact))
        print(f"// on [{a}, {b}], w = (x - {mid}) / {half}: relative error {float(worst):.2e} in double")
        print(f"constexpr double {name}[{len(c)}] = {{{', '.join(repr(v) for v in c)}}};")


if __name__ == "__main__":
    main()
    gelu_fits()
