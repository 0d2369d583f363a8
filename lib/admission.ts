// Admission control: how much a service holds in flight at once. Two bounds, both answered with 503
// OVERLOADED and `Retry-After` so that a client (or a load balancer) tries again or elsewhere:
// - requests in flight (from the moment a request has arrived whole until its response is sent),
//   checked before it is parsed or planned, so a refusal costs little and a client sending slowly
//   holds no slot (lib/http-server.ts);
// - bytes of partner answers held for the requests in flight, counted chunk by chunk as each answer
//   arrives (lib/partner-client.ts `budget`): the heap an answer costs is a multiple of its size
//   (raw text, parsed objects, the gateway's merged result, the serialised response), so this
//   bounds the heap whatever the query asks for. A call that would take the total over the budget
//   is abandoned at once and its request answered 503.
// A third bound is per request: the bytes of partner answers ONE request may gather
// (RESPONSE_TOO_LARGE, a GraphQL error naming the limit), so that no single request can take the
// whole budget.
//
// Sizing, measured with the gateway as deployed (its own process, --max-old-space-size=160) by
// tests/e2e/gateway-overload.test.ts, asking for a 0.52 MB page (2 measures × 7,500 points) with
// LOAD_GATEWAY_ENV setting one bound at a time. Once warm the gateway sits at ~185-190 MB of RSS.
// Peak RSS against the most partner bytes held at once: 0.5 MB → 205 MB, 1.6 → 217, 2.6 → 243,
// 2.1 → 226, 3.1 → 233-249, 7.3 → 278; with a 16 MiB budget it died ("JavaScript heap out of
// memory"). So each MB of partner answer in flight costs ~12 MB (its text, the parsed objects, the
// gateway's merged result and re-execution against the API schema, the serialised response, and the
// garbage a collection has not reclaimed yet). 250 MB - 190 MB leaves room for ~5 MB at best; 3 MiB
// once peaked at 249 MB, so the default is 2 MiB, and one request may hold half of it.
// The request bound (64) is not what protects memory (a small read holds a few kB); it bounds the
// work queued behind the event loop, and is above what the bench's scenarios use (10 connections).
import type { IncomingMessage } from "node:http";
import { ErrorCode } from "./errors.ts";

export interface AdmissionOptions {
  /**
   * Requests in flight at once; the next is refused with 503 until one finishes. 0: no bound.
   * @default 64
   */
  maxInflightRequests: number;
  /**
   * Bytes of partner answers held by all requests in flight; a call that would go over is abandoned
   * and its request answered 503. 0: no bound.
   * @default 2 MiB
   */
  maxInflightBytes: number;
  /**
   * Bytes of partner answers one request may gather; over it, the fetch fails with
   * RESPONSE_TOO_LARGE. 0: no bound.
   * @default 1 MiB (twice the 0.5 MB page the load test asks for; half the shared budget)
   */
  maxResponseBytes: number;
  /**
   * What `Retry-After` says, in seconds: requests last tens of milliseconds, so a second is long
   * enough for the backlog to clear.
   * @default 1
   */
  retryAfterSeconds: number;
}

export const ADMISSION_DEFAULTS: AdmissionOptions = {
  maxInflightRequests: 64,
  maxInflightBytes: 2 * 1024 * 1024,
  maxResponseBytes: 1024 * 1024,
  retryAfterSeconds: 1,
};

/** Why a partner answer could not be held: the service is full, or this request's answer is too big. */
export class AdmissionRefused extends Error {
  constructor(
    readonly kind: "overloaded" | "too_large",
    message: string,
    readonly limit: number,
  ) {
    super(message);
  }
}

/** What a partner call charges its answer's bytes to (lib/partner-client.ts); throws AdmissionRefused. */
export interface ByteBudget {
  /** True once the request is to be refused (503): its remaining partner calls are not worth making. */
  readonly overloaded: boolean;
  reserve(bytes: number): void;
  /** The partner itself refused the call as over capacity: refuse the whole request (503) too. */
  refuse(): void;
}

/** One admitted request: its share of the byte budget, released with its slot when its response ends. */
export class Ticket implements ByteBudget {
  bytes = 0;
  /** Set once a partner answer was abandoned because the service is full: answer the whole request 503. */
  overloaded = false;
  private released = false;

