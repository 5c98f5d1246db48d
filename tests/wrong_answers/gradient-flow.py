"""Plausible wrong answers for the exercises of book/why/gradient-flow.ipynb."""

WRONG = {
    "gradient-flow-ex-he": [
        # Forgot that ReLU zeroes the negative half: the full second moment of z.
        "z, s = sp.Symbol('z', real=True), sp.Symbol('s', positive=True)\n"
        "density = sp.exp(-z**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))\n"
        "second_moment = sp.integrate(z**2 * density, (z, -sp.oo, sp.oo))",
        # The variance of ReLU(z) instead of its second moment: E[h^2] - E[h]^2.
        "z, s = sp.Symbol('z', real=True), sp.Symbol('s', positive=True)\n"
        "density = sp.exp(-z**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))\n"
        "mean = sp.integrate(z * density, (z, 0, sp.oo))\n"
        "second_moment = sp.simplify(sp.integrate(z**2 * density, (z, 0, sp.oo)) - mean**2)",
        # Integrated |z| instead of z^2 on the positive half.
        "z, s = sp.Symbol('z', real=True), sp.Symbol('s', positive=True)\n"
        "density = sp.exp(-z**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))\n"
        "second_moment = sp.integrate(z * density, (z, 0, sp.oo))",
    ],
    "gradient-flow-ex-dead": [
        # Strict inequality: a unit whose pre-activation is exactly 0 everywhere is missed.
        "def dead_units(Z):\n    Z = np.asarray(Z)\n    return float(np.mean(Z.max(axis=0) < 0))",
        # The share of non-positive entries, not of units that are never active.
        "def dead_units(Z):\n    return float(np.mean(np.asarray(Z) <= 0))",
        # Reduced over the wrong axis: samples on which every unit is off.
        "def dead_units(Z):\n    Z = np.asarray(Z)\n    return float(np.mean(Z.max(axis=1) <= 0))",
    ],
    "gradient-flow-ex-depth": [
        # The last depth that is still above the threshold (off by one).
        "first_depth = max(d for d, r in scan.items() if r >= 1e-6)",
        # The prediction from sigma' <= 1/4 alone, taken as the answer (too shallow).
        "predicted = int(np.floor(np.log(1e-6) / np.log(0.25))) + 3\nfirst_depth = predicted - 2",
        # The deepest net of the scan, which is certainly below the threshold but not the first.
        "first_depth = DEPTH",
    ],
}
