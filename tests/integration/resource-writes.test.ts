// A resources partner's writes through the real gateway, as a client makes them: validation at the
// edge, idempotent retries, publication reaching the national search, deletion leaving it, and a
// write to a partner that is down failing cleanly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;
let editor: string;

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["improvement-hub", "leadership-academy", "national-catalogue"].includes(p.id),
  });
  editor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

const CREATE = `mutation($input: CreateResourceInput!, $key: String!) { createResource(input: $input, idempotencyKey: $key, partner: "improvement-hub") { id title status kind topics { id } } }`;
const key = () => `k-${randomUUID()}`;
const countAudit = async (id: string) => {
  const { body } = await sys.queryAs(
    editor,
    `query($id: ID!) { resourceFromOwner(id: $id) { auditTrail(first: 100) { mutation } } }`,
    { id },
  );
  return body.data.resourceFromOwner.auditTrail.length as number;
};
const searchTitles = async (q: string) => {
  const { body } = await sys.query(
    `query($q: String) { search(query: $q, first: 50) { edges { node { ... on Resource { title } } } } }`,
    { q },
  );
  return body.data.search.edges.map((e: any) => e.node.title) as string[];
};

describe("bad input gets a clear error naming the path, and writes nothing", () => {
  it.each([
    [{ title: "", kind: "GUIDE" }, "input.title"],
    [{ title: "A".repeat(301), kind: "GUIDE" }, "input.title"],
    [{ title: "Toolkit", kind: "GUIDE", url: "javascript:alert(1)" }, "input.url"],
    [{ title: "Toolkit", kind: "GUIDE", topics: ["not-a-topic"] }, "input.topics.0"],
    [{ title: "Toolkit", kind: "GUIDE", publishedOn: "2021-02-30" }, "input.publishedOn"],
    [{ title: "Toolkit", kind: "GUIDE", publisher: "acme-ltd" }, "input.publisher"],
    // PostgreSQL cannot store NUL, and a lone surrogate is not Unicode: both were INTERNAL_SERVER_ERROR.
    [{ title: "Tool\u0000kit", kind: "GUIDE" }, "input.title"],
    [{ title: "Toolkit \uD800", kind: "GUIDE" }, "input.title"],
    [{ title: "Toolkit", kind: "GUIDE", body: "Steps\u0000" }, "input.body"],
    [{ title: "Toolkit", kind: "GUIDE", url: "https://example.org/a\u0000b" }, "input.url"],
  ])("%j → BAD_USER_INPUT at %s", async (input, path) => {
    const before = await searchTitles("Toolkit");
    const { body } = await sys.queryAs(editor, CREATE, { input, key: key() });
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].extensions.argumentPath).toEqual(path.split("."));
    expect(body.errors[0].message).toContain(path);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    await sys.harvester.harvestAll();
    expect(await searchTitles("Toolkit")).toEqual(before);
  });

  it("refuses an unusable idempotency key", async () => {
    const { body } = await sys.queryAs(editor, CREATE, { input: { title: "Short key", kind: "GUIDE" }, key: "abc" });
    expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", argumentPath: ["idempotencyKey"] });
  });
});

