"""Dispatcher's front ends: the Qt desktop application and the command line.

Only the composition roots (``ui.app`` and ``ui.cli``) import ``db``.
"""
