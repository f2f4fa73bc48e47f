// Files a model points to beside itself (ONNX external data, safetensors shards) are named by the model, which is
// untrusted: a name may only reach down from the model's folder. An absolute path, a drive letter, a URI or a `..`
// segment is refused with the name it gave, so a model cannot make Gate Lens read ~/.ssh or C:\Windows.

import { ModelFileError } from '../tensor/types';

/** The path segments of `name` below the model's folder; throws a ModelFileError naming `what` when it escapes. */
export function sidePathSegments(name: string, what: string): string[] {
  const refuse = (why: string): never => {
    throw new ModelFileError('unsafe-path', `${what} names "${name}", ${why}; Gate Lens reads such files only from the model's own folder or below it`);
  };
  if (name.length === 0) refuse('an empty path');
  if (name.length > 4096) refuse('a path longer than 4096 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) refuse('a path with control characters');
  if (/^[\\/]/.test(name)) refuse('an absolute path');
  if (/^[A-Za-z]:/.test(name)) refuse('a path with a drive letter');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(name)) refuse('a URI');
  const segments = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) refuse('a path that climbs out of the folder (..)');
  if (segments.length === 0) refuse('the folder itself');
  return segments;
}
