// A budget of planning work per client. Planning a document the gateway has not seen costs 20-330 ms
// of its one thread (a cache hit costs nothing): a client sending unique documents, far under the
// rate limit, would otherwise slow every other client down. Each client (the rate limiter's key)
// may spend PLANNING_BUDGET_MS of planning per PLANNING_WINDOW_MS (fixed windows from its first
// plan); once spent, its documents that need planning get 429 with Retry-After and
// PLANNING_BUDGET_EXCEEDED until the window ends, while its planned documents and every other
// client's requests are served as before.
import { GraphQLError } from "graphql";
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import { ErrorCode } from "../../lib/errors.ts";
import { planKey, type PlanCache } from "./document-keys.ts";

export interface PlanningBudgetOptions {
  /** Planning milliseconds per client per window; 0: no budget. @default 2000 (PLANNING_BUDGET_MS) */
  budgetMs: number;
  /** @default 60000 (PLANNING_WINDOW_MS) */
  windowMs: number;
  now?: () => number;
}

/** Every plan is charged at least this much: a miss also costs parsing, validation and the store. */
const MIN_CHARGE_MS = 1;

export class PlanningBudget {
  private readonly windows = new Map<string, { spent: number; resetAt: number }>();
  private calls = 0;
  private readonly now: () => number;

  constructor(readonly options: PlanningBudgetOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Undefined when `client` may plan; otherwise the milliseconds until it may again. */
  refusal(client: string): number | undefined {
    if (this.options.budgetMs === 0) return undefined;
    const w = this.windows.get(client);
    const now = this.now();
    if (!w || w.resetAt <= now || w.spent < this.options.budgetMs) return undefined;
    return w.resetAt - now;
  }

  charge(client: string, ms: number): void {
    if (this.options.budgetMs === 0) return;
    const now = this.now();
    // Forget finished windows now and then, so that a stream of one-off clients cannot grow the map.
    if (++this.calls % 1000 === 0) for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    let w = this.windows.get(client);
    if (!w || w.resetAt <= now) {
      w = { spent: 0, resetAt: now + this.options.windowMs };
      this.windows.set(client, w);
    }
    w.spent += Math.max(MIN_CHARGE_MS, ms);
  }

  /** The 429 a client over its budget gets. */
  error(retryMs: number): GraphQLError {
    const seconds = Math.max(1, Math.ceil(retryMs / 1000));
    return new GraphQLError(
      `Planning budget exceeded: ${this.options.budgetMs} ms of query planning per ${this.options.windowMs / 1000} s for each client, spent on documents this gateway had not seen; send documents it has planned, or try new ones again in ${seconds} s`,
      {
        extensions: {
          code: ErrorCode.PLANNING_BUDGET_EXCEEDED,
          limit: this.options.budgetMs,
          // Apollo reads a HeaderMap here; graphql-yoga (in the tree through the bench's Hive gateway)
          // declares extensions.http.headers a Record for every GraphQLError: the cast bridges the two.
          http: { status: 429, headers: new HeaderMap([["retry-after", String(seconds)]]) as never },
        },
      },
    );
  }
}

/** The client a request's planning is charged to: the rate limiter's key (gateway/server.ts puts it in the context). */
export interface ClientContext extends BaseContext {
  client?: string;
}

/**
 * Refuses a request whose plan is not cached when its client's budget is spent, and charges the
 * planning of the others: the time from execution start to the plan (`onPlanResolved`, which
 * gateway/server.ts calls from @apollo/gateway's experimental_didResolveQueryPlan).
 */
export function planningBudgetPlugin<C extends ClientContext>(budget: PlanningBudget, plans: PlanCache) {
  const planning = new WeakMap<object, { client: string; startedAt?: number }>();
  const plugin: ApolloServerPlugin<C> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, queryHash, request, operation }) {
          if (!operation || plans.has(planKey(queryHash, request.operationName))) return;
          const client = contextValue.client ?? "unknown";
          const retryMs = budget.refusal(client);
          if (retryMs !== undefined) throw budget.error(retryMs);
          planning.set(contextValue, { client });
        },
        async executionDidStart({ contextValue }) {
          const p = planning.get(contextValue);
          if (p) p.startedAt = performance.now();
        },
      };
    },
  };
  const onPlanResolved = (contextValue: object) => {
    const p = planning.get(contextValue);
    if (!p?.startedAt) return;
    planning.delete(contextValue);
    budget.charge(p.client, performance.now() - p.startedAt);
  };
  return { plugin, onPlanResolved };
}
