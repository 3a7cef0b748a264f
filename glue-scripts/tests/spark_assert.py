"""pyspark.testing.assertDataFrameEqual without pandas.

pyspark.testing's package __init__ and assertDataFrameEqual itself import the pandas-on-Spark helpers
(pandas and pyarrow), which neither the Glue jobs nor these tests use; pyspark.testing.utils works without
them. When they do not import (pandas missing, or a NumPy 2 that PySpark 3.5's pandas API fails under with
AttributeError), pyspark.pandas is marked absent, so those imports raise ImportError, which PySpark handles.
"""
import os
import sys
import types

import pyspark

try:
    import pyspark.pandas  # noqa: F401
except (ImportError, AttributeError):
    sys.modules["pyspark.pandas"] = None  # type: ignore[assignment]  # None: `import` raises ImportError
    sys.modules.pop("pyspark.testing", None)
try:
    import pyspark.testing  # noqa: F401
except ImportError:
    package = types.ModuleType("pyspark.testing")
    package.__path__ = [os.path.join(os.path.dirname(pyspark.__file__), "testing")]
    sys.modules["pyspark.testing"] = package

from pyspark.testing.utils import assertDataFrameEqual  # noqa: E402

__all__ = ["assertDataFrameEqual"]
