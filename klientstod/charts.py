"""Charts as SVG, drawn on the server with matplotlib.

One code path for every chart: the pages embed the SVG inline and the PDFs get
the same drawing as a PNG (``printed=True``; WeasyPrint spends far longer drawing
an SVG than embedding a picture), so what the steering group sees is what gets
printed. Text stays text in the SVG (searchable, readable by screen readers, and the
page's own font is used). The labels are names people typed (processes, partners,
milestones): matplotlib escapes them in the SVG, and reads no ``$…$`` as mathtext
in them. The SVG carries no ``style`` attribute or element, only SVG's
presentation attributes, so that a page under a Content-Security-Policy without
inline styles shows it as drawn.

Drawing is the slow part of a report page (tens of milliseconds a chart), so:
each chart is its own ``Figure`` (no pyplot state, no lock between threads), the
margins are fixed instead of computed by a layout engine, the date ticks are
chosen here, and charts of aggregate figures are kept in the cache under a hash
of everything drawn (``cached=True``): the same figures are drawn once, and a
change in any figure is a new key. Charts that show a person's data are never
cached.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from django.core.cache import cache
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from .smallcounts import THRESHOLD, Masked

INK = "#1d2b36"
GRID = "#dfe4e8"
SERIES_COLOURS = ["#1a5a8a", "#b85c00", "#2e7d4f", "#7a3e9d", "#a61b29"]
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "klientstod",  # the same ids in the SVG for the same chart
    "font.family": "sans-serif",
    "font.size": 9,
    # A "$" in a label is a dollar sign, not the start of a formula (an unpaired one
    # would stop the drawing).
    "text.parse_math": False,
    "axes.edgecolor": "#9aa8b4",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}
#: Margins in inches: room for the tick labels and the axis label.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 0.65, 0.15, 0.15
MARGIN_BOTTOM, MARGIN_BOTTOM_ROTATED = 0.4, 0.7
#: How long a drawn chart stays in the cache; the key changes with the figures anyway.
CACHE_SECONDS = 24 * 60 * 60
MONTH_STEPS = (1, 2, 3, 4, 6, 12)
MAX_TICKS = 7
#: Steps of the y axis where a value is masked: none puts a tick on 1 or 2.
MASKED_STEPS = (THRESHOLD, 5, *(int(m * 10**e) for e in range(1, 7) for m in (1, 1.5, 2, 2.5, 5)))
MASKED_HATCH = "////"

#: A value to draw: a number, or what may be shown of a hidden count ("<3").
Value = float | Masked


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime.date, Value]]
    dashed: bool = False


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    y_range: tuple[float, float] | None = None,
    width: float = 6.4,
    height: float = 2.8,
    cached: bool = False,
    printed: bool = False,
) -> str:
    """A line chart over dates, returned as an <svg> element to put in a page.

    ``printed``: a PNG as a ``data:`` URL instead, for a PDF (see ``_svg``).
    """

    def draw(axes: Axes) -> None:
        masked = False
        for index, line in enumerate(series):
            if not line.points:
                continue
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            xs = [date2num(day) for day, _value in line.points]
            values = [value for _day, value in line.points]
            # A masked point is left out of the line (NaN breaks it) and drawn as a band.
            axes.plot(
                xs,
                [math.nan if isinstance(v, Masked) else v for v in values],
                marker="o" if len(xs) <= 24 else None,
                markersize=4,
                linewidth=2,
                linestyle="--" if line.dashed else "-",
                color=colour,
                label=line.label,
            )
            if any(isinstance(v, Masked) for v in values):
                masked = True
                spacing = min((b - a for a, b in itertools.pairwise(xs)), default=30)
                _draw_masked(axes, xs, values, width=0.95 * min(spacing, 31), colour=colour)
        dates = [day for line in series for day, _value in line.points]
        if dates:
            # A little room either side, and a sensible span for a single point.
            first, last = min(dates), max(dates)
            pad = max(datetime.timedelta(days=14), (last - first) * 0.05)
            axes.set_xlim(date2num(first - pad), date2num(last + pad))
            ticks = date_ticks(first - pad, last + pad) or sorted(set(dates))[:MAX_TICKS]
            axes.set_xticks([date2num(day) for day in ticks], [f"{day:%Y-%m}" for day in ticks])
        if y_range:
            axes.set_ylim(*y_range)
        # Counts over time get the same ticks as a masked chart (0, 3, … or wider steps):
        # a tick labelled 1 or 2 beside a line near the bottom reads as a count of one or two.
        if masked or not y_range:
            _ticks_without_small_counts(axes)
        axes.set_ylabel(y_label)
        if len(series) > 1:
            axes.legend(frameon=False, loc="best")

    key = ("line", tuple(series), str(title), str(y_label), y_range, width, height, printed)
    return _svg(key, draw, title=title, size=(width, height), cached=cached, printed=printed)


def bar_chart(
    bars: Sequence[tuple[str, Value]],
    *,
    title: str,
    y_label: str = "",
    width: float = 6.4,
    height: float = 2.6,
    cached: bool = False,
) -> str:
    """A column chart of labelled values, returned as an <svg> element."""

    def draw(axes: Axes) -> None:
        positions = list(range(len(bars)))
        values = [value for _label, value in bars]
        shown = [
            (x, v) for x, v in zip(positions, values, strict=True) if not isinstance(v, Masked)
        ]
        axes.bar([x for x, _v in shown], [v for _x, v in shown], color=SERIES_COLOURS[0])
        axes.set_xticks(
            positions, [label for label, _value in bars], rotation=30, horizontalalignment="right"
        )
        axes.set_ylabel(y_label)
        axes.set_axisbelow(True)
        if len(shown) < len(bars):
            _draw_masked(axes, positions, values, width=0.8, colour=SERIES_COLOURS[0], runs=False)
            _ticks_without_small_counts(axes)
        else:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))

    key = ("bar", tuple(bars), str(title), str(y_label), width, height)
    return _svg(key, draw, title=title, size=(width, height), rotated=True, cached=cached)


def _draw_masked(
    axes: Axes,
    xs: Sequence[float],
    values: Sequence[Value],
    *,
    width: float,
    colour: str,
    runs: bool = True,
) -> None:
    """Masked values as hatched, lighter bands from 0 to THRESHOLD, each labelled "<3".

    The band is the same for one as for two, so its height says nothing more than
    its label. ``runs``: label a run of neighbouring bands once (a line's months).
    """
    hidden = [(x, v) for x, v in zip(xs, values, strict=True) if isinstance(v, Masked)]
    red, green, blue = (0.3 * c + 0.7 for c in to_rgb(colour))
    tint = to_hex((red, green, blue))
    axes.bar(
        [x for x, _v in hidden],
        THRESHOLD,
        width=width,
        color=tint,
        edgecolor=colour,
        hatch=MASKED_HATCH,
        linewidth=0.6,
    )
    groups: list[list[tuple[float, Masked]]] = []
    for index, (x, v) in enumerate(zip(xs, values, strict=True)):
        if not isinstance(v, Masked):
            continue
        if runs and groups and index > 0 and isinstance(values[index - 1], Masked):
            groups[-1].append((x, v))
        else:
            groups.append([(x, v)])
    for group in groups:
        middle = (group[0][0] + group[-1][0]) / 2
        axes.text(
            middle,
            THRESHOLD,
            str(group[0][1]),
            horizontalalignment="center",
            verticalalignment="bottom",
            color=INK,
            fontsize=10,
            fontweight="bold",
        )


def _ticks_without_small_counts(axes: Axes) -> None:
    """Y ticks from 0 in steps of THRESHOLD or more: none on 1 or 2, and room for the labels."""
    axes.autoscale_view()
    top = max(axes.get_ylim()[1], THRESHOLD * 1.35)
    step = next((s for s in MASKED_STEPS if top / s <= MAX_TICKS - 1), MASKED_STEPS[-1])
    axes.set_ylim(0, top)
    axes.yaxis.set_major_locator(MultipleLocator(step))


def date_ticks(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """At most MAX_TICKS month starts between ``first`` and ``last``, evenly spaced."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in MONTH_STEPS if months / s <= MAX_TICKS), 12 * (months // 84 + 1))
    ticks = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = datetime.date(year, month, 1)
        if first <= day and (year * 12 + month - 1) % step == 0:
            ticks.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


def _svg(
    key: tuple[object, ...],
    draw: Callable[[Axes], None],
    *,
    title: str,
    size: tuple[float, float],
    rotated: bool = False,
    cached: bool,
    printed: bool = False,
) -> str:
    """The chart as SVG markup, or for print (``printed``) as a PNG ``data:`` URL.

    A PDF gets a picture: WeasyPrint parses and draws every element of an SVG (a
    quarter of the time of a printed report went to its charts), while a PNG is
    only embedded. The page keeps the SVG, whose text is text; in the PDF the
    figures stand in the table above the chart and the picture has its title as alt.
    """
    render = _render_png if printed else _render
    if not cached:
        return render(draw, title=title, size=size, rotated=rotated)
    cache_key = "chart:" + hashlib.sha256(repr(key).encode()).hexdigest()
    svg = cache.get(cache_key)
    if svg is None:
        svg = render(draw, title=title, size=size, rotated=rotated)
        cache.set(cache_key, svg, CACHE_SECONDS)
    return svg


#: The resolution of a printed chart: sharp on paper, small in the file.
PRINT_DPI = 150


def _figure(draw: Callable[[Axes], None], size: tuple[float, float], rotated: bool) -> Figure:
    width, height = size
    figure = Figure(figsize=size)
    figure.subplots_adjust(
        left=MARGIN_LEFT / width,
        right=1 - MARGIN_RIGHT / width,
        top=1 - MARGIN_TOP / height,
        bottom=(MARGIN_BOTTOM_ROTATED if rotated else MARGIN_BOTTOM) / height,
    )
    axes = figure.add_subplot()
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    draw(axes)
    return figure


def _render_png(
    draw: Callable[[Axes], None], *, title: str, size: tuple[float, float], rotated: bool
) -> str:
    with matplotlib.rc_context(STYLE):
        figure = _figure(draw, size, rotated)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=PRINT_DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _render(
    draw: Callable[[Axes], None], *, title: str, size: tuple[float, float], rotated: bool
) -> str:
    with matplotlib.rc_context(STYLE):
        figure = _figure(draw, size, rotated)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _presentation_attributes(svg)
    # A title for assistive technology; the figure is also described by a table.
    return svg.replace(">", f' role="img" aria-label="{_escape(title)}">', 1)


#: matplotlib's one style sheet: ``*{stroke-linejoin: round; stroke-linecap: butt}``.
STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>\*\{([^}]*)\}</style>")
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')


def _presentation_attributes(svg: str) -> str:
    """matplotlib's inline styles as SVG presentation attributes, which a CSP does not block.

    Every property matplotlib writes (fill, stroke and their widths, caps, joins and
    dashes, opacity, clip-path, font-size, font-family, text-anchor) is also an SVG
    presentation attribute; the values are matplotlib's own (colours, sizes, font
    names), never a label's text.
    """

    def attributes(declarations: str) -> str:
        pairs = (part.split(":", 1) for part in declarations.split(";") if ":" in part)
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    defaults = ""
    if match := STYLE_ELEMENT.search(svg):
        defaults = attributes(match[1])
        svg = svg[: match.start()] + svg[match.end() :]
    svg = svg.replace("<svg ", "<svg" + defaults + " ", 1)
    return STYLE_ATTRIBUTE.sub(lambda match: attributes(match[1]), svg)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
