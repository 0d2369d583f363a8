// Checks, before a partner is routed to or harvested, that the schema it serves (`_service { sdl }`)
// honours its kind's contract. A partner that does not is quarantined with the reason; nobody else
// is affected. Verdicts are cached per partner and URL for a TTL and refreshed in the background
// after it, so a check costs one request per partner per TTL, not one per query.
import type { Logger } from "pino";
import { contractSdl } from "../../schema/contracts.ts";
import type { Partner } from "../registry/registry.ts";
import { contractProblems } from "./compare.ts";
import { callPartner, PartnerCallError } from "../partner-client.ts";
import type { IdentitySigner } from "../auth/internal-tokens.ts";

export type Verdict =
  | { status: "ok"; checkedAt: Date }
  | { status: "quarantined"; reason: string; checkedAt: Date }
  | { status: "unreachable"; reason: string; checkedAt: Date; failure?: PartnerCallError["reason"] };

// An unreachable partner is asked again soon: it is probably restarting, not misconfigured.
const UNREACHABLE_TTL_MS = 2000;

interface Entry {
  url: string;
  at: number;
  verdict: Promise<Verdict>;
  refreshing?: boolean;
}

export class SchemaChecker {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly timeoutMs: number,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    /** Signs the check as a service call, for partners that refuse unsigned requests. */
    private readonly signer?: IdentitySigner,
  ) {}

  check(partner: Partner): Promise<Verdict> {
    const entry = this.cache.get(partner.id);
    const now = Date.now();
    if (!entry || entry.url !== partner.url) return this.start(partner);
    return entry.verdict.then((v) => {
      const ttl = v.status === "unreachable" ? UNREACHABLE_TTL_MS : this.ttlMs;
      if (now - entry.at < ttl) return v;
      if (v.status === "unreachable") return this.start(partner);
      // Expired but known: answer with it and refresh behind the scenes.
      if (!entry.refreshing) {
        entry.refreshing = true;
        void this.start(partner);
      }
      return v;
    });
  }

  /** The last verdict for each partner checked so far (for `partners { status reason }`). */
  async known(): Promise<Map<string, Verdict>> {
    const out = new Map<string, Verdict>();
    for (const [id, e] of this.cache) out.set(id, await e.verdict);
    return out;
  }

  private start(partner: Partner): Promise<Verdict> {
    const previous = this.cache.get(partner.id);
    const verdict = this.run(partner, previous?.url === partner.url ? previous.verdict : undefined);
    this.cache.set(partner.id, { url: partner.url, at: Date.now(), verdict });
    return verdict;
  }

  private async run(partner: Partner, previous: Promise<Verdict> | undefined): Promise<Verdict> {
    const checkedAt = new Date();
    let sdl: unknown;
    try {
      const headers = this.signer
        ? await this.signer.headers({ kind: "service", service: "schema-check" }, partner.id)
        : {};
      const res = await callPartner(partner.url, { query: "{ _service { sdl } }" }, this.timeoutMs, headers);
      sdl = (res.data as { _service?: { sdl?: unknown } } | null)?._service?.sdl;
    } catch (e) {
      const failure = e instanceof PartnerCallError ? e.reason : undefined;
      // A partner at capacity (503 from its admission control) still serves what it served: keep the
      // last verdict rather than calling it unreachable for the next seconds.
      if (failure === "overloaded" && previous) {
        const last = await previous;
        if (last.status !== "unreachable") return last;
      }
      return {
        status: "unreachable",
        reason: e instanceof PartnerCallError ? e.message : "failed",
        checkedAt,
        ...(failure ? { failure } : {}),
      };
    }
    const problems =
      typeof sdl === "string"
        ? contractProblems(contractSdl(partner.kind), sdl)
        : ["it does not answer `_service { sdl }`"];
    if (problems.length === 0) return { status: "ok", checkedAt };
    const reason = `does not serve the ${partner.kind} contract: ${problems.slice(0, 5).join(" ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`;
    this.logger.warn({ partner: partner.id, reason }, "partner quarantined");
    return { status: "quarantined", reason, checkedAt };
  }
}
