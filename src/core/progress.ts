/** Progress of long work, reported through an `onProgress` callback. */
export interface ProgressEvent {
  /** What is being done, e.g. "train epoch 3". */
  readonly task: string;
  readonly done: number;
  readonly total: number;
  /** Optional short status, e.g. "loss 0.12". */
  readonly message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const noProgress: ProgressListener = () => {};
