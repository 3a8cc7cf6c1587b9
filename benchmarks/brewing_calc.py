"""How fast is calculate()?  The recipe editor recomputes on every keystroke (target < 100 µs).

Run: .venv/bin/python benchmarks/brewing_calc.py
"""

from __future__ import annotations

import timeit

from kegdash.brewing import Recipe, calculate, timeline

TYPICAL = Recipe.from_dict({
    "name": "Benchmark IPA",
    "batchSize": 23,
    "boilSize": 28,
    "mashEfficiency": 72,
    "fermentables": [
        {"name": "Pale malt (2 row)", "weight": 5.2, "yield": 79, "color": 2},
        {"name": "Munich malt", "weight": 0.6, "yield": 80, "color": 9},
        {"name": "Crystal 40", "weight": 0.3, "yield": 74, "color": 40},
        {"name": "Corn sugar", "weight": 0.25, "yield": 100, "color": 1, "late": True},
    ],
    "spices": [
        {"name": "Magnum", "weight": 0.02, "aa": 12.7, "time": 60},
        {"name": "Centennial", "weight": 0.03, "aa": 10, "time": 10},
        {"name": "Cascade", "weight": 0.05, "aa": 5.5, "use": "dry hop", "time": 4320},
    ],
    "yeast": [{"name": "Safale US-05", "attenuation": 77}],
    "mash": {"name": "Single infusion", "steps": [{"temp": 67, "time": 60, "waterRatio": 2.8}]},
})


def measure(label: str, func: object, runs: int) -> None:
    best = min(timeit.repeat(func, number=runs, repeat=5))
    per_call = best / runs
    print(f"{label:<24} {1 / per_call:>10,.0f} per second   {per_call * 1e6:7.1f} µs per call")


def main() -> None:
    print("typical recipe: 4 fermentables, 3 hops, 1 yeast, 1 mash step")
    measure("calculate()", lambda: calculate(TYPICAL), 20000)
    measure("timeline()", lambda: timeline(TYPICAL), 5000)
    measure("calculate()+timeline()", lambda: (calculate(TYPICAL), timeline(TYPICAL)), 5000)


if __name__ == "__main__":
    main()
