"""Plausible wrong answers to the exercises of book/functions/relu.ipynb."""

WRONG = {
    "relu-ex-moments": [
        # the second moment given as the variance
        "pdf = sp.exp(-z**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))\n"
        "mean_expr = sp.integrate(z * pdf, (z, 0, sp.oo))\n"
        "var_expr = sp.integrate(z**2 * pdf, (z, 0, sp.oo))",
        # integrating over the whole line: the mean of z, not of ReLU(z)
        "pdf = sp.exp(-z**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))\n"
        "mean_expr = sp.integrate(z * pdf, (z, -sp.oo, sp.oo))\n"
        "var_expr = sp.integrate(z**2 * pdf, (z, -sp.oo, sp.oo))",
        # half the variance of z, forgetting the mean
        "mean_expr = s / sp.sqrt(2 * sp.pi)\n"
        "var_expr = s**2 / 2 - s**2 / sp.pi",
    ],
    "relu-ex-relu6": [
        # clip: right values, but the derivative is 1 at the kinks
        "def relu6(x):\n    x = np.asarray(x)\n    return np.clip(x, 0, 6).astype(x.dtype, copy=False)\n\n"
        "def relu6_grad(x):\n    x = np.asarray(x)\n    return ((x >= 0) & (x <= 6)).astype(x.dtype)",
        # the derivative swallows NaN
        "def relu6(x):\n    x = np.asarray(x)\n    return np.minimum(np.maximum(x, 0), 6).astype(x.dtype, copy=False)\n\n"
        "def relu6_grad(x):\n    x = np.asarray(x)\n    return ((x > 0) & (x < 6)).astype(x.dtype)",
        # a float64 result for float32 input
        "def relu6(x):\n    x = np.asarray(x, dtype=np.float64)\n    return np.minimum(np.maximum(x, 0), 6)\n\n"
        "def relu6_grad(x):\n    x = np.asarray(x, dtype=np.float64)\n"
        "    return np.where(np.isnan(x), x, ((x > 0) & (x < 6)).astype(x.dtype))",
        # the mask form x * (x > 0): NaN at -inf and a warning
        "def relu6(x):\n    x = np.asarray(x)\n    return np.minimum(x * (x > 0), 6).astype(x.dtype, copy=False)\n\n"
        "def relu6_grad(x):\n    x = np.asarray(x)\n"
        "    return np.where(np.isnan(x), x, ((x > 0) & (x < 6)).astype(x.dtype))",
    ],
    "relu-ex-lr": [
        # the second hidden layer instead of the first
        "def dead_after(lr):\n"
        "    net = nets.MLP([2, 64, 64, 3], activation='relu', init='he_normal', seed=dying_seeds)\n"
        "    history = nets.train(net, X_spiral, y_spiral, optimizer=nets.SGD(lr), epochs=20, batch_size=32)\n"
        "    return np.asarray(history.dead_fraction[-1])[1]\n\n"
        "lr_scan = [0.5, 1.5, 3.0]\n"
        "k_dead = [int(np.sum(dead_after(lr) >= 0.25)) for lr in lr_scan]",
        # the default (Xavier) initialisation
        "def dead_after(lr):\n"
        "    net = nets.MLP([2, 64, 64, 3], activation='relu', seed=dying_seeds)\n"
        "    history = nets.train(net, X_spiral, y_spiral, optimizer=nets.SGD(lr), epochs=20, batch_size=32)\n"
        "    return np.asarray(history.dead_fraction[-1])[0]\n\n"
        "lr_scan = [0.5, 1.5, 3.0]\n"
        "k_dead = [int(np.sum(dead_after(lr) >= 0.25)) for lr in lr_scan]",
        # one seed only
        "def dead_after(lr):\n"
        "    net = nets.MLP([2, 64, 64, 3], activation='relu', init='he_normal', seed=dying_seeds[0])\n"
        "    history = nets.train(net, X_spiral, y_spiral, optimizer=nets.SGD(lr), epochs=20, batch_size=32)\n"
        "    return np.asarray(net.dead_fraction(X_spiral))[:1]\n\n"
        "lr_scan = [0.5, 1.5, 3.0]\n"
        "k_dead = [int(np.sum(dead_after(lr) >= 0.25)) for lr in lr_scan]",
        # the dead fraction after the first epoch
        "def dead_after(lr):\n"
        "    net = nets.MLP([2, 64, 64, 3], activation='relu', init='he_normal', seed=dying_seeds)\n"
        "    history = nets.train(net, X_spiral, y_spiral, optimizer=nets.SGD(lr), epochs=20, batch_size=32)\n"
        "    return np.asarray(history.dead_fraction[0])[0]\n\n"
        "lr_scan = [0.5, 1.5, 3.0]\n"
        "k_dead = [int(np.sum(dead_after(lr) >= 0.25)) for lr in lr_scan]",
    ],
}