describe("idempotency", () => {
  it("a retry with the same key returns the first result and writes nothing", async () => {
    const k = key();
    const input = { title: "Huddle guide", kind: "GUIDE", topics: ["falls"] };
    const first = await sys.queryAs(editor, CREATE, { input, key: k });
    expect(first.body.errors).toBeUndefined();
    const retries = await Promise.all([1, 2, 3].map(() => sys.queryAs(editor, CREATE, { input, key: k })));
    for (const r of retries) expect(r.body.data.createResource.id).toBe(first.body.data.createResource.id);
    expect(await countAudit(first.body.data.createResource.id)).toBe(1);
  });

  it("the same key with other arguments is refused, not silently answered", async () => {
    const k = key();
    await sys.queryAs(editor, CREATE, { input: { title: "One", kind: "GUIDE" }, key: k });
    const { body } = await sys.queryAs(editor, CREATE, { input: { title: "Two", kind: "GUIDE" }, key: k });
    expect(body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("keys belong to their user: another user's same key is a new write", async () => {
    const k = key();
    const other = await sys.token({ user: "ben", organisation: "nhs-england", roles: ["editor"] });
    const a = await sys.queryAs(editor, CREATE, { input: { title: "Shared key", kind: "GUIDE" }, key: k });
    const b = await sys.queryAs(other, CREATE, { input: { title: "Shared key", kind: "GUIDE" }, key: k });
    expect(a.body.data.createResource.id).not.toBe(b.body.data.createResource.id);
  });
});

describe("the life of a resource", () => {
  it("a draft stays out of national search; published it is found; deleted it is gone", async () => {
    const title = `Deteriorating patient toolkit ${randomUUID().slice(0, 6)}`;
    const created = await sys.queryAs(editor, CREATE, {
      input: { title, kind: "TOOLKIT", summary: "NEWS2 escalation" },
      key: key(),
    });
    const id = created.body.data.createResource.id;
    expect(created.body.data.createResource.status).toBe("DRAFT");
    await sys.harvester.harvestAll();
    expect(await searchTitles(title)).not.toContain(title);

    const updated = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { updateResource(id: $id, input: { summary: "NEWS2 escalation, revised", topics: ["falls"] }, idempotencyKey: $key) { summary topics { id } } }`,
      { id, key: key() },
    );
    expect(updated.body.data.updateResource).toEqual({
      summary: "NEWS2 escalation, revised",
      topics: [{ id: "falls" }],
    });

    const published = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { publishResource(id: $id, idempotencyKey: $key) { status publishedOn } }`,
      { id, key: key() },
    );
    expect(published.body.data.publishResource.status).toBe("PUBLISHED");
    expect(published.body.data.publishResource.publishedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await sys.harvester.harvestAll();
    expect(await searchTitles(title)).toContain(title);
    const anonymous = await sys.query(`query($id: ID!) { resourceFromOwner(id: $id) { title } }`, { id });
    expect(anonymous.body.data.resourceFromOwner.title).toBe(title);

    const deleted = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { deleteResource(id: $id, idempotencyKey: $key) { id } }`,
      { id, key: key() },
    );
    expect(deleted.body.data.deleteResource.id).toBe(id);
    await sys.harvester.harvestAll();
    expect(await searchTitles(title)).not.toContain(title);
    const again = await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { deleteResource(id: $id, idempotencyKey: $key) { id } }`,
      { id, key: key() },
    );
    expect(again.body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("the audit trail says who did what, newest first", async () => {
    const created = await sys.queryAs(editor, CREATE, { input: { title: "Audited guide", kind: "GUIDE" }, key: key() });
    const id = created.body.data.createResource.id;
    await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { updateResource(id: $id, input: { title: "Audited guide, v2" }, idempotencyKey: $key) { id } }`,
      { id, key: key() },
    );
    const { body } = await sys.queryAs(
      editor,
      `query($id: ID!) { resourceFromOwner(id: $id) { auditTrail { actor mutation item changes at } } }`,
      { id },
    );
    const trail = body.data.resourceFromOwner.auditTrail;
    expect(trail.map((e: any) => e.mutation)).toEqual(["updateResource", "createResource"]);
    expect(trail[0]).toMatchObject({ actor: "amira@nhs-england", item: id });
    expect(JSON.parse(trail[0].changes)).toEqual({ title: "Audited guide, v2" });
    expect(Date.parse(trail[0].at)).toBeGreaterThanOrEqual(Date.parse(trail[1].at));
  });
});

describe("national search follows writes", () => {
  it("a published resource is found within seconds, without waiting for the scheduled harvest", async () => {
    const title = `Safety huddle poster ${randomUUID().slice(0, 6)}`;
    const created = await sys.queryAs(editor, CREATE, { input: { title, kind: "GUIDE" }, key: key() });
    const id = created.body.data.createResource.id;
    await sys.queryAs(
      editor,
      `mutation($id: ID!, $key: String!) { publishResource(id: $id, idempotencyKey: $key) { id } }`,
      { id, key: key() },
    );
    const deadline = Date.now() + 10_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      found = (await searchTitles(title)).includes(title);
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toBe(true);
  });
});

describe("a write to a partner that is down", () => {
  it("fails with a retryable error naming the partner, and writes nothing anywhere", async () => {
    const other = await sys.token({ user: "lee", organisation: "nhs-leadership-academy", roles: ["editor"] });
    const before = await searchTitles("Unwritten");
    await sys.stopPartner("leadership-academy");
    const { body } = await sys.queryAs(
      other,
      `mutation { createResource(input: { title: "Unwritten", kind: GUIDE }, idempotencyKey: "down-partner-1") { id } }`,
    );
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({
      code: "PARTNER_UNAVAILABLE",
      partner: "leadership-academy",
      retryable: true,
    });
    await sys.harvester.harvestAll();
    expect(await searchTitles("Unwritten")).toEqual(before);
    // The gateway still serves everything else.
    const read = await sys.query(
      `{ resourceFromOwner(id: "improvement-hub:resource:nhsi-improvement-hub") { title } }`,
    );
    expect(read.body.data.resourceFromOwner.title).toBeTruthy();
  });
});
