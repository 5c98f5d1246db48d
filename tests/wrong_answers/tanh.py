"""Plausible wrong answers to the exercises of book/functions/tanh.ipynb."""

WRONG = {
    "tanh-ex-second": [
        # the first derivative instead of the second
        "second = sp.diff(tanh_expr(x), x)\n"
        "extrema = sorted(sp.solve(sp.diff(second, x), x), key=float)",
        # a sign slip: +2 tanh (1 - tanh^2); extrema given right
        "t_wrong = tanh_expr(x)\n"
        "second = 2 * t_wrong * (1 - t_wrong ** 2)\n"
        "extrema = [-sp.log(2 + sp.sqrt(3)) / 2, sp.log(2 + sp.sqrt(3)) / 2]",
        # the sigmoid chapter's extrema, not divided by 2
        "second = sp.diff(tanh_expr(x), x, 2)\n"
        "extrema = [-sp.log(2 + sp.sqrt(3)), sp.log(2 + sp.sqrt(3))]",
        # the inflection point given as the extremum
        "second = sp.diff(tanh_expr(x), x, 2)\n"
        "extrema = sp.solve(second, x)",
        # rounded decimals instead of the closed form
        "second = sp.diff(tanh_expr(x), x, 2)\n"
        "extrema = [sp.Float(-0.6584789484624083), sp.Float(0.6584789484624083)]",
    ],
    "tanh-ex-logcosh": [
        # the naive composition: cosh overflows for |x| > 710
        "def log_cosh(x):\n    return np.log(np.cosh(np.asarray(x)))",
        # the large-|x| form everywhere: cancellation near 0
        "def log_cosh(x):\n    a = np.abs(np.asarray(x))\n"
        "    decay = np.exp(-a)\n"
        "    return a + np.log1p(decay * decay) - a.dtype.type(np.log(2))",
        # log instead of log1p in the small branch: tiny x gives 0
        "def log_cosh(x):\n    a = np.abs(np.asarray(x))\n"
        "    half = np.sinh(np.minimum(a, 20) / 2)\n"
        "    near = np.log(1 + 2 * half * half)\n"
        "    decay = np.exp(-a)\n"
        "    far = a + np.log1p(decay * decay) - a.dtype.type(np.log(2))\n"
        "    return np.where(a < 20, near, far)",
        # ln 2 as a float64 constant: float32 input comes back as float64
        "def log_cosh(x):\n    a = np.abs(np.asarray(x))\n"
        "    half = np.sinh(np.minimum(a, 20) / 2)\n"
        "    near = np.log1p(2 * half * half)\n"
        "    decay = np.exp(-a)\n"
        "    far = a + np.log1p(decay * decay) - np.log(2.0)\n"
        "    return np.where(a < 20, near, far).astype(np.float64)",
    ],
    "tanh-ex-moons": [
        # one seed instead of eight
        "final_loss = {}\n"
        "for name in ('tanh', 'sigmoid'):\n"
        "    net = nets.MLP([2, 16, 16, 2], activation=name, seed=moon_seeds[0])\n"
        "    history = nets.train(net, X_moons, y_moons, optimizer=nets.SGD(0.1), epochs=40, batch_size=20)\n"
        "    final_loss[name] = np.asarray(history.loss[-1])",
        # the activations swapped between the two entries
        "final_loss = {}\n"
        "for key, name in (('tanh', 'sigmoid'), ('sigmoid', 'tanh')):\n"
        "    net = nets.MLP([2, 16, 16, 2], activation=name, seed=moon_seeds)\n"
        "    history = nets.train(net, X_moons, y_moons, optimizer=nets.SGD(0.1), epochs=40, batch_size=20)\n"
        "    final_loss[key] = np.asarray(history.loss[-1])",
        # the loss after the first epoch, not the last
        "final_loss = {}\n"
        "for name in ('tanh', 'sigmoid'):\n"
        "    net = nets.MLP([2, 16, 16, 2], activation=name, seed=moon_seeds)\n"
        "    history = nets.train(net, X_moons, y_moons, optimizer=nets.SGD(0.1), epochs=40, batch_size=20)\n"
        "    final_loss[name] = np.asarray(history.loss[0])",
        # the default activation for both nets
        "final_loss = {}\n"
        "for name in ('tanh', 'sigmoid'):\n"
        "    net = nets.MLP([2, 16, 16, 2], seed=moon_seeds)\n"
        "    history = nets.train(net, X_moons, y_moons, optimizer=nets.SGD(0.1), epochs=40, batch_size=20)\n"
        "    final_loss[name] = np.asarray(history.loss[-1])",
    ],
}
