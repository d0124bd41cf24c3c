"""Charts as SVG, drawn on the server with matplotlib.

One code path for every chart: the pages embed the SVG inline and the PDFs
get the same markup, so what the steering group sees is what gets printed.
Text stays text in the SVG (searchable, readable by screen readers, and the
page's own font is used).
"""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")

from matplotlib import pyplot
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.ticker import MaxNLocator

INK = "#1d2b36"
SERIES_COLOURS = ["#1a5a8a", "#b85c00", "#2e7d4f", "#7a3e9d", "#a61b29"]

# pyplot keeps global state; one chart at a time per process.
_lock = threading.Lock()


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime.date, float]]
    dashed: bool = False


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    y_range: tuple[float, float] | None = None,
    width: float = 6.4,
    height: float = 2.8,
) -> str:
    """A line chart over dates, returned as an <svg> element to put in a page or PDF."""
    with _lock:
        pyplot.rcParams.update(
            {
                "svg.fonttype": "none",
                "font.family": "sans-serif",
                "font.size": 9,
                "axes.edgecolor": "#9aa8b4",
                "axes.labelcolor": INK,
                "xtick.color": INK,
                "ytick.color": INK,
            }
        )
        figure, axes = pyplot.subplots(figsize=(width, height))
        try:
            for index, line in enumerate(series):
                if not line.points:
                    continue
                xs, ys = zip(*line.points, strict=True)
                axes.plot(
                    xs,
                    ys,
                    marker="o" if len(xs) <= 24 else None,
                    markersize=4,
                    linewidth=2,
                    linestyle="--" if line.dashed else "-",
                    color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    label=line.label,
                )
            dates = [day for line in series for day, _value in line.points]
            if dates:
                # A little room either side, and a sensible span for a single point.
                span = max(dates) - min(dates)
                pad = max(datetime.timedelta(days=14), span * 0.05)
                axes.set_xlim(date2num(min(dates) - pad), date2num(max(dates) + pad))
            axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=7))
            if y_range:
                axes.set_ylim(*y_range)
            axes.set_ylabel(y_label)
            axes.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
            axes.grid(axis="y", color="#dfe4e8", linewidth=0.8)
            axes.spines[["top", "right"]].set_visible(False)
            if len(series) > 1:
                axes.legend(frameon=False, loc="best")
            figure.autofmt_xdate()
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            pyplot.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # A title for assistive technology; the figure is also described by a table.
    return svg.replace(">", f' role="img" aria-label="{_escape(title)}">', 1)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    y_label: str = "",
    width: float = 6.4,
    height: float = 2.6,
) -> str:
    """A column chart of labelled values, returned as an <svg> element."""
    with _lock:
        pyplot.rcParams.update(
            {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9}
        )
        figure, axes = pyplot.subplots(figsize=(width, height))
        try:
            labels = [label for label, _value in bars]
            values = [value for _label, value in bars]
            axes.bar(labels, values, color=SERIES_COLOURS[0])
            axes.set_ylabel(y_label)
            axes.grid(axis="y", color="#dfe4e8", linewidth=0.8)
            axes.set_axisbelow(True)
            axes.spines[["top", "right"]].set_visible(False)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            for tick in axes.get_xticklabels():
                tick.set_rotation(30)
                tick.set_horizontalalignment("right")
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            pyplot.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return svg.replace(">", f' role="img" aria-label="{_escape(title)}">', 1)
