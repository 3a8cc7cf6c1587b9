"""Only what pyproject.toml cannot say: the top-level ``resources/`` folder goes into the wheel as
``kegdash/_resources`` (a checkout reads it in place; kegdash.resources looks in both)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        self.copy_tree(str(Path(__file__).parent / "resources"),
                       str(Path(self.build_lib) / "kegdash" / "_resources"))


setup(cmdclass={"build_py": BuildPyWithResources})
