import type { JobDoc, JobModel } from '../models/jobModel';

/**
 * The open jobs, held in memory for recommendations. Scoring a person against
 * the jobs that share a skill, role or place with them is a query of regexes
 * in an `$or`, which no index serves: each request would read every open job
 * (on FerretDB, decoded in Go every time). Jobs change far less often than
 * people ask, so the snapshot is reloaded at most every `maxAgeMs`, and on the
 * next read after this instance changes a job (invalidate); another replica's
 * change shows within `maxAgeMs`. Beyond `maxJobs` open jobs it answers null
 * and the caller queries instead, so memory stays bounded.
 */
export class OpenJobsSnapshot {
  private jobs: JobDoc[] | null = null;
  private tooMany = false;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<JobDoc[] | null> | null = null;
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly model: JobModel,
    private readonly options: { maxAgeMs: number; maxJobs: number; now?: () => number },
  ) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Open jobs, newest first (createdAt, then _id, descending), or null when there are more than maxJobs. */
  async get(): Promise<JobDoc[] | null> {
    if (this.now() - this.loadedAt < this.options.maxAgeMs) return this.tooMany ? null : this.jobs;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** After a local write to jobs: the next get() reads them again. */
  invalidate(): void {
    this.generation += 1;
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  private async load(): Promise<JobDoc[] | null> {
    const generation = this.generation;
    const docs = await this.model
      .find({ status: 'OPEN' })
      .sort({ createdAt: -1, _id: -1 })
      .limit(this.options.maxJobs + 1)
      .lean<JobDoc[]>();
    const tooMany = docs.length > this.options.maxJobs;
    // A write during the load may be missing from it: answer with it, but do not keep it.
    if (generation === this.generation) {
      this.jobs = tooMany ? null : docs;
      this.tooMany = tooMany;
      this.loadedAt = this.now();
    }
    return tooMany ? null : docs;
  }
}
