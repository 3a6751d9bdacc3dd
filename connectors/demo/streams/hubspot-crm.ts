import { modifiedProperty } from "../../hubspot/config.ts";
import { PACK_PROPERTIES } from "../../hubspot/properties.ts";
import { COUNTRIES, COMPANY_SIZES, INDUSTRIES, SALES_REPS, companyName, contactName } from "../company.ts";
import { closedAt, dealPlans, stageAt, type DealPlan } from "../deal-plans.ts";
import { companyDomain, signupEmail, workEmail } from "../identity.ts";
import { customerId, isTestAccount } from "../lifecycle.ts";
import { between, intBetween, pick, rngFor, weighted, type Rng } from "../random.ts";
import { DAY, HOUR, toSecond } from "../time.ts";
import type { World } from "../world.ts";
import { ALL_STAGE_IDS, LEAVER, SUCCESSOR, leaveAt, ownerId, pipelineFor, type Rep } from "./hubspot-portal.ts";

const CRM = 73;
const ARCHIVE = 74;
const PROSPECT = 75;

/** A CRM record as HubSpot's v3 list endpoint returns it (what the hubspot connector lands). */
export interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  propertiesWithHistory?: Record<string, { value: string; timestamp: string; sourceType: string }[]>;
  associations?: { companies: { results: { id: string; type: string }[] } };
  [key: string]: unknown;
}

/** A record with when it last changed (the cursor's order) or, for a deleted one, when it was deleted. */
export interface Dated {
  t: number;
  record: CrmRecord;
}

export interface CustomerCrm {
  companies: Dated[];
  contacts: Dated[];
  deals: Dated[];
}

/** The deal properties whose history the connector lands (its DEAL_HISTORY). */
const DEAL_HISTORY = ["dealstage", "pipeline", "amount", "closedate", "hubspot_owner_id"];
const LOST_REASONS = ["Chose a competitor", "No budget", "Went dark", "Timing", "Missing feature"];
const CITIES: Record<string, string> = {
  US: "Austin",
  GB: "London",
  DE: "Berlin",
  CA: "Toronto",
  FR: "Paris",
  NL: "Amsterdam",
  AU: "Sydney",
  ES: "Madrid",
  SE: "Stockholm",
  IN: "Bengaluru",
  BR: "São Paulo",
  JP: "Tokyo",
  IE: "Dublin",
  SG: "Singapore",
};
const EMPLOYEES: Record<string, [number, number]> = {
  "1-10": [2, 10],
  "11-50": [11, 50],
  "51-200": [51, 200],
  "201-1000": [201, 1000],
  "1000+": [1001, 5000],
};

/** Ids are HubSpot-like numbers, derived from the customer's index and the record's place: no two collide. */
const SLOTS = 16;
const companyId = (index: number, k: number) => String(10_000_000_000 + index * SLOTS + k);
const contactId = (index: number, k: number) => String(20_000_000_000 + index * SLOTS + k);
const dealId = (index: number, n: number) => String(30_000_000_000 + index * SLOTS + n);
const DUPLICATE_SLOT = SLOTS - 1;

/**
 * How a customer's company is recorded in the CRM, which decides how (and whether) the
 * Stripe–HubSpot bridge matches it: by an email domain equal to the company's domain (most), by
 * the company's `stripe_customer_id` property (a few, whose CRM domain differs), or not at all (a
 * rebranded domain). A few companies were entered twice with the same domain (ambiguous).
 */
type Link = "domain" | "explicit_id" | "unmatched";

interface CompanyDraw {
  link: Link;
  /** the domain as a rep typed it: sometimes with a scheme or www. */
  domainShown: string;
  duplicated: boolean;
  /** a self-serve customer sales tracks anyway */
  tracked: boolean;
  industry: string;
  country: string;
  employees: number;
  owner: Rep;
  secondContact: boolean;
}

