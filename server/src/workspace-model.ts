// The language server's model of the workspace manifests: one parsed file per path, updated
// file by file as files change on disk or in the editor (an edited file re-parses only its edited
// documents), and the checks' findings, recomputed only where an edit can change them.
import { readFile, stat } from 'node:fs/promises';
import type { ApiResource } from './core/catalogue/catalogue';
import { reparseManifestText } from './core/manifest/incremental';
import { loadManifestPaths } from './core/manifest/load';
import type { ParsedFile } from './core/manifest/parse';
import { ALL_CHECKS, contextFor, type CheckContext, type ClusterRefs } from './core/checks';
import { checkIncrementally, type Checked } from './core/checks/incremental';
import type { ServerStatus } from './protocol';

/** Everything the features ask about one version of the model, computed once per version. */
export interface Analysis {
  version: number;
  ctx: CheckContext;
  file: (path: string) => ParsedFile | undefined;
  /** Every check's findings (computed on first call, from the last version checked). */
  checked(): Checked;
}

const MANIFEST = /\.(ya?ml|json)$/i;

export class WorkspaceModel {
  private readonly byPath = new Map<string, ParsedFile>();
  /** Bumped on every change; analyses are cached per version. */
  private version = 0;
  private cached: Analysis | undefined;
  private lastChecked: Checked | undefined;
  /** The connected cluster's snapshot, as references resolve against it. */
  private cluster: ClusterRefs | undefined;
  /** The connected cluster's API resources (discovery), added to the catalogue. */
  private discovered: readonly ApiResource[] | undefined;

  private set(path: string, file: ParsedFile | undefined): void {
    if (file) this.byPath.set(path, file);
    else this.byPath.delete(path);
    this.version++;
  }

  analysis(): Analysis {
    if (this.cached?.version !== this.version) {
      const byPath = new Map(this.byPath);
      const ctx: CheckContext = {
        ...contextFor([...byPath.values()], this.discovered ? { discovered: this.discovered } : {}, this.cached?.ctx),
        ...(this.cluster ? { cluster: this.cluster } : {}),
      };
      let checked: Checked | undefined;
      this.cached = {
        version: this.version,
        ctx,
        file: (p) => byPath.get(p),
        checked: () => (checked ??= this.lastChecked = checkIncrementally(ctx, ALL_CHECKS, this.lastChecked)),
      };
    }
    return this.cached;
  }

  /** Another cluster snapshot (or none): every check runs again on the next analysis. Returns whether it changed. */
  setCluster(cluster: ClusterRefs | undefined): boolean {
    if (cluster === this.cluster) return false;
    this.cluster = cluster;
    this.version++;
    return true;
  }

  /** Another cluster discovery (or none): the catalogue checks run again. Returns whether it changed. */
  setDiscovery(discovered: readonly ApiResource[] | undefined): boolean {
    if (discovered === this.discovered) return false;
    this.discovered = discovered;
    this.version++;
    return true;
  }

  async loadFolders(folders: string[]): Promise<void> {
    for (const f of await loadManifestPaths(folders)) this.set(f.file, f);
  }

  /** Re-reads one file after a change on disk; a deleted file leaves the model. */
  async update(path: string): Promise<void> {
    if (!MANIFEST.test(path)) return;
    try {
      await stat(path);
    } catch {
      this.set(path, undefined);
      return;
    }
    const [f] = await loadManifestPaths([path]);
    this.set(path, f);
  }

  delete(path: string): void {
    this.set(path, undefined);
  }

  /** Replaces a file's content with the editor's (unsaved) text. */
  setText(path: string, text: string): void {
    this.set(path, reparseManifestText(this.byPath.get(path), text, path));
  }

  async revert(path: string): Promise<void> {
    try {
      this.setText(path, await readFile(path, 'utf8'));
    } catch {
      this.set(path, undefined);
    }
  }

  status(): ServerStatus {
    const files = [...this.byPath.values()];
    const { objects } = this.analysis().ctx;
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
