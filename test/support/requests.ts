/** The emulator's request log read step by step, as the lifecycle and plugin suites assert it. */
import type { Emulator } from "../../provider/testing";

/** The emulator's requests since the last call, as "ROUTE xN" for bulk calls; clears the log. */
export function takeRequests(emulator: Emulator): string[] {
  const requests = emulator.log.entries.map((e) => (e.userIdsCount === undefined ? `${e.route}` : `${e.route} x${e.userIdsCount}`));
  emulator.log.clear();
  return requests;
}
