// The authorisation matrix of issue 4, through the real gateway: who may read a draft, read a
// published item, create, update and delete, for every kind of caller; and a partner called
// directly, without the gateway's signature, refuses writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { startSystem, type TestSystem } from "../support/system.ts";
import { IdentitySigner } from "../../lib/auth/internal-tokens.ts";
import type { UserIdentity } from "../../lib/auth/identity.ts";

let sys: TestSystem;
const tokens: Record<string, string | undefined> = {};
const PUBLISHED = "improvement-hub:resource:nhsi-improvement-hub";

beforeAll(async () => {
  sys = await startSystem({
    only: (p) => ["improvement-hub", "leadership-academy", "national-catalogue"].includes(p.id),
  });
  tokens.anonymous = undefined;
  tokens.member = await sys.token({ user: "amira", organisation: "nhs-england", roles: ["editor"] });
  tokens.otherOrganisation = await sys.token({
    user: "lee",
    organisation: "nhs-leadership-academy",
    roles: ["editor"],
  });
  tokens.expired = await sys.token(
    { user: "amira", organisation: "nhs-england", roles: ["editor"] },
    { expiresIn: -120 },
  );
  tokens.forgedSignature = await sys.token(
    { user: "amira", organisation: "nhs-england", roles: ["editor"] },
    { secret: "x".repeat(43) },
  );
  tokens.otherAudience = await sys.token(
    { user: "amira", organisation: "nhs-england", roles: ["editor"] },
    { audience: "some-other-api" },
  );
}, 120_000);
afterAll(async () => {
  await sys?.close();
});

const key = () => `test-${randomUUID()}`;
const RESOURCE_FIELDS = "id title status organisation { id }";

async function createDraft(title = "Falls huddle guide"): Promise<string> {
  const { body } = await sys.queryAs(
    tokens.member,
    `mutation($input: CreateResourceInput!, $key: String!) { createResource(input: $input, idempotencyKey: $key) { ${RESOURCE_FIELDS} } }`,
    { input: { title, kind: "GUIDE", summary: "How a ward runs a falls safety huddle." }, key: key() },
  );
  expect(body.errors).toBeUndefined();
  return body.data.createResource.id;
}

const actions = {
  readDraft: async (token: string | undefined) => {
    const draft = await createDraft();
    return sys.queryAs(token, `query($id: ID!) { resourceFromOwner(id: $id) { ${RESOURCE_FIELDS} } }`, { id: draft });
  },
  readPublished: (token: string | undefined) =>
    sys.queryAs(token, `query($id: ID!) { resourceFromOwner(id: $id) { ${RESOURCE_FIELDS} } }`, { id: PUBLISHED }),
  // A create in the owning organisation's partner (named, so another organisation's token cannot land elsewhere).
  create: (token: string | undefined) =>
    sys.queryAs(
      token,
      `mutation($key: String!) { createResource(input: { title: "Sepsis screening toolkit", kind: TOOLKIT }, idempotencyKey: $key, partner: "improvement-hub") { ${RESOURCE_FIELDS} } }`,
      { key: key() },
    ),
  update: async (token: string | undefined) => {
    const draft = await createDraft();
    return sys.queryAs(
      token,
      `mutation($id: ID!, $key: String!) { updateResource(id: $id, input: { title: "Renamed" }, idempotencyKey: $key) { ${RESOURCE_FIELDS} } }`,
      {
        id: draft,
        key: key(),
      },
    );
  },
  delete: async (token: string | undefined) => {
    const draft = await createDraft();
    return sys.queryAs(
      token,
      `mutation($id: ID!, $key: String!) { deleteResource(id: $id, idempotencyKey: $key) { id } }`,
      { id: draft, key: key() },
    );
  },
};

type Expect = "allowed" | "null" | "UNAUTHENTICATED" | "FORBIDDEN" | "401";
// Rows: callers. Columns: read draft, read published, create, update, delete.
const MATRIX: Record<string, Record<keyof typeof actions, Expect>> = {
  anonymous: {
    readDraft: "null",
    readPublished: "allowed",
    create: "UNAUTHENTICATED",
    update: "UNAUTHENTICATED",
    delete: "UNAUTHENTICATED",
  },
  member: { readDraft: "allowed", readPublished: "allowed", create: "allowed", update: "allowed", delete: "allowed" },
  otherOrganisation: {
    readDraft: "null",
    readPublished: "allowed",
    create: "FORBIDDEN",
    update: "FORBIDDEN",
    delete: "FORBIDDEN",
  },
  expired: { readDraft: "401", readPublished: "401", create: "401", update: "401", delete: "401" },
  forgedSignature: { readDraft: "401", readPublished: "401", create: "401", update: "401", delete: "401" },
  otherAudience: { readDraft: "401", readPublished: "401", create: "401", update: "401", delete: "401" },
};

