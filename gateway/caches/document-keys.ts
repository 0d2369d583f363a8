// The gateway's caches keyed by meaning: a document's key is the hash of its normalised text
// (./normalise.ts), so a comment or whitespace changes nothing but the bytes sent.
//   - Apollo's query plan store: @apollo/gateway keys it on `requestContext.queryHash` (and the
//     operation name); a plugin sets queryHash to the normalised hash in didResolveSource, before the
//     gateway reads it. The store itself is ours (`queryPlannerConfig.cache`), to count hits and plans.
//   - Apollo Server's documentStore: it keys on the hash of the raw text (computed before any plugin
//     runs), so our store maps that raw hash to the normalised one (recorded by the same plugin) and
//     keeps one validated document per normalised key. A variant with other comments gets its own
//     text parsed again (for the right error locations, ~0.1 ms) but is not validated again.
//   - the single-fetch shortcut (gateway/single-fetch.ts) reads the plan store with the same keys.
import { createHash } from "node:crypto";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { parse, type DocumentNode, type ParseOptions } from "graphql";
import type { QueryPlan } from "@apollo/query-planner";
import { normalisedDocument } from "./normalise.ts";
import { SizedLru } from "./lru.ts";

const MIB = 1024 * 1024;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The key @apollo/gateway gives a plan (gateway-js `executor`): the query hash, with the operation name when given. */
export function planKey(queryHash: string, operationName: string | null | undefined): string {
  return operationName ? createHash("sha256").update(queryHash).update(operationName).digest("hex") : queryHash;
}

/** The query plan store, as @apollo/gateway's `queryPlannerConfig.cache` (a KeyValueCache). */
export class PlanCache {
  private readonly plans: SizedLru<QueryPlan>;
  /** Plans looked up and found, and plans made (a miss: the planner ran). */
  readonly counts = { hits: 0, planned: 0 };

  /** `maxMiB`: @apollo/gateway's default store is 30 MiB of plans (their JSON size). */
  constructor(maxMiB = 30) {
    this.plans = new SizedLru(maxMiB * MIB, (plan) => JSON.stringify(plan).length);
  }

  has(key: string): boolean {
    return this.plans.has(key);
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const plan = this.plans.get(key);
    if (plan) this.counts.hits++;
    return plan;
  }

  /**
   * The plan under `key`, without waiting and without counting a hit: the single-fetch shortcut
   * (gateway/single-fetch.ts) looks before the gateway does, and never plans.
   */
  peek(key: string): QueryPlan | undefined {
    return this.plans.get(key);
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    this.counts.planned++;
    this.plans.set(key, plan);
  }

  async delete(key: string): Promise<boolean> {
    return this.plans.delete(key);
  }

  /** Called by @apollo/gateway when the supergraph changes: every plan is stale. */
  clear(): void {
    this.plans.clear();
  }

  get size(): number {
    return this.plans.size;
  }
}

interface Pending {
  normalisedHash: string;
  query: string;
}

/** Apollo Server's `documentStore`, one validated document per normalised document. */
export class NormalisedDocumentStore {
  private readonly documents: SizedLru<DocumentNode>;
  /** Raw hash → normalised hash, for the requests in flight (recorded in didResolveSource). */
  private readonly pending = new SizedLru<Pending>(10_000, () => 1);

  /** `maxMiB`: Apollo Server's default store holds ~30 MiB of documents. */
  constructor(
    private readonly parseOptions: ParseOptions,
    maxMiB = 30,
  ) {
    // A document's AST takes roughly 50 times its text.
    this.documents = new SizedLru(maxMiB * MIB, (document) => 50 * (document.loc?.end ?? 1000));
  }

  /** Records that the request whose text hashes to `rawHash` means `normalisedHash`. */
  remember(rawHash: string, normalisedHash: string, query: string): void {
    this.pending.set(rawHash, { normalisedHash, query });
  }

  // Apollo's key is `<schema hash>:<sha256 of the raw text>`.
  private split(key: string): { prefix: string; pending: Pending | undefined } {
    return { prefix: key.slice(0, -64), pending: this.pending.get(key.slice(-64)) };
  }

  async get(key: string): Promise<DocumentNode | undefined> {
    const { prefix, pending } = this.split(key);
    if (!pending) return this.documents.get(key);
    const document = this.documents.get(prefix + pending.normalisedHash);
    if (!document) return undefined;
    // The same text: the stored document. Other comments or spacing: this text's own locations.
    return document.loc?.source.body === pending.query ? document : parse(pending.query, this.parseOptions);
  }

  async set(key: string, document: DocumentNode): Promise<void> {
    const { prefix, pending } = this.split(key);
    this.documents.set(pending ? prefix + pending.normalisedHash : key, document);
  }

  async delete(key: string): Promise<boolean> {
    return this.documents.delete(key);
  }

  get size(): number {
    return this.documents.size;
  }
}

/** Sets each request's queryHash to its normalised document's hash, and tells the document store. */
export function documentKeysPlugin<C extends BaseContext>(
  store: NormalisedDocumentStore,
  maxTokens: number,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveSource(requestContext) {
          const normalised = normalisedDocument(requestContext.source, maxTokens);
          if (normalised === undefined) return;
          const hash = sha256(normalised);
          store.remember(requestContext.queryHash, hash, requestContext.source);
          // Read by @apollo/gateway for its plan store key (its type says readonly; it is a plain field).
          (requestContext as { queryHash: string }).queryHash = hash;
        },
      };
    },
  };
}
