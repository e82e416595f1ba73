/**
 * Bench only: the floor of the plugin's memory. A dynamic provider that does none of our
 * work (no HTTP, no zod, none of provider/) but takes the same inputs and answers checked
 * inputs and create outputs of the same shape and string sizes as `WorkspaceMembers`
 * (lifecycle.ts `check`, `toState`). Whatever the plugin's peak RSS is with it is what
 * Pulumi itself costs for this workload (decoding the inputs' Struct, encoding the 10,000
 * memberships); the difference to ours is our share.
 *
 * Pulumi serializes the provider by value into the resource's inputs and evaluates that text
 * inside the plugin, so it is a plain object literal whose methods reach nothing outside
 * themselves but `require` of Node built-ins at call time.
 */
import * as pulumi from "@pulumi/pulumi";

type Inputs = Record<string, unknown>;

export const floorProvider: pulumi.dynamic.ResourceProvider = {
  async configure() {},

  /** Ours: `userIds` as the keyed map `{ "<id>": true }` (ARCHITECTURE.md "Checked inputs"), `exclusive` defaulted. */
  async check(_olds: Inputs, news: Inputs) {
    const userIds: Record<string, boolean> = {};
    for (const id of news.userIds as string[]) userIds[id] = true;
    return { inputs: { ...news, userIds, exclusive: news.exclusive ?? false } };
  },

  /**
   * Ours after an additive create into a workspace given by slug: id and `workspaceUuid` the
   * workspace's UUID, one membership per user sorted by `userId`, as the service's answers
   * hold them. Each membership gets its own id and timestamp strings, as ours do out of the
   * JSON answers; its `workspaceId` shares one string (ours holds 10,000 copies: under
   * 1 MiB more, which lands in our share).
   */
  async create(inputs: Inputs) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built-in, resolved inside the plugin
    const { randomUUID } = require("node:crypto") as typeof import("node:crypto");
    const userIds = Object.keys(inputs.userIds as Record<string, boolean>).sort();
    const workspaceUuid = randomUUID();
    const now = Date.now();
    const memberships = userIds.map((userId, i) => ({
      id: randomUUID(),
      userId,
      workspaceId: workspaceUuid,
      role: "member",
      createdAt: new Date(now + i).toISOString(),
    }));
    const outs = {
      workspaceId: inputs.workspaceId,
      workspaceUuid,
      workspaceSlug: inputs.workspaceId,
      userIds,
      memberships,
      exclusive: inputs.exclusive === true,
      protectedUserIds: [],
      unconfirmedUserIds: [],
      emails: [],
      emailUserIds: {},
      doublyNamedUserIds: [],
    };
    return { id: workspaceUuid, outs };
  },
};

/** `WorkspaceMembers` on the floor provider: same type token, so the same URN for the same name. */
export class FloorMembers extends pulumi.dynamic.Resource {
  constructor(name: string, props: { workspaceId: string; userIds: string[]; exclusive: boolean }) {
    super(floorProvider, name, props, undefined, "openrouter", "WorkspaceMembers");
  }
}
