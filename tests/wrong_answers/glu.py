"""Plausible wrong answers for the exercises of book/functions/glu.ipynb."""

WRONG = {
    "glu-ex-width": [
        # 2/3 * 4d without rounding up to a multiple of 256
        "h_5120 = int(2 * 4 * 5120 / 3)\n"
        "excess_5120 = 3 * 5120 * h_5120 / (2 * 5120 * 4 * 5120) - 1",
        # rounded down instead of up
        "h_5120 = 256 * (int(2 * 4 * 5120 / 3) // 256)\n"
        "excess_5120 = 3 * 5120 * h_5120 / (2 * 5120 * 4 * 5120) - 1",
        # right width, but the excess measured against the exact 2/3 width instead of the plain block
        "h_5120 = 256 * ((int(2 * 4 * 5120 / 3) + 255) // 256)\n"
        "excess_5120 = h_5120 / (2 * 4 * 5120 / 3) - 1 + 0.001",
    ],
    "glu-ex-swiglu": [
        # the gate on the first half (the LLaMA code's order, not F.glu's)
        "def swiglu_parts(x, axis=-1):\n"
        "    value, gate = np.split(np.asarray(x, dtype=np.float64), 2, axis=axis)\n"
        "    return gate * swish(value)",
        # sigmoid instead of swish: that is GLU, not SwiGLU
        "def swiglu_parts(x, axis=-1):\n"
        "    value, gate = np.split(np.asarray(x, dtype=np.float64), 2, axis=axis)\n"
        "    return value * sigmoid(gate)",
        # the axis argument ignored: always splits the last axis
        "def swiglu_parts(x, axis=-1):\n"
        "    value, gate = np.split(np.asarray(x, dtype=np.float64), 2, axis=-1)\n"
        "    return value * swish(gate)",
    ],
    "glu-ex-wide": [
        # the width left at 2/3 * 4d: not wider at all
        "wide = evidence.tuned_net(\n"
        "    lambda seeds: ffn.FFNNet(8, block_width, ffn.hidden_width(block_width, gated=True), 2,\n"
        "                             'swiglu', seed=seeds, dtype=np.float32),\n"
        "    products, [tuned['products', 'SwiGLU'].rate], compare_seeds,\n"
        "    epochs=tasks['products']['epochs'], batch_size=tasks['products']['batch_size'])",
        # one seed only
        "wide = evidence.tuned_net(\n"
        "    lambda seeds: ffn.FFNNet(8, block_width, 4 * block_width, 2, 'swiglu', seed=seeds,\n"
        "                             dtype=np.float32),\n"
        "    products, [tuned['products', 'SwiGLU'].rate], compare_seeds[:1],\n"
        "    epochs=tasks['products']['epochs'], batch_size=tasks['products']['batch_size'])",
    ],
}
