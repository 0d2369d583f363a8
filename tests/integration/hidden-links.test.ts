// A project links resources held by another partner. When one of them is hidden from the reader (a
// draft, or deleted since), the resources partner answers null for it; the contract's non-null items
// used to turn that into `resources: null` (and `resourceLinks: null`) for everyone, hiding every
// visible resource too. Now the list is intact and the hidden one is null in its place. (An entity
// fetch never answers a draft, even to its own organisation: resourceFromOwner is the owner's view.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;
let resourceEditor: string;
let projectEditor: string;
let projectId: string;
let published: string;
let draft: string;
let deleted: string;
const key = () => `k-${randomUUID()}`;

async function ok(token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await sys.queryAs(token, query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const CREATE_RESOURCE = `mutation($input: CreateResourceInput!, $key: String!) { createResource(input: $input, idempotencyKey: $key, partner: "improvement-hub") { id } }`;
const PROJECT = `query($id: ID!) { project(id: $id) { id resources { id title } resourceLinks { relation note resource { id title } } } }`;

beforeAll(async () => {
  sys = await startSystem({ only: (p) => ["improvement-hub", "essex-cc", "national-catalogue"].includes(p.id) });
  resourceEditor = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
  projectEditor = await sys.token({ user: "eve", organisation: "essex-cc", roles: ["editor"] });
  const make = async (title: string) =>
    (await ok(resourceEditor, CREATE_RESOURCE, { input: { title, kind: "GUIDE" }, key: key() })).createResource
      .id as string;
  [published, draft, deleted] = [await make("Visible guide"), await make("Draft guide"), await make("Deleted guide")];
  for (const id of [published, deleted])
    await ok(
      resourceEditor,
      `mutation($id: ID!, $key: String!) { publishResource(id: $id, idempotencyKey: $key) { id } }`,
      { id, key: key() },
    );
  projectId = (
    await ok(
      projectEditor,
      `mutation($key: String!) { createProject(input: { title: "Falls with links", aim: "Fewer falls" }, idempotencyKey: $key, partner: "essex-cc") { id } }`,
      { key: key() },
    )
  ).createProject.id;
  for (const [resourceId, note] of [
    [published, "one"],
    [draft, "two"],
    [deleted, "three"],
  ]) {
    await ok(
      projectEditor,
      `mutation($p: ID!, $r: ID!, $n: String, $key: String!) { linkResource(projectId: $p, resourceId: $r, relation: USED, note: $n, idempotencyKey: $key) { id } }`,
      { p: projectId, r: resourceId, n: note, key: key() },
    );
  }
  await ok(
    projectEditor,
    `mutation($id: ID!, $key: String!) { publishProject(id: $id, idempotencyKey: $key) { id } }`,
    { id: projectId, key: key() },
  );
  await ok(
    resourceEditor,
    `mutation($id: ID!, $key: String!) { deleteResource(id: $id, idempotencyKey: $key) { id } }`,
    { id: deleted, key: key() },
  );
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

describe("a project linking a draft and a deleted resource", () => {
  it.each(["anonymous", "the resource's organisation", "the project's organisation"])(
    "shows %s its visible resource, the hidden ones null in place, without an error",
    async (who) => {
      const token = {
        anonymous: undefined,
        "the resource's organisation": resourceEditor,
        "the project's organisation": projectEditor,
      }[who];
      const { body } = await sys.queryAs(token, PROJECT, { id: projectId });
      expect(body.errors).toBeUndefined();
      // Links are listed by resource id; the ids are slugs of the titles: deleted-…, draft-…, visible-….
      expect(body.data.project.resources).toEqual([null, null, { id: published, title: "Visible guide" }]);
      expect(body.data.project.resourceLinks).toEqual([
        { relation: "USED", note: "three", resource: null },
        { relation: "USED", note: "two", resource: null },
        { relation: "USED", note: "one", resource: { id: published, title: "Visible guide" } },
      ]);
    },
  );
});
