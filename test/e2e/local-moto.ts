/**
 * One moto server and its SDK clients for a whole test file: started before
 * the first test, clients destroyed and the server stopped after the last.
 */
import { after, before } from "node:test";
import { destroyClients, localClients, type LocalClients } from "../../local/emulator/aws";
import { startMoto, type MotoServer } from "../../local/emulator/moto";

export interface LocalMoto {
  readonly moto: MotoServer;
  readonly clients: LocalClients;
}

/** Registers the file's before/after hooks; read the fields inside tests (they are set once `before` ran). */
export function useLocalMoto(): LocalMoto {
  let moto: MotoServer | undefined;
  let clients: LocalClients | undefined;
  before(async () => {
    moto = await startMoto();
    clients = localClients(moto.endpoint);
  });
  after(async () => {
    if (clients !== undefined) destroyClients(clients);
    await moto?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the local moto server is not started yet: use it inside a test, not at module load");
    return value;
  };
  return {
    get moto() {
      return ready(moto);
    },
    get clients() {
      return ready(clients);
    },
  };
}
