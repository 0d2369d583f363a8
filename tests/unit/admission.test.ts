// Admission control's accounting (lib/admission.ts): the request bound, the shared byte budget and
// the per-request cap, and that everything a request held is given back when it ends.
import { describe, expect, it } from "vitest";
import { Admission, AdmissionRefused, ADMISSION_DEFAULTS } from "../../lib/admission.ts";

describe("Admission", () => {
  it("admits up to the request bound, then refuses until a request ends", () => {
    const admission = new Admission({ maxInflightRequests: 2 });
    const a = admission.admit()!;
    const b = admission.admit()!;
    expect(admission.admit()).toBeUndefined();
    a.release();
    a.release(); // twice is once
    expect(admission.admit()).toBeDefined();
    expect(admission.admit()).toBeUndefined();
    b.release();
    expect(admission.stats()).toMatchObject({ inflightRequests: 1, peakRequests: 2, refusedRequests: 2 });
  });

  it("shares one byte budget among requests; a request over it is marked overloaded and charged nothing", () => {
    const admission = new Admission({ maxInflightBytes: 1000, maxResponseBytes: 0 });
    const a = admission.admit()!;
    const b = admission.admit()!;
    a.reserve(700);
    expect(() => b.reserve(400)).toThrow(AdmissionRefused);
    expect(b.overloaded).toBe(true);
    expect(b.bytes).toBe(0);
    b.reserve(300);
    expect(admission.stats().inflightBytes).toBe(1000);
    a.release();
    expect(admission.stats()).toMatchObject({ inflightBytes: 300, peakBytes: 1000, refusedBytes: 1 });
  });

  it("caps one request's bytes with an error naming the limit, without marking the service overloaded", () => {
    const admission = new Admission({ maxResponseBytes: 500 });
    const ticket = admission.admit()!;
    ticket.reserve(400);
    let error: unknown;
    try {
      ticket.reserve(200);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      kind: "too_large",
      limit: 500,
      message:
        "The partners' answers to this request exceed 500 bytes (MAX_RESPONSE_BYTES): ask for fewer items or fields",
    });
    expect(ticket.overloaded).toBe(false);
  });

  it("keeps a request's cap within the shared budget by default", () => {
    expect(ADMISSION_DEFAULTS.maxResponseBytes).toBeLessThanOrEqual(ADMISSION_DEFAULTS.maxInflightBytes);
  });
});
