/** Starts a child process in its own process group so it and all its children can be stopped together. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { onCleanup } from "./cleanup";

export interface ManagedChild {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startChild(name: string, command: string, args: string[], options: SpawnOptions): ManagedChild {
  const child = spawn(command, args, { ...options, detached: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once("error", () => resolve(null));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async (): Promise<void> => {
    unregister();
    if (done) return;
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onCleanup(name, stop, () => killGroup("SIGKILL"));
  void exited.then(() => unregister());
  return { process: child, exited, stop };
}
