// A source-independent tensor model: what any reader (text, NumPy, safetensors, PyTorch, ONNX, HDF5/Keras) hands to
// recognition. Values are lazy so a reader can list a 2 GB file's tensors and read only the byte ranges of the ones
// a layer needs. No vscode, fs or path here: bytes come through ByteSource, which each host backs its own way.

/** Random access to a file's bytes. The extension backs it with vscode.workspace.fs, the CLI with fs, tests with memory. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset`; rejects when the range is outside the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Where a tensor came from, precise enough to show and to find it again. */
export type TensorOrigin =
  | { readonly kind: 'text'; readonly start: number; readonly end: number }
  | { readonly kind: 'file'; readonly format: ModelFormat; readonly path: string; readonly entry?: string; readonly offset?: number; readonly length?: number };

export type ModelFormat = 'npy' | 'npz' | 'safetensors' | 'pytorch' | 'pytorch-legacy' | 'onnx' | 'keras' | 'hdf5';

export interface Tensor {
  /** The file's own name for it: state_dict key, npz key, ONNX initializer, HDF5 path. */
  readonly name?: string;
  readonly shape: readonly number[];
  /** The stored element type in NumPy spelling: float32, float64, float16, bfloat16, int64, ... */
  readonly dtype: string;
  /** Reads (only) this tensor's bytes and converts them to float64, row-major. */
  readonly values: () => Promise<Float64Array>;
  readonly origin: TensorOrigin;
}

/** What the file says about one layer, so nothing needs guessing: framework config keys as the framework spells them. */
export interface LayerConfig {
  /** Framework layer class / op: LSTM, GRU, SimpleRNN, RNN, Bidirectional, Dense, Linear, ... */
  readonly layerClass: string;
  readonly name: string;
  readonly framework: 'keras' | 'pytorch' | 'onnx';
  /** Config keys in the framework's own names (Keras get_config(), PyTorch module attributes, ONNX attributes). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Names of the tensors that belong to this layer (Tensor.name). */
  readonly tensorNames: readonly string[];
  /** ONNX: the tensor for each input slot (W, R, B, P, ...). */
  readonly inputs?: Readonly<Record<string, string>>;
}

export interface ReadDiagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  readonly message: string;
}

export interface ModelFile {
  readonly format: ModelFormat;
  /** File name the reader was given (for messages). */
  readonly name: string;
  readonly tensors: readonly Tensor[];
  readonly layers: readonly LayerConfig[];
  readonly diagnostics: readonly ReadDiagnostic[];
}

/** A bad or hostile file: the message names what is wrong, in terms the user can act on. */
export class ModelFileError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Limits that keep a hostile file from costing unbounded memory or time. */
export interface ReadLimits {
  /** Largest single decompressed entry / tensor, bytes. */
  readonly maxEntryBytes: number;
  /** Largest decompressed/compressed ratio accepted for one zip entry. */
  readonly maxCompressionRatio: number;
  /** Most tensors listed from one file. */
  readonly maxTensors: number;
  /** Most pickle opcodes executed (interpreted, never run) for one pickle. */
  readonly maxPickleOps: number;
  /** Deepest container nesting in a pickle / protobuf / JSON config. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxEntryBytes: 1 << 30,
  maxCompressionRatio: 1000,
  maxTensors: 100_000,
  maxPickleOps: 50_000_000,
  maxDepth: 200,
};
