import { createRandom, type RandomSource } from "./random";
import type { RouteName } from "./routes";

/** How a malformed answer is mangled. */
export type MalformedBody =
  /** The real answer's JSON cut in half (the HTTP message itself is complete). */
  | "truncated"
  /** The real answer with every number and boolean turned into a string and every string into a number. */
  | "wrong-types"
  /** An HTML error page with `content-type: text/html`. */
  | "not-json";

/**
 * One scripted fault. It fires on the next `times` requests matching `route` (after letting
 * `skip` of them through), then is used up. Effects combine: `delayMs` first, then the
 * outcome, in this precedence: `drop`, else `status` and/or `malformed`, else the normal
 * answer (a delay-only fault is a stall).
 *
 * When the change is applied: a `status` or `drop` fault refuses the request without
 * touching state, unless `applyFirst` is set, in which case the route runs (its change is
 * made) and then its answer is lost (`drop`) or replaced (`status`): a lost response. A
 * `malformed` fault always runs the route and mangles its real answer, as a server that
 * answered would have made the change.
 */
export interface ScriptedFault {
  /** A route name such as `"POST /workspaces/:id/members/add"`, or `"*"` for any request. */
  route: RouteName | "*";
  /** How many matching requests it affects; default 1. `Infinity` keeps it forever. */
  times?: number;
  /** Matching requests to let through untouched before it starts; default 0. */
  skip?: number;
  /** Answer with this status and OpenRouter's error body. */
  status?: number;
  /** The error body's message; default the status's reason phrase. */
  message?: string;
  /** `Retry-After` header: seconds (number), an HTTP date (string), or a `Date`. */
  retryAfter?: number | string | Date;
  /** `retry-after-ms` header, in milliseconds. */
  retryAfterMs?: number;
  /** Hold the request this long before anything else (a stall past a client timeout). */
  delayMs?: number;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /** Send a mangled body instead of the real one. */
  malformed?: MalformedBody;
  /** Run the route (make the change) before failing. */
  applyFirst?: boolean;
}

/** What the random fault rate may pick. */
export type RandomFaultKind =
  | "429"
  | "500"
  | "502"
  | "503"
  | "504"
  /** Socket destroyed before the route runs. */
  | "drop"
  /** Held for `stallMs`, then answered normally if the client still waits. */
  | "stall"
  /** Held for `latencyMs`, then answered normally. */
  | "latency"
  /** The route runs, then the socket is destroyed: a lost response. Not in the default kinds. */
  | "apply-then-drop";

/** The kinds used when `RandomFaults.kinds` is absent. */
export const DEFAULT_RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = [
  "429",
  "500",
  "502",
  "503",
  "504",
  "drop",
  "stall",
  "latency",
];

/**
 * A random fault rate. Each eligible request draws from a generator seeded by `seed`, so the
 * same seed and the same sequence of requests give the same faults.
 */
export interface RandomFaults {
  /** Probability, 0 to 1, that an eligible request gets a fault. */
  rate: number;
  /** Seed of the draws; default derived from the emulator's seed (random when that is absent). */
  seed?: string | number;
  /** Kinds to pick from, uniformly; default {@link DEFAULT_RANDOM_FAULT_KINDS}. */
  kinds?: readonly RandomFaultKind[];
  /** Only these routes are eligible; default every route. */
  routes?: readonly RouteName[];
  /** How long a `stall` holds the request; default 30,000 ms. */
  stallMs?: number;
  /** How long a `latency` fault adds; default 250 ms. */
  latencyMs?: number;
  /** `Retry-After` seconds sent with a random 429; default 1. */
  retryAfterSeconds?: number;
}

/** At most `requests` requests in any sliding `windowMs`; the rest get 429 with `Retry-After`. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** What to do to one request, decided before it runs. */
export interface FaultDecision {
  /** How the request log names it, e.g. `script:503`, `random:drop`, `rate-limit`. */
  label: string;
  delayMs: number;
  applyFirst: boolean;
  drop: boolean;
  status?: number;
  message?: string;
  headers: Record<string, string>;
  malformed?: MalformedBody;
  /** The wait the answer asks for, in ms, when it sends `Retry-After` or `retry-after-ms`. */
  retryAfterMs?: number;
}

