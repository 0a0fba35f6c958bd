// A client for a registry server, authenticated by $MLSEC_REGISTRY_TOKEN or the token
// `registry login` saved; used by publish and pull with --url.
import type { RegistryClient } from "../../../registry/index.js";
import { MlsecError } from "../../runner.js";

const TOKEN_ENV = "MLSEC_REGISTRY_TOKEN";

export /** A client for `url` with $MLSEC_REGISTRY_TOKEN or the token `registry login` saved. */
async function remote(url: string): Promise<RegistryClient> {
  const { RegistryClient, credentialsPath, loadToken } = await import("../../../registry/index.js");
  const token = process.env[TOKEN_ENV] ?? (await loadToken(credentialsPath(), url));
  if (token === undefined) {
    throw new MlsecError("E_USAGE", `no token for ${url}`, {
      hint: `Run \`mlsec registry login --url ${url}\` or set ${TOKEN_ENV}.`,
    });
  }
  return new RegistryClient(url, token);
}
