/**
 * The OpenRouter emulator: an in-memory, stateful stand-in for the part of OpenRouter's
 * management API the provider uses (workspaces and their members, the organization's
 * directory, workspace budgets, guardrail member assignments), served over real HTTP on
 * 127.0.0.1, with an organization model, fault injection and a request log. Tests,
 * benchmarks, demos and the CLI (`cli.ts`) all use it; this comment is its contract.
 *
 * ## Starting
 * ```ts
 * const emulator = await startEmulator({ seed: "t1", users: ["user_a", { id: "user_b", role: "admin" }] });
 * const ws = emulator.createWorkspace({ slug: "platform" });
 * await fetch(`${emulator.url}/workspaces/platform/members/add`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${emulator.managementKey}`, "content-type": "application/json" },
 *   body: JSON.stringify({ user_ids: ["user_a"] }),
 * });
 * emulator.memberIds(ws.id); // ["user_a"]
 * await emulator.close();
 * ```
 *
 * ## Options ({@link EmulatorOptions})
 * | option | default | meaning |
 * |---|---|---|
 * | `host`, `port` | `127.0.0.1`, `0` | where to listen; port 0 picks a free port |
 * | `seed` | none (random) | makes generated UUIDs, the keys, the organization id, derived names and the random-fault draws deterministic |
 * | `managementKey`, `inferenceKey` | generated `sk-or-v1-...` | the accepted keys: management works, inference gets 403, anything else 401 |
 * | `organizationId` | generated `org_...` | the id guardrail assignments carry |
 * | `users` | none | organization users: `"user_x"` or `{ id, role?: "member", scim?: false, email?, firstName?, lastName? }`; each is also put in the default workspace. A missing email is derived from the id (`user_alice` → `alice@example.com`, numbered `alice2@...` when taken); missing names are the id's word when it reads as one (`Alice`) and a seeded draw otherwise; `null` names mean none on file |
 * | `workspaces` | none | workspaces created at start: `{ slug, name?, id?, members?, ...settings }` |
 * | `nonOrgUsers` | `"reject"` | bulk add with users outside the organization: `"reject"` the whole request (400 `Some users are not members of the organization`, `metadata.user_ids` lists them) or `"leave-out"` (skipped: smaller `data` and `added_count`) |
 * | `defaultWorkspaceBudgets` | `"allow"` | budget PUT/DELETE on the default workspace: `"allow"` like any workspace, or `"refuse"` with 403 `Cannot modify budgets of the default workspace` (whether the service allows them is not known) |
 * | `latencyMs` | 0 | every answer waits this long from its request's arrival; a request that meets no fault is applied on arrival, its answer held (a service's own work falls inside its latency) |
 * | `faults` | none | {@link ScriptedFault}s armed at start |
 * | `randomFaults` | off | a seeded fault rate ({@link RandomFaults}) |
 * | `rateLimit` | off | `{ requests, windowMs }`: sliding window; excess requests get 429 with `Retry-After` (seconds, rounded up) and `retry-after-ms` |
 * | `maxUserIdsPerRequest` | unlimited | a bulk request with more `user_ids` (members add/remove) or `member_user_ids` (guardrail assign/unassign) is a 400 (the real limits are unknown) |
 * | `pageSizeCap` | none | list pages hold at most this many items even when `limit` asks for more ("the page size may be smaller than asked") |
 * | `now` | `() => new Date()` | clock for `created_at` / `updated_at` |
 *
 * Everything from `nonOrgUsers` to `pageSizeCap` can be changed at runtime with
 * `configure()` (pass `null` to turn a setting off); scripted faults with `faults.add()`.
 *
 * ## Routes (as `ROUTES` names them for fault scripts and the request log)
 * | route | success |
 * |---|---|
 * | `GET /workspaces`, `POST /workspaces` | 200 `{ data: [Workspace], total_count }`; 201 `{ data: Workspace }` |
 * | `GET`, `PATCH`, `DELETE /workspaces/:id` | 200 `{ data: Workspace }`; `DELETE` 200 `{ deleted: true }` |
 * | `GET /workspaces/:id/members` | 200 `{ data: [Member], total_count }` |
 * | `POST /workspaces/:id/members/add`, `.../remove` (`{ user_ids }`) | 200 `{ added_count, data: [Member] }`; `{ removed_count }` |
 * | `GET /organization/members` | 200 `{ data: [{ id, email, first_name, last_name, role: "org:<role>" }], total_count }` |
 * | `GET /workspaces/:id/budgets` | 200 `{ data: [Budget], include_byok_in_budgets }`, narrowest interval first, no paging |
 * | `GET`, `PUT`, `DELETE /workspaces/:id/budgets/:interval` | 200 `{ data: Budget, include_byok_in_budgets }`; `DELETE` 200 `{ deleted: true }` |
 * | `GET /guardrails/:id` | 200 `{ data: Guardrail }` |
 * | `GET /guardrails/:id/assignments/members` | 200 `{ data: [Assignment], total_count }` |
 * | `POST /guardrails/:id/assignments/members`, `.../remove` (`{ member_user_ids }`) | 200 `{ assigned_count }`; `{ unassigned_count }` |
 *
 * ## Service behaviour
 * - Base path `/api/v1`. Every route needs the management key (none or unknown 401, the
 *   inference key 403). `:id` is a workspace UUID or slug (a guardrail UUID on the guardrail
 *   routes), `:interval` one of `daily`, `weekly`, `monthly`, `lifetime`: the path is split
 *   on `/` first, then each parameter is percent-decoded once, so `..%2Fkeys` is a workspace
 *   (or guardrail) that does not exist (404), never another route. Unknown paths are 404; a
 *   known path with another method is 405 with `Allow`.
 * - Errors use OpenRouter's body: `{ "error": { "code", "message", "metadata"? }, "user_id": null }`.
 *   A request body is validated before the workspace or guardrail is looked up.
 * - Pagination: `offset` (default 0) and `limit` (default 50). A `limit` outside 1..100, or
 *   a non-integer `offset`/`limit`, is a 400 naming the parameter (never clamped, so a
 *   client bug shows). Member, directory and assignment pages are ordered by user id
 *   (code-unit order); workspaces by creation.
 * - `POST /workspaces` needs `name` and `slug` (slug rule: lowercase alphanumeric segments
 *   joined by single hyphens); a duplicate slug is **409**. Unknown body fields and
 *   mistyped fields are 400 naming the field. `include_byok_in_budgets` is refused by
 *   create and PATCH (400 saying it is set with a budget PUT). New workspaces start empty.
 * - The organization has a default workspace (slug `default`, id `defaultWorkspaceId`)
 *   holding every organization user with their org role. Adding to or removing from it is
 *   403 `Cannot modify members of the default workspace`; deleting it is 403.
 * - Bulk add: `user_ids` missing or empty is 400 `user_ids is required`; duplicates in one
 *   request count once. Every member gets the user's org role. `added_count` counts
 *   memberships created plus existing ones whose role changed to the org role; `data` has
 *   a membership for every org user asked for (in request order), members already or not.
 * - Bulk remove is all or nothing: SCIM-managed members → 403 listing the ids and saying
 *   to change them in the identity provider; members with active API keys in that
 *   workspace → 400 listing the ids and saying to delete their keys first. Users who are
 *   not members are skipped; `removed_count` counts real removals. A removed member loses
 *   their guardrail assignment in that workspace.
 * - Organization directory: the same users bulk add accepts and the default workspace
 *   holds; a user the organization does not have is in neither and has no email.
 * - Budgets: one per interval; `reset_interval` is the interval, `null` for lifetime. PUT
 *   (`limit_usd` a number above 0, required; `include_byok_in_budgets` optional) creates or
 *   updates (same `id` and `created_at`). Limits must strictly decrease as the interval
 *   narrows (lifetime > monthly > weekly > daily, among the budgets present): a PUT that
 *   would break that is 400 `Budget limits must strictly decrease as the interval narrows
 *   (lifetime > monthly > weekly > daily): <wider> limit_usd <a> must be greater than
 *   <narrower> limit_usd <b>` and changes nothing. `include_byok_in_budgets` is the
 *   workspace's one flag for every interval: a PUT without it leaves it. GET of an interval
 *   without a budget is 404 `Budget not found`; DELETE is 200 with or without one. A bad
 *   interval is 400 naming the four. Deleting a workspace deletes its budgets.
 * - Guardrails: every workspace has a default guardrail (id `default_guardrail_id`); the
 *   admin surface adds others, and legacy ones with `workspace_id: null`. A member has at
 *   most one direct guardrail per workspace: assigning one who has another there moves
 *   them. `assigned_count` counts members assigned or moved, not those already there
 *   (idempotent); duplicates count once. Assignments made through the API have
 *   `assigned_by: null`. Refused, all or nothing: `member_user_ids` missing or empty (400
 *   `member_user_ids is required`); a default guardrail (400 `Cannot assign members to a
 *   default guardrail: ...`); a legacy one (400 `Guardrail has no workspace_id`); users who
 *   are not members of the guardrail's workspace (400 `Some users are not members of the
 *   workspace`) or, in the default workspace, of the organization (400 `Some users are not
 *   members of the organization`), `metadata.user_ids` listing them. Unassign removes this
 *   guardrail's rows only and counts them; other users are skipped. An unknown guardrail
 *   is 404 `Guardrail not found`. Deleting a workspace deletes its guardrails.
 *
 * ## Faults
 * Per request, on arrival, at most one fault is decided: the rate limit, else the first
 * armed scripted fault for the route, else a random-fault draw. A faulted request then
 * waits out `latencyMs` before its fault takes effect. See
 * {@link ScriptedFault} for what each effect does and when the change is applied. Faults
 * apply before authentication; an unmatched path only meets the rate limit and `"*"` faults.
 * The request log's `userIdsCount` is the length of `user_ids` or `member_user_ids`.
 *
 * ## Admin surface ({@link AdminSurface})
 * The methods on {@link Emulator} other than `close`, `configure`, `faults` and `log` work
 * in-process with no HTTP and no faults, and model changes made by hand in the dashboard:
 * users (`addUsers`, `user`, `userByEmail`, `users`, `setUserRole`), workspaces and members,
 * budgets (`setBudget`, which bypasses the ordering rule, `deleteBudget`, `budgets`, `budget`,
 * `setIncludeByokInBudgets`) and guardrails (`createGuardrail`, `deleteGuardrail`,
 * `guardrail`, `assignGuardrailMembers`, which bypasses the refusals but still moves,
 * `unassignGuardrailMembers`, `guardrailMemberIds`, `guardrailAssignment`,
 * `memberGuardrailId`). They bypass the service's rules (default workspace, SCIM, API keys,
 * org membership, budget order) and throw a plain `Error` for a workspace or guardrail that
 * does not exist.
 */
