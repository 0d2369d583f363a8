// One GraphQL call to one partner over HTTP, with a deadline (used by the gateway and by the
// catalogue's harvester). Retries are deliberately absent: a fetch the gateway repeats could repeat
// a write; a slow partner is answered without, not retried.
//
// Performance (scripts/bench/gateway): node:http with one keep-alive agent per partner origin, not
// the global fetch, whose WHATWG request, stream and abort-signal machinery was a third of the
// gateway's CPU under load. Each partner gets at most MAX_SOCKETS_PER_PARTNER sockets; calls beyond
// that wait for a socket, and the wait counts towards their deadline. Identical reads in flight at
// the same time can share one call (`shareInflight`), as Hive Gateway does by default.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
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

/** Sockets to one partner at most: a busy gateway cannot flood a partner, nor one partner hold them all. */
export const MAX_SOCKETS_PER_PARTNER = 32;

export interface CallOptions {
  /**
   * Reads only: while an identical call (same URL, body and headers) is in flight, wait for its
   * answer instead of asking the partner again. Each caller still parses its own copy of the
   * answer, so no two callers share objects. Never for writes: each write must reach the partner.
   */
  shareInflight?: boolean;
}

interface Target {
  send: (options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;
  options: RequestOptions;
}

// Per partner URL (a registry holds a handful), the parsed URL and its origin's keep-alive agent.
const targets = new Map<string, Target>();
const agents = new Map<string, HttpAgent>();

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target) return target;
  const parsed = new URL(url);
  const https = parsed.protocol === "https:";
  if (!https && parsed.protocol !== "http:") throw new PartnerCallError(`unreachable (unsupported protocol ${parsed.protocol})`, "unreachable");
  let agent = agents.get(parsed.origin);
  if (!agent) {
    // lifo: the most recently used sockets are reused, so idle ones age out (after `timeout`, or
    // sooner when the partner's Keep-Alive header says so) instead of meeting a server-side close.
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_PARTNER, maxFreeSockets: MAX_SOCKETS_PER_PARTNER, scheduling: "lifo" as const, timeout: 30_000 };
    agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    agents.set(parsed.origin, agent);
  }
  target = {
    send: https ? httpsRequest : httpRequest,
    options: { method: "POST", agent, protocol: parsed.protocol, hostname: parsed.hostname.replace(/^\[|\]$/g, ""), port: parsed.port, path: `${parsed.pathname}${parsed.search}` },
  };
  targets.set(url, target);
  return target;
}

interface RawAnswer {
  status: number;
  text: string;
}

function send(url: string, payload: string, timeoutMs: number, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let target: Target;
    try {
      target = targetOf(url);
    } catch (e) {
      return reject(e instanceof PartnerCallError ? e : new PartnerCallError(`unreachable (${(e as Error).message})`, "unreachable"));
    }
    let settled = false;
    const fail = (error: PartnerCallError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new PartnerCallError(`no answer within ${timeoutMs} ms`, "timeout")), timeoutMs);
    timer.unref();
    const req = target.send(
      {
        ...target.options,
        headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        const broken = () => fail(new PartnerCallError(`answered HTTP ${res.statusCode} without a GraphQL body`, "bad_response"));
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("aborted", broken);
        res.on("error", broken);
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("error", (e: Error) => fail(new PartnerCallError(`unreachable (${e.message})`, "unreachable")));
    req.end(payload);
  });
}

// Identical reads in flight: key (URL, headers, body) → the one call they share.
const inflight = new Map<string, Promise<RawAnswer>>();

export async function callPartner(
  url: string,
  body: PartnerRequest,
  timeoutMs: number,
  headers: Record<string, string> = {},
  options: CallOptions = {},
): Promise<GatewayGraphQLResponse> {
  const payload = JSON.stringify(body);
  let answer: Promise<RawAnswer>;
  if (options.shareInflight) {
    const key = `${url}\n${JSON.stringify(headers)}\n${payload}`;
    let shared = inflight.get(key);
    if (!shared) {
      shared = send(url, payload, timeoutMs, headers).finally(() => inflight.delete(key));
      inflight.set(key, shared);
    }
    answer = shared;
  } else {
    answer = send(url, payload, timeoutMs, headers);
  }
  const { status, text } = await answer;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PartnerCallError(`answered HTTP ${status} without a GraphQL body`, "bad_response");
  }
  if (!parsed || typeof parsed !== "object" || (!("data" in parsed) && !("errors" in parsed))) {
    throw new PartnerCallError(`answered HTTP ${status} without a GraphQL body`, "bad_response");
  }
  return parsed as GatewayGraphQLResponse;
}
