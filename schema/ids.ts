// Global ids name their owner: `<partner>:<word>:<local>`, for example
// `essex-cc:project:care-home-safety`. The gateway routes an entity to its owner from the id
// alone, so the format is a routing contract: keep it parseable without any lookup.
import { z } from "zod";
import { ENTITY_OF_KIND, kindOfIdWord, type PartnerKind } from "./kinds.ts";

export const PARTNER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const LOCAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

export interface GlobalId {
  partner: string;
  kind: PartnerKind;
  local: string;
}

export function formatId(partner: string, kind: PartnerKind, local: string): string {
  return `${partner}:${ENTITY_OF_KIND[kind].idWord}:${local}`;
}

/** Parses a global id; returns undefined for anything that is not of the right shape. */
export function parseId(id: string): GlobalId | undefined {
  if (typeof id !== "string" || id.length > 160) return undefined;
  const parts = id.split(":");
  if (parts.length !== 3) return undefined;
  const [partner, word, local] = parts as [string, string, string];
  const kind = kindOfIdWord(word);
  if (!kind || !PARTNER_ID_PATTERN.test(partner) || !LOCAL_ID_PATTERN.test(local)) return undefined;
  return { partner, kind, local };
}

/** A zod schema for a global id of one kind (the message says what shape was expected). */
export function globalIdOf(kind: PartnerKind) {
  const word = ENTITY_OF_KIND[kind].idWord;
  return z.string().refine((s) => parseId(s)?.kind === kind, {
    message: `expected a ${word} id of the form <partner>:${word}:<local id>`,
  });
}
