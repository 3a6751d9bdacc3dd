import { add, MONTHS, ymd } from "../../engine/catalog/period.ts";
import { replaceSaid } from "./may-match.ts";

/**
 * Everyday period words with one agreed reading, put in the planner's words before a question is read (world.ts):
 * "the quarter we just finished" is last quarter; a named day of the retail calendar (Black Friday, the fourth
 * Friday of November; Cyber Monday, the Monday after it; Thanksgiving, the fourth Thursday) is its date, and "the
 * week before/after" one the 7 days before/after it — said back in a note, since the date is the planner's reading.
 * Words with no agreed dates ("summer", "the holidays") are not read here.
 */
export interface NamedDaysReading {
  text: string;
  notes: string[];
}

const UNIT = "(week|month|quarter|year)";
// "the quarter we just finished", "the month that just ended", "the quarter just gone", "the just-finished quarter"
const JUST_FINISHED = new RegExp(
  `\\b(?:the\\s+)?${UNIT}\\s+(?:(?:that\\s+)?we\\s+(?:just|recently)\\s+(?:finished|closed|ended|wrapped(?:\\s+up)?|completed|had)|(?:that\\s+)?(?:just|recently)\\s+(?:finished|ended|closed|wrapped(?:\\s+up)?)|(?:that\\s+)?just\\s+(?:went\\s+by|passed)|just\\s+gone)\\b|\\b(?:the\\s+)?just[-\\s](?:finished|ended|closed|completed)\\s+${UNIT}\\b`,
  "g",
);

type Holiday =
  | "black friday"
  | "cyber monday"
  | "thanksgiving"
  | "labor day"
  | "memorial day"
  | "christmas day"
  | "christmas eve"
  | "new year's day"
  | "new year's eve"
  | "independence day";
/** holidays on one day of the calendar: [month (0-11), day] */
const FIXED: Partial<Record<Holiday, [number, number]>> = {
  "christmas day": [11, 25],
  "christmas eve": [11, 24],
  "new year's day": [0, 1],
  "new year's eve": [11, 31],
  "independence day": [6, 4],
};

/** The day of a holiday in a year: the Nth weekday of November counted from the 1st. */
function holidayOn(name: Holiday, year: number): Date {
  const fixed = FIXED[name];
  if (fixed) return new Date(Date.UTC(year, fixed[0], fixed[1]));
  // the US Labor Day, the first Monday of September ("Labour Day" is 1 May in much of the world: not read); Memorial
  // Day, the last Monday of May
  if (name === "labor day") {
    const sep1 = new Date(Date.UTC(year, 8, 1));
    return new Date(Date.UTC(year, 8, 1 + ((8 - sep1.getUTCDay()) % 7)));
  }
  if (name === "memorial day") {
    const may31 = new Date(Date.UTC(year, 4, 31));
    return new Date(Date.UTC(year, 4, 31 - ((may31.getUTCDay() + 6) % 7)));
  }
  const nov1 = new Date(Date.UTC(year, 10, 1));
  // the fourth Thursday of November: Thanksgiving; Black Friday the day after, Cyber Monday three days after that
  const firstThursday = 1 + ((4 - nov1.getUTCDay() + 7) % 7);
  const thanksgiving = new Date(Date.UTC(year, 10, firstThursday + 21));
  if (name === "thanksgiving") return thanksgiving;
  return add(thanksgiving, "day", name === "black friday" ? 1 : 4);
}

const LABEL: Record<Holiday, string> = {
  "black friday": "Black Friday",
  "cyber monday": "Cyber Monday",
  thanksgiving: "Thanksgiving",
  "labor day": "Labor Day",
  "memorial day": "Memorial Day",
  "christmas day": "Christmas Day",
  "christmas eve": "Christmas Eve",
  "new year's day": "New Year's Day",
  "new year's eve": "New Year's Eve",
  "independence day": "Independence Day",
};
const RULE: Record<Holiday, string> = {
  "black friday": "the fourth Friday of November",
  "cyber monday": "the Monday after Black Friday",
  thanksgiving: "the fourth Thursday of November",
  "labor day": "the first Monday of September, the US holiday",
  "memorial day": "the last Monday of May, the US holiday",
  "christmas day": "25 December",
  "christmas eve": "24 December",
  "new year's day": "1 January",
  "new year's eve": "31 December",
  "independence day": "4 July, the US holiday",
};

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const said = (d: Date) =>
  `${DAY_NAMES[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${d.getUTCFullYear()}`;

// "(in|during|on) the week before Black Friday last year", "on Cyber Monday 2025", "the day after Thanksgiving"
const HOLIDAY = new RegExp(
  "\\b(?:(?:in|during|on|over)\\s+)?(?:(the\\s+)?(week|day)\\s+(before|after|leading\\s+up\\s+to|prior\\s+to)\\s+)?(black\\s+friday|cyber\\s+monday|thanksgiving|labor\\s+day|memorial\\s+day|christmas\\s+(?:day|eve)|new\\s+year[’']?s\\s+(?:day|eve)|independence\\s+day)(?:\\s+day)?(?:\\s+(?:of\\s+|in\\s+)?(last\\s+year|this\\s+year|(?:19|20)\\d{2}))?\\b",
  "g",
);

const RANGE_WORD = /\b(?:since|from|after|before|until|till|through|thru|to|between|and|vs\.?|versus)\s+$/;

export function namedDays(text: string, today: Date): NamedDaysReading {
  const notes: string[] = [];
  let out = replaceSaid(text, JUST_FINISHED, (_m, unit?: string, unit2?: string) => `last ${unit ?? unit2}`);
  out = replaceSaid(out, HOLIDAY, (whole, _the, span, side, rawName, rawYear, offset: number, all: string) => {
    const name = rawName!.replace(/\s+/g, " ").replace(/^new year[’']?s /, "new year's ") as Holiday;
    const y = today.getUTCFullYear();
    let year: number;
    if (!rawYear) year = holidayOn(name, y) < today ? y : y - 1;
    else if (rawYear === "last year") year = y - 1;
    else if (rawYear === "this year") year = y;
    else year = Number(rawYear);
    const day = holidayOn(name, year);
    const after = side === "after";
    const length = span === "week" ? 7 : span === "day" ? 1 : 0;
    const start = length === 0 ? day : after ? add(day, "day", 1) : add(day, "day", -length);
    const end = length === 0 ? day : after ? add(day, "day", length) : add(day, "day", -1);
    if (end >= today) return whole;
    const base = `${LABEL[name]} ${year} = ${said(day)} (${RULE[name]}${rawYear ? "" : ", the last one that has passed"})`;
    const days = length === 1 ? said(start) : `${said(start)} – ${said(end)}`;
    const range = length === 0 ? "" : `; the ${span} ${after ? "after" : "before"} it = ${days}`;
    notes.push(`${base}${range}`);
    // "since Labor Day", "from Memorial Day to Labor Day": the day alone after a word that opens or closes a range
    const bare = length === 0 && whole === rawName && RANGE_WORD.test(all.slice(0, offset));
    return length === 0 ? `${bare ? "" : "on "}${ymd(day)}` : `from ${ymd(start)} to ${ymd(end)}`;
  });
  return { text: out, notes };
}
