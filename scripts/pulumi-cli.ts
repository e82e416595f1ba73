/**
 * `npm run pulumi-cli`: builds the Pulumi CLI, pinned to the `@pulumi/pulumi` release this
 * project tests with, and this repository's stand-in Node.js language host, from the Go
 * module in `tools/pulumi-cli`, into `.cache/pulumi-cli/<version>/` (git-ignored).
 *
 * Idempotent: a build whose sources (that module's files, the SDK's dynamic-provider launcher
 * copied beside the CLI, and the Go version) are unchanged is
 * reused, and says so. Go's own build cache makes a rebuild on the same machine (a fresh clone,
 * say) a matter of linking. Every step is printed; a failure names the step and shows the end
 * of Go's output.
 *
 * `PULUMI_CLI=/path/to/pulumi` points the e2e suite and the demo at an existing install
 * instead; it then brings its own, real, language host. {@link findPulumiCli} is how they
 * find a CLI.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve } from "node:path";

const REPO_ROOT = resolve(__dirname, "..");
/** The wrapper module: its go.mod pins the CLI; `language-nodejs/` is the stand-in host. */
export const TOOLS_MODULE = join(REPO_ROOT, "tools", "pulumi-cli");
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const STAND_IN_HOST = "pulumi-language-nodejs";
/**
 * The launcher of Pulumi's Node.js dynamic-provider plugin, a script that ships in the SDK.
 * Pulumi's release archives put it beside `pulumi`; so does this build, because the CLI takes
 * a plugin found there as its own, and warns on every command about one found only on PATH.
 */
const DYNAMIC_PROVIDER_LAUNCHER = "pulumi-resource-pulumi-nodejs";
const launcherSource = (): string => join(dirname(require.resolve("@pulumi/pulumi/package.json")), DYNAMIC_PROVIDER_LAUNCHER);

/** A Pulumi CLI to run, and where its Node.js language host comes from. */
export interface PulumiCli {
  /** Absolute path of the `pulumi` binary. */
  path: string;
  /** What `pulumi version` printed, e.g. `v3.248.0`. */
  version: string;
  /** One line for people: which language host runs the programs, and why. */
  languageHost: string;
  /**
   * Directories to put first on `PATH`: the CLI's own (it looks for language hosts there and
   * on `PATH`).
   */
  pathDirectories: string[];
}

/** The CLI release pinned in `tools/pulumi-cli/go.mod` (`v3.248.0`). */
export function pinnedVersion(): string {
  const goMod = readFileSync(join(TOOLS_MODULE, "go.mod"), "utf8");
  const pinned = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/m.exec(goMod)?.[1];
  if (!pinned) throw new Error(`${join(TOOLS_MODULE, "go.mod")} does not require github.com/pulumi/pulumi/pkg/v3`);
  return pinned;
}

/** Where `npm run pulumi-cli` puts the binaries of the pinned version. */
export function cacheDirectory(version = pinnedVersion()): string {
  return join(REPO_ROOT, ".cache", "pulumi-cli", version);
}

/**
 * The CLI the e2e suite and `npm run demo -- --cli` use: `PULUMI_CLI` when set (it must
 * exist), else the one `npm run pulumi-cli` built, if its build is current. Returns a reason
 * instead when there is none.
 */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): PulumiCli | { missing: string } {
  const given = env.PULUMI_CLI;
  if (given) {
    const path = resolve(given);
    if (!isExecutable(path)) return { missing: `PULUMI_CLI=${given}: no executable file there` };
    const host = findOnPath(STAND_IN_HOST, [dirname(path), ...(env.PATH ?? "").split(delimiter)]);
    if (!host) return { missing: `PULUMI_CLI=${given}: no ${STAND_IN_HOST} beside it or on PATH` };
    return { path, version: versionOf(path), languageHost: `${host} (installed with the CLI)`, pathDirectories: [dirname(path)] };
  }
  const built = currentBuild();
  if (built) return built;
  return { missing: `no Pulumi CLI: run \`npm run pulumi-cli\` to build ${pinnedVersion()} here, or set PULUMI_CLI=/path/to/pulumi` };
}

