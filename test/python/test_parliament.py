"""Lint every generated IAM policy with parliament.

The policies come from infra/iam/examples.ts (every role, with and without KMS
keys, wildcard patterns, both snapshot modes, maintenance, aws-cn), printed as
JSON by Node. Nothing at MEDIUM or above is allowed from parliament's own
auditors; its community auditors must report exactly the accepted findings
listed below, each with the reason it is accepted.
"""

import json
import pathlib
import shutil
import subprocess

import parliament
import pytest
from parliament import analyze_policy_string, enhance_finding, override_config

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]

EXPECTED_POLICIES = {
    "capture",
    "captureKms",
    "captureWildcards",
    "captureChina",
    "firehose",
    "firehoseKms",
    "snapshotExport",
    "snapshotExportKms",
    "snapshotGlue",
    "compaction",
    "compactionKms",
    "compactionChina",
    "reconcile",
    "reconcileKms",
    "maintenance",
    "athena",
    "athenaKms",
    "crossAccountStream",
    "crossAccountTable",
    "crossAccountExporter",
    "crossAccountExporterKms",
    "crossAccountBucket",
    "crossAccountSnapshot",
    "crossAccountTableKey",
    "crossAccountLakeKey",
}

# LOW findings accepted from parliament's own auditors: key-policy statements
# name Resource "*", which in a key policy means the key it is attached to.
ACCEPTED_LOW = {
    ("crossAccountTableKey", "RESOURCE_STAR", "['kms:Decrypt']"),
    ("crossAccountLakeKey", "RESOURCE_STAR", "['kms:Decrypt', 'kms:GenerateDataKey']"),
}

# MEDIUM findings accepted from parliament's own auditors. A stream ARN ends in
# a label such as 2024-05-01T00:00:00.000, and parliament splits ARNs on ":",
# so the exact stream ARN a stream's resource policy must name looks mismatched
# to it; test_stream_mismatch_is_only_the_label_colons proves that is all it is.
ACCEPTED_SERIOUS = {("crossAccountStream", "RESOURCE_MISMATCH")}

# Findings accepted from the community auditors, as (policy, issue, detail).
# s3:PutObjectAcl is what DynamoDB's export to S3 needs to hand its files to the
# bucket owner; the statement is limited to the exports prefix and to the
# bucket-owner-full-control canned ACL (s3:x-amz-acl), so it cannot open them up.
# The same holds for the cross-account exporter role and the lake bucket's grant
# to it. sts:AssumeRole is the snapshot job's way to its one exporter role, in
# the table's account, which trusts only that job role.
ACCEPTED_COMMUNITY = {
    ("snapshotExport", "PERMISSIONS_MANAGEMENT_ACTIONS", "s3:putobjectacl"),
    ("snapshotExportKms", "PERMISSIONS_MANAGEMENT_ACTIONS", "s3:putobjectacl"),
    ("crossAccountExporter", "PERMISSIONS_MANAGEMENT_ACTIONS", "s3:putobjectacl"),
    ("crossAccountExporterKms", "PERMISSIONS_MANAGEMENT_ACTIONS", "s3:putobjectacl"),
    ("crossAccountBucket", "PERMISSIONS_MANAGEMENT_ACTIONS", "s3:putobjectacl"),
    ("crossAccountSnapshot", "CREDENTIALS_EXPOSURE", "sts:assumerole"),
    ("crossAccountTableKey", "RESOURCE_STAR", "['kms:Decrypt']"),
    ("crossAccountLakeKey", "RESOURCE_STAR", "['kms:Decrypt', 'kms:GenerateDataKey']"),
}


@pytest.fixture(scope="module")
def policies():
    node = shutil.which("node")
    assert node, "node is not on PATH: source scripts/env.sh first"
    out = subprocess.run(
        [node, "--import", "tsx", "infra/iam/examples.ts"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(out.stdout)


def findings(policy, community=False):
    analyzed = analyze_policy_string(
        json.dumps(policy),
        ignore_private_auditors=True,
        include_community_auditors=community,
    )
    return [enhance_finding(f) for f in analyzed.findings]


def detail_of(finding):
    actions = finding.location.get("actions") if isinstance(finding.location, dict) else None
    return ",".join(actions) if actions else str(finding.detail)


def test_the_examples_cover_every_role(policies):
    assert set(policies) == EXPECTED_POLICIES


def test_no_finding_at_medium_or_above(policies):
    serious, low = [], set()
    for name, policy in policies.items():
        for f in findings(policy):
            if SEVERITIES.index(f.severity) >= SEVERITIES.index("MEDIUM"):
                if (name, f.issue) not in ACCEPTED_SERIOUS:
                    serious.append((name, f.issue, f.severity, f.detail, f.location))
            else:
                low.add((name, f.issue, detail_of(f)))
    assert serious == []
    assert low == ACCEPTED_LOW


def test_community_auditors_find_only_the_accepted(policies):
    override_config(str(pathlib.Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"))
    found = set()
    for name, policy in policies.items():
        for f in findings(policy, community=True):
            if (name, f.issue) not in ACCEPTED_SERIOUS:
                found.add((name, f.issue, detail_of(f)))
    assert found == ACCEPTED_COMMUNITY


def test_stream_mismatch_is_only_the_label_colons(policies):
    stream = json.loads(json.dumps(policies["crossAccountStream"]))
    assert [f.issue for f in findings(stream)] == ["RESOURCE_MISMATCH"]
    for s in stream["Statement"]:
        s["Resource"] = [r[: r.rindex("/")] + r[r.rindex("/") :].replace(":", "") for r in s["Resource"]]
    assert findings(stream) == []


def test_parliament_flags_a_broad_policy():
    # The same calls catch what they are meant to: a guard against a silently passing lint.
    broad = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lake-bucket"]},
            {"Effect": "Allow", "Action": ["iam:PutRolePolicy"], "Resource": ["*"]},
        ],
    }
    issues = {(f.issue, f.severity) for f in findings(broad)}
    assert ("RESOURCE_MISMATCH", "MEDIUM") in issues
    assert ("RESOURCE_STAR", "LOW") in issues