  constructor(private readonly admission: Admission) {}

  reserve(bytes: number): void {
    this.admission.charge(this, bytes);
  }

  refuse(): void {
    this.overloaded = true;
  }

  /**
   * Gives back the partner bytes held so far while the request goes on: a streamed answer (the
   * gateway's paged exports) calls it once a page is written out, so MAX_RESPONSE_BYTES bounds a page
   * and the shared budget counts only the page in hand.
   */
  releaseBytes(): void {
    if (this.released) return;
    this.admission.uncharge(this);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.admission.free(this);
  }
}

export interface AdmissionStats {
  inflightRequests: number;
  inflightBytes: number;
  /** The most held at once since start (what the defaults are sized against). */
  peakRequests: number;
  peakBytes: number;
  refusedRequests: number;
  refusedBytes: number;
  tooLarge: number;
}

export class Admission {
  readonly options: AdmissionOptions;
  private requests = 0;
  private bytes = 0;
  private readonly tickets = new WeakMap<IncomingMessage, Ticket>();
  readonly counts = { peakRequests: 0, peakBytes: 0, refusedRequests: 0, refusedBytes: 0, tooLarge: 0 };

  constructor(options: Partial<AdmissionOptions> = {}) {
    this.options = { ...ADMISSION_DEFAULTS, ...options };
  }

  /** A ticket for this request, or undefined when the service is full (answer 503). */
  admit(req?: IncomingMessage): Ticket | undefined {
    const max = this.options.maxInflightRequests;
    if (max > 0 && this.requests >= max) {
      this.counts.refusedRequests++;
      return undefined;
    }
    this.requests++;
    if (this.requests > this.counts.peakRequests) this.counts.peakRequests = this.requests;
    const ticket = new Ticket(this);
    if (req) this.tickets.set(req, ticket);
    return ticket;
  }

  /** The ticket admit() gave this request (the gateway's context hands it to its data sources). */
  ticketOf(req: IncomingMessage): Ticket | undefined {
    return this.tickets.get(req);
  }

  stats(): AdmissionStats {
    return { inflightRequests: this.requests, inflightBytes: this.bytes, ...this.counts };
  }

  /** Called by Ticket.reserve. */
  charge(ticket: Ticket, bytes: number): void {
    const { maxResponseBytes, maxInflightBytes } = this.options;
    if (maxResponseBytes > 0 && ticket.bytes + bytes > maxResponseBytes) {
      this.counts.tooLarge++;
      throw new AdmissionRefused(
        "too_large",
        `The partners' answers to this request exceed ${maxResponseBytes} bytes (MAX_RESPONSE_BYTES): ask for fewer items or fields`,
        maxResponseBytes,
      );
    }
    if (maxInflightBytes > 0 && this.bytes + bytes > maxInflightBytes) {
      this.counts.refusedBytes++;
      ticket.overloaded = true;
      throw new AdmissionRefused("overloaded", overloadedMessage(this.options.retryAfterSeconds), maxInflightBytes);
    }
    ticket.bytes += bytes;
    this.bytes += bytes;
    if (this.bytes > this.counts.peakBytes) this.counts.peakBytes = this.bytes;
  }

  /** Called by Ticket.releaseBytes. */
  uncharge(ticket: Ticket): void {
    this.bytes -= ticket.bytes;
    ticket.bytes = 0;
  }

  /** Called by Ticket.release. */
  free(ticket: Ticket): void {
    this.requests--;
    this.bytes -= ticket.bytes;
  }
}

export function overloadedMessage(retryAfterSeconds: number): string {
  return `The service is at capacity: try again in ${retryAfterSeconds} s`;
}

/**
 * The answer a data source gives, without calling its partner, to a fetch of a request that is
 * already refused (lib/http-server.ts answers it 503 whatever the fetches return).
 */
export function alreadyRefused(
  budget: ByteBudget | undefined,
): { errors: { message: string; extensions: { code: string } }[] } | undefined {
  return budget?.overloaded
    ? { errors: [{ message: "The service is at capacity", extensions: { code: ErrorCode.OVERLOADED } }] }
    : undefined;
}
