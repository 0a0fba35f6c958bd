// Helpers that emit backward-graph ops: typed constants, reductions valid for the target opset,
// shape tensors (static when inference knows them) and the sum-to-shape of broadcast gradients.

import { MlsecError } from "../../core/index.js";
import { A, type Attr } from "../attributes.js";
import type { GraphBuilder } from "../builder.js";
import { DataType, type Dim } from "../ir.js";
import type { ShapeInfo, ValueType } from "../shape-inference.js";
import { doubleTensor, int64Tensor } from "../tensor-data.js";

export class Emitter {
  private readonly constants = new Map<string, string>();
  private readonly shapes = new Map<string, string>();
  /** Types of values created by the backward pass (gradients share their primal's type). */
  private readonly extraTypes = new Map<string, ValueType>();

  constructor(
    readonly b: GraphBuilder,
    readonly info: ShapeInfo,
    readonly opset: number,
  ) {}

  type(name: string): ValueType | undefined {
    return this.info.types.get(name) ?? this.extraTypes.get(name);
  }

  setType(name: string, type: ValueType): void {
    this.extraTypes.set(name, type);
  }

  shape(name: string): readonly Dim[] | null {
    return this.type(name)?.shape ?? null;
  }

  elemType(name: string): number {
    return this.type(name)?.elemType ?? DataType.FLOAT;
  }

  /** The rank of a value; autodiff of most ops needs at least this much static knowledge. */
  rank(name: string, why: string): number {
    const s = this.shape(name);
    if (s === null) {
      throw new MlsecError("E_UNSUPPORTED_OP", `cannot infer the rank of "${name}" (${why})`, {
        details: { value: name },
      });
    }
    return s.length;
  }

  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}) {
    return this.b.op(opType, inputs, attrs);
  }

  /** A scalar constant with the element type of `like` (float or double), shared per graph. */
  scalar(value: number, like: string | number): string {
    const elemType = typeof like === "number" ? like : this.elemType(like);
    const key = `${elemType}:${Object.is(value, -0) ? "-0" : value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name =
        elemType === DataType.DOUBLE
          ? this.b.initializer(doubleTensor(this.b.fresh("scalar"), [], [value]))
          : this.b.scalar(value);
      this.constants.set(key, name);
    }
    return name;
  }

  /** A constant float/double tensor with the element type of `like`. */
  tensor(values: readonly number[], dims: readonly number[], like: string): string {
    if (this.elemType(like) === DataType.DOUBLE) {
      return this.b.initializer(doubleTensor(this.b.fresh("const"), dims, values));
    }
    return this.b.floatConstant(values, dims);
  }

  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i[${dims}]:${values.join(",")}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.b.int64Constant(values, dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** ReduceX over `axes`, with axes as an attribute or input as the opset requires. */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    const axesAsInput = opType === "ReduceSum" ? this.opset >= 13 : this.opset >= 18;
    const keep = A.int(keepdims ? 1 : 0);
    if (axesAsInput) return this.op(opType, [x, this.ints(axes)], { keepdims: keep });
    return this.op(opType, [x], { axes: A.ints(axes), keepdims: keep });
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op("Unsqueeze", [x, this.ints(axes)]);
  }

  squeeze(x: string, axes: readonly number[]): string {
    return this.op("Squeeze", [x, this.ints(axes)]);
  }

  /** 1 where x > 0, else 0, in x's float type (Greater + Cast beat Where and Sign in ORT). */
  positive(x: string): string {
    const gt = this.op("Greater", [x, this.scalar(0, x)]);
    return this.op("Cast", [gt], { to: A.int(this.elemType(x)) });
  }

  /** An int64 tensor holding the runtime shape of `name` (a constant when fully static). */
  shapeOf(name: string): string {
    let out = this.shapes.get(name);
    if (out !== undefined) return out;
    const s = this.shape(name);
    out = s?.every((d) => typeof d === "number")
      ? this.ints(s as number[])
      : this.op("Shape", [name]);
    this.shapes.set(name, out);
    return out;
  }

  /** Reshapes `grad` back to the shape of the forward value `like`. */
  reshapeLike(grad: string, like: string): string {
    return this.op("Reshape", [grad, this.shapeOf(like)]);
  }

  /**
   * Sums a gradient of shape `gradShape` (a broadcast result) down to the shape of `target`
   * (numpy broadcasting rules). Static axes when the shapes decide them, else computed at run time.
   */
  unbroadcast(grad: string, gradShape: readonly Dim[] | null, target: string): string {
    const ts = this.shape(target);
    if (gradShape !== null && ts !== null && gradShape.length >= ts.length) {
      const lead = gradShape.length - ts.length;
      const axes: number[] = [];
      let decidable = true;
      for (let i = 0; i < gradShape.length; i++) {
        if (i < lead) {
          axes.push(i);
          continue;
        }
        const t = ts[i - lead];
        const g = gradShape[i];
        if (t !== null && (t === g || (typeof t === "number" && t !== 1))) continue;
        if (t === 1) {
          if (g !== 1) axes.push(i);
          continue;
        }
        decidable = false; // symbolic or unknown target dim against a different dim
      }
      if (decidable) {
        if (axes.length === 0) return grad;
        // Only leading axes (a bias [C] against [N, C]): one reduction without kept dims.
        if (axes.length === lead) return this.reduce("ReduceSum", grad, axes, false);
        const summed = this.reduce("ReduceSum", grad, axes, true);
        return lead === 0
          ? summed
          : this.squeeze(
              summed,
              Array.from({ length: lead }, (_, i) => i),
            );
      }
    }
    return this.dynamicUnbroadcast(grad, target);
  }

  private dynamicUnbroadcast(grad: string, target: string): string {
    const gs = this.op("Shape", [grad]);
    const ts = this.shapeOf(target);
    const diff = this.op("Sub", [this.op("Shape", [gs]), this.op("Shape", [ts])]);
    const ones = this.op("ConstantOfShape", [diff], {
      value: A.tensor(int64Tensor("", [1], [1])),
    });
    const padded = this.op("Concat", [ones, ts], { axis: A.int(0) });
    const mask = this.op("Equal", [padded, this.ints([1], [])]);
    const axes = this.op("Reshape", [this.op("NonZero", [mask]), this.ints([-1])]);
    const summed = this.op("ReduceSum", [grad, axes], {
      keepdims: A.int(1),
      noop_with_empty_axes: A.int(1),
    });
    return this.op("Reshape", [summed, ts]);
  }
}
