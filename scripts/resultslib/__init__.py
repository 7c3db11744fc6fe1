"""The results command's parts: the plan of runs (plan.py), their raw JSON lines (raw.py), the
tables and the reading (render.py) and the plots (plots.py). Entry point: scripts/results.py."""
