// Typed reads of the gateLens.* settings (declared in package.json "contributes.configuration").

import * as vscode from 'vscode';
import { isConventionId, type ConventionId } from '../core/conventions';

export type HintStyle = 'inlay' | 'codelens' | 'both' | 'off';

export const SUPPORTED_LANGUAGES = ['python', 'plaintext', 'json', 'jsonc'] as const;

/** Where the editor features apply: our languages, in files, untitled buffers, notebook cells and virtual schemes. */
export const DOCUMENT_SELECTOR: vscode.DocumentSelector = SUPPORTED_LANGUAGES.map((language) => ({ language }));

export function isSupported(document: vscode.TextDocument): boolean {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(document.languageId);
}

function section(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('gateLens', scope);
}

export function hintStyle(scope?: vscode.ConfigurationScope): HintStyle {
  const value = section(scope).get<string>('hints.style', 'both');
  return value === 'inlay' || value === 'codelens' || value === 'off' ? value : 'both';
}

export function showsInlayHints(scope?: vscode.ConfigurationScope): boolean {
  const style = hintStyle(scope);
  return style === 'inlay' || style === 'both';
}

export function showsCodeLens(scope?: vscode.ConfigurationScope): boolean {
  const style = hintStyle(scope);
  return style === 'codelens' || style === 'both';
}

export function maxFileSizeBytes(scope?: vscode.ConfigurationScope): number {
  const mb = section(scope).get<number>('maxFileSizeMB', 20);
  return Math.max(0, Number.isFinite(mb) ? mb : 5) * 1024 * 1024;
}

export function defaultConvention(scope?: vscode.ConfigurationScope): ConventionId | undefined {
  const value = section(scope).get<string>('defaultConvention', 'auto');
  return isConventionId(value) ? value : undefined;
}

export function kerasVersion(scope?: vscode.ConfigurationScope): '2' | '3' {
  return section(scope).get<string>('kerasVersion', '3') === '2' ? '2' : '3';
}

/** Largest model file read whole where no byte-range read exists (web hosts, virtual file systems). */
export function maxWholeModelFileBytes(scope?: vscode.ConfigurationScope): number {
  const mb = section(scope).get<number>('modelFiles.maxWholeFileMB', 256);
  return Math.max(0, Number.isFinite(mb) ? mb : 256) * 1024 * 1024;
}