import { adminSurface, type AdminSurface, type OrgUserSeed } from "./admin";
import type { DefaultWorkspaceBudgetsMode } from "./budgets";
import { FaultPlan, type RandomFaults, type RateLimit, type ScriptedFault } from "./faults";
import { createRandom } from "./random";
import { RequestLog } from "./request-log";
import type { RouteSettings } from "./routes";
import { BASE_PATH, listen } from "./server";
import { Organization, type NonOrgUsersMode } from "./state";
import type { WorkspaceByHand } from "./workspace-shapes";

/** A workspace to create at start, optionally with members (added with their org role). */
export type WorkspaceSeed = WorkspaceByHand & { members?: string[] };

/** Settings that can change while the emulator runs; `null` turns one off. */
export interface RuntimeSettings {
  nonOrgUsers?: NonOrgUsersMode;
  defaultWorkspaceBudgets?: DefaultWorkspaceBudgetsMode;
  latencyMs?: number;
  randomFaults?: RandomFaults | null;
  rateLimit?: RateLimit | null;
  maxUserIdsPerRequest?: number | null;
  pageSizeCap?: number | null;
}

/** Options of {@link startEmulator}; the table in this module's comment gives the defaults. */
export interface EmulatorOptions extends Omit<RuntimeSettings, "randomFaults" | "rateLimit" | "maxUserIdsPerRequest" | "pageSizeCap"> {
  host?: string;
  port?: number;
  seed?: string | number;
  managementKey?: string;
  inferenceKey?: string;
  organizationId?: string;
  users?: OrgUserSeed[];
  workspaces?: WorkspaceSeed[];
  faults?: ScriptedFault[];
  randomFaults?: RandomFaults;
  rateLimit?: RateLimit;
  maxUserIdsPerRequest?: number;
  pageSizeCap?: number;
  now?: () => Date;
}

