/** Reads manifest paths given to `apply -f`: files, folders (recursively) or `-` for stdin. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';

export interface ManifestFile {
  name: string;
  content: Uint8Array;
}

const manifestFile = /\.(ya?ml|json)$/i;

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (manifestFile.test(entry.name)) out.push(path);
  }
}

export function readManifestFiles(paths: readonly string[]): ManifestFile[] {
  const files: ManifestFile[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ name: '<stdin>', content: readFileSync(0) });
      continue;
    }
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(
        `'${path}' does not exist; give a manifest file, a folder of manifests, or - for stdin`,
      );
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(path, found);
      if (!found.length) throw new InputError(`The folder '${path}' holds no .yaml, .yml or .json files`);
      // Named as the user named the folder: relative stays relative, absolute stays absolute.
      for (const file of found) files.push({ name: file, content: readFileSync(file) });
    } else {
      files.push({ name: path, content: readFileSync(path) });
    }
  }
  return files;
}
