"""Build the flat-walk spike in place: python build.py LEXBOR_SOURCE build_ext --inplace

LEXBOR_SOURCE is ``lexbor/source`` from the selectolax 1.0.2 sdist (the wheel ships
``selectolax/lexbor.pxd`` but not lexbor's C headers). Needs Cython and a C compiler.
"""

from __future__ import annotations

import sys
from pathlib import Path

import selectolax
from Cython.Build import cythonize
from setuptools import Extension, setup

LEXBOR_SOURCE = sys.argv.pop(1)
INCLUDE = [str(Path(selectolax.__file__).parent.parent), LEXBOR_SOURCE]

setup(ext_modules=cythonize([Extension("flatwalk", ["flatwalk.pyx"], include_dirs=INCLUDE)],
                            include_path=INCLUDE, quiet=True))
