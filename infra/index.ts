/**
 * dynamodb-lake as a library: the components (usable from any Pulumi program), their pure
 * helpers, the lake layout, and the least-privilege policy generator as `iam`.
 */
export * from "./dynamodb-lake";
export * from "./lake-bucket";
export * from "./lake-bucket-choice";
export * from "./source-table-checks";
export * from "./source-table";
export * from "./table-capture";
export * from "./capture-settings";
export * from "./stack-config";
export * from "./layout";
export * as iam from "./iam";

// The lake side: snapshot, compaction, Glue scripts, catalog.
export * from "./table-snapshot";
export * from "./table-compaction";
export * from "./table-reconcile";
export * from "./glue-job-arguments";
export * from "./glue-scripts-asset";
export * from "./lake-catalog";
export * from "./table-catalog";
