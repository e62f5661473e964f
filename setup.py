"""Find ldcv's packages for setuptools, so that no package is ever left out of the wheel.

Every folder under ``ldcv/`` ships with all its files (templates, static files,
queries and contexts are folders of data); ``shapes/`` stays at the top level, as
the design card fixes it, and ships as ``ldcv.shapes``.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["ldcv", "ldcv.*"], exclude=["*.__pycache__"]),
        "ldcv.shapes",
    ],
    package_dir={"ldcv.shapes": "shapes"},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc"]},
)
