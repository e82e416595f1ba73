/**
 * Chaos histories for a set-membership resource, `WorkspaceMembers` (issue #5) or
 * `GuardrailMembers` (issue 17, {@link GUARDRAIL_TARGET}): a set with unmanaged members and
 * protected admins, a sequence of desired sets (adds, removes, empties, large jumps,
 * exclusive on and off; each person named by user id, by email in any letter case, or both,
 * issue 15) applied through the engine model while the emulator injects seeded random
 * faults, then a convergence phase once the faults stop.
 *
 * Shared by test/engine/chaos.test.ts (a fixed seed, every `npm test`) and scripts/chaos.ts (long
 * soaks). Every property is checked after every step, failed or not; a violation throws a
 * {@link ChaosViolation} naming the property, the step and the sets involved.
 */
import { inspect } from "node:util";
import fc from "fast-check";
import { isOpenRouterError } from "../../provider/core/errors";
import type * as Lifecycle from "../../provider/members/lifecycle";
import { toIdSet } from "../../provider/core/sets";
import { startEmulator, type Emulator } from "../../provider/testing";
import { DEFAULT_RANDOM_FAULT_KINDS } from "../../provider/testing/faults";
import { EngineModel, type ModelState } from "./engine-model";
import { stackConfig } from "./stack-config";

/** The users the histories draw from: managed candidates, outsiders, protected admins. */
export const POOL = Array.from({ length: 18 }, (_, i) => `user_${String(i).padStart(2, "0")}`);
export const OUTSIDERS = ["outsider_a", "outsider_b", "outsider_c", "outsider_d"];
export const ADMINS = ["admin_1", "admin_2"];
const WORKSPACE_SLUG = "chaos";

/**
 * The set a history's resource manages, and how to read the truth of it: the workspace's
 * members (the default) or a guardrail's direct members.
 */
export interface ChaosTarget {
  /** Creates the set on a fresh emulator holding `initial`; returns the resource id and the target's input. */
  prepare(emulator: Emulator, initial: string[]): { id: string; inputs: Record<string, unknown> };
  /** The set's members now, by the emulator. */
  members(emulator: Emulator, id: string): string[];
  /** Throws unless the state's id, target and records are exactly the service's. */
  checkRecords(emulator: Emulator, id: string, state: ModelState, where: string): void;
}

/** `WorkspaceMembers` on a workspace holding the unmanaged and protected users. */
export const WORKSPACE_TARGET: ChaosTarget = {
  prepare: (emulator, initial) => {
    const uuid = emulator.createWorkspace({ slug: WORKSPACE_SLUG }).id;
    emulator.addMembers(uuid, initial);
    return { id: uuid, inputs: { workspaceId: WORKSPACE_SLUG } };
  },
  members: (emulator) => emulator.memberIds(WORKSPACE_SLUG),
  checkRecords: (emulator, id, state, where) => {
    const outputs = state.outputs;
    if (state.id !== id || outputs.workspaceUuid !== id) {
      throw new ChaosViolation("the resource id is the workspace UUID", where, { id: state.id, workspaceUuid: outputs.workspaceUuid });
    }
    const memberships = (outputs.memberships ?? []) as { id: string; userId: string; workspaceId: string; role: string; createdAt: string }[];
    checkSortedRecords(outputs.userIds as string[], memberships, where);
    for (const membership of memberships) {
      const truth = emulator.member(id, membership.userId);
      const same =
        truth !== undefined &&
        truth.id === membership.id &&
        truth.role === membership.role &&
        truth.workspace_id === membership.workspaceId &&
        truth.created_at === membership.createdAt;
      if (!same) throw new ChaosViolation("each recorded membership is exactly the service's", where, { recorded: membership, truth });
    }
  },
};

/**
 * `GuardrailMembers` on a guardrail of a workspace that holds every user of the histories
 * (assignments need workspace members), with the unmanaged and protected users assigned.
 */
