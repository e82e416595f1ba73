import {
  OpenRouterApiError,
  OpenRouterConfigError,
  OpenRouterError,
  OpenRouterNetworkError,
  OpenRouterResponseError,
  OpenRouterTimeoutError,
  fromResponse,
  isErrorBody,
} from "../../provider/core/errors";

describe("fromResponse (the API's error body)", () => {
  it("takes status, code, message, metadata and user ids from the documented body", () => {
    const body = JSON.stringify({
      error: { code: 403, message: "Cannot remove SCIM-managed members", metadata: { user_ids: ["user_a", "user_b"] } },
      user_id: null,
    });
    const error = fromResponse(403, body, "POST", "/workspaces/ws/members/remove");
    expect(error).toBeInstanceOf(OpenRouterApiError);
    expect(error).toBeInstanceOf(OpenRouterError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "OpenRouterApiError",
      status: 403,
      code: 403,
      serviceMessage: "Cannot remove SCIM-managed members",
      method: "POST",
      path: "/workspaces/ws/members/remove",
      userIds: ["user_a", "user_b"],
      metadata: { user_ids: ["user_a", "user_b"] },
    });
    // Pulumi prints only `message`: it must carry the service's words and the request line.
    expect(error.message).toBe("Cannot remove SCIM-managed members (403 POST /workspaces/ws/members/remove)");
  });

  it("takes a top-level user_id as the user concerned", () => {
    const error = fromResponse(400, JSON.stringify({ error: { code: 400, message: "no" }, user_id: "user_x" }), "POST", "/p");
    expect(error.userIds).toEqual(["user_x"]);
    expect(error.metadata).toBeUndefined();
  });

  it.each<[string, string, string]>([
    ["HTML from a proxy", "<html><body>Bad  Gateway</body></html>", "HTTP 502: <html><body>Bad Gateway</body></html>"],
    ["an empty body", "", "HTTP 502 with an empty body"],
    ["a JSON string", '"oops"', 'HTTP 502: "oops"'],
    ["JSON null", "null", "HTTP 502: null"],
    ["a JSON array", "[1,2]", "HTTP 502: [1,2]"],
    ["an error without a message", '{"error":{"code":502}}', 'HTTP 502: {"error":{"code":502}}'],
    ["a blank message", '{"error":{"message":"  "}}', 'HTTP 502: {"error":{"message":" "}}'],
  ])("tolerates %s", (_name, body, serviceMessage) => {
    const error = fromResponse(502, body, "GET", "/workspaces/x");
    expect(error.serviceMessage).toBe(serviceMessage);
    expect(error.code).toBe(502);
    expect(error.userIds).toBeUndefined();
    expect(error.message).toBe(`${serviceMessage} (502 GET /workspaces/x)`);
  });

  it("takes a top-level message when there is no error object", () => {
    expect(fromResponse(500, '{"message":"boom"}', "GET", "/w").serviceMessage).toBe("boom");
  });

  it("keeps a string code as sent", () => {
    expect(fromResponse(429, '{"error":{"code":"rate_limited","message":"slow down"}}', "GET", "/w").code).toBe("rate_limited");
  });

  it("explains a redirect and why it was not followed", () => {
    const error = fromResponse(302, "", "GET", "/workspaces", { location: "https://elsewhere.example/login" });
    expect(error.serviceMessage).toBe(
      "unexpected redirect to https://elsewhere.example/login, not followed so the key is never sent elsewhere; check the base URL",
    );
  });

  it("caps the body quoted in the message", () => {
    expect(fromResponse(500, "x".repeat(10_000), "GET", "/w").serviceMessage).toBe(`HTTP 500: ${"x".repeat(200)}`);
  });

  it("appends the attempts and the reason retries stopped", () => {
    const error = fromResponse(503, '{"error":{"message":"busy"}}', "GET", "/w", {
      retry: { attempts: 6, note: "retry wait budget of 60000 ms spent" },
    });
    expect(error.message).toBe("busy (503 GET /w); gave up after 6 attempts; retry wait budget of 60000 ms spent");
    expect(error.attempts).toBe(6);
    expect(fromResponse(404, "", "GET", "/w", { retry: { attempts: 1 } }).message).toBe("HTTP 404 with an empty body (404 GET /w)");
  });
});

describe("isErrorBody", () => {
  it.each<[unknown, boolean]>([
    [{ error: { code: 500, message: "x" } }, true],
    [{ error: {} }, true],
    [{ error: null }, false],
    [{ error: "x" }, false],
    [{ data: [] }, false],
    [[{ error: {} }], false],
    [null, false],
  ])("%j -> %s", (body, expected) => {
    expect(isErrorBody(body)).toBe(expected);
  });
});

describe("the other errors of the family", () => {
  it("names the timeout phase and its limit", () => {
    const error = new OpenRouterTimeoutError("headers", 30_000, { method: "GET", path: "/workspaces/x", retry: { attempts: 3 } });
    expect(error).toBeInstanceOf(OpenRouterError);
    expect(error).toMatchObject({ name: "OpenRouterTimeoutError", phase: "headers", timeoutMs: 30_000, attempts: 3 });
    expect(error.message).toBe("GET /workspaces/x: no response headers within 30000 ms (headers timeout); gave up after 3 attempts");
  });

  it("keeps the cause of a network error", () => {
    const cause = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const error = new OpenRouterNetworkError("GET /w: connection failed", { method: "GET", path: "/w", cause, code: "ECONNRESET" });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe("ECONNRESET");
  });

  it.each([OpenRouterResponseError, OpenRouterConfigError])("%p is an OpenRouterError with its own name", (ErrorClass) => {
    const error = new ErrorClass("bad");
    expect(error).toBeInstanceOf(OpenRouterError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.message).toBe("bad");
  });
});
