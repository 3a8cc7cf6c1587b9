"""The brewing engine compiled to C with mypyc, in a copy of the package, for the bundle.

The recipe editor runs calculate() on every keystroke and every detailed recipe answer of the
API builds two timelines (metric and US); compiled, both run three to five times faster than as
Python (benchmarks/brewing_calc.py), at least as fast as Brauhaus in V8. The sources stay plain
Python, so `make run` and `make test` run them as written and the wheel stays pure: this script
copies kegdash/ to OUT (default build/engine), compiles the engine's modules there into one
extension group and removes their .py from the copy, so whatever imports kegdash from OUT gets
the compiled engine. `make package` builds the bundle and .deb from that copy; `make
engine-test` runs the engine's tests against it.

    python packaging/compile_engine.py [OUT]
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pure computation on numbers, strings and the recipe's dataclasses: what mypyc speeds up. Not
# durations.py: /v1/convert/duration hands it any JSON value, and compiled code checks the
# annotated types at each call (a None where str | float is declared raises TypeError).
ENGINE = ("kegdash/units.py",
          *(f"kegdash/brewing/{name}.py"
            for name in ("jsmath", "memo", "units", "recipe", "calc", "timeline")))
GROUP = "kegdash_engine"
"""The extension modules share one library, ``kegdash_engine__mypyc``, at the copy's top."""


def compile_engine(out: Path) -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "kegdash", out / "kegdash",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (out / "resources").symlink_to(ROOT / "resources")  # found beside the package, as in a checkout
    sources = list(ENGINE)
    os.chdir(out)
    setup(
        name="kegdash-engine",
        # Type errors in the modules it compiles stop it; what they import is only read.
        ext_modules=mypycify(["--follow-imports=silent", *sources], opt_level="3",
                             group_name=GROUP),
        script_args=["--quiet", "build_ext", "--inplace", "--build-temp", "build"],
    )
    for source in sources:
        Path(source).unlink()
    shutil.rmtree("build")
    shutil.rmtree(".mypy_cache", ignore_errors=True)


if __name__ == "__main__":
    compile_engine(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "build" / "engine")
