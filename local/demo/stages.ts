/** Progress lines with elapsed time for each stage of a local run. */
export class Stages {
  private readonly started = Date.now();
  readonly timings: { name: string; seconds: number }[] = [];

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async run<T>(name: string, work: () => Promise<T>, done?: (value: T) => string): Promise<T> {
    const t0 = Date.now();
    this.write(`▶ ${name} …`);
    const value = await work();
    const seconds = (Date.now() - t0) / 1000;
    this.timings.push({ name, seconds });
    this.write(`✔ ${name} (${seconds.toFixed(1)} s, total ${this.totalSeconds().toFixed(1)} s)${done ? `: ${done(value)}` : ""}`);
    return value;
  }

  totalSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  info(line: string): void {
    this.write(`  ${line}`);
  }
}
