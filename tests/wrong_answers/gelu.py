"""Plausible wrong answers for the exercises of book/functions/gelu.ipynb."""

WRONG = {
    "gelu-ex-second": [
        # forgot the square root: the zeros of 2 - x^2 read as +-1
        "second = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi) * (2 - x**2)\n"
        "extrema = [-1.0, 1.0]\n"
        "first = sp.diff(gelu_expr(x), x)\n"
        "slope_extremes = (float(first.subs(x, 1)), float(first.subs(x, -1)))",
        # the first derivative taken for the second: its zero is the minimum of GELU itself
        "second = sp.diff(gelu_expr(x), x)\n"
        "extrema = [float(x0)]\n"
        "slope_extremes = (1.0, 0.0)",
        # a sign slip in phi' = -x phi gives phi (1 - x^2)
        "second = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi) * (1 - x**2)\n"
        "extrema = [-1.0, 1.0]\n"
        "first = sp.diff(gelu_expr(x), x)\n"
        "slope_extremes = (float(first.subs(x, 1)), float(first.subs(x, -1)))",
    ],
    "gelu-ex-stochastic": [
        # the sigmoid approximation's gate: off by up to 0.0095 in probability
        "def stochastic_gelu(x, rng):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    return x * (rng.random(x.shape) < sigmoid(1.702 * x))",
        # a mask that ignores x (dropout with p = 1/2)
        "def stochastic_gelu(x, rng):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    return x * (rng.random(x.shape) < 0.5)",
        # the expectation instead of a sample
        "def stochastic_gelu(x, rng):\n"
        "    return gelu(np.asarray(x, dtype=np.float64))",
    ],
    "gelu-ex-constants": [
        # the Taylor-matched constants instead of the minimax ones
        "k_best = float(k_taylor)\nc_best = float(c_taylor)\nk_weighted = float(k_taylor) + 0.1",
        # the x-weighted fit reported as the answer for Phi, and the other way round
        "k_best, k_weighted = 1.80, 1.702\nc_best = 0.044715",
        # right k and c, but the weighted k guessed equal to the unweighted one
        "k_best = 1.702\nc_best = 0.044715\nk_weighted = 1.702",
    ],
}