export const GUARDRAIL_TARGET: ChaosTarget = {
  prepare: (emulator, initial) => {
    const uuid = emulator.createWorkspace({ slug: WORKSPACE_SLUG }).id;
    emulator.addMembers(uuid, [...POOL, ...OUTSIDERS, ...ADMINS]);
    const guardrailId = emulator.createGuardrail({ workspaceId: uuid, name: "Chaos" }).id;
    emulator.assignGuardrailMembers(guardrailId, initial);
    return { id: guardrailId, inputs: { guardrailId } };
  },
  members: (emulator, id) => emulator.guardrailMemberIds(id),
  checkRecords: (emulator, id, state, where) => {
    const outputs = state.outputs;
    if (state.id !== id || outputs.guardrailId !== id || outputs.workspaceId !== emulator.workspace(WORKSPACE_SLUG)?.id) {
      throw new ChaosViolation("the resource id is the guardrail UUID, and its workspace the guardrail's", where, { id: state.id, outputs });
    }
    const assignments = (outputs.assignments ?? []) as { id: string; userId: string; guardrailId: string; assignedBy: string | null; createdAt: string }[];
    checkSortedRecords(outputs.userIds as string[], assignments, where);
    for (const assignment of assignments) {
      const truth = emulator.guardrailAssignment(id, assignment.userId);
      const same =
        truth !== undefined &&
        truth.id === assignment.id &&
        truth.guardrail_id === assignment.guardrailId &&
        truth.assigned_by === assignment.assignedBy &&
        truth.created_at === assignment.createdAt;
      if (!same) throw new ChaosViolation("each recorded assignment is exactly the service's", where, { recorded: assignment, truth });
    }
  },
};

function checkSortedRecords(userIds: string[], records: { userId: string }[], where: string): void {
  if (JSON.stringify(records.map((m) => m.userId)) !== JSON.stringify(userIds) || JSON.stringify([...userIds].sort()) !== JSON.stringify(userIds)) {
    throw new ChaosViolation("userIds are sorted and match the records", where, { userIds, records });
  }
}

/** The email each user of the histories has in the organization. */
export const emailOf = (userId: string): string => `${userId}@example.com`;
/** Lower-cased email → user, as the directory resolves it. */
const OWNER_OF_EMAIL = new Map([...POOL, ...OUTSIDERS, ...ADMINS].map((userId) => [emailOf(userId).toLowerCase(), userId]));

/** One desired state of the resource: the people named by id, the people named by email, the mode. */
export interface ChaosStep {
  userIds: string[];
  emails: string[];
  exclusive: boolean;
}

/** Everyone a step names, whichever way, as user ids. */
export function desiredIds(step: ChaosStep): string[] {
  return [...new Set([...step.userIds, ...step.emails.map((email) => OWNER_OF_EMAIL.get(email.toLowerCase()) as string)])].sort();
}

/** A generated history: the starting workspace, the desired states, and the fault settings. */
export interface ChaosHistory {
  /** Members at the start that no resource manages. */
  unmanaged: string[];
  /** Members at the start, listed in `protectedUserIds` at every step. */
  protectedIds: string[];
  steps: ChaosStep[];
  /** Probability that a request meets a fault (429, 5xx, drop, stall, latency, lost answer). */
  faultRate: number;
  faultSeed: number;
  /** `Retry-After` of a random 429: 0 is honoured at once, 1 s exceeds the retry wait budget. */
  retryAfterSeconds: 0 | 1;
  batchSize: number;
  concurrency: number;
}

/** Limits of the client under chaos: short, so a stall costs a fraction of a second. */
export const CHAOS_CLIENT = {
  timeoutMs: 150,
  /**
   * A stall holds a request well past the timeout (undici checks its timeouts on a coarse
   * clock and fires them up to ~1 s late), so the client has always given up when the stall
   * ends, and the emulator then applies nothing.
   */
  stallMs: 1600,
  latencyMs: 20,
  maxAttempts: 3,
  maxRetryWaitMs: 500,
  retryBaseDelayMs: 1,
} as const;

/** Lowest fault rate a history is generated with (issue #5 asks for at least 20%). */
export const MIN_FAULT_RATE = 0.2;
export const MAX_FAULT_RATE = 0.4;
/** Runs of `up` allowed once the faults stop. */
export const MAX_RERUNS = 3;

