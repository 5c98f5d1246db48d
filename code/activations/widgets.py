r"""Interactive explorers: a live ipywidget in Jupyter, a working page on the site.

:class:`Explorer` plots :math:`y = f(w x + b)` and :math:`dy/dx = w\,f'(w x + b)`
for any activation of the registry, with sliders for the weight :math:`w`,
the bias :math:`b` and, optionally, the activation's own parameters
(a leaky slope, Swish's :math:`\beta`, GELU's approximation).

It has two faces, offered together through ``_repr_mimebundle_``:

* in JupyterLab a live ipywidget: every slider move recomputes the curves
  with the package's own functions in the kernel;
* in the static book (no kernel) a self-contained HTML fragment: an inline
  SVG, ``<input type="range">`` sliders and a few lines of plain JavaScript.
  The function is sampled in Python at build time on a fine grid of the
  pre-activation :math:`z` (one row per setting of the activation's
  parameters) and embedded as JSON; the script maps :math:`z = w x + b`
  and interpolates linearly, so any :math:`w` and :math:`b` need no
  kernel. Nothing is loaded from outside the page.

The book's ``_config.yml`` ranks ``text/html`` above the widget view for
the HTML builder (myst-nb's ``nb_mime_priority_overrides``), so the site
shows the fallback while JupyterLab, whose widget renderer outranks HTML,
shows the live widget.

The fallback's root element has class ``act-explorer`` (and a unique id),
its sliders are ``input[type=range]`` with ``data-param`` set to the
parameter name, the curves are ``path.act-value`` and ``path.act-grad`` and
the readout is ``.act-explorer-readout``.
"""

from __future__ import annotations

import html
import itertools
import json
from typing import Mapping, Sequence

import numpy as np
from matplotlib.ticker import MaxNLocator

from . import get
from .plotting import COLORS

__all__ = ["Explorer", "explore"]

#: Largest sample table (rows x z points) embedded in a page, to keep pages light.
MAX_SAMPLES = 120_000

_WIDTH, _HEIGHT = 480, 300
_MARGIN = {"left": 44, "right": 12, "top": 12, "bottom": 28}


