// One GraphQL call to one partner over HTTP, with a deadline (used by the gateway and by the
// catalogue's harvester). Node's fetch (undici) keeps connections to each partner alive between
// requests. Retries are deliberately absent: a fetch the gateway repeats could repeat a write; a
// slow partner is answered without, not retried.
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";

export interface PartnerRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export class PartnerCallError extends Error {
  constructor(
    message: string,
    readonly reason: "timeout" | "unreachable" | "bad_response",
  ) {
    super(message);
  }
}

export async function callPartner(url: string, body: PartnerRequest, timeoutMs: number, headers: Record<string, string> = {}): Promise<GatewayGraphQLResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error;
    if (err.name === "TimeoutError" || err.name === "AbortError") {
      throw new PartnerCallError(`no answer within ${timeoutMs} ms`, "timeout");
    }
    throw new PartnerCallError(`unreachable (${(err.cause as Error | undefined)?.message ?? err.message})`, "unreachable");
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch (e) {
    const err = e as Error;
    if (err.name === "TimeoutError" || err.name === "AbortError") throw new PartnerCallError(`no answer within ${timeoutMs} ms`, "timeout");
    throw new PartnerCallError(`answered HTTP ${response.status} without a GraphQL body`, "bad_response");
  }
  if (!parsed || typeof parsed !== "object" || (!("data" in parsed) && !("errors" in parsed))) {
    throw new PartnerCallError(`answered HTTP ${response.status} without a GraphQL body`, "bad_response");
  }
  return parsed as GatewayGraphQLResponse;
}
