/**
 * `PortalInformationResponse` (Account Info v3, PublicApiSpecs/Account/Account Info): what
 * `GET /account-info/v3/details` returns. Every field below is required by the spec; real portals also
 * send fields the spec does not list (portalName, createdAt in the spec's own example), kept here so a
 * reader that lands them all would be caught.
 */
export interface PortalInformation {
  portalId: number;
  accountType: "APP_DEVELOPER" | "DEVELOPER_TEST" | "SANDBOX" | "STANDARD";
  timeZone: string;
  /** the portal's company currency: what a deal without deal_currency_code is in */
  companyCurrency: string;
  additionalCurrencies: string[];
  utcOffset: string;
  utcOffsetMilliseconds: number;
  dataHostingLocation: string;
  uiDomain: string;
  portalName?: string;
  createdAt?: number;
}

/** The spec's example account (a single-currency US portal unless a test says otherwise). */
export function defaultPortal(): PortalInformation {
  return {
    portalId: 12345678,
    accountType: "STANDARD",
    timeZone: "US/Eastern",
    companyCurrency: "USD",
    additionalCurrencies: [],
    utcOffset: "-04:00",
    utcOffsetMilliseconds: -14_400_000,
    dataHostingLocation: "na1",
    uiDomain: "app.hubspot.com",
    portalName: "Acme Inc",
    createdAt: 1_648_840_584_303,
  };
}
