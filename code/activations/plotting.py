r"""The book's figure style and the plots every chapter shares.

Every figure of the book goes through this module, so all chapters look
alike and a style change happens in one place. Labels are English or
matplotlib mathtext (``$\sigma'(x)$``): the figures render on a machine
without CJK fonts. :func:`use_house_style` also switches notebook output to
SVG, which stays crisp at any zoom and needs no font on the reader's side
(glyphs are stored as paths).

>>> import activations.plotting as aplt
>>> fig, axes = aplt.plot_function_and_derivative("sigmoid")
>>> [ax.get_ylabel() for ax in axes]
['$f(x)$', "$f'(x)$"]
>>> aplt.plt.close(fig)
"""

from __future__ import annotations

from typing import Mapping

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.patches
import matplotlib.ticker
import numpy as np
from matplotlib.mathtext import MathTextParser

from . import get

__all__ = [
    "COLORS", "use_house_style", "new_axes", "plot_function_and_derivative",
    "plot_curves", "plot_gradient_by_depth", "plot_parameter_paths", "plot_seed_results",
    "plot_seed_bands", "plot_cell_diagram", "plt",
]

#: Named colours (colour-blind safe, Okabe–Ito) so every chapter uses the same
#: colour for the same role.
COLORS = {
    "value": "#0072B2",       # blue: the function
    "derivative": "#D55E00",  # vermilion: its derivative
    "naive": "#CC79A7",       # pink: the naive formula
    "reference": "#000000",   # black: exact / bound
    "compare": "#009E73",     # green: a second activation or variant
    "accent": "#E69F00",      # orange: highlights
    "muted": "#999999",       # grey: guides
}

#: Colour cycle for figures with several curves.
CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 200,  # 2x PNG when a PNG is saved
    "savefig.bbox": "tight",
    "svg.fonttype": "path",  # glyphs as paths: no font needed to view
    "svg.hashsalt": "activations",  # stable ids: unchanged figure, unchanged SVG
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Seven colours, then the same seven dashed: the nine activations (and
    # more) stay distinguishable in one figure without any per-plot fix-up.
    "axes.prop_cycle": (matplotlib.cycler(linestyle=["-", "--"])
                        * matplotlib.cycler(color=CYCLE)),
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    "mathtext.fontset": "dejavusans",
}


def use_house_style(svg: bool = True) -> None:
    """Apply the book's matplotlib style (and SVG output in a notebook).

    Parameters
    ----------
    svg : bool
        In an IPython kernel with the inline backend, make figures SVG
        (crisp at any zoom). Outside IPython this has no effect.
    """
    plt.rcParams.update(_STYLE)
    if svg:
        _inline_svg()


def _inline_svg() -> None:
    """Switch the inline backend to SVG when running under IPython."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is not None:
        # No date in the SVG metadata: an unchanged figure gives unchanged bytes.
        set_matplotlib_formats("svg", metadata={"Date": None})


def new_axes(ncols: int = 1, width: float = 3.4, height: float = 3.0):
    """A figure with ``ncols`` axes side by side in the house style.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : matplotlib.axes.Axes or ndarray of Axes
        A single Axes when ``ncols == 1``.
    """
    # Applied globally, not in an rc_context: some settings (line width) are
    # read when a curve is drawn, after this function has returned.
    plt.rcParams.update(_STYLE)
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), layout="constrained")
    return fig, axes


def _math_title(latex: str, fallback: str) -> str:
    """``$latex$`` if matplotlib's mathtext can draw it, else ``fallback``."""
    if not latex:
        return fallback
    text = f"${latex}$"
    try:
        MathTextParser("path").parse(text)
    except ValueError:  # e.g. \begin{cases}, which mathtext lacks
        return fallback
    return text


