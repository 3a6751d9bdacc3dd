import type { ArgDef, CommandDef, Resolvable } from "citty";
import { didYouMean } from "../engine/closest-name.ts";
import { DpError } from "../engine/errors.ts";

/**
 * What citty leaves open, closed in one place every command goes through: the command path is resolved
 * (unknown names get the closest one), every flag is checked against the command's own args (unknown
 * flags and bad values are exit 2 before any work starts), and `--help` shows the help of the command
 * actually named, nested ones too.
 */

declare module "citty" {
  interface CommandMeta {
    /** full command lines shown under "Examples" in the command's help */
    examples?: string[];
  }
}

/** citty's ArgDef plus what dp checks before a command runs. */
export type DpArgDef = ArgDef & {
  /** a problem with the value ("a whole number above 0"), or undefined when it is fine */
  check?: (value: string) => string | undefined;
  /** dbt-style: `--select a b` takes every word up to the next flag; repeating the flag adds to it */
  variadic?: boolean;
};

export const aliasesOf = (def: DpArgDef): string[] => [(def as { alias?: string | string[] }).alias ?? []].flat();

export interface ResolvedCommand {
  /** ["dp", "schedule", "install"] */
  path: string[];
  cmd: CommandDef<any>;
  /** true when the path ends at a group (a command with subcommands) */
  group: boolean;
  /** the leaf's arguments rewritten for citty: `--name=value` pairs, then `--`, then positionals */
  argv: string[];
  help: boolean;
}

const resolve = async <T>(v: Resolvable<T>): Promise<T> =>
  typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;

export async function argsOf(cmd: CommandDef<any>): Promise<Record<string, DpArgDef>> {
  return ((await resolve(cmd.args ?? {})) ?? {}) as Record<string, DpArgDef>;
}

type SubCommands = Record<string, Resolvable<CommandDef<any>>>;

/** A group's subcommands, unresolved: a command loads only the one module it runs. */
async function subCommandsOf(cmd: CommandDef<any>): Promise<SubCommands | undefined> {
  const subs = (await resolve(cmd.subCommands)) as SubCommands | undefined;
  return subs && Object.keys(subs).length ? subs : undefined;
}

/** Every subcommand loaded, for a group's help page. */
export async function loadSubCommands(cmd: CommandDef<any>): Promise<Record<string, CommandDef<any>> | undefined> {
  const subs = await subCommandsOf(cmd);
  if (!subs) return undefined;
  const out: Record<string, CommandDef<any>> = {};
  for (const [name, sub] of Object.entries(subs)) out[name] = await resolve(sub);
  return out;
}

/** flags that name a value, for skipping them while looking for a subcommand (`dp -C demo run`) */
const GROUP_VALUE_FLAGS = new Set(["-C", "--project", "--log-format"]);

/** Walks argv down the command tree, then checks the leaf's flags; throws DpError("USAGE") on anything wrong. */
export async function resolveCommand(root: CommandDef<any>, argv: string[]): Promise<ResolvedCommand> {
  const end = argv.indexOf("--");
  const flagPart = end === -1 ? argv : argv.slice(0, end);
  const help = flagPart.includes("--help") || flagPart.includes("-h");
  let rest = argv.filter((a, i) => !(a === "--help" || a === "-h") || (end !== -1 && i > end));
  const path = ["dp"];
  let cmd = root;
  if (rest[0] === "help") return resolveCommand(root, [...rest.slice(1), "--help"]);
  for (let subs = await subCommandsOf(cmd); subs; subs = await subCommandsOf(cmd)) {
    const at = firstWord(rest);
    if (at === -1) {
      if (help || path.length === 1) return { path, cmd, group: true, argv: [], help: true };
      throw new DpError("USAGE", `\`${path.join(" ")}\` needs a command: ${Object.keys(subs).join(", ")}`, {
        where: path.join(" "),
        fix: `run \`${path.join(" ")} --help\``,
      });
    }
    const name = rest[at]!;
    if (!subs[name]) {
      throw new DpError("USAGE", `unknown command \`${[...path, name].join(" ")}\``, {
        where: path.join(" "),
        fix: `${didYouMean(name, Object.keys(subs), { quote: (s) => `\`${[...path, s].join(" ")}\`` })} (\`${path.join(" ")} --help\` lists them)`,
      });
    }
    cmd = await resolve(subs[name]);
    path.push(name);
    rest = [...rest.slice(0, at), ...rest.slice(at + 1)];
  }
  if (help) return { path, cmd, group: false, argv: [], help: true };
  return { path, cmd, group: false, argv: await checkArgs(path, cmd, rest), help: false };
}

