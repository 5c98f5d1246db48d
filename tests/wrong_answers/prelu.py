"""Plausible wrong answers to the PReLU chapter's exercises (tests/wrong_answers/README.md)."""

WRONG = {
    "prelu-ex-mean": [
        # sign slip on the negative branch
        "mean_expr = (1 + a) / sp.sqrt(2 * sp.pi)\n"
        "var_expr = (1 + a**2) / 2 - (1 + a)**2 / (2 * sp.pi)",
        # the second moment taken for the variance
        "mean_expr = (1 - a) / sp.sqrt(2 * sp.pi)\n"
        "var_expr = (1 + a**2) / 2",
    ],
    "prelu-ex-backward": [
        # the upstream gradient left out of grad_x
        "def prelu_backward(x, weight, upstream):\n"
        "    x, weight = np.asarray(x), np.asarray(weight)\n"
        "    slope = weight.reshape((-1,) + (1,) * (x.ndim - 2))\n"
        "    return prelu_grad(x, slope), prelu_grad_a(x, slope, upstream=upstream).reshape(weight.shape)",
        # averaged over the batch instead of summed
        "def prelu_backward(x, weight, upstream):\n"
        "    x, weight = np.asarray(x), np.asarray(weight)\n"
        "    slope = weight.reshape((-1,) + (1,) * (x.ndim - 2))\n"
        "    grad_w = prelu_grad_a(x, slope, upstream=upstream).reshape(weight.shape) / x.shape[0]\n"
        "    return upstream * prelu_grad(x, slope), grad_w",
    ],
    "prelu-ex-decay": [
        # the decay never reaches the optimizer: every lambda gives the same slopes
        "mean_abs_slope = {}\n"
        "for decay in (0.0, 0.03, 0.3):\n"
        "    net, _, _ = digits_run('a learned', best_rate['a learned'])\n"
        "    mean_abs_slope[decay] = float(np.mean(np.abs(net.params['a0'])))",
        # the median of |a| instead of its mean
        "mean_abs_slope = {}\n"
        "for decay in (0.0, 0.03, 0.3):\n"
        "    lr = best_rate['a learned']\n"
        "    net, _, _ = digits_run('a learned', lr, optimizer=SlopeDecayAdam(lr, decay))\n"
        "    mean_abs_slope[decay] = float(np.median(np.abs(net.params['a0'])))",
    ],
}
