/**
 * What the network forces: the fewest HTTP calls a scenario can make and the shortest wall
 * time those calls can take. Pure arithmetic, so the benchmark's targets are defined in one
 * place.
 */

/**
 * The calls of one operation, grouped into phases. A phase cannot start before the answers
 * of the one before it are in (the workspace lookup gives the UUID; the first list page
 * gives `total_count`, which plans the other pages; the member list decides what to
 * remove), while the calls inside a phase are independent of one another.
 */
export type Phases = readonly number[];

/**
 * Rounds of calls at `concurrency`: a phase of `n` independent calls with at most
 * `concurrency` in flight needs `ceil(n / concurrency)` rounds, and phases run one after
 * another, so rounds = Σ ceil(n_phase / concurrency). With every call taking at least the
 * network latency L, no client can finish in less than rounds × L: that is the latency
 * bound the wall time is compared with.
 */
export function rounds(phases: Phases, concurrency: number): number {
  return phases.reduce((sum, calls) => sum + Math.ceil(calls / concurrency), 0);
}

/** The fewest calls: the sum of the phases. */
export function optimumCalls(phases: Phases): number {
  return phases.reduce((sum, calls) => sum + calls, 0);
}

/** Sizes of a scenario, in users. */
export interface Workload {
  batchSize: number;
  /** Page size of list routes (the service's maximum, 100). */
  pageSize: number;
}

const pages = (members: number, pageSize: number): number => Math.max(1, Math.ceil(members / pageSize));

/** Additive create: 1 workspace lookup, then the adds in chunks. */
export function createPhases(adds: number, w: Workload): Phases {
  return [1, Math.ceil(adds / w.batchSize)];
}

/** Update: adds and removes concern different users, so they form one phase. */
export function updatePhases(adds: number, removes: number, w: Workload): Phases {
  return [Math.ceil(adds / w.batchSize) + Math.ceil(removes / w.batchSize)];
}

/** Refresh: the first page (for `total_count`), then the other pages at once. */
export function refreshPhases(members: number, w: Workload): Phases {
  const total = pages(members, w.pageSize);
  return total > 1 ? [1, total - 1] : [1];
}

/** Delete: the removes in chunks. */
export function deletePhases(removes: number, w: Workload): Phases {
  return [Math.ceil(removes / w.batchSize)];
}

/** Exclusive create: lookup, the member list, then adds and removes together. */
export function exclusiveCreatePhases(existing: number, adds: number, removes: number, w: Workload): Phases {
  return [1, ...refreshPhases(existing, w), Math.ceil(adds / w.batchSize) + Math.ceil(removes / w.batchSize)];
}

/**
 * Additive create of people named by email: the workspace lookup and the directory's first
 * page side by side, the directory's other pages at once, then the adds in chunks.
 */
export function emailCreatePhases(adds: number, organization: number, w: Workload): Phases {
  const [, ...otherPages] = refreshPhases(organization, w);
  return [2, ...otherPages, Math.ceil(adds / w.batchSize)];
}

/**
 * Time each call spent beyond the latency, averaged over rounds: (wall − rounds × L) / rounds.
 * Within a round the calls run side by side, so this is what one call of the round costs
 * beyond L (client work, server work, scheduling). Undefined without rounds.
 */
export function overheadPerCallMs(wallMs: number, roundCount: number, latencyMs: number): number | undefined {
  return roundCount === 0 ? undefined : (wallMs - roundCount * latencyMs) / roundCount;
}
