"""Backfills of large archives: inputs split into tasks, the pipeline's stages run per task (in this
process or on Apache Spark), records written as Parquet with a completion marker per task, de-duplication
by LSH band group-by, and the result loaded into a normal marsad store (`marsad.scale.backfill`)."""