def plot_function_and_derivative(activation, x=None, axes=None, **params):
    r"""Plot an activation (left) and its derivative (right).

    Parameters
    ----------
    activation : str or Activation
        Registry name (``"sigmoid"``) or record.
    x : array_like, optional
        Abscissae; default 801 points on :math:`[-6, 6]`.
    axes : pair of Axes, optional
        Where to draw; a new figure is made when omitted.
    **params
        Keyword parameters of the activation (``negative_slope=0.1``);
        the record's defaults fill the rest.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
    """
    record = get(activation)
    if record.vector:
        raise ValueError(f"{record.name} maps vectors to vectors; plot it component-wise")
    x = np.linspace(-6.0, 6.0, 801) if x is None else np.asarray(x, dtype=np.float64)
    kwargs = {**record.params, **params}
    if axes is None:
        fig, axes = new_axes(2)
    else:
        fig = axes[0].figure
    value_ax, grad_ax = axes
    value_ax.plot(x, record.fn(x, **kwargs), color=COLORS["value"])
    value_ax.set(xlabel="$x$", ylabel="$f(x)$",
                 title=_math_title(record.latex, record.name))
    grad_ax.plot(x, record.grad(x, **kwargs), color=COLORS["derivative"])
    grad_ax.set(xlabel="$x$", ylabel="$f'(x)$", title=f"derivative of {record.name}")
    for ax in axes:
        ax.axhline(0.0, color=COLORS["muted"], linewidth=0.8)
        ax.axvline(0.0, color=COLORS["muted"], linewidth=0.8)
    return fig, np.asarray(axes)


def plot_curves(x, curves: Mapping[str, np.ndarray], ax=None, *, xlabel="$x$", ylabel="",
                title="", logy=False, colors: Mapping[str, str] | None = None):
    """Plot several labelled curves against one abscissa.

    Parameters
    ----------
    x : array_like
        Shared abscissae.
    curves : mapping of str to array_like
        Legend label -> ordinates (same length as ``x``).
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    xlabel, ylabel, title : str
        Axis labels and title (English or mathtext).
    logy : bool
        Logarithmic y axis (for gradients spanning many decades).
    colors : mapping, optional
        Label -> colour; the house cycle otherwise.

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_axes(1, width=5.0, height=3.2)
    colors = colors or {}
    for label, y in curves.items():
        ax.plot(x, y, label=label, color=colors.get(label))
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


def plot_gradient_by_depth(gradients: Mapping[str, np.ndarray], ax=None, *, bound=None,
                           title="gradient reaching each layer"):
    r"""Gradient magnitude against depth, on a log scale.

    Parameters
    ----------
    gradients : mapping of str to array_like
        Label -> gradient magnitude after 1, 2, ..., L layers.
    ax : Axes, optional
    bound : array_like, optional
        An upper bound to draw dashed (e.g. :math:`(1/4)^l` for the sigmoid).

    Returns
    -------
    Axes
    """
    first = np.asarray(next(iter(gradients.values())))
    depth = np.arange(1, first.size + 1)
    ax = plot_curves(depth, gradients, ax, xlabel="layers the gradient passed through",
                     ylabel="gradient magnitude", title=title, logy=True)
    for line in ax.get_lines():
        line.set_marker("o")
        line.set_markersize(3.5)
    if bound is not None:
        ax.plot(depth, bound, linestyle="--", color=COLORS["reference"], linewidth=1.2,
                label="bound")
        ax.legend()
    ax.set_xticks(depth)
    return ax


def plot_parameter_paths(paths: Mapping[str, np.ndarray], ax=None, *, target=None,
                         labels=("$w_1$", "$w_2$"), title="parameter path"):
    """Paths of two parameters during training, in the parameter plane.

    Parameters
    ----------
    paths : mapping of str to array of shape (steps, 2)
        Label -> successive parameter values.
    ax : Axes, optional
    target : pair of float, optional
        The optimum, drawn as a star.
    labels : pair of str
        Axis labels.

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_axes(1, width=6.4, height=4.0)  # wide: the legend sits to the right
    for label, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], label=label, linewidth=1.2, marker=".", markersize=3)
    if target is not None:
        ax.plot(*target, marker="*", markersize=14, color=COLORS["reference"], linestyle="none",
                label="optimum")
    ax.set(xlabel=labels[0], ylabel=labels[1], title=title)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))  # outside: paths fill the axes
    return ax


