import * as pulumi from "@pulumi/pulumi";
import { loadImplementation as importedLoader } from "../load-implementation";
import type * as WorkspaceLifecycle from "./lifecycle";

// Bound to a local so Pulumi serializes the function itself: in an installed package, an
// imported module object is serialized as require("pulumi-openrouter/lib/..."), a path the
// package's `exports` hide (found by test/engine/tarball.test.ts).
const load = importedLoader;

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


/**
 * The Pulumi side of the provider. It holds no state and its methods reach only
 * `load` (the bound `loadImplementation`), so the text Pulumi serializes into every
 * resource's state stays under 4 KiB and free of secrets (ARCHITECTURE.md "The plugin
 * process"). The methods return the implementation's promises rather than being `async`
 * themselves and forward their arguments as they come: the plugin awaits them either way,
 * and every byte here is stored in each resource's state.
 */
export class WorkspaceProvider implements pulumi.dynamic.ResourceProvider {
  configure(...args: Parameters<typeof WorkspaceLifecycle.configure>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").configure(...args);
  }
  check(...args: Parameters<typeof WorkspaceLifecycle.check>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").check(...args);
  }
  diff(...args: Parameters<typeof WorkspaceLifecycle.diff>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").diff(...args);
  }
  create(...args: Parameters<typeof WorkspaceLifecycle.create>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").create(...args);
  }
  read(...args: Parameters<typeof WorkspaceLifecycle.read>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").read(...args);
  }
  update(...args: Parameters<typeof WorkspaceLifecycle.update>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").update(...args);
  }
  delete(...args: Parameters<typeof WorkspaceLifecycle.remove>) {
    return load<typeof WorkspaceLifecycle>("workspace-lifecycle").remove(...args);
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
