import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderProto from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusProto from "@pulumi/pulumi/proto/status_pb";
import {
  fromStruct,
  isSecret,
  loadFromPulumi,
  revealSecrets,
  toStruct,
  type PropertyMap,
} from "./struct";

/* eslint-disable @typescript-eslint/no-require-imports -- Pulumi's generated code, typed by their .d.ts */
const providerProto = require("@pulumi/pulumi/proto/provider_pb") as typeof ProviderProto;
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof ProviderGrpc;
const statusProto = require("@pulumi/pulumi/proto/status_pb") as typeof StatusProto;
/* eslint-enable @typescript-eslint/no-require-imports */
const grpcJs = loadFromPulumi<typeof grpc>("@grpc/grpc-js");

/** Where {@link startPlugin} finds the plugin the Pulumi CLI runs for Node dynamic providers. */
export const DYNAMIC_PROVIDER_PLUGIN = join(
  dirname(require.resolve("@pulumi/pulumi/package.json")),
  "cmd",
  "dynamic-provider",
  "index.js",
);

/** How to run the plugin. */
export interface PluginOptions {
  /**
   * The plugin's working directory: the Pulumi project's directory, as under the CLI. The
   * serialized provider's `require()` calls resolve from here.
   */
  cwd: string;
  /**
   * The plugin's whole environment. Defaults to this process's environment without
   * `OPENROUTER_*` and `PULUMI_*` variables, so configuration reaches the provider only
   * through {@link PluginProcess.configure} unless a test says otherwise.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * The plugin's entry script. Defaults to {@link DYNAMIC_PROVIDER_PLUGIN}, this checkout's;
   * a temporary project passes its own `node_modules/@pulumi/pulumi/cmd/dynamic-provider`.
   */
  plugin?: string;
  /** How long to wait for the plugin to print its port. Default 20 s. */
  startTimeoutMs?: number;
}

