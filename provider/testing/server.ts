import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { FaultDecision, FaultPlan, MalformedBody } from "./faults";
import { EmulatorHttpError, errorBody } from "./http-error";
import type { PendingEntry, RequestLog } from "./request-log";
import { answerRoute, matchRoute, USER_IDS_FIELDS, type RouteMatch, type RouteName, type RouteSettings } from "./routes";
import type { Organization } from "./state";

/** The base path every route lives under, as on openrouter.ai. */
export const BASE_PATH = "/api/v1";

/** Bodies larger than this are refused with 413 before parsing. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What the HTTP layer reads on every request; the emulator may change it at any time. */
export interface ServerContext {
  org: Organization;
  faults: FaultPlan;
  log: RequestLog;
  managementKeys: ReadonlySet<string>;
  inferenceKeys: ReadonlySet<string>;
  latencyMs: () => number;
  routeSettings: () => RouteSettings;
}

/** A listening emulator server and how to stop it. */
export interface RunningServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An answer as it goes on the wire. */
interface RenderedAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const render = (answer: Answer): RenderedAnswer => ({
  status: answer.status,
  headers: { ...answer.headers, "content-type": "application/json" },
  text: JSON.stringify(answer.body),
});

/** Starts the HTTP server on `host:port` (port 0 picks a free one). */
export async function listen(context: ServerContext, host: string, port: number): Promise<RunningServer> {
  const shutdown = new AbortController();
  const server = createServer((req, res) => {
    void handle(context, req, res, shutdown.signal);
  });
  // Node closes an idle keep-alive connection after 5 s, and a client that reuses it in the
  // same instant gets "other side closed": on a loaded machine a test's next request can
  // fall in that window. The emulator keeps idle connections a minute (close() ends them all).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { port: address.port, host, close: () => closeServer(server, shutdown) };
}

async function closeServer(server: Server, shutdown: AbortController): Promise<void> {
  shutdown.abort();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() alone waits for idle keep-alive sockets to time out, which keeps jest alive.
  server.closeAllConnections();
  await closed;
}

/**
 * One request and its answer. The log entry is finished just before the answer's last
 * byte is written (or the socket destroyed), so a client that has its answer always finds
 * its request in the log; a client that hangs up first is logged as `clientAborted`.
 */
class Exchange {
  private logged = false;
  closed = false;

  constructor(
    private readonly log: RequestLog,
    readonly res: ServerResponse,
    readonly entry: PendingEntry,
  ) {
    res.once("close", () => {
      this.closed = true;
      if (!this.logged) this.entry.clientAborted = true;
      this.finishLog();
    });
  }

  send(answer: Answer): void {
    this.sendRendered(render(answer));
  }

  sendRendered({ status, headers, text }: RenderedAnswer): void {
    this.entry.status = status;
    this.finishLog();
    if (this.closed) return;
    this.res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
    this.res.end(text);
  }

  drop(): void {
    this.entry.status = "dropped";
    this.finishLog();
    this.res.socket?.destroy();
  }

  private finishLog(): void {
    if (this.logged) return;
    this.logged = true;
    this.log.finish(this.entry);
  }
}

async function handle(context: ServerContext, req: IncomingMessage, res: ServerResponse, shutdown: AbortSignal) {
  const method = req.method ?? "GET";
  const rawUrl = req.url ?? "/";
  const exchange = new Exchange(context.log, res, context.log.begin(method, rawUrl));
  const { entry } = exchange;
  // The latency counts from the request's arrival, as the network's would, not from when
  // its body has been read.
  const answerAt = performance.now() + context.latencyMs();
  try {
    const bodyText = await readBody(req);
    const queryAt = rawUrl.indexOf("?");
    const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? "" : rawUrl.slice(queryAt + 1));
    const match = matchRoute(method, rawPath, BASE_PATH);
    if (match.kind === "route") {
      entry.route = match.route;
      entry.userIdsCount = countUserIds(match.route, bodyText);
    }
    const fault = context.faults.decide(entry.route, context.log.now());
    if (!fault) {
      // The service's own work happens inside the latency, as on a service that answers
      // requests side by side: worked out on arrival, the answer waits out the rest of L.
      // Worked out after the wait instead, a round's answers would leave this one process
      // one after another, each later by the work of those before it.
      const answer = render(answerRequest(context, req, match, query, bodyText));
      await pauseUntil(answerAt, shutdown);
      exchange.sendRendered(answer);
      return;
    }
    await pauseUntil(answerAt, shutdown);
    entry.fault = fault.label;
    if (fault.retryAfterMs !== undefined) entry.retryAfterMs = fault.retryAfterMs;
    await pauseUntil(performance.now() + fault.delayMs, shutdown);
    // A client that gave up during a stall never reaches the service: nothing is applied.
    if (exchange.closed) return;
    const refusesBeforeRunning = !fault.applyFirst && !fault.malformed && (fault.drop || fault.status !== undefined);
    deliverFault(exchange, fault, refusesBeforeRunning ? undefined : answerRequest(context, req, match, query, bodyText));
  } catch (error) {
    if (shutdown.aborted) {
      res.destroy();
      return;
    }
    if (error instanceof EmulatorHttpError) {
      exchange.send(refusal(error));
      return;
    }
    exchange.send({ status: 500, body: errorBody(500, `Emulator failure: ${(error as Error).message}`) });
  }
}

