"""Plausible wrong answers to the Leaky ReLU chapter's exercises (tests/wrong_answers/README.md)."""

WRONG = {
    "leaky-relu-ex-abs": [
        # forgot the factor (1 - alpha) in front of the ReLU part
        "via_relu = alpha * x + sp.Max(x, 0)",
        # swapped the roles of the linear and the rectified part
        "via_relu = (1 - alpha) * x + alpha * sp.Max(x, 0)",
    ],
    "leaky-relu-ex-impl": [
        # the textbook max(x, slope * x): wrong for slopes above 1
        "def my_leaky_relu(x, slope):\n"
        "    x = np.asarray(x)\n"
        "    return np.maximum(x, np.asarray(slope, dtype=x.dtype) * x)",
        # computed in float64 always: float32 inputs come back as float64
        "def my_leaky_relu(x, slope):\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    return np.maximum(x, 0) + slope * np.minimum(x, 0)",
        # the slope applied on the wrong side
        "def my_leaky_relu(x, slope):\n"
        "    x = np.asarray(x)\n"
        "    return slope * np.maximum(x, 0) + np.minimum(x, 0)",
    ],
    "leaky-relu-ex-slope": [
        # forgot to pass the slope: every run is a ReLU network
        "rescue_accuracy = {s: dying_run('relu', None)['val'].mean for s in (0.0, 1e-3, 1e-2, 1e-1)}",
        # counted the seeds above 90 % instead of averaging the accuracy
        "rescue_accuracy = {s: dying_run('leaky_relu', {'negative_slope': s})['val'].count_at_least(0.9)\n"
        "                   for s in (0.0, 1e-3, 1e-2, 1e-1)}",
        # the accuracy after the first epoch, not the last
        "rescue_accuracy = {s: float(np.mean(dying_run('leaky_relu', {'negative_slope': s})['history']"
        ".val_accuracy[0]))\n                   for s in (0.0, 1e-3, 1e-2, 1e-1)}",
    ],
}
