import http from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** An HTTP server on 127.0.0.1 answering from a table of routes (path → handler); unknown paths get 404. */
export interface DocumentServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startDocumentServer(routes: Record<string, Route> = {}): Promise<DocumentServer> {
  const table = new Map(Object.entries(routes));
  const server = http.createServer((request, response) => {
    const route = table.get(new URL(request.url ?? "/", "http://x").pathname);
    if (route) route(request, response);
    else response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    routes: table,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function serve(type: string, body: string | Buffer, headers: Record<string, string> = {}): Route {
  return (_request, response) => response.writeHead(200, { "content-type": type, ...headers }).end(body);
}

export function redirect(location: string, status = 302): Route {
  return (_request, response) => response.writeHead(status, { location }).end();
}

/** An Indonesian news page long enough to become an article. */
export function articlePage(title: string, sentence: string): string {
  const body = Array.from({ length: 4 }, (_, i) => `<p>${sentence} Paragraf ${i + 1} menjelaskan layanan pemerintahan berbasis elektronik bagi warga.</p>`).join("\n");
  return `<!doctype html><html><head><title>${title}</title></head><body><nav>Beranda | Berita</nav><article><h1>${title}</h1>\n${body}</article></body></html>`;
}
