// Public surface of the data layer: .npy/.npz, CSV and JSONL readers, dataset helpers.

export {
  type Cell,
  type CsvOptions,
  parseCsv,
  parseCsvRecords,
  type Row,
  readCsv,
  type Table,
} from "./csv.js";
export {
  type Dataset,
  datasetFromArrays,
  loadDataset,
  type ReadLimits,
  readNpy,
  readNpz,
  saveDataset,
  toLabels,
  toTensor,
  writeNpy,
  writeNpz,
} from "./dataset.js";
export { DEFAULT_MAX_FILE_BYTES, readFileBounded, writeFileAtomic } from "./files.js";
export { type JsonlOptions, parseJsonl, readJsonl, streamJsonl } from "./jsonl.js";
export {
  DEFAULT_LABEL_COLUMNS,
  type LabelledData,
  loadLabelledData,
} from "./labelled-file.js";
export {
  allocate,
  DTYPES,
  type DType,
  type DTypeArrays,
  itemSize,
  type NdArray,
  ndarray,
  type TypedArray,
} from "./ndarray.js";
export { DEFAULT_NPY_LIMITS, decodeNpy, encodeNpy, type NpyLimits } from "./npy.js";
export {
  decodeNpz,
  encodeNpz,
  listNpz,
  type NpzLimits,
  type NpzReadOptions,
  type NpzWriteOptions,
} from "./npz.js";
export { columnsToTensor, columnToLabels, type Fields, type Labels } from "./table.js";
export {
  crc32,
  DEFAULT_ZIP_LIMITS,
  listZip,
  readZip,
  type ZipEntry,
  type ZipLimits,
} from "./zip.js";
