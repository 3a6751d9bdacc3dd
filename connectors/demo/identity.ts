import { companyName, contactName, domainOf } from "./company.ts";
import { pick, rngFor } from "./random.ts";

const IDENTITY = 71;

/** Mailbox providers some founders sign up with; a customer billed at one of these matches no CRM company by domain. */
export const FREE_MAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me"];

/** The domain of the customer's company (what its CRM company records, and its work email ends with). */
export function companyDomain(index: number): string {
  return domainOf(companyName(index));
}

/** The customer's contact at their company: first.last@company-domain, ASCII, lower-case. */
export function workEmail(index: number): string {
  const [first, last] = contactName(index);
  return ascii(`${first}.${last}@${companyDomain(index)}`);
}

/** About 7% of customers sign up with a personal mailbox instead of their work email. */
export function freeMailDomain(seed: number, index: number): string | undefined {
  const rng = rngFor(seed, index, IDENTITY);
  return rng() < 0.07 ? pick(rng, FREE_MAIL_DOMAINS) : undefined;
}

/**
 * The email a customer signed up (and is billed) with: their work email, or for the few on a
 * personal mailbox, first.last@that-mailbox. A billing dataset that uses this and the CRM dataset
 * agree on who can be matched by email domain.
 */
export function signupEmail(seed: number, index: number): string {
  const free = freeMailDomain(seed, index);
  if (!free) return workEmail(index);
  const [first, last] = contactName(index);
  return ascii(`${first}.${last}@${free}`);
}

function ascii(email: string): string {
  return email
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}