const REASONS: Record<number, string> = {
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The reason phrase used as an injected error's message. */
export const reasonPhrase = (status: number): string => REASONS[status] ?? `Injected fault ${status}`;

interface ArmedFault {
  fault: ScriptedFault;
  skipLeft: number;
  timesLeft: number;
}

/**
 * Decides, per request, which fault (if any) applies: the rate limit first, then the first
 * scripted fault whose route matches, then the random fault rate. All of it can be changed
 * while the emulator runs.
 */
export class FaultPlan {
  private scripted: ArmedFault[] = [];
  private random: { settings: RandomFaults; source: RandomSource } | undefined;
  private rateLimit: RateLimit | undefined;
  private readonly accepted: number[] = [];

  constructor(private readonly emulatorSeed: string | number | undefined) {}

  /** Arms scripted faults, after those already armed. */
  add(...faults: ScriptedFault[]): void {
    for (const fault of faults) {
      validateScripted(fault);
      this.scripted.push({ fault, skipLeft: fault.skip ?? 0, timesLeft: fault.times ?? 1 });
    }
  }

  /** Disarms every scripted fault. */
  clear(): void {
    this.scripted = [];
  }

  /** The scripted faults not yet used up, with the uses they have left. */
  remaining(): Array<ScriptedFault & { timesLeft: number }> {
    return this.scripted.map(({ fault, timesLeft }) => ({ ...fault, timesLeft }));
  }

  /** Sets (restarting its draws from the seed) or, with `null`, turns off the random fault rate. */
  setRandomFaults(settings: RandomFaults | null): void {
    if (settings === null) {
      this.random = undefined;
      return;
    }
    if (!(settings.rate >= 0 && settings.rate <= 1)) {
      throw new Error(`randomFaults.rate must be a number from 0 to 1, got ${settings.rate}`);
    }
    if (settings.kinds !== undefined && settings.kinds.length === 0) throw new Error("randomFaults.kinds is empty");
    const seed = settings.seed ?? (this.emulatorSeed === undefined ? undefined : `${this.emulatorSeed}:faults`);
    this.random = { settings, source: createRandom(seed) };
  }

  /** Sets or, with `null`, turns off the rate limit. */
  setRateLimit(limit: RateLimit | null): void {
    if (limit !== null && !(Number.isInteger(limit.requests) && limit.requests > 0 && limit.windowMs > 0)) {
      throw new Error(`rateLimit needs a positive integer requests and a positive windowMs, got ${JSON.stringify(limit)}`);
    }
    this.rateLimit = limit ?? undefined;
    this.accepted.length = 0;
  }

  /** The fault for a request to `route` (undefined for unmatched paths) arriving at `nowMs`. */
  decide(route: RouteName | undefined, nowMs: number): FaultDecision | undefined {
    return this.rateLimited(nowMs) ?? this.takeScripted(route) ?? this.drawRandom(route);
  }

  private rateLimited(nowMs: number): FaultDecision | undefined {
    const limit = this.rateLimit;
    if (!limit) return undefined;
    while (this.accepted.length > 0 && (this.accepted[0] as number) <= nowMs - limit.windowMs) this.accepted.shift();
    if (this.accepted.length < limit.requests) {
      this.accepted.push(nowMs);
      return undefined;
    }
    const waitMs = Math.max(1, Math.ceil((this.accepted[0] as number) + limit.windowMs - nowMs));
    return {
      label: "rate-limit",
      delayMs: 0,
      applyFirst: false,
      drop: false,
      status: 429,
      message: reasonPhrase(429),
      headers: { "retry-after": String(Math.ceil(waitMs / 1000)), "retry-after-ms": String(waitMs) },
      retryAfterMs: waitMs,
    };
  }

  private takeScripted(route: RouteName | undefined): FaultDecision | undefined {
    const armed = this.scripted.find((a) => a.fault.route === "*" || a.fault.route === route);
    if (!armed) return undefined;
    if (armed.skipLeft > 0) {
      armed.skipLeft--;
      return undefined;
    }
    if (--armed.timesLeft <= 0) this.scripted.splice(this.scripted.indexOf(armed), 1);
    return scriptedDecision(armed.fault);
  }

  private drawRandom(route: RouteName | undefined): FaultDecision | undefined {
    if (!this.random || route === undefined) return undefined;
    const { settings, source } = this.random;
    if (settings.routes && !settings.routes.includes(route)) return undefined;
    if (source.next() >= settings.rate) return undefined;
    const kinds = settings.kinds ?? DEFAULT_RANDOM_FAULT_KINDS;
    const kind = kinds[Math.floor(source.next() * kinds.length)] as RandomFaultKind;
    const base = { label: `random:${kind}`, delayMs: 0, applyFirst: false, drop: false, headers: {} };
    switch (kind) {
      case "drop":
        return { ...base, drop: true };
      case "apply-then-drop":
        return { ...base, drop: true, applyFirst: true };
      case "stall":
        return { ...base, delayMs: settings.stallMs ?? 30_000 };
      case "latency":
        return { ...base, delayMs: settings.latencyMs ?? 250 };
      case "429": {
        const seconds = settings.retryAfterSeconds ?? 1;
        return {
          ...base,
          status: 429,
          message: reasonPhrase(429),
          headers: { "retry-after": String(seconds) },
          retryAfterMs: seconds * 1000,
        };
      }
      default: {
        const status = Number(kind);
        return { ...base, status, message: reasonPhrase(status) };
      }
    }
  }
}

function validateScripted(fault: ScriptedFault): void {
  const effects = [fault.status !== undefined, fault.drop === true, fault.malformed !== undefined, (fault.delayMs ?? 0) > 0];
  if (!effects.some(Boolean)) {
    throw new Error(`Scripted fault for "${fault.route}" has no effect: set status, drop, malformed or delayMs`);
  }
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
    throw new Error(`Scripted fault status must be an HTTP status, got ${fault.status}`);
  }
}

function scriptedDecision(fault: ScriptedFault): FaultDecision {
  const headers: Record<string, string> = {};
  let retryAfterMs: number | undefined;
  if (fault.retryAfter !== undefined) {
    const value = fault.retryAfter;
    headers["retry-after"] = value instanceof Date ? value.toUTCString() : String(value);
    retryAfterMs = typeof value === "number" ? value * 1000 : Math.max(0, new Date(value).getTime() - Date.now());
  }
  if (fault.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(fault.retryAfterMs);
    retryAfterMs = fault.retryAfterMs;
  }
  const label = fault.drop ? "drop" : fault.status !== undefined ? String(fault.status) : fault.malformed ?? "delay";
  return {
    label: `script:${fault.applyFirst ? "apply-then-" : ""}${label}`,
    delayMs: fault.delayMs ?? 0,
    applyFirst: fault.applyFirst ?? false,
    drop: fault.drop ?? false,
    ...(fault.status !== undefined ? { status: fault.status, message: fault.message ?? reasonPhrase(fault.status) } : {}),
    headers,
    ...(fault.malformed ? { malformed: fault.malformed } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
