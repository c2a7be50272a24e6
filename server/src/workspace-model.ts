// The language server's model of the workspace manifests: one parsed file per path, updated
// file by file as files change on disk.
import { readFile, stat } from 'node:fs/promises';
import { loadManifestPaths } from './core/manifest/load';
import { parseManifestText, type ParsedFile } from './core/manifest/parse';
import { policyFromManifests } from './core/manifest/rbac';
import type { ServerStatus } from './protocol';

const MANIFEST = /\.(ya?ml|json)$/i;

export class WorkspaceModel {
  private readonly byPath = new Map<string, ParsedFile>();

  async loadFolders(folders: string[]): Promise<void> {
    for (const f of await loadManifestPaths(folders)) this.byPath.set(f.file, f);
  }

  /** Re-reads one file after a change on disk; a deleted file leaves the model. */
  async update(path: string): Promise<void> {
    if (!MANIFEST.test(path)) return;
    try {
      await stat(path);
    } catch {
      this.byPath.delete(path);
      return;
    }
    const [f] = await loadManifestPaths([path]);
    this.byPath.set(path, f);
  }

  delete(path: string): void {
    this.byPath.delete(path);
  }

  /** Replaces a file's content with the editor's (unsaved) text. */
  setText(path: string, text: string): void {
    this.byPath.set(path, parseManifestText(text, path));
  }

  async revert(path: string): Promise<void> {
    try {
      this.setText(path, await readFile(path, 'utf8'));
    } catch {
      this.byPath.delete(path);
    }
  }

  files(): ParsedFile[] {
    return [...this.byPath.values()];
  }

  status(): ServerStatus {
    const files = [...this.byPath.values()];
    const { objects } = policyFromManifests(files, { origin: 'workspace' });
    const counts: Record<string, number> = {};
    for (const { object } of objects) counts[object.kind] = (counts[object.kind] ?? 0) + 1;
    return {
      state: 'ready',
      files: files.filter((f) => f.manifests.length > 0 || f.problems.length > 0).length,
      objects: counts,
      problems: files.reduce((n, f) => n + f.problems.length, 0),
    };
  }
}
