// Paths of the repository, found from the compiled test file (out/test/...).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot(__dirname);
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);