function drawCompany(rng: Rng, index: number): CompanyDraw {
  const link = weighted<Link>(rng, [
    ["domain", 85],
    ["explicit_id", 8],
    ["unmatched", 7],
  ]);
  const domain = companyDomain(index);
  const slug = domain.replace(/\.[a-z]+$/, "");
  const real = link === "explicit_id" ? `${slug}.co` : link === "unmatched" ? `get${slug}.com` : domain;
  const messy = rng();
  const domainShown = messy < 0.06 ? `www.${real}` : messy < 0.1 ? `https://www.${real}/` : real;
  const size = weighted(rng, COMPANY_SIZES);
  const [lo, hi] = EMPLOYEES[size]!;
  return {
    link,
    domainShown,
    duplicated: rng() < 0.015,
    tracked: rng() < 0.55,
    industry: pick(rng, INDUSTRIES),
    country: weighted(rng, COUNTRIES),
    employees: intBetween(rng, lo, hi),
    owner: pick(rng, SALES_REPS),
    secondContact: rng() < 0.3,
  };
}

/** One record's life: property writes in time order, each kept in its history; only writes up to now count. */
class Life {
  private readonly writes: { t: number; changes: Record<string, string | null>; sourceType: string }[] = [];

  constructor(
    readonly id: string,
    readonly createdAt: number,
  ) {}

  write(t: number, changes: Record<string, string | null>, sourceType = "CRM_UI"): void {
    this.writes.push({ t, changes, sourceType });
  }

  /** The record as of `now` (undefined before it was created), with the history of `history` newest first. */
  render(now: number, names: string[], history?: string[]): Dated | undefined {
    if (this.createdAt > now) return undefined;
    const properties: Record<string, string | null> = Object.fromEntries(names.map((n) => [n, null]));
    const past: Record<string, { value: string; timestamp: string; sourceType: string }[]> = {};
    let updatedAt = this.createdAt;
    const writes = this.writes.filter((w) => w.t <= now).sort((a, b) => a.t - b.t);
    for (const w of writes) {
      let changed = false;
      for (const [name, value] of Object.entries(w.changes)) {
        const current = properties[name] ?? null;
        // HubSpot reads a cleared value as "" once it was ever set
        const next = value === null ? (current === null ? null : "") : value;
        if (next === null || next === current) continue;
        properties[name] = next;
        changed = true;
        if (history?.includes(name))
          (past[name] ??= []).unshift({ value: next, timestamp: isoMs(w.t), sourceType: w.sourceType });
      }
      if (changed) updatedAt = Math.max(updatedAt, w.t);
    }
    for (const modified of ["hs_lastmodifieddate", "lastmodifieddate"])
      if (modified in properties) properties[modified] = isoMs(updatedAt);
    properties.hs_object_id = this.id;
    properties.createdate = isoMs(this.createdAt);
    const record: CrmRecord = {
      id: this.id,
      properties,
      createdAt: isoMs(this.createdAt),
      updatedAt: isoMs(updatedAt),
      archived: false,
    };
    if (history) record.propertiesWithHistory = Object.fromEntries(history.map((n) => [n, past[n] ?? []]));
    return { t: updatedAt, record };
  }
}

const isoMs = (ms: number) => new Date(ms).toISOString();
const dollars = (cents: number) => String(Math.round(cents) / 100);

// what the hubspot connector asks for (its pack's properties and the modified-date one), so the demo lands what it lands
export const COMPANY_PROPERTIES = [
  ...PACK_PROPERTIES.companies,
  modifiedProperty("companies"),
  // the custom id the bridge matches on; the connector finds it among the portal's custom properties
  "stripe_customer_id",
];
export const CONTACT_PROPERTIES = [...PACK_PROPERTIES.contacts, modifiedProperty("contacts")];
export const DEAL_PROPERTIES = [
  ...PACK_PROPERTIES.deals,
  modifiedProperty("deals"),
  ...ALL_STAGE_IDS.map((s) => `hs_date_entered_${s}`),
];

/**
 * One customer's corner of the CRM as it stands at `world.now`: its company (when sales tracks
 * it) with its contacts, the prospects it lost deals to with theirs, and every deal of the
 * demo's sales story (deal-plans.ts) with the history of stage, pipeline, amount, close date and
 * owner. A few lost or stalled deals were deleted later. `only` renders one type (what a pull needs).
 */
