import * as pulumi from "@pulumi/pulumi";
import { loadImplementation as importedLoader } from "../load-implementation";
import type * as BudgetsLifecycle from "./lifecycle";
import type { BudgetOutput } from "./state";

export type { BudgetOutput } from "./state";

// Bound to a local so Pulumi serializes the function itself: in an installed package, an
// imported module object is serialized as require("pulumi-openrouter/lib/..."), a path the
// package's `exports` hide (found by test/engine/tarball.test.ts).
const load = importedLoader;

/**
 * The inputs of a {@link WorkspaceBudgets} resource. Only the inputs you set are managed: an
 * interval you leave out keeps whatever budget it has (or none), and never shows as a diff.
 */
export interface WorkspaceBudgetsArgs {
  /** The workspace's UUID or slug. Pointing at another workspace replaces the resource. */
  workspaceId: pulumi.Input<string>;
  /** The daily limit in US dollars (above 0), or `null` for no daily budget. */
  daily?: pulumi.Input<number | null>;
  /** The weekly limit in US dollars (above the daily one), or `null` for none. */
  weekly?: pulumi.Input<number | null>;
  /** The monthly limit in US dollars (above the weekly one), or `null` for none. */
  monthly?: pulumi.Input<number | null>;
  /** The limit that never resets, in US dollars (above the monthly one), or `null` for none. */
  lifetime?: pulumi.Input<number | null>;
  /** Whether spending with your own provider keys (BYOK) counts against every budget of the workspace. */
  includeByokInBudgets?: pulumi.Input<boolean>;
}

/**
 * The Pulumi side of the provider. It holds no state and its methods reach only
 * `load` (the bound `loadImplementation`), so the text Pulumi serializes into every
 * resource's state stays under 4 KiB and free of secrets (ARCHITECTURE.md "The plugin
 * process"). The methods return the implementation's promises rather than being `async`
 * themselves and forward their arguments as they come: the plugin awaits them either way,
 * and every byte here is stored in each resource's state.
 */
export class WorkspaceBudgetsProvider implements pulumi.dynamic.ResourceProvider {
  configure(...args: Parameters<typeof BudgetsLifecycle.configure>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").configure(...args);
  }
  check(...args: Parameters<typeof BudgetsLifecycle.check>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").check(...args);
  }
  diff(...args: Parameters<typeof BudgetsLifecycle.diff>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").diff(...args);
  }
  create(...args: Parameters<typeof BudgetsLifecycle.create>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").create(...args);
  }
  read(...args: Parameters<typeof BudgetsLifecycle.read>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").read(...args);
  }
  update(...args: Parameters<typeof BudgetsLifecycle.update>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").update(...args);
  }
  delete(...args: Parameters<typeof BudgetsLifecycle.remove>) {
    return load<typeof BudgetsLifecycle>("budgets-lifecycle").remove(...args);
  }
}

// One instance for every resource: Pulumi caches the serialized text per provider object.
let sharedProvider: WorkspaceBudgetsProvider | undefined;

/**
 * The budgets of one OpenRouter workspace: a spending limit per interval. The resource id is
 * the workspace's UUID. Changes are sent in an order the service accepts at every step
 * (limits must strictly decrease as the interval narrows: lifetime > monthly > weekly >
 * daily). Destroying it deletes the budgets it manages.
 */
export class WorkspaceBudgets extends pulumi.dynamic.Resource {
  /** The workspace id or slug, as given. */
  declare readonly workspaceId: pulumi.Output<string>;
  /** The workspace's UUID, resolved at create. */
  declare readonly workspaceUuid: pulumi.Output<string>;
  /** The workspace's slug, resolved at create: lets a diff tell a slug from its own UUID. */
  declare readonly workspaceSlug: pulumi.Output<string>;
  /** Each interval's budget as the service holds it (managed or not), or `null` for none. */
  declare readonly daily: pulumi.Output<BudgetOutput | null>;
  declare readonly weekly: pulumi.Output<BudgetOutput | null>;
  declare readonly monthly: pulumi.Output<BudgetOutput | null>;
  declare readonly lifetime: pulumi.Output<BudgetOutput | null>;
  /** The workspace-wide flag as the service reports it; `null` if it never did. */
  declare readonly includeByokInBudgets: pulumi.Output<boolean | null>;
  /** The inputs this resource manages (those the program sets), in declaration order. */
  declare readonly managedFields: pulumi.Output<string[]>;
  /**
   * Managed fields whose last change was sent but neither confirmed nor refuted; empty when
   * none. The next update, refresh or destroy settles them first.
   */
  declare readonly unconfirmedFields: pulumi.Output<string[]>;

  constructor(name: string, args: WorkspaceBudgetsArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= new WorkspaceBudgetsProvider();
    const props = {
      workspaceId: args.workspaceId,
      daily: args.daily,
      weekly: args.weekly,
      monthly: args.monthly,
      lifetime: args.lifetime,
      includeByokInBudgets: args.includeByokInBudgets,
      // Outputs only: declared so that they are readable on the resource.
      workspaceUuid: undefined,
      workspaceSlug: undefined,
      managedFields: undefined,
      unconfirmedFields: undefined,
    };
    super(sharedProvider, name, props, opts, "openrouter", "WorkspaceBudgets");
  }
}
