"""Pure building blocks of the dynamodb-lake Glue jobs (load_snapshot, compact, maintenance, reconcile).

Only the standard library, pyspark and boto3 are used, so the package runs unchanged on Glue 5.0
(Spark 3.5.4, Python 3.11, Iceberg 1.7.1) and locally.
"""
