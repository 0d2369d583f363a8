// npm run partner -- list | add --id … | remove <id> | enable <id> | disable <id> | check [<id>]
// Edits and checks the partner registry (REGISTRY_FILE, default schema/partners.json). A running
// gateway and catalogue pick the change up within REGISTRY_POLL_MS, without a restart.
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadConfigOrExit } from "../lib/config.ts";
import { addPartner, RegistryEditError, removePartner, setEnabled } from "../lib/registry/edit.ts";
import { SchemaChecker } from "../lib/contract/checker.ts";
import { loadRegistry, RegistryError } from "../lib/registry/registry.ts";

const config = loadConfigOrExit();
const file = config.REGISTRY_FILE;
const [command, ...rest] = process.argv.slice(2);

const usage = `usage: npm run partner -- <command>
  list                                   the registry, one partner a line
  add --id ID --name NAME --organisation ORG --kind KIND --port PORT --region REGION [--url URL] [--disabled]
  remove ID | enable ID | disable ID
  check [ID]                             validate the file, then check each enabled partner's schema against its contract`;

async function main(): Promise<number> {
  switch (command) {
    case "list": {
      const registry = loadRegistry(file, config.PARTNER_URL_TEMPLATE);
      for (const p of registry.partners) {
        console.log(
          [
            p.id.padEnd(20),
            p.kind.padEnd(10),
            (p.enabled ? "enabled" : "disabled").padEnd(9),
            p.url.padEnd(36),
            p.name,
          ].join(" "),
        );
      }
      return 0;
    }
    case "add": {
      const { values } = parseArgs({
        args: rest,
        options: {
          id: { type: "string" },
          name: { type: "string" },
          organisation: { type: "string" },
          kind: { type: "string" },
          port: { type: "string" },
          region: { type: "string" },
          url: { type: "string" },
          disabled: { type: "boolean" },
        },
      });
      const entry = {
        ...values,
        port: values.port === undefined ? undefined : Number(values.port),
        enabled: !values.disabled,
        disabled: undefined,
      };
      const added = addPartner(file, JSON.parse(JSON.stringify(entry)));
      console.log(`added ${added.id} (${added.kind}) to ${file}`);
      return 0;
    }
    case "remove":
    case "enable":
    case "disable": {
      const id = rest[0];
      if (!id) throw new RegistryEditError(`${command} needs a partner id`);
      if (command === "remove") removePartner(file, id);
      else setEnabled(file, id, command === "enable");
      console.log(`${command}d ${id} in ${file}`);
      return 0;
    }
    case "check": {
      const registry = loadRegistry(file, config.PARTNER_URL_TEMPLATE);
      console.log(`${file}: valid, ${registry.partners.length} partners`);
      const checker = new SchemaChecker(config.PARTNER_TIMEOUT_MS, 0, pino({ level: "silent" }));
      const targets = registry.partners.filter(
        (p) => p.enabled && p.kind !== "catalogue" && (!rest[0] || p.id === rest[0]),
      );
      if (rest[0] && targets.length === 0) throw new RegistryEditError(`no enabled partner ${rest[0]}`);
      let bad = 0;
      for (const p of targets) {
        const v = await checker.check(p);
        if (v.status !== "ok") bad++;
        console.log(`${p.id.padEnd(20)} ${v.status === "ok" ? "ok" : `${v.status}: ${v.reason}`}`);
      }
      return bad === 0 ? 0 : 1;
    }
    default:
      console.error(usage);
      return command ? 1 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof RegistryEditError || e instanceof RegistryError ? `partner: ${e.message}` : e);
    process.exit(1);
  },
);
