"""Listed files are handed to remove_orphan_files spelt like the table's location, or it ignores them."""
from dynamodb_lake.listing import in_location_form


def test_listed_files_take_the_locations_spelling():
    assert in_location_form("/w/db/t", "file:/w/db/t/data/a.parquet") == "/w/db/t/data/a.parquet"
    assert in_location_form("file:/w/db/t", "file:/w/db/t/data/a.parquet") == "file:/w/db/t/data/a.parquet"
    assert in_location_form("s3://b/w/db.db/t/", "s3://b/w/db.db/t/metadata/v1.json") == "s3://b/w/db.db/t/metadata/v1.json"
    assert in_location_form("/w/db/t", "file:/w/db/tt/a") == "file:/w/db/tt/a"  # not under it: unchanged
