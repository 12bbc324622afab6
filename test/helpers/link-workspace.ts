import type { Engine } from "../../src/engine/engine.js";
import { startDocumentServer, type DocumentServer, type Route } from "./document-server.js";
import { createWorkspace, openEngine, type Workspace } from "./workspace.js";

/** A private knowledge folder with a real engine that may fetch from loopback, and a local web server. */
export interface LinkWorkspace {
  workspace: Workspace;
  engine: Engine;
  server: DocumentServer;
  close(): Promise<void>;
}

export async function openLinkWorkspace(routes: Record<string, Route> = {}): Promise<LinkWorkspace> {
  const workspace = createWorkspace();
  workspace.settings.allowPrivateUrls = true;
  const engine = await openEngine(workspace);
  const server = await startDocumentServer(routes);
  return {
    workspace,
    engine,
    server,
    close: async () => {
      await engine.close();
      await server.close();
      workspace.cleanup();
    },
  };
}