def plot_seed_results(results: Mapping[str, object], ax=None, *, ylabel="", title="",
                      threshold=None, percent=False):
    """Every seed of every configuration as a dot, with mean ± sd beside it.

    The book's way of showing a comparison (evidence protocol): the reader
    sees the spread over seeds, not only an average, and a diverged seed is
    drawn as a red cross at the bottom instead of a value.

    Parameters
    ----------
    results : mapping of str to activations.evidence.Summary
        Configuration label -> its summary over seeds.
    ax : Axes, optional
    ylabel, title : str
    threshold : float, optional
        A success threshold to draw as a dashed line.
    percent : bool
        Show the y axis in percent (for accuracies in [0, 1]).

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_axes(1, width=max(3.2, 0.9 * len(results) + 1.6), height=3.2)
    jitter = np.random.default_rng(0)   # fixed: the figure must not change between builds
    finite = [s.finite for s in results.values() if s.finite.size]
    floor = min(float(np.min(v)) for v in finite) if finite else 0.0
    for i, (label, summary) in enumerate(results.items()):
        offsets = i + jitter.uniform(-0.12, 0.12, summary.n)
        ok = ~summary.diverged
        ax.plot(offsets[ok], summary.values[ok], "o", color=CYCLE[i % len(CYCLE)], alpha=0.75,
                markersize=4.5, linestyle="none")
        if summary.n_diverged:
            ax.plot(offsets[~ok], np.full(summary.n_diverged, floor), "x", color="#D00000",
                    markersize=7, linestyle="none")
        if summary.finite.size:
            ax.errorbar(i + 0.3, summary.mean, yerr=summary.sd, fmt="s", color=COLORS["reference"],
                        markersize=4, capsize=3, linewidth=1.2)
    if threshold is not None:
        ax.axhline(threshold, linestyle="--", color=COLORS["muted"], linewidth=1)
    ax.set_xticks(range(len(results)), list(results), rotation=20 if len(results) > 4 else 0)
    ax.set_xlim(-0.5, len(results) - 0.3)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    n_seeds = {s.n for s in results.values()}
    seeds_note = f"{n_seeds.pop()} seeds each" if len(n_seeds) == 1 else "seeds per column vary"
    ax.set(ylabel=ylabel, title=f"{title} ({seeds_note})" if title else seeds_note)
    return ax


def plot_seed_bands(x, runs: Mapping[str, np.ndarray], ax=None, *, xlabel="epoch", ylabel="",
                    title="", logy=False):
    """Median over seeds as a line, the range over seeds as a band.

    Parameters
    ----------
    x : array_like, shape (T,)
        Abscissae (epochs, layers).
    runs : mapping of str to array of shape (n_seeds, T)
        Label -> one row per seed (NaN rows of diverged seeds are ignored).
    ax : Axes, optional
    xlabel, ylabel, title : str
    logy : bool

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = new_axes(1, width=5.0, height=3.2)
    n_seeds = set()
    for i, (label, rows) in enumerate(runs.items()):
        rows = np.asarray(rows, dtype=np.float64)
        rows = rows[np.all(np.isfinite(rows), axis=1)]
        n_seeds.add(len(rows))
        color = CYCLE[i % len(CYCLE)]
        if len(rows):
            ax.plot(x, np.median(rows, axis=0), color=color, label=label)
            ax.fill_between(x, rows.min(axis=0), rows.max(axis=0), color=color, alpha=0.18,
                            linewidth=0)
    if logy:
        ax.set_yscale("log")
    note = f"median and range of {n_seeds.pop()} seeds" if len(n_seeds) == 1 \
        else "median and range over seeds"
    ax.set(xlabel=xlabel, ylabel=ylabel, title=f"{title} ({note})" if title else note)
    ax.legend()
    return ax


