/**
 * No secret anywhere (issue #5): everything the provider produces — check answers, outputs,
 * read inputs, partial-failure properties, error messages and their causes (recursively,
 * non-enumerable properties included), the serialized provider text, the plugin process's
 * stdout and stderr — is scanned for the management key. Zero hits, across successes and
 * every kind of failure.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { inspect } from "node:util";
import * as lifecycle from "../../provider/members/lifecycle";
import { startEmulator, type Emulator } from "../../provider/testing";
import { WorkspaceMembers, type WorkspaceMembersArgs } from "../../provider/members/resource";
import { Engine, captureRegistrations, registrationNamed, startPluginAgainst, type PluginProcess, type Registration } from "./harness";
import { stackConfig } from "../support/stack-config";

const KEY = "sk-or-v1-canary-0f1e2d3c4b5a69788796a5b4c3d2e1f0-do-not-leak";
const USERS = ["user_a", "user_b", "user_c", "user_d", "user_e"];

/** Paths inside `value` where the key occurs: strings, object keys, own properties (enumerable or not), causes. */
function findSecret(value: unknown, secretText: string, path = "$", seen = new Set<object>()): string[] {
  if (typeof value === "string") return value.includes(secretText) ? [path] : [];
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return [];
  if (seen.has(value)) return [];
  seen.add(value);
  const hits: string[] = [];
  for (const key of Reflect.ownKeys(value)) {
    const name = String(key);
    if (name.includes(secretText)) hits.push(`${path}[key]`);
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
    if (descriptor !== undefined && "value" in descriptor) hits.push(...findSecret(descriptor.value, secretText, `${path}.${name}`, seen));
  }
  if (value instanceof Error) {
    // `stack` may be an accessor; `cause` may sit on the prototype chain of exotic errors.
    hits.push(...findSecret(String(value.stack), secretText, `${path}.stack`, seen));
    hits.push(...findSecret(value.cause, secretText, `${path}.cause`, seen));
  }
  if (inspect(value, { depth: 20, showHidden: true }).includes(secretText)) hits.push(`${path} (inspect)`);
  return [...new Set(hits)];
}

/** Everything scanned in this file, so the figure "hits = 0" covers a known amount. */
const scanned: unknown[] = [];
const scan = (label: string, value: unknown): void => {
  scanned.push(value);
  expect({ label, hits: findSecret(value, KEY) }).toEqual({ label, hits: [] });
};

const settle = async (promise: Promise<unknown>): Promise<unknown> => promise.catch((error: unknown) => error);

describe("the scanner itself", () => {
  it("finds the key in a nested cause, a non-enumerable property and an object key", () => {
    const hidden = new Error("outer", { cause: new Error(`inner ${KEY}`) });
    const nonEnumerable = Object.defineProperty({}, "k", { value: KEY, enumerable: false });
    expect(findSecret(hidden, KEY)).toContain("$.cause.message");
    expect(findSecret(nonEnumerable, KEY)).toContain("$.k");
    expect(findSecret({ [KEY]: 1 }, KEY)).toContain("$[key]");
    expect(findSecret({ fine: "nothing here" }, KEY)).toEqual([]);
  });
});

describe("in process: every answer and every failure of the lifecycle", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: "secrets", managementKey: KEY, users: [...USERS, { id: "user_scim", scim: true }] });
    emulator.createWorkspace({ slug: "platform" });
    await lifecycle.configure(
      stackConfig({
        "openrouter:managementKey": KEY,
        "openrouter:baseUrl": emulator.url,
        "openrouter:batchSize": "2",
        "openrouter:concurrency": "1",
        "openrouter:maxAttempts": "1",
        "openrouter:timeoutMs": "100",
      }),
    );
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("the key given through stack config is never written into checked inputs, outputs or read inputs", async () => {
    const checked = await lifecycle.check({}, { workspaceId: "platform", userIds: ["user_a", "user_b"], exclusive: true });
    const created = await lifecycle.create({ ...checked.inputs, __provider: "p" });
    const updated = await lifecycle.update(created.id, created.outs, { ...checked.inputs, userIds: { user_c: true } });
    const read = await lifecycle.read(created.id, updated.outs ?? {});
    const diff = await lifecycle.diff(created.id, read.props ?? {}, checked.inputs ?? {});
    for (const [label, value] of Object.entries({ checked, created, updated, read, diff })) scan(label, value);
    expect(read.props?.userIds).toEqual(["user_c"]);
  });

  it.each<[string, (emulator: Emulator) => void]>([
    ["a 500 on every attempt", (e) => e.faults.add({ route: "*", status: 500, times: Infinity })],
    ["a 429 asking for longer than the budget", (e) => e.faults.add({ route: "*", status: 429, retryAfter: 3600, times: Infinity })],
    ["dropped connections", (e) => e.faults.add({ route: "*", drop: true, times: Infinity })],
    // undici fires its timeouts up to ~1 s late: the stall must outlast that.
    ["stalls past the timeout", (e) => e.faults.add({ route: "*", delayMs: 1500, times: Infinity })],
    ["mangled bodies", (e) => e.faults.add({ route: "*", malformed: "truncated", times: Infinity })],
    ["a failure part-way", (e) => e.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 503, times: Infinity })],
    ["refusals naming users (SCIM)", (e) => e.addMembers("platform", ["user_scim"])],
  ])("errors from %s, with every cause, name no key", async (_name, arm) => {
    const state = { workspaceId: "platform", workspaceUuid: emulator.workspace("platform")!.id, userIds: ["user_scim", "user_a"], exclusive: false };
    arm(emulator);
    const outcomes = [
      await settle(lifecycle.create({ workspaceId: "platform", userIds: { user_a: true, user_b: true, user_c: true }, exclusive: false, __provider: "p" })),
      await settle(lifecycle.update(state.workspaceUuid, state, { workspaceId: "platform", userIds: { user_d: true, user_e: true, user_c: true }, exclusive: false })),
      await settle(lifecycle.read(state.workspaceUuid, state)),
      await settle(lifecycle.remove(state.workspaceUuid, state)),
    ];
    expect(outcomes.some((outcome) => outcome instanceof Error)).toBe(true);
    outcomes.forEach((outcome, index) => scan(`outcome ${index}`, outcome));
  });

  it("check failures quote values, never the key, even when a value is the key itself elsewhere", async () => {
    const result = await lifecycle.check({}, { workspaceId: 42, userIds: [null, "", "x".repeat(300)], managementKey: "typo" });
    expect(result.failures?.length).toBeGreaterThan(2);
    scan("check failures", result);
  });
});

