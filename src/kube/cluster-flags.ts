/**
 * The kubectl flags that make a command printed for a person reach the cluster this run reached. At 3 a.m. the
 * person's current context may point at another cluster, and a CronJob's log is read on a laptop: a printed
 * `resume` that succeeds against the wrong cluster leaves this one paused. So the context this run used is always
 * named (kubectl then fails loudly where it does not exist, instead of going elsewhere), and --kubeconfig is carried
 * when the run was given one. Imports nothing: `create`'s command module loads it for --help too.
 */

/** The context name of the in-cluster service account (a CronJob's pod): there is no kubeconfig context to name. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export interface ClusterFlags {
  /** --kubeconfig as the run was given it; a KUBECONFIG from the environment is the reader's own business. */
  readonly kubeconfig?: string | undefined;
  /** The context the run used; none for the in-cluster service account, which has no context to name. */
  readonly context?: string | undefined;
}

/** The run's --kubeconfig, and its --context or else the context the kubeconfig chose. */
export function clusterFlagsOf(options: { readonly kubeconfig?: string | undefined; readonly context?: string | undefined }, contextName: string): ClusterFlags {
  const context = options.context ?? (contextName === IN_CLUSTER_CONTEXT ? undefined : contextName);
  return { kubeconfig: options.kubeconfig, context };
}

/** A word for a POSIX shell: as is when it is safe, otherwise single-quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `--kubeconfig K --context C -n NS`, in kubectl's own flag names, quoted for a shell. */
export function clusterFlagsText(flags: ClusterFlags, namespace: string): string {
  return [
    ...(flags.kubeconfig !== undefined ? [`--kubeconfig ${shellWord(flags.kubeconfig)}`] : []),
    ...(flags.context !== undefined ? [`--context ${shellWord(flags.context)}`] : []),
    `-n ${shellWord(namespace)}`,
  ].join(' ');
}

/**
 * The installation flags that shape how a run finds and reaches the installation (global flags beyond the cluster
 * ones): a printed command that continues or repeats the run must carry them, or it reaches the components another
 * way (an --exec-pod relay dropped: curl from a pod the restore stopped), reads another repository, or runs another
 * version's procedure.
 */
export interface InstallationFlags {
  readonly execPod?: string | undefined;
  readonly execContainer?: string | undefined;
  readonly snapshotRepository?: string | undefined;
  readonly camundaVersion?: string | undefined;
}

/** Where a printed command must go: this run's cluster and namespace, and its release and access mode when known. */
export interface CommandTarget {
  readonly cluster: ClusterFlags;
  readonly namespace: string;
  readonly release?: string | undefined;
  /** --access as the run used it ('port-forward' | 'exec'). */
  readonly access?: string | undefined;
  /** The run's installation flags, carried as given. */
  readonly installation?: InstallationFlags | undefined;
}

/** The installation flags of parsed global options, as the run was given them. */
export function installationFlagsOf(options: InstallationFlags): InstallationFlags {
  return { execPod: options.execPod, execContainer: options.execContainer, snapshotRepository: options.snapshotRepository, camundaVersion: options.camundaVersion };
}

/**
 * `kubectl camunda-backup <command> --kubeconfig … --context … -n … --release … --access … [--exec-pod …] [flags]`:
 * the one builder of every tool command printed for a person (hints, fixes, resume, continue), so each reaches what
 * this run reached, the same way. `command` is the subcommand and its own arguments, e.g. "create" or "list -v 4";
 * `flags` are the command's own flags that belong after the common ones (e.g. --yes), each already a shell text.
 */
export function toolCommand(command: string, target: CommandTarget, flags: readonly string[] = []): string {
  const installation = target.installation ?? {};
  const optional = (flag: string, value: string | undefined): string[] => (value !== undefined ? [`${flag} ${shellWord(value)}`] : []);
  return [
    `kubectl camunda-backup ${command}`,
    clusterFlagsText(target.cluster, target.namespace),
    ...optional('--release', target.release),
    ...optional('--access', target.access),
    ...optional('--exec-pod', installation.execPod),
    ...optional('--exec-container', installation.execContainer),
    ...optional('--snapshot-repository', installation.snapshotRepository),
    ...optional('--camunda-version', installation.camundaVersion),
    ...flags,
  ].join(' ');
}

/** `kubectl <command> --kubeconfig … --context … -n …`: a plain kubectl command printed for a person, same cluster. */
export function kubectlCommand(command: string, target: Pick<CommandTarget, 'cluster' | 'namespace'>): string {
  return `kubectl ${command} ${clusterFlagsText(target.cluster, target.namespace)}`;
}
