/**
 * pulumi-openrouter: declarative OpenRouter workspace membership for Pulumi.
 *
 * This entry loads only the resource classes and the error types; the implementation
 * (client, zod schemas) is loaded by the provider at call time.
 */
export { WorkspaceMembers, WorkspaceMembersProvider } from "./members/resource";
export type { WorkspaceMembersArgs } from "./members/resource";
export { Workspace, WorkspaceProvider } from "./workspace/resource";
export type { WorkspaceArgs } from "./workspace/resource";
export {
  getWorkspace,
  getWorkspaceOutput,
  listWorkspaces,
  getWorkspaceMembers,
  getWorkspaceMembersOutput,
} from "./lookups/workspaces";
export type { GetWorkspaceResult, GetWorkspaceMembersResult, LookupOptions } from "./lookups/workspaces";
export type { Membership, WorkspaceFields } from "./api/types";
export {
  OpenRouterError,
  OpenRouterApiError,
  OpenRouterNetworkError,
  OpenRouterTimeoutError,
  OpenRouterResponseError,
  OpenRouterConfigError,
  OpenRouterArgumentError,
  ChangeFailedError,
  PartialFailureError,
  RemovalLimitError,
  isOpenRouterError,
} from "./core/errors";
export {
  loadMembersFile,
  parseMembersFile,
  validateMembers,
  loadMembersFromConfig,
  declareMembers,
  declareWorkspaces,
  MembersFileError,
} from "./gitops/members-file";
export type {
  MembersFile,
  WorkspaceMembersEntry,
  WorkspaceBlock,
  MembersFileProblem,
  DeclareMembersOptions,
  DeclaredWorkspaces,
  MembersConfig,
} from "./gitops/members-file";
