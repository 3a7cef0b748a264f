/** Statements written out by hand that several policy tests expect. */
import type { Statement } from "../../infra/iam";

/** The statements every Glue job role ends with: its log groups and streams, and its metrics. */
export function glueJobTail(region: string, account: string): Statement[] {
  const logs = `arn:aws:logs:${region}:${account}:log-group:/aws-glue/jobs/*`;
  return [
    { Sid: "CreateJobLogGroups", Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: [logs] },
    { Sid: "WriteJobLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs}:log-stream:*`] },
    {
      Sid: "PutJobMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: ["*"],
      Condition: { StringEquals: { "cloudwatch:namespace": ["Glue", "DynamoDbLake"] } },
    },
  ];
}
