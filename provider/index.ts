/**
 * pulumi-openrouter: declarative OpenRouter workspace membership for Pulumi.
 *
 * This entry loads only the resource classes, the lookups and the error types; the
 * implementation (client, zod schemas, YAML parser) loads at call time.
 *
 * For programs: the resources, their argument types, the lookups, the members file and the
 * errors. For scripts: the export of an organization as a members file that adopts it (the
 * `pulumi-openrouter export` command's function). Internal, but exported because existing
 * stacks need them: the `...Provider` classes (every resource's state holds a serialized
 * copy of one, so the class must stay reachable; programs never construct one).
 */

// Resources
export { WorkspaceMembers } from "./members/resource";
export type { WorkspaceMembersArgs } from "./members/resource";
export { Workspace } from "./workspace/resource";
export type { WorkspaceArgs } from "./workspace/resource";
export { WorkspaceBudgets } from "./budgets/resource";
export type { WorkspaceBudgetsArgs, BudgetOutput } from "./budgets/resource";
export { GuardrailMembers } from "./guardrails/resource";
export type { GuardrailMembersArgs } from "./guardrails/resource";
export type { GuardrailAssignment, Membership, OrganizationMember, WorkspaceFields } from "./api/types";

// Lookups
export {
  getWorkspace,
  getWorkspaceOutput,
  listWorkspaces,
  getWorkspaceMembers,
  getWorkspaceMembersOutput,
} from "./lookups/workspaces";
export type { GetWorkspaceResult, GetWorkspaceMembersResult, LookupOptions } from "./lookups/workspaces";
export { getOrganizationMembers, getOrganizationMembersOutput } from "./lookups/organization";
export type { GetOrganizationMembersResult } from "./lookups/organization";

// The members file (GitOps)
export { loadMembersFile, parseMembersFile, validateMembers, loadMembersFromConfig } from "./gitops/load";
export type { MembersConfig } from "./gitops/load";
export { checkMembersAgainstOrganization } from "./gitops/organization";
export type { OrganizationCheckOptions } from "./gitops/organization";
export { declareMembers, declareWorkspaces } from "./gitops/declare";
export type { DeclareMembersOptions, DeclaredWorkspaces } from "./gitops/declare";
export type { MembersFile, WorkspaceMembersEntry, WorkspaceBlock, NamedPerson } from "./gitops/validate";
export type { BudgetsBlock } from "./gitops/budgets";
export type { GuardrailBlock, GuardrailsBlock } from "./gitops/guardrails";

// Exporting an organization as a members file (the `pulumi-openrouter export` command)
export { exportOrganization, formatMembersFile, formatProgram, countExport } from "./export/index";
export type {
  ExportOptions,
  ExportProgress,
  ExportedOrganization,
  ExportedEntry,
  ExportedBudgets,
  ExportCounts,
  LeftOutMember,
  WorkspaceSettings,
} from "./export/index";

// Errors: every error the package throws is an OpenRouterError.
export {
  OpenRouterError,
  OpenRouterApiError,
  OpenRouterNotFoundError,
  OpenRouterNetworkError,
  OpenRouterTimeoutError,
  OpenRouterResponseError,
  OpenRouterConfigError,
  OpenRouterArgumentError,
  ChangeFailedError,
  PartialFailureError,
  RemovalLimitError,
  UnknownEmailError,
  BudgetOrderError,
  GuardrailRefusedError,
  MembersFileError,
  isOpenRouterError,
} from "./core/errors";
export type { MembersFileProblem, BudgetLimitFact } from "./core/errors";

// Internal: reachable because existing states hold serialized providers; not for programs.
export { WorkspaceMembersProvider } from "./members/resource";
export { WorkspaceProvider } from "./workspace/resource";
export { WorkspaceBudgetsProvider } from "./budgets/resource";
export { GuardrailMembersProvider } from "./guardrails/resource";
