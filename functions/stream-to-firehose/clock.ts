/** Time as delivery sees it: injected so tests can run hours of backoff in microseconds. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** What is left of the invocation, e.g. () => context.getRemainingTimeInMillis(). */
export type RemainingTime = () => number;