describe("a plain-http base URL off loopback", () => {
  let server: Server;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  // A real address of this machine that is not loopback, so a request would reach the counter.
  const externalAddress =
    Object.values(networkInterfaces())
      .flat()
      .find((address) => address !== undefined && address.family === "IPv4" && !address.internal)?.address ?? "10.255.255.1";

  it("is refused before any request, by every method that talks to the service", async () => {
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://${externalAddress}:${port}/api/v1`;
    await lifecycle.configure(stackConfig({ "openrouter:managementKey": KEY, "openrouter:baseUrl": baseUrl }));
    const state = { workspaceId: "platform", workspaceUuid: "0b9e4a52-3f0e-4d8e-9c2f-1f7d2a6b8c01", userIds: ["user_a"], exclusive: false };

    const errors = [
      await settle(lifecycle.create({ workspaceId: "platform", userIds: { user_a: true }, exclusive: false })),
      await settle(lifecycle.update(state.workspaceUuid, state, { workspaceId: "platform", userIds: { user_b: true }, exclusive: false })),
      await settle(lifecycle.read(state.workspaceUuid, state)),
      await settle(lifecycle.remove(state.workspaceUuid, state)),
    ];

    for (const error of errors) {
      expect(error).toMatchObject({ name: "OpenRouterConfigError", message: expect.stringContaining("which is not a loopback host") });
      scan("plain-http refusal", error);
    }
    expect(requests).toBe(0);
  });
});

describe("through Pulumi's real plugin process", () => {
  let emulator: Emulator;
  let plugin: PluginProcess;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: "secrets-plugin", managementKey: KEY, users: USERS });
    emulator.createWorkspace({ slug: "platform" });
    plugin = await startPluginAgainst(emulator, {
      "openrouter:batchSize": "1",
      "openrouter:maxAttempts": "2",
      "openrouter:retryBaseDelayMs": "1",
    });
  }, 120_000);

  afterAll(async () => {
    await plugin?.stop();
    await emulator?.close();
  });

  async function program(args: WorkspaceMembersArgs): Promise<Registration> {
    // The program's process has the key in its environment: serialization must not capture it.
    const saved = process.env.OPENROUTER_MANAGEMENT_KEY;
    process.env.OPENROUTER_MANAGEMENT_KEY = KEY;
    try {
      return registrationNamed(await captureRegistrations(() => void new WorkspaceMembers("team", args)), "team");
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_MANAGEMENT_KEY;
      else process.env.OPENROUTER_MANAGEMENT_KEY = saved;
    }
  }

  it("up, a partial failure, refresh and destroy leave no key in state, errors, or the plugin's output", async () => {
    const engine = new Engine(plugin);
    const first = await program({ workspaceId: "platform", userIds: ["user_a", "user_b"] });
    scan("serialized provider", first.inputs.__provider);
    await engine.up(first);

    emulator.faults.add({ route: "POST /workspaces/:id/members/add", skip: 1, status: 500, times: Infinity });
    const failed = await settle(engine.up(await program({ workspaceId: "platform", userIds: ["user_a", "user_b", "user_c", "user_d"] })));
    expect(failed).toMatchObject({ name: "ResourceInitError" });
    emulator.faults.clear();

    const invalid = await settle(engine.up(await program({ workspaceId: "Not A Slug", userIds: ["user_a"] })));
    expect(invalid).toMatchObject({ name: "CheckFailedError" });
    await engine.refresh();
    await engine.destroy();

    scan("partial failure", failed);
    scan("check failure", invalid);
    scan("engine states", engine.resources);
    scan("plugin stdout", plugin.stdout);
    scan("plugin stderr", plugin.stderr);
    expect(emulator.memberIds("platform")).toEqual([]);
    process.stdout.write(`secret scan: ${scanned.length} values scanned, 0 hits\n`);
  }, 120_000);
});
