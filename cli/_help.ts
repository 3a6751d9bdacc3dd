import type { CommandDef, CommandMeta } from "citty";
import { aliasesOf, argsOf, loadSubCommands, type DpArgDef } from "./_argv.ts";
import { color } from "./_common.ts";

/** The help page of one command (its own flags, subcommands and examples), dp's layout rather than citty's. */
export async function renderHelp(path: string[], cmd: CommandDef<any>): Promise<string> {
  const meta = ((await (typeof cmd.meta === "function" ? cmd.meta() : cmd.meta)) ?? {}) as CommandMeta;
  const name = path.join(" ");
  const defs = await argsOf(cmd);
  const subs = await loadSubCommands(cmd);
  const positionals = Object.entries(defs).filter(([, d]) => d.type === "positional");
  const flags = Object.entries(defs).filter(([, d]) => d.type !== "positional");
  const usage = [
    name,
    subs ? "COMMAND" : "",
    ...positionals.map(([k, d]) => (d.required ? k.toUpperCase() : `[${k.toUpperCase()}]`)),
    flags.length ? "[flags]" : "",
  ].filter(Boolean);
  const lines = [`${color.bold(name)} — ${meta.description ?? ""}`, "", `${color.bold("Usage:")} ${usage.join(" ")}`];
  if (subs) {
    lines.push("", color.bold("Commands:"));
    const subMetas = await Promise.all(
      Object.entries(subs).map(
        async ([n, c]) => [n, (await (typeof c.meta === "function" ? c.meta() : c.meta)) as CommandMeta] as const,
      ),
    );
    lines.push(...columns(subMetas.filter(([, m]) => !m?.hidden).map(([n, m]) => [n, m?.description ?? ""])));
  }
  if (positionals.length) {
    lines.push("", color.bold("Arguments:"));
    lines.push(...columns(positionals.map(([k, d]) => [k.toUpperCase(), describe(d)])));
  }
  if (flags.length || !subs) {
    lines.push("", color.bold("Flags:"));
    lines.push(
      ...columns([...flags.map(([k, d]) => [flagLabel(k, d), describe(d)]), ["-h, --help", "show this help"]]),
    );
  }
  if (meta.examples?.length) lines.push("", color.bold("Examples:"), ...meta.examples.map((e) => `  ${e}`));
  if (subs) lines.push("", `Run \`${name} COMMAND --help\` for a command's flags and examples.`);
  return lines.join("\n");
}

function flagLabel(key: string, def: DpArgDef): string {
  const aliases = aliasesOf(def);
  const short = aliases.find((a) => a.length === 1);
  const value =
    def.type === "boolean"
      ? ""
      : ` ${def.type === "enum" ? (def.options ?? []).join("|") : (def.valueHint ?? "VALUE")}`;
  const negatable = def.type === "boolean" && def.default === true ? ` / --no-${key}` : "";
  return `${short ? `-${short}, ` : "    "}--${key}${value}${negatable}`;
}

function describe(def: DpArgDef): string {
  const dflt =
    def.default !== undefined && def.default !== false && def.default !== "" && def.type !== "boolean"
      ? ` (default: ${def.default})`
      : "";
  return `${def.description ?? ""}${dflt}`;
}

function columns(rows: string[][]): string[] {
  const width = Math.min(34, Math.max(...rows.map((r) => r[0]!.length)));
  return rows.map(([a, b]) =>
    a!.length > width ? `  ${a}\n  ${" ".repeat(width)}  ${b}` : `  ${a!.padEnd(width)}  ${b}`,
  );
}
