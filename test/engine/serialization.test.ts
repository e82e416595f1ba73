import { homedir } from "node:os";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, registrationNamed, secret } from "./harness";
import { loadFromPulumi } from "./harness/struct";
import { WorkspaceBudgetsProvider } from "../../provider/budgets/resource";
import { GuardrailMembersProvider } from "../../provider/guardrails/resource";
import { WorkspaceMembers, WorkspaceMembersProvider } from "../../provider/members/resource";

// ARCHITECTURE.md "The plugin process": Pulumi stores the serialized provider in the state of
// every resource, so it must stay tiny, must not drag in zod or undici (closure
// serialization breaks on zod, public Pulumi issue 5294), and must hold no secret and no
// path of the machine that ran `pulumi up` (state moves between machines).

const MAX_BYTES = 8 * 1024;
const canary = `sk-or-canary-${process.pid}-${Date.now()}`;
const repoRoot = resolve(__dirname, "..", "..");

let previousEnv: { management?: string; api?: string };

beforeAll(() => {
  previousEnv = { management: process.env.OPENROUTER_MANAGEMENT_KEY, api: process.env.OPENROUTER_API_KEY };
  process.env.OPENROUTER_MANAGEMENT_KEY = canary;
  process.env.OPENROUTER_API_KEY = canary;
});

afterAll(() => {
  for (const [name, value] of [
    ["OPENROUTER_MANAGEMENT_KEY", previousEnv.management],
    ["OPENROUTER_API_KEY", previousEnv.api],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function expectPortable(text: string, label: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  console.info(`${label}: ${bytes} bytes serialized (limit ${MAX_BYTES})`);
  expect(bytes).toBeLessThan(MAX_BYTES);
  expect(text).not.toMatch(/zod/i);
  expect(text).not.toMatch(/undici/i);
  expect(text).not.toContain(canary);
  expect(text).not.toContain(repoRoot);
  expect(text).not.toContain(homedir());
}

function expectLoadsAsProvider(text: string): void {
  const requireFromString = loadFromPulumi<(code: string) => { handler: () => Record<string, unknown> }>(
    "require-from-string",
  );
  const provider = requireFromString(text).handler();
  for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
    expect(typeof provider[method]).toBe("function");
  }
}

describe("the serialized WorkspaceMembersProvider", () => {
  it("is small, portable and secret-free when serialized by Pulumi's serializer", async () => {
    const provider = new WorkspaceMembersProvider();
    // The same call @pulumi/pulumi/dynamic makes for every dynamic resource.
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });

    expect(serialized.containsSecrets).toBe(false);
    expectPortable(serialized.text, "WorkspaceMembersProvider");
    expectLoadsAsProvider(serialized.text);
  });

  it("is what a program creating a WorkspaceMembers sends the engine as __provider", async () => {
    const registrations = await captureRegistrations(
      () => {
        new WorkspaceMembers("team", { workspaceId: "platform", userIds: ["user_a", "user_b"] });
      },
      { config: { "openrouter:managementKey": secret(canary), "openrouter:baseUrl": "http://127.0.0.1:9" } },
    );
    const { inputs } = registrationNamed(registrations, "team");

    // A string, not a secret: a provider that captured a secret would be wrapped.
    expect(typeof inputs.__provider).toBe("string");
    expectPortable(inputs.__provider as string, "WorkspaceMembers __provider");
    expectLoadsAsProvider(inputs.__provider as string);
  });
});

describe("the serialized WorkspaceBudgetsProvider (issue 17)", () => {
  it("is small, portable and secret-free, and requires its lifecycle by its own package subpath", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => new WorkspaceBudgetsProvider(), { allowSecrets: true });
    expect(serialized.containsSecrets).toBe(false);
    expectPortable(serialized.text, "WorkspaceBudgetsProvider");
    expectLoadsAsProvider(serialized.text);
    expect(serialized.text).toContain('load("budgets-lifecycle")');
  });
});

describe("the serialized GuardrailMembersProvider (issue 17)", () => {
  it("is small, portable and secret-free, and requires its lifecycle by its own package subpath", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => new GuardrailMembersProvider(), { allowSecrets: true });
    expect(serialized.containsSecrets).toBe(false);
    expectPortable(serialized.text, "GuardrailMembersProvider");
    expectLoadsAsProvider(serialized.text);
    expect(serialized.text).toContain('load("guardrails-lifecycle")');
  });
});
