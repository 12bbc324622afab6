import type { Server } from "node:http";

/** Starts `server` on `port` (0: any free port) and resolves with the port it listens on; rejects on EADDRINUSE and the like. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}
