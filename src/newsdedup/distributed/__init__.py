"""The scale-out path: the same dedup on an existing distributed engine (Apache Spark)."""
