import { add, MONTHS, ymd } from "../../engine/catalog/period.ts";
import { namedDays } from "./named-days.ts";
import { MONTH_NAMES } from "./periods.ts";
import { spokenRead } from "./spoken.ts";
import { TEENS, TENS, UNITS } from "./number-words.ts";
import { replaceSaid } from "./may-match.ts";

/**
 * English as a team spread over the world writes it, or a phone writes it down (#15, batch 22): numbers and years said
 * in words, the homophones a dictation makes, day-first European dates, British and Indian office frames, false
 * friends and non-native word order — each brought back to the words the planner reads, only where the reading is
 * not in doubt. A day-first or month-first date that nothing settles is asked back naming both readings (a wrong
 * number is worse than a question).
 */
export interface WorldReading {
  /** the question in the planner's words (as typed when nothing was read) */
  text: string;
  /** what was read, for the reading's why */
  notes: string[];
  /** a date that stays two readings: asked back */
  askBack?: string;
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};
const alt = (o: Record<string, number>) => Object.keys(o).join("|");
const UNIT_RE = alt(UNITS);
const TEEN_RE = alt(TEENS);
const TENS_RE = alt(TENS);
/** 1–99 in words: "seven", "fifteen", "twenty six", "forty-two" */
const UP_TO_99 = `(?:(?:${TENS_RE})(?:[\\s-](?:${UNIT_RE}))?|${TEEN_RE}|${UNIT_RE})`;
function wordsValue(said: string): number {
  return said.split(/[\s-]+/).reduce((n, w) => n + (UNITS[w] ?? TEENS[w] ?? TENS[w] ?? ORDINALS[w] ?? 0), 0);
}

const MONTH = `(?:${MONTH_NAMES})`;
const suffix = (n: number) =>
  n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";

/** A year said in words: "twenty twenty six", "nineteen ninety-nine", "two thousand (and) twenty six". */
const YEAR_WORDS = new RegExp(
  `\\b(?:(twenty|nineteen)[\\s-]+(${UP_TO_99})|two\\s+thousand(?:\\s+and)?(?:[\\s-]+(${UP_TO_99}))?)\\b`,
  "g",
);
function yearsInWords(text: string): string {
  return replaceSaid(text, YEAR_WORDS, (said, century: string | undefined, rest: string | undefined, after: string) => {
    const n = century
      ? (century === "twenty" ? 2000 : 1900) + wordsValue(rest!)
      : 2000 + (after ? wordsValue(after) : 0);
    // a century said with a one-word rest below ten is no year ("twenty two" is 22): "twenty oh six" is not read either
    if (century && wordsValue(rest!) < 10) return said;
    return String(n);
  });
}

/** "the fifteenth of november", "november the fifteenth", "november twenty first": a day said in words. */
const ORDINAL_RE = `(?:(?:${TENS_RE})[\\s-](?:${alt(ORDINALS)})|${alt(ORDINALS)})`;
function daysInWords(text: string): string {
  const toDay = (said: string) => {
    const n = wordsValue(said);
    return n >= 1 && n <= 31 ? `${n}${suffix(n)}` : said;
  };
  return text
    .replace(
      new RegExp(`\\b(the\\s+)?(${ORDINAL_RE})(\\s+of\\s+${MONTH}\\b)`, "g"),
      (_m, the = "", day: string, rest: string) => `${the}${toDay(day)}${rest}`,
    )
    .replace(
      // (only where the day ends the phrase: "the december first response time" is no day)
      new RegExp(
        `\\b(${MONTH})\\s+(?:the\\s+)?(${ORDINAL_RE})\\b(?=\\s*(?:$|[,.?!;:–-]|\\d{4}\\b|(?:and|to|till|until|through|thru|or|vs|versus|compared|in|of)\\b))`,
        "g",
      ),
      (_m, month: string, day: string) => `${month} ${toDay(day)}`,
    );
}

/** Counts of thirteen and more said in words before a unit or after "top": "nineteen days", "top fifteen". */
function countsInWords(text: string): string {
  return text.replace(
    new RegExp(
      `\\b(top|last|past|first|previous|the)\\s+(${UP_TO_99})(?=\\s+(?:days?|weeks?|months?|quarters?|years?|last|\\w+s)\\b|\\s*$)`,
      "g",
    ),
    (said, before: string, n: string) => {
      const v = wordsValue(n);
      return v >= 13 || /[\s-]/.test(n) ? `${before} ${v}` : said;
    },
  );
}