def _sig(values: np.ndarray, digits: int = 5) -> list[float]:
    """Round to ``digits`` significant digits for a compact JSON table."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, dtype=np.float64)]


class Explorer:
    r"""Explore :math:`f(w x + b)` and its slope for one activation.

    Parameters
    ----------
    activation : str or Activation
        Registry name or record (not a vector function such as softmax). A
        gated unit :math:`a\,g(b)` (the ``glu`` chapter) is explored as
        :math:`y = a\,g(wx + b)` with the value half :math:`a` as one more
        parameter (offer its values as ``params={"a": [...]}``; default 1).
    x_range : pair of float
        Plotted interval of :math:`x`.
    weight, bias : triple of float
        ``(min, max, step)`` of the :math:`w` and :math:`b` sliders.
    params : mapping of str to sequence, optional
        Values offered for the activation's own keyword parameters, e.g.
        ``{"negative_slope": [0.0, 0.01, 0.1, 0.3]}``; parameters not listed
        keep the record's default.
    probe : float
        The :math:`x` at which the readout reports :math:`y` and :math:`dy/dx`.
    z_step : float
        Spacing of the embedded samples of :math:`f` and :math:`f'`.
    y_range : pair of float, optional
        Vertical extent of the plot; by default it holds :math:`f` and
        :math:`\pm \max|w| \max f'` over ``x_range``.

    Examples
    --------
    >>> ex = Explorer("sigmoid")
    >>> "act-explorer" in ex.html() and 'type="range"' in ex.html()
    True
    >>> round(ex.readout_values(w=1.0, b=0.0)["y"], 4)
    0.7311
    """

    _count = itertools.count()

    def __init__(self, activation, *, x_range=(-6.0, 6.0), weight=(-4.0, 4.0, 0.1),
                 bias=(-6.0, 6.0, 0.1), params: Mapping[str, Sequence] | None = None,
                 probe: float = 1.0, z_step: float = 0.05, y_range=None, n_points: int = 241):
        self.record = get(activation)
        if self.record.vector:
            raise ValueError(f"Explorer needs an elementwise activation; {self.record.name} is not")
        self.gated = self.record.kind == "gated"
        # A gated unit's value half a is a parameter of the view, 1 by default.
        self.defaults = {**self.record.params, **({"a": 1.0} if self.gated else {})}
        self.params = {name: list(values) for name, values in (params or {}).items()}
        unknown = set(self.params) - set(self.defaults)
        if unknown:
            raise ValueError(f"{self.record.name} has no parameter(s) {sorted(unknown)}; "
                             f"its parameters are {sorted(self.defaults)}")
        if any(len(values) == 0 for values in self.params.values()):
            raise ValueError("every parameter needs at least one value")
        self.x_range = (float(x_range[0]), float(x_range[1]))
        self.weight, self.bias = tuple(map(float, weight)), tuple(map(float, bias))
        self.probe = float(probe)
        self.x = np.linspace(*self.x_range, n_points)
        z_max = (max(map(abs, self.weight[:2])) * max(map(abs, self.x_range))
                 + max(map(abs, self.bias[:2])))
        count = int(np.ceil(z_max / z_step))
        # Exactly the abscissae the script assumes: z0 + dz * k.
        self.z_step = float(z_step)
        self.z = -count * self.z_step + self.z_step * np.arange(2 * count + 1)
        self.settings = [dict(zip(self.params, combo))
                         for combo in itertools.product(*self.params.values())]
        if len(self.settings) * self.z.size > MAX_SAMPLES:
            raise ValueError(f"{len(self.settings)} parameter settings x {self.z.size} points "
                             f"exceed {MAX_SAMPLES} samples; use fewer values or a larger z_step")
        self.y_range = self._default_y_range() if y_range is None else tuple(map(float, y_range))
        self.uid = f"act-explorer-{self.record.name}-{next(self._count)}"
        self._widget = None

    # -- the mathematics, shared by both faces -------------------------------------------

    def _kwargs(self, setting: Mapping) -> dict:
        return {**self.defaults, **setting}

    def _f(self, z, kwargs):
        """The explored function of one variable at ``z``: f(z), or a g(z) for a gated unit."""
        if not self.gated:
            return self.record.fn(z, **kwargs)
        return self.record.fn(self._pairs(z, kwargs), **self._own(kwargs))[..., 0]

    def _df(self, z, kwargs):
        """Its derivative in z: f'(z), or a g'(z) (the gated gradient's second half)."""
        if not self.gated:
            return self.record.grad(z, **kwargs)
        return self.record.grad(self._pairs(z, kwargs), **self._own(kwargs))[..., 1]

    def _pairs(self, z, kwargs):
        z = np.asarray(z, dtype=np.float64)
        return np.stack([np.full_like(z, kwargs["a"]), z], axis=-1)

    def _own(self, kwargs):
        """The record's own keyword parameters (without the view's a)."""
        return {k: v for k, v in kwargs.items() if k in self.record.params}

    def curves(self, w: float, b: float, **setting):
        r"""Exact :math:`y = f(wx+b)` and :math:`dy/dx = w f'(wx+b)` on the plotted grid."""
        z = w * self.x + b
        kwargs = self._kwargs(setting)
        return self._f(z, kwargs), w * self._df(z, kwargs)

    def readout_values(self, w: float, b: float, **setting) -> dict:
        """:math:`y` and :math:`dy/dx` at the probe point, computed by the package."""
        z = w * self.probe + b
        kwargs = self._kwargs(setting)
        return {"y": float(self._f(z, kwargs)), "dydx": float(w * self._df(z, kwargs))}

    def _default_y_range(self):
        w_max = max(map(abs, self.weight[:2]))
        lows, highs = [], []
        for setting in self.settings:
            kwargs = self._kwargs(setting)
            value = self._f(self.x, kwargs)
            slope = w_max * np.max(np.abs(self._df(self.x, kwargs)))
            lows.append(min(value.min(), -slope))
            highs.append(max(value.max(), slope))
        low, high = min(lows), max(highs)
        pad = 0.05 * (high - low or 1.0)
        return float(low - pad), float(high + pad)

    # -- drawing -------------------------------------------------------------------------

    def _geometry(self) -> dict:
        """Affine maps from data to SVG pixels, shared by Python and the script."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        left, right = _MARGIN["left"], _WIDTH - _MARGIN["right"]
        top, bottom = _MARGIN["top"], _HEIGHT - _MARGIN["bottom"]
        return {"x0": x0, "y0": y0, "px0": left, "py0": bottom,
                "sx": (right - left) / (x1 - x0), "sy": (bottom - top) / (y1 - y0)}

    def _path(self, ys: np.ndarray) -> str:
        g = self._geometry()
        span = self.y_range[1] - self.y_range[0]
        # Far-off points are clipped by the SVG; bounding them keeps numbers short.
        ys = np.clip(ys, self.y_range[0] - span, self.y_range[1] + span)
        px = g["px0"] + (self.x - g["x0"]) * g["sx"]
        py = g["py0"] - (ys - g["y0"]) * g["sy"]
        points = " L".join(f"{a:.1f} {c:.1f}" for a, c in zip(px, py))
        return f"M{points}"

    def _axes_svg(self) -> str:
        g = self._geometry()
        left, right = _MARGIN["left"], _WIDTH - _MARGIN["right"]
        top, bottom = _MARGIN["top"], _HEIGHT - _MARGIN["bottom"]
        # currentColor with opacity: readable on the site's light and dark themes.
        parts = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
                 f'fill="none" stroke="currentColor" stroke-opacity="0.3"/>']
        for tick in MaxNLocator(7).tick_values(*self.x_range):
            if self.x_range[0] <= tick <= self.x_range[1]:
                px = g["px0"] + (tick - g["x0"]) * g["sx"]
                opacity = 0.45 if tick == 0 else 0.1
                parts.append(f'<line x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{bottom}" '
                             f'stroke="currentColor" stroke-opacity="{opacity}"/>')
                parts.append(f'<text x="{px:.1f}" y="{bottom + 16}" text-anchor="middle" '
                             f'fill="currentColor">{tick:g}</text>')
        for tick in MaxNLocator(6).tick_values(*self.y_range):
            if self.y_range[0] <= tick <= self.y_range[1]:
                py = g["py0"] - (tick - g["y0"]) * g["sy"]
                opacity = 0.45 if tick == 0 else 0.1
                parts.append(f'<line x1="{left}" y1="{py:.1f}" x2="{right}" y2="{py:.1f}" '
                             f'stroke="currentColor" stroke-opacity="{opacity}"/>')
                parts.append(f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end" '
                             f'fill="currentColor">{tick:g}</text>')
        return "".join(parts)

    def _svg(self, w: float, b: float, setting: Mapping) -> str:
        name = html.escape(self.record.name)
        return (
            f'<svg viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" height="{_HEIGHT}" '
            f'role="img" aria-label="{name}(w x + b) and its slope" '
            f'style="font: 11px sans-serif; max-width: 100%; height: auto">'
            f"{self._plot_svg(w, b, setting)}</svg>"
        )

    def _plot_svg(self, w: float, b: float, setting: Mapping) -> str:
        """The inside of the plot's ``<svg>``: axes, both curves and their legend."""
        value, slope = self.curves(w, b, **setting)
        left, top = _MARGIN["left"], _MARGIN["top"]
        clip = f"{self.uid}-clip"
        name = html.escape(self.record.name)
        legend_y = top + 14
        return (
            f'<defs><clipPath id="{clip}"><rect x="{left}" y="{top}" '
            f'width="{_WIDTH - left - _MARGIN["right"]}" '
            f'height="{_HEIGHT - top - _MARGIN["bottom"]}"/></clipPath></defs>'
            f"{self._axes_svg()}"
            f'<g clip-path="url(#{clip})" fill="none" stroke-width="2">'
            f'<path class="act-value" stroke="{COLORS["value"]}" d="{self._path(value)}"/>'
            f'<path class="act-grad" stroke="{COLORS["derivative"]}" stroke-dasharray="6 3" '
            f'd="{self._path(slope)}"/></g>'
            f'<text x="{left + 8}" y="{legend_y}" fill="{COLORS["value"]}">'
            f"y = {name}(w·x + b)</text>"
            f'<text x="{left + 8}" y="{legend_y + 15}" fill="{COLORS["derivative"]}">'
            f"dy/dx = w·{name}'(w·x + b)</text>"
        )

    def static_svg(self) -> str:
        """A standalone SVG image of the opening state, with the readout under the plot.

        The face for output that runs neither a kernel nor a script (the PDF
        of ``make pdf``): what the site shows before a slider moves, i.e.
        :math:`w = 1`, :math:`b = 0` and every parameter at its opening value,
        the readout line naming them. A complete SVG document (namespace,
        black text) so that a converter such as ``rsvg-convert`` reads it.
        """
        w0, b0, setting = 1.0, 0.0, self._opening_setting()
        # The readout's two halves (settings | values) on two lines: one is
        # wider than the plot once the activation has a parameter.
        lines = self.readout(w0, b0, **setting).split(" | ")
        height = _HEIGHT + 16 * len(lines)
        text = "".join(
            f'<text x="{_MARGIN["left"]}" y="{_HEIGHT + 16 * i + 8}">{html.escape(line)}</text>'
            for i, line in enumerate(lines))
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
            f'width="{_WIDTH}" height="{height}" font-family="sans-serif" font-size="11">'
            f'{self._plot_svg(w0, b0, setting)}<g font-family="monospace">{text}</g></svg>'
        )

    def readout(self, w: float, b: float, **setting) -> str:
        """The text under the plot: the parameters and the values at the probe."""
        values = self.readout_values(w, b, **setting)
        named = "".join(f", {k} = {v}" for k, v in setting.items())
        return (f"w = {w:.2f}, b = {b:.2f}{named} | at x = {self.probe:g}: "
                f"y = {values['y']:.4f}, dy/dx = {values['dydx']:.4f}")

    # -- the static face -----------------------------------------------------------------

    def _data(self) -> dict:
        strides, stride = [], 1
        for values in reversed(list(self.params.values())):
            strides.insert(0, stride)
            stride *= len(values)
        tables = {"values": [], "grads": []}
        for setting in self.settings:
            kwargs = self._kwargs(setting)
            tables["values"].append(_sig(self._f(self.z, kwargs)))
            tables["grads"].append(_sig(self._df(self.z, kwargs)))
        return {
            "name": self.record.name, "probe": self.probe,
            "x": [self.x_range[0], self.x_range[1], int(self.x.size)],
            "z0": float(self.z[0]), "dz": self.z_step,
            "yClip": [self.y_range[0] - (self.y_range[1] - self.y_range[0]),
                      self.y_range[1] + (self.y_range[1] - self.y_range[0])],
            "geometry": self._geometry(),
            "params": [{"name": n, "labels": [str(v) for v in vals], "stride": s}
                       for (n, vals), s in zip(self.params.items(), strides)],
            **tables,
        }

    def _opening_setting(self) -> dict:
        """Each offered parameter's opening value: the record's default if offered, else the first."""
        return {name: self.defaults[name] if self.defaults[name] in values else values[0]
                for name, values in self.params.items()}

    def _slider(self, name: str, low, high, step, value, label: str) -> str:
        return (f'<label style="display:block">'
                f'<span style="display:inline-block; min-width:8em">{html.escape(label)}</span>'
                f'<input type="range" data-param="{html.escape(name)}" min="{low}" max="{high}" '
                f'step="{step}" value="{value}" aria-label="{html.escape(name)}" '
                f'style="width: 260px; vertical-align: middle"></label>')

    def html(self) -> str:
        """The self-contained HTML fallback (inline SVG, sliders, script; no URLs)."""
        defaults = self._opening_setting()
        w0, b0 = 1.0, 0.0
        sliders = [self._slider("w", *self.weight, w0, "weight w"),
                   self._slider("b", *self.bias, b0, "bias b")]
        for name, values in self.params.items():
            sliders.append(self._slider(name, 0, len(values) - 1, 1,
                                        values.index(defaults[name]), name))
        data = json.dumps(self._data(), separators=(",", ":")).replace("</", "<\\/")
        return (
            f'<div class="act-explorer" id="{self.uid}" style="margin: 0.5em 0">'
            f"{self._svg(w0, b0, defaults)}{''.join(sliders)}"
            f'<div class="act-explorer-readout" style="font-family: monospace">'
            f"{html.escape(self.readout(w0, b0, **defaults))}</div>"
            f'<script type="application/json" class="act-explorer-data">{data}</script>'
            f"<script>{_SCRIPT.replace('__ROOT_ID__', self.uid)}</script>"
            "</div>"
        )

    # -- the live face -------------------------------------------------------------------

    def widget(self):
        """The live ipywidgets explorer (created once, then reused)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def _build_widget(self):
        import ipywidgets as widgets

        w_slider = widgets.FloatSlider(value=1.0, min=self.weight[0], max=self.weight[1],
                                       step=self.weight[2], description="w")
        b_slider = widgets.FloatSlider(value=0.0, min=self.bias[0], max=self.bias[1],
                                       step=self.bias[2], description="b")
        param_sliders = {
            name: widgets.SelectionSlider(
                options=[(str(v), v) for v in values], description=name,
                value=self.defaults[name] if self.defaults[name] in values
                else values[0])
            for name, values in self.params.items()
        }
        plot = widgets.HTML()
        readout = widgets.Label()

        def redraw(_change=None):
            setting = {name: s.value for name, s in param_sliders.items()}
            plot.value = self._svg(w_slider.value, b_slider.value, setting)
            readout.value = self.readout(w_slider.value, b_slider.value, **setting)

        for slider in (w_slider, b_slider, *param_sliders.values()):
            slider.observe(redraw, names="value")
        redraw()
        box = widgets.VBox([w_slider, b_slider, *param_sliders.values(), plot, readout])
        box.sliders = {"w": w_slider, "b": b_slider, **param_sliders}
        box.plot, box.readout = plot, readout
        return box

    def _repr_mimebundle_(self, include=None, exclude=None):
        # image/svg+xml serves the builders that show neither a widget nor HTML
        # (LaTeX); the site and JupyterLab rank text/html and the widget above it.
        bundle = {"text/plain": repr(self), "text/html": self.html(),
                  "image/svg+xml": self.static_svg()}
        bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items()
                       if k != "text/plain"})
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({self.record.name!r}, params={self.params!r})"


def explore(activation, **options) -> Explorer:
    """Shorthand for :class:`Explorer` (``explore("sigmoid")`` in a cell)."""
    return Explorer(activation, **options)


# The fallback's behaviour, in plain ES5 so any browser runs it. It mirrors
# Explorer._path and Explorer.readout, reading f and f' from the sample table.
_SCRIPT = r"""
(function () {
  var root = document.getElementById("__ROOT_ID__");
  var data = JSON.parse(root.querySelector("script.act-explorer-data").textContent);
  var g = data.geometry;
  var inputs = {};
  Array.prototype.forEach.call(root.querySelectorAll("input[type=range]"), function (el) {
    inputs[el.getAttribute("data-param")] = el;
  });
  function lookup(table, z) {
    var t = (z - data.z0) / data.dz, last = table.length - 1;
    if (t <= 0) { return table[0]; }
    if (t >= last) { return table[last]; }
    var i = Math.floor(t), f = t - i;
    return table[i] + f * (table[i + 1] - table[i]);
  }
  function path(ys, xs) {
    var parts = [];
    for (var i = 0; i < xs.length; i++) {
      var y = Math.min(Math.max(ys[i], data.yClip[0]), data.yClip[1]);
      var px = g.px0 + (xs[i] - g.x0) * g.sx, py = g.py0 - (y - g.y0) * g.sy;
      parts.push(px.toFixed(1) + " " + py.toFixed(1));
    }
    return "M" + parts.join(" L");
  }
  function redraw() {
    var w = parseFloat(inputs.w.value), b = parseFloat(inputs.b.value);
    var row = 0, named = "";
    data.params.forEach(function (p) {
      var i = parseInt(inputs[p.name].value, 10);
      row += i * p.stride;
      named += ", " + p.name + " = " + p.labels[i];
    });
    var values = data.values[row], grads = data.grads[row];
    var n = data.x[2], xs = [], ys = [], slopes = [];
    for (var k = 0; k < n; k++) {
      var x = data.x[0] + (data.x[1] - data.x[0]) * k / (n - 1), z = w * x + b;
      xs.push(x); ys.push(lookup(values, z)); slopes.push(w * lookup(grads, z));
    }
    root.querySelector("path.act-value").setAttribute("d", path(ys, xs));
    root.querySelector("path.act-grad").setAttribute("d", path(slopes, xs));
    var zp = w * data.probe + b;
    root.querySelector(".act-explorer-readout").textContent =
      "w = " + w.toFixed(2) + ", b = " + b.toFixed(2) + named + " | at x = " + data.probe +
      ": y = " + lookup(values, zp).toFixed(4) + ", dy/dx = " + (w * lookup(grads, zp)).toFixed(4);
  }
  Object.keys(inputs).forEach(function (key) {
    inputs[key].addEventListener("input", redraw);
    inputs[key].addEventListener("change", redraw);
  });
})();
"""
