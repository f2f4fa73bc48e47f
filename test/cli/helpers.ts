// The CLI in-process on in-memory files: fast, and the Io can watch what is read and how output is written.
import { main, nodeIo, type Io } from '../../src/cli/main';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Each piece handed to Io.out, in order (the output is streamed in chunks). */
  readonly chunks: readonly string[];
  /** Paths whose bytes were read. */
  readonly read: readonly string[];
  /** Files the command wrote (gate-lens convert). */
  readonly written: ReadonlyMap<string, Uint8Array>;
}

/** In-process CLI on in-memory files. */
export function runCli(files: Record<string, string | Uint8Array | { size: number }>, ...args: string[]): CliRun {
  let stdout = '';
  let stderr = '';
  const chunks: string[] = [];
  const read: string[] = [];
  const written = new Map<string, Uint8Array>();
  const bytes = (p: string): Uint8Array => {
    const f = files[p];
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    if (!(typeof f === 'string' || f instanceof Uint8Array)) throw new Error(`${p} is a size-only test file: it must not be read`);
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
  const size = (p: string): number => {
    const f = files[p];
    if (f !== undefined && !(typeof f === 'string' || f instanceof Uint8Array)) return f.size;
    return bytes(p).length;
  };
  const io: Io = {
    out: (t) => { stdout += t; chunks.push(t); },
    err: (t) => { stderr += t; },
    readFile: (p) => { read.push(p); return bytes(p); },
    writeFile: (p, b) => { written.set(p, b); },
    fileSize: size,
    // The real CLI's ASCII path, so every CLI test decodes text the way `gate-lens` does.
    asciiText: nodeIo.asciiText,
  };
  const code = main(args, io);
  return { code, stdout, stderr, chunks, read, written };
}

