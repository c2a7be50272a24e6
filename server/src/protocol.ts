// Every custom message between the extension (client) and the language server, declared once.
import { NotificationType } from 'vscode-languageserver-protocol';

export interface ServerStatus {
  /** "loading" while the workspace is read, then "ready". */
  state: 'loading' | 'ready';
  files: number;
  /** Counts of RBAC objects found in the workspace, by kind. */
  objects: Record<string, number>;
  /** Files or documents that could not be read (broken YAML, too large, binary...). */
  problems: number;
}

/** Server → client: the workspace model changed (sent after the first load and on every change). */
export const serverStatusNotification = new NotificationType<ServerStatus>('kubeid/serverStatus');
