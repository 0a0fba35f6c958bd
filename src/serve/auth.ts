// Who is calling, and may they use this route and model. API keys come as `x-api-key` or
// `Authorization: Bearer mlsec_...`; other bearer tokens are JWTs.

import type { ApiKeyStore } from "./api-keys.js";
import type { Route } from "./config.js";
import { TokenRejected, type TokenVerifier } from "./jwt.js";

export interface Principal {
  readonly id: string;
  readonly method: "api-key" | "jwt" | "anonymous";
  readonly models: readonly string[];
  readonly routes: readonly Route[];
}

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

export interface Authenticator {
  authenticate(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    ip: string,
  ): Promise<AuthResult>;
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function createAuthenticator(options: {
  anonymous: boolean;
  apiKeys: ApiKeyStore;
  verifyToken?: TokenVerifier;
}): Authenticator {
  return {
    async authenticate(headers, ip) {
      const apiKeyHeader = single(headers["x-api-key"]);
      const authorization = single(headers.authorization);
      let bearer: string | undefined;
      if (authorization !== undefined) {
        const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
        if (m === null) return { ok: false, reason: "malformed Authorization header" };
        bearer = m[1];
      }
      const key = apiKeyHeader ?? (bearer?.startsWith("mlsec_") ? bearer : undefined);
      if (key !== undefined) {
        const entry = options.apiKeys.find(key);
        if (entry === undefined) return { ok: false, reason: "unknown API key" };
        return {
          ok: true,
          principal: {
            id: entry.id,
            method: "api-key",
            models: entry.models,
            routes: entry.routes,
          },
        };
      }
      if (bearer !== undefined) {
        if (options.verifyToken === undefined) {
          return { ok: false, reason: "bearer tokens are not accepted (no jwt config)" };
        }
        try {
          const claims = await options.verifyToken(bearer);
          return {
            ok: true,
            principal: {
              id: `jwt:${claims.subject}`,
              method: "jwt",
              models: claims.models,
              routes: claims.routes,
            },
          };
        } catch (e) {
          if (e instanceof TokenRejected) return { ok: false, reason: e.message };
          throw e;
        }
      }
      if (options.anonymous) {
        return {
          ok: true,
          principal: {
            id: `ip:${ip}`,
            method: "anonymous",
            models: ["*"],
            routes: ["infer", "metadata", "metrics"],
          },
        };
      }
      return { ok: false, reason: "no credentials (x-api-key or Authorization: Bearer)" };
    },
  };
}

export function authorize(principal: Principal, route: Route, model?: string): string | undefined {
  if (!principal.routes.includes(route)) return `${principal.id} may not use the ${route} route`;
  if (model !== undefined && !principal.models.includes("*") && !principal.models.includes(model)) {
    return `${principal.id} may not use model ${model}`;
  }
  return undefined;
}
