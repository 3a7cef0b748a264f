/**
 * What a point-in-time export of a table into the lake needs: the export and
 * its status on the table, and writes under the table's exports prefix. The
 * same-account snapshot role and the cross-account exporter role both grant
 * exactly these statements; the lake bucket's policy admits the exporter with
 * the same object actions.
 */
import { DYNAMODB_DESCRIBE_EXPORT_ACTIONS, DYNAMODB_EXPORT_ACTIONS, S3_EXPORT_ACL_ACTIONS, S3_EXPORT_WRITE_ACTIONS } from "./actions";
import { tableArn, tableExportsArn } from "./arns";
import type { S3Location, TableArnPattern } from "./patterns";
import type { ConditionBlock, Statement } from "./policy";
import { s3ObjectStatement, statement } from "./statements";

/** An export hands its files to the bucket owner; no other ACL may be set. */
export const EXPORT_OWNERSHIP_CONDITION: ConditionBlock = { StringEquals: { "s3:x-amz-acl": ["bucket-owner-full-control"] } };

export function tableExportStatements(tables: readonly TableArnPattern[], lake: S3Location, exportsPrefixes: readonly string[]): Statement[] {
  return [
    statement("ExportTables", DYNAMODB_EXPORT_ACTIONS, tables.map(tableArn)),
    statement("DescribeTableExports", DYNAMODB_DESCRIBE_EXPORT_ACTIONS, tables.map(tableExportsArn)),
    s3ObjectStatement("WriteTableExports", S3_EXPORT_WRITE_ACTIONS, lake, exportsPrefixes),
    { ...s3ObjectStatement("SetTableExportOwnership", S3_EXPORT_ACL_ACTIONS, lake, exportsPrefixes), Condition: EXPORT_OWNERSHIP_CONDITION },
  ];
}
