#!/usr/bin/env python3
"""Taylor expansions of activation derivatives around their roots, for the
accurate backward kernels (impls/simd/grad-inl.h).

silu', gelu_sigmoid' (= silu'(c x)), mish' and gelu_tanh' cross zero at an
irrational point r inside their range; near r the terms of f' cancel and the
float-coefficient exp the kernels use loses the relative accuracy a 2-ULP
promise needs (at the float nearest r, f' is as small as 7e-10). There the
kernels evaluate f'(r + u) = u (c1 + c2 u + ...) in double, u = x - r_hi - r_lo.

  usage: tools/root_taylor.py    (needs python3-mpmath)

Prints, per function: r as a double-double, the window |u| <= W, the degree
whose truncation stays below 2^-34 relative on the window, and the
coefficients c1..cn as C++ double literals.
"""
import struct
from mpmath import mp, mpf, exp, sqrt, pi, tanh, log1p, findroot, taylor, nstr

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


if __name__ == "__main__":
    main()
