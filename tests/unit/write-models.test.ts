// The write models every partner kind shares (WriteReceipt for idempotency, AuditEntry for the
// append-only log) are written once, in subgraphs/shared/prisma/writes.prisma, and copied into each
// kind's schema.prisma between BEGIN/END markers (Prisma has no include). A copy edited by hand, or
// left behind when the source changed, would give one kind other idempotency or audit columns than
// the shared code (subgraphs/shared/writes.ts) writes: this keeps every copy identical to the source.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { PARTNER_KINDS } from "../../schema/kinds.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const BEGIN = "// BEGIN shared write models";
const END = "// END shared write models";

function block(text: string, where: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(start, `${where} has the BEGIN marker`).toBeGreaterThanOrEqual(0);
  expect(end, `${where} has the END marker after it`).toBeGreaterThan(start);
  expect(text.indexOf(BEGIN, start + 1), `${where} has one copy`).toBe(-1);
  return text.slice(start, end + END.length);
}

describe("the shared write models", () => {
  const source = block(read("subgraphs/shared/prisma/writes.prisma"), "writes.prisma");

  it("hold the idempotency receipt and the audit log", () => {
    expect(source).toMatch(/^model WriteReceipt \{/m);
    expect(source).toMatch(/^model AuditEntry \{/m);
  });

  it.each(PARTNER_KINDS)("are copied unchanged into the %s schema", (kind) => {
    expect(block(read(`subgraphs/${kind}/prisma/schema.prisma`), `${kind}/prisma/schema.prisma`)).toBe(source);
  });
});
