// postinstall: generates the Prisma client of every kind, offline. `prisma generate` never runs the
// schema engine, but the CLI insists on finding its file and otherwise tries to download it
// (which fails without internet): pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file is the
// verified way round (checked with prisma 7.10.1 offline: `generate` reads the variable but never runs
// the file). Plain JS so that it needs nothing but Node.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const kinds = ["resources", "networks", "projects", "catalogue"];
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(new URL("../package.json", import.meta.url)),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const kind of kinds) {
  const result = spawnSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "generate", "--schema", `subgraphs/${kind}/prisma/schema.prisma`],
    {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    },
  );
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? "");
    console.error(`prisma generate failed for ${kind}`);
    process.exit(result.status ?? 1);
  }
  console.log(`generated Prisma client for ${kind}`);
}
