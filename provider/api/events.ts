/**
 * What the client reports through its hooks: each finished attempt, and each wait before a
 * retry (for logs, progress lines and demos). The events carry the method and route, never
 * headers, so never the key.
 */

/** One finished attempt (success or failure). Never carries headers, so never the key. */
export interface RequestEvent {
  method: string;
  /** Route path relative to the base URL, query included. */
  path: string;
  /** 1 for the first request of a call, 2 for its first retry, ... */
  attempt: number;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Error code when none did (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, ...). */
  errorCode?: string;
  durationMs: number;
}

/** A decision to wait and send again. */
export interface RetryEvent {
  method: string;
  path: string;
  /** The attempt that failed. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why: `HTTP 503`, `ECONNRESET`, `HTTP 429, Retry-After 1000 ms`, ... */
  reason: string;
}

/** Calls a hook; what it throws is ignored. */
export function notify<Event>(listener: ((event: Event) => void) | undefined, event: Event): void {
  try {
    listener?.(event);
  } catch {
    // A logging hook must never change the outcome of a request.
  }
}
