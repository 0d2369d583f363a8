// Loads each kind's SDL contract (schema/<kind>.graphql), relative to this module so that it works
// from any working directory.
import { readFileSync } from "node:fs";
import { parse, type DocumentNode, Kind as AstKind } from "graphql";
import type { Kind } from "./kinds.ts";

const cache = new Map<Kind, string>();

export function contractPath(kind: Kind): string {
  return new URL(`./${kind}.graphql`, import.meta.url).pathname;
}

export function contractSdl(kind: Kind): string {
  let sdl = cache.get(kind);
  if (!sdl) {
    sdl = readFileSync(contractPath(kind), "utf8");
    cache.set(kind, sdl);
  }
  return sdl;
}

export function contractDocument(kind: Kind): DocumentNode {
  return parse(contractSdl(kind));
}

/**
 * The values of an enum declared in a contract. Enums are declared once, in the SDL; code that
 * validates input or seed data derives its allowed values from here.
 */
export function contractEnum(kind: Kind, name: string): [string, ...string[]] {
  for (const def of contractDocument(kind).definitions) {
    if (def.kind === AstKind.ENUM_TYPE_DEFINITION && def.name.value === name) {
      const values = (def.values ?? []).map((v) => v.name.value);
      if (values.length > 0) return values as [string, ...string[]];
    }
  }
  throw new Error(`enum ${name} is not declared in schema/${kind}.graphql`);
}
