import type { FakeResponse, RecordedRequest } from "../faults.ts";
import { invalid, notFound } from "./errors.ts";
import type { PublicOwner } from "./types.ts";

/**
 * `GET /crm/v3/owners` (`CollectionResponsePublicOwnerForwardPaging`): live owners, or only the
 * deactivated ones with `archived=true` — deals keep pointing at an owner who left, so a reader
 * that lists only live owners cannot name them. `limit` ≤ 500 (default 100), `after`, `email`.
 */
export function listOwners(owners: PublicOwner[], req: RecordedRequest): FakeResponse {
  const limit = Number(req.query.get("limit") ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return invalid("limit must be between 1 and 500");
  const archived = req.query.get("archived") === "true";
  const email = req.query.get("email")?.toLowerCase();
  const rows = owners.filter((o) => o.archived === archived && (!email || o.email?.toLowerCase() === email));
  const start = Number(req.query.get("after") ?? 0);
  const next = start + limit < rows.length ? String(start + limit) : undefined;
  return {
    body: {
      results: rows.slice(start, start + limit),
      ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
    },
  };
}

/** `GET /crm/v3/owners/{ownerId}` (`idProperty=id|userId`, `archived`) */
export function readOwner(owners: PublicOwner[], id: string, req: RecordedRequest): FakeResponse {
  const byUser = req.query.get("idProperty") === "userId";
  const archived = req.query.get("archived") === "true";
  const found = owners.find((o) => o.archived === archived && (byUser ? String(o.userId) === id : o.id === id));
  return found ? { body: found } : notFound(`owner ${id}`);
}
