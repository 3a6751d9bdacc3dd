import type { RawRecord } from "../../../engine/ingest/connector.ts";
import { SALES_REPS, type Tier } from "../company.ts";
import { DAY } from "../time.ts";
import type { World } from "../world.ts";

/**
 * The demo's HubSpot portal setup, in the shapes `GET /crm/v3/pipelines/deals`, `GET /crm/v3/owners`
 * and `GET /account-info/v3/details` return: two deal pipelines, the sales reps (one of whom left), and
 * the portal itself, a single-currency USD account.
 */

type Stage = [id: string, label: string, probability: number, closed?: true];

/** HubSpot's default pipeline with its default stage ids; the demo uses four of its open stages. */
const DEFAULT_STAGES: Stage[] = [
  ["appointmentscheduled", "Appointment Scheduled", 0.2],
  ["qualifiedtobuy", "Qualified To Buy", 0.4],
  ["presentationscheduled", "Presentation Scheduled", 0.6],
  ["decisionmakerboughtin", "Decision Maker Bought-In", 0.8],
  ["contractsent", "Contract Sent", 0.9],
  ["closedwon", "Closed Won", 1, true],
  ["closedlost", "Closed Lost", 0, true],
];

/** A custom pipeline: numeric ids, and its won stage is "Signed", not `closedwon`. */
const ENTERPRISE_STAGES: Stage[] = [
  ["98765401", "Discovery", 0.1],
  ["98765402", "Technical evaluation", 0.3],
  ["98765403", "Security review", 0.5],
  ["98765404", "Procurement", 0.8],
  ["98765405", "Signed", 1, true],
  ["98765406", "Lost", 0, true],
];

export const ENTERPRISE_PIPELINE = "31416592";

export interface PipelineStages {
  id: string;
  /** the four open stages a deal passes through, in order */
  open: string[];
  won: string;
  lost: string;
  probability: Record<string, number>;
}

const stagesOf = (id: string, stages: Stage[], open: number[]): PipelineStages => ({
  id,
  open: open.map((i) => stages[i]![0]),
  won: stages.find(([, , p, c]) => c && p === 1)![0],
  lost: stages.find(([, , p, c]) => c && p === 0)![0],
  probability: Object.fromEntries(stages.map(([s, , p]) => [s, p])),
});

const SALES = stagesOf("default", DEFAULT_STAGES, [0, 1, 2, 4]);
const ENTERPRISE = stagesOf(ENTERPRISE_PIPELINE, ENTERPRISE_STAGES, [0, 1, 2, 3]);

/** Enterprise-tier deals run through the enterprise pipeline, the rest through the default one. */
export function pipelineFor(tier: Tier): PipelineStages {
  return tier === "enterprise" ? ENTERPRISE : SALES;
}

/** Every stage id of every pipeline (the deals' `hs_date_entered_<stage>` properties). */
export const ALL_STAGE_IDS = [...DEFAULT_STAGES, ...ENTERPRISE_STAGES].map(([id]) => id);

const EPOCH = new Date(0).toISOString();

function pipeline(id: string, label: string, displayOrder: number, stages: Stage[], at: string): RawRecord {
  return {
    id,
    label,
    displayOrder,
    stages: stages.map(([stageId, stageLabel, probability, closed], i) => ({
      id: stageId,
      label: stageLabel,
      displayOrder: i,
      metadata: { isClosed: String(closed === true), probability: probability.toFixed(1) },
      createdAt: at,
      updatedAt: at,
      archived: false,
      writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
    })),
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

export function pipelineRecords(world: World): RawRecord[] {
  const created = new Date(world.start - 30 * DAY).toISOString();
  return [
    pipeline("default", "Sales Pipeline", 0, DEFAULT_STAGES, EPOCH),
    pipeline(ENTERPRISE_PIPELINE, "Enterprise", 1, ENTERPRISE_STAGES, created),
  ];
}

export type Rep = (typeof SALES_REPS)[number];

/** The rep who leaves a year into the history; their open deals go to the successor that day. */
export const LEAVER: Rep = "tom.becker@acme.io";
export const SUCCESSOR: Rep = "sofia.rossi@acme.io";

export function leaveAt(world: World): number {
  return world.start + 365 * DAY;
}

export function ownerId(rep: Rep): string {
  return String(61_000_001 + SALES_REPS.indexOf(rep));
}

export function ownerRecords(world: World): RawRecord[] {
  const created = new Date(world.start - 30 * DAY).toISOString();
  return SALES_REPS.map((email, i) => {
    const [first, last] = email
      .split("@")[0]!
      .split(".")
      .map((w) => w[0]!.toUpperCase() + w.slice(1));
    const left = email === LEAVER && leaveAt(world) <= world.now;
    const userId = 7_100_001 + i;
    return {
      id: ownerId(email),
      email,
      firstName: first,
      lastName: last,
      // HubSpot drops the userId of a deactivated user
      ...(left ? {} : { userId }),
      userIdIncludingInactive: userId,
      type: "PERSON",
      teams: [{ id: "201", name: "Sales", primary: true }],
      createdAt: created,
      updatedAt: left ? new Date(leaveAt(world)).toISOString() : created,
      archived: left,
    };
  });
}

/**
 * The portal as the connector lands `GET /account-info/v3/details`: the pinned columns, no more. The demo's
 * deals all carry deal_currency_code USD, the company currency; the portal runs on UTC like the rest of the
 * demo's clocks.
 */
export function accountRecord(): RawRecord {
  return {
    portalId: 20_240_501,
    accountType: "STANDARD",
    timeZone: "UTC",
    companyCurrency: "USD",
    additionalCurrencies: [],
    utcOffset: "+00:00",
    utcOffsetMilliseconds: 0,
    dataHostingLocation: "na1",
    uiDomain: "app.hubspot.com",
  };
}
