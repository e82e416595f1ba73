import * as pulumi from "@pulumi/pulumi";
import type * as GuardrailsLifecycle from "./lifecycle";
import { loadImplementation as importedLoader } from "../load-implementation";
import type { GuardrailAssignment } from "../api/types";
import { declareSetOutputs, type SetOutputs } from "../membership/preview-outputs";

// Bound to a local so Pulumi serializes the function itself (see members/resource.ts).
const load = importedLoader;

/** The inputs of a {@link GuardrailMembers} resource. */
export interface GuardrailMembersArgs {
  /** The guardrail's UUID. Changing it to another guardrail replaces the resource. */
  guardrailId: pulumi.Input<string>;
  /**
   * The users this resource assigns to the guardrail directly, by user id: a set (order
   * never matters); may be empty. Each must be a member of the guardrail's workspace.
   * Required unless `emails` names the members.
   */
  userIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** More users, named by the email they have in the organization: a set, compared lower-cased. */
  emails?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * `false` (default): manage only the listed users and never touch anyone else.
   * `true`: the guardrail holds exactly the listed users (plus `protectedUserIds`); anyone
   * else assigned is unassigned on create and update and shows as drift on refresh.
   */
  exclusive?: pulumi.Input<boolean>;
  /** Users this resource never unassigns, in any mode. */
  protectedUserIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** A create, update or delete that would unassign more users than this fails before any change. */
  maxRemovals?: pulumi.Input<number>;
}

/** The Pulumi side of the provider: holds nothing, and its methods reach only `load` (see members/resource.ts). */
export class GuardrailMembersProvider implements pulumi.dynamic.ResourceProvider {
  configure(...args: Parameters<typeof GuardrailsLifecycle.configure>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").configure(...args);
  }
  check(...args: Parameters<typeof GuardrailsLifecycle.check>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").check(...args);
  }
  diff(...args: Parameters<typeof GuardrailsLifecycle.diff>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").diff(...args);
  }
  create(...args: Parameters<typeof GuardrailsLifecycle.create>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").create(...args);
  }
  read(...args: Parameters<typeof GuardrailsLifecycle.read>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").read(...args);
  }
  update(...args: Parameters<typeof GuardrailsLifecycle.update>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").update(...args);
  }
  delete(...args: Parameters<typeof GuardrailsLifecycle.remove>) {
    return load<typeof GuardrailsLifecycle>("guardrails-lifecycle").remove(...args);
  }
}

// One instance for every resource: Pulumi caches the serialized text per provider object.
let sharedProvider: GuardrailMembersProvider | undefined;

/**
 * The members assigned directly to one OpenRouter guardrail, declared as a set. The
 * resource id is the guardrail's UUID. A workspace's default guardrail and a guardrail with
 * no workspace take no assignments: create refuses them before any change.
 *
 * The service keeps at most one direct guardrail per member and workspace: assigning a
 * user here moves them off any other guardrail of the same workspace, which that
 * guardrail's resource sees as drift on its next refresh.
 */
export class GuardrailMembers extends pulumi.dynamic.Resource {
  /** The guardrail's UUID, as given. */
  declare readonly guardrailId: pulumi.Output<string>;
  /** The UUID of the guardrail's workspace, resolved at create. */
  declare readonly workspaceId: pulumi.Output<string>;
  /** Sorted ids of the users this resource manages that are assigned, named by id or by email. */
  declare readonly userIds: pulumi.Output<string[]>;
  /** Sorted, lower-cased: the managed emails whose user is assigned. */
  declare readonly emails: pulumi.Output<string[]>;
  /** Each managed email → the user id it named when last resolved. */
  declare readonly emailUserIds: pulumi.Output<Record<string, string>>;
  /** Assignments of those users, sorted by `userId`, exactly as the service listed them. */
  declare readonly assignments: pulumi.Output<GuardrailAssignment[]>;
  /**
   * Sorted ids of managed users whose last assign or unassign was sent but neither confirmed
   * nor refuted; empty when none. The next update, refresh or destroy settles them first.
   */
  declare readonly unconfirmedUserIds: pulumi.Output<string[]>;
  declare readonly exclusive: pulumi.Output<boolean>;
  declare readonly protectedUserIds: pulumi.Output<string[]>;
  declare readonly maxRemovals: pulumi.Output<number | undefined>;

  constructor(name: string, args: GuardrailMembersArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= new GuardrailMembersProvider();
    const props = {
      guardrailId: args.guardrailId,
      userIds: args.userIds,
      emails: args.emails,
      exclusive: args.exclusive ?? false,
      protectedUserIds: args.protectedUserIds,
      maxRemovals: args.maxRemovals,
      // Outputs only: declared so that they are readable on the resource.
      workspaceId: undefined,
      assignments: undefined,
      unconfirmedUserIds: undefined,
      emailUserIds: undefined,
    };
    super(sharedProvider, name, props, opts, "openrouter", "GuardrailMembers");
    declareSetOutputs(this as unknown as SetOutputs, args.emails);
  }
}
