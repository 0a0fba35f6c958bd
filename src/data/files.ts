export { DEFAULT_MAX_FILE_BYTES, readFileBounded, writeFileAtomic } from "../core/index.js";
