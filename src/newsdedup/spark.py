"""``newsdedup.spark``: batch dedup and cleaning on Apache Spark DataFrames (the ``[spark]`` extra).

>>> import newsdedup.spark  # doctest: +SKIP
>>> out = newsdedup.spark.dedup(df, text="text", id="id")  # doctest: +SKIP
>>> out.where("dedup_status = 'kept'").count()  # doctest: +SKIP
"""

from .distributed.spark import MAX_COLLECTED_EDGES, OUTCOME_COLUMNS, clean, dedup, run_files

__all__ = ["MAX_COLLECTED_EDGES", "OUTCOME_COLUMNS", "clean", "dedup", "run_files"]