/** Authentication, then the route; every refusal becomes OpenRouter's error body. */
function answerRequest(
  context: ServerContext,
  req: IncomingMessage,
  match: RouteMatch,
  query: URLSearchParams,
  bodyText: string,
): Answer {
  try {
    authenticate(context, req.headers.authorization);
    if (match.kind === "not-found") throw new EmulatorHttpError(404, "Not Found");
    if (match.kind === "method-not-allowed") {
      return { ...refusal(new EmulatorHttpError(405, "Method Not Allowed")), headers: { allow: match.allow.join(", ") } };
    }
    return answerRoute(context.org, match.route, match.params, query, bodyText, context.routeSettings());
  } catch (error) {
    if (error instanceof EmulatorHttpError) return refusal(error);
    throw error;
  }
}

function authenticate(context: ServerContext, header: string | undefined): void {
  const key = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (key === undefined) throw new EmulatorHttpError(401, "No auth credentials found");
  if (context.managementKeys.has(key)) return;
  if (context.inferenceKeys.has(key)) {
    throw new EmulatorHttpError(403, "This endpoint requires a management key");
  }
  throw new EmulatorHttpError(401, "Invalid API key");
}

const refusal = (error: EmulatorHttpError): Answer => ({ status: error.status, body: error.toBody() });

function deliverFault(exchange: Exchange, fault: FaultDecision, answer: Answer | undefined): void {
  if (fault.drop) {
    exchange.drop();
    return;
  }
  const status = fault.status ?? answer?.status ?? 200;
  const headers = { ...answer?.headers, ...fault.headers };
  if (fault.malformed) {
    const { contentType, text } = malformedBody(fault.malformed, answer?.body ?? {});
    exchange.sendRendered({ status, headers: { ...headers, "content-type": contentType }, text });
    return;
  }
  if (answer && fault.status === undefined) {
    exchange.send({ ...answer, headers });
    return;
  }
  exchange.send({ status, headers, body: errorBody(status, fault.message ?? "Injected fault") });
}

function malformedBody(kind: MalformedBody, body: unknown): { contentType: string; text: string } {
  switch (kind) {
    case "truncated": {
      const text = JSON.stringify(body);
      return { contentType: "application/json", text: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    }
    case "wrong-types":
      return { contentType: "application/json", text: JSON.stringify(twistTypes(body)) };
    case "not-json":
      return { contentType: "text/html", text: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
  }
}

/** Every number and boolean becomes a string, every string a number; shape kept. */
function twistTypes(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.map(twistTypes);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, twistTypes(inner)]));
  }
  return value;
}

/** The length of the user id list a bulk request carries (`user_ids` or `member_user_ids`), for the log. */
function countUserIds(route: RouteName, bodyText: string): number | undefined {
  const field = USER_IDS_FIELDS[route];
  if (field === undefined) return undefined;
  try {
    const userIds = (JSON.parse(bodyText) as Record<string, unknown> | null)?.[field];
    return Array.isArray(userIds) ? userIds.length : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms` (none at all for 0, to keep a tick off every request); rejects when the emulator closes. */
/** Node's timers fire up to about a millisecond late; the last stretch is met on the event loop's turns instead. */
const TIMER_SLACK_MS = 1.5;

/**
 * Waits until `deadline` (a `performance.now()` time) without overshooting it: a benchmark
 * that sets a latency L compares wall times with L, so L must cost L, not L + 1 ms.
 */
async function pauseUntil(deadline: number, shutdown: AbortSignal): Promise<void> {
  const coarse = deadline - performance.now() - TIMER_SLACK_MS;
  if (coarse > 0) await sleep(coarse, undefined, { signal: shutdown });
  while (performance.now() < deadline) {
    shutdown.throwIfAborted();
    await nextTurn();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EmulatorHttpError(413, "Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
