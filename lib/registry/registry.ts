// The partner registry (schema/partners.json): who serves what, where. Parsed and checked here; the
// gateway, the catalogue, the demo launcher and docker-compose's test all read it through this. Its
// live reading (source.ts) and `npm run partner`'s edits (edit.ts) sit beside it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ALL_KINDS, type Kind } from "../../schema/kinds.ts";
import { PARTNER_ID_PATTERN } from "../../schema/ids.ts";
import { REGION_IDS } from "../../schema/vocabulary.ts";
import { licenceId } from "../../schema/licences.ts";
import organisations from "../../schema/organisations.json" with { type: "json" };
import { PROJECT_ROOT } from "../project-root.ts";

const organisationIds = new Set(organisations.organisations.map((o) => o.id));

/**
 * An address the gateway can call: http or https, with a host, written out in full. `z.url()`
 * alone takes any scheme (`htp:/not a url` parsed as a valid URL and took its partner offline), and
 * the WHATWG parser repairs `http:/host` and `http:///host` into a host it was never given.
 */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\/[^/?#\s@]/i.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}
export const HTTP_URL_MESSAGE = "must be an http:// or https:// URL with a host";
export const httpUrl = z.string().refine(isHttpUrl, HTTP_URL_MESSAGE);

export const partnerEntry = z
  .object({
    id: z.string().regex(PARTNER_ID_PATTERN, "partner ids are lowercase letters, digits and '-'"),
    name: z.string().min(1).max(200),
    organisation: z.string().refine((o) => organisationIds.has(o), "unknown organisation (schema/organisations.json)"),
    kind: z.enum(ALL_KINDS),
    port: z.number().int().min(1).max(65535),
    region: z.enum(REGION_IDS),
    enabled: z.boolean().default(true),
    /** Overrides the URL built from PARTNER_URL_TEMPLATE. */
    url: httpUrl.optional(),
    /**
     * The licence of this partner's resources that name none of their own (schema/licences.ts).
     * Absent: DEFAULT_LICENCE (OGL-UK-3.0). Only meaningful for resources partners.
     */
    defaultLicence: licenceId.optional(),
  })
  .strict();

export type PartnerEntry = z.infer<typeof partnerEntry>;

export const registryFile = z
  .object({ $comment: z.string().optional(), partners: z.array(partnerEntry) })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    const ports = new Set<number>();
    r.partners.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: "custom", path: ["partners", i, "id"], message: `duplicate partner id ${p.id}` });
      if (ports.has(p.port))
        ctx.addIssue({ code: "custom", path: ["partners", i, "port"], message: `duplicate port ${p.port}` });
      seen.add(p.id);
      ports.add(p.port);
    });
    if (r.partners.filter((p) => p.kind === "catalogue" && p.enabled).length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["partners"],
        message: "exactly one enabled catalogue partner is required",
      });
    }
  });

export interface Partner extends PartnerEntry {
  url: string;
}

export class Registry {
  readonly partners: readonly Partner[];
  private readonly byId: Map<string, Partner>;

  constructor(entries: readonly PartnerEntry[], urlTemplate: string) {
    this.partners = entries.map((p) => ({
      ...p,
      url: p.url ?? urlTemplate.replaceAll("{port}", String(p.port)).replaceAll("{id}", p.id),
    }));
    this.byId = new Map(this.partners.map((p) => [p.id, p]));
  }

  get(id: string): Partner | undefined {
    return this.byId.get(id);
  }

  /** Enabled partners of one kind. */
  ofKind(kind: Kind): Partner[] {
    return this.partners.filter((p) => p.kind === kind && p.enabled);
  }

  catalogue(): Partner {
    const c = this.ofKind("catalogue")[0];
    if (!c) throw new Error("the registry has no enabled catalogue");
    return c;
  }

  /** A copy with some partners' URLs replaced (tests and the launcher use ephemeral ports). */
  withUrls(urls: Record<string, string>): Registry {
    return new Registry(
      this.partners.map((p) => ({ ...p, url: urls[p.id] ?? p.url })),
      "unused",
    );
  }
}

/** A registry that does not validate; the message names every problem on one line. */
export class RegistryError extends Error {}

export function parseRegistry(json: unknown, urlTemplate: string): Registry {
  const parsed = registryFile.safeParse(json);
  if (!parsed.success) {
    throw new RegistryError(
      `invalid partner registry: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return new Registry(parsed.data.partners, urlTemplate);
}

/** Parses a registry file's text; a file that is not JSON is a RegistryError too. */
export function parseRegistryText(text: string, urlTemplate: string): Registry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RegistryError(`invalid partner registry: not JSON (${(e as Error).message})`);
  }
  return parseRegistry(json, urlTemplate);
}

export function loadRegistry(file: string, urlTemplate: string): Registry {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RegistryError(
      `partner registry ${file} unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseRegistryText(text, urlTemplate);
}

/**
 * The committed registry, at the project root from the sources and from the build alike (it is
 * edited in place, never copied into dist/: lib/project-root.ts).
 */
export const DEFAULT_REGISTRY_FILE = join(PROJECT_ROOT, "schema", "partners.json");
