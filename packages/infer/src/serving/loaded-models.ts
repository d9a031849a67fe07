/**
 * The models a server serves, loaded: each version's session, its dynamic batcher (reporting to
 * the server's metrics and the version's statistics), its request cache and its metadata bodies,
 * written once. LoadedModels owns the sessions: close() releases them.
 */
import { Batcher, type BatchObserver } from './batcher.js';
import { modelConfig, modelMetadata } from './metadata.js';
import type { ServerMetrics } from './metrics.js';
import { ProtocolError } from './protocol-error.js';
import type { ModelSource, ServedModel, ServedVersion } from './repository.js';
import { RequestCache } from './request-cache.js';
import type { SessionOptions } from './server-options.js';
import { VersionStatistics } from './statistics.js';
import { startSession, type Session, type SessionProvider } from './version-session.js';

export interface LoadedVersion {
  readonly served: ServedVersion;
  readonly batcher: Batcher;
  readonly statistics: VersionStatistics;
  readonly requests: RequestCache;
  readonly metadata: string;
  readonly versionedMetadata: string;
  readonly config: string;
}

export interface LoadedModel {
  readonly served: ServedModel;
  /** Keyed by version string ("1"). */
  readonly versions: Map<string, LoadedVersion>;
  readonly latest: LoadedVersion;
}

/** A version's batcher in front of its session, reporting to the server's metrics and the version's statistics. */
function versionBatcher(
  session: Session,
  served: ServedVersion,
  observers: { statistics: VersionStatistics; measured: BatchObserver },
  options: SessionOptions,
): Batcher {
  const { statistics, measured } = observers;
  const [height, width, channels] = served.inputShape;
  return new Batcher({
    run: (images, count) => session.run(images, count),
    pixelsPerImage: height * width * channels,
    classes: served.classes,
    policy: served.batching,
    maxInFlight: options.runsInFlight ?? 1,
    observer: {
      enqueued: () => measured.enqueued(),
      dispatched: (seconds) => {
        measured.dispatched(seconds);
        statistics.dispatched(seconds);
      },
      ran: (images, requests, seconds) => {
        measured.ran(images, requests, seconds);
        statistics.ran(images, requests, seconds);
      },
      settled: (requests) => measured.settled(requests),
    },
  });
}

/** One version of `model`, loaded on `session`. */
function loadVersion(model: ServedModel, served: ServedVersion, session: Session, metrics: ServerMetrics, options: SessionOptions): LoadedVersion {
  const statistics = new VersionStatistics(model.name, served.version);
  const measured = metrics.forVersion(model.name, served.version);
  return {
    served,
    batcher: versionBatcher(session, served, { statistics, measured }, options),
    statistics,
    requests: new RequestCache(),
    metadata: modelMetadata(model, served, { versioned: false }),
    versionedMetadata: modelMetadata(model, served, { versioned: true }),
    config: modelConfig(served),
  };
}

export class LoadedModels {
  private constructor(
    private readonly models: ReadonlyMap<string, LoadedModel>,
    private readonly sessions: readonly Session[],
    /** The first version's session's provider, and the providers it skipped. */
    readonly provider: SessionProvider,
  ) {}

  /** Opens a session for each version of each model in `source`; on a failure, closes those already open. */
  static async load(source: ModelSource, options: SessionOptions, metrics: ServerMetrics): Promise<LoadedModels> {
    const models = new Map<string, LoadedModel>();
    const sessions: Session[] = [];
    try {
      for (const model of source.models) {
        const versions = new Map<string, LoadedVersion>();
        for (const served of model.versions) {
          const session = await startSession(served, options);
          sessions.push(session);
          versions.set(served.version, loadVersion(model, served, session, metrics, options));
        }
        models.set(model.name, { served: model, versions, latest: versions.get(model.versions[model.versions.length - 1]!.version)! });
      }
    } catch (error) {
      await closeSessions(sessions);
      throw error;
    }
    return new LoadedModels(models, sessions, sessions[0]!);
  }

  /** The model `name` and its version `version` (its latest when undefined); 404 when either is not served. */
  find(name: string, version: string | undefined): { model: LoadedModel; version: LoadedVersion } {
    const model = this.models.get(name);
    if (!model) throw new ProtocolError(404, `Request for unknown model: '${name}' is not found`);
    if (version === undefined) return { model, version: model.latest };
    const found = model.versions.get(String(Number(version)));
    if (!found) {
      const served = model.served.versions.map((v) => v.version).join(', ');
      throw new ProtocolError(404, `Request for unknown model: '${name}' version ${version} is not found (served versions: ${served})`);
    }
    return { model, version: found };
  }

  /** Every version of every model, in the order they were loaded. */
  versions(): LoadedVersion[] {
    return [...this.models.values()].flatMap((m) => [...m.versions.values()]);
  }

  /** Resolves once every version's batcher has answered what it holds. */
  async idle(): Promise<void> {
    await Promise.all(this.versions().map((v) => v.batcher.idle()));
  }

  /** Releases every session (a session that fails to close is left to the process's exit). */
  close(): Promise<void> {
    return closeSessions(this.sessions);
  }
}

async function closeSessions(sessions: readonly Session[]): Promise<void> {
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
}
