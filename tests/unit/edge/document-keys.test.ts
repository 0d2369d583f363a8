// Caches keyed by meaning (gateway/caches): comments and insignificant whitespace make no new key,
// and a client's planning is budgeted.
import { describe, expect, it } from "vitest";
import { parse, type DocumentNode } from "graphql";
import { normalisedDocument } from "../../../gateway/caches/normalise.ts";
import { NormalisedDocumentStore } from "../../../gateway/caches/document-keys.ts";
import { PlanningBudget } from "../../../gateway/caches/planning-budget.ts";

describe("normalisedDocument", () => {
  const q = `query Page($id: ID!) { project(id: $id) { id title ...F } } fragment F on Project { aim }`;

  it("is the same for a document with other comments and whitespace", () => {
    const variant = `# a comment\nquery   Page( $id : ID! )\n{\n  project(id: $id) { # another\n id\n title\n ... F }\n}\n\nfragment F on Project { aim }`;
    expect(normalisedDocument(variant, 1000)).toBe(normalisedDocument(q, 1000));
    expect(normalisedDocument(q, 1000)).toBe(
      `query Page($id:ID!){project(id:$id){id title ...F}}fragment F on Project{aim}`,
    );
  });

  it("differs for a document that asks for something else, and keeps strings as they are", () => {
    expect(normalisedDocument(q.replace("title", "summary"), 1000)).not.toBe(normalisedDocument(q, 1000));
    expect(normalisedDocument(`{ search(query: "falls  # not a comment") { totalCount } }`, 1000)).toBe(
      `{search(query:"falls  # not a comment"){totalCount}}`,
    );
  });

  it("gives up beyond the token limit and on text that does not lex", () => {
    expect(normalisedDocument(`{ ${"a ".repeat(50)} }`, 20)).toBeUndefined();
    expect(normalisedDocument(`{ a(x: "unterminated) }`, 1000)).toBeUndefined();
  });
});

describe("NormalisedDocumentStore", () => {
  it("keeps one document per normalised document, and gives each variant its own locations", async () => {
    const store = new NormalisedDocumentStore({ maxTokens: 1000 });
    const a = `{ topics { id } }`;
    const b = `# hello\n{\n  topics { id }\n}`;
    store.remember("a".repeat(64), "n".repeat(64), a);
    store.remember("b".repeat(64), "n".repeat(64), b);
    expect(await store.get(`schema:${"a".repeat(64)}`)).toBeUndefined();
    const parsed = parse(a);
    await store.set(`schema:${"a".repeat(64)}`, parsed);
    expect(await store.get(`schema:${"a".repeat(64)}`)).toBe(parsed);
    const variant = (await store.get(`schema:${"b".repeat(64)}`)) as DocumentNode;
    expect(variant.loc?.source.body).toBe(b);
    expect(store.size).toBe(1);
  });
});

describe("PlanningBudget", () => {
  it("refuses a client that spent its budget until its window ends, and no one else", () => {
    let now = 0;
    const budget = new PlanningBudget({ budgetMs: 100, windowMs: 60_000, now: () => now });
    expect(budget.refusal("greedy")).toBeUndefined();
    budget.charge("greedy", 60);
    expect(budget.refusal("greedy")).toBeUndefined();
    budget.charge("greedy", 60);
    expect(budget.refusal("greedy")).toBe(60_000);
    expect(budget.refusal("other")).toBeUndefined();
    now = 30_000;
    expect(budget.refusal("greedy")).toBe(30_000);
    expect(budget.error(30_000).extensions).toMatchObject({ code: "PLANNING_BUDGET_EXCEEDED", http: { status: 429 } });
    now = 60_000;
    expect(budget.refusal("greedy")).toBeUndefined();
  });

  it("charges at least 1 ms a plan, and is off at 0", () => {
    const budget = new PlanningBudget({ budgetMs: 3, windowMs: 1000, now: () => 0 });
    for (let i = 0; i < 3; i++) budget.charge("c", 0.01);
    expect(budget.refusal("c")).toBe(1000);
    const off = new PlanningBudget({ budgetMs: 0, windowMs: 1000 });
    off.charge("c", 1e9);
    expect(off.refusal("c")).toBeUndefined();
  });
});
