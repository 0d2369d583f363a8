// A write's answer means "done nationally": straight after it, every reader sees the write, also in
// the fields the gateway answers from the national index rather than the owner (a project's linked
// resources show their titles from the catalogue). Before the gateway waited for the index, a deleted
// resource still showed its title in a project for a moment after deleteResource had answered, and an
// edited title could read as the old one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;
let resourceEditor: string;
let projectId: string;
let resourceId: string;
const key = () => `k-${randomUUID()}`;

async function ok(token: string | undefined, query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await sys.queryAs(token, query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const PROJECT = `query($id: ID!) { project(id: $id) { resources { id title } } }`;
const SEARCH = `query($q: String!) { search(query: $q) { totalCount } }`;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["improvement-hub", "essex-cc", "national-catalogue"].includes(p.id) });
  resourceEditor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
  const projectEditor = await sys.token({ user: "eve", organisation: "essex-cc", roles: ["editor"] });
  resourceId = (
    await ok(
      resourceEditor,
      `mutation($key: String!) { createResource(input: { title: "Title 0", kind: GUIDE }, idempotencyKey: $key, partner: "improvement-hub") { id } }`,
      { key: key() },
    )
  ).createResource.id;
  await ok(
    resourceEditor,
    `mutation($id: ID!, $key: String!) { publishResource(id: $id, idempotencyKey: $key) { id } }`,
    { id: resourceId, key: key() },
  );
  projectId = (
    await ok(
      projectEditor,
      `mutation($key: String!) { createProject(input: { title: "Read after write", aim: "Fewer falls" }, idempotencyKey: $key, partner: "essex-cc") { id } }`,
      { key: key() },
    )
  ).createProject.id;
  await ok(
    projectEditor,
    `mutation($p: ID!, $r: ID!, $key: String!) { linkResource(projectId: $p, resourceId: $r, relation: USED, idempotencyKey: $key) { id } }`,
    { p: projectId, r: resourceId, key: key() },
  );
  await ok(
    projectEditor,
    `mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id } }`,
    { id: projectId, key: key() },
  );
  // A national index with many partners takes a while to harvest one: here, 300 ms a partner. On
  // this small system the harvest otherwise usually wins the race against the next read, which
  // hid the stale reads (CI saw one on a loaded machine).
  const harvestPartner = sys.harvester.harvestPartner.bind(sys.harvester);
  sys.harvester.harvestPartner = async (partner) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return harvestPartner(partner);
  };
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

describe("straight after a write is answered", () => {
  it("an anonymous reader sees every edited title through a project, at once", async () => {
    for (let i = 1; i <= 8; i++) {
      const title = `Title ${i} ${randomUUID().slice(0, 8)}`;
      await ok(
        resourceEditor,
        `mutation($id: ID!, $t: String!, $key: String!) { updateResource(id: $id, input: { title: $t }, idempotencyKey: $key) { id } }`,
        { id: resourceId, t: title, key: key() },
      );
      const data = await ok(undefined, PROJECT, { id: projectId });
      expect(data.project.resources).toEqual([{ id: resourceId, title }]);
    }
  });

  it("national search finds an edit at once", async () => {
    const word = `zq${randomUUID().replace(/-/g, "").slice(0, 10)}`;
    await ok(
      resourceEditor,
      `mutation($id: ID!, $t: String!, $key: String!) { updateResource(id: $id, input: { title: $t }, idempotencyKey: $key) { id } }`,
      { id: resourceId, t: `Guide ${word}`, key: key() },
    );
    expect((await ok(undefined, SEARCH, { q: word })).search.totalCount).toBe(1);
  });

  it("a deleted resource is null in the project for everyone, at once", async () => {
    await ok(
      resourceEditor,
      `mutation($id: ID!, $key: String!) { deleteResource(id: $id, idempotencyKey: $key) { id } }`,
      { id: resourceId, key: key() },
    );
    const data = await ok(undefined, PROJECT, { id: projectId });
    expect(data.project.resources).toEqual([null]);
  });
});
