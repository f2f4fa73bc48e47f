// The Gate Lens Model editor's view types and file pattern (package.json "customEditors"), apart from the provider so
// the web test bundle, which may import nothing that needs Node, can name them.

/** Formats nobody else opens in VS Code by default: Gate Lens Model is their default editor. */
export const MODEL_VIEW_TYPE = 'gateLens.modelEditor';
/** Formats other editors may claim (Hex Editor for .bin, HDF5 and NumPy viewers): Gate Lens Model is offered, never imposed. */
export const MODEL_VIEW_TYPE_OPTIONAL = 'gateLens.modelEditor.optional';

/** The files the Gate Lens Model editor is contributed for. */
export const MODEL_FILE_PATTERN = /\.(keras|h5|hdf5|pt|pth|bin|safetensors|onnx|npy|npz)$|\.safetensors\.index\.json$/i;
