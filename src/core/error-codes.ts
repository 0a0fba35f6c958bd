// The one table of stable error codes. docs/errors.md lists the same codes and a test keeps
// the two in sync: add a row to both when you add a code. Grouped by the module that raises it.

export interface ErrorCodeInfo {
  /** What went wrong, in one line. */
  readonly summary: string;
  /** What the user can do about it (used when the error itself has no more specific hint). */
  readonly hint: string;
}

export const ERROR_CODES = {
  // core / cli
  E_USAGE: {
    summary: "The command line is malformed (unknown option, missing argument, bad value).",
    hint: "Run the command with --help to see its arguments and options.",
  },
  E_INVALID_ARGUMENT: {
    summary: "A value passed to a function or option is out of range or of the wrong kind.",
    hint: "Check the value against the documentation of the option or function.",
  },
  E_FILE_NOT_FOUND: {
    summary: "An input file or directory does not exist or cannot be read.",
    hint: "Check the path and its permissions.",
  },
  E_IO: {
    summary: "Reading or writing a file failed.",
    hint: "Check disk space, permissions and that the path is on a writable file system.",
  },
  E_INTERNAL: {
    summary: "An unexpected internal failure (a bug in mlsec).",
    hint: "Please report it with the command line and input that triggered it.",
  },
  // tensors and data
  E_SHAPE_MISMATCH: {
    summary: "A tensor does not have the shape that the model or operation expects.",
    hint: "Check the input's shape against `mlsec model info` or the data file's arrays.",
  },
  E_DTYPE: {
    summary: "A tensor or array has a data type that is not supported here.",
    hint: "Convert the data to float32 features and integer labels.",
  },
  E_NON_FINITE: {
    summary: "The input holds NaN or Infinity values.",
    hint: "Clean the data (impute or drop rows with NaN/Infinity) before using it.",
  },
  E_OUT_OF_BOUNDS: {
    summary: "Input values lie outside the model's declared input bounds.",
    hint: "Scale the data to the model's bounds, or pass --bounds to declare the right range.",
  },
  E_DATA_FORMAT: {
    summary: "A data file (.npy, .npz, CSV, JSONL) is malformed or truncated.",
    hint: "Re-export the file; .npz files must be zip archives of .npy arrays.",
  },
  E_DATA_MISSING_ARRAY: {
    summary: "A data file lacks an array the command needs (for example `x` or `y`).",
    hint: "Data files hold features in an array `x` (float32 [N,...]) and labels in `y` (integer [N]).",
  },
  E_LIMIT_EXCEEDED: {
    summary: "An input exceeds a safety bound (size, nesting depth, element count or time).",
    hint: "The input may be hostile; if it is genuine, raise the limit with the documented option.",
  },
  // onnx engine
  E_ONNX_PARSE: {
    summary: "The file is not a valid ONNX model (truncated, not protobuf, or not a ModelProto).",
    hint: "Check that the file is a complete .onnx model, for example by re-exporting it.",
  },
  E_ONNX_INVALID_GRAPH: {
    summary: "The ONNX graph is malformed (cycle, missing initializer or input, duplicate output).",
    hint: "Validate the model with the exporter's checker (onnx.checker) and re-export it.",
  },
  E_ONNX_EXTERNAL_DATA: {
    summary:
      "A tensor's external data file is missing, out of range, or outside the model directory.",
    hint: "Keep external data files next to the model; paths must stay inside its directory.",
  },
  E_UNSUPPORTED_OP: {
    summary:
      "An operator (or attribute of it) is not supported by mlsec's autodiff or shape inference.",
    hint: "Predictions still work (black-box use); white-box methods need a differentiable graph.",
  },
  E_ONNX_RUNTIME: {
    summary: "onnxruntime refused or failed to run the model.",
    hint: "Check the model with `mlsec model info`; the message from onnxruntime follows.",
  },
  E_TRAINING: {
    summary: "Training failed (diverged to NaN, or the configuration is inconsistent).",
    hint: "Lower the learning rate, check the data, or change the configuration.",
  },
  // store, incidents, STIX 2.1 / TAXII 2.1 sharing (issue 14)
  E_STORE: {
    summary: "The store (SQLite file or PostgreSQL) cannot be opened, migrated or queried.",
    hint: "Check --store / MLSEC_STORE: the file's folder must be writable, the server reachable.",
  },
  E_NOT_FOUND: {
    summary: "No record (incident, collection, object or status) has the given ID.",
    hint: "List the records (for example `mlsec incident list`) and use one of their IDs.",
  },
  E_STIX_FORMAT: {
    summary: "A STIX 2.1 bundle or object is malformed, or of a type that is not accepted.",
    hint: "Check the JSON against the STIX 2.1 spec; pass --keep-unknown to keep custom types.",
  },
  E_TAXII: {
    summary: "A TAXII 2.1 server refused the request or did not answer in TAXII 2.1.",
    hint: "Check the server URL, the API root and collection IDs, and the access token.",
  },
  // artifacts: hashing, signing, verification, encryption at rest (issue 8)
  E_SYMLINK_REFUSED: {
    summary: "The model contains a symbolic link and symlinks are not allowed.",
    hint: "Replace the link by the file it points to, or pass --allow-symlinks if you trust it.",
  },
  E_SIGNATURE_FORMAT: {
    summary: "The signature file is not a valid model-signing Sigstore bundle.",
    hint: "Check that the file is a model.sig written by mlsec or the model_signing tool.",
  },
  E_SIGNATURE_UNSUPPORTED: {
    summary: "The signature uses a method, hash or key type that mlsec cannot verify.",
    hint: "Supported: files/shards serialization with sha256, ECDSA P-256/P-384/P-521, Ed25519.",
  },
  E_SIGNATURE_INVALID: {
    summary: "The signature does not verify with the given key (wrong key or altered signature).",
    hint: "Check that you verify with the signer's public key; otherwise the signature was altered.",
  },
  E_CERT_CHAIN_INVALID: {
    summary: "The signing certificate does not chain to the trusted CA or may not sign.",
    hint: "Pass the root CA that issued the signer's chain; the leaf needs digitalSignature usage.",
  },
  E_SIGSTORE_INVALID: {
    summary: "Keyless Sigstore verification failed (identity, issuer, log entry or timestamp).",
    hint: "Check --identity and --issuer against the signer and the trusted root file.",
  },
  E_MODEL_MODIFIED: {
    summary: "The model's files differ from the signed manifest (changed, missing or extra file).",
    hint: "Do not use this model: restore the signed files or ask the signer for a new signature.",
  },
  E_KEY_FORMAT: {
    summary: "A key file is unreadable or holds an unsupported kind of key.",
    hint: "Use a PEM key (ECDSA P-256/P-384 or Ed25519) or create one with `mlsec keygen`.",
  },
  E_ENCRYPTED_FORMAT: {
    summary: "The file is not an mlsec encrypted file or its header is malformed.",
    hint: "Check that the file was written by `mlsec encrypt` and is complete.",
  },
  E_WRONG_KEY: {
    summary: "The key or passphrase does not open this encrypted file.",
    hint: "Use the key file or passphrase the file was encrypted (or last re-keyed) with.",
  },
  E_DECRYPT_AUTH: {
    summary: "Encrypted data failed authentication (tampered, truncated, reordered or appended).",
    hint: "Do not use the file: restore it from a trusted copy.",
  },
  E_KMS_COMMAND: {
    summary: "The external KMS command failed, timed out or returned malformed output.",
    hint: "Run the command by hand with `wrap`/`unwrap` and check its output and credentials.",
  },
  // scan: model-file scanner (issue 3)
  E_SCAN_POLICY: {
    summary: "A scan policy file is not valid YAML/JSON or does not follow the policy schema.",
    hint: "A policy has `allow: [module.name]`, `deny: [module.* or {pattern, severity, reason}]`.",
  },
  // privacy: DP queries and their budget ledger (issue 6)
  E_PRIVACY_BUDGET_EXCEEDED: {
    summary: "A DP query would spend more epsilon than the dataset's privacy budget has left.",
    hint: "Ask fewer or cheaper (smaller --epsilon) queries; the budget of a dataset never grows.",
  },
  // pii: detection and anonymization (issue 7)
  E_PII_CONFIG: {
    summary: "An anonymizer operator configuration (YAML/JSON) does not follow the schema.",
    hint: "Give `default:` and `entities:` operators: redact, replace, mask, hash, encrypt, pseudonym or keep.",
  },
  E_PII_KEY: {
    summary: "The anonymization key is missing, too short, or does not decrypt the tokens.",
    hint: "Pass --key-file with the key (>= 16 random bytes) used when the text was anonymized.",
  },
  E_PII_ANONYMITY: {
    summary:
      "The privacy model (k, l, t) cannot be met by this table (k larger than the data, too few sensitive values, suppression budget).",
    hint: "Lower k or l, raise t or --max-suppression, or anonymize a larger table.",
  },
  E_PII_NER: {
    summary:
      "The NER model or command failed, or returned output that is not the documented JSON Lines.",
    hint: 'The command reads {"text": …} lines and prints one {"entities": [{start, end, label, score?}]} line per text.',
  },
  E_PII_SUBJECT: {
    summary:
      "The data subject is not in the encrypted data set's key table, or was already forgotten.",
    hint: "Check the subject id: the key table lists every subject that still has a key; `mlsec pii receipts` lists deletions.",
  },
  // attacks/endpoint: black-box HTTP model endpoints (issue 4)
  E_ENDPOINT_HTTP: {
    summary: "The model endpoint refused the request or kept failing (HTTP error, network error).",
    hint: "Check the endpoint URL, the auth --header and that the server is up; 429s are retried.",
  },
  E_ENDPOINT_TIMEOUT: {
    summary: "The model endpoint did not answer within the timeout, even after retries.",
    hint: "Raise --timeout-ms or lower --batch-size and --concurrency for a slow endpoint.",
  },
  E_ENDPOINT_RESPONSE: {
    summary: "The model endpoint answered with something that is not the expected scores.",
    hint: "Check --response-path and that it points at N rows of numClasses numbers.",
  },
  // threat: system descriptions for threat modelling (issue 13)
  E_THREAT_MODEL: {
    summary:
      "A system description (YAML) for the threat model is invalid or does not follow the schema.",
    hint: "Compare it with examples/threat-models/: components with id and kind, flows between known ids.",
  },
  // explain: attributions (issue 11)
  E_MODEL_CARD: {
    summary: "The model-card metadata file is not valid YAML/JSON or does not follow its schema.",
    hint: "Compare it with examples/model-cards/digits-cnn.yaml; every field is optional.",
  },
  E_EXPLAIN_METHOD: {
    summary:
      "The explanation method cannot handle this model or input (too many features, no image).",
    hint: "Use --method kernelshap for many tabular features, or ig/saliency/smoothgrad for images.",
  },
  // registry: models, versions, aliases, RBAC, audit log (issue 9)
  E_REGISTRY_DENIED: {
    summary: "The acting user's role does not allow this registry operation (denied and audited).",
    hint: "Ask a registry admin for a grant: `mlsec registry grant USER ROLE [--model NAME]`.",
  },
  E_REGISTRY_NOT_FOUND: {
    summary: "No registry model, version or alias has the given name (or it was deleted).",
    hint: "Run `mlsec registry list` or `mlsec registry show MODEL` to see what exists.",
  },
  E_REGISTRY_CONFLICT: {
    summary:
      "The registry already holds this (model name taken, or the same content as a version).",
    hint: "Versions are immutable: publish changed content, or point an alias at the existing version.",
  },
  E_REGISTRY_AUDIT_BROKEN: {
    summary: "The registry's audit chain does not verify, so it cannot be checkpointed.",
    hint: "Run `mlsec registry audit verify` to find the first broken entry; restore the log first.",
  },
  // defenses
  E_DETECTOR_FORMAT: {
    summary: "A detector file is malformed, of an unknown version, or its model file has changed.",
    hint: "Refit the detector with `mlsec detect fit` against the model it will guard.",
  },
  // serve: the secure inference gateway (issue 10)
  E_GATEWAY_CONFIG: {
    summary: "A gateway config (YAML/JSON) is invalid, names a missing env var, or a bad model.",
    hint: "Compare it with examples/gateway/gateway.yaml; secrets come from ${ENV_VAR} references.",
  },
  E_GATEWAY_LISTEN: {
    summary: "The gateway could not listen on the configured host and port.",
    hint: "Pick a free port with --port (0 picks any) or stop the process that holds it.",
  },
  // he: CKKS encrypted inference (issue 12)
  E_HE_UNSUPPORTED: {
    summary: "The model cannot be evaluated under CKKS (an operator or structure it cannot plan).",
    hint: "HE plans take chains of Gemm/MatMul/Conv and polynomial activations; see `mlsec he --help`.",
  },
  E_HE_PARAMETERS: {
    summary: "No CKKS parameters fit the model's depth and width at the requested security level.",
    hint: "Use a shallower model (fewer layers, degree-2 activations) or a lower --security.",
  },
  E_HE_FORMAT: {
    summary: "An HE key, query or result file is malformed, truncated, or of the wrong kind.",
    hint: "Pass a file written by `mlsec he keygen`, `encrypt` or `infer`, unmodified.",
  },
  E_HE_KEY_MISMATCH: {
    summary: "HE keys, ciphertexts and model do not belong together (other key pair or model).",
    hint: "Use the keys from the same `mlsec he keygen` run, with the same model, for every step.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
