import { join } from "node:path";
import { packFromFolder } from "../pack-files.ts";

/** The HubSpot model pack: the source block, staging per stream, sales marts with metrics, golden questions. */
export const hubspotPack = () =>
  packFromFolder(
    {
      name: "hubspot",
      connector: "hubspot",
      description:
        "HubSpot CRM: open pipeline as a stock by stage and owner, deals won and lost, win rate, average won deal size, sales cycle",
    },
    join(import.meta.dir, "pack"),
  );
