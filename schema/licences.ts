// The licences a resource may carry: one list, used by the registry (a partner's default), the
// resources partners' write validation, and the gateway's open export (DCAT `dct:license`). Ids are
// SPDX licence identifiers (https://spdx.org/licenses/); OGL-UK-3.0, the Open Government Licence
// most public-sector content in England is published under, is one of them.
import { z } from "zod";

export const LICENCE_IDS = [
  "OGL-UK-3.0",
  "CC-BY-4.0",
  "CC-BY-SA-4.0",
  "CC-BY-NC-4.0",
  "CC-BY-NC-SA-4.0",
  "CC-BY-ND-4.0",
  "CC-BY-NC-ND-4.0",
  "CC0-1.0",
  "MIT",
  "Apache-2.0",
] as const;

export type LicenceId = (typeof LICENCE_IDS)[number];

/**
 * The licence of a resource whose partner names no default: the Open Government Licence, under
 * which NHS England and most national bodies publish their guidance.
 */
export const DEFAULT_LICENCE: LicenceId = "OGL-UK-3.0";

export const licenceId = z.enum(LICENCE_IDS, { message: `must be one of ${LICENCE_IDS.join(", ")} (SPDX ids)` });

/** What a resource is licensed under: its own licence, else its partner's default, else DEFAULT_LICENCE. */
export function effectiveLicence(own: string | null | undefined, partnerDefault: string | null | undefined): string {
  return own ?? partnerDefault ?? DEFAULT_LICENCE;
}

/** The licence's IRI, as DCAT's dct:license and schema.org's license take it (SPDX's page for the id). */
export function licenceIri(id: string): string {
  return `https://spdx.org/licenses/${id}.html`;
}
