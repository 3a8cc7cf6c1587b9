"""calculate() and timeline() per recipe, side by side with Brauhaus 1.1.1 in Node.

The recipe editor runs calculate() on every keystroke and every detailed recipe answer of the
API builds two timelines (metric and US), so each should be at least as fast as the JavaScript
original on the same recipes. The recipes: the sample BeerXML files, the demo's recipes, the
Brauhaus reference cases of the tests, and recipes drawn from the editor's ingredient library
with a fixed seed.
Each figure is the best of several runs over all of them, in µs of CPU time per recipe (CPU
time, so other work on a shared machine disturbs the comparison little). kegdash keeps a few
memos (what a name says about a fermentable, a spice use, a price; the fermenter-time words),
so it is measured three ways: on recipes it has worked on before (a stored recipe answered
again), after one value of each recipe changed (a keystroke in the editor) and at first sight,
its memos emptied before each pass.

The engine as Python (a checkout, the wheel) or compiled by mypyc as the bundle and the .deb
run it: `make engine` compiles it into build/engine, and with PYTHONPATH=build/engine this
script measures that copy. The first line of the output says which ran.

With Node and a Brauhaus 1.1.1 install (never part of this repository; e.g.
`npm install brauhaus@1.1.1` in a temporary folder, then pass its node_modules/brauhaus),
Brauhaus runs the same recipes in the same run (benchmarks/brewing_calc_brauhaus.js) and its
timeline texts are compared with ours.

Run: .venv/bin/python benchmarks/brewing_calc.py [--brauhaus DIR]   (or BRAUHAUS_DIR=DIR)
     make engine && PYTHONPATH=build/engine .venv/bin/python benchmarks/brewing_calc.py …
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

from kegdash.brewing import Recipe, calculate, parse_beerxml, timeline
from kegdash.brewing.memo import forget_all
from kegdash.resources import resource_path
from kegdash.self_test import engine_kind

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "tests" / "brewing" / "data" / "brauhaus_reference.json"
NODE_SCRIPT = HERE / "brewing_calc_brauhaus.js"
LIBRARY_RECIPES = 100
SEED = 23
RUNS = 7
SINGLE_PASSES = 21  # one pass over the recipes is short: more of them
# (label, call); brewing_calc_brauhaus.js times the same calls under the same labels.
MEASURES: list[tuple[str, Callable[[Recipe], object]]] = [
    ("calculate()", calculate),
    ("timeline() SI", timeline),
    ("timeline() US", lambda recipe: timeline(recipe, False)),
    ("calculate()+timeline() SI", lambda recipe: (calculate(recipe), timeline(recipe))),
]


def library_recipe(rng: random.Random, library: dict) -> dict:
    """A plausible recipe from the ingredient library: grist, hop schedule, yeast, maybe a mash."""
    fermentables = [
        {
            "name": malt["name"],
            "weight": round(rng.uniform(0.1, 6.0), rng.choice((1, 2, 3))),
            "yield": malt["yield"],
            "color": malt["color"],
            "late": rng.random() < 0.2,
        }
        for malt in rng.sample(library["malts"], rng.randint(1, 6))
    ]
    spices = []
    for hop in rng.sample(library["hops"], rng.randint(1, 5)):
        use, time = rng.choice(
            [("boil", 60), ("boil", 90), ("boil", 30), ("boil", 15), ("boil", 10), ("boil", 5),
             ("aroma", 0), ("first wort", 60), ("dry hop", 4320)]
        )
        spices.append({
            "name": hop["name"], "weight": round(rng.uniform(0.005, 0.08), 3), "aa": hop["aa"],
            "use": use, "time": time, "form": rng.choice(("pellet", "pellet", "leaf")),
        })
    batch = rng.choice((10, 19, 20, 23, 25, 40))
    recipe = {
        "name": f"Library recipe {rng.randint(1, 9999)}",
        "style": rng.choice(library["styles"]),
        "batchSize": batch,
        "boilSize": round(batch * rng.uniform(1.1, 1.4), 1),
        "mashEfficiency": rng.choice((65, 70, 72, 75, 80)),
        "ibuMethod": rng.choice(("tinseth", "tinseth", "rager")),
        "fermentables": fermentables,
        "spices": spices,
        "yeast": rng.sample(library["yeasts"], rng.choice((1, 1, 1, 2))),
        "secondaryDays": rng.choice((0, 0, 7, 14)),
        "agingDays": rng.choice((0, 14, 28)),
        "agingTemp": rng.choice((4, 12, 20)),
    }
    if rng.random() < 0.7:
        steps = [{"name": "Saccharification", "type": "Infusion",
                  "waterRatio": round(rng.uniform(2.5, 3.5), 2), "temp": rng.choice((64, 66, 67, 68)),
                  "time": 60}]
        if rng.random() < 0.3:
            steps.insert(0, {"name": "Protein rest", "type": "Infusion", "waterRatio": 2.5,
                             "temp": 52, "time": 15})
        if rng.random() < 0.4:
            steps.append({"name": "Mash out", "type": rng.choice(("Temperature", "Decoction")),
                          "waterRatio": 0.5, "temp": 76, "time": 10})
        recipe["mash"] = {"name": rng.choice(("Single infusion", "Step mash")), "steps": steps}
    return recipe


def corpus() -> list[dict]:
    """The recipes, as Brauhaus JSON objects (what both engines are given)."""
    recipes = []
    for path in sorted(resource_path("beerxml").glob("*.xml")):
        recipes += [recipe.to_dict() for recipe in parse_beerxml(path.read_bytes())]
    demo = json.loads(resource_path("demo", "demo.json").read_text("utf-8"))
    recipes += [item["data"] for item in demo["recipes"]]
    cases = json.loads(REFERENCE.read_text("utf-8"))["cases"]
    recipes += [cases[name]["recipe"] for name in sorted(cases)]
    library = json.loads(resource_path("ingredients.json").read_text("utf-8"))
    library["styles"] = json.loads(resource_path("styles", "bjcp-2015.json").read_text("utf-8"))["styles"]
    rng = random.Random(SEED)
    recipes += [library_recipe(rng, library) for _ in range(LIBRARY_RECIPES)]
    return recipes


def forget_memos(_run: int) -> None:
    """Empty every memo of the engine, as in a process that just started."""
    forget_all()


def edit_one_value(recipes: list[Recipe], weights: list[float]) -> Callable[[int], None]:
    """Before each run, a keystroke in every recipe: its first fermentable's weight changes."""

    def edit(run: int) -> None:
        for recipe, weight in zip(recipes, weights, strict=True):
            if recipe.fermentables:
                recipe.fermentables[0].weight = weight + (run + 1) / 1000

    return edit