export function customerCrm(world: World, index: number, signupAt: number, only?: keyof CustomerCrm): CustomerCrm {
  const out: CustomerCrm = { companies: [], contacts: [], deals: [] };
  if (isTestAccount(world.seed, index)) return out;
  const plans = dealPlans(world, index, signupAt);
  const rng = rngFor(world.seed, index, CRM);
  const draw = drawCompany(rng, index);
  const won = plans.find((p) => p.won);
  const companyLives: Life[] = [];
  const contactLives: Life[] = [];

  // the customer's own company: from its deal's creation, or a little after a self-serve signup
  const ownCreated = won ? won.createdAt : draw.tracked ? toSecond(signupAt + between(rng, 0.5, 20) * DAY) : undefined;
  if (ownCreated !== undefined) {
    const owner = won ? won.owner : draw.owner;
    const becameCustomer = won ? closedAt(won) : ownCreated;
    const base = companyLife(companyId(index, 0), ownCreated, companyName(index), draw.domainShown, draw, owner);
    base.write(becameCustomer, { lifecyclestage: "customer" });
    // sales ops links the billing account once it exists
    if (draw.link === "explicit_id") base.write(becameCustomer + HOUR, { stripe_customer_id: customerId(index) });
    companyLives.push(base);
    if (draw.duplicated) {
      const dupAt = toSecond(ownCreated + between(rng, 30, 200) * DAY);
      const dup = companyLife(
        companyId(index, DUPLICATE_SLOT),
        dupAt,
        companyName(index),
        draw.domainShown,
        draw,
        owner,
      );
      companyLives.push(dup);
    }
    const own = { company: base, companyName: companyName(index), owner };
    const email = signupEmail(world.seed, index);
    contactLives.push(
      contactLife({
        ...own,
        id: contactId(index, 0),
        at: ownCreated,
        email,
        name: contactName(index),
        title: "Founder",
      }),
    );
    if (draw.secondContact) {
      const second = workEmail(index + 7).replace(/@.*/, `@${companyDomain(index)}`);
      const at = ownCreated + DAY;
      contactLives.push(
        contactLife({ ...own, id: contactId(index, 1), at, email: second, name: contactName(index + 7), title: "CFO" }),
      );
    }
  }

  // the prospects lost (or still in play) near the same time: a company and a contact each
  for (const p of plans.filter((p) => p.prospect > 0 && closedAt(p) > p.createdAt)) {
    const traits = drawCompany(rngFor(world.seed, index, PROSPECT, p.prospect), p.companyIndex);
    const name = companyName(p.companyIndex);
    const c = companyLife(
      companyId(index, p.prospect),
      p.createdAt,
      name,
      companyDomain(p.companyIndex),
      traits,
      p.owner,
    );
    c.write(p.createdAt, { lifecyclestage: "opportunity" });
    companyLives.push(c);
    contactLives.push(
      contactLife({
        id: contactId(index, 1 + p.prospect),
        at: p.createdAt,
        email: workEmail(p.companyIndex),
        name: contactName(p.companyIndex),
        company: c,
        companyName: name,
        title: "CEO",
        owner: p.owner,
      }),
    );
  }

  // a deal that would have closed before the history began is not in the CRM at all
  for (const p of only && only !== "deals" ? [] : plans.filter((p) => closedAt(p) > p.createdAt)) {
    const company =
      p.prospect === 0 ? companyLives[0] : companyLives.find((c) => c.id === companyId(index, p.prospect));
    const deal = dealRecord(world, index, p, company?.id);
    if (deal) out.deals.push(deal);
  }
  for (const c of only && only !== "companies" ? [] : companyLives) {
    const r = c.render(world.now, COMPANY_PROPERTIES);
    if (r) out.companies.push(r);
  }
  for (const c of only && only !== "contacts" ? [] : contactLives) {
    const r = c.render(world.now, CONTACT_PROPERTIES);
    if (r) out.contacts.push(r);
  }
  return out;
}

function companyLife(id: string, at: number, name: string, domain: string, draw: CompanyDraw, owner: Rep): Life {
  const life = new Life(id, at);
  life.write(at, {
    name,
    domain,
    website: `https://www.${domain.replace(/^https?:\/\/(www\.)?|^www\.|\/$/g, "")}`,
    industry: draw.industry,
    country: draw.country,
    city: CITIES[draw.country] ?? null,
    numberofemployees: String(draw.employees),
    annualrevenue: String(draw.employees * 120_000),
    lifecyclestage: "lead",
    hubspot_owner_id: ownerId(owner),
  });
  return life;
}

