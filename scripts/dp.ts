/**
 * `bun run dp …` (package.json): a package script runs in the repository's root, so `bun run dp` from
 * inside `demo/` would read the repository's own project.yaml. Go back to where the user typed it first:
 * npm, pnpm and yarn say so in INIT_CWD, Bun in npm_config_local_prefix.
 */
import { cli } from "../cli/main.ts";

const typedIn = process.env.INIT_CWD || process.env.npm_config_local_prefix;
if (typedIn && process.env.npm_lifecycle_event === "dp") process.chdir(typedIn);
await cli(process.argv.slice(2));
