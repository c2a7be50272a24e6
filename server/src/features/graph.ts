// The access graph of the workspace for the graph view (kubeid/accessGraph), coloured by the
// checks with the user's severity settings, as the diagnostics are.
import type { Feature, ServerContext } from '../context';
import { workspaceGraph } from '../core/graph/build';
import { accessGraphRequest } from '../protocol';

export const accessGraph: Feature = {
  capabilities: {},
  register(ctx: ServerContext) {
    ctx.connection.onRequest(accessGraphRequest, () =>
      workspaceGraph(ctx.model.analysis().ctx.workspace, 'workspace', ctx.settings().checks),
    );
  },
};
