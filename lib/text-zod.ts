// Free text at the edge: every kind's inputs and the catalogue's search build their strings here, so
// that one rule refuses what no database can store. PostgreSQL's text type cannot hold a NUL
// character, and a lone UTF-16 surrogate is not Unicode at all (it cannot be encoded as UTF-8):
// both used to travel to the database and come back as INTERNAL_SERVER_ERROR. Refused here, they
// are a BAD_USER_INPUT naming the argument path, and nothing is written.
import { z } from "zod";

// eslint-disable-next-line no-control-regex -- matching NUL is the point: PostgreSQL text cannot hold it
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";

/** True when PostgreSQL can store `s` as text: no NUL, no unpaired surrogate. */
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);

/** The base of every free-text input: a string the database can store. */
export const storableString = () => z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

/** Required text, trimmed, 1 to `max` characters. */
export const text = (max: number) =>
  storableString().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** Optional text, trimmed, at most `max` characters; null clears it. */
export const optionalText = (max: number) =>
  storableString().trim().max(max, `must be at most ${max} characters`).nullable();
