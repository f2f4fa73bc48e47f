// A model file's bytes on the extension host. On a host with a file system (desktop, remote: the extension host runs
// where the files are) a `file:` URI is read by byte range through a file handle, so a 2 GB checkpoint costs only the
// ranges of the tensors read. vscode.workspace.fs has no ranged read, so every other scheme (vscode.dev, virtual
// file systems) reads the whole file once, and only up to gateLens.modelFiles.maxWholeFileMB: above it the file is
// refused with a message that says why.

import * as vscode from 'vscode';
import { open } from 'node:fs/promises';
import { checkRange } from '../../core/tensor/bytes';
import { ModelFileError } from '../../core/tensor/types';

export interface HostFile {
  readonly size: number;
  /** True when only the ranges asked for are read; false when the file was (or will be) read whole. */
  readonly ranged: boolean;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

async function rangedFile(uri: vscode.Uri): Promise<HostFile | undefined> {
  if (uri.scheme !== 'file' || process.env.GATE_LENS_WEB) return undefined;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(uri.fsPath, 'r');
  } catch {
    // No file system here after all (or no permission): workspace.fs decides and says why.
    return undefined;
  }
  const size = (await handle.stat()).size;
  return {
    size,
    ranged: true,
    read: async (offset, length) => {
      checkRange(size, offset, length, 'read');
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead <= 0) throw new ModelFileError('truncated', `${fileName(uri)} ended at byte ${offset + done} while reading (it changed on disk?)`);
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

async function wholeFile(uri: vscode.Uri, maxBytes: number): Promise<HostFile> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > maxBytes) {
    throw new ModelFileError('too-large-for-host', vscode.l10n.t(
      '{0} is {1} MB. This host reads files only whole (vscode.workspace.fs has no byte-range read for {2}: URIs), and gateLens.modelFiles.maxWholeFileMB is {3} MB. Open it where the file is local, or raise the setting.',
      fileName(uri), (stat.size / 2 ** 20).toFixed(1), uri.scheme, String(maxBytes / 2 ** 20)));
  }
  let bytes: Promise<Uint8Array> | undefined;
  return {
    size: stat.size,
    ranged: false,
    read: async (offset, length) => {
      bytes ??= Promise.resolve(vscode.workspace.fs.readFile(uri));
      const all = await bytes;
      checkRange(all.length, offset, length, 'read');
      return all.subarray(offset, offset + length);
    },
    close: () => {
      bytes = undefined;
      return Promise.resolve();
    },
  };
}

export async function openHostFile(uri: vscode.Uri, maxWholeFileBytes: number): Promise<HostFile> {
  return (await rangedFile(uri)) ?? wholeFile(uri, maxWholeFileBytes);
}
