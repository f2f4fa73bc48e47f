// Entry point of the `gate-lens` command (bundled to dist/cli.js). All logic lives in main.ts so tests can call it.
import { main, nodeIo, parseArgs } from './main';
import { preloadModelFile, type PreloadedModel } from './modelFile';

// `gate-lens run ... | head` closes stdout early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const argv = process.argv.slice(2);
// Model files are read asynchronously (byte ranges) before main, which then takes the finished analysis.
void modelFileFor(argv).then((model) => { process.exitCode = main(argv, nodeIo, model); });

async function modelFileFor(args: readonly string[]): Promise<PreloadedModel | undefined> {
  let parsed: ReturnType<typeof parseArgs>;
  try { parsed = parseArgs(args); } catch { return undefined; }
  if (parsed.flags.has('--help')) return undefined;
  return preloadModelFile(parsed.command, parsed.file, parsed.values.get('--convention'), nodeIo, true);
}
