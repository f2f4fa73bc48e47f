// Checks for run requests that arrive from outside our own code: command arguments (any extension, or a command
// link) and webview messages. A request that is not exactly one of the protocol's shapes is refused whole.

import type { InputSource, RunRequest } from './messages';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNumbers(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

export function isInputSource(value: unknown): value is InputSource {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'array':
      return isIndex(value.arrayIndex);
    case 'values':
      return isCount(value.steps) && isCount(value.features) && isNumbers(value.data) && value.data.length === value.steps * value.features;
    case 'zeros':
      return isCount(value.steps);
    case 'random':
      return isCount(value.steps) && isIndex(value.seed);
    default:
      return false;
  }
}

export function isInitialState(value: unknown): value is NonNullable<RunRequest['initialState']> {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'zeros':
      return true;
    case 'values':
      return (value.h === undefined || isNumbers(value.h)) && (value.c === undefined || isNumbers(value.c));
    case 'random':
      return isIndex(value.seed);
    default:
      return false;
  }
}

export function isRunRequest(value: unknown): value is RunRequest {
  return isRecord(value) && typeof value.layerId === 'string' && isInputSource(value.input) && (value.initialState === undefined || isInitialState(value.initialState));
}