const PERIOD_AFTER = `(?:in|for|during|of|since|from|until|till|through|thru|by|vs\\.?|versus|and|than|or|to|the|last|this|previous|prior)`;
/**
 * What a phone writes for a spoken word where the context leaves one reading: "cue three" (Q3) after a period word or
 * before a year, "last weak" (week), "the last for months" (four), "did we one" (won). A bare "one" elsewhere is one.
 */
function homophones(text: string, support: boolean): string {
  const q = support ? "cue|kyu" : "cue|kyu|queue";
  return text
    .replace(
      new RegExp(
        `(\\b${PERIOD_AFTER}\\s+)(?:${q})\\s+(one|two|three|four|[1-4])\\b|\\b(?:${q})\\s+(one|two|three|four|[1-4])(?=\\s+(?:of\\s+)?\\d{4}\\b)`,
        "g",
      ),
      (_m, before: string | undefined, n1: string | undefined, n2: string | undefined) =>
        `${before ?? ""}q${UNITS[(n1 ?? n2)!] ?? n1 ?? n2}`,
    )
    .replace(/\b(last|this|past|previous|prior|every|each|per|next)\s+weak\b/g, "$1 week")
    .replace(/\bweak\s+(before\s+last|over\s+weak|on\s+week)\b/g, (m) => m.replace(/weak/g, "week"))
    .replace(
      /\b((?:the\s+)?(?:last|past|previous|prior|first|next))\s+(for|fore)\s+(days|weeks|months|quarters|years)\b/g,
      "$1 4 $3",
    )
    .replace(
      /\b((?:the\s+)?(?:last|past|previous|prior|first|next))\s+(?:to|too)\s+(days|weeks|months|quarters|years)\b/g,
      "$1 2 $2",
    )
    .replace(
      /\b(did|have|has|had)\s+(we|they|you|i|he|she)\s+one\b/g,
      (_m, aux: string, who: string) => `${aux} ${who} ${aux === "did" ? "win" : "won"}`,
    )
    .replace(
      /(?<!\b(?:are|were|is|was|did|have|has|had)\s+)\b(we|they)\s+one\b(?!\s+(?:of|day|more|another)\b)/g,
      "$1 won",
    );
}

/** Letters dictated one by one ("a r p a", "m r r"): joined when the word they spell is one the catalog knows. */
function spelled(text: string, known: (w: string) => boolean): string {
  return text.replace(/\b[a-z](?:\s+[a-z]){1,5}\b/g, (said) => {
    const joined = said.replace(/\s+/g, "");
    if (known(joined)) return joined;
    // an article before the letters: "what's a m r r"
    if (/^[ai]/.test(joined) && joined.length > 3 && known(joined.slice(1))) return `${said[0]} ${joined.slice(1)}`;
    return said;
  });
}

/** Weekday names, in Date.getUTCDay() order. */
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** British and Indian office English and fillers that frame the ask and say nothing about the number. */
function officeFrames(text: string): string {
  return (
    text
      .replace(/^(?:(?:please|pls|kindly)\s+)*(?:do\s+the\s+needful|do\s+needful)(?:\s+and)?[\s,]*/g, "")
      .replace(/[\s,]*(?:and\s+)?(?:please\s+|kindly\s+)?do\s+the\s+needful[\s.!]*$/g, "")
      .replace(/^(?:(?:please|pls|kindly)\s+)*revert\s+(?:back\s+)?(?:with|on)\s+/g, "")
      .replace(
        /[\s,]*(?:and\s+)?(?:please\s+|kindly\s+)?revert(?:\s+back)?(?:\s+(?:at\s+the\s+earliest|asap|at\s+your\s+earliest(?:\s+convenience)?|soon|quickly|today|to\s+me))?(?=[\s.!?…]*$)/g,
        "",
      )
      .replace(/[\s,]*(?:at\s+the\s+earliest|at\s+your\s+earliest(?:\s+convenience)?)(?=[\s.!?…]*$)/g, "")
      .replace(/^(?:(?:please|pls|kindly)\s+)+(?:share|give|provide|send)(?:\s+(?:me|us))?\s+(?=\S)/g, "")
      .replace(/^(?:(?:please|pls|kindly)\s+)+/g, "")
      .replace(/^share(?:\s+with\s+(?:me|us)|\s+(?:me|us))?\s+(?=(?:the|our|total|how|what)\b)/g, "")
      // "eventually there are …?": the false friend of eventualmente / ewentualnie / éventuellement, "possibly"
      .replace(/^eventually,?\s+(?=(?:there|is|are|do|does|did|have|has|we|any)\b)/g, "")
      // dictation fillers between a preposition and what it governs ("in like the last four months")
      .replace(/\b(in|for|over|during|about|is|was|the)\s+like\s+(?=the\b|a\b|last\b|this\b|\d)/g, "$1 ")
      .replace(/^(?:so\s+)?basically,?\s+/g, "")
      .replace(/^so\s+basically,?\s+/g, "")
  );
}

