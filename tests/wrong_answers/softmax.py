"""Plausible wrong answers to the Softmax chapter's exercises (tests/wrong_answers/README.md)."""

WRONG = {
    "softmax-ex-logjac": [
        # I - s 1^T instead of I - 1 s^T (row and column swapped)
        "log_jacobian = sp.eye(3) - softmax_expr(xs) * sp.ones(1, 3)",
        # the Jacobian of s itself, not of log s
        "log_jacobian = softmax_expr(xs).jacobian(xs)",
    ],
    "softmax-ex-logsoftmax": [
        # the log-sum-exp form: the dominant entry's tiny log-probability rounds to 0
        "def log_softmax_1d(x):\n"
        "    x = np.asarray(x)\n"
        "    m = np.max(x)\n"
        "    return x - m - np.log(np.sum(np.exp(x - m)))",
        # log of softmax: -inf where a probability underflows
        "def log_softmax_1d(x):\n"
        "    x = np.asarray(x)\n"
        "    with np.errstate(divide='ignore'):\n"
        "        return np.log(softmax(x))",
    ],
    "softmax-ex-attention": [
        # the two curves stored under each other's key
        "dims = np.array([4, 16, 64, 256, 1024])\n"
        "norms = {'q.k': [], 'q.k / sqrt(d)': []}\n"
        "for d in dims:\n"
        "    q, keys = rng.standard_normal((50, d)), rng.standard_normal((50, 32, d))\n"
        "    dots = np.einsum('td,tkd->tk', q, keys)\n"
        "    for label, scale in (('q.k', np.sqrt(d)), ('q.k / sqrt(d)', 1.0)):\n"
        "        norms[label].append(np.median(np.linalg.norm(softmax_jacobian(dots / scale), 2, axis=(1, 2))))",
        # divided by d instead of sqrt(d): the scaled scores shrink and the gradient changes with d
        "dims = np.array([4, 16, 64, 256, 1024])\n"
        "norms = {'q.k': [], 'q.k / sqrt(d)': []}\n"
        "for d in dims:\n"
        "    q, keys = rng.standard_normal((50, d)), rng.standard_normal((50, 32, d))\n"
        "    dots = np.einsum('td,tkd->tk', q, keys)\n"
        "    for label, scale in (('q.k', 1.0), ('q.k / sqrt(d)', float(d))):\n"
        "        norms[label].append(np.median(np.linalg.norm(softmax_jacobian(dots / scale), 2, axis=(1, 2))))",
    ],
}
