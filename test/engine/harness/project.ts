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
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
      cwd: REPO_ROOT,
    });
    const tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "tarball-stack", private: true, main: program.file }, null, 2),
    );
    writeFileSync(join(dir, "Pulumi.yaml"), "name: tarball-stack\nruntime: nodejs\n");
    writeFileSync(join(dir, program.file), program.source);
    await install(dir, tarball);
    symlinkSync(join(REPO_ROOT, "node_modules", "@pulumi"), join(dir, "node_modules", "@pulumi"), "dir");
    return { dir, tarball, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

async function install(dir: string, tarball: string): Promise<void> {
  // The peer @pulumi/pulumi is linked afterwards; npm must neither fetch it nor prune it.
  const args = ["install", tarball, "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps"];
  try {
    await run("npm", [...args, "--offline"], { cwd: dir });
  } catch {
    await run("npm", [...args, "--prefer-offline"], { cwd: dir });
  }
}
