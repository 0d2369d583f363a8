// npm run token -- --org <organisation> [--role editor] [--user <id>] [--expires 8h]
// Issues a development user token the local gateway accepts: signed with AUTH_JWT_SECRET, or with
// the development secret in DATA_DIR/dev-keys.json that `npm start` uses. Prints only the token on
// stdout, so `TOKEN=$(npm run -s token -- --org essex-cc)` works; how to use it goes to stderr.
import { parseArgs } from "node:util";
import { loadConfigOrExit } from "../lib/config.ts";
import { issueToken } from "../lib/auth/dev-tokens.ts";
import { loadDevKeys } from "../lib/auth/keys.ts";
import { ROLES, type Role } from "../schema/roles.ts";
import organisations from "../schema/organisations.json" with { type: "json" };

const { values } = parseArgs({
  options: {
    org: { type: "string" },
    role: { type: "string", multiple: true },
    user: { type: "string" },
    expires: { type: "string", default: "8h" },
  },
});
const known = organisations.organisations.map((o) => o.id);
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
if (!values.org || !known.includes(values.org)) fail(`--org must be one of: ${known.join(", ")}`);
const roles = (values.role ?? ["editor"]) as Role[];
for (const r of roles) if (!ROLES.includes(r)) fail(`--role must be one of: ${ROLES.join(", ")} (got ${r})`);
if (!/^\d+[smhd]$/.test(values.expires!)) fail("--expires is a number and a unit: 30m, 8h, 1d");

const config = loadConfigOrExit();
if (config.NODE_ENV === "production")
  fail("npm run token issues development tokens only; production tokens come from your identity provider");
if (config.AUTH_PUBLIC_KEY || config.AUTH_JWKS_URL)
  fail("this gateway verifies tokens from an identity provider (AUTH_PUBLIC_KEY / AUTH_JWKS_URL): ask it for a token");
const lifetimeS =
  Number(values.expires!.slice(0, -1)) *
  { s: 1, m: 60, h: 3600, d: 86_400 }[values.expires!.slice(-1) as "s" | "m" | "h" | "d"];
if (lifetimeS > config.AUTH_MAX_TOKEN_LIFETIME_S)
  fail(
    `--expires ${values.expires} is longer than the gateway accepts (AUTH_MAX_TOKEN_LIFETIME_S=${config.AUTH_MAX_TOKEN_LIFETIME_S} s)`,
  );
const secret = config.AUTH_JWT_SECRET ?? loadDevKeys(config.DATA_DIR).authSecret;
const user = values.user ?? `dev-${values.org}`;
const token = await issueToken(
  { user, organisation: values.org!, roles },
  { secret, audience: config.AUTH_AUDIENCE, issuer: config.AUTH_ISSUER, expiresIn: values.expires },
);
console.log(token);
console.error(
  `token for ${user} of ${values.org} (${roles.join(", ")}), valid ${values.expires}: send it as "Authorization: Bearer <token>"`,
);