/** Periods said another way: "the 2 last months", "in the year until now", fortnights, "one year before", "first half of year". */
function periodWords(text: string, today: Date): string {
  const y = today.getUTCFullYear();
  return (
    text
      .replace(
        new RegExp(
          `\\b(the\\s+)?(\\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\\s+(last|past|previous)\\s+(days|weeks|months|quarters|years)\\b`,
          "g",
        ),
        "the last $2 $4",
      )
      .replace(/\b(?:in\s+)?(?:the|this)\s+year\s+(?:until|till|up\s+to|upto|up\s+till)\s+(?:now|today|date)\b/g, "ytd")
      .replace(
        /\b(?:in\s+)?(?:the|this)\s+month\s+(?:until|till|up\s+to|upto|up\s+till)\s+(?:now|today|date)\b/g,
        "this month to date",
      )
      .replace(/\b(?:(?:one|a)\s+year\s+(?:before|earlier|back|previously))(?=\s*(?:[?.!,]|$|and\b))/g, "a year ago")
      .replace(
        /\b(?:(one|a|two|three|four|five|six|\d{1,2})\s+months?\s+(?:before|earlier|back))(?=\s*(?:[?.!,]|$|and\b))/g,
        (_m, n: string) => `${n} month${n === "one" || n === "a" ? "" : "s"} ago`,
      )
      .replace(/\b((?:the\s+)?(?:first|second|1st|2nd)\s+half)\s+of\s+year\b/g, "$1 of the year")
      // (the last fortnight "of November" is no window back from today: left to be asked back)
      .replace(/\b(?:the\s+)?(?:last|past|previous|prior)\s+fortnight\b(?!\s+(?:of|in)\b)/g, "the last 14 days")
      .replace(
        new RegExp(`\\b(?:the\\s+)?(first|1st)\\s+fortnight\\s+(?:of|in)\\s+(${MONTH})\\b(?:\\s+(\\d{4}))?`, "g"),
        // the first fortnight of a month is its days 1–14; a second one (15–28, or to the month's end?) is asked back
        (said, _which: string, month: string, year: string | undefined) => {
          const mi = monthIndexOf(month);
          if (mi < 0) return said;
          const yy = year ? Number(year) : mi <= today.getUTCMonth() ? y : y - 1;
          const first = new Date(Date.UTC(yy, mi, 1));
          return `from ${ymd(first)} to ${ymd(add(first, "day", 13))}`;
        },
      )
  );
}

function monthIndexOf(name: string): number {
  return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].indexOf(name.slice(0, 3));
}

