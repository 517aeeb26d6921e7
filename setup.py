"""The compiled core: built with the system's C compiler when there is one (DESIGN decision 12).

Everything else about the package is in pyproject.toml. The extension is optional: without a
compiler the install still succeeds and newsdedup runs its numpy path (``newsdedup demo`` says
which one it uses).
"""

import sys

from setuptools import Extension, setup

flags = [] if sys.platform == "win32" else ["-O3", "-std=c11"]
setup(
    ext_modules=[
        Extension("newsdedup._core", ["src/newsdedup/_core.c"], extra_compile_args=flags, optional=True)
    ]
)
