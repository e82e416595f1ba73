/**
 * `pulumi-openrouter/testing`: the OpenRouter emulator, an in-memory stand-in for
 * OpenRouter's management API (workspaces and members, the organization directory,
 * workspace budgets, guardrail member assignments) served over real HTTP, for tests,
 * benchmarks and demos.
 * `startEmulator` is the entry point; its module comment (`emulator.ts`) is the full
 * contract of options, service behaviour, faults and the admin surface.
 *
 * @packageDocumentation
 */
export { startEmulator } from "./emulator";
export type { Emulator, EmulatorOptions, FaultControl, RuntimeSettings, WorkspaceSeed } from "./emulator";
export type { AdminSurface, OrgUserSeed } from "./admin";
export { BUDGET_INTERVALS } from "./budgets";
export type { BudgetInterval, DefaultWorkspaceBudgetsMode, WireBudget } from "./budgets";
export type { GuardrailByHand, WireAssignment, WireGuardrail } from "./guardrails";
export { DEFAULT_RANDOM_FAULT_KINDS } from "./faults";
export type { MalformedBody, RandomFaultKind, RandomFaults, RateLimit, ScriptedFault } from "./faults";
export { RequestLog } from "./request-log";
export type { RequestLogEntry, RetryAfterWait } from "./request-log";
export { ROUTES } from "./routes";
export type { RouteName } from "./routes";
export { BASE_PATH } from "./server";
export { DEMO_GUARDRAIL_NAME, DEMO_USERS, DEMO_WORKSPACE_SLUG, seedDemoOrganization } from "./demo";
export type { OrgUser, OrgUserFields, WireOrgMember } from "./directory";
export type { NonOrgUsersMode } from "./state";
export type { WireMember, WireWorkspace, WorkspaceByHand, WorkspaceSettings } from "./workspace-shapes";
export type { WireErrorBody } from "./http-error";
