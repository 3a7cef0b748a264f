/**
 * The SequenceNumbers of the REMOVEs the local TTL sweeper made. A reader that
 * has just read a REMOVE waits for any delete still being registered, so it
 * never classifies a TTL delete before the sweeper has recorded it.
 */
export class TtlRegistry {
  private readonly sequenceNumbers = new Set<string>();
  private pending: Promise<void> = Promise.resolve();

  get size(): number {
    return this.sequenceNumbers.size;
  }

  has(sequenceNumber: string): boolean {
    return this.sequenceNumbers.has(sequenceNumber);
  }

  /** Runs one TTL delete; `work` resolves to the SequenceNumber of its REMOVE. */
  async record(work: () => Promise<string>): Promise<void> {
    let done!: () => void;
    const previous = this.pending;
    this.pending = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      this.sequenceNumbers.add(await work());
    } finally {
      done();
    }
  }

  /** Resolves when no TTL delete is being registered. */
  settled(): Promise<void> {
    return this.pending;
  }
}
