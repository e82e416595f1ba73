/** A workspace as the emulator sends it (OpenRouter's wire shape, snake_case). */
export interface WireWorkspace {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  created_at: string;
  updated_at: string | null;
  created_by: string | null;
  default_text_model: string | null;
  default_image_model: string | null;
  default_provider_sort: string | null;
  io_logging_sampling_rate: number;
  io_logging_api_key_ids: number[] | null;
  is_data_discount_logging_enabled: boolean;
  is_observability_broadcast_enabled: boolean;
  is_observability_io_logging_enabled: boolean;
  disabled_server_tools: string[] | null;
  include_byok_in_budgets: boolean;
  default_guardrail_id: string;
}

/** A membership as the emulator sends it. */
export interface WireMember {
  id: string;
  user_id: string;
  workspace_id: string;
  role: string;
  created_at: string;
}

/** The settings a workspace may be created or patched with (wire names). */
export type WorkspaceSettings = Partial<
  Pick<
    WireWorkspace,
    | "description"
    | "default_text_model"
    | "default_image_model"
    | "default_provider_sort"
    | "io_logging_sampling_rate"
    | "io_logging_api_key_ids"
    | "is_data_discount_logging_enabled"
    | "is_observability_broadcast_enabled"
    | "is_observability_io_logging_enabled"
    | "disabled_server_tools"
    | "include_byok_in_budgets"
  >
>;

/** What `POST /workspaces` creates a workspace from. */
export type WorkspaceCreateFields = { name: string; slug: string } & WorkspaceSettings;

/** What `PATCH /workspaces/{id}` may change. */
export type WorkspacePatch = Partial<WorkspaceCreateFields>;

/** What the admin surface creates a workspace from: the slug, optionally a fixed id and name. */
export type WorkspaceByHand = { slug: string; name?: string; id?: string } & WorkspaceSettings;

/** The slug rule of `POST /workspaces`. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
