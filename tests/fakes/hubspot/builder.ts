import type { Changes, CrmStore } from "./store.ts";
import type { HubspotType, Pipeline, PropertyDefinition } from "./types.ts";

export interface OwnerSpec {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  team?: string;
}

export interface CompanySpec {
  id?: string;
  name: string;
  domain?: string;
  /** any other company property, custom ones included (e.g. `stripe_customer_id`) */
  props?: Changes;
}

export interface ContactSpec {
  id?: string;
  email: string | null;
  firstname?: string;
  lastname?: string;
  /** key of the contact's primary company */
  company?: string;
}

export interface DealSpec {
  id?: string;
  name: string;
  /** pipeline id; HubSpot's "default" unless given */
  pipeline?: string;
  stage: string;
  amount?: number | null;
  /** owner key; none leaves the deal unassigned */
  owner?: string;
  /** key of the deal's primary company */
  company?: string;
  contacts?: string[];
  /** the expected close date reps set on open deals */
  closedate?: string;
  props?: Changes;
}

const iso = (at: string) => new Date(at).toISOString();
const money = (n: number | null | undefined) => (n === null || n === undefined ? null : String(n));

/**
 * Scripts a CRM over time: `at(instant)` moves the portal's clock and every later call is a write
 * stamped at that instant, with the property history and calculated properties HubSpot would
 * record. Records are named by keys the script chooses ("acme", "D01"); ids are explicit or
 * sequential, so a script always builds the same portal. Keep calling it after a pull to script
 * the next batch of changes.
 */
export class CrmBuilder {
  private readonly records = new Map<string, { type: HubspotType; id: string }>();
  private readonly ownerIds = new Map<string, string>();

  constructor(readonly target: { crm: CrmStore }) {}

  private get crm(): CrmStore {
    return this.target.crm;
  }

  /** Move the clock; history only goes forward. */
  at(instant: string): this {
    const ms = Date.parse(instant);
    if (Number.isNaN(ms)) throw new Error(`not an instant: ${instant}`);
    if (ms < this.crm.clockMs) throw new Error(`${instant} is before the last write (${this.crm.now()})`);
    this.crm.clockMs = ms;
    return this;
  }

  /** Add a deals pipeline, or replace the one with the same id (e.g. the default one, relabelled). */
  pipeline(p: Pipeline): this {
    const i = this.crm.pipelines.findIndex((x) => x.id === p.id);
    if (i >= 0) this.crm.pipelines[i] = p;
    else this.crm.pipelines.push(p);
    return this;
  }

  defineProperty(
    type: HubspotType,
    name: string,
    label: string,
    valueType: PropertyDefinition["type"] = "string",
  ): this {
    this.crm.custom[type].push({ name, label, type: valueType });
    return this;
  }

  owner(key: string, o: OwnerSpec): this {
    const at = this.crm.now();
    const teams = o.team ? [{ id: String(o.userId % 100_000), name: o.team, primary: true }] : [];
    this.crm.owners.push({
      id: o.id,
      email: o.email,
      firstName: o.firstName,
      lastName: o.lastName,
      userId: o.userId,
      userIdIncludingInactive: o.userId,
      type: "PERSON",
      teams,
      createdAt: at,
      updatedAt: at,
      archived: false,
    });
    this.ownerIds.set(key, o.id);
    return this;
  }

  /** The user left: their owner record is archived, their records keep pointing at it. */
  archiveOwner(key: string): this {
    const owner = this.crm.owners.find((o) => o.id === this.ownerId(key))!;
    Object.assign(owner, { archived: true, updatedAt: this.crm.now() });
    delete owner.userId;
    return this;
  }

  company(key: string, c: CompanySpec): this {
    this.remember(
      key,
      "companies",
      this.crm.create("companies", { name: c.name, ...(c.domain ? { domain: c.domain } : {}), ...c.props }, c.id).id,
    );
    return this;
  }

  contact(key: string, c: ContactSpec): this {
    const props: Changes = { email: c.email, firstname: c.firstname ?? null, lastname: c.lastname ?? null };
    const id = this.remember(key, "contacts", this.crm.create("contacts", props, c.id).id);
    if (c.company) this.crm.associate({ type: "contacts", id }, this.ref(c.company, "companies"), true);
    return this;
  }

  deal(key: string, d: DealSpec): this {
    const props: Changes = {
      dealname: d.name,
      pipeline: d.pipeline ?? "default",
      dealstage: d.stage,
      amount: money(d.amount),
      hubspot_owner_id: d.owner ? this.ownerId(d.owner) : null,
      closedate: d.closedate ? iso(d.closedate) : null,
      deal_currency_code: "USD",
      ...d.props,
    };
    const id = this.remember(key, "deals", this.crm.create("deals", props, d.id).id);
    if (d.company) this.crm.associate({ type: "deals", id }, this.ref(d.company, "companies"), true);
    for (const c of d.contacts ?? []) this.crm.associate({ type: "deals", id }, this.ref(c, "contacts"));
    return this;
  }

  /** Move a deal to a stage (closing stages set the close date to now unless one is given). */
  move(key: string, stage: string, extra: { closedate?: string; props?: Changes } = {}): this {
    return this.set(key, {
      dealstage: stage,
      ...(extra.closedate ? { closedate: iso(extra.closedate) } : {}),
      ...extra.props,
    });
  }

  amount(key: string, amount: number | null): this {
    return this.set(key, { amount: money(amount) });
  }

  reassign(key: string, owner: string | null): this {
    return this.set(key, { hubspot_owner_id: owner ? this.ownerId(owner) : null });
  }

  /** Any properties of any record, as one write. */
  set(key: string, props: Changes): this {
    const r = this.lookup(key);
    this.crm.write(r.type, r.id, props);
    return this;
  }

  /** Delete a record (HubSpot archives it). */
  archive(key: string): this {
    const r = this.lookup(key);
    this.crm.archive(r.type, r.id);
    return this;
  }

  id(key: string): string {
    return this.lookup(key).id;
  }

  ownerId(key: string): string {
    const id = this.ownerIds.get(key);
    if (!id) throw new Error(`no owner ${key}`);
    return id;
  }

  private remember(key: string, type: HubspotType, id: string): string {
    if (this.records.has(key)) throw new Error(`key ${key} is taken`);
    this.records.set(key, { type, id });
    return id;
  }

  private lookup(key: string) {
    const r = this.records.get(key);
    if (!r) throw new Error(`no record ${key}`);
    return r;
  }

  private ref(key: string, type: HubspotType) {
    const r = this.lookup(key);
    if (r.type !== type) throw new Error(`${key} is a ${r.type}, not ${type}`);
    return r;
  }
}
