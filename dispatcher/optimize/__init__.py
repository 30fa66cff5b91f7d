"""Route optimization: problem snapshot in, timed plan out.

Build a ``RoutingProblem`` (``problem.py``), call ``engine.solve`` in-process or
``runner.SolveProcess`` / ``runner.solve_in_subprocess`` to keep the caller's
process responsive, and verify with ``checker.check``. Only
``ortools_backend`` imports OR-Tools.
"""
