// JWT bearer tokens (RFC 7519) verified with jose: only the configured algorithms (HS256, RS256,
// ES256; never `none`), keys from a shared secret or a JWKS (RFC 7517) file or URL, and `iss`,
// `aud` and `exp` required and checked.

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { MlsecError, readFileBounded } from "../core/index.js";
import type { JwtConfig, Route } from "./config.js";
import { ROUTES } from "./config.js";

export interface TokenClaims {
  readonly subject: string;
  readonly models: readonly string[];
  readonly routes: readonly Route[];
}

export type TokenVerifier = (token: string) => Promise<TokenClaims>;

/** Why a token was refused, for the 401 answer and the audit log (no secrets in it). */
export class TokenRejected extends Error {}

async function jwksResolver(config: JwtConfig): Promise<JWTVerifyGetKey | undefined> {
  if (config.jwksUrl !== undefined) {
    return createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000 });
  }
  if (config.jwksFile !== undefined) {
    const text = new TextDecoder().decode(await readFileBounded(config.jwksFile, 1 << 20));
    try {
      return createLocalJWKSet(JSON.parse(text));
    } catch (e) {
      throw new MlsecError(
        "E_GATEWAY_CONFIG",
        `${config.jwksFile} is not a JWKS document: ${(e as Error).message}`,
      );
    }
  }
  return undefined;
}

function claimsOf(payload: JWTPayload, config: JwtConfig): TokenClaims {
  if (typeof payload.sub !== "string" || payload.sub === "") {
    throw new TokenRejected("token has no subject (sub)");
  }
  const models = payload[config.modelsClaim];
  let allowedModels: string[];
  if (models === "*") allowedModels = ["*"];
  else if (Array.isArray(models) && models.every((m) => typeof m === "string")) {
    allowedModels = models as string[];
  } else throw new TokenRejected(`token has no "${config.modelsClaim}" claim (array of models)`);
  const scope = payload.scope;
  const routes =
    typeof scope === "string"
      ? scope.split(" ").filter((s): s is Route => (ROUTES as readonly string[]).includes(s))
      : config.defaultRoutes;
  return { subject: payload.sub, models: allowedModels, routes };
}

export async function createTokenVerifier(config: JwtConfig): Promise<TokenVerifier> {
  const jwks = await jwksResolver(config);
  const secret = config.secret === undefined ? undefined : new TextEncoder().encode(config.secret);
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === "HS256") {
      if (secret === undefined) throw new TokenRejected("HS256 tokens are not accepted");
      return secret;
    }
    if (jwks === undefined) throw new TokenRejected(`${header.alg} tokens need a JWKS`);
    return jwks(header, token);
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: config.algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ["exp", "iss", "aud", "sub"],
      }));
    } catch (e) {
      if (e instanceof TokenRejected) throw e;
      const code = (e as { code?: string }).code ?? "ERR_JWT_INVALID";
      throw new TokenRejected(`${code}: ${(e as Error).message}`);
    }
    return claimsOf(payload, config);
  };
}
