import type { Catalog } from "../../engine/catalog/catalog.ts";

/**
 * Personal data asked for anywhere in a message (#15, batch 34): "who are our 10 biggest customers by MRR? names +
 * emails pls, want to send them a thank you", "top 5 accounts by ARR — include their emails". The ranking may be
 * answerable, but the names, emails and phones of customers or contacts are personal data: the whole message is
 * refused, never answered with the ranking and the ask for the people set aside as chat. Read as a request — fields
 * listed together ("names + emails"), said as theirs or wanted ("their emails", "with phone numbers", "emails pls")
 * — so an email said in the backstory ("got an email from our investor") is not one.
 */
const FIELD = String.raw`(?:names?|e-?mails?|e-?mail\s+address(?:es)?|phones?|phone\s+numbers?|mobile\s+numbers?|addresses|contact\s+(?:info|information|details))`;
const PERSONAL = String.raw`(?:e-?mails?|e-?mail\s+address(?:es)?|phones?|phone\s+numbers?|mobile\s+numbers?|addresses|contact\s+(?:info|information|details))`;

const ASKED = [
  // "names + emails", "names and emails", "emails/phones"
  new RegExp(String.raw`\b${FIELD}\s*(?:\+|&|,|/|\band\b|\bor\b|\bwith\b)\s*(?:their\s+)?${FIELD}\b`, "i"),
  // "their emails", "with phone numbers", "customers' emails", "the contact info"
  new RegExp(
    String.raw`\b(?:their|his|her|with|w/|incl(?:uding|ude|\.)?|plus|and|\+|customers'?|clients'?|accounts'?|contacts'?|users'?|the)\s+${PERSONAL}\b`,
    "i",
  ),
  // "emails pls", "phone numbers too", "names please"
  new RegExp(String.raw`\b${PERSONAL}\s+(?:pls|plz|please|too|as\s+well|included|if\s+possible)\b`, "i"),
  // "need names and…", "send me the emails", "get their names"
  new RegExp(
    String.raw`\b(?:need|want|get|give\s+me|send\s+me|show\s+me|list)\s+(?:the\s+|their\s+)?${PERSONAL}\b`,
    "i",
  ),
];

/** the words that ask for personal data, or undefined */
export function personalDataAsked(whole: string): string | undefined {
  for (const re of ASKED) {
    const m = re.exec(whole);
    if (m) return m[0].trim();
  }
  return undefined;
}

/**
 * The names of customers, accounts or companies asked for (#15, batch 40): "who's at risk of churning? give me the
 * company names", "which accounts — names", "how many churned in October? list them". Refused whenever a mart marks
 * a name column as personal data (pii: customer_name, account_name), even when the count beside it could be given:
 * a count answered for a request for names is a wrong answer, not a partial one.
 */
const WHOSE = String.raw`(?:compan(?:y|ies)|customers?|clients?|accounts?|business(?:es)?|logos?|brands?|organi[sz]ations?|orgs?)'?s?`;
const NAMES_ASKED = [
  // "the company names", "account names", "customers' names"
  new RegExp(String.raw`\b${WHOSE}\s+names\b`, "i"),
  // "give me the names", "with names", "need their names", "names of the accounts"
  new RegExp(
    String.raw`\b(?:give\s+me|send\s+me|show\s+me|tell\s+me|need|want|get|list|with|w/|incl(?:uding|ude|\.)?|plus)\s+(?:me\s+)?(?:the\s+|their\s+|all\s+(?:the\s+)?)?names\b`,
    "i",
  ),
  new RegExp(String.raw`\bnames\s+(?:of|for)\s+(?:the\s+|those\s+|these\s+|our\s+|them\b)`, "i"),
  // "names pls", "names too"
  new RegExp(String.raw`\bnames\s*(?:pls|plz|please|too|as\s+well|included|if\s+possible)\b`, "i"),
  // "which accounts — names", "which customers? names"
  new RegExp(String.raw`\b(?:which|what)\s+${WHOSE}\b.*\bnames?\b`, "i"),
  // "list them", "name them", "who are they", "which ones are they"
  /\b(?:list|name)\s+(?:them|those|these)\b|\bwho\s+(?:are|were)\s+they\b|\bwhich\s+ones\s+(?:are|were)\s+they\b/i,
];

/** the words that ask for the names of customers or companies when a mart marks such names as personal data */
export function namesAsked(whole: string, catalog: Catalog): string | undefined {
  const marked = catalog.marts().some((m) => m.columns.some((c) => c.pii && /(?:^|_)name$/.test(c.name)));
  if (!marked) return undefined;
  for (const re of NAMES_ASKED) {
    const m = re.exec(whole);
    if (m) return m[0].trim();
  }
  return undefined;
}
