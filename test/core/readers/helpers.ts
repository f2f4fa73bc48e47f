// Test helpers: files from test/fixtures/models as ByteSources, the way the CLI and the extension hand them over.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memorySource } from '../../../src/core/tensor/bytes';
import type { ByteSource } from '../../../src/core/tensor/types';
import { readModelFile } from '../../../src/core/readers/registry';
import type { ModelFile } from '../../../src/core/tensor/types';

export const MODEL_DIR = join(process.cwd(), 'test', 'fixtures', 'models');

export function fixtureSource(name: string): ByteSource {
  // A Node Buffer as the CLI hands it over (pooled, with a byteOffset), not a fresh copy.
  return memorySource(readFileSync(join(MODEL_DIR, name)));
}

export function readFixture(name: string): Promise<ModelFile> {
  return readModelFile(fixtureSource(name), name, undefined, { openSibling: (n) => Promise.resolve(fixtureSource(n)) });
}
