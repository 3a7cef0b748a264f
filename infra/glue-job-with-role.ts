/**
 * A lake Glue job with its own role: the role Glue assumes, its inline policy,
 * and a Glue 5.0 job that runs one at a time. Shared by the table's snapshot,
 * compaction and maintenance jobs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_NUMBER_OF_WORKERS, DEFAULT_WORKER_TYPE, GLUE_VERSION } from "./glue-job-arguments";
import { glueTrustPolicy } from "./iam";
import { autoName, NAME_RULES } from "./resource-name";

export interface GlueJobWithRoleArgs {
  account: pulumi.Output<string>;
  description: pulumi.Input<string>;
  /** Default: the job's description. */
  roleDescription?: pulumi.Input<string>;
  policy: pulumi.Output<unknown>;
  script: pulumi.Input<string>;
  workerType?: pulumi.Input<string>;
  numberOfWorkers?: pulumi.Input<number>;
  timeout: pulumi.Input<number>;
  defaultArguments: pulumi.Input<Record<string, string>>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Resources the job must come after, besides its role policy. */
  dependsOn?: pulumi.Resource[];
}

/** Creates `<name>-role`, `<name>-policy` and `<name>-job` (auto-named) under `parent`. */
export function glueJobWithRole(parent: pulumi.Resource, name: string, j: GlueJobWithRoleArgs): { role: aws.iam.Role; job: aws.glue.Job } {
  const role = new aws.iam.Role(
    autoName(NAME_RULES.iamRole, name, "role"),
    { assumeRolePolicy: j.account.apply((account) => JSON.stringify(glueTrustPolicy(account))), description: j.roleDescription ?? j.description, tags: j.tags },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(autoName(NAME_RULES.rolePolicy, name, "policy"), { role: role.id, policy: j.policy.apply((p) => JSON.stringify(p)) }, { parent });
  const job = new aws.glue.Job(
    autoName(NAME_RULES.glueJob, name, "job"),
    {
      description: j.description,
      roleArn: role.arn,
      glueVersion: GLUE_VERSION,
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: j.script },
      workerType: j.workerType ?? DEFAULT_WORKER_TYPE,
      numberOfWorkers: j.numberOfWorkers ?? DEFAULT_NUMBER_OF_WORKERS,
      timeout: j.timeout,
      // Glue never retries: a scheduled job's next run picks up whatever this one did not commit, and a
      // failed snapshot is rerun on purpose (`lake resnapshot`), never retried into a second export.
      maxRetries: 0,
      executionProperty: { maxConcurrentRuns: 1 },
      defaultArguments: j.defaultArguments,
      tags: j.tags,
    },
    { parent, dependsOn: [policy, ...(j.dependsOn ?? [])] },
  );
  return { role, job };
}
