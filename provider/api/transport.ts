/**
 * One HTTP attempt over a keep-alive undici pool: send, read the whole body (capped), and
 * judge the answer. The result is data (an {@link Outcome}); whether to try again is the
 * client's decision (client.ts, with the pure rules of retry.ts).
 *
 * Why not undici's `RetryAgent`: it resumes a body that failed mid-way with a `Range`
 * request (meaningless for this JSON API), cannot retry a failure it learns of only after
 * handing the response on (a body timeout, a body cut short), has no total wait budget,
 * and ignores `retry-after-ms`. So each attempt reads its whole body here.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { Pool } from "undici";
import {
  OpenRouterNetworkError,
  OpenRouterResponseError,
  OpenRouterTimeoutError,
  fromResponse,
  isErrorBody,
  type OpenRouterError,
  type RetrySummary,
  type TimeoutPhase,
} from "../core/errors";
import type { RetryFailure } from "./retry";
import { USER_AGENT } from "../version";

/** Timeouts of one attempt, in milliseconds. */
export interface ClientTimeouts {
  /** Opening the TCP/TLS connection. Default 10 000. */
  connectMs?: number;
  /**
   * From sending the request to the end of the response headers. Default 30 000. undici
   * checks this and `bodyMs` on a coarse clock: they fire up to about a second late.
   */
  headersMs?: number;
  /** Longest silence while the body arrives (undici's body timeout is per gap, not total). Default 30 000. */
  bodyMs?: number;
}

/** Default timeouts: 10 s to connect, 30 s for headers, 30 s of body silence. */
export const DEFAULT_TIMEOUTS: Readonly<Required<ClientTimeouts>> = Object.freeze({
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
});

/** Largest response body read by default (10 MiB); a larger one is an `OpenRouterResponseError`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** A failed attempt as the retry rules see it (the client adds the attempt count and the waits). */
export type AttemptFailure = Omit<RetryFailure, "attempt" | "elapsedWaitMs">;

/** What one attempt came to: the parsed body, or a failure and how to word it as an error. */
export type Outcome =
  | { ok: true; status: number; body: unknown }
  | { ok: false; failure: AttemptFailure; toError: (retry: RetrySummary, advice?: string) => OpenRouterError };

/** Where and how attempts are sent. */
export interface TransportOptions {
  /** The API root as a URL; route paths are appended to its path. */
  base: URL;
  /** `Bearer <key>`; never stored anywhere else. */
  authorization: string;
  timeouts: Required<ClientTimeouts>;
  maxResponseBytes: number;
  /** Connections the pool may open. */
  connections: number;
}

/** Sends attempts over one keep-alive connection pool. */
export class Transport {
  readonly #pool: Pool;
  readonly #authorization: string;
  readonly #basePath: string;
  readonly #timeouts: Required<ClientTimeouts>;
  readonly #maxResponseBytes: number;

  constructor(options: TransportOptions) {
    this.#authorization = options.authorization;
    this.#basePath = options.base.pathname.replace(/\/+$/, "");
    this.#timeouts = options.timeouts;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#pool = new Pool(options.base.origin, {
      connections: options.connections,
      connectTimeout: options.timeouts.connectMs,
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyMs,
    });
  }

  /** One request: its answer parsed, or why it failed. Never throws. */
  async attempt(method: string, path: string, requestBody?: unknown): Promise<Outcome> {
    const headers: Record<string, string> = {
      authorization: this.#authorization,
      "user-agent": USER_AGENT,
      accept: "application/json",
    };
    if (requestBody !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await this.#pool.request({
        method: method as "GET",
        path: this.#basePath + path,
        headers,
        ...(requestBody !== undefined ? { body: JSON.stringify(requestBody) } : {}),
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      const read = await readCapped(response.body, this.#maxResponseBytes, responseHeaders["content-length"]);
      if (read === undefined) {
        const message = `${method} ${path}: response body larger than ${this.#maxResponseBytes} bytes (maxResponseBytes), not read`;
        return final(200, (retry) => new OpenRouterResponseError(message, { method, path, retry }));
      }
      text = read;
    } catch (error) {
      return this.#transportFailure(error, method, path);
    }
    // undici hands a keep-alive socket back to the pool one event-loop turn after its
    // response ends (a setImmediate, so that a server closing it is seen first). A bounded
    // run sends its next request as soon as this one is answered: answered within the
    // turn, that request would wait for a socket behind every other answer the turn holds
    // (the rest of the round's), and each round would cost their processing too.
    await nextTurn();
    if (status < 200 || status >= 300) {
      const location = headerString(responseHeaders.location);
      return {
        ok: false,
        failure: { status, headers: responseHeaders },
        toError: (retry, advice) =>
          fromResponse(status, text, method, path, { retry, ...(location ? { location } : {}), ...(advice ? { advice } : {}) }),
      };
    }
    if (text.trim() === "") return { ok: true, status, body: undefined };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const message = `${method} ${path}: response body is not JSON (${status}, ${text.length} characters)`;
      return final(status, (retry) => new OpenRouterResponseError(message, { method, path, cause: error, retry }));
    }
    if (isErrorBody(body)) {
      // A success status carrying `{ "error": ... }`: the body's own code decides retrying.
      const embedded = (body as { error: { code?: unknown } }).error.code;
      const retryStatus = typeof embedded === "number" && embedded >= 400 && embedded < 600 ? embedded : status;
      return {
        ok: false,
        failure: { status: retryStatus, headers: responseHeaders },
        toError: (retry, advice) => fromResponse(status, text, method, path, { retry, ...(advice ? { advice } : {}) }),
      };
    }
    return { ok: true, status, body };
  }

  /** Destroys the connection pool; requests still running fail. */
  async close(): Promise<void> {
    if (!this.#pool.destroyed) await this.#pool.destroy();
  }

  #transportFailure(error: unknown, method: string, path: string): Outcome {
    const code = errorCode(error);
    const phase = TIMEOUT_PHASES[code ?? ""];
    if (phase !== undefined) {
      const limit = this.#timeouts[`${phase}Ms`];
      return {
        ok: false,
        failure: { errorCode: code },
        toError: (retry) => new OpenRouterTimeoutError(phase, limit, { method, path, cause: error, retry }),
      };
    }
    const detail = error instanceof Error ? error.message : String(error);
    const message = `${method} ${path}: connection failed${code ? ` (${code})` : ""}: ${detail}`;
    return {
      ok: false,
      failure: code !== undefined ? { errorCode: code } : {},
      toError: (retry) => new OpenRouterNetworkError(message, { method, path, cause: error, retry, ...(code ? { code } : {}) }),
    };
  }
}

const TIMEOUT_PHASES: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

/** A failure no retry can mend (an unusable 2xx body): status 2xx is never retried. */
function final(status: number, toError: (retry: RetrySummary) => OpenRouterError): Outcome {
  return { ok: false, failure: { status: status >= 200 && status < 300 ? status : 200 }, toError };
}

/** Reads a body as UTF-8 text, or `undefined` (body discarded) when it exceeds `maxBytes`. */
async function readCapped(
  body: AsyncIterable<Buffer> & Discardable,
  maxBytes: number,
  contentLength: string | string[] | undefined,
): Promise<string | undefined> {
  const declared = Number(headerString(contentLength));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(body);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Discardable {
  on(event: "error", listener: () => void): unknown;
  destroy(): unknown;
}

/** Drops an unread body (and its connection); the abort error this raises is expected. */
function discard(body: Discardable): void {
  body.on("error", () => undefined);
  body.destroy();
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
