import * as pulumi from "@pulumi/pulumi";
import { loadImplementation as importedLoader } from "./load-implementation";
import type * as WorkspaceLifecycle from "./workspace-lifecycle";

// Bound to a local so Pulumi serializes the function itself: in an installed package, an
// imported module object is serialized as require("pulumi-openrouter/lib/..."), a path the
// package's `exports` hide (found by test/tarball.test.ts).
const loadImplementation = importedLoader;

/**
 * The inputs of a {@link Workspace} resource: the fields OpenRouter creates a workspace from.
 * Only the inputs you set are managed; the others keep whatever the service or the
 * dashboard gives them, and never show as a diff.
 */
export interface WorkspaceArgs {
  /** Display name. Changing it updates the workspace in place. */
  name: pulumi.Input<string>;
  /**
   * URL slug: lowercase letters and digits in segments joined by single hyphens
   * (`ml-platform`). Changing it updates the workspace in place (its UUID stays).
   */
  slug: pulumi.Input<string>;
  /** Free text; `null` clears it. */
  description?: pulumi.Input<string | null>;
  /** Model used when a request names none, e.g. `openai/gpt-4o`; `null` clears it. */
  defaultTextModel?: pulumi.Input<string | null>;
  /** Image model used when a request names none; `null` clears it. */
  defaultImageModel?: pulumi.Input<string | null>;
  /** How providers are ranked by default (e.g. `price`, `throughput`, `latency`); `null` clears it. */
  defaultProviderSort?: pulumi.Input<string | null>;
  /** Share of requests whose input and output are logged, from 0.0001 to 1. */
  ioLoggingSamplingRate?: pulumi.Input<number>;
  /** API keys (by numeric id) whose requests are logged; a set. `null` clears it. */
  ioLoggingApiKeyIds?: pulumi.Input<pulumi.Input<number>[] | null>;
  /** Allow logging in exchange for provider data discounts. */
  isDataDiscountLoggingEnabled?: pulumi.Input<boolean>;
  /** Broadcast request traces to the configured observability destinations. */
  isObservabilityBroadcastEnabled?: pulumi.Input<boolean>;
  /** Include request inputs and outputs in the observability broadcast. */
  isObservabilityIoLoggingEnabled?: pulumi.Input<boolean>;
  /** Server tools turned off for this workspace; a set. `null` clears it. */
  disabledServerTools?: pulumi.Input<pulumi.Input<string>[] | null>;
}

type Inputs = Record<string, unknown>;

/**
 * The Pulumi side of the provider. It holds no state and its methods reach only
 * `loadImplementation`, so the text Pulumi serializes into every resource's state stays a
 * few KiB and free of secrets (DESIGN.md "Dynamic-provider rules").
 */
export class WorkspaceProvider implements pulumi.dynamic.ResourceProvider {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").configure(req);
  }
  async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").check(olds, news);
  }
  async diff(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").diff(id, olds, news);
  }
  async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").create(inputs);
  }
  async read(id: string, props: Inputs): Promise<pulumi.dynamic.ReadResult> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").read(id, props);
  }
  async update(id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").update(id, olds, news);
  }
  async delete(id: string, props: Inputs): Promise<void> {
    return loadImplementation<typeof WorkspaceLifecycle>("workspace-lifecycle").remove(id, props);
  }
}

// One instance for every resource: Pulumi caches the serialized text per provider object.
let sharedProvider: WorkspaceProvider | undefined;

/**
 * An OpenRouter workspace. The resource id is the workspace's UUID, so
 * `new WorkspaceMembers(name, { workspaceId: workspace.id, ... })` declares its members in
 * the same program. A change of `name` or `slug` updates the workspace in place.
 */
export class Workspace extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly slug: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | null>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string | null>;
  declare readonly createdBy: pulumi.Output<string | null>;
  declare readonly defaultTextModel: pulumi.Output<string | null>;
  declare readonly defaultImageModel: pulumi.Output<string | null>;
  declare readonly defaultProviderSort: pulumi.Output<string | null>;
  declare readonly ioLoggingSamplingRate: pulumi.Output<number>;
  declare readonly ioLoggingApiKeyIds: pulumi.Output<number[] | null>;
  declare readonly isDataDiscountLoggingEnabled: pulumi.Output<boolean>;
  declare readonly isObservabilityBroadcastEnabled: pulumi.Output<boolean>;
  declare readonly isObservabilityIoLoggingEnabled: pulumi.Output<boolean>;
  declare readonly disabledServerTools: pulumi.Output<string[] | null>;
  /** Present when the service returns it. */
  declare readonly includeByokInBudgets: pulumi.Output<boolean | undefined>;
  /** Present when the service returns it. */
  declare readonly defaultGuardrailId: pulumi.Output<string | undefined>;
  /** The inputs this resource manages (those the program sets), sorted as declared. */
  declare readonly managedFields: pulumi.Output<string[]>;

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= new WorkspaceProvider();
    const props = {
      name: args.name,
      slug: args.slug,
      description: args.description,
      defaultTextModel: args.defaultTextModel,
      defaultImageModel: args.defaultImageModel,
      defaultProviderSort: args.defaultProviderSort,
      ioLoggingSamplingRate: args.ioLoggingSamplingRate,
      ioLoggingApiKeyIds: args.ioLoggingApiKeyIds,
      isDataDiscountLoggingEnabled: args.isDataDiscountLoggingEnabled,
      isObservabilityBroadcastEnabled: args.isObservabilityBroadcastEnabled,
      isObservabilityIoLoggingEnabled: args.isObservabilityIoLoggingEnabled,
      disabledServerTools: args.disabledServerTools,
      // Outputs only: declared so that they are readable on the resource.
      createdAt: undefined,
      updatedAt: undefined,
      createdBy: undefined,
      includeByokInBudgets: undefined,
      defaultGuardrailId: undefined,
      managedFields: undefined,
    };
    super(sharedProvider, name, props, opts, "openrouter", "Workspace");
  }
}
