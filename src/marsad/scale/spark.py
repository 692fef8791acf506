"""The Spark engine: tasks run in ``mapPartitions`` on the executors, and the de-duplication over the
whole backfill (LSH band group-by, then exact verification of the candidate pairs) as DataFrame jobs.

Executors import marsad (installed on them, or shipped as a wheel / ``spark.archives``: docs/spark.md)
and write their task's Parquet file and marker themselves, so the work folder must be on storage that
the driver and every executor see (a shared file system; one machine in ``local[N]``).

MLlib's ``MinHashLSH`` is not used: its approximate join recomputes the signatures with its own hash
family (reported 6x slower for this job in issue #18); the band keys here are those the store uses.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from marsad.scale.dedup import bucket_lookups, is_duplicate, rank_paragraph_candidates, verify_paragraphs
from marsad.scale.derive import cluster_input_schema, derived_dir, shared_schema
from marsad.scale.plan import Task
from marsad.scale.stages import run_task, task_path


def session(master: str = "local[2]", conf: dict[str, str] | None = None):
    """A Spark session for a backfill (Python workers reused, so models load once per executor process)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master(master).appName("marsad-backfill")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.python.worker.reuse", "true")
               .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.execution.arrow.pyspark.enabled", "false"))
    if master.startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
        # the workers run this interpreter (with marsad installed), not whichever python3 is on PATH
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _run_partition(items, out: str):
    for d in items:
        yield run_task(Task.from_json(d), out)


def run_tasks(spark, tasks: list[Task], out: Path) -> list[dict]:
    """Run the stages over ``tasks``, one Spark partition per task; returns each task's statistics."""
    if not tasks:
        return []
    sc = spark.sparkContext
    rdd = sc.parallelize([t.to_json() for t in tasks], len(tasks))
    out_s = str(out)
    return rdd.mapPartitions(lambda it: _run_partition(it, out_s)).collect()


# -- whole-backfill steps ----------------------------------------------------------------------------

def _paragraph_texts(rows):
    for r in rows:
        paras = json.loads(r["article"])["paragraphs"]
        for pi in r["para_idx"] or ():
            yield f"{r['id']}:{pi}", paras[pi]


def _bucket_pairs(row):
    level = row["level"]
    return ((level, q, c) for q, c in bucket_lookups([(m["ins"], m["item"]) for m in row["m"]]))


def _ranked(row):
    return [(row["q"], c) for c in rank_paragraph_candidates(row["q"], [(h["c"], h["n"]) for h in row["h"]])]


def _verified(row):
    got = verify_paragraphs(row["q"], row["tq"], row["c"], row["tc"])
    return [(*got, row["q"].rpartition(":")[0], row["c"].rpartition(":")[0])] if got else []


def derive(spark, out: Path, tasks: list[Task]) -> dict:
    """The files `marsad.scale.derive.derive_local` writes, computed with Spark; returns counts."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    paths = [str(task_path(out, t)) for t in tasks]
    rec = spark.read.option("basePath", str(out / "records")).parquet(*paths)
    pages = rec.where(F.col("article").isNotNull()).withColumn("task_no", F.col("task").cast("int"))
    # a page read twice (in two inputs) is stored once, from its first occurrence, as `digest` does
    first = Window.partitionBy("page_id").orderBy("task_no", "pos")
    uniq = (pages.withColumn("r", F.row_number().over(first)).where("r = 1")
            .select(F.col("page_id").alias("id"), "canon", "article", "doc_sig", "doc_keys",
                    "para_idx", "para_keys")).cache()
    n = uniq.count()

    # one band group-by for both levels (their keys are salted apart): each bucket's lookups replayed
    doc_members = uniq.select(F.lit("d").alias("level"), F.col("canon").alias("ins"), F.col("id").alias("item"),
                              F.explode("doc_keys").alias("key"))
    paras = (uniq.select("id", "canon", F.explode(F.arrays_zip("para_idx", "para_keys")).alias("p"))
             .select("id", "canon", F.col("p.para_idx").alias("pi"), F.col("p.para_keys").alias("keys")))
    para_members = paras.select(
        F.lit("p").alias("level"),
        F.concat("canon", F.lit("|"), F.lpad(F.col("pi").cast("string"), 6, "0")).alias("ins"),
        F.concat("id", F.lit(":"), F.col("pi").cast("string")).alias("item"),
        F.explode("keys").alias("key"))
    buckets = (doc_members.unionByName(para_members).groupBy("level", "key")
               .agg(F.collect_list(F.struct("ins", "item")).alias("m")).where(F.size("m") > 1))
    lookups = buckets.rdd.flatMap(_bucket_pairs).toDF("level string, q string, c string").cache()

    # documents: candidates verified by Jaccard; the smallest verified id is the original
    sigs = uniq.select("id", "doc_sig")
    dup_check = F.udf(lambda a, b: is_duplicate(bytes(a), bytes(b)), "boolean")
    duplicate_of = (lookups.where("level = 'd'").select("q", "c").distinct()
                    .join(sigs.withColumnRenamed("id", "q").withColumnRenamed("doc_sig", "sq"), "q")
                    .join(sigs.withColumnRenamed("id", "c").withColumnRenamed("doc_sig", "sc"), "c")
                    .where(dup_check("sq", "sc")).groupBy("q").agg(F.min("c").alias("duplicate_of"))
                    .withColumnRenamed("q", "id")).cache()

    # paragraphs: the best-ranked candidates of each, verified by containment
    hits = lookups.where("level = 'p'").groupBy("q", "c").agg(F.count("*").alias("n"))
    ranked = (hits.groupBy("q").agg(F.collect_list(F.struct("c", "n")).alias("h"))
              .rdd.flatMap(_ranked).toDF("q string, c string"))
    texts = uniq.select("id", "article", "para_idx").rdd.mapPartitions(_paragraph_texts).toDF("item string, text string")
    cand = (ranked.join(texts.withColumnRenamed("item", "q").withColumnRenamed("text", "tq"), "q")
            .join(texts.withColumnRenamed("item", "c").withColumnRenamed("text", "tc"), "c"))
    shared = cand.rdd.flatMap(_verified).toDF(
        "article_a string, paragraph_a int, article_b string, paragraph_b int, similarity double, qa string, ca string")
    shared = shared.cache()
    # the article whose paragraph was the query is the later one: it gets the earlier one's story bonus
    later = shared.groupBy(F.col("qa").alias("id")).agg(F.sort_array(F.collect_set("ca")).alias("shared_with"))

    d = derived_dir(out)
    cluster_input = (uniq.select("id").join(duplicate_of, "id", "left").join(later, "id", "left")
                     .withColumn("shared_with", F.coalesce("shared_with", F.array().cast("array<string>")))
                     .select(*cluster_input_schema().names))
    cluster_input.write.mode("overwrite").parquet(str(d / "cluster_input"))
    shared.withColumnRenamed("qa", "query").select(*shared_schema().names).coalesce(1).write.mode("overwrite").parquet(str(d / "shared"))
    counts = {"articles": n, "duplicates": duplicate_of.count(), "shared_paragraphs": shared.count()}
    for frame in (uniq, lookups, duplicate_of, shared):
        frame.unpersist()
    (d / "_done").write_text(json.dumps(counts), encoding="utf-8")
    return counts