/** "november the 15th", "sunday the 15th of november": a weekday said with a day is dropped when it is that day's. */
function weekdays(text: string, today: Date): { text: string; askBack?: string } {
  let askBack: string | undefined;
  const out = text.replace(
    new RegExp(
      `\\b(${WEEKDAYS.join("|")}),?\\s+(?:the\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s+of\\s+(${MONTH})|(${MONTH})\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH})|(\\d{4}-\\d{2}-\\d{2}))`,
      "g",
    ),
    (said, weekday: string, d1, m1, m2, d2, d3, m3, iso) => {
      const rest = said.slice(weekday.length).replace(/^,?\s+/, "");
      let date: Date;
      if (iso) date = new Date(`${iso}T00:00:00Z`);
      else {
        const mi = monthIndexOf((m1 ?? m2 ?? m3)!);
        const day = Number(d1 ?? d2 ?? d3);
        const y = today.getUTCFullYear();
        date = new Date(Date.UTC(y, mi, day));
        if (date > today) date = new Date(Date.UTC(y - 1, mi, day));
      }
      if (WEEKDAYS[date.getUTCDay()] === weekday) return rest;
      askBack = `"${said}": ${ymd(date)} is a ${WEEKDAYS[date.getUTCDay()]}, not a ${weekday} — say which day`;
      return said;
    },
  );
  return { text: out, askBack };
}

interface Said {
  start: number;
  end: number;
  a: number;
  b: number;
  year?: number;
  raw: string;
}

/** dd/mm, dd/mm/yyyy, d.m., d.m.yyyy ("24/7" is round the clock, never a date) */
// (a hyphen before it only when a date ends there: "9/1-9/15" is two dates, "-1/2" none)
const DATE_TOKEN =
  /(?<![\d/]|(?<!\.)\.|(?<!\d)-)(\d{1,2})(?:\/(\d{1,2})(?:\/(\d{4}|\d{2}))?|\.(\d{1,2})\.(\d{4})?)(?![\d/]|\.\d)/g;

function datesSaid(text: string): Said[] {
  const out: Said[] = [];
  for (const m of text.matchAll(DATE_TOKEN)) {
    if (m[0] === "24/7") continue;
    const year = m[3] ?? m[5];
    out.push({
      start: m.index!,
      end: m.index! + m[0].length,
      a: Number(m[1]),
      b: Number(m[2] ?? m[4]),
      year: year ? (year.length === 2 ? 2000 + Number(year) : Number(year)) : undefined,
      raw: m[0],
    });
  }
  return out;
}

function dateOf(day: number, month: number, year: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 ? d : undefined;
}

const human = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

/**
 * Day-first dates ("01/07", "1.10.", "17/10/2026") and their ranges ("between 01/07 and 30/09", "from 03/10 until
 * 17/10", "1.10.–31.10.", "the week 2.11.–8.11."), read as ISO days. The order is read day-first only when it is
 * settled: a part above 12, a range that only runs forward one way, a week said of a range only one way spans, or both
 * readings the same day. Otherwise both readings are named and asked back. A date without its year is in this year.
 */
