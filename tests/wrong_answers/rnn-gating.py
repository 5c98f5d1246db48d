"""Plausible wrong answers for book/why/rnn-gating.ipynb (format: README.md here)."""

WRONG = {
    "rnn-gating-ex-carousel": [
        # one step too many: T = 30 steps counted instead of the 29 between them
        "survive_1 = float(sigmoid(1.0) ** 30)\nsurvive_3 = float(sigmoid(3.0) ** 30)",
        # right for b_f = 1, but b_f = 3 taken as sigma(3) * 29
        "survive_1 = float(sigmoid(1.0) ** 29)\nsurvive_3 = float(sigmoid(3.0) * 29)",
    ],
    "rnn-gating-ex-bptt": [
        # the tanh' factor forgotten: a linear RNN's gradient
        "def hidden_grad_norms(model, X, dh_last):\n"
        "    hidden = model.gates['hidden']\n"
        "    dh, norms = dh_last, np.empty(hidden.shape[1])\n"
        "    for t in range(hidden.shape[1] - 1, -1, -1):\n"
        "        norms[t] = np.linalg.norm(dh)\n"
        "        dh = dh @ model.params['Wh'].T\n"
        "    return norms",
        # tanh' taken from the step before (h_{t-1} instead of h_t)
        "def hidden_grad_norms(model, X, dh_last):\n"
        "    hidden = model.gates['hidden']\n"
        "    dh, norms = dh_last, np.empty(hidden.shape[1])\n"
        "    for t in range(hidden.shape[1] - 1, -1, -1):\n"
        "        norms[t] = np.linalg.norm(dh)\n"
        "        dh = (dh * (1 - hidden[:, t - 1] ** 2)) @ model.params['Wh'].T\n"
        "    return norms",
    ],
    "rnn-gating-ex-gru": [
        # update_bias forgotten: the default GRU of the chapter
        "_, gru_history, gru_biased_accuracy = rnn.train_memory_task('gru', seed=memory_seeds, **MEMORY)\n"
        "carry_biased = float(sigmoid(3.0) ** (MEMORY['T'] - 1))\n"
        "carry_default = float(sigmoid(0.0) ** (MEMORY['T'] - 1))",
        # T steps instead of the T - 1 between the first and the last
        "carry_biased = float(sigmoid(3.0) ** MEMORY['T'])\n"
        "carry_default = float(sigmoid(0.0) ** MEMORY['T'])",
        # one seed only: one accuracy instead of eight
        "_, _, gru_biased_accuracy = rnn.train_memory_task('gru', seed=memory_seeds[0], update_bias=3.0,\n"
        "                                                 **MEMORY)",
    ],
}
