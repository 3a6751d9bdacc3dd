import type { Catalog } from "../../engine/catalog/catalog.ts";
import { isRowLevel } from "../agent/view.ts";
import type { ToolCallResult } from "../toolbox/index.ts";

/**
 * What an MCP client receives of a result: the tool's output, except that ranked individual records
 * (top_n over a column no metric declares as a dimension) stay on this machine unless the project
 * sets ai.allow_row_level: true, as on the dp ask path. The client's model is as remote as ours.
 */
export function mcpOutput(result: ToolCallResult, catalog: Catalog, allowRowLevel: boolean): Record<string, unknown> {
  if (allowRowLevel || !isRowLevel(result, catalog)) return result.output;
  const { rows, sql: _sql, params: _params, ...rest } = result.output as Record<string, unknown>;
  return {
    ...rest,
    rows_withheld: Array.isArray(rows) ? rows.length : 0,
    note: "row-level values are not sent over MCP (ai.allow_row_level is false in project.yaml); rank by a metric's dimension instead, or ask the human to run dp ask",
  };
}
