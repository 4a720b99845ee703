"""Sphinx configuration of the API reference (``make docs``; warnings are errors there)."""

from __future__ import annotations

import argreduce

project = "argreduce"
author = "The argreduce authors"
copyright = "2026, The argreduce authors"
release = argreduce.__version__
version = release

extensions = ["sphinx.ext.autodoc", "numpydoc"]

# numpydoc renders the Parameters / Returns / Raises / Examples sections and checks them: a public
# function documented here without its parameters, its return value or an example fails the build.
numpydoc_show_class_members = False
numpydoc_validation_checks = {"PR01", "PR02", "PR03", "PR10", "RT01", "EX01", "GL08"}
numpydoc_xref_param_type = False

autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # the signature shows the names and defaults; the types are in the text

html_theme = "alabaster"
html_title = f"argreduce {release}"
exclude_patterns = ["_build"]
