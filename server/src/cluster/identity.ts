// Who the current kube context is, as `kubectl auth whoami` answers it (SelfSubjectReview), with the
// client certificate's names when the server lacks that API, and a warning when a person signs in
// with a long-lived credential. Shared by `kubeid whoami` and the editor's "Who Am I".
import type { KubeClusterSource } from './adapter';
import { isClusterError } from '../core/cluster/source';
import type { UserInfo } from '../core/rbac/types';

export interface Identity {
  user: UserInfo;
  /** The API that answered, or the client certificate. */
  via: string;
  warning?: string;
}

export async function identify(src: KubeClusterSource, signal?: AbortSignal): Promise<Identity> {
  const { auth } = src.config;
  let user: UserInfo;
  let via: string;
  try {
    ({ user, via } = await src.whoami(signal));
  } catch (e) {
    if (!isClusterError(e, 'not-found') || !auth.certificate) throw e;
    // Without SelfSubjectReview the certificate still says who it names: CN is the user, each O a group.
    const s = auth.certificate.subject;
    user = { name: /(?:^|, )CN=([^,]*)/.exec(s)?.[1] ?? '', groups: [...s.matchAll(/(?:^|, )O=([^,]*)/g)].map((m) => m[1]) };
    via = 'the client certificate (not confirmed by the server)';
  }
  const person = !user.name.startsWith('system:serviceaccount:') && !user.name.startsWith('system:node:');
  const warning =
    auth.longLived && person
      ? `${user.name} authenticates with ${auth.longLived}; people should sign in through OIDC (an exec plugin such as kubelogin) with short-lived tokens`
      : undefined;
  return { user, via, ...(warning ? { warning } : {}) };
}