function firstWord(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return -1;
    if (GROUP_VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith("-")) return i;
  }
  return -1;
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** Every flag known, every value checked, every required argument present; the argv citty then parses. */
async function checkArgs(path: string[], cmd: CommandDef<any>, args: string[]): Promise<string[]> {
  const defs = await argsOf(cmd);
  const cmdName = path.join(" ");
  const long = new Map<string, string>();
  const short = new Map<string, string>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    long.set(key, key).set(kebab(key), key);
    for (const a of aliasesOf(def)) (a.length === 1 ? short : long).set(a, key);
  }
  const positionalDefs = Object.entries(defs).filter(([, d]) => d.type === "positional");
  const values = new Map<string, string | boolean>();
  const positionals: string[] = [];
  const usage = (message: string, fix: string) =>
    new DpError("USAGE", message, { where: cmdName, fix: `${fix} (\`${cmdName} --help\` shows its flags)` });
  const take = (key: string, value: string) => {
    const def = defs[key]!;
    const prev = values.get(key);
    values.set(key, def.variadic && typeof prev === "string" ? `${prev} ${value}` : value);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-" || /^-\d/.test(a)) {
      positionals.push(a);
      continue;
    }
    const isLong = a.startsWith("--");
    const eq = a.indexOf("=");
    const name = isLong ? a.slice(2, eq === -1 ? undefined : eq) : a.slice(1, 2);
    let inline = isLong
      ? eq === -1
        ? undefined
        : a.slice(eq + 1)
      : a.length > 2
        ? a.slice(2).replace(/^=/, "")
        : undefined;
    let key = isLong ? long.get(name) : short.get(name);
    let negated = false;
    if (!key && isLong && name.startsWith("no-") && defs[long.get(name.slice(3)) ?? ""]?.type === "boolean") {
      key = long.get(name.slice(3));
      negated = true;
    }
    if (!key) {
      const flags = [...new Set(long.values())].map((k) => `--${k}`);
      throw usage(`unknown flag ${isLong ? "--" : "-"}${name} for \`${cmdName}\``, didYouMean(`--${name}`, flags));
    }
    const def = defs[key]!;
    if (def.type === "boolean") {
      if (inline !== undefined && !/^(true|false)$/.test(inline))
        throw usage(`--${key}=${inline}: a switch takes no value`, `write --${key} or --no-${key}`);
      values.set(key, negated ? false : inline !== "false");
      continue;
    }
    if (inline === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next)))
        throw usage(`--${key} needs a value`, `e.g. --${key} ${def.valueHint ?? "VALUE"}`);
      inline = next;
      i++;
    }
    take(key, inline);
    // dbt's `--select a b`: the words after a selector flag belong to it when the command takes no words of its own
    if (def.variadic && !positionalDefs.length)
      while (i + 1 < args.length && !args[i + 1]!.startsWith("-")) take(key, args[++i]!);
  }
  for (const [key, value] of values) if (typeof value === "string") checkValue(key, defs[key]!, value, usage);
  if (!positionalDefs.length && positionals.length) {
    const hint = defs.select
      ? `to pick models: ${cmdName} --select ${positionals.join(" ")}`
      : `run ${cmdName} without it`;
    throw usage(`\`${cmdName}\` takes no argument "${positionals[0]}"`, hint);
  }
  positionalDefs.forEach(([key, def], i) => {
    if (def.required && positionals[i] === undefined) {
      const example = (cmd.meta as { examples?: string[] } | undefined)?.examples?.[0];
      throw usage(
        `\`${cmdName}\` needs ${key.toUpperCase()}`,
        example ? `e.g. ${example}` : `${cmdName} ${key.toUpperCase()}`,
      );
    }
  });
  for (const [key, def] of Object.entries(defs))
    if (def.type !== "positional" && def.required && !values.has(key))
      throw usage(`\`${cmdName}\` needs --${key}`, `e.g. ${cmdName} --${key} ${def.valueHint ?? "VALUE"}`);
  const flags = [...values].map(([k, v]) => (v === false ? `--no-${k}` : v === true ? `--${k}` : `--${k}=${v}`));
  return [...flags, "--", ...positionals];
}

function checkValue(key: string, def: DpArgDef, value: string, usage: (m: string, f: string) => DpError): void {
  if (def.type === "enum" && def.options?.length && !def.options.includes(value))
    throw usage(`--${key} ${value} is not one of ${def.options.join(", ")}`, didYouMean(value, def.options));
  const problem = def.check?.(value);
  if (problem)
    throw usage(
      `--${key} ${JSON.stringify(value)}: expected ${problem}`,
      `e.g. --${key} ${def.valueHint ?? ""}`.trimEnd(),
    );
}