/** Arms and inspects scripted faults at runtime. */
export type FaultControl = Pick<FaultPlan, "add" | "clear" | "remaining">;

/** A running emulator: where it is, how to reach it, its log, and its admin surface. */
export interface Emulator extends AdminSurface {
  /** Base URL ending in `/api/v1`, e.g. `http://127.0.0.1:41234/api/v1`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A key the workspace routes accept. */
  readonly managementKey: string;
  /** A valid key that is not a management key: the workspace routes answer 403. */
  readonly inferenceKey: string;
  /** The UUID of the organization's default workspace (slug `default`). */
  readonly defaultWorkspaceId: string;
  /** The organization's id, as guardrail assignments carry it. */
  readonly organizationId: string;
  /** Every request received, with route, status and timing; `log.clear()` empties it. */
  readonly log: RequestLog;
  /** Scripted faults: `add(...faults)`, `clear()`, `remaining()`. */
  readonly faults: FaultControl;
  /** Changes runtime settings; keys left out keep their value, `null` turns a setting off. */
  configure(settings: RuntimeSettings): void;

  /** Stops listening, cancels stalled requests and closes keep-alive sockets. Idempotent. */
  close(): Promise<void>;
}

/** Starts an emulator on `127.0.0.1`, port 0 unless told otherwise. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const stream = (name: string) => createRandom(options.seed === undefined ? undefined : `${options.seed}:${name}`);
  const keySource = stream("keys");
  const managementKey = options.managementKey ?? `sk-or-v1-${keySource.hex(64)}`;
  const inferenceKey = options.inferenceKey ?? `sk-or-v1-${keySource.hex(64)}`;
  if (managementKey === inferenceKey) throw new Error("managementKey and inferenceKey must differ");

  const org = new Organization({
    random: stream("ids"),
    people: stream("people"),
    now: options.now ?? (() => new Date()),
    nonOrgUsers: options.nonOrgUsers ?? "reject",
    organizationId: options.organizationId ?? `org_${stream("org").hex(24)}`,
  });
  org.addUsers(options.users ?? []);
  for (const { members, ...fields } of options.workspaces ?? []) {
    const workspace = org.createWorkspaceByHand(fields);
    org.addMembersByHand(workspace.id, members ?? []);
  }

  const faults = new FaultPlan(options.seed);
  faults.add(...(options.faults ?? []));
  const log = new RequestLog();
  let latencyMs = 0;
  let routeSettings: RouteSettings = {};

  const configure = (settings: RuntimeSettings): void => {
    if (settings.nonOrgUsers !== undefined) {
      if (settings.nonOrgUsers !== "reject" && settings.nonOrgUsers !== "leave-out") {
        throw new Error(`nonOrgUsers must be "reject" or "leave-out", got ${JSON.stringify(settings.nonOrgUsers)}`);
      }
      org.nonOrgUsers = settings.nonOrgUsers;
    }
    if (settings.defaultWorkspaceBudgets !== undefined) {
      if (settings.defaultWorkspaceBudgets !== "allow" && settings.defaultWorkspaceBudgets !== "refuse") {
        throw new Error(`defaultWorkspaceBudgets must be "allow" or "refuse", got ${JSON.stringify(settings.defaultWorkspaceBudgets)}`);
      }
      org.budgets.defaultWorkspace = settings.defaultWorkspaceBudgets;
    }
    if (settings.latencyMs !== undefined) latencyMs = nonNegative("latencyMs", settings.latencyMs);
    if (settings.randomFaults !== undefined) faults.setRandomFaults(settings.randomFaults);
    if (settings.rateLimit !== undefined) faults.setRateLimit(settings.rateLimit);
    for (const key of ["maxUserIdsPerRequest", "pageSizeCap"] as const) {
      const value = settings[key];
      if (value === undefined) continue;
      if (value !== null && !(Number.isInteger(value) && value > 0)) {
        throw new Error(`${key} must be a positive integer or null, got ${value}`);
      }
      routeSettings = { ...routeSettings, [key]: value ?? undefined };
    }
  };
  configure(options);

  const server = await listen(
    {
      org,
      faults,
      log,
      managementKeys: new Set([managementKey]),
      inferenceKeys: new Set([inferenceKey]),
      latencyMs: () => latencyMs,
      routeSettings: () => routeSettings,
    },
    options.host ?? "127.0.0.1",
    options.port ?? 0,
  );
  let closing: Promise<void> | undefined;

  return {
    url: `http://${formatHost(server.host)}:${server.port}${BASE_PATH}`,
    host: server.host,
    port: server.port,
    managementKey,
    inferenceKey,
    defaultWorkspaceId: org.defaultWorkspaceId,
    organizationId: org.organizationId,
    log,
    faults: {
      add: (...added) => faults.add(...added),
      clear: () => faults.clear(),
      remaining: () => faults.remaining(),
    },
    configure,
    ...adminSurface(org),
    close: () => (closing ??= server.close()),
  };
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${name} must be a non-negative number, got ${value}`);
  return value;
}

const formatHost = (host: string): string => (host.includes(":") ? `[${host}]` : host);
