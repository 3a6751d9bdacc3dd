/** The fixed parts of the demo company: its price list, its people, the words its customers are named from. */
export type Tier = "starter" | "growth" | "pro" | "enterprise";
export type Interval = "month" | "year";

export interface Plan {
  id: string;
  name: string;
  tier: Tier;
  interval: Interval;
  /** per seat per interval */
  priceCents: number;
}

export const TIERS: readonly Tier[] = ["starter", "growth", "pro", "enterprise"];

export const MONTHLY_SEAT_PRICE: Record<Tier, number> = { starter: 800, growth: 1_600, pro: 2_800, enterprise: 4_500 };

/** Annual plans cost ten months. */
export const PLANS: readonly Plan[] = TIERS.flatMap((tier) => [
  {
    id: `plan_${tier}_monthly`,
    name: `${cap(tier)} (monthly)`,
    tier,
    interval: "month" as const,
    priceCents: MONTHLY_SEAT_PRICE[tier],
  },
  {
    id: `plan_${tier}_annual`,
    name: `${cap(tier)} (annual)`,
    tier,
    interval: "year" as const,
    priceCents: MONTHLY_SEAT_PRICE[tier] * 10,
  },
]);

export function planFor(tier: Tier, interval: Interval): Plan {
  return PLANS.find((p) => p.tier === tier && p.interval === interval)!;
}

export const SEATS: Record<Tier, readonly [number, number]> = {
  starter: [1, 4],
  growth: [2, 8],
  pro: [3, 10],
  enterprise: [6, 20],
};

/** Monthly chance a paying customer on this tier cancels. */
export const CHURN_HAZARD: Record<Tier, number> = { starter: 0.038, growth: 0.027, pro: 0.018, enterprise: 0.01 };

export const SALES_REPS = [
  "maria.lopez@acme.io",
  "james.chen@acme.io",
  "priya.nair@acme.io",
  "tom.becker@acme.io",
  "sofia.rossi@acme.io",
] as const;

export const COUNTRIES: readonly (readonly [string, number])[] = [
  ["US", 42],
  ["GB", 10],
  ["DE", 9],
  ["CA", 7],
  ["FR", 6],
  ["NL", 4],
  ["AU", 4],
  ["ES", 3],
  ["SE", 3],
  ["IN", 4],
  ["BR", 3],
  ["JP", 2],
  ["IE", 2],
  ["SG", 1],
];

export const COMPANY_SIZES: readonly (readonly [string, number])[] = [
  ["1-10", 35],
  ["11-50", 35],
  ["51-200", 18],
  ["201-1000", 9],
  ["1000+", 3],
];

export const INDUSTRIES = [
  "software",
  "ecommerce",
  "agency",
  "healthcare",
  "education",
  "finance",
  "logistics",
  "manufacturing",
  "media",
  "nonprofit",
] as const;

const NAME_FIRST = [
  "Blue",
  "North",
  "Bright",
  "Iron",
  "Silver",
  "Green",
  "Swift",
  "Clear",
  "Red",
  "Open",
  "True",
  "Bold",
  "Quiet",
  "Golden",
  "Rapid",
  "Little",
  "Second",
  "Wild",
  "Urban",
  "Prime",
];
const NAME_SECOND = [
  "Harbor",
  "Pine",
  "River",
  "Peak",
  "Field",
  "Stone",
  "Oak",
  "Bridge",
  "Lake",
  "Summit",
  "Maple",
  "Cedar",
  "Falcon",
  "Fox",
  "Wave",
  "Lantern",
  "Orbit",
  "Anchor",
  "Meadow",
  "Signal",
];
const NAME_SUFFIX = [
  "Labs",
  "Inc",
  "Co",
  "Studio",
  "Systems",
  "Analytics",
  "Health",
  "Logistics",
  "Partners",
  "Goods",
  "Works",
  "Digital",
];
const FIRST_NAMES = [
  "Ana",
  "Ben",
  "Chloe",
  "David",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Isla",
  "Jonas",
  "Kemi",
  "Liam",
  "Mona",
  "Nils",
  "Omar",
  "Paula",
  "Quinn",
  "Rosa",
  "Sam",
  "Tara",
];
const LAST_NAMES = [
  "Smith",
  "Garcia",
  "Müller",
  "Kowalski",
  "Okafor",
  "Tanaka",
  "Dubois",
  "Rossi",
  "Johansson",
  "Patel",
  "Kim",
  "Silva",
  "Novak",
  "Walsh",
  "Haddad",
];

const NAME_SPACE = NAME_FIRST.length * NAME_SECOND.length * NAME_SUFFIX.length;

/** Unique per index within each block of NAME_SPACE, shuffled so neighbours do not look alike. */
export function companyName(index: number): string {
  const i = Math.floor(index / NAME_SPACE) * NAME_SPACE + (((index % NAME_SPACE) * 1111) % NAME_SPACE);
  const a = NAME_FIRST[i % NAME_FIRST.length]!;
  const b = NAME_SECOND[Math.floor(i / NAME_FIRST.length) % NAME_SECOND.length]!;
  const c = NAME_SUFFIX[Math.floor(i / (NAME_FIRST.length * NAME_SECOND.length)) % NAME_SUFFIX.length]!;
  const n = Math.floor(i / (NAME_FIRST.length * NAME_SECOND.length * NAME_SUFFIX.length));
  return n === 0 ? `${a} ${b} ${c}` : `${a} ${b} ${c} ${n + 1}`;
}

export function contactName(i: number): [string, string] {
  return [FIRST_NAMES[(i * 7) % FIRST_NAMES.length]!, LAST_NAMES[(i * 11) % LAST_NAMES.length]!];
}

export function domainOf(company: string): string {
  const slug = company
    .toLowerCase()
    .replace(/\b(inc|co)\b/g, "")
    .replace(/[^a-z0-9]+/g, "");
  return `${slug}.${slug.length % 3 === 0 ? "io" : "com"}`;
}

export const EVENT_TYPES: readonly (readonly [string, number])[] = [
  ["page_view", 40],
  ["login", 14],
  ["dashboard_viewed", 14],
  ["report_created", 8],
  ["query_run", 10],
  ["export_csv", 4],
  ["invite_sent", 2],
  ["integration_connected", 1],
  ["api_call", 7],
];

export const TICKET_TOPICS = [
  "billing",
  "bug",
  "how_to",
  "integration",
  "performance",
  "account",
  "feature_request",
] as const;

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