describe("authorisation matrix through the gateway", { timeout: 60_000 }, () => {
  const cases = Object.entries(MATRIX).flatMap(([caller, row]) =>
    Object.entries(row).map(([action, expected]) => [caller, action, expected] as const),
  );
  it.each(cases)("%s / %s → %s", async (caller, action, expected) => {
    const { status, body } = await actions[action as keyof typeof actions](tokens[caller]);
    const field = Object.keys(body.data ?? {})[0];
    const value = field ? body.data[field] : undefined;
    switch (expected) {
      case "allowed":
        expect(body.errors).toBeUndefined();
        expect(value).toBeTruthy();
        break;
      case "null":
        expect(body.errors).toBeUndefined();
        expect(value).toBeNull();
        break;
      case "401":
        expect(status).toBe(401);
        expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
        expect(body.data ?? null).toBeNull();
        break;
      default:
        expect(body.errors?.[0]?.extensions?.code).toBe(expected);
        expect(value ?? null).toBeNull();
    }
  });

  it("says why a token is refused", async () => {
    const expired = await sys.queryAs(tokens.expired, `{ framework { title } }`);
    expect(expired.body.errors[0]).toMatchObject({
      message: "The token has expired",
      extensions: { code: "UNAUTHENTICATED", reason: "expired" },
    });
    const audience = await sys.queryAs(tokens.otherAudience, `{ framework { title } }`);
    expect(audience.body.errors[0].extensions.reason).toBe("audience");
    const forged = await sys.queryAs(tokens.forgedSignature, `{ framework { title } }`);
    expect(forged.body.errors[0].extensions.reason).toBe("signature");
  });

  it("a refused write changes nothing: the draft keeps its title", async () => {
    const draft = await createDraft("Original title");
    const refused = await sys.queryAs(
      tokens.otherOrganisation,
      `mutation($id: ID!) { updateResource(id: $id, input: { title: "Hijacked" }, idempotencyKey: "hijack-attempt-1") { id } }`,
      { id: draft },
    );
    expect(refused.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const read = await sys.queryAs(
      tokens.member,
      `query($id: ID!) { resourceFromOwner(id: $id) { title auditTrail { mutation actor } } }`,
      { id: draft },
    );
    expect(read.body.data.resourceFromOwner.title).toBe("Original title");
    expect(read.body.data.resourceFromOwner.auditTrail).toEqual([
      { mutation: "createResource", actor: "amira@nhs-england" },
    ]);
  });

  it("an editor of another organisation creating without naming a partner writes to its own partner only", async () => {
    const { body } = await sys.queryAs(
      tokens.otherOrganisation,
      `mutation { createResource(input: { title: "Coaching guide", kind: GUIDE }, idempotencyKey: "lee-coaching-1") { id organisation { id } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createResource.id).toMatch(/^leadership-academy:resource:/);
    expect(body.data.createResource.organisation.id).toBe("nhs-leadership-academy");
  });

  it("a viewer of the owning organisation reads drafts but cannot write", async () => {
    const viewer = await sys.token({ user: "val", organisation: "nhs-england", roles: ["viewer"] });
    const draft = await createDraft();
    const read = await sys.queryAs(viewer, `query($id: ID!) { resourceFromOwner(id: $id) { id } }`, { id: draft });
    expect(read.body.data.resourceFromOwner.id).toBe(draft);
    const write = await sys.queryAs(
      viewer,
      `mutation($id: ID!) { publishResource(id: $id, idempotencyKey: "viewer-publish-1") { id } }`,
      { id: draft },
    );
    expect(write.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("the audit trail is the owner's: others get FORBIDDEN", async () => {
    const { body } = await sys.queryAs(
      tokens.otherOrganisation,
      `query($id: ID!) { resourceFromOwner(id: $id) { title auditTrail { mutation } } }`,
      { id: PUBLISHED },
    );
    expect(body.data.resourceFromOwner.title).toBeTruthy();
    expect(body.data.resourceFromOwner.auditTrail).toBeNull();
    expect(body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("a partner called directly, not through the gateway", () => {
  const mutation = `mutation { createResource(input: { title: "Direct write", kind: GUIDE }, idempotencyKey: "direct-write-1") { id } }`;
  const post = (headers: Record<string, string>) =>
    fetch(sys.partners.get("improvement-hub")!.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: mutation }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const member: UserIdentity = {
    kind: "user",
    issuer: "test-idp",
    user: "amira",
    organisation: "nhs-england",
    roles: ["editor"],
  };

  it("refuses a write without the gateway's signature", async () => {
    const { body } = await post({});
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(body.data).toBeNull();
  });

  it("refuses a write signed by another key", async () => {
    const impostor = new IdentitySigner(
      createPrivateKey(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" })),
    );
    const { body } = await post(await impostor.headers(member, "improvement-hub"));
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a forward signed for another partner", async () => {
    const { body } = await post(await sys.signer.headers(member, "leadership-academy"));
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("accepts the gateway's signature for this partner", async () => {
    const { body } = await post(await sys.signer.headers(member, "improvement-hub"));
    expect(body.errors).toBeUndefined();
    expect(body.data.createResource.id).toMatch(/^improvement-hub:resource:/);
  });
});
