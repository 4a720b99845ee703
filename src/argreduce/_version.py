"""The one place the version is written: the build reads it from here (pyproject.toml's
``[tool.scikit-build.metadata.version]``), and ``argreduce.__version__`` imports it."""

__version__ = "0.1.0"
