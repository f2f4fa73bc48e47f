// Public entry of the text reader: extractArrays(text, options) → { arrays, diagnostics }.
export { extractArrays, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, MAX_DIAGNOSTICS, type ExtractOptions } from './extract';
export type { ArrayForm, DiagnosticSeverity, ExtractedArray, ParseDiagnostic, ParseResult, SourceRange } from './types';
