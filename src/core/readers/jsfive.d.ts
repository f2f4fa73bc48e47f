// The part of jsfive's API the Keras reader uses (jsfive ships no types).
declare module 'jsfive' {
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset | undefined;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    readonly dtype: unknown;
    readonly value: ArrayLike<number>;
    readonly attrs: Record<string, unknown>;
  }
}
