import { performance } from "node:perf_hooks";
import type { RouteName } from "./routes";

/** One request the emulator received, recorded when its answer ended. */
export interface RequestLogEntry {
  /** Arrival order, from 1. */
  seq: number;
  method: string;
  /** The path as received, query included, never decoded. */
  path: string;
  /** The matched route, or `undefined` for a path the emulator does not serve. */
  route: RouteName | undefined;
  /** The status sent, or `"dropped"` when the socket was destroyed without an answer. */
  status: number | "dropped";
  /** Length of the user id list in a bulk request's body: `user_ids` (members add/remove) or `member_user_ids` (guardrail assign/unassign). */
  userIdsCount: number | undefined;
  /** The injected fault's label (`script:503`, `random:drop`, `rate-limit`, ...). */
  fault: string | undefined;
  /** The wait the answer asked for (`Retry-After` / `retry-after-ms`), in ms. */
  retryAfterMs: number | undefined;
  /** The client closed the connection before the answer was sent (e.g. its timeout fired). */
  clientAborted: boolean;
  /** Wall-clock arrival time, epoch ms. */
  time: number;
  /** Arrival, in ms since the emulator started (monotonic, sub-millisecond). */
  startedAt: number;
  durationMs: number;
  /** Requests in flight when this one arrived, itself included. */
  inFlight: number;
}

/** A request that asked the client to wait, and how long the client really waited. */
export interface RetryAfterWait {
  route: RouteName | undefined;
  askedMs: number;
  /** From the end of that answer to the next request on the same route; `undefined` if none came. */
  waitedMs: number | undefined;
}

/** The fields a request fills in while it runs. */
export type PendingEntry = Omit<RequestLogEntry, "durationMs">;

/**
 * The emulator's request log, for tests and benchmarks: every request with its route,
 * status and timing, plus in-flight concurrency.
 */
export class RequestLog {
  private readonly recorded: RequestLogEntry[] = [];
  private readonly origin = performance.now();
  private nextSeq = 1;
  private current = 0;
  private peak = 0;

  /** Every finished request, in the order the answers ended. */
  get entries(): readonly RequestLogEntry[] {
    return this.recorded;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.current;
  }

  /** The most requests ever in flight at once since the start or the last `clear()`. */
  get maxInFlight(): number {
    return this.peak;
  }

  /** Forgets every entry and restarts the in-flight peak from the requests in flight now. */
  clear(): void {
    this.recorded.length = 0;
    this.peak = this.current;
  }

  /** Finished requests per route (`"unmatched"` for paths the emulator does not serve). */
  countByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.recorded) {
      const key = entry.route ?? "unmatched";
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** For each answer that asked for a wait, how long until the next request on that route arrived. */
  retryAfterWaits(): RetryAfterWait[] {
    const byArrival = [...this.recorded].sort((a, b) => a.seq - b.seq);
    return byArrival.flatMap((entry, index) => {
      if (entry.retryAfterMs === undefined) return [];
      const next = byArrival.slice(index + 1).find((later) => later.route === entry.route);
      const endedAt = entry.startedAt + entry.durationMs;
      return [{ route: entry.route, askedMs: entry.retryAfterMs, waitedMs: next && next.startedAt - endedAt }];
    });
  }

  /** Starts recording a request; the caller fills in the rest and calls `finish` once. */
  begin(method: string, path: string): PendingEntry {
    this.current++;
    this.peak = Math.max(this.peak, this.current);
    return {
      seq: this.nextSeq++,
      method,
      path,
      route: undefined,
      status: "dropped",
      userIdsCount: undefined,
      fault: undefined,
      retryAfterMs: undefined,
      clientAborted: false,
      time: Date.now(),
      startedAt: this.now(),
      inFlight: this.current,
    };
  }

  finish(entry: PendingEntry): void {
    this.current--;
    this.recorded.push({ ...entry, durationMs: this.now() - entry.startedAt });
  }

  /** Ms since the log was created, monotonic. */
  now(): number {
    return performance.now() - this.origin;
  }
}
