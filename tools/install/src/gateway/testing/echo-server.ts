import { createServer, IncomingHttpHeaders, Server } from 'node:http';

/** What an echo server saw of one request. */
export interface EchoedRequest {
  server: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface EchoServer {
  name: string;
  /** 127.0.0.1:<port>, as an upstream. */
  address: string;
  close(): Promise<void>;
}

/**
 * Stands in for core or the registry: answers every request with a JSON description of it (its
 * name, method, URL, headers and how many body bytes arrived), with 200 or the status
 * `statusOf` gives for the URL (a signed-out core answers /api/v2.0/users/current with 401).
 */
export async function startEchoServer(name: string, statusOf: (url: string) => number = () => 200): Promise<EchoServer> {
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => (bodyBytes += c.length));
    req.on('end', () => {
      const echoed: EchoedRequest = { server: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes };
      res.writeHead(statusOf(echoed.url), { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(echoed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    name,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
