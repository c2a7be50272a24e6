// The live-cluster requests of the extension (context switcher, Who Am I, access matrix, live objects) and the
// workspace-trust notification, answered by the server's one ClusterConnection.
import type { Feature } from '../context';
import type { ClusterConnection } from '../cluster-connection';
import {
  accessMatrixRequest,
  contextsRequest,
  liveEffectivePermissionsRequest,
  liveObjectRequest,
  switchContextRequest,
  whoamiRequest,
  workspaceTrustNotification,
} from '../protocol';

export function clusterFeature(cluster: ClusterConnection): Feature {
  return {
    capabilities: {},
    register({ connection }) {
      connection.onNotification(workspaceTrustNotification, (p) => cluster.setTrusted(p.trusted === true));
      connection.onRequest(contextsRequest, () => cluster.contexts());
      connection.onRequest(switchContextRequest, (p) => cluster.switchContext(p ?? {}));
      connection.onRequest(whoamiRequest, (p, token) => cluster.whoami(p ?? {}, token));
      connection.onRequest(accessMatrixRequest, (p, token) => cluster.accessMatrix(p, token));
      connection.onRequest(liveEffectivePermissionsRequest, (p, token) => cluster.liveEffectivePermissions(p, token));
      connection.onRequest(liveObjectRequest, (p) => cluster.liveObject(p));
    },
  };
}
