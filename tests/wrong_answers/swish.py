"""Plausible wrong answers for the exercises of book/functions/swish.ipynb."""

WRONG = {
    "swish-ex-overshoot": [
        # the minimum of f (Lambert W) mistaken for the maximum of f'
        "x_m = x_star\ngrad_peak = float(swish_grad(x_star))\nx_m_beta2 = x_star / 2",
        # believing the slope never exceeds 1: the peak is 'at infinity'
        "x_m = 10.0\ngrad_peak = 1.0\nx_m_beta2 = 5.0",
        # right peak, but the beta scaling the wrong way round
        "silu_grad_expr = sp.diff(swish_expr(x), x)\n"
        "x_m = float(sp.nsolve(sp.diff(silu_grad_expr, x), x, 2.0))\n"
        "grad_peak = float(silu_grad_expr.subs(x, x_m))\nx_m_beta2 = 2 * x_m",
    ],
    "swish-ex-grad": [
        # 1 - sigma(x): loses every digit on the right
        "def silu_grad(x):\n    x = np.asarray(x)\n    s = sigmoid(x)\n    return s * (1 + x * (1 - s))",
        # the paper's form beta*f + sigma*(1 - beta*f): big numbers cancel on the right
        "def silu_grad(x):\n    x = np.asarray(x)\n    s = sigmoid(x)\n    return x * s + s * (1 - x * s)",
        # naive exponentials: overflow warning on the left
        "def silu_grad(x):\n    x = np.asarray(x)\n    s = 1 / (1 + np.exp(-x))\n    return s * (1 + x * (1 - s))",
    ],
    "swish-ex-beta-init": [
        # beta frozen: learnable=False leaves every beta at its initial value
        "beta_after, test_after = {}, {}\n"
        "for b0 in (0.25, 1.0, 4.0):\n"
        "    run = evidence.tuned_mlp(tasks['spirals']['sizes'], spirals, [spirals_rate], compare_seeds,\n"
        "                             activation='swish', activation_params={'beta': b0}, learnable=False,\n"
        "                             epochs=60, batch_size=tasks['spirals']['batch_size'], dtype=np.float32)\n"
        "    beta_after[b0] = b0\n"
        "    test_after[b0] = run.test",
        # the mean instead of the median, and a single seed
        "beta_after, test_after = {}, {}\n"
        "for b0 in (0.25, 1.0, 4.0):\n"
        "    run = evidence.tuned_mlp(tasks['spirals']['sizes'], spirals, [spirals_rate], compare_seeds[:1],\n"
        "                             activation='swish', activation_params={'beta': b0}, learnable=True,\n"
        "                             epochs=60, batch_size=tasks['spirals']['batch_size'], dtype=np.float32)\n"
        "    beta_after[b0] = float(np.mean(learned_betas(run)))\n"
        "    test_after[b0] = run.test",
    ],
}
