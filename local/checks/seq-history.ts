/**
 * Remembers the newest `_seq` each key has shown in the current view, so that
 * a compaction that puts any key back to an older version is caught.
 */
import type { LakeRow } from "../lake/spark-runner";

export interface Regression {
  readonly key: string;
  readonly before: string;
  readonly after: string;
}

export class SeqHistory {
  private readonly newest = new Map<string, string>();
  snapshots = 0;

  /** Records one read of the current view; returns the keys whose _seq went backwards. */
  record(rows: readonly LakeRow[]): Regression[] {
    this.snapshots++;
    const regressions: Regression[] = [];
    for (const row of rows) {
      if (!/^[0-9]{40}$/.test(row._seq)) throw new Error(`_seq ${JSON.stringify(row._seq)} of ${row._key} is not 40 digits`);
      const before = this.newest.get(row._key);
      if (before !== undefined && row._seq < before) regressions.push({ key: row._key, before, after: row._seq });
      if (before === undefined || row._seq > before) this.newest.set(row._key, row._seq);
    }
    return regressions;
  }
}
