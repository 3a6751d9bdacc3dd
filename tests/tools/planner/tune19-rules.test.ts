import { beforeAll, describe, expect, test } from "bun:test";
import type { Catalog } from "../../../engine/catalog/catalog.ts";
import { demoCatalog, plannerOver } from "./demo-planner.ts";

/**
 * The rules of branch tune19 (#15, batch 19 "an ordinary week"), on phrasings in no eval file — how a sales lead or
 * CS manager types an errand into a chat box (HubSpot's "remind reps to update deal stages", Salesforce's "assign the
 * lead", Stripe's "retry the invoice", Slack's "ping", "nudge", "chase", "loop in"): an instruction to act on people
 * or a system is refused as an action, never answered with the count its nouns name. Pure: no warehouse.
 */
let catalog: Catalog;
beforeAll(() => {
  catalog = demoCatalog();
});
const { plan, refusal } = plannerOver(() => catalog);

describe("an instruction to act on people or a system is refused as an action", () => {
  test.each([
    "nudge Sarah about her overdue renewals",
    "can you remind the reps to log their calls before Friday",
    "Assign the Acme deal to Maria",
    "follow up with Acme about the failed invoice",
    "mark the Globex deal as closed lost",
    "hey, ping the CS team to chase the past due accounts",
    "please slack Jordan the Q3 numbers",
    "escalate the tickets older than 3 days",
    "I need you to cancel the Initech subscription",
    "close out Tom's stale deals before the pipeline call",
    "How many deals closed last month, and tell Tom",
    "could you reach out to the customers whose cards failed",
    "chase up the accounts that are past due",
    "loop in finance on the refunds from October",
    "reassign the open Enterprise deals to James",
    "tell the reps to clean up their pipeline before Monday",
  ])("%s", (q) => {
    const r = refusal(q);
    expect(r.kind).toBe("refuse");
    expect(r.reason).toMatch(/only reads/);
  });

  test("how a reader asks stays a question: tell me, remind me, let me know", () => {
    expect(plan("tell me mrr").calls[0]!.input.metric).toBe("mrr");
    expect(plan("remind me what ARPA was in June").calls[0]!.input.metric).toBe("arpa");
    expect(plan("let me know new mrr last month").calls[0]!.input.metric).toBe("new_mrr");
    expect(plan("refund amount in october").calls[0]!.input.metric).toBe("refunds");
    expect(plan("how many customers cancelled in october").calls[0]!.input.metric).toBe("churned_customers");
  });

  test("'stale deals' is no question of data freshness: never a freshness answer's hours", () => {
    const p = planQuestion("how many stale deals does Tom have");
    expect(p.status === "plan" && p.intent === "freshness").toBe(false);
    expect(plan("is the hubspot data stale?").intent).toBe("freshness");
  });
});

function planQuestion(q: string) {
  try {
    return plan(q);
  } catch {
    return refusal(q);
  }
}
