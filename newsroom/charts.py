"""Charts drawn on the server as SVG geometry, so the admin shows them with no script."""

from dataclasses import dataclass, field

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 36, 24, 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass
class BarChart:
    """Grouped bars, one group per label, one bar per series, with a scale of a few round steps."""

    labels: list
    series: dict  # name → list of values, one per label
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    axis_labels: list = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM

    @property
    def rows(self):
        """The same numbers as a table: one row per label."""
        return [(label, [values[index] for values in self.series.values()]) for index, label in enumerate(self.labels)]


def nice_top(value):
    """The smallest round number (1, 2 or 5 times a power of ten) at or above value, at least 5."""
    exponent = 0
    while True:
        for multiple in (1, 2, 5):
            if multiple * 10 ** exponent >= max(value, 5):
                return multiple * 10 ** exponent
        exponent += 1


def bar_chart(labels, series, every=5):
    """The geometry of a grouped bar chart; an axis label every `every` groups."""
    chart = BarChart(labels=list(labels), series=series)
    top = nice_top(max((max(values, default=0) for values in series.values()), default=0))
    plot_height = chart.baseline - TOP
    group = (WIDTH - LEFT) / max(len(chart.labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    for index, label in enumerate(chart.labels):
        for number, (name, values) in enumerate(series.items()):
            height = values[index] / top * plot_height
            chart.bars.append(Bar(x=round(LEFT + index * group + group * 0.1 + number * bar, 1),
                                  y=round(chart.baseline - height, 1), width=round(bar, 1),
                                  height=round(height, 1), series=name, title=f"{label}: {values[index]} {name}"))
        if index % every == 0:
            chart.axis_labels.append((round(LEFT + index * group + group / 2, 1), label))
    chart.ticks = [(round(chart.baseline - plot_height * part / 5, 1), top * part // 5) for part in range(6)]
    return chart
