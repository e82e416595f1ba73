import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, ensureBuilt } from "./build";

const run = promisify(execFile);

/** A temporary Pulumi project with this package installed from its own `npm pack` tarball. */
export interface PackedProject {
  /** The project's directory: run the program and the plugin here. */
  dir: string;
  /** The tarball that was installed. */
  tarball: string;
  /** Deletes the project and the tarball. */
  remove(): void;
}

/**
 * Builds the package, packs it with `npm pack`, and installs the tarball into a new project
 * in a temporary directory, as a user's stack would hold it: the serialized provider's
 * `require("pulumi-openrouter/...")` then resolves through `node_modules`.
 *
 * The package's own dependencies (undici, zod) come from the npm cache (`--offline`, which
 * `npm ci` has filled), falling back to the registry only if the cache lacks them. The
 * project's `@pulumi/pulumi` is this checkout's, linked in after the install, so the program
 * and the plugin share the tested version and nothing else needs the network.
 */
export async function createPackedProject(program: { file: string; source: string }): Promise<PackedProject> {
  await ensureBuilt();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "pulumi-openrouter-stack-")));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const tarball = await packInto(dir);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "tarball-stack", private: true, main: program.file }, null, 2),
    );
    writeFileSync(join(dir, "Pulumi.yaml"), "name: tarball-stack\nruntime: nodejs\n");
    writeFileSync(join(dir, program.file), program.source);
    // The peer @pulumi/pulumi is linked afterwards; npm must neither fetch it nor prune it.
    await installFromCache(dir, [tarball, "--legacy-peer-deps"]);
    symlinkSync(join(REPO_ROOT, "node_modules", "@pulumi"), join(dir, "node_modules", "@pulumi"), "dir");
    return { dir, tarball, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Packs this package (already built) into `dir`; returns the tarball's path. */
export async function packInto(dir: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT });
  return join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
}

/**
 * `npm install <args>` in `dir` from npm's cache (`--offline`, which `npm ci` of this
 * repository has filled), falling back to the registry only if the cache lacks something.
 */
export async function installFromCache(dir: string, args: string[]): Promise<void> {
  const install = ["install", ...args, "--no-audit", "--no-fund", "--ignore-scripts"];
  try {
    await run("npm", [...install, "--offline"], { cwd: dir });
  } catch {
    await run("npm", [...install, "--prefer-offline"], { cwd: dir });
  }
}
