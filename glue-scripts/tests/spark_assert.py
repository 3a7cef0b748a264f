"""pyspark.testing.assertDataFrameEqual without pandas.

pyspark.testing's package __init__ also imports the pandas-on-Spark helpers (pandas and pyarrow), which
neither the Glue jobs nor these tests use; pyspark.testing.utils itself works without them. When the
package import fails for that reason, the package is registered bare so that .utils can load.
"""
import os
import sys
import types

import pyspark

try:
    import pyspark.testing  # noqa: F401
except ImportError:
    package = types.ModuleType("pyspark.testing")
    package.__path__ = [os.path.join(os.path.dirname(pyspark.__file__), "testing")]
    sys.modules["pyspark.testing"] = package

from pyspark.testing.utils import assertDataFrameEqual  # noqa: E402

__all__ = ["assertDataFrameEqual"]
