"""boto3 clients of the jobs, with the emulator endpoints honoured (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL).

A table in another account: ExportTableToPointInTime and DescribeExport cannot be called across accounts, so
the snapshot job assumes the exporter role of the table's account to start and poll its export. Those
credentials renew themselves: the job role assuming the exporter role is role chaining, which AWS caps at one
hour, and the export of a large table takes longer than that.
"""
from __future__ import annotations

import os

SESSION_NAME = "dynamodb-lake-snapshot"


def endpoint_url(service: str) -> str | None:
    return os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL") or None


def assumed_session(role_arn: str, region: str = ""):
    """A boto3 session acting as role_arn (assumed with the job's own credentials), renewed before it expires."""
    import boto3
    from botocore.credentials import RefreshableCredentials
    from botocore.session import get_session

    sts = boto3.client("sts", region_name=region or None, endpoint_url=endpoint_url("sts"))

    def fetch() -> dict:
        c = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
        return {"access_key": c["AccessKeyId"], "secret_key": c["SecretAccessKey"], "token": c["SessionToken"],
                "expiry_time": c["Expiration"].isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(metadata=fetch(), refresh_using=fetch,
                                                              method="sts-assume-role")
    core = get_session()
    core._credentials = credentials  # botocore has no public setter for refreshing credentials
    return boto3.Session(botocore_session=core, region_name=region or None)


def dynamodb_client(region: str = "", role_arn: str = ""):
    """DynamoDB client with the job's credentials, or, given role_arn, of the account that role is in."""
    import boto3

    session = assumed_session(role_arn, region) if role_arn else boto3.Session(region_name=region or None)
    return session.client("dynamodb", endpoint_url=endpoint_url("dynamodb"))