function europeanDates(text: string, today: Date): { text: string; notes: string[]; askBack?: string } {
  const said = datesSaid(text);
  if (said.length === 0) return { text, notes: [] };
  const groups: { items: Said[]; start: number; end: number; week: boolean }[] = [];
  for (let i = 0; i < said.length; i++) {
    const a = said[i]!;
    const b = said[i + 1];
    const before = text.slice(0, a.start);
    const opener = /\b(?:from|between)\s+(?:the\s+)?$/.exec(before);
    const weekSaid = /\bweek\s+(?:of\s+|from\s+|between\s+)?(?:the\s+)?$/.test(before);
    if (b) {
      const join = text.slice(a.end, b.start);
      const closed =
        /^\s*(?:[-–—]|\.{2,3}|until|till|through|thru|up\s+to)\s*(?:the\s+)?$/.test(join) ||
        (opener !== null && /^\s*(?:to|and)\s+(?:the\s+)?$/.test(join)) ||
        // "tickets 9/1 to 9/15": "to" between two dates is their range, unless two periods are set against each other
        (/^\s+to\s+$/.test(join) && !/\b(?:compare|compared|vs\.?|versus|against|than)\b/.test(text));
      if (closed) {
        const start = opener ? a.start - opener[0].length : a.start;
        groups.push({
          items: [a, b],
          start,
          end: b.end,
          week: weekSaid || /\bweek\s+(?:from\s+|between\s+)?$/.test(text.slice(0, start)),
        });
        i++;
        continue;
      }
    }
    // a date alone without its year is a date only after a word that says so ("on 04/05", "since 3.10."): "2/3 of
    // customers" is a fraction, "above 2.5." a decimal
    if (
      a.year === undefined &&
      !/\b(?:on|since|from|until|till|by|before|after|as\s+of|dated)\s+(?:the\s+)?$/.test(before)
    )
      continue;
    groups.push({ items: [a], start: a.start, end: a.end, week: false });
  }
  const y = today.getUTCFullYear();
  const notes: string[] = [];
  let out = text;
  // replaced from the end so earlier offsets hold
  for (const g of [...groups].reverse()) {
    const read = (dayFirst: boolean) => {
      const ds = g.items.map((s) => (dayFirst ? dateOf(s.a, s.b, s.year ?? y) : dateOf(s.b, s.a, s.year ?? y)));
      if (ds.some((d) => !d)) return undefined;
      if (ds.length === 2 && ds[0]! > ds[1]!) return undefined;
      return ds as Date[];
    };
    const dm = read(true);
    const md = read(false);
    const same = dm && md && dm.every((d, i) => d.getTime() === md[i]!.getTime());
    const spans7 = (ds: Date[] | undefined) =>
      ds?.length === 2 && (ds[1]!.getTime() - ds[0]!.getTime()) / 86_400_000 === 6;
    let chosen: Date[] | undefined;
    let why = "";
    if (dm && (!md || same)) {
      chosen = dm;
      why = same ? "the same day either way" : "day first: no month-first reading is a date";
    } else if (md && !dm) {
      chosen = md;
      why = "month first: no day-first reading is a date";
    } else if (dm && md && g.week && spans7(dm) !== spans7(md)) {
      chosen = spans7(dm) ? dm : md;
      why = `a week: only the ${spans7(dm) ? "day-first" : "month-first"} reading spans seven days`;
    }
    const raw = text.slice(g.items[0]!.start, g.items[g.items.length - 1]!.end);
    if (!chosen) {
      if (!dm && !md) continue;
      const both = [dm, md].map((ds) => ds!.map(human).join(" – "));
      return {
        text,
        notes,
        askBack: `"${raw}" can be read two ways: ${both[0]} (day first) or ${both[1]} (month first) — say which, with the month in words (e.g. "${dm!.map((d) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`).join(" to ")}")`,
      };
    }
    notes.push(
      `"${raw}" read as ${chosen.map(human).join(" – ")} (${why}${g.items.some((s) => s.year === undefined) ? `; no year said: ${y}` : ""})`,
    );
    const iso = chosen.map(ymd);
    const weekBefore = g.week
      ? /(?:\b(?:in|for|during|of)\s+)?(?:the\s+)?week\s+(?:of\s+)?$/.exec(out.slice(0, g.start))
      : null;
    const start = weekBefore ? g.start - weekBefore[0].length : g.start;
    const lead = weekBefore && /^\s*(?:in|for|during|of)\b/.test(weekBefore[0]) ? " " : "";
    const repl = iso.length === 2 ? `${lead}from ${iso[0]} to ${iso[1]}` : iso[0]!;
    out = out.slice(0, start) + (start < g.start && !lead ? " " : "") + repl + out.slice(g.end);
  }
  // ("for 1.10.–31.10." reads "from … to …", never "for from …")
  return { text: out.replace(/\b(?:for|in|during|over)\s+(?=from\s+\d{4}-)/g, "").replace(/\s+/g, " "), notes };
}