/** The engine's answer to a diff, decoded from `DiffResponse`. */
export interface DiffAnswer {
  changes: "some" | "none" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** One check failure, as the engine would print it next to the property. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** The engine's view of a `Check` answer. */
export interface CheckAnswer {
  /** The checked inputs; the plugin puts `__provider` back in. */
  inputs: PropertyMap;
  failures: CheckFailure[];
}

/**
 * "Resource initialization failed": a create or update that went partly through. The engine
 * stores {@link properties} as the resource's state, exactly as given, under {@link id}, and
 * the CLI prints {@link reasons} (`1 error occurred: * <reason>`), never the message.
 */
export class ResourceInitError extends Error {
  override readonly name = "ResourceInitError";
  constructor(
    readonly method: "create" | "update",
    message: string,
    readonly id: string,
    readonly properties: PropertyMap,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

/** Any other failed call: the provider threw, or the plugin could not run the method. */
export class PluginCallError extends Error {
  override readonly name = "PluginCallError";
  constructor(
    readonly method: string,
    /** The gRPC status code (2, UNKNOWN, for errors the provider threw). */
    readonly code: number,
    /** The error's text as the engine would show it. */
    readonly details: string,
  ) {
    super(`${method} failed: ${details}`);
  }
}

/**
 * A running `@pulumi/pulumi/cmd/dynamic-provider` process and a gRPC client connected to it,
 * with one typed method per provider call the engine makes for a dynamic resource.
 *
 * Values go in and come out as plain objects; each crosses a protobuf `Struct` exactly as
 * between the engine and the plugin (see `./struct`). Secrets in what a test passes are
 * revealed first, as the engine does for this plugin (it answers `acceptSecrets: false`),
 * except in {@link configure}, whose arguments the engine sends with secrets kept.
 */
export class PluginProcess {
  private stdoutText = "";
  private stderrText = "";
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ProviderGrpc.ResourceProviderClient,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Internal: use {@link startPlugin}. */
  static async start(options: PluginOptions): Promise<PluginProcess> {
    const env = options.env ?? scrubbedEnvironment();
    // The CLI passes the engine's gRPC address; this plugin only checks that one is there
    // and never dials it (it logs to stderr), so any address does.
    const child = spawn(process.execPath, [options.plugin ?? DYNAMIC_PROVIDER_PLUGIN, "127.0.0.1:1"], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(`printed no port within ${options.startTimeoutMs ?? 20000} ms`),
        options.startTimeoutMs ?? 20000,
      );
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`dynamic-provider plugin ${why}; stderr:\n${stderr}`));
      };
      child.once("error", (error) => fail(`did not start (${error.message})`));
      child.once("exit", (code) => fail(`exited with code ${code}`));
      child.stdout!.on("data", () => {
        const line = /^(\d+)\r?\n/.exec(stdout);
        if (!line) return;
        clearTimeout(timer);
        child.removeAllListeners("exit");
        child.removeAllListeners("error");
        resolve(Number(line[1]));
      });
    });

    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpcJs.credentials.createInsecure(),
    );
    const plugin = new PluginProcess(child, client);
    plugin.stdoutText = stdout;
    plugin.stderrText = stderr;
    child.stdout!.removeAllListeners("data");
    child.stderr!.removeAllListeners("data");
    child.stdout!.on("data", (chunk: string) => (plugin.stdoutText += chunk));
    child.stderr!.on("data", (chunk: string) => (plugin.stderrText += chunk));
    return plugin;
  }

  /** The plugin's process id (for /proc readings such as peak memory). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything the plugin wrote to stdout so far (its port first). */
  get stdout(): string {
    return this.stdoutText;
  }

  /** Everything the plugin wrote to stderr so far: the provider's logs and stack traces. */
  get stderr(): string {
    return this.stderrText;
  }

  /**
   * Sends the stack config, as the engine configures the dynamic provider: every key of the
   * stack (`"<namespace>:<key>"`), secrets in their wire form in `args` (wrap them with
   * `secret()`), plain text in `variables`. The plugin hands it to the provider's
   * `configure` when it first loads a serialized provider.
   */
  async configure(config: Record<string, unknown>): Promise<void> {
    const request = new providerProto.ConfigureRequest();
    request.setArgs(toStruct(config));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) {
      const plain = isSecret(value) ? value.value : value;
      variables.set(key, typeof plain === "string" ? plain : JSON.stringify(plain));
    }
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    await this.call<ProviderProto.ConfigureRequest, ProviderProto.ConfigureResponse>("configure", request);
  }

  /** `Check`: `olds` are the inputs recorded in state (`{}` on create), `news` the program's. */
  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckAnswer> {
    const request = addressed(new providerProto.CheckRequest(), urn);
    request.setOlds(wire(olds));
    request.setNews(wire(news));
    const response = await this.call<ProviderProto.CheckRequest, ProviderProto.CheckResponse>("check", request);
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** `Diff`: `olds` are the recorded *outputs*, `news` the checked inputs. */
  async diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap = {},
  ): Promise<DiffAnswer> {
    const request = addressed(new providerProto.DiffRequest(), urn);
    request.setId(id);
    request.setOlds(wire(olds));
    request.setNews(wire(news));
    request.setOldInputs(wire(oldInputs));
    const response = await this.call<ProviderProto.DiffRequest, ProviderProto.DiffResponse>("diff", request);
    const Changes = providerProto.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === Changes.DIFF_SOME ? "some" : changes === Changes.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /**
   * `Create` with the checked inputs. Answers the id and the outputs (with `__provider`);
   * throws {@link ResourceInitError} for a partial create, {@link PluginCallError} otherwise.
   */
  async create(urn: string, properties: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
    const request = addressed(new providerProto.CreateRequest(), urn);
    request.setProperties(wire(properties));
    const response = await this.call<ProviderProto.CreateRequest, ProviderProto.CreateResponse>("create", request);
    return { id: response.getId(), properties: fromStruct(response.getProperties()) };
  }

  /**
   * `Read` (refresh): `properties` are the recorded outputs, `inputs` the recorded inputs.
   * An empty `id` in the answer means the resource is gone. `inputs` is present only when
   * the provider returned some; the engine then records them in place of the old ones.
   */
  async read(
    id: string,
    urn: string,
    properties: PropertyMap,
    inputs: PropertyMap,
  ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
    const request = addressed(new providerProto.ReadRequest(), urn);
    request.setId(id);
    request.setProperties(wire(properties));
    request.setInputs(wire(inputs));
    const response = await this.call<ProviderProto.ReadRequest, ProviderProto.ReadResponse>("read", request);
    const answer: { id: string; properties: PropertyMap; inputs?: PropertyMap } = {
      id: response.getId(),
      properties: fromStruct(response.getProperties()),
    };
    if (response.hasInputs()) answer.inputs = fromStruct(response.getInputs());
    return answer;
  }

  /**
   * `Update`: `olds` are the recorded outputs, `news` the checked inputs. Answers the new
   * outputs; throws {@link ResourceInitError} for a partial update.
   */
  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap = {},
  ): Promise<{ properties: PropertyMap }> {
    const request = addressed(new providerProto.UpdateRequest(), urn);
    request.setId(id);
    request.setOlds(wire(olds));
    request.setNews(wire(news));
    request.setOldInputs(wire(oldInputs));
    const response = await this.call<ProviderProto.UpdateRequest, ProviderProto.UpdateResponse>("update", request);
    return { properties: fromStruct(response.getProperties()) };
  }

  /** `Delete` with the recorded outputs (all the provider gets besides the id). */
  async delete(id: string, urn: string, properties: PropertyMap, oldInputs: PropertyMap = {}): Promise<void> {
    const request = addressed(new providerProto.DeleteRequest(), urn);
    request.setId(id);
    request.setProperties(wire(properties));
    request.setOldInputs(wire(oldInputs));
    await this.call("delete", request);
  }

  /** Closes the connection and ends the process; resolves with its exit code. */
  async stop(): Promise<number | null> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    return this.exited;
  }

  private call<Request, Response>(method: string, request: Request): Promise<Response> {
    const invoke = (this.client as unknown as Record<string, UnaryMethod<Request, Response>>)[method]!;
    return new Promise((resolve, reject) => {
      invoke.call(this.client, request, (error, response) => {
        if (error) reject(decodeError(method, error));
        else resolve(response!);
      });
    });
  }
}

