import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckFailedError,
  Engine,
  ResourceInitError,
  UNKNOWN,
  captureRegistrations,
  registrationNamed,
  roundTrip,
  secret,
  startPlugin,
  type PluginProcess,
  type Registration,
} from ".";
import * as pulumi from "@pulumi/pulumi";
import { ensureBuilt, isStale } from "./build";
import { FileStoreEntry } from "./fixtures/file-store";

// The harness proven on a throwaway provider (fixtures/file-store.ts), so it does not
// depend on the real lifecycle: each "service" resource is a JSON file in storeDir.

let storeDir: string;
let plugin: PluginProcess;

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), "harness-store-"));
  plugin = await startPlugin({ cwd: process.cwd() });
  await plugin.configure({ "fixture:storeDir": secret(storeDir), "project:unrelated": "x" });
});

afterAll(async () => {
  await plugin?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

const storedItems = (id: string): unknown => JSON.parse(readFileSync(join(storeDir, `${id}.json`), "utf8"));

async function entry(name: string, items: string[], failAfter?: number): Promise<Registration> {
  const registrations = await captureRegistrations(() => {
    new FileStoreEntry(name, { name, items, failAfter });
  });
  return registrationNamed(registrations, name);
}

describe("captureRegistrations", () => {
  it("returns the inputs the engine receives, with Pulumi's serialized __provider", async () => {
    const registration = await entry("captured", ["a"]);

    expect(registration).toMatchObject({
      urn: "urn:pulumi:stack::project::pulumi-nodejs:dynamic/fixture:FileStoreEntry::captured",
      type: "pulumi-nodejs:dynamic/fixture:FileStoreEntry",
      custom: true,
      parent: "",
    });
    expect(registration.inputs).toMatchObject({ name: "captured", items: ["a"] });
    // Undefined inputs (count, failAfter) never reach the engine.
    expect(Object.keys(registration.inputs).sort()).toEqual(["__provider", "items", "name"]);
    expect(registration.inputs.__provider).toEqual(expect.stringContaining("exports.handler"));
  });

  it("runs the program with the given stack config and project", async () => {
    const registrations = await captureRegistrations(
      () => {
        const config = new pulumi.Config("fixture");
        const items = [config.require("item"), config.requireSecret("hidden")];
        new FileStoreEntry("configured", { name: "configured", items });
      },
      { config: { "fixture:item": "from-config", "fixture:hidden": secret("s3cr3t") }, project: "p", stack: "dev" },
    );

    const registration = registrationNamed(registrations, "configured");
    expect(registration.urn).toBe("urn:pulumi:dev::p::pulumi-nodejs:dynamic/fixture:FileStoreEntry::configured");
    // A secret reaches the engine in its wire form.
    expect(registration.inputs.items).toEqual(["from-config", secret("s3cr3t")]);
  });

  it("sends a preview's unknown outputs as the unknown sentinel, which check accepts", async () => {
    const registrations = await captureRegistrations(
      () => {
        const first = new FileStoreEntry("first", { name: "first", items: ["a"] });
        new FileStoreEntry("second", { name: "second", items: [first.count.apply(String)] });
      },
      { preview: true },
    );
    const second = registrationNamed(registrations, "second");
    expect(second.inputs.items).toEqual([UNKNOWN]);

    const steps = await new Engine(plugin).preview(second);
    expect(steps).toEqual([{ urn: second.urn, op: "create", inputs: expect.objectContaining({ items: [UNKNOWN] }) }]);
  });
});

describe("struct conversion", () => {
  it("drops undefined keys, nulls undefined array slots and keeps numbers as numbers", () => {
    expect(roundTrip({ gone: undefined, list: [1, undefined], nested: { n: 2.5, t: true, z: null } })).toEqual({
      list: [1, null],
      nested: { n: 2.5, t: true, z: null },
    });
  });
});

describe("Engine over the real plugin", () => {
  it("creates, finds no change, shows drift on refresh, updates back and destroys", async () => {
    const engine = new Engine(plugin);
    const registration = await entry("lifecycle", ["a", "b"]);

    expect((await engine.up(registration)).map((s) => s.op)).toEqual(["create"]);
    expect(storedItems("lifecycle")).toEqual(["a", "b"]);
    const created = engine.state("lifecycle");
    expect(created.id).toBe("lifecycle");
    expect(created.outputs).toEqual({
      name: "lifecycle",
      items: ["a", "b"],
      count: 2,
      __provider: registration.inputs.__provider,
    });

    // The same program again: no change.
    expect((await engine.preview(registration)).map((s) => [s.op, s.diff?.changes])).toEqual([["same", "none"]]);
    expect((await engine.up(registration)).map((s) => s.op)).toEqual(["same"]);

    // Refresh without drift changes nothing.
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["same"]);

    // A change by hand shows on refresh, and read's inputs replace the recorded ones.
    writeFileSync(join(storeDir, "lifecycle.json"), JSON.stringify(["a"]));
    expect((await engine.refresh()).map((s) => s.op)).toEqual(["update"]);
    expect(engine.state("lifecycle").inputs).toEqual({ name: "lifecycle", items: ["a"], __provider: registration.inputs.__provider });
    expect(engine.state("lifecycle").outputs).toMatchObject({ items: ["a"], count: 1 });

    // The unchanged program now differs from the refreshed state, and up converges.
    const [plan] = await engine.preview(registration);
    expect(plan).toMatchObject({ op: "update", diff: { changes: "some", replaces: [] } });
    expect((await engine.up(registration)).map((s) => s.op)).toEqual(["update"]);
    expect(storedItems("lifecycle")).toEqual(["a", "b"]);

    expect((await engine.destroy()).map((s) => s.op)).toEqual(["delete"]);
    expect(existsSync(join(storeDir, "lifecycle.json"))).toBe(false);
    expect(engine.resources).toEqual([]);
  });

  it("deletes resources the program no longer registers, and refresh drops vanished ones", async () => {
    const engine = new Engine(plugin);
    const kept = await entry("kept", ["k"]);
    const dropped = await entry("dropped", ["d"]);
    await engine.up([kept, dropped]);

    expect(await engine.up([kept])).toEqual([
      expect.objectContaining({ urn: kept.urn, op: "same" }),
      { urn: dropped.urn, op: "delete" },
    ]);
    expect(existsSync(join(storeDir, "dropped.json"))).toBe(false);

    rmSync(join(storeDir, "kept.json"));
    expect(await engine.refresh()).toEqual([{ urn: kept.urn, op: "delete" }]);
    expect(engine.resources).toEqual([]);
  });

  it("deletes a resource registered with retainOnDelete from the state only, as the engine does, whether destroyed or dropped", async () => {
    const calls: string[] = [];
    const engine = new Engine(plugin, { onCall: (call) => calls.push(call.method) });
    const register = async (name: string) =>
      registrationNamed(await captureRegistrations(() => void new FileStoreEntry(name, { name, items: ["r"] }, { retainOnDelete: true })), name);
    const retained = await register("retained");
    const dropped = await register("retained-dropped");
    expect(retained.retainOnDelete).toBe(true);
    expect((await entry("plain", ["p"])).retainOnDelete).toBeUndefined();

    await engine.up([retained, dropped]);
    expect(engine.state("retained").retainOnDelete).toBe(true);
    calls.length = 0;
    expect(await engine.up([retained])).toEqual([expect.objectContaining({ op: "same" }), { urn: dropped.urn, op: "delete" }]);
    expect(await engine.destroy()).toEqual([{ urn: retained.urn, op: "delete" }]);

    expect(calls).not.toContain("delete");
    expect(engine.resources).toEqual([]);
    expect(storedItems("retained")).toEqual(["r"]);
    expect(storedItems("retained-dropped")).toEqual(["r"]);
  });

  it("records a partial create as the error's properties and fails the step", async () => {
    const calls: string[] = [];
    const engine = new Engine(plugin, { onCall: (call) => calls.push(`${call.method}${call.error ? "!" : ""}`) });
    const registration = await entry("partial", ["a", "b", "c"], 2);

    const failure = await engine.up(registration).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ResourceInitError);
    expect(failure).toMatchObject({
      method: "create",
      message: 'fixture refused "c" after 2 items',
      id: "partial",
      properties: { name: "partial", items: ["a", "b"], __provider: registration.inputs.__provider },
      reasons: ["partial"],
    });
    expect(engine.state("partial")).toMatchObject({
      id: "partial",
      outputs: { items: ["a", "b"], __provider: registration.inputs.__provider },
      initErrors: ["partial"],
    });
    expect(calls).toEqual(["check", "create!"]);

    // The state holds __provider, so the resource can still be destroyed.
    await engine.destroy();
    expect(existsSync(join(storeDir, "partial.json"))).toBe(false);
  });

  it("stops on check failures, naming the property", async () => {
    const registration = await entry("invalid", []);
    const invalid = { ...registration, inputs: { ...registration.inputs, items: "not-a-list" } };

    await expect(new Engine(plugin).up(invalid)).rejects.toThrow(CheckFailedError);
    await expect(new Engine(plugin).up(invalid)).rejects.toThrow('items: items must be a list, got "not-a-list"');
  });
});

describe("startPlugin", () => {
  it("keeps the plugin's output and reports its exit", async () => {
    const extra = await startPlugin({ cwd: process.cwd() });
    expect(extra.stdout).toMatch(/^\d+\n$/);
    expect(await extra.stop()).toBeNull();
  });
});

describe("ensureBuilt", () => {
  it("leaves a build it made standing: the next plugin start does not build again", async () => {
    await ensureBuilt();
    // Were the check to look for a file the build does not write, every plugin start in a
    // fresh clone would run the whole build again (under a lock, one at a time).
    expect(isStale()).toBe(false);
  });
});