/** The cached build, when its stamp says it was built from today's sources. */
function currentBuild(): PulumiCli | undefined {
  const dir = cacheDirectory();
  const stamp = join(dir, "stamp.json");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== stampText()) return undefined;
  const path = join(dir, "pulumi");
  if (![path, join(dir, STAND_IN_HOST), join(dir, DYNAMIC_PROVIDER_LAUNCHER)].every(isExecutable)) return undefined;
  return {
    path,
    version: versionOf(path),
    languageHost: `${join(dir, STAND_IN_HOST)}: this repository's stand-in (tools/pulumi-cli/language-nodejs), as Pulumi's own cannot be fetched here`,
    pathDirectories: [dir],
  };
}

/** What a build depends on: the wrapper module's files and the Go toolchain. */
function stampText(): string {
  const hash = createHash("sha256");
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  for (const file of files(TOOLS_MODULE).sort()) hash.update(relative(TOOLS_MODULE, file)).update(readFileSync(file));
  hash.update(readFileSync(launcherSource()));
  hash.update(goVersion());
  return `${JSON.stringify({ version: pinnedVersion(), sources: hash.digest("hex") }, null, 2)}\n`;
}

function goVersion(): string {
  try {
    return execFileSync("go", ["version"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Go is not on PATH (the CLI builds with Go 1.25 or later; on these machines it is /usr/local/go/bin/go)");
  }
}

function versionOf(cli: string): string {
  return execFileSync(cli, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, directories: string[]): string | undefined {
  return directories.filter(Boolean).map((dir) => join(dir, name)).find(isExecutable);
}

/**
 * Builds the CLI and the stand-in host unless a current build is cached; returns the CLI.
 * Each binary is built under a temporary name and renamed, so an interrupted build is never
 * taken for a finished one.
 */
export function buildPulumiCli(log: (line: string) => void): PulumiCli {
  const version = pinnedVersion();
  const dir = cacheDirectory(version);
  const cached = currentBuild();
  if (cached) {
    log(`reusing ${dir} (${cached.version}, built from the current tools/pulumi-cli)`);
    return cached;
  }
  log(`${goVersion()}; building into ${dir}`);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, "stamp.json"), { force: true });
  goBuild(log, `the Pulumi CLI ${version} (${CLI_PACKAGE}; the first build on a machine takes several minutes)`, join(dir, "pulumi"), [
    "-ldflags",
    `-X ${VERSION_VARIABLE}=${version}`,
    CLI_PACKAGE,
  ]);
  goBuild(log, `${STAND_IN_HOST}, the stand-in Node.js language host`, join(dir, STAND_IN_HOST), [
    "-ldflags",
    `-X main.version=${version}`,
    "./language-nodejs",
  ]);
  copyFileSync(launcherSource(), join(dir, DYNAMIC_PROVIDER_LAUNCHER));
  log(`copied ${DYNAMIC_PROVIDER_LAUNCHER} from @pulumi/pulumi beside it, where Pulumi's own releases ship it`);
  writeFileSync(join(dir, "stamp.json"), stampText());
  const built = currentBuild();
  if (!built) throw new Error(`the build finished but ${dir} does not hold a usable CLI`);
  if (built.version !== version) throw new Error(`${built.path} says it is ${built.version}, not ${version}`);
  return built;
}

function goBuild(log: (line: string) => void, what: string, output: string, args: string[]): void {
  log(`building ${what}`);
  const started = performance.now();
  const partial = `${output}.partial`;
  const run = spawnSync("go", ["build", "-o", partial, ...args], { cwd: TOOLS_MODULE, encoding: "utf8" });
  if (run.status !== 0) {
    rmSync(partial, { force: true });
    const tail = `${run.stderr ?? ""}${run.stdout ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`go build of ${what} failed (${run.error?.message ?? `exit ${run.status}`}):\n${tail}`);
  }
  renameSync(partial, output);
  log(`built ${output} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) {
  const log = (line: string): void => console.log(`pulumi-cli: ${line}`);
  try {
    if (process.env.PULUMI_CLI) {
      const found = findPulumiCli();
      if ("missing" in found) throw new Error(found.missing);
      log(`PULUMI_CLI is set: using ${found.path} (${found.version}); nothing to build`);
    } else {
      const cli = buildPulumiCli(log);
      log(`ready: ${cli.path} (${cli.version})`);
      log(`language host: ${cli.languageHost}`);
    }
  } catch (error) {
    console.error(`pulumi-cli: FAILED: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
