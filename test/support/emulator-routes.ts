/**
 * What every emulator route shares, asserted route by route: the management key is needed
 * (none 401, an inference key 403), faults come before authentication, random faults and
 * the rate limit reach it, and the request log names it. Each new route's test file runs
 * these for its routes, so a route left out of `ROUTES` or of the fault plan fails there.
 */
import type { Emulator, RouteName } from "../../provider/testing";
import { call, errorShape } from "./emulator-http";

/** One route to exercise: a request that succeeds with the management key. */
export interface RouteCase {
  route: RouteName;
  /** The path after `/api/v1`. */
  path: () => string;
  body?: () => unknown;
}

const methodOf = (route: RouteName): string => route.slice(0, route.indexOf(" "));

/** Declares the shared route tests for `cases` against the emulator `current()` returns. */
export function describeRouteBasics(current: () => Emulator, cases: () => RouteCase[]): void {
  const each = async (check: (emulator: Emulator, routeCase: RouteCase, send: (key?: string | null) => ReturnType<typeof call>) => Promise<void>) => {
    const emulator = current();
    for (const routeCase of cases()) {
      const send = (key?: string | null) =>
        call(emulator, methodOf(routeCase.route), routeCase.path(), { body: routeCase.body?.(), key });
      try {
        await check(emulator, routeCase, send);
      } finally {
        emulator.faults.clear();
        emulator.configure({ randomFaults: null, rateLimit: null });
      }
    }
  };

  describe("like every route", () => {
    it("needs the management key: 401 without one, 403 for an inference key, 200 with it", async () => {
      await each(async (emulator, { route }, send) => {
        expect([route, (await send(null)).status]).toEqual([route, 401]);
        const inference = await send(emulator.inferenceKey);
        expect([route, inference.status]).toEqual([route, 403]);
        expect(inference.json).toEqual(errorShape(403, /management key/));
        expect([route, (await send()).status]).toEqual([route, 200]);
      });
    });

    it("is logged under its route name", async () => {
      await each(async (emulator, { route }, send) => {
        emulator.log.clear();
        await send();
        expect(emulator.log.entries.map((entry) => entry.route)).toEqual([route]);
      });
    });

    it("meets a scripted fault for its name, before authentication", async () => {
      await each(async (emulator, { route }, send) => {
        emulator.faults.add({ route, status: 503 });
        emulator.log.clear();
        const reply = await send(null);
        expect([route, reply.status]).toEqual([route, 503]);
        expect(reply.json).toEqual(errorShape(503, "Service Unavailable"));
        expect(emulator.log.entries.at(-1)).toMatchObject({ route, fault: "script:503" });
      });
    });

    it("meets random faults chosen for it, and the rate limit", async () => {
      await each(async (emulator, { route }, send) => {
        emulator.configure({ randomFaults: { rate: 1, kinds: ["502"], routes: [route] } });
        expect([route, (await send()).status]).toEqual([route, 502]);
        emulator.configure({ randomFaults: null, rateLimit: { requests: 1, windowMs: 60_000 } });
        expect([route, (await send()).status]).toEqual([route, 200]);
        const limited = await send();
        expect([route, limited.status]).toEqual([route, 429]);
        expect(limited.headers.get("retry-after")).not.toBeNull();
      });
    });
  });
}
