import type { TaxiiConfigInput } from "../../src/incidents/index.js";

export const SHARED = "9a1c7e52-3f0b-4d8e-a6c2-5b7d9e1f3a40";
export const PRIVATE = "2e4f6a8c-1b3d-4f5a-8c7e-9d0b1a2c3e4f";

export const TOKENS = {
  acme: "acme-token-0123456789abcdef",
  globex: "globex-token-0123456789abcdef",
  reader: "reader-token-0123456789abcdef",
} as const;

export function taxiiConfig(overrides: Partial<TaxiiConfigInput> = {}): TaxiiConfigInput {
  return {
    title: "Test TAXII",
    maxContentLength: 64 * 1024,
    pageSize: 50,
    apiRoots: [
      {
        name: "api1",
        title: "Incidents",
        collections: [
          { id: SHARED, title: "Shared ML incidents", alias: "shared" },
          { id: PRIVATE, title: "Acme only" },
        ],
      },
    ],
    principals: [
      { name: "acme", token: TOKENS.acme, read: ["*"], write: ["*"] },
      { name: "globex", token: TOKENS.globex, read: [SHARED], write: [SHARED] },
      { name: "reader", token: TOKENS.reader, read: [SHARED], write: [] },
    ],
    ...overrides,
  };
}
