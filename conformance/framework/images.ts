// Image references the v1.32 e2e suite uses (test/utils/image). API-class cases only put
// them into pod specs; no container starts.

const REGISTRY = 'registry.k8s.io/e2e-test-images';

export const images = {
  agnhost: `${REGISTRY}/agnhost:2.53`,
  busybox: `${REGISTRY}/busybox:1.36.1-1`,
  pause: 'registry.k8s.io/pause:3.10',
  nginx: `${REGISTRY}/nginx:1.14-4`,
  httpd: `${REGISTRY}/httpd:2.4.38-4`,
  nonewprivs: `${REGISTRY}/nonewprivs:1.3`,
} as const;
