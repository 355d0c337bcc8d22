"""The analysts' dashboard: queries (study rows as frames), figures and page builders.

Views in ``pilot/views/dashboard.py`` stay thin: they call :mod:`pilot.dashboard.pages`
and render. Every number is computed by ``recommender.metrics`` / ``recommender.stats``.
"""