# Recurrent-cell diagrams: nodes are (kind, x, y, text); kind "sigma"/"tanh" is a
# layer box, "op" a pointwise operation, "label" a terminal name. Edges are
# polylines whose last segment carries the arrow head. Coordinates are in a
# 10 x 6 box; the state line runs along y = 5.2, the input bus along y = 1.
_BOX_HALF = {"sigma": (0.4, 0.3), "tanh": (0.5, 0.3)}
_OP_RADIUS = 0.25
_CELL_DIAGRAMS = {
    "lstm": {
        "title": "LSTM cell",
        "nodes": [
            ("label", 0.0, 5.2, "$c_{t-1}$"), ("label", 10.0, 5.2, "$c_t$"),
            ("label", 0.0, 1.0, "$h_{t-1}$"), ("label", 1.2, -0.1, "$x_t$"),
            ("label", 10.0, 2.6, "$h_t$"),
            ("sigma", 2.4, 2.6, "forget"), ("sigma", 4.2, 2.6, "input"),
            ("tanh", 5.6, 2.6, "candidate"), ("sigma", 7.0, 2.6, "output"),
            ("tanh", 8.4, 4.0, "cell"),
            ("op", 2.4, 5.2, r"$\times$"), ("op", 4.9, 5.2, "$+$"), ("op", 4.9, 4.0, r"$\times$"),
            ("op", 8.4, 2.6, r"$\times$"),
        ],
        "gate_labels": [(2.5, 3.6, "$f_t$"), (3.75, 3.4, "$i_t$"), (5.75, 3.4, "$g_t$"),
                        (7.75, 2.8, "$o_t$"), (8.55, 3.35, r"$\psi(c_t)$")],
        "edges": [
            [(0.45, 5.2), (2.15, 5.2)], [(2.65, 5.2), (4.65, 5.2)], [(5.15, 5.2), (9.55, 5.2)],
            [(8.4, 5.2), (8.4, 4.3)], [(8.4, 3.7), (8.4, 2.85)], [(8.65, 2.6), (9.55, 2.6)],
            [(7.4, 2.6), (8.15, 2.6)], [(2.4, 2.9), (2.4, 4.95)],
            [(4.2, 2.9), (4.2, 4.0), (4.65, 4.0)], [(5.6, 2.9), (5.6, 4.0), (5.15, 4.0)],
            [(4.9, 4.25), (4.9, 4.95)],
            [(2.4, 1.0), (2.4, 2.3)], [(4.2, 1.0), (4.2, 2.3)], [(5.6, 1.0), (5.6, 2.3)],
            [(7.0, 1.0), (7.0, 2.3)],
        ],
        "lines": [[(0.45, 1.0), (7.0, 1.0)], [(1.2, 0.15), (1.2, 1.0)]],
    },
    "gru": {
        "title": "GRU cell (Cho et al.)",
        "nodes": [
            ("label", 0.0, 5.2, "$h_{t-1}$"), ("label", 10.0, 5.2, "$h_t$"),
            ("label", 0.0, 1.0, "$h_{t-1}$"), ("label", 1.0, -0.1, "$x_t$"),
            ("sigma", 2.0, 2.6, "reset"), ("sigma", 4.2, 2.6, "update"),
            ("tanh", 8.2, 2.6, "candidate"),
            ("op", 2.0, 4.0, r"$\times$"), ("op", 4.2, 5.2, r"$\times$"),
            ("op", 7.2, 5.2, "$+$"), ("op", 6.0, 2.6, "$1-$"), ("op", 7.2, 4.0, r"$\times$"),
        ],
        "gate_labels": [(2.1, 3.25, "$r_t$"), (4.3, 3.4, "$z_t$"), (7.3, 3.2, "$n_t$"),
                        (2.5, 4.25, r"$r_t \odot h_{t-1}$")],
        "edges": [
            [(0.45, 5.2), (3.95, 5.2)], [(4.45, 5.2), (6.95, 5.2)], [(7.45, 5.2), (9.55, 5.2)],
            [(1.2, 5.2), (1.2, 4.0), (1.75, 4.0)], [(2.0, 2.9), (2.0, 3.75)],
            [(2.25, 4.0), (3.3, 4.0), (3.3, 3.6), (8.2, 3.6), (8.2, 2.9)],
            [(4.2, 2.9), (4.2, 4.95)], [(4.6, 2.6), (5.75, 2.6)],
            [(6.0, 2.85), (6.0, 4.0), (6.95, 4.0)], [(7.7, 2.6), (7.2, 2.6), (7.2, 3.75)],
            [(8.2, 0.55), (8.2, 2.3)],
            [(7.2, 4.25), (7.2, 4.95)],
            [(2.0, 1.0), (2.0, 2.3)], [(4.2, 1.0), (4.2, 2.3)],
        ],
        "lines": [[(0.45, 1.0), (4.2, 1.0)], [(1.0, 0.15), (1.0, 1.0)],
                  [(1.0, 0.55), (8.2, 0.55)]],
    },
}


