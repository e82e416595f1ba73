/**
 * pulumi-openrouter: declarative OpenRouter workspace membership for Pulumi.
 *
 * This entry loads only the resource classes and the error types; the implementation
 * (client, zod schemas) is loaded by the provider at call time.
 */
export { WorkspaceMembers, WorkspaceMembersProvider } from "./workspace-members";
export type { WorkspaceMembersArgs } from "./workspace-members";
export { Workspace, WorkspaceProvider } from "./workspace";
export type { WorkspaceArgs } from "./workspace";
export {
  getWorkspace,
  getWorkspaceOutput,
  listWorkspaces,
  getWorkspaceMembers,
  getWorkspaceMembersOutput,
} from "./lookups";
export type { GetWorkspaceResult, GetWorkspaceMembersResult, LookupOptions } from "./lookups";
export type { Membership, WorkspaceFields } from "./types";
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
} from "./errors";
export {
  loadMembersFile,
  parseMembersFile,
  validateMembers,
  loadMembersFromConfig,
  declareMembers,
  declareWorkspaces,
  MembersFileError,
} from "./members-file";
export type {
  MembersFile,
  WorkspaceMembersEntry,
  WorkspaceBlock,
  MembersFileProblem,
  DeclareMembersOptions,
  DeclaredWorkspaces,
  MembersConfig,
} from "./members-file";
