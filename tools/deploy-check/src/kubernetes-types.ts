/** The parts of Kubernetes objects the checks read (everything optional: manifests may be wrong). */

export type Labels = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Labels;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
  spec?: unknown;
}

export interface KeyRef {
  name?: string;
  key?: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef };
}

export interface EnvFrom {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  volumeMounts?: VolumeMount[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface KeyToPath {
  key: string;
  path: string;
}

export interface Volume {
  name: string;
  secret?: { secretName?: string; items?: KeyToPath[]; optional?: boolean };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  emptyDir?: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: { matchLabels?: Labels };
  template?: { metadata?: ObjectMeta; spec?: PodSpec };
}

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Labels;
  ports?: ServicePort[];
}

export interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } };
}

export interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string; http?: { paths?: { path?: string; backend?: IngressBackend }[] } }[];
  defaultBackend?: IngressBackend;
}

export interface PodDisruptionBudgetSpec {
  selector?: { matchLabels?: Labels };
}

export interface Kustomization {
  resources?: string[];
  images?: { name?: string; newName?: string; newTag?: string }[];
}

/** An object with the file it came from. */
export interface Manifest {
  file: string;
  object: KubeObject;
}

export function nameOf(m: Manifest): string {
  return `${m.file}: ${m.object.kind ?? '?'} ${m.object.metadata?.name ?? '?'}`;
}
