"""Rasd at scale: the same pipeline, store merge and outputs on Apache Spark (``spark.py``).

``rows.py`` is what the executors run (plain Python: reading a file into
articles, extracting one, merging one group of raw events); ``spark.py`` the
job and the ``rasd spark`` command; ``load.py`` loads a job's output into the
store (``rasd ingest --events OUTPUT``).
"""