type UnaryMethod<Request, Response> = (
  request: Request,
  callback: (error: grpc.ServiceError | null, response?: Response) => void,
) => unknown;

/** Spawns Pulumi's dynamic-provider plugin as the CLI does and connects to it. */
export function startPlugin(options: PluginOptions): Promise<PluginProcess> {
  return PluginProcess.start(options);
}

function wire(properties: PropertyMap): ReturnType<typeof toStruct> {
  return toStruct(revealSecrets(properties) as PropertyMap);
}

function decodeError(method: string, error: grpc.ServiceError): Error {
  // The plugin packs a partial create/update into google.rpc.Status details, sent in the
  // `grpc-status-details-bin` trailer, the way Go gRPC servers do natively.
  for (const raw of error.metadata?.get("grpc-status-details-bin") ?? []) {
    const status = statusProto.Status.deserializeBinary(new Uint8Array(raw as Buffer));
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const failure = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return new ResourceInitError(
        method as "create" | "update",
        status.getMessage(),
        failure.getId(),
        fromStruct(failure.getProperties()),
        failure.getReasonsList(),
      );
    }
  }
  return new PluginCallError(method, error.code, error.details);
}

function scrubbedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(OPENROUTER_|PULUMI_)/.test(key)),
  );
}

/**
 * Sets the URN, and the name and type the engine sends beside it, as every resource call
 * carries them. Older `@pulumi/pulumi` releases' protocol has no name and type fields (their
 * engines sent none), so those are set only where the message has them.
 */
function addressed<R extends { setUrn(urn: string): unknown; setName?(name: string): unknown; setType?(type: string): unknown }>(
  request: R,
  urn: string,
): R {
  request.setUrn(urn);
  request.setName?.(nameOf(urn));
  request.setType?.(typeOf(urn));
  return request;
}

function nameOf(urn: string): string {
  return urn.split("::").at(-1) ?? "";
}

function typeOf(urn: string): string {
  return (urn.split("::")[2] ?? "").split("$").at(-1) ?? "";
}
