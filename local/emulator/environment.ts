/**
 * Everything a local run shares: the emulator, its clients, one local Spark
 * runner and a work folder. Stopped as a whole, also on Ctrl-C.
 */
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { destroyClients, localClients, type LocalClients } from "./aws";
import { onCleanup } from "../support/cleanup";
import { startMoto, type MotoServer } from "./moto";
import { SparkRunner } from "../lake/spark-runner";

export interface LocalEnvironment {
  readonly moto: MotoServer;
  readonly clients: LocalClients;
  readonly spark: SparkRunner;
  readonly workDir: string;
  stop(): Promise<void>;
}

export async function startEnvironment(options: { keepWorkDir?: boolean } = {}): Promise<LocalEnvironment> {
  const workDir = await mkdtemp(path.join(tmpdir(), "dynamodb-lake-local-"));
  const removeWorkDir = (): void => {
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  };
  // Registered first, so it runs last: after Spark, which writes there, has stopped (also on Ctrl-C).
  const unregister = onCleanup("work folder", () => Promise.resolve(removeWorkDir()), removeWorkDir);
  const moto = await startMoto();
  const clients = localClients(moto.endpoint);
  const spark = new SparkRunner(moto.endpoint);
  return {
    moto,
    clients,
    spark,
    workDir,
    stop: async () => {
      await spark.stop();
      destroyClients(clients);
      await moto.stop();
      unregister();
      removeWorkDir();
    },
  };
}
