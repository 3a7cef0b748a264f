/** A lake alarm's inputs written out by hand, one alarm a line. */

/** The metric an alarm watches. */
export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: string;
}

/** When it fires: over `evaluationPeriods` periods of `period` seconds, compared with `threshold`. */
export type AlarmWindow = [period: number, evaluationPeriods: number, threshold: number];

/** Every alarm of the lake treats missing data as not breaching: no data means nothing is wrong. */
export function expectedAlarm(
  alarmDescription: string,
  metric: AlarmMetric,
  [period, evaluationPeriods, threshold]: AlarmWindow,
  comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { alarmDescription, ...metric, period, evaluationPeriods, threshold, comparisonOperator, treatMissingData: "notBreaching", ...extra };
}