def per_recipe_us(
    func: Callable[[Recipe], object],
    recipes: list[Recipe],
    before_each_run: Callable[[int], None] | None = None,
) -> float:
    """Best of the runs over all recipes, in µs of CPU time per recipe.

    With `before_each_run`, each run is one pass over the recipes after it; without, the
    recipes are the same run after run.
    """

    def run() -> None:
        for recipe in recipes:
            func(recipe)

    timer = timeit.Timer(run, timer=time.thread_time)
    if before_each_run is None:
        number, _ = timer.autorange()
        return min(timer.repeat(repeat=RUNS, number=number)) / number / len(recipes) * 1e6
    passes = []
    for i in range(SINGLE_PASSES):
        before_each_run(i)
        passes.append(timer.timeit(number=1))
    return min(passes) / len(recipes) * 1e6


def run_brauhaus(directory: str, recipes: list[dict]) -> dict:
    """Brauhaus's timings and timeline texts for the same recipes (see the .js file)."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH; Brauhaus cannot be measured")
    done = subprocess.run(
        [node, str(NODE_SCRIPT), str(Path(directory).resolve())],
        input=json.dumps(recipes), capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"Brauhaus run failed:\n{done.stderr}")
    return json.loads(done.stdout)


def same_texts(ours: list[list], theirs: list[list]) -> bool:
    return [text for _, text in ours] == [text for _, text in theirs]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Brauhaus is not part of kegdash: install it outside the repository, e.g. "
        "`cd /tmp/bh && npm install brauhaus@1.1.1`, then pass /tmp/bh/node_modules/brauhaus.",
    )
    parser.add_argument(
        "--brauhaus", metavar="DIR", default=os.environ.get("BRAUHAUS_DIR"),
        help="an installed Brauhaus 1.1.1 package directory to run beside ours in Node "
        "(default: $BRAUHAUS_DIR; without it only kegdash is measured)",
    )
    args = parser.parse_args()

    data = corpus()
    recipes = [Recipe.from_dict(item) for item in data]
    edited = [Recipe.from_dict(item) for item in data]
    edit = edit_one_value(edited, [r.fermentables[0].weight if r.fermentables else 0.0 for r in edited])
    brauhaus = run_brauhaus(args.brauhaus, data) if args.brauhaus else None

    print(f"kegdash's brewing engine: {engine_kind()} ({Path(timeline.__module__).name} from "
          f"{Path(sys.modules[timeline.__module__].__file__).parent})")
    print(f"{len(recipes)} recipes: sample BeerXML, demo, Brauhaus reference cases and "
          f"{LIBRARY_RECIPES} from the ingredient library (seed {SEED})")
    print(f"µs of CPU time per recipe, best of {RUNS} runs (single passes: {SINGLE_PASSES})\n")
    print(f"{'':26} {'kegdash':^26}", end="")
    print("" if brauhaus is None else f"   Brauhaus {brauhaus['version']} (Node {brauhaus['node']})")
    print(f"{'':26} {'again':>8} {'one edit':>8} {'first':>8}", end="")
    print("" if brauhaus is None else f"   {'':>8}   slowest ÷ Brauhaus")
    for label, func in MEASURES:
        again = per_recipe_us(func, recipes)
        one_edit = per_recipe_us(func, edited, edit)
        first = per_recipe_us(func, recipes, forget_memos)
        line = f"{label:26} {again:8.1f} {one_edit:8.1f} {first:8.1f}"
        if brauhaus is not None:
            theirs = brauhaus["us_per_recipe"][label]
            line += f"   {theirs:8.1f}   {max(again, one_edit, first) / theirs:.2f}"
        print(line)
    print("\nagain: the same recipes run after run, the engine's memos filled; one edit:")
    print("each pass after a keystroke in every recipe (its first fermentable's weight); first:")
    print("the memos emptied before each pass (recipes in it still share names, temperatures, times).")
    print("Brauhaus keeps no memos: its figure is the same for the three.")

    if brauhaus is not None:
        same = sum(
            same_texts(timeline(recipe, True), si) and same_texts(timeline(recipe, False), us)
            for recipe, si, us in zip(recipes, brauhaus["si"], brauhaus["us"], strict=True)
        )
        print(f"\ntimeline texts (SI and US) identical to Brauhaus's on {same}/{len(recipes)} recipes")


if __name__ == "__main__":
    main()
