"""Plausible wrong answers for book/why/nonlinearity.ipynb (format: README.md here)."""

WRONG = {
    "nonlinearity-ex-collapse": [
        # the bias of the first layer forgotten on its way through W2 and W3
        "W_three = W3 * W2 * W1\nb_three = W3 * b2 + b3",
        # W3 left out of the carried bias
        "W_three = W3 * W2 * W1\nb_three = W2 * b1 + b2 + b3",
        # the row-vector convention (x W) mixed into the column form: the transpose of W
        "W_three = (W3 * W2 * W1).T\nb_three = W3 * W2 * b1 + W3 * b2 + b3",
    ],
    "nonlinearity-ex-regions": [
        # counts every unit that switches, not every point where the pattern changes
        "def count_pieces(net, x):\n"
        "    pattern = activation_pattern(net, x)\n"
        "    return 1 + int(np.sum(pattern[1:] != pattern[:-1]))",
        # the number of kinks, not of pieces
        "def count_pieces(net, x):\n"
        "    pattern = activation_pattern(net, x)\n"
        "    return int(np.sum(np.any(pattern[1:] != pattern[:-1], axis=1)))",
        # only the first hidden layer looked at
        "def count_pieces(net, x):\n"
        "    pattern = net.hidden_layers(x)[0].pre_activation > 0\n"
        "    return 1 + int(np.sum(np.any(pattern[1:] != pattern[:-1], axis=1)))",
    ],
    "nonlinearity-ex-width2": [
        # three hidden units instead of two: the circles become separable
        "width2_seeds = seeding.seeds(N_SEEDS, 'nonlinearity exercise width 2')\n"
        "width2_accuracy = {}\n"
        "for act in ('tanh', 'relu'):\n"
        "    net = nets.MLP([2, 3, 2], activation=act, seed=width2_seeds)\n"
        "    nets.train(net, X_c, y_c, optimizer=nets.Adam(0.05), epochs=300, batch_size=200)\n"
        "    width2_accuracy[act] = nets.accuracy(net.forward(X_c), y_c)",
        # one seed only: one number instead of eight
        "width2_accuracy = {}\n"
        "for act in ('tanh', 'relu'):\n"
        "    net = nets.MLP([2, 2, 2], activation=act, seed=seeding.seed('one try'))\n"
        "    nets.train(net, X_c, y_c, optimizer=nets.Adam(0.05), epochs=300, batch_size=200)\n"
        "    width2_accuracy[act] = nets.accuracy(net.forward(X_c), y_c)",
    ],
}
