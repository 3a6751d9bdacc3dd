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
