import { join } from "node:path";
import { packFromFolder } from "../pack-files.ts";

/** The Stripe model pack: the source block, staging per stream, billing marts with metrics, golden questions. */
export const stripePack = () =>
  packFromFolder(
    {
      name: "stripe",
      connector: "stripe",
      description:
        "Stripe billing: MRR and its movements, churn, NRR/GRR, ARPA, trials, revenue collected, failed payments",
    },
    join(import.meta.dir, "pack"),
  );
