// The labelled data every training command starts from: the training set, an optional
// validation set, and the number of classes their labels span (at least two).
import { MlsecError } from "../../core/index.js";
import type { Dataset } from "../../data/index.js";

export async function loadTrainingData(
  dataPath: string,
  valPath: string | undefined,
): Promise<{ data: Dataset; validation: Dataset | undefined; classes: number }> {
  const { loadDataset } = await import("../../data/index.js");
  const [data, validation] = await Promise.all([
    loadDataset(dataPath),
    valPath === undefined ? undefined : loadDataset(valPath),
  ]);
  let classes = 0;
  for (const y of [data.y, validation?.y ?? new Int32Array()]) {
    for (const label of y) classes = Math.max(classes, label + 1);
  }
  if (classes < 2) {
    throw new MlsecError("E_TRAINING", `${dataPath} holds fewer than two classes`, {
      hint: "A classifier needs labels 0..C-1 with C >= 2 in the data's `y` array.",
    });
  }
  return { data, validation, classes };
}
