import { REPO_ROOT, ensureBuilt } from "./build";
import { startPlugin, type PluginProcess } from "./plugin";
import { secret } from "./struct";

/**
 * Pulumi's plugin, started in this checkout (built first if need be) and configured as a
 * stack pointing at an emulator would be: its URL, and its key as a secret. `config` adds or
 * overrides stack config values.
 */
export async function startPluginAgainst(
  emulator: { url: string; managementKey: string },
  config: Record<string, unknown> = {},
): Promise<PluginProcess> {
  await ensureBuilt();
  const plugin = await startPlugin({ cwd: REPO_ROOT });
  await plugin.configure({
    "openrouter:managementKey": secret(emulator.managementKey),
    "openrouter:baseUrl": emulator.url,
    ...config,
  });
  return plugin;
}
