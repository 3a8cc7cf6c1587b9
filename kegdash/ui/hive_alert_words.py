"""Hive alerts in the window's words and units: short chips for the overview's cards and the
hive picker, the sentence above the plots, and a notification's text."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from kegdash import fmt
from kegdash.apiary.alerts import AlertRules, HiveAlert


@dataclass(frozen=True, slots=True)
class Chip:
    text: str
    urgent: bool
    """Drawn in the alarm colour: still going on, or a swarm (over in minutes, and the bees
    gone); else over within the last day."""
    tooltip: str


KIND_WORDS = {"swarm": "Possible swarm", "brood": "Brood temperature", "spike": "Temperature spike",
              "silent": "No data", "battery": "Battery low"}
SHORT_WORDS = {"swarm": "Swarm?", "brood": "Brood", "spike": "Spike", "silent": "Silent",
               "battery": "Battery"}


def _change(celsius: float, units: str) -> float:
    return fmt.temperature_value(celsius, units) - fmt.temperature_value(0.0, units)


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d %b %H:%M").lstrip("0")


def age(ts: float, now: float | None = None) -> str:
    """"just now", "12 min ago", "3 h ago"."""
    seconds = max((time.time() if now is None else now) - ts, 0)
    return "just now" if seconds < 60 else f"{fmt.duration(seconds)} ago"


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 drop", "2 drops"."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def what(alert: HiveAlert, units: str) -> str:
    """The alert's finding, with its values: "−2.1 kg", "31.2 °C", "+4.1 °C", "3 h", "15 %"."""
    v = alert.values
    if alert.kind == "swarm":
        return f"−{fmt.weight_value(v['drop_kg'], units):.1f} {fmt.weight_unit(units)}"
    if alert.kind == "brood":
        return fmt.temperature(v["last_c"], units)
    if alert.kind == "spike":
        return f"{_change(v['change_c'], units):+.1f} {fmt.temperature_unit(units)}"
    if alert.kind == "silent":
        return fmt.duration(v["silent_s"])
    return f"{v['last_pct']:.0f} %"


def urgent(alert: HiveAlert) -> bool:
    return alert.ongoing or alert.kind == "swarm"


def chip(alert: HiveAlert, units: str, now: float | None = None) -> Chip:
    """"Swarm? −2.1 kg · 3 h ago", "Brood 31.2 °C", "Silent 3 h", "Battery 15 %"."""
    now = time.time() if now is None else now
    text = f"{SHORT_WORDS[alert.kind]} {what(alert, units)}"
    if not alert.ongoing:
        text += f" · {age(alert.end_ts, now)}"
    sensor = f" ({alert.sensor_name})" if alert.sensor_name else ""
    until = "now" if alert.ongoing else _when(alert.end_ts)
    tooltip = f"{KIND_WORDS[alert.kind]}{sensor}: {what(alert, units)}, {_when(alert.start_ts)} – {until}"
    return Chip(text, urgent(alert), tooltip)


def chips(alerts: list[HiveAlert] | tuple[HiveAlert, ...], units: str) -> list[Chip]:
    """Urgent alerts first, then the most recent."""
    ordered = sorted(alerts, key=lambda a: (not urgent(a), -(a.end_ts or a.start_ts)))
    return [chip(alert, units) for alert in ordered]


def notification(alert: HiveAlert, units: str) -> tuple[str, str]:
    """(title, message) of a desktop notification for a new alert."""
    sensor = f" ({alert.sensor_name})" if alert.sensor_name else ""
    return f"{alert.hive_name}: {KIND_WORDS[alert.kind].lower()}", \
        f"{KIND_WORDS[alert.kind]}{sensor}: {what(alert, units)} since {_when(alert.start_ts)}"


def summary(alerts: list[HiveAlert], rules: AlertRules, units: str, several_sensors: bool,
            now: float | None = None) -> str:
    """What needs a look, in words: swarms and spikes in the span, and brood out of its band, low
    batteries and silence now."""
    now = time.time() if now is None else now
    found = []
    swarms = sum(a.kind == "swarm" for a in alerts)
    if swarms:
        drop = f"{fmt.weight_value(rules.swarm_drop_kg, units):.3g} {fmt.weight_unit(units)}"
        found.append(f"{plural(swarms, 'sudden weight drop')} of {drop} or more within "
                     f"{fmt.duration(rules.swarm_window_s)} — possible swarm")
    spikes = sum(a.kind == "spike" for a in alerts)
    if spikes:
        found.append(f"{plural(spikes, 'sudden brood temperature change')} of "
                     f"{_change(rules.spike_c, units):.2g} {fmt.temperature_unit(units)} or more")
    low, high = (f"{fmt.temperature_value(v, units):.3g}" for v in (rules.brood_min_c, rules.brood_max_c))
    ongoing = [a for a in alerts if a.ongoing]
    for alert in (a for a in ongoing if a.kind == "brood"):
        where = f" ({alert.sensor_name})" if several_sensors else ""
        found.append(f"brood at {fmt.temperature(alert.values['last_c'], units)}{where}, "
                     f"outside {low}–{high} {fmt.temperature_unit(units)}")
    for alert in (a for a in ongoing if a.kind == "battery"):
        found.append(f"battery low: {alert.sensor_name} at {alert.values['last_pct']:.0f} %")
    for alert in (a for a in ongoing if a.kind == "silent"):
        found.append(f"no data for {fmt.duration(now - alert.start_ts)}")
    return "  ·  ".join(found)