interface ContactSpec {
  id: string;
  at: number;
  email: string;
  name: [first: string, last: string];
  company: Life;
  companyName: string;
  title: string;
  owner: Rep;
}

function contactLife(c: ContactSpec): Life {
  const life = new Life(c.id, c.at);
  life.write(c.at, {
    email: c.email,
    firstname: c.name[0],
    lastname: c.name[1],
    company: c.companyName,
    jobtitle: c.title,
    lifecyclestage: "lead",
    hubspot_owner_id: ownerId(c.owner),
    associatedcompanyid: c.company.id,
  });
  return life;
}

/** A deal as it stands now, with its history and its company; a deleted one as HubSpot lists it then. */
function dealRecord(world: World, index: number, p: DealPlan, company: string | undefined): Dated | undefined {
  const pipe = pipelineFor(p.tier);
  const id = dealId(index, p.n);
  const life = new Life(id, p.createdAt);
  const enter = (t: number, stage: string, extra: Record<string, string | null> = {}) => {
    const probability = pipe.probability[stage]!;
    const closed = stage === pipe.won || stage === pipe.lost;
    life.write(t, { dealstage: stage, ...extra });
    life.write(
      t,
      {
        [`hs_date_entered_${stage}`]: isoMs(t),
        hs_is_closed: String(closed),
        hs_is_closed_won: String(stage === pipe.won),
        hs_deal_stage_probability: String(probability),
      },
      "CALCULATED",
    );
  };
  life.write(p.createdAt, {
    dealname: `${companyName(p.companyIndex)} — ${p.tier[0]!.toUpperCase()}${p.tier.slice(1)}`,
    pipeline: pipe.id,
    amount: dollars(p.amountCents),
    deal_currency_code: "USD",
    // reps set an expected close date; it becomes the real one when the deal closes
    closedate: isoMs(closedAt(p)),
    hubspot_owner_id: ownerId(p.owner),
    dealtype: "newbusiness",
  });
  for (let s = 0; s < p.reached; s++) enter(stageAt(p, s), pipe.open[s]!);
  let last = stageAt(p, p.reached - 1);
  if (!p.stillOpen) {
    const lostReason: Record<string, string> = p.won
      ? {}
      : { closed_lost_reason: pick(rngFor(world.seed, index, CRM, p.n), LOST_REASONS) };
    enter(closedAt(p), p.won ? pipe.won : pipe.lost, lostReason);
    last = closedAt(p);
  }
  if (p.correction) {
    life.write(p.correction.at, { amount: dollars(p.correction.amountCents) });
    last = p.correction.at;
  }
  // the rep who left hands over the deals still open that day
  const left = leaveAt(world);
  const openUntil = p.stillOpen ? Number.POSITIVE_INFINITY : closedAt(p);
  if (p.owner === LEAVER && p.createdAt <= left && openUntil > left)
    life.write(left, { hubspot_owner_id: ownerId(SUCCESSOR) });
  const rendered = life.render(world.now, DEAL_PROPERTIES, DEAL_HISTORY);
  if (!rendered) return undefined;
  if (company) {
    rendered.record.associations = {
      companies: {
        results: [
          { id: company, type: "deal_to_company" },
          { id: company, type: "deal_to_company_unlabeled" },
        ],
      },
    };
  }
  // some lost or stalled deals are deleted in a clean-up weeks later: HubSpot then lists them only as archived
  const archive = rngFor(world.seed, index, ARCHIVE, p.n);
  if (!p.won && archive() < 0.05) {
    const archivedAt = toSecond(last + between(archive, 7, 90) * DAY);
    if (archivedAt <= world.now) {
      const { propertiesWithHistory: _h, associations: _a, ...listed } = rendered.record;
      return { t: archivedAt, record: { ...listed, archived: true, archivedAt: isoMs(archivedAt) } };
    }
  }
  return rendered;
}
