/**
 * Everything the local pipeline starts registers a stopper here, so that the
 * demo and the tests stop it all on success, failure, Ctrl-C or SIGTERM.
 */
type Stopper = { name: string; stop: () => Promise<void>; kill: () => void };

const stoppers: Stopper[] = [];
let signalsInstalled = false;
let interruptedBy: NodeJS.Signals | undefined;

/** The signal being handled, if any: failures caused by stopping children are then expected. */
export const interrupted = (): NodeJS.Signals | undefined => interruptedBy;

/** Registers a child to stop; returns a function that unregisters it. */
export function onCleanup(name: string, stop: () => Promise<void>, kill: () => void): () => void {
  installSignalHandlers();
  const entry = { name, stop, kill };
  stoppers.push(entry);
  return () => {
    const i = stoppers.indexOf(entry);
    if (i >= 0) stoppers.splice(i, 1);
  };
}

/** Stops every registered child, newest first. */
export async function stopAll(): Promise<void> {
  while (stoppers.length > 0) {
    const s = stoppers.pop()!;
    try {
      await s.stop();
    } catch (err) {
      process.stderr.write(`[cleanup] stopping ${s.name} failed: ${String(err)}\n`);
    }
  }
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  // Last resort: a synchronous kill of whatever is still running when Node exits.
  process.on("exit", () => {
    for (const s of stoppers.splice(0)) s.kill();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interruptedBy = signal;
      process.stderr.write(`\n[cleanup] ${signal}: stopping ${stoppers.length} child process(es)\n`);
      void stopAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}
