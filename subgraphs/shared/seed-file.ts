// Reads and validates a partner's seed file: subgraphs/<kind>/seed/<partner>.json. A partner
// without one starts empty (that is how a new partner joins).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import type { PartnerKind } from "../../schema/kinds.ts";

export function seedFilePath(kind: PartnerKind, partnerId: string): string {
  return fileURLToPath(new URL(`../${kind}/seed/${partnerId}.json`, import.meta.url));
}

export function readSeedFile<T extends z.ZodType>(
  kind: PartnerKind,
  partnerId: string,
  schema: T,
): z.infer<T> | undefined {
  const file = seedFilePath(kind, partnerId);
  if (!existsSync(file)) return undefined;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid seed file ${file}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}
