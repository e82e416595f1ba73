/**
 * A tiny real HTTP server on 127.0.0.1:0 for client tests (octokit's mock server, stripe's
 * counting handler): each test scripts answers per request number, e.g. "hang twice, then
 * answer", and asserts what the server received.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Raw request target, exactly as sent (path and query, percent-encoding untouched). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Which connection carried it (1 for the first socket accepted). */
  socketNumber: number;
}

/** Answers request number `index` (0-based). May leave `response` open to simulate a hang. */
export type TestHandler = (request: ReceivedRequest, response: ServerResponse, index: number) => void;

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: ReceivedRequest[];
  /** Sockets accepted so far. */
  socketCount(): number;
  close(): Promise<void>;
}

/** Starts a server that hands every request (body read) to `handler`. */
export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const socketNumbers = new WeakMap<Socket, number>();
  let sockets = 0;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        socketNumber: socketNumbers.get(incoming.socket) ?? 0,
      };
      requests.push(request);
      handler(request, response, requests.length - 1);
    });
  });
  server.on("connection", (socket: Socket) => socketNumbers.set(socket, ++sockets));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    socketCount: () => sockets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Drops the connection without any answer (a reset from the client's point of view). */
export function dropConnection(response: ServerResponse): void {
  response.socket?.destroy();
}
