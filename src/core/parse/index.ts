// Public entry of the text reader: extractArrays(text, options) → { arrays, diagnostics }.
export { extractArrays, fileKindOf, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, MAX_DIAGNOSTICS, type ExtractOptions, type FileKind } from './extract';
export type { ArrayForm, DiagnosticSeverity, ExtractedArray, ParseDiagnostic, ParseResult, SourceRange } from './types';
