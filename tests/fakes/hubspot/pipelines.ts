import type { FakeResponse } from "../faults.ts";
import { invalid, notFound } from "./errors.ts";
import { objectType, type Pipeline, type PipelineStage } from "./types.ts";

/** [id, label, probability, closed] — a deal stage as a portal admin defines it */
export type StageSpec = [id: string, label: string, probability: number, closed?: boolean];

/** HubSpot's default pipelines are dated at the epoch ("The default pipelines will have createdAt = 0"). */
const EPOCH = new Date(0).toISOString();

/**
 * A deals pipeline as `GET /crm/v3/pipelines/deals` returns it. Deal stage metadata is a map of
 * strings: `isClosed` "true"/"false" and `probability` "0.0".."1.0"; won is closed with
 * probability 1.0 and lost closed with 0.0 — the stage id says nothing (a custom pipeline's won
 * stage is a number like "2784523", not "closedwon").
 */
export function dealPipeline(
  id: string,
  label: string,
  displayOrder: number,
  stages: StageSpec[],
  at = EPOCH,
): Pipeline {
  return {
    id,
    label,
    displayOrder,
    stages: stages.map(
      ([stageId, stageLabel, probability, closed], i): PipelineStage => ({
        id: stageId,
        label: stageLabel,
        displayOrder: i,
        metadata: { isClosed: String(closed === true), probability: probability.toFixed(1) },
        createdAt: at,
        updatedAt: at,
        archived: false,
        writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
      }),
    ),
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

/** The pipeline every new portal has, with HubSpot's default stage ids, labels and probabilities. */
export function defaultDealPipeline(labels: Partial<Record<string, string>> = {}): Pipeline {
  const stages: StageSpec[] = [
    ["appointmentscheduled", "Appointment Scheduled", 0.2],
    ["qualifiedtobuy", "Qualified To Buy", 0.4],
    ["presentationscheduled", "Presentation Scheduled", 0.6],
    ["decisionmakerboughtin", "Decision Maker Bought-In", 0.8],
    ["contractsent", "Contract Sent", 0.9],
    ["closedwon", "Closed Won", 1, true],
    ["closedlost", "Closed Lost", 0, true],
  ];
  // portals rename default stages; the ids stay
  return dealPipeline(
    "default",
    labels.default ?? "Sales Pipeline",
    0,
    stages.map(([id, label, p, c]) => [id, labels[id] ?? label, p, c]),
  );
}

export function findStage(
  pipelines: Pipeline[],
  pipelineId: string | null | undefined,
  stageId: string | null | undefined,
) {
  const pipeline = pipelines.find((p) => p.id === pipelineId);
  return pipeline?.stages.find((s) => s.id === stageId);
}

export const isClosed = (stage: PipelineStage | undefined) => stage?.metadata.isClosed === "true";
export const isWon = (stage: PipelineStage | undefined) => isClosed(stage) && Number(stage?.metadata.probability) === 1;

/**
 * `GET /crm/v3/pipelines/deals[/{pipelineId}[/stages]]` — `CollectionResponsePipelineNoPaging`:
 * every live pipeline at once, no paging.
 */
export function pipelinesApi(pipelines: Pipeline[], m: RegExpExecArray): FakeResponse {
  if (objectType(m[1]!) !== "deals") return invalid(`Pipelines are not supported for object type ${m[1]}`);
  const live = pipelines
    .filter((p) => !p.archived)
    .sort((a, b) => a.displayOrder - b.displayOrder || a.label.localeCompare(b.label));
  if (!m[2]) return { body: { results: live } };
  const pipeline = live.find((p) => p.id === m[2]);
  if (!pipeline) return notFound(`pipeline ${m[2]}`);
  return { body: m[3] ? { results: pipeline.stages } : pipeline };
}
