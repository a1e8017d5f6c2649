import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfig } from './FleetConfig';

/**
 * A KubeConfig for one configured cluster, built the way client-node expects for each auth mode.
 *
 * @public
 */
export function createKubeConfig(cluster: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  if (cluster.authProvider === 'inCluster') {
    kc.loadFromCluster();
    return kc;
  }
  if (cluster.authProvider === 'kubeconfig') {
    kc.loadFromDefault();
    if (cluster.kubeconfigContext)
      kc.setCurrentContext(cluster.kubeconfigContext);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url!,
        caData: cluster.caData
          ? Buffer.from(cluster.caData).toString('base64')
          : undefined,
        skipTLSVerify: cluster.skipTLSVerify,
      },
    ],
    users: [{ name: 'gloriousflywheel', token: cluster.serviceAccountToken }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'gloriousflywheel' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}
