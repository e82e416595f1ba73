import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { Emulator } from "../../provider/testing";
import type { PulumiCli } from "../../scripts/pulumi-cli";
import { REPO_ROOT, ensureBuilt } from "../engine/harness/build";
import { installFromCache, packInto } from "../engine/harness/project";

/** The example stacks under `examples/`. */
export type ExampleName = "quickstart" | "exclusive" | "gitops";
const EXAMPLES: ExampleName[] = ["quickstart", "exclusive", "gitops"];
const STACK = "e2e";
/** Encrypts the stacks' secrets; known to the suite only. */
const PASSPHRASE = "e2e-only-passphrase";

/** What one `pulumi` command did. */
export interface CliResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr: what a person at the terminal reads. */
  output: string;
  ms: number;
}

/**
 * One folder for a whole e2e run: this package packed and installed once, as a user's
 * `npm install` would install it (with the `@pulumi/pulumi`, TypeScript and Node types the
 * examples ask for), and every case's stack in a subfolder of it, where Node finds that
 * install by walking up. Pulumi's dynamic-provider plugin then loads the provider from a
 * real `node_modules/pulumi-openrouter`, as on a user's machine.
 */
export class StackFarm {
  private constructor(
    readonly root: string,
    readonly cli: PulumiCli,
    /** How long packing and installing took. */
    readonly installMs: number,
  ) {}

  static async create(cli: PulumiCli): Promise<StackFarm> {
    const started = performance.now();
    await ensureBuilt();
    const root = realpathSync(mkdtempSync(join(tmpdir(), "pulumi-openrouter-e2e-")));
    writeFileSync(join(root, "package.json"), JSON.stringify(farmPackage(await packInto(root)), null, 2));
    await installFromCache(root, ["--no-package-lock"]);
    return new StackFarm(root, cli, performance.now() - started);
  }

  /** Deletes the folder: the package's install and every stack in it. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A copy of an example in its own folder, with its own local backend, not yet initialised. */
  async stack(example: ExampleName, name: string, emulator: Emulator): Promise<CliStack> {
    const dir = join(this.root, name);
    cpSync(join(REPO_ROOT, "examples", example), dir, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|package-lock\.json)$/.test(source),
    });
    const backend = join(this.root, ".backends", name);
    mkdirSync(backend, { recursive: true });
    const stack = new CliStack(dir, backend, this.cli.path, this.environment(backend), emulator);
    await stack.pulumi(["stack", "init", STACK]);
    await stack.pulumi(["config", "set", "openrouter:baseUrl", emulator.url]);
    // On stdin, so that the key is in no command line.
    await stack.pulumi(["config", "set", "--secret", "openrouter:managementKey"], { input: emulator.managementKey });
    return stack;
  }

  private environment(backend: string): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(OPENROUTER_|PULUMI_)/.test(key)));
    return {
      ...inherited,
      PATH: [
        ...this.cli.pathDirectories,
        // pulumi-resource-pulumi-nodejs, for a CLI without it beside it: the SDK ships it too.
        join(this.root, "node_modules", "@pulumi", "pulumi"),
        dirname(process.execPath),
        process.env.PATH ?? "",
      ].join(delimiter),
      PULUMI_HOME: join(this.root, ".pulumi-home"),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
  }
}

/** The examples' dependencies (they all ask for the same), with this package from its tarball. */
function farmPackage(tarball: string): object {
  const dependencies: Record<string, string> = {};
  const devDependencies: Record<string, string> = {};
  for (const example of EXAMPLES) {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "examples", example, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    Object.assign(dependencies, manifest.dependencies);
    Object.assign(devDependencies, manifest.devDependencies);
  }
  return { name: "e2e-stacks", private: true, dependencies: { ...dependencies, "pulumi-openrouter": `file:${tarball}` }, devDependencies };
}

/** An example stack in its own folder, run by the real `pulumi` CLI. */
export class CliStack {
  /** Every command this stack ran, in order, with what it printed. */
  readonly history: CliResult[] = [];

  constructor(
    readonly dir: string,
    /** The local backend's folder: state, history and backups. */
    readonly backend: string,
    private readonly cliPath: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly emulator: Emulator,
  ) {}

  /**
   * Runs `pulumi <args>` in the stack's folder without colour or prompts. Fails when the exit
   * code is not the expected one (0 unless `fails`), showing everything it printed.
   */
  async pulumi(args: string[], options: { fails?: boolean; input?: string } = {}): Promise<CliResult> {
    const result = await spawnCli(this.cliPath, args, this.dir, this.env, options.input);
    this.history.push(result);
    // Kept with the stack, for a person to read when a case fails (the run then keeps its folder).
    appendFileSync(join(this.dir, "e2e-commands.log"), `$ ${result.command}  (exit ${result.code}, ${Math.round(result.ms)} ms)\n${result.output}\n`);
    const failed = result.code !== 0;
    if (failed !== (options.fails ?? false)) {
      throw new Error(`\`${result.command}\` ${failed ? `exited ${result.code}` : "succeeded, but it should have failed"}:\n${result.output}`);
    }
    return result;
  }

  preview(options: { fails?: boolean } = {}): Promise<CliResult> {
    return this.pulumi(["preview", "--diff"], options);
  }

  up(options: { fails?: boolean } = {}): Promise<CliResult> {
    return this.pulumi(["up", "--yes", "--diff"], options);
  }

  refresh(): Promise<CliResult> {
    return this.pulumi(["refresh", "--yes", "--diff"]);
  }

  destroy(): Promise<CliResult> {
    return this.pulumi(["destroy", "--yes"]);
  }

  /** `pulumi stack export`: the deployment as the CLI hands it out. */
  async exportState(): Promise<{ text: string; deployment: Deployment }> {
    const { stdout } = await this.pulumi(["stack", "export"]);
    return { text: stdout, deployment: (JSON.parse(stdout) as { deployment: Deployment }).deployment };
  }

  /** The resource of this type and name in the exported deployment. */
  async resource(type: string, name: string): Promise<DeployedResource | undefined> {
    const { deployment } = await this.exportState();
    return deployment.resources?.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
  }

  /** Rewrites a file of the stack's program. */
  edit(file: string, change: (text: string) => string): void {
    const path = join(this.dir, file);
    const before = readFileSync(path, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`editing ${file} changed nothing`);
    writeFileSync(path, after);
  }

  /** Every file the local backend and the stack's folder hold (state, history, backups, config), as text. */
  filesOnDisk(): { path: string; text: string }[] {
    return [...walk(this.backend), ...readdirSync(this.dir).filter((f) => f.startsWith("Pulumi.")).map((f) => join(this.dir, f))].map(
      (path) => ({ path, text: readFileSync(path, "utf8") }),
    );
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A checkpoint's deployment, as far as the suite reads it. */
export interface Deployment {
  resources?: DeployedResource[];
}

export interface DeployedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

function spawnCli(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  const fullArgs = [...args, "--color", "never", "--non-interactive"];
  const command = `pulumi ${args.join(" ")}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cli, fullArgs, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ command, code, stdout, stderr, output: `${stdout}${stderr}`, ms: performance.now() - started }),
    );
    child.stdin.end(input ?? "");
  });
}
