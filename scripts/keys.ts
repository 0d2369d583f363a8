// npm run keys > .env: a fresh set of identity keys for a deployment (docker-compose reads .env):
// the HS256 secret user tokens are checked with and their issuer (replace them with AUTH_PUBLIC_KEY
// or AUTH_JWKS_URL and your identity provider's issuer), the gateway's Ed25519 pair and the national
// catalogue's own pair. PEM newlines are written as "\n" so each key fits on one line; lib/config.ts
// turns them back.
import { generateDevKeys } from "../lib/auth/keys.ts";

const keys = generateDevKeys();
const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");
console.log(`# Identity keys made by npm run keys on ${new Date().toISOString().slice(0, 10)}. Keep this file secret.`);
console.log(`AUTH_JWT_SECRET=${keys.authSecret}`);
// Production requires an issuer: tokens signed with the secret above must say this \`iss\`.
console.log(`AUTH_ISSUER=national-catalogue-local`);
console.log(`GATEWAY_SIGNING_KEY="${oneLine(keys.signingKey)}"`);
console.log(`GATEWAY_VERIFY_KEY="${oneLine(keys.verifyKey)}"`);
console.log(`CATALOGUE_SIGNING_KEY="${oneLine(keys.catalogueSigningKey)}"`);
console.log(`CATALOGUE_VERIFY_KEY="${oneLine(keys.catalogueVerifyKey)}"`);
