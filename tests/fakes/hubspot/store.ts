import { defaultDealPipeline, findStage, isClosed, isWon } from "./pipelines.ts";
import { propertyDefinitions, type CustomProperty } from "./properties.ts";
import {
  HUBSPOT_TYPES,
  modifiedProperty,
  type HubspotType,
  type Pipeline,
  type PublicOwner,
  type StoredObject,
} from "./types.ts";

/** A deal→company, contact→company or deal→contact link; `primary` for a record's primary company. */
export interface Link {
  from: { type: HubspotType; id: string };
  to: { type: HubspotType; id: string };
  primary: boolean;
}

export type Changes = Record<string, string | null>;

/**
 * The portal behind the fake: records with their property history, pipelines, owners, custom
 * properties and associations, on a clock the caller sets (writes are stamped with `clockMs`).
 * Everything HubSpot derives on write happens here, so every way of writing (the legacy
 * `add`/`update`, the CRM builder) gets the same history and calculated properties.
 */
export class CrmStore {
  readonly objects: Record<HubspotType, StoredObject[]> = { contacts: [], companies: [], deals: [] };
  pipelines: Pipeline[] = [defaultDealPipeline()];
  readonly owners: PublicOwner[] = [];
  readonly custom: Record<HubspotType, CustomProperty[]> = { contacts: [], companies: [], deals: [] };
  readonly links: Link[] = [];
  /** "deferred": search sees a write only after `indexSearch()` (HubSpot's search lags its writes) */
  searchIndexing: "immediate" | "deferred" = "immediate";
  private seq = 1000;

  constructor(public clockMs: number) {}

  now(): string {
    return new Date(this.clockMs).toISOString();
  }

  nextId(): string {
    return String((this.seq += 1));
  }

  find(type: HubspotType, id: string): StoredObject | undefined {
    return this.objects[type].find((o) => o.id === id);
  }

  get(type: HubspotType, id: string): StoredObject {
    const o = this.find(type, id);
    if (!o) throw new Error(`no ${type} ${id}`);
    return o;
  }

  known(type: HubspotType): Set<string> {
    return new Set(propertyDefinitions(type, this.pipelines, this.custom[type]).map((d) => d.name));
  }

  create(type: HubspotType, properties: Changes, id = this.nextId(), sourceType = "CRM_UI"): StoredObject {
    if (this.find(type, id)) throw new Error(`${type} ${id} exists`);
    const at = this.now();
    const o: StoredObject = { id, properties: {}, createdAt: at, updatedAt: at, archived: false, history: {} };
    this.objects[type].push(o);
    this.apply(type, o, { hs_object_id: id, createdate: at }, "CALCULATED");
    this.write(type, id, properties, sourceType);
    return o;
  }

  /** Change properties as one write: history for each changed value, then what HubSpot calculates. */
  write(type: HubspotType, id: string, changes: Changes, sourceType = "CRM_UI"): StoredObject {
    const o = this.get(type, id);
    const at = this.now();
    const priorStage = o.properties.dealstage;
    this.apply(type, o, changes, sourceType);
    if (type === "deals") this.apply(type, o, this.dealCalculations(o, changes, priorStage ?? undefined), "CALCULATED");
    this.apply(type, o, { [modifiedProperty(type)]: at }, "CALCULATED");
    o.updatedAt = at;
    if (this.searchIndexing === "immediate") o.indexed = { ...o.properties };
    return o;
  }

  /** Deleting a record archives it: `archivedAt` is set; its last-modified date does not move. */
  archive(type: HubspotType, id: string): void {
    const o = this.get(type, id);
    o.archived = true;
    o.archivedAt = this.now();
  }

  associate(from: Link["from"], to: Link["to"], primary = false): void {
    this.get(from.type, from.id);
    this.get(to.type, to.id);
    this.links.push({ from, to, primary });
    // HubSpot mirrors a contact's primary company into a property
    if (primary && from.type === "contacts" && to.type === "companies")
      this.write("contacts", from.id, { associatedcompanyid: to.id }, "CALCULATED");
  }

  /** Let search catch up with every write so far. */
  indexSearch(): void {
    for (const type of HUBSPOT_TYPES) for (const o of this.objects[type]) o.indexed = { ...o.properties };
  }

  private apply(type: HubspotType, o: StoredObject, changes: Changes, sourceType: string): void {
    const known = this.known(type);
    const at = this.now();
    for (const [name, value] of Object.entries(changes)) {
      if (!known.has(name))
        throw new Error(`${type} have no property ${name}; define it first (custom properties: defineProperty)`);
      const current = o.properties[name] ?? null;
      // a cleared value reads "" once the property has ever been set; never-set properties read null
      const next = value === null ? (current === null ? null : "") : value;
      if (next === null || next === current) continue;
      o.properties[name] = next;
      (o.history[name] ??= []).push({ value: next, timestamp: at, sourceType });
    }
  }

  /** On entering a stage: stage dates, closed/won flags, probability, and a close date if none was given. */
  private dealCalculations(o: StoredObject, changes: Changes, priorStage: string | undefined): Changes {
    const stageId = o.properties.dealstage;
    if (!stageId || stageId === priorStage) return {};
    const stage = findStage(this.pipelines, o.properties.pipeline, stageId);
    if (!stage) throw new Error(`deal ${o.id}: stage ${stageId} is not in pipeline ${o.properties.pipeline}`);
    const at = this.now();
    const calculated: Changes = {
      [`hs_date_entered_${stageId}`]: at,
      hs_is_closed: String(isClosed(stage)),
      hs_is_closed_won: String(isWon(stage)),
      hs_deal_stage_probability: stage.metadata.probability!,
    };
    if (priorStage) calculated[`hs_date_exited_${priorStage}`] = at;
    if (isClosed(stage) && !("closedate" in changes)) calculated.closedate = at;
    return calculated;
  }
}
