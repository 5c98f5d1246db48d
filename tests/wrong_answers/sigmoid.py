"""Plausible wrong answers to the exercises of book/functions/sigmoid.ipynb."""

WRONG = {
    "sigmoid-ex-second": [
        # the first derivative instead of the second
        "second = sp.diff(sigmoid_expr(x), x)\n"
        "extrema = sorted(sp.solve(sp.diff(second, x), x), key=float)",
        # a sign slip in the factor (1 - 2 sigma); the extrema are still right
        "s_wrong = sigmoid_expr(x)\n"
        "second = s_wrong * (1 - s_wrong) * (2 * s_wrong - 1)\n"
        "extrema = [-sp.log(2 + sp.sqrt(3)), sp.log(2 + sp.sqrt(3))]",
        # the inflection point (a zero of sigma'') given as the extremum
        "second = sp.diff(sigmoid_expr(x), x, 2)\n"
        "extrema = sp.solve(second, x)",
        # rounded decimals instead of the closed form
        "second = sp.diff(sigmoid_expr(x), x, 2)\n"
        "extrema = [sp.Float(-1.317), sp.Float(1.317)]",
        # ln(2 + sqrt 3) read as ln 2 + sqrt 3 ... only the positive one
        "second = sp.diff(sigmoid_expr(x), x, 2)\n"
        "extrema = [sp.log(2 + sp.sqrt(3))]",
    ],
    "sigmoid-ex-logsigmoid": [
        # the naive composition: 0 at x = 40, -inf and a warning at x = -800
        "def log_sigmoid(x):\n    return np.log(sigmoid(np.asarray(x)))",
        # no sign split: exp(-x) overflows on the left
        "def log_sigmoid(x):\n    return -np.log1p(np.exp(-np.asarray(x)))",
        # sign split but log instead of log1p: 0 where the answer is -exp(-x)
        "def log_sigmoid(x):\n    x = np.asarray(x)\n"
        "    return np.minimum(x, 0) - np.log(1 + np.exp(-np.abs(x)))",
        # right formula computed in float64 always: float32 input comes back as float64
        "def log_sigmoid(x):\n    x = np.asarray(x, dtype=np.float64)\n"
        "    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))",
    ],
    "sigmoid-ex-depth": [
        # the bound w/4 taken as the factor, and a fixed point from three iterations
        "fixed_point, factor, median_grad = {}, {}, {}\n"
        "for w in (1.0, 2.0, 4.0, 8.0):\n"
        "    v = 0.0\n"
        "    for _ in range(3):\n"
        "        v = w * sigmoid(v)\n"
        "    fixed_point[w] = v\n"
        "    factor[w] = w / 4\n"
        "    z_chain, g_chain, medians = z_start.copy(), np.ones_like(z_start), []\n"
        "    for _ in range(10):\n"
        "        g_chain = g_chain * w * sigmoid_grad(z_chain)\n"
        "        z_chain = w * sigmoid(z_chain)\n"
        "        medians.append(np.median(np.abs(g_chain)))\n"
        "    median_grad[w] = np.array(medians)",
        # right fixed points, but the mean of |g| instead of the median
        "from scipy.optimize import brentq\n"
        "fixed_point, factor, median_grad = {}, {}, {}\n"
        "for w in (1.0, 2.0, 4.0, 8.0):\n"
        "    fixed_point[w] = brentq(lambda v: v - w * sigmoid(v), 0.0, w)\n"
        "    factor[w] = w * sigmoid_grad(fixed_point[w])\n"
        "    z_chain, g_chain, means = z_start.copy(), np.ones_like(z_start), []\n"
        "    for _ in range(10):\n"
        "        g_chain = g_chain * w * sigmoid_grad(z_chain)\n"
        "        z_chain = w * sigmoid(z_chain)\n"
        "        means.append(np.mean(np.abs(g_chain)))\n"
        "    median_grad[w] = np.array(means)",
        # the weight left out of the chain rule
        "from scipy.optimize import brentq\n"
        "fixed_point, factor, median_grad = {}, {}, {}\n"
        "for w in (1.0, 2.0, 4.0, 8.0):\n"
        "    fixed_point[w] = brentq(lambda v: v - w * sigmoid(v), 0.0, w)\n"
        "    factor[w] = w * sigmoid_grad(fixed_point[w])\n"
        "    z_chain, g_chain, medians = z_start.copy(), np.ones_like(z_start), []\n"
        "    for _ in range(10):\n"
        "        g_chain = g_chain * sigmoid_grad(z_chain)\n"
        "        z_chain = w * sigmoid(z_chain)\n"
        "        medians.append(np.median(np.abs(g_chain)))\n"
        "    median_grad[w] = np.array(medians)",
    ],
}