def plot_cell_diagram(cell: str = "lstm", ax=None):
    r"""Draw the data flow of one LSTM or GRU step as boxes and arrows.

    Boxes are layers with their activation (:math:`\sigma` gates in blue,
    :math:`\tanh` candidates in green); circles are pointwise operations
    (:math:`\times`, :math:`+`, :math:`1-`). The state that carries memory
    runs along the top line, the inputs :math:`x_t, h_{t-1}` along the bottom.
    The GRU is drawn as in Cho et al. (2014), the form of
    :class:`activations.rnn.GRUCell`: the reset gate multiplies
    :math:`h_{t-1}` before the recurrent product of the candidate, and the
    candidate's input is :math:`x_t` and :math:`r_t \odot h_{t-1}` only.

    Parameters
    ----------
    cell : {"lstm", "gru"}
    ax : Axes, optional

    Returns
    -------
    Axes
        Each box's activation name (``"sigma"``/``"tanh"``) and the gate it
        computes (one of the cell's ``gate_names``) are stored as the box
        patch's ``gid``, ``"<activation>:<gate>"``, so a test can read them back.
    """
    if cell not in _CELL_DIAGRAMS:
        raise ValueError(f"plot_cell_diagram(): unknown cell {cell!r}; valid: "
                         f"{', '.join(_CELL_DIAGRAMS)}")
    spec = _CELL_DIAGRAMS[cell]
    if ax is None:
        _, ax = new_axes(1, width=5.6, height=3.4)
    arrow = dict(arrowstyle="-|>", color=COLORS["reference"], linewidth=1.2, mutation_scale=10,
                 shrinkA=0, shrinkB=0)
    for points in spec["lines"]:
        ax.plot(*zip(*points), color=COLORS["reference"], linewidth=1.2)
    for points in spec["edges"]:
        if len(points) > 2:
            ax.plot(*zip(*points[:-1]), color=COLORS["reference"], linewidth=1.2)
        ax.annotate("", xy=points[-1], xytext=points[-2], arrowprops=arrow)
    for kind, x, y, text in spec["nodes"]:
        if kind == "label":
            ax.text(x, y, text, ha="center", va="center", fontsize=11)
        elif kind == "op":
            ax.add_patch(matplotlib.patches.Circle((x, y), _OP_RADIUS, facecolor="white",
                                                   edgecolor=COLORS["reference"], zorder=3))
            ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=4)
        else:
            half_w, half_h = _BOX_HALF[kind]
            color = COLORS["value"] if kind == "sigma" else COLORS["compare"]
            box = matplotlib.patches.FancyBboxPatch(
                (x - half_w, y - half_h), 2 * half_w, 2 * half_h,
                boxstyle="round,pad=0.02", facecolor=color, edgecolor=color, alpha=0.85,
                zorder=3, gid=f"{kind}:{text}")
            ax.add_patch(box)
            ax.text(x, y, r"$\sigma$" if kind == "sigma" else "tanh", ha="center", va="center",
                    color="white", fontsize=10, zorder=4)
    for x, y, text in spec["gate_labels"]:
        ax.text(x, y, text, ha="left", va="center", fontsize=9)
    ax.set(xlim=(-0.6, 10.6), ylim=(-0.5, 5.8), title=spec["title"])
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
