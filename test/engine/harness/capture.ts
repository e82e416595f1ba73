import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as ResourceProto from "@pulumi/pulumi/proto/resource_pb";
import { fromStruct, isSecret, type PropertyMap } from "./struct";

/** One resource a program registered, as the engine received it. */
export interface Registration {
  /** The URN the engine gives it (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
  urn: string;
  /** Its type token, `pulumi-nodejs:dynamic/<module>:<Type>` for dynamic resources. */
  type: string;
  name: string;
  /** False for component resources, which no provider ever sees. */
  custom: boolean;
  /** The parent's URN, `""` at the top level. */
  parent: string;
  /** The URNs of the resources it depends on, as the engine receives them (`dependsOn` and the inputs' resources). */
  dependencies: string[];
  /** Set (true) when the program gave the resource Pulumi's `retainOnDelete` option. */
  retainOnDelete?: true;
  /**
   * The inputs exactly as the engine receives them in `RegisterResourceRequest.object`:
   * secrets in their wire form, preview unknowns as {@link UNKNOWN}, `undefined` gone, and,
   * for dynamic resources, `__provider` holding the text of Pulumi's own serializer.
   */
  inputs: PropertyMap;
}

/** How {@link captureRegistrations} runs the program. */
export interface CaptureOptions {
  /**
   * Stack config the program reads with `pulumi.Config`, keyed `"<namespace>:<key>"`. Wrap a
   * value with `secret()` from `./struct` to set it as a secret.
   */
  config?: Record<string, unknown>;
  /** Defaults to `"project"`, as under `pulumi.runtime.setMocks`. */
  project?: string;
  /** Defaults to `"stack"`. */
  stack?: string;
  /** Run as `pulumi preview` would: outputs of other resources stay unknown. */
  preview?: boolean;
}

/**
 * The `@pulumi/pulumi` internals this harness relies on. `setMocks` installs a `MockMonitor`
 * whose `newResource` callback only sees deserialized inputs; the harness wraps the
 * monitor's `registerResource` to read the request's own `Struct`, which is what the engine
 * gets.
 */
interface MockMonitor {
  registerResource(
    request: ResourceProto.RegisterResourceRequest,
    callback: (error: Error | null, response?: ResourceProto.RegisterResourceResponse) => void,
  ): Promise<void>;
}
interface SettingsInternals {
  getMonitor(): MockMonitor;
  /** Resolves once every registration started so far has reached the monitor. */
  waitForRPCs(): Promise<void>;
}

/**
 * Runs a real Pulumi program under `pulumi.runtime.setMocks` and returns the resources it
 * registered, in registration order, with their inputs as the engine would receive them.
 *
 * The Pulumi runtime's state is global to the module registry, and jest gives each test file
 * its own: captures within one file must run one after the other (each call resets the
 * mocks, the config and the project/stack names), never concurrently.
 */
export async function captureRegistrations(
  program: () => void | Promise<void>,
  options: CaptureOptions = {},
): Promise<Registration[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- internals without typings
  const settings = require("@pulumi/pulumi/runtime/settings") as SettingsInternals;

  const registrations: Registration[] = [];
  const mocks: pulumi.runtime.Mocks = {
    // The program sees its inputs echoed as outputs and an id derived from the name. (In a
    // real preview the engine echoes the provider's *checked* inputs: test/members/preview-outputs.)
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  };
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const preview = options.preview ?? false;
  await pulumi.runtime.setMocks(mocks, project, stack, preview);
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const inputs = fromStruct(request.getObject());
    return register(request, (error, response) => {
      if (response) {
        registrations.push({
          urn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          parent: request.getParent(),
          dependencies: request.getDependenciesList(),
          ...(request.getRetainondelete() === true ? { retainOnDelete: true as const } : {}),
          inputs,
        });
      }
      callback(error, response);
    });
  };
  setStackConfig(options.config ?? {});

  await program();
  await settings.waitForRPCs();
  return registrations;
}

function setStackConfig(config: Record<string, unknown>): void {
  const plain: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const raw = isSecret(value) ? value.value : value;
    if (isSecret(value)) secretKeys.push(key);
    // Stack config reaches a program as strings; structured values as their JSON text.
    plain[key] = typeof raw === "string" ? raw : JSON.stringify(raw);
  }
  pulumi.runtime.setAllConfig(plain, secretKeys);
}

/** The registration of the one resource named `name`; fails naming what was registered. */
export function registrationNamed(registrations: Registration[], name: string): Registration {
  const found = registrations.filter((r) => r.name === name);
  if (found.length !== 1) {
    const names = registrations.map((r) => r.name).join(", ") || "none";
    throw new Error(`expected one registration named "${name}", found ${found.length} (registered: ${names})`);
  }
  return found[0]!;
}

/** How {@link captureRegistrationsInProcess} runs the program. */
export interface ProcessCaptureOptions extends CaptureOptions {
  /** The program's working directory: its project directory, as under `pulumi up`. */
  cwd: string;
}

/**
 * Runs a program module in a separate, plain Node process (as Pulumi's language host
 * does) and returns its registrations. The module's default export (or the module itself) is
 * the program function; `options.config` and the rest apply as in
 * {@link captureRegistrations}.
 *
 * Use it when the serialized `__provider` must be exactly what a user's `pulumi up`
 * produces: Pulumi's serializer captures modules found in Node's `require.cache` under
 * `node_modules` *by reference* (a `require()` in the text), and jest's module registry
 * hides those modules from it, so in-test captures serialize them by value instead.
 */
export async function captureRegistrationsInProcess(
  programPath: string,
  options: ProcessCaptureOptions,
): Promise<Registration[]> {
  const { cwd, ...captureOptions } = options;
  const scratch = mkdtempSync(join(tmpdir(), "capture-"));
  try {
    const requestPath = join(scratch, "request.json");
    const output = join(scratch, "registrations.json");
    writeFileSync(requestPath, JSON.stringify({ program: programPath, output, options: captureOptions }));
    const child = spawnSync(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), join(__dirname, "capture-child.ts"), requestPath],
      { cwd, encoding: "utf8", env: { ...process.env, PULUMI_CONFIG: undefined } },
    );
    if (child.status !== 0) {
      throw new Error(`program ${programPath} failed (exit ${child.status}):\n${child.stderr}${child.stdout}`);
    }
    return JSON.parse(readFileSync(output, "utf8")) as Registration[];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
