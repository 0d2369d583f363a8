// One GraphQL call to one partner over HTTP, with a deadline (used by the gateway and by the
// catalogue's harvester). Retries are deliberately absent: a fetch the gateway repeats could repeat
// a write; a slow partner is answered without, not retried.
//
// Performance (scripts/bench/gateway): node:http with one keep-alive agent per partner origin, not
// the global fetch, whose WHATWG request, stream and abort-signal machinery was a third of the
// gateway's CPU under load. Each partner gets at most MAX_SOCKETS_PER_PARTNER sockets; calls beyond
// that wait for a socket, and the wait counts towards their deadline. Identical reads in flight at
// the same time can share one call (`shareInflight`), as Hive Gateway does by default.
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";

export interface PartnerRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/**
 * A call that failed. `message` is fit for a client: the kind of failure in words, never a host, a
 * port or a URL (an error names the partner by its id instead); `detail` is for the log only.
 */
export class PartnerCallError extends Error {
  constructor(
    message: string,
    readonly reason: "timeout" | "unreachable" | "bad_response" | "overloaded",
    readonly detail?: string,
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
  /**
   * Charged with the answer's bytes as they arrive (lib/admission.ts); when it throws, the call is
   * abandoned at once with that error. A caller sharing another's call is charged the whole answer
   * when it arrives, as it parses its own copy.
   */
  budget?: { reserve(bytes: number): void; refuse?(): void };
  /** Whether the deadline is a read's or a write's: said in the timeout's message. */
  deadline?: "read" | "write";
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
  if (!https && parsed.protocol !== "http:")
    throw new PartnerCallError(
      "unreachable (its registered URL is not http or https)",
      "unreachable",
      `protocol ${parsed.protocol}`,
    );
  let agent = agents.get(parsed.origin);
  if (!agent) {
    // lifo: the most recently used sockets are reused, so idle ones age out (after `timeout`, or
    // sooner when the partner's Keep-Alive header says so) instead of meeting a server-side close.
    const agentOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_PARTNER,
      maxFreeSockets: MAX_SOCKETS_PER_PARTNER,
      scheduling: "lifo" as const,
      timeout: 30_000,
    };
    agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    agents.set(parsed.origin, agent);
  }
  target = {
    send: https ? httpsRequest : httpRequest,
    options: {
      method: "POST",
      agent,
      protocol: parsed.protocol,
      hostname: parsed.hostname.replace(/^\[|\]$/g, ""),
      port: parsed.port,
      path: `${parsed.pathname}${parsed.search}`,
    },
  };
  targets.set(url, target);
  return target;
}

interface RawAnswer {
  status: number;
  text: string;
  bytes: number;
}

function send(
  url: string,
  payload: string,
  timeoutMs: number,
  headers: Record<string, string>,
  options: CallOptions,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let target: Target;
    try {
      target = targetOf(url);
    } catch (e) {
      return reject(
        e instanceof PartnerCallError
          ? e
          : new PartnerCallError("unreachable (its registered URL is not valid)", "unreachable", (e as Error).message),
      );
    }
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const deadline = options.deadline ? `the ${options.deadline} deadline of ${timeoutMs} ms` : `${timeoutMs} ms`;
    const timer = setTimeout(() => fail(new PartnerCallError(`no answer within ${deadline}`, "timeout")), timeoutMs);
    timer.unref();
    const req = target.send(
      {
        ...target.options,
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        // A declared length is charged at once: an answer that cannot be held is refused before any
        // of it is read, rather than after the budget has been spent on part of it.
        let charged = 0;
        const charge = (upTo: number): boolean => {
          if (!options.budget || upTo <= charged) return true;
          try {
            options.budget.reserve(upTo - charged);
            charged = upTo;
            return true;
          } catch (e) {
            fail(e as Error);
            return false;
          }
        };
        const declared = Number(res.headers["content-length"]);
        if (Number.isSafeInteger(declared) && declared > 0 && !charge(declared)) return;
        const broken = () =>
          fail(
            new PartnerCallError(
              `answered HTTP ${res.statusCode} without a GraphQL body`,
              "bad_response",
              "the answer was cut off",
            ),
          );
        res.on("data", (chunk: Buffer) => {
          if (settled || !charge(bytes + chunk.length)) return;
          bytes += chunk.length;
          chunks.push(chunk);
        });
        res.on("aborted", broken);
        res.on("error", broken);
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            text: chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    // The socket's own words (`connect ECONNREFUSED 10.0.0.7:4121`) name an internal address: log only.
    req.on("error", (e: Error) => fail(new PartnerCallError("unreachable (no connection)", "unreachable", e.message)));
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
    const shared = inflight.get(key);
    if (shared) {
      answer = shared.then((raw) => {
        options.budget?.reserve(raw.bytes);
        return raw;
      });
    } else {
      answer = send(url, payload, timeoutMs, headers, options).finally(() => inflight.delete(key));
      inflight.set(key, answer);
    }
  } else {
    answer = send(url, payload, timeoutMs, headers, options);
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
  // The partner's own admission control (lib/admission.ts) refused the call: it is at capacity. The
  // caller's request is refused the same way (503, Retry-After), not answered with a hole in it.
  if (
    status === 503 &&
    (parsed as { errors?: { extensions?: { code?: unknown } }[] }).errors?.some(
      (e) => e.extensions?.code === "OVERLOADED",
    )
  ) {
    options.budget?.refuse?.();
    throw new PartnerCallError("at capacity (try again shortly)", "overloaded");
  }
  return parsed as GatewayGraphQLResponse;
}