/** "X is better in October or in September?": a comparison by the metric's direction, said in the planner's words. */
function wordOrder(text: string): string {
  return (
    text
      // "the response time is better in october or in september?" → "is the response time better in october than in september"
      .replace(
        /^(?:(?:so|and|but)\s+)?((?:the\s+|our\s+)?(?!(?:which|what|who|how|when|where|why)\b)[a-z][\w\s-]*?)\s+(is|was|are|were)\s+(better|worse|higher|lower|bigger|smaller)\s+(in|for|during)\s+([\w\s-]+?)\s+or\s+(?:in\s+|for\s+|during\s+)?([\w\s-]+?)\s*\?*\s*$/,
        (_m, subject: string, be: string, cmp: string, prep: string, a: string, b: string) =>
          `${be} ${subject} ${cmp} ${prep} ${a} than ${prep} ${b}?`,
      )
      // "ARR we have now, and how it was a year ago?" → "ARR now vs a year ago"
      .replace(
        /^(.+?)\s+(?:(?:we|you|they)\s+(?:have|has|got)\s+)?(now|today|currently|right\s+now|this\s+month),?\s+and\s+how\s+(?:(?:it|they|this)\s+(?:was|were)|(?:was|were)\s+(?:it|they|this))\s+(.+?)\s*\?*\s*$/,
        "$1 $2 vs $3",
      )
      // "in which month of the first half of the year we had most …": "of" a period is "in" it
      .replace(
        /\b(which|what)\s+(month|week|quarter|day)\s+of\s+(?=(?:the\s+)?(?:first|second|1st|2nd|last|h[12]|q[1-4]|\d{4})\b)/g,
        "$1 $2 in ",
      )
      // "Priya vs Tom, who won more money in H1?": the two named compared, on the amount or count asked
      .replace(
        /^(.+?)\s+(vs\.?|versus|or)\s+(.+?)\s*[,:;—–-]+\s*who\s+(?:has\s+|have\s+|had\s+)?(won|lost|closed)\s+(?:more|the\s+most|most|less|fewer|the\s+least)\s+(money|\$|dollars|revenue|value|amount|deals)\b(.*)$/,
        (_m, a: string, _vs: string, b: string, verb: string, noun: string, rest: string) =>
          `${a} vs ${b}, ${noun === "deals" ? `deals ${verb}` : `${verb === "closed" ? "won" : verb} amount`}${rest}`,
      )
      // "who won the most money": the won amount
      .replace(
        /\b(won|lost)\s+(more|the\s+most|most|less|the\s+least)\s+(?:money|\$|dollars|revenue|value)\b/g,
        (_m, verb: string, most: string) => `${most} ${verb} amount`,
      )
      // "how much money is there inside" a stage: the open pipeline amount of the deals in it
      .replace(
        /\bhow\s+much\s+(?:money|\$|value|amount)\s+(?:is\s+(?:there\s+)?|sits\s+|is\s+sitting\s+)(?:inside|in\s+(?:it|there|them|this\s+stage))\b/g,
        "how much is the open pipeline",
      )
  );
}

/** Turnover with its basis said beside it ("turnover …, cash basis, net of refunds"): the words kept together. */
function basis(text: string): string {
  if (!/\bturnover\b/.test(text)) return text;
  const quals: string[] = [];
  const rest = text.replace(
    /,\s*((?:on\s+(?:a\s+)?)?cash\s+basis|net\s+of\s+refunds|after\s+refunds|before\s+refunds|less\s+refunds)\b/g,
    (_m, q: string) => {
      quals.push(q.replace(/^on\s+(?:a\s+)?/, ""));
      return "";
    },
  );
  return quals.length ? rest.replace(/\bturnover\b/, `turnover ${quals.join(" ")}`) : text;
}

/** The question in the planner's words, the notes of what was read, or a date asked back. */
export function worldRead(question: string, today: Date, known: (w: string) => boolean): WorldReading {
  const typed = question.toLowerCase().replace(/[‘’]/g, "'").replace(/\s+/g, " ").trim();
  const support = /\b(?:tickets?|support|agents?|helpdesk)\b/.test(typed);
  // dictation and learner English: "q three", "fifty thousand", "august no wait september", "more big than" (spoken.ts)
  let text = spokenRead(officeFrames(typed));
  text = homophones(text, support);
  text = yearsInWords(text);
  text = daysInWords(text);
  text = countsInWords(text);
  text = spelled(text, known);
  text = periodWords(text, today);
  // "the quarter we just finished", "the week before Black Friday last year" (named-days.ts)
  const named = namedDays(text, today);
  text = named.text;
  const day = weekdays(text, today);
  if (day.askBack) return { text: question, notes: [], askBack: day.askBack };
  const dates = europeanDates(day.text, today);
  if (dates.askBack) return { text: question, notes: [], askBack: dates.askBack };
  text = wordOrder(basis(dates.text)).replace(/\s+/g, " ").trim();
  if (text === typed) return { text: question, notes: [] };
  return { text, notes: [...named.notes, ...dates.notes] };
}
