import { COMPANY_SIZES, COUNTRIES, INDUSTRIES, companyName, contactName, domainOf } from "../company.ts";
import { customerId, isTestAccount } from "../lifecycle.ts";
import { intBetween, pick, rngFor, weighted } from "../random.ts";
import { DAY, HOUR, iso, toSecond } from "../time.ts";
import type { Emitted } from "../world.ts";
import { visibleAt } from "./mess.ts";
import { inOrder, type DemoStream } from "./stream.ts";

const CUSTOMERS = 21;

export const customers: DemoStream = {
  name: "customers",
  spec: {
    name: "customers",
    description: "billing accounts; a later row with a newer updated_at replaces an earlier one",
    primaryKey: ["customer_id"],
    cursorField: "updated_at",
    columns: {
      customer_id: "VARCHAR",
      name: "VARCHAR",
      email: "VARCHAR",
      country: "VARCHAR",
      company_size: "VARCHAR",
      industry: "VARCHAR",
      created_at: "TIMESTAMPTZ",
      updated_at: "TIMESTAMPTZ",
    },
  },
  windowMs: DAY,
  leadMs: 0,
  entity(world, index, signupAt) {
    const rng = rngFor(world.seed, index, CUSTOMERS);
    const test = isTestAccount(world.seed, index);
    const company = companyName(index);
    const [first, last] = contactName(index);
    const cleanEmail = `${first}.${last}@${domainOf(company)}`
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    let name = company;
    let email = cleanEmail;
    if (test) {
      if (rng() < 0.5) name = `TEST ${company}`;
      else email = `qa+${index}@example.com`;
    }
    const messy = rng() < 0.15;
    const shownEmail = messy
      ? ` ${email.replace(/^./, (c) => c.toUpperCase()).replace(/@.*/, (d) => d.toUpperCase())} `
      : email;
    const country = weighted(rng, COUNTRIES);
    const size = weighted(rng, COMPANY_SIZES);
    const countryKnown = rng() >= 0.2;
    const sizeKnown = rng() >= 0.35;
    const base = {
      customer_id: customerId(index),
      name,
      industry: pick(rng, INDUSTRIES),
      created_at: iso(signupAt),
    };
    const rows: Emitted[] = [];
    const v1 = {
      ...base,
      email: shownEmail,
      country: countryKnown ? country : null,
      company_size: sizeKnown ? size : null,
      updated_at: iso(signupAt),
    };
    rows.push({ t: signupAt, visibleAt: signupAt, record: v1 });
    // enrichment fills some gaps later; a few stay unknown forever
    if (rng() < 0.4) {
      const at = toSecond(signupAt + intBetween(rng, 1, 45) * DAY + intBetween(rng, 0, 23) * HOUR);
      const v2 = {
        ...base,
        email: rng() < 0.5 ? email : shownEmail,
        country: countryKnown || rng() < 0.6 ? country : null,
        company_size: sizeKnown || rng() < 0.7 ? size : null,
        updated_at: iso(at),
      };
      rows.push({ t: at, visibleAt: visibleAt(world.seed, at, CUSTOMERS, index, 2), record: v2 });
    }
    return inOrder(rows);
  },
};
