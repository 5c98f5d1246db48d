"""Plausible wrong answers to the exercises of book/summary.ipynb."""

WRONG = {
    "summary-ex-elu": [
        # The textbook formula: exp overflows (a warning) for large positive x, and
        # expm1 is lost near 0.
        "def elu(x, alpha=1.0):\n"
        "    x = np.asarray(x)\n"
        "    return np.where(x > 0, x, alpha * (np.exp(x) - 1))\n",
        # Right functions, but the record claims a kink (smoothness 0): ELU is C^1 at alpha = 1.
        "ELU = Activation(name='elu', zh_name='ELU', fn=elu, grad=elu_grad, expr=elu_expr,\n"
        "                 params={'alpha': 1.0},\n"
        "                 properties=Properties(output_range=(-1.0, math.inf), monotonic=True,\n"
        "                                       zero_centered=False, smoothness=0,\n"
        "                                       saturates='left'),\n"
        "                 latex='x')\n",
    ],
    "summary-ex-gelu-mean": [
        # Off by a factor sqrt(2): the integral of phi(z)^2 taken as 1/sqrt(2 pi).
        "gelu_mean = 1 / sp.sqrt(2 * sp.pi)\n",
    ],
    "summary-ex-two-seeds": [
        # All eight seeds instead of the first two.
        "two_seed_means = {n: test_results[n].mean for n in HIDDEN}\n"
        "best_with_two = max(two_seed_means, key=two_seed_means.get)\n",
        # The lowest mean instead of the highest.
        "two_seed_means = {n: float(np.mean(test_results[n].values[:2])) for n in HIDDEN}\n"
        "best_with_two = min(two_seed_means, key=two_seed_means.get)\n",
    ],
}