const desiredSet: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.subarray([...POOL, ...OUTSIDERS, ...ADMINS]) },
  { weight: 1, arbitrary: fc.constant<string[]>([]) },
  { weight: 1, arbitrary: fc.constant<string[]>([...POOL]) },
  { weight: 1, arbitrary: fc.subarray(POOL, { minLength: 12 }) },
);

/** How a step names one person: by id, by email (as the directory has it, or shouted), or both ways. */
const naming = fc.constantFrom("id", "id", "email", "EMAIL", "both");

/** A desired set, each person named one of the ways. */
const namedSet: fc.Arbitrary<{ userIds: string[]; emails: string[] }> = desiredSet.chain((people) =>
  fc.array(naming, { minLength: people.length, maxLength: people.length }).map((ways) => ({
    userIds: people.filter((_, i) => ways[i] === "id" || ways[i] === "both"),
    emails: people.flatMap((userId, i) => {
      if (ways[i] === "email" || ways[i] === "both") return [emailOf(userId)];
      return ways[i] === "EMAIL" ? [emailOf(userId).toUpperCase()] : [];
    }),
  })),
);

/** Histories as fast-check generates them. */
export const historyArbitrary: fc.Arbitrary<ChaosHistory> = fc.record({
  unmanaged: fc.subarray(OUTSIDERS),
  protectedIds: fc.subarray(ADMINS),
  steps: fc.array(
    fc.record({ named: namedSet, exclusive: fc.boolean() }).map(({ named, exclusive }) => ({ ...named, exclusive })),
    { minLength: 1, maxLength: 5 },
  ),
  faultRate: fc.double({ min: MIN_FAULT_RATE, max: MAX_FAULT_RATE, noNaN: true }),
  faultSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  retryAfterSeconds: fc.constantFrom<0 | 1>(0, 1),
  batchSize: fc.integer({ min: 1, max: 6 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
});

/** A property of issue #5 that did not hold. */
export class ChaosViolation extends Error {
  constructor(property: string, where: string, details: Record<string, unknown>) {
    super(`${property} (${where}): ${JSON.stringify(details)}`);
    this.name = "ChaosViolation";
  }
}

/** What one history did, for the figures. */
export interface HistoryReport {
  steps: number;
  /** `up` runs that failed while faults were on. */
  failedRuns: number;
  /** Runs of `up` needed after the faults stopped (1 when the first one converged). */
  rerunsToConverge: number;
  /** Requests made while faults were on, and how many of them met one. */
  requests: number;
  faultedRequests: number;
  /** Requests the client gave up on (a stall past its timeout). */
  timeouts: number;
  /** Steps after which the state recorded unconfirmed users (a lost answer no listing settled). */
  unconfirmedStates: number;
  /** Steps naming someone by email, and the directory requests made while faults were on. */
  emailSteps: number;
  directoryRequests: number;
  /** Every error the provider threw, for the secret scan. */
  errors: unknown[];
  /** Every state recorded, for the secret scan. */
  states: ModelState[];
}

/** Options of {@link runHistory}. */
export interface RunOptions {
  /** The lifecycle module under test (imported by the caller, so jest and tsx both work). */
  lifecycle: typeof Lifecycle;
  /** The set it manages; default {@link WORKSPACE_TARGET}. */
  target?: ChaosTarget;
  /** Called with each step's label, for soak progress output. */
  onStep?: (label: string) => void;
}

/**
 * Runs one history on a fresh emulator and checks every property; throws a
 * {@link ChaosViolation} on the first that fails.
 */
export async function runHistory(history: ChaosHistory, options: RunOptions): Promise<HistoryReport> {
  const { lifecycle, target = WORKSPACE_TARGET } = options;
  const initialMembers = [...history.unmanaged, ...history.protectedIds];
  const emulator = await startEmulator({
    seed: `chaos-${history.faultSeed}`,
    users: [...POOL.map((id) => ({ id, email: emailOf(id) })), ...OUTSIDERS.map((id) => ({ id, email: emailOf(id) })), ...ADMINS.map((id) => ({ id, role: "admin", email: emailOf(id) }))],
  });
  const report: HistoryReport = {
    steps: history.steps.length,
    failedRuns: 0,
    rerunsToConverge: 0,
    requests: 0,
    faultedRequests: 0,
    timeouts: 0,
    unconfirmedStates: 0,
    emailSteps: history.steps.filter((step) => step.emails.length > 0).length,
    directoryRequests: 0,
    errors: [],
    states: [],
  };
  try {
    const prepared = target.prepare(emulator, initialMembers);
    const model = new EngineModel(lifecycle);
    const members = () => new Set(target.members(emulator, prepared.id));
    const inputsOf = (step: ChaosStep) => ({
      ...prepared.inputs,
      userIds: step.userIds,
      ...(step.emails.length === 0 ? {} : { emails: step.emails }),
      exclusive: step.exclusive,
      protectedUserIds: history.protectedIds,
    });
    emulator.log.clear();
    const ctx: CheckContext = { emulator, id: prepared.id, target, history, model, members };

    await configureLifecycle(lifecycle, emulator, history, CHAOS_CLIENT.timeoutMs);
    emulator.configure({
      randomFaults: {
        rate: history.faultRate,
        seed: history.faultSeed,
        stallMs: CHAOS_CLIENT.stallMs,
        latencyMs: CHAOS_CLIENT.latencyMs,
        retryAfterSeconds: history.retryAfterSeconds,
        // Lost answers too: the change is made and the answer never arrives.
        kinds: [...DEFAULT_RANDOM_FAULT_KINDS, "apply-then-drop"],
      },
    });

    // Under faults: each desired state, and after a failure one rerun of it.
    for (const [index, step] of history.steps.entries()) {
      for (const attempt of [1, 2]) {
        const where = `step ${index + 1}${attempt === 2 ? " rerun" : ""}, exclusive ${step.exclusive}`;
        options.onStep?.(where);
        const failed = await runUp(ctx, inputsOf(step), step, where, report);
        if (!failed) break;
        report.failedRuns++;
      }
    }

    // Faults stop: the last desired state must converge within MAX_RERUNS runs.
    emulator.configure({ randomFaults: null });
    const underFaults = emulator.log.entries;
    report.requests = underFaults.length;
    report.faultedRequests = underFaults.filter((e) => e.fault?.startsWith("random:") === true).length;
    report.timeouts = underFaults.filter((e) => e.clientAborted).length;
    report.directoryRequests = underFaults.filter((e) => e.route === "GET /organization/members").length;
    await configureLifecycle(lifecycle, emulator, history, 10_000);
    const last = history.steps[history.steps.length - 1]!;
    let converged = false;
    for (let run = 1; run <= MAX_RERUNS && !converged; run++) {
      report.rerunsToConverge = run;
      converged = !(await runUp(ctx, inputsOf(last), last, `convergence run ${run}`, report));
    }
    if (!converged) {
      throw new ChaosViolation("converges within 3 reruns once faults stop", "convergence", {
        members: [...members()],
        state: model.state?.outputs.userIds,
      });
    }
    checkConverged(ctx, last);

    // Converged means quiet: no change planned, no drift on refresh.
    if ((await model.preview(inputsOf(last))) !== "same") {
      throw new ChaosViolation("a converged resource plans no change", "preview after convergence", { state: model.state });
    }
    if (await model.refresh()) {
      throw new ChaosViolation("a converged resource shows no drift on refresh", "refresh after convergence", { state: model.state });
    }
    if ((await model.preview(inputsOf(last))) !== "same") {
      throw new ChaosViolation("a refreshed converged resource plans no change", "preview after refresh", { state: model.state });
    }

    // Destroy takes out exactly the managed users, never a protected one, nobody else.
    const managed = recordedIds(model.state!);
    report.states.push(model.state!);
    const beforeDestroy = members();
    await model.destroy();
    const afterDestroy = members();
    const removable = new Set(managed.filter((u) => !history.protectedIds.includes(u)));
    const expected = [...beforeDestroy].filter((u) => !removable.has(u)).sort();
    if (JSON.stringify([...afterDestroy].sort()) !== JSON.stringify(expected)) {
      throw new ChaosViolation("destroy removes exactly the managed users", "destroy", { managed, before: [...beforeDestroy], after: [...afterDestroy] });
    }
    checkProtected(ctx, afterDestroy, "destroy");

    return report;
  } finally {
    await emulator.close();
  }
}

interface CheckContext {
  emulator: Emulator;
  /** The resource id the state must have. */
  id: string;
  target: ChaosTarget;
  history: ChaosHistory;
  model: EngineModel;
  members: () => Set<string>;
}

/** One `up`, then every per-step property. Returns whether the `up` failed. */
async function runUp(
  ctx: CheckContext,
  inputs: Record<string, unknown>,
  step: ChaosStep,
  where: string,
  report: HistoryReport,
): Promise<boolean> {
  const before = ctx.members();
  const recordedBefore = ctx.model.state === undefined ? [] : [...recordedIds(ctx.model.state), ...unconfirmedIds(ctx.model.state)];
  let failed = false;
  let unconfirmed: string[] = [];
  try {
    await ctx.model.up(inputs);
  } catch (error) {
    failed = true;
    report.errors.push(error);
    if (error instanceof Error && (error.name === "ChaosViolation" || error.name === "ModelCheckError")) throw error;
    // A failure of the service is the provider's to report in its own terms; anything else
    // (a TypeError, a RangeError) is a bug, never a failed run to retry.
    if (!isOpenRouterError(error) || error.message === "") {
      throw new ChaosViolation("a failure is one of the provider's own errors, with a message", where, {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    unconfirmed = (error as { unconfirmed?: string[] }).unconfirmed ?? [];
    if (inspect(error, { depth: 10, showHidden: true }).includes(ctx.emulator.managementKey)) {
      throw new ChaosViolation("no error names the management key", where, { error: error.message });
    }
  }
  const after = ctx.members();
  const state = ctx.model.state;
  if (state !== undefined) {
    report.states.push(state);
    if (unconfirmedIds(state).length > 0) report.unconfirmedStates++;
    if (JSON.stringify(state).includes(ctx.emulator.managementKey)) throw new ChaosViolation("no state holds the management key", where, {});
  }
  checkStep(ctx, { where, step, before, after, recordedBefore, state, unconfirmed });
  return failed;
}

interface StepObservation {
  where: string;
  step: ChaosStep;
  before: Set<string>;
  after: Set<string>;
  recordedBefore: string[];
  state: ModelState | undefined;
  /** Users the provider's error names as unconfirmed: they must be the state's `unconfirmedUserIds`. */
  unconfirmed: string[];
}

/**
 * The recorded state is the truth (issue #13): every user in `userIds` is really a member,
 * every member this resource added is in `userIds` or `unconfirmedUserIds`, and every
 * membership is exactly the service's. Additive mode and protected users are respected.
 */
function checkStep(ctx: CheckContext, o: StepObservation): void {
  const { history } = ctx;
  const details = () => ({
    before: [...o.before].sort(),
    after: [...o.after].sort(),
    recordedBefore: o.recordedBefore,
    recorded: o.state === undefined ? "none" : recordedIds(o.state),
    unconfirmed: o.state === undefined ? "none" : unconfirmedIds(o.state),
    desired: desiredIds(o.step),
    protected: history.protectedIds,
  });
  checkProtected(ctx, o.after, o.where);

  // Additive mode touches only what the resource managed before the step.
  if (!o.step.exclusive) {
    const removedUnmanaged = [...o.before].filter((u) => !o.after.has(u) && !o.recordedBefore.includes(u));
    if (removedUnmanaged.length > 0) {
      throw new ChaosViolation("an unmanaged member is never removed in additive mode", o.where, { removedUnmanaged, ...details() });
    }
  }

  const added = [...o.after].filter((u) => !o.before.has(u));
  if (o.state === undefined) {
    // A create that failed before changing anything leaves no state, so it must have changed nothing.
    const removed = [...o.before].filter((u) => !o.after.has(u));
    if (added.length > 0 || removed.length > 0 || o.unconfirmed.length > 0) {
      throw new ChaosViolation("no state means no change", o.where, { added, removed, errorUnconfirmed: o.unconfirmed, ...details() });
    }
    return;
  }
  const recorded = recordedIds(o.state);
  const unsure = unconfirmedIds(o.state);
  if (unsure.some((u) => recorded.includes(u)) || JSON.stringify(unsure) !== JSON.stringify([...unsure].sort())) {
    throw new ChaosViolation("unconfirmedUserIds are sorted and apart from userIds", o.where, details());
  }
  if (o.unconfirmed.length > 0 && JSON.stringify([...o.unconfirmed].sort()) !== JSON.stringify(unsure)) {
    throw new ChaosViolation("the error names exactly the state's unconfirmed users", o.where, { errorUnconfirmed: o.unconfirmed, ...details() });
  }
  const claimedAbsent = recorded.filter((u) => !o.after.has(u));
  if (claimedAbsent.length > 0) {
    throw new ChaosViolation("the state's userIds are all really members", o.where, { claimedAbsent, ...details() });
  }
  const forgottenAdded = added.filter((u) => !recorded.includes(u) && !unsure.includes(u));
  if (forgottenAdded.length > 0) {
    throw new ChaosViolation("every member the provider added is in userIds or unconfirmedUserIds", o.where, { forgottenAdded, ...details() });
  }
  // A managed user still there stays managed, unless protected and no longer wanted (it leaves management).
  const forgottenManaged = o.recordedBefore.filter(
    (u) =>
      o.after.has(u) &&
      !recorded.includes(u) &&
      !unsure.includes(u) &&
      !(history.protectedIds.includes(u) && !desiredIds(o.step).includes(u)),
  );
  if (forgottenManaged.length > 0) {
    throw new ChaosViolation("the state never forgets a managed member that is still there", o.where, { forgottenManaged, ...details() });
  }
  checkRecordedDetails(ctx, o.state, o.where);
}

/**
 * Outputs agree with themselves and with the service: the target, each record exactly as
 * the service holds it, and each email recorded as a member's naming that member.
 */
function checkRecordedDetails(ctx: CheckContext, state: ModelState, where: string): void {
  ctx.target.checkRecords(ctx.emulator, ctx.id, state, where);
  const outputs = state.outputs;
  const userIds = outputs.userIds as string[];
  const emails = (outputs.emails ?? []) as string[];
  const emailUserIds = (outputs.emailUserIds ?? {}) as Record<string, string>;
  const managed = new Set([...userIds, ...unconfirmedIds(state)]);
  const astray = Object.entries(emailUserIds).filter(([email, userId]) => !managed.has(userId) || ctx.emulator.userByEmail(email)?.id !== userId);
  const notMembers = emails.filter((email) => !userIds.includes(emailUserIds[email] as string));
  if (astray.length > 0 || notMembers.length > 0 || JSON.stringify([...emails].sort()) !== JSON.stringify(emails)) {
    throw new ChaosViolation("each recorded email names a managed user, and each in emails a member", where, { emails, emailUserIds, userIds });
  }
}

/** The state's managed members (`userIds`). */
function recordedIds(state: ModelState): string[] {
  return toIdSet(state.outputs.userIds);
}

/** The state's `unconfirmedUserIds`, as stored (sorted by the provider). */
function unconfirmedIds(state: ModelState): string[] {
  const value = state.outputs.unconfirmedUserIds;
  return Array.isArray(value) ? (value as string[]) : [];
}

function checkProtected(ctx: CheckContext, members: Set<string>, where: string): void {
  const lost = ctx.history.protectedIds.filter((u) => !members.has(u));
  if (lost.length > 0) throw new ChaosViolation("a protected user survives every history", where, { lost, members: [...members] });
}

/** At convergence the membership is the desired set (plus untouched unmanaged members in additive mode). */
function checkConverged(ctx: CheckContext, last: ChaosStep): void {
  const { history } = ctx;
  const members = ctx.members();
  const desired = new Set(desiredIds(last));
  const recorded = ctx.model.state === undefined ? [] : recordedIds(ctx.model.state);
  if (ctx.model.state !== undefined && unconfirmedIds(ctx.model.state).length > 0) {
    throw new ChaosViolation("at convergence no user is unconfirmed", "convergence", { unconfirmed: unconfirmedIds(ctx.model.state) });
  }
  const initial = new Set([...history.unmanaged, ...history.protectedIds]);
  const details = { members: [...members].sort(), desired: [...desired].sort(), recorded };
  if (JSON.stringify(recorded) !== JSON.stringify([...desired].sort())) {
    throw new ChaosViolation("at convergence the state records exactly the desired set", "convergence", details);
  }
  const emails = ctx.model.state?.outputs.emails;
  const wantedEmails = [...new Set(last.emails.map((email) => email.toLowerCase()))].sort();
  if (JSON.stringify(emails) !== JSON.stringify(wantedEmails)) {
    throw new ChaosViolation("at convergence the state records exactly the desired emails", "convergence", { emails, wantedEmails });
  }
  const missing = [...desired].filter((u) => !members.has(u));
  // Besides the desired set only members present from the start may remain; exclusive mode keeps only protected ones.
  const extra = [...members].filter((u) => !desired.has(u) && (last.exclusive ? !history.protectedIds.includes(u) : !initial.has(u)));
  if (missing.length > 0 || extra.length > 0) {
    throw new ChaosViolation("at convergence the membership is the desired set", "convergence", { missing, extra, ...details });
  }
}

async function configureLifecycle(lifecycle: typeof Lifecycle, emulator: Emulator, history: ChaosHistory, timeoutMs: number): Promise<void> {
  const config: Record<string, string> = {
    "openrouter:managementKey": emulator.managementKey,
    "openrouter:baseUrl": emulator.url,
    "openrouter:batchSize": String(history.batchSize),
    "openrouter:concurrency": String(history.concurrency),
    "openrouter:maxAttempts": String(CHAOS_CLIENT.maxAttempts),
    "openrouter:maxRetryWaitMs": String(CHAOS_CLIENT.maxRetryWaitMs),
    "openrouter:retryBaseDelayMs": String(CHAOS_CLIENT.retryBaseDelayMs),
    "openrouter:timeoutMs": String(timeoutMs),
  };
  await lifecycle.configure(stackConfig(config));
}


/** Figures summed over many histories. */
export interface ChaosFigures {
  histories: number;
  steps: number;
  failedRuns: number;
  maxRerunsToConverge: number;
  requests: number;
  faultedRequests: number;
  timeouts: number;
  unconfirmedStates: number;
  emailSteps: number;
  directoryRequests: number;
  /** Faulted requests over all requests made while faults were on. */
  observedFaultRate: number;
}

/** Adds one history's report to the figures. */
export function addToFigures(figures: ChaosFigures, report: HistoryReport): ChaosFigures {
  const requests = figures.requests + report.requests;
  const faultedRequests = figures.faultedRequests + report.faultedRequests;
  return {
    histories: figures.histories + 1,
    steps: figures.steps + report.steps,
    failedRuns: figures.failedRuns + report.failedRuns,
    maxRerunsToConverge: Math.max(figures.maxRerunsToConverge, report.rerunsToConverge),
    requests,
    faultedRequests,
    timeouts: figures.timeouts + report.timeouts,
    unconfirmedStates: figures.unconfirmedStates + report.unconfirmedStates,
    emailSteps: figures.emailSteps + report.emailSteps,
    directoryRequests: figures.directoryRequests + report.directoryRequests,
    observedFaultRate: requests === 0 ? 0 : faultedRequests / requests,
  };
}

/** The first history that broke a property. */
export interface ChaosFailure {
  index: number;
  history: ChaosHistory;
  error: unknown;
}

/**
 * The histories of a seed: the same seed always gives the same list, so a failure is
 * replayed with its seed and index.
 */
export function generateHistories(seed: number, count: number): ChaosHistory[] {
  return fc.sample(historyArbitrary, { seed, numRuns: count });
}

/**
 * Runs histories on parallel lanes, one lifecycle module instance each (the lifecycle keeps
 * its configuration per module, as per plugin process). Histories do not share anything:
 * each has its own emulator and fault seed. Stops handing out histories after the first
 * violation and returns it with the figures so far.
 */
export async function runHistories(
  histories: readonly ChaosHistory[],
  lanes: readonly (typeof Lifecycle)[],
  onReport?: (index: number, report: HistoryReport) => void,
  target: ChaosTarget = WORKSPACE_TARGET,
): Promise<{ figures: ChaosFigures; failure?: ChaosFailure }> {
  let figures = NO_FIGURES;
  let failure: ChaosFailure | undefined;
  let next = 0;
  const lane = async (lifecycle: typeof Lifecycle): Promise<void> => {
    while (failure === undefined && next < histories.length) {
      const index = next++;
      const history = histories[index]!;
      try {
        const report = await runHistory(history, { lifecycle, target });
        figures = addToFigures(figures, report);
        onReport?.(index, report);
      } catch (error) {
        failure ??= { index, history, error };
      }
    }
  };
  await Promise.all(lanes.map(lane));
  return failure === undefined ? { figures } : { figures, failure };
}

/** A failure as a message that says how to replay it, with the jest suite it came from. */
export function describeFailure(seed: number, failure: ChaosFailure, testFile = "test/engine/chaos.test.ts"): string {
  const cause = failure.error instanceof Error ? (failure.error.stack ?? failure.error.message) : String(failure.error);
  return (
    `chaos history ${failure.index} of seed ${seed} broke a property.\n` +
    `Replay: CHAOS_SEED=${seed} CHAOS_ONLY=${failure.index} npx jest ${testFile} ` +
    `(or npm run chaos -- --seed ${seed} --only ${failure.index})\n` +
    `History: ${JSON.stringify(failure.history)}\n${cause}`
  );
}

/** Histories a jest suite runs side by side: most of their time is spent waiting out stalls. */
const SUITE_LANES = 8;

/** One jest chaos suite: what it runs, and its defaults. */
export interface ChaosSuite {
  /** The suite's file, named in the replay line of a failure. */
  testFile: string;
  /** Absolute path of the lifecycle module, loaded afresh for each lane. */
  lifecycleModule: string;
  target: ChaosTarget;
  runs: number;
  seed: number;
}

/**
 * The suite's runs and seed, unless `CHAOS_RUNS` / `CHAOS_SEED` say otherwise, and
 * `CHAOS_ONLY=<index>` to replay one history of the seed.
 */
export function chaosSettings(suite: ChaosSuite): { runs: number; seed: number; only: number | undefined } {
  const { CHAOS_RUNS, CHAOS_SEED, CHAOS_ONLY } = process.env;
  return {
    runs: CHAOS_RUNS === undefined ? suite.runs : Number(CHAOS_RUNS),
    seed: CHAOS_SEED === undefined ? suite.seed : Number(CHAOS_SEED),
    only: CHAOS_ONLY === undefined ? undefined : Number(CHAOS_ONLY),
  };
}

/**
 * Runs a jest suite's histories over fresh copies of its lifecycle module (the lifecycle
 * keeps its configuration per module, as per plugin process) and throws the first
 * violation as a message that says how to replay it. `replaying` is set when one history
 * ran alone, whose figures say nothing about the rates.
 */
export async function runChaosSuite(suite: ChaosSuite): Promise<{ figures: ChaosFigures; replaying: boolean }> {
  const { runs, seed, only } = chaosSettings(suite);
  const all = generateHistories(seed, only === undefined ? runs : only + 1);
  const histories = only === undefined ? all : all.slice(only);
  const loadLifecycle = (): typeof Lifecycle => {
    let loaded: typeof Lifecycle | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module instance per lane
      loaded = require(suite.lifecycleModule) as typeof Lifecycle;
    });
    return loaded!;
  };
  const lanes = Array.from({ length: Math.min(SUITE_LANES, histories.length) }, loadLifecycle);
  const { figures, failure } = await runHistories(histories, lanes, undefined, suite.target);
  if (failure !== undefined) throw new Error(describeFailure(seed, { ...failure, index: failure.index + (only ?? 0) }, suite.testFile));
  return { figures, replaying: only !== undefined };
}

export const NO_FIGURES: ChaosFigures = {
  histories: 0,
  steps: 0,
  failedRuns: 0,
  maxRerunsToConverge: 0,
  requests: 0,
  faultedRequests: 0,
  timeouts: 0,
  unconfirmedStates: 0,
  emailSteps: 0,
  directoryRequests: 0,
  observedFaultRate: 0,
};
